"""TNM staging as data (ontology/src/staging, src/nenkg/staging.py): a table of cases from each
AJCC 8th edition chapter of the digestive NETs, boundaries included, through the per-record
classify path, the batch path and the command line; missing fields; the data itself."""

from __future__ import annotations

import csv
import io
import json
import random

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from cli_util import nenkg
from conftest import classify_fields
from nenkg import namespaces as ns
from nenkg.grading import Classifier, Knowledge
from nenkg.records import OUTPUT_COLUMNS, RecordReader
from nenkg.vocab import NENKG as V

FIELDS = ("primary_site", "differentiation", "ki67_percent", "size_mm", "invasion_extent", "positive_nodes",
          "mesenteric_mass", "distant_metastasis", "t_category", "n_category", "m_category")

# id, site, size_mm, invasion, nodes, mesenteric mass, distant metastasis -> T, N, M, stage group
# (AJCC Cancer Staging Manual, 8th edition: the NET chapters of the stomach, duodenum and ampulla,
# jejunum and ileum, appendix, colon and rectum, pancreas)
CASES = [
    # stomach: T1 <= 1 cm within the submucosa, T2 > 1 cm or muscularis propria
    ("st-9", "stomach", "9", "submucosa", "0", "", "none", "T1", "N0", "M0", "stage I"),
    ("st-10", "stomach", "10", "submucosa", "0", "", "none", "T1", "N0", "M0", "stage I"),
    ("st-10.1", "stomach", "10.1", "lamina propria", "0", "", "none", "T2", "N0", "M0", "stage II"),
    ("st-mp", "stomach", "5", "muscularis propria", "0", "", "none", "T2", "N0", "M0", "stage II"),
    ("st-t4n0", "stomach", "5", "serosa", "0", "", "none", "T4", "N0", "M0", "stage III"),
    ("st-n1", "stomach", "5", "submucosa", "1", "", "none", "T1", "N1", "M0", "stage III"),
    ("st-m1a", "stomach", "5", "submucosa", "0", "", "liver only", "T1", "N0", "M1a", "stage IV"),
    # duodenum and ampulla: the ampulla has its own T rules (sphincter of Oddi)
    ("du-10", "duodenum", "10", "submucosa", "0", "", "none", "T1", "N0", "M0", "stage I"),
    ("du-11", "duodenum", "11", "submucosa", "0", "", "none", "T2", "N0", "M0", "stage II"),
    ("du-panc", "duodenum", "8", "pancreas", "0", "", "none", "T3", "N0", "M0", "stage II"),
    ("am-oddi", "ampulla of Vater", "10", "sphincter of Oddi", "0", "", "none", "T1", "N0", "M0", "stage I"),
    ("am-sm", "ampulla of Vater", "8", "submucosa", "0", "", "none", "T2", "N0", "M0", "stage II"),
    ("am-big", "ampulla of Vater", "12", "sphincter of Oddi", "0", "", "none", "T2", "N0", "M0", "stage II"),
    ("am-t4", "ampulla of Vater", "8", "serosa", "2", "", "none", "T4", "N1", "M0", "stage III"),
    # jejunum and ileum: N1 fewer than 12 nodes, N2 12 or more or a mesenteric mass > 2 cm
    ("il-3cm-ss", "ileum", "30", "subserosa", "0", "absent", "none", "T3", "N0", "M0", "stage II"),
    ("il-11", "ileum", "30", "subserosa", "11", "absent", "none", "T3", "N1", "M0", "stage III"),
    ("il-12", "ileum", "30", "subserosa", "12", "absent", "none", "T3", "N2", "M0", "stage III"),
    ("il-mass", "ileum", "30", "subserosa", "3", "present", "none", "T3", "N2", "M0", "stage III"),
    ("je-10", "jejunum", "10", "submucosa", "0", "absent", "none", "T1", "N0", "M0", "stage I"),
    ("il-liver", "ileum", "30", "subserosa", "3", "absent", "liver only", "T3", "N1", "M1a", "stage IV"),
    ("il-extra", "ileum", "30", "subserosa", "3", "absent", "extrahepatic only", "T3", "N1", "M1b", "stage IV"),
    ("il-both", "ileum", "30", "subserosa", "3", "absent", "liver and extrahepatic", "T3", "N1", "M1c", "stage IV"),
    ("il-m1", "ileum", "30", "subserosa", "3", "absent", "present", "T3", "N1", "M1", "stage IV"),
    # appendix: T1 <= 2 cm, T2 <= 4 cm, T3 > 4 cm or subserosa or mesoappendix
    ("ap-20", "appendix", "20", "muscularis propria", "0", "", "none", "T1", "N0", "M0", "stage I"),
    ("ap-20.5", "appendix", "20.5", "muscularis propria", "0", "", "none", "T2", "N0", "M0", "stage II"),
    ("ap-40", "appendix", "40", "muscularis propria", "0", "", "none", "T2", "N0", "M0", "stage II"),
    ("ap-41", "appendix", "41", "muscularis propria", "0", "", "none", "T3", "N0", "M0", "stage II"),
    ("ap-meso", "appendix", "8", "mesoappendix", "0", "", "none", "T3", "N0", "M0", "stage II"),
    ("ap-perf", "appendix", "8", "serosa", "0", "", "none", "T4", "N0", "M0", "stage III"),
    # colon and rectum: T1a < 1 cm, T1b 1-2 cm, T2 > 2 cm or muscularis propria; IIA-IIIB
    ("re-9.9", "rectum", "9.9", "submucosa", "0", "", "none", "T1a", "N0", "M0", "stage I"),
    ("re-10", "rectum", "10", "submucosa", "0", "", "none", "T1b", "N0", "M0", "stage I"),
    ("re-20", "rectum", "20", "submucosa", "0", "", "none", "T1b", "N0", "M0", "stage I"),
    ("re-21", "rectum", "21", "submucosa", "0", "", "none", "T2", "N0", "M0", "stage IIA"),
    ("co-t3", "colon", "15", "subserosa", "0", "", "none", "T3", "N0", "M0", "stage IIB"),
    ("co-t4", "colon", "15", "serosa", "0", "", "none", "T4", "N0", "M0", "stage IIIA"),
    ("co-n1", "caecum", "5", "submucosa", "2", "", "none", "T1a", "N1", "M0", "stage IIIB"),
    ("co-m1", "colon", "5", "submucosa", "2", "", "liver only", "T1a", "N1", "M1a", "stage IV"),
    # pancreas: T1 < 2 cm, T2 2-4 cm, T3 > 4 cm or duodenum / bile duct, T4 organs or large vessels
    ("pa-19", "pancreas", "19", "limited to pancreas", "0", "", "none", "T1", "N0", "M0", "stage I"),
    ("pa-20", "pancreas", "20", "limited to pancreas", "0", "", "none", "T2", "N0", "M0", "stage II"),
    ("pa-40", "pancreas", "40", "limited to pancreas", "0", "", "none", "T2", "N0", "M0", "stage II"),
    ("pa-41", "pancreas", "41", "limited to pancreas", "0", "", "none", "T3", "N0", "M0", "stage II"),
    ("pa-cbd", "pancreas", "15", "duodenum or common bile duct", "0", "", "none", "T3", "N0", "M0", "stage II"),
    ("pa-vessel", "pancreas", "15", "large vessels", "0", "", "none", "T4", "N0", "M0", "stage III"),
    ("pa-n1", "pancreas", "15", "limited to pancreas", "1", "", "none", "T1", "N1", "M0", "stage III"),
]
SCHEME = {"stomach": "NENKG:0005500", "duodenum": "NENKG:0005501", "ampulla of Vater": "NENKG:0005501",
          "jejunum": "NENKG:0005502", "ileum": "NENKG:0005502", "appendix": "NENKG:0005503", "rectum": "NENKG:0005504",
          "colon": "NENKG:0005504", "caecum": "NENKG:0005504", "pancreas": "NENKG:0005505"}


def record(case) -> dict[str, str]:
    rid, site, size, invasion, nodes, mass, dm = case[:7]
    return {"record_id": rid, "primary_site": site, "differentiation": "well", "ki67_percent": "2", "size_mm": size,
            "invasion_extent": invasion, "positive_nodes": nodes, "mesenteric_mass": mass, "distant_metastasis": dm}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_stage_of_each_case(knowledge, case):
    out = classify_fields(knowledge, **{k: v for k, v in record(case).items() if k != "record_id" and v})
    assert out.status == "classified"
    assert (out.t_category, out.n_category, out.m_category, out.stage_group) == case[7:]
    assert ns.contract(out.stage_scheme_iri) == SCHEME[case[1]]
    stage = [r for r in out.reason if r.startswith("stage (")]
    assert len(stage) == 1 and stage[0].endswith("]") and case[10] in stage[0]
    assert not out.warnings


def test_the_highest_category_wins_and_the_reason_names_the_criterion(knowledge):
    # a 30 mm ileal NET invading the subserosa meets T2 (size > 1 cm) and T3 (subserosa): T3
    out = classify_fields(knowledge, **{k: v for k, v in record(CASES[14]).items() if k != "record_id" and v})
    assert "invasion_extent invasion of the subserosa -> T3 [NENKG:0005573]" in out.reason[-1]


def test_missing_fields_say_why_the_stage_cannot_be_computed(knowledge):
    # size <= 1 cm but no depth: T1 or deeper, not determined; the stage needs it
    out = classify_fields(knowledge, primary_site="stomach", differentiation="well", ki67_percent="2",
                          size_mm="8", positive_nodes="0", distant_metastasis="none")
    assert (out.t_category, out.n_category, out.m_category, out.stage_group) == ("", "N0", "M0", "")
    assert "T cannot be determined: invasion_extent missing" in out.reason[-1]
    assert out.reason[-1].endswith("stage group cannot be computed: invasion_extent missing")
    # nothing given: every field named
    out = classify_fields(knowledge, primary_site="stomach", differentiation="well", ki67_percent="2")
    assert out.stage_group == "" and out.reason[-1].endswith(
        "stage group cannot be computed: distant_metastasis, invasion_extent, positive_nodes, size_mm missing")
    # the top T is known from the depth alone: a serosa-invading tumour is T4 whatever its size
    out = classify_fields(knowledge, primary_site="stomach", differentiation="well", ki67_percent="2",
                          invasion_extent="serosa")
    assert out.t_category == "T4" and out.stage_group == ""
    # an ileal tumour with 3 nodes but no word on a mesenteric mass: N1 or N2, stage III either way
    out = classify_fields(knowledge, primary_site="ileum", differentiation="well", ki67_percent="2", size_mm="30",
                          invasion_extent="subserosa", positive_nodes="3", distant_metastasis="none")
    assert out.n_category == "" and "N cannot be determined: mesenteric_mass missing (N1 or higher)" in out.reason[-1]
    assert out.stage_group == "stage III"
    # distant metastasis alone gives stage IV, whatever T and N are
    out = classify_fields(knowledge, primary_site="pancreas", differentiation="well", ki67_percent="2",
                          distant_metastasis="liver only")
    assert (out.t_category, out.n_category, out.m_category, out.stage_group) == ("", "", "M1a", "stage IV")
    # a value no criterion of the scheme uses
    out = classify_fields(knowledge, primary_site="stomach", differentiation="well", ki67_percent="2", size_mm="5",
                          invasion_extent="mesoappendix", positive_nodes="0", distant_metastasis="none")
    assert out.t_category == "" and "no T category of the scheme fits invasion_extent, size_mm" in out.reason[-1]


def test_carcinomas_and_sites_without_a_scheme_are_not_staged(knowledge):
    out = classify_fields(knowledge, primary_site="ileum", differentiation="poor", ki67_percent="60",
                          size_mm="30", invasion_extent="subserosa", positive_nodes="0", distant_metastasis="none")
    assert out.stage_scheme == "" and out.stage_group == ""
    assert any(r.startswith("not staged:") and "carcinoma chapter" in r and "[NENKG:0005502]" in r for r in out.reason)
    out = classify_fields(knowledge, primary_site="thymus", differentiation="well", mitoses_per_2mm2="1",
                          necrosis="none", positive_nodes="0")
    # a site without a scheme: no stage and nothing said (the stage columns stay empty)
    assert out.stage_scheme == "" and not any("stage" in r for r in out.reason)


def test_stated_categories_are_kept_and_checked(knowledge):
    out = classify_fields(knowledge, primary_site="stomach", differentiation="well", ki67_percent="2", size_mm="25",
                          invasion_extent="subserosa", positive_nodes="2", distant_metastasis="none", t_category="pT2")
    assert (out.t_category, out.n_category, out.stage_group) == ("T2", "N1", "stage III")
    assert out.warnings == ["t_category T2 is stated; the fields give T3 [NENKG:0005513]; the stated category is kept"]
    # stated categories alone stage the tumour; a stated subcategory meets its category
    out = classify_fields(knowledge, primary_site="rectum", differentiation="well", ki67_percent="2",
                          t_category="T1b", n_category="N0", m_category="M0")
    assert (out.t_category, out.n_category, out.m_category, out.stage_group) == ("T1b", "N0", "M0", "stage I")
    assert not out.warnings
    # agreeing stated and computed categories raise no warning
    out = classify_fields(knowledge, primary_site="rectum", differentiation="well", ki67_percent="2", size_mm="5",
                          invasion_extent="submucosa", t_category="T1")
    assert out.t_category == "T1" and not out.warnings


def test_thresholds_are_read_from_the_graph(release_graph):
    g = release_graph.__class__()
    for t in release_graph:
        g.add(t)
    t1 = URIRef(ns.expand("NENKG:0005510"))  # stomach T1: at most 10 mm
    g.set((t1, V.upper_bound, Literal("5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    k = Knowledge(g)
    out = classify_fields(k, primary_site="stomach", differentiation="well", ki67_percent="2", size_mm="8",
                          invasion_extent="submucosa", positive_nodes="0", distant_metastasis="none")
    assert out.t_category == "" and "no T category of the scheme fits" in out.reason[-1]


def test_the_batch_path_equals_the_per_record_path(knowledge):
    from test_fastpath import both_paths, csv_text

    rng = random.Random(17)
    sites = ["stomach", "duodenum", "ampulla of Vater", "ileum", "jejunum", "appendix", "colon", "rectum", "pancreas",
             "lung"]
    choices = {
        "size_mm": ["", "5", "9.9", "10", "10.5", "20", "21", "40", "40.1", "55"],
        "invasion_extent": ["", "lamina propria", "submucosa", "muscularis propria", "subserosa", "serosa",
                            "adjacent organ", "sphincter of Oddi", "pancreas", "mesoappendix", "limited to pancreas",
                            "duodenum or common bile duct", "large vessel"],
        "positive_nodes": ["", "0", "1", "3", "11", "12", "40"],
        "mesenteric_mass": ["", "present", "absent"],
        "distant_metastasis": ["", "none", "liver only", "extrahepatic only", "liver and extrahepatic", "present"],
        "t_category": ["", "", "", "T1", "T2", "T1a"], "n_category": ["", "", "", "N0", "N1"],
        "m_category": ["", "", "", "M0", "M1"],
    }
    rows = []
    for i in range(3000):
        r = {"record_id": f"s{i}", "primary_site": rng.choice(sites), "differentiation": rng.choice(["well"] * 5 + ["poor"]),
             "ki67_percent": rng.choice(["1", "5", "30"]), "mitoses_per_2mm2": "1", "necrosis": "none"}
        r |= {c: rng.choice(v) for c, v in choices.items()}
        rows.append(r)
    fast, slow = both_paths(knowledge, csv_text(list(knowledge.contract.names), rows, []), chunk_size=500)
    assert fast == slow
    assert {r["stage_group"] for r in fast} >= {"stage I", "stage II", "stage IIA", "stage III", "stage IIIA",
                                                 "stage IIIB", "stage IV", ""}


def test_the_command_line_stages_the_table(built, tmp_path):
    path = tmp_path / "staged.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["record_id", *FIELDS], lineterminator="\n")
        w.writeheader()
        for case in CASES:
            w.writerow(record(case))
    proc = nenkg("classify", str(path), cwd=built)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert list(rows[0])[:len(OUTPUT_COLUMNS)] == list(OUTPUT_COLUMNS)
    got = {r["record_id"]: (r["t_category"], r["n_category"], r["m_category"], r["stage_group"]) for r in rows}
    assert got == {c[0]: tuple(c[7:]) for c in CASES}
    assert all(r["stage_scheme"].startswith("AJCC 8th edition staging of neuroendocrine tumours of") for r in rows)
    # JSON Lines and RDF carry the same stage
    proc = nenkg("classify", str(path), "--format", "jsonl", cwd=built)
    assert {json.loads(line)["record_id"]: json.loads(line)["stage_group"] for line in proc.stdout.splitlines()} == \
        {c[0]: c[10] for c in CASES}
    proc = nenkg("classify", str(path), "--format", "ttl", cwd=built)
    assert proc.returncode == 0, proc.stderr
    from rdflib import Graph

    g = Graph().parse(data=proc.stdout, format="turtle")
    groups = sorted(str(g.value(o, RDFS.label)) if g.value(o, RDFS.label) else ns.contract(str(o))
                    for o in g.objects(None, V.record_stage_group))
    assert len(groups) == len(CASES)
    assert ns.expand("NENKG:0005457") in {str(o) for o in g.objects(None, V.record_stage_group)}


def test_fields_lists_the_staging_columns(built):
    proc = nenkg("fields", cwd=built)
    assert proc.returncode == 0, proc.stderr
    for column in ("invasion_extent", "positive_nodes", "mesenteric_mass", "distant_metastasis", "t_category",
                   "n_category", "m_category"):
        assert column in proc.stdout
    proc = nenkg("fields", "--values", "distant_metastasis", cwd=built)
    assert proc.returncode == 0, proc.stderr
    for code in ("none", "liver only", "extrahepatic only", "liver and extrahepatic"):
        assert code in proc.stdout


def test_every_scheme_and_criterion_is_complete(release_graph, knowledge):
    g, sk = release_graph, knowledge.staging
    assert {ns.contract(str(s.iri)) for s in sk.schemes} >= {f"NENKG:000550{i}" for i in range(6)}
    for s in sk.schemes:
        assert s.edition == "AJCC Cancer Staging Manual, 8th edition (2017)" and s.chapter and s.sites and s.applies_to
        assert s.message and "carcinoma" in s.message
        assert any(c.axis == "stage" and s.iri in c.schemes for c in sk.criteria)
        for axis in ("T", "N", "M"):
            assert any(c.axis == axis and s.iri in c.schemes for c in sk.criteria), (s.label, axis)
    dcterms_source = URIRef("http://purl.org/dc/terms/source")
    for c in sk.criteria:
        assert c.schemes and c.assigns in sk.rank, c.label
        assert (c.iri, ns.IAO_DEFINITION, None) in g and (c.iri, dcterms_source, None) in g, c.label
        assert c.column or c.required, c.label  # every criterion tests something
        if c.column:
            assert c.lower is not None or c.upper is not None
    assert (URIRef(ns.expand("NENKG:0005500")), RDF.type, V.staging_scheme_class) in g


def test_reader_accepts_the_staging_values(knowledge):
    reader = RecordReader(knowledge)
    rec = reader.parse({"record_id": "r", "primary_site": "ileum", "invasion_extent": "Subserosa",
                        "positive_nodes": "12", "mesenteric_mass": "yes", "distant_metastasis": "hepatic only",
                        "t_category": "pT3", "n_category": "pN2", "m_category": "cM1a"})
    assert ns.contract(str(rec.invasion_extent)) == "NENKG:0005464" and rec.positive_nodes == 12
    assert ns.contract(str(rec.mesenteric_mass)) == "NENKG:0005476"
    assert ns.contract(str(rec.distant_metastasis)) == "NENKG:0005482"
    assert [ns.contract(str(x)) for x in (rec.t_category, rec.n_category, rec.m_category)] == \
        ["NENKG:0005414", "NENKG:0005432", "NENKG:0005442"]
    from nenkg.grading import RejectRecord

    with pytest.raises(RejectRecord, match="positive_nodes: not a whole number"):
        reader.parse({"record_id": "r2", "primary_site": "ileum", "positive_nodes": "2.5"})
    with pytest.raises(RejectRecord, match="t_category"):
        reader.parse({"record_id": "r3", "primary_site": "ileum", "t_category": "N1"})
    assert Classifier  # the per-record classifier is the one the table above runs through
