"""WHO classification of tumour records, from the criteria stored in the graph.

The case table is written from the WHO criteria (digestive 2019, thoracic 2021, endocrine
2022; IARC/WHO 2018 framework) and covers every boundary the issue names."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from rdflib import Literal, URIRef

from conftest import ROOT, classify_fields
from nenkg import namespaces as ns
from nenkg.grading import Knowledge, RejectRecord
from nenkg.vocab import NENKG as V
from nenkg.records import OUTPUT_COLUMNS

COLUMNS = ("record_id", "primary_site", "differentiation", "ki67_percent", "mitoses_per_2mm2", "necrosis",
           "cytology", "ne_component_percent", "hormone_syndrome", "gastric_background",
           "hereditary_syndrome", "size_mm", "metastatic_sites", "age", "sex")

NENKG = ns.ENTITY_PREFIXES["NENKG"]


classify = classify_fields


# site, differentiation, ki67, mitoses, necrosis, extra fields -> category, grade, warning fragment
CASES = [
    # GEP: Ki-67 boundaries 3 and 20
    ("pancreas", "well", "2.9", "", "", {}, "pancreatic neuroendocrine tumour G1", "G1", None),
    ("pancreas", "well", "3", "", "", {}, "pancreatic neuroendocrine tumour G2", "G2", None),
    ("pancreas", "well", "20", "", "", {}, "pancreatic neuroendocrine tumour G2", "G2", None),
    ("pancreas", "well", "20.1", "", "", {}, "pancreatic neuroendocrine tumour G3", "G3", None),
    # GEP: mitoses boundaries 2 and 20
    ("ileum", "well", "", "1", "", {}, "ileal neuroendocrine tumour G1", "G1", None),
    ("ileum", "well", "", "2", "", {}, "ileal neuroendocrine tumour", "G2", None),
    ("ileum", "well", "", "20", "", {}, "ileal neuroendocrine tumour", "G2", None),
    ("ileum", "well", "", "21", "", {}, "ileal neuroendocrine tumour", "G3", None),
    # discordant indices: the higher grade wins, with a warning
    ("ileum", "well", "1", "5", "", {}, "ileal neuroendocrine tumour", "G2", "discordant indices"),
    ("rectum", "well", "25", "3", "", {}, "rectal neuroendocrine tumour", "G3", "discordant indices"),
    # well differentiated with Ki-67 > 20 stays a NET (G3), never an NEC
    ("pancreas", "well", "45", "", "", {}, "pancreatic neuroendocrine tumour G3", "G3", None),
    # lung: mitoses 2 and 10, necrosis alone, Ki-67 not used, > 10 has no WHO grade
    ("lung", "well", "", "1", "none", {}, "lung typical carcinoid", "G1", None),
    ("lung", "well", "", "2", "none", {}, "lung atypical carcinoid", "G2", None),
    ("lung", "well", "", "10", "none", {}, "lung atypical carcinoid", "G2", None),
    ("lung", "well", "", "0", "punctate", {}, "lung atypical carcinoid", "G2", None),
    ("lung", "well", "60", "1", "none", {}, "lung typical carcinoid", "G1", "Ki-67 is not used"),
    ("lung", "well", "", "11", "none", {}, "lung neuroendocrine tumour", "", "not a WHO grade"),
    ("lung", "poor", "80", "60", "extensive", {"cytology": "small cell"}, "small cell lung carcinoma", "", None),
    ("lung", "poor", "70", "45", "extensive", {"cytology": "large cell"}, "lung large cell neuroendocrine carcinoma", "", None),
    ("lung", "poor", "70", "8", "extensive", {"cytology": "large cell"}, "lung large cell neuroendocrine carcinoma", "", "more than 10 mitoses"),
    ("thymus", "well", "", "3", "none", {}, "thymic atypical carcinoid", "G2", None),
    # NEC by differentiation, small versus large cell
    ("pancreas", "poor", "85", "", "", {"cytology": "small cell"}, "pancreatic small cell neuroendocrine carcinoma", "", None),
    ("pancreas", "poor", "15", "", "", {"cytology": "large cell"}, "pancreatic large cell neuroendocrine carcinoma", "", "unusual for a neuroendocrine carcinoma"),
    ("pancreas", "poor", "85", "", "", {}, "pancreatic neuroendocrine carcinoma", "", None),
    # MiNEN only when each component is at least 30 %
    ("colon", "mixed", "", "", "", {"ne_component_percent": "30"}, "colorectal mixed neuroendocrine-non-neuroendocrine neoplasm", "", None),
    ("pancreas", "mixed", "", "", "", {"ne_component_percent": "70"}, "pancreatic mixed neuroendocrine-non-neuroendocrine neoplasm", "", None),
    ("colon", "mixed", "", "", "", {"ne_component_percent": "29"}, "", "", "not a MiNEN"),
    ("colon", "mixed", "", "", "", {"ne_component_percent": "71"}, "colonic neuroendocrine neoplasm", "", "not a MiNEN"),
    # gastric NET types
    ("stomach", "well", "1", "", "", {"gastric_background": "autoimmune atrophic gastritis"}, "gastric neuroendocrine tumour type 1", "G1", None),
    ("stomach", "well", "5", "", "", {"gastric_background": "Zollinger-Ellison syndrome"}, "gastric neuroendocrine tumour type 2", "G2", None),
    ("stomach", "well", "1", "", "", {"hormone_syndrome": "ZES", "hereditary_syndrome": "MEN1"}, "gastric neuroendocrine tumour type 2", "G1", None),
    ("stomach", "well", "8", "", "", {"gastric_background": "none"}, "gastric neuroendocrine tumour type 3", "G2", None),
    # functioning names only with the clinical syndrome
    ("pancreas", "well", "1", "", "", {"hormone_syndrome": "hyperinsulinaemic hypoglycaemia syndrome"}, "insulinoma", "G1", None),
    ("pancreas", "well", "1", "", "", {"hormone_syndrome": "Zollinger-Ellison syndrome"}, "pancreatic gastrinoma", "G1", None),
    ("duodenum", "well", "5", "", "", {"hormone_syndrome": "Zollinger-Ellison syndrome"}, "duodenal gastrinoma", "G2", None),
    ("pancreas", "well", "1", "", "", {"hormone_syndrome": "WDHA syndrome"}, "pancreatic VIPoma", "G1", None),
    ("pancreas", "well", "1", "", "", {"hormone_syndrome": "glucagonoma syndrome"}, "glucagonoma", "G1", None),
    ("pancreas", "well", "1", "", "", {"hormone_syndrome": "ectopic Cushing syndrome"}, "ACTH-producing pancreatic neuroendocrine tumour", "G1", None),
    ("ileum", "well", "1", "1", "", {"hormone_syndrome": "carcinoid syndrome"}, "ileal neuroendocrine tumour G1", "G1", None),
    # every site family
    ("vermiform appendix", "well", "1", "", "", {}, "appendiceal neuroendocrine tumour G1", "G1", None),
    ("rectum", "well", "5", "", "", {}, "rectal neuroendocrine tumour G2", "G2", None),
    ("colon", "well", "1", "", "", {}, "colonic neuroendocrine tumour G1", "G1", None),
    ("jejunum", "well", "1", "", "", {}, "jejunal neuroendocrine tumour G1", "G1", None),
    ("duodenum", "well", "1", "", "", {}, "duodenal neuroendocrine tumour G1", "G1", None),
    ("esophagus", "poor", "90", "", "", {}, "oesophageal neuroendocrine carcinoma", "", None),
    # outside the G1-G3 scheme, and outside NENs
    ("skin of body", "poor", "", "", "", {}, "Merkel cell carcinoma", "", None),
    ("adrenal medulla", "", "", "", "", {}, "pheochromocytoma", "", None),
    ("carotid body", "", "", "", "", {}, "carotid body paraganglioma", "", None),
    ("thyroid gland", "", "", "", "", {}, "medullary thyroid carcinoma", "", None),
    ("adrenal cortex", "", "", "", "", {}, "adrenocortical carcinoma", "", None),
]


@pytest.mark.parametrize("site, diff, ki67, mitoses, necrosis, extra, category, grade, warning", CASES,
                         ids=[f"{c[0]}-{c[1]}-k{c[2]}-m{c[3]}-{c[4]}-{'-'.join(c[5].values())}" for c in CASES])
def test_case_table(knowledge, site, diff, ki67, mitoses, necrosis, extra, category, grade, warning):
    out = classify(knowledge, primary_site=site, differentiation=diff, ki67_percent=ki67,
                   mitoses_per_2mm2=mitoses, necrosis=necrosis, **extra)
    assert (out.category, out.grade) == (category, grade), out.reason
    if warning:
        assert any(warning in w for w in out.warnings), out.warnings
    else:
        assert not [w for w in out.warnings if "discordant" in w]


def test_outside_nens_and_pheochromocytoma_have_no_grade(knowledge):
    acc = classify(knowledge, primary_site="adrenal cortex", ki67_percent="30")
    assert acc.category == "adrenocortical carcinoma" and acc.grade == ""
    assert URIRef(NENKG + "0000001") not in knowledge.ancestors(URIRef(acc.class_iri))


def test_reason_names_criteria_and_values(knowledge):
    out = classify(knowledge, primary_site="ileum", differentiation="well", ki67_percent="2.5", mitoses_per_2mm2="4")
    text = "; ".join(out.reason)
    assert "ki67_percent 2.5 < 3" in text and "NENKG:0004101" in text
    assert "mitoses_per_2mm2 4 >= 2 and <= 20" in text and "NENKG:0004105" in text
    assert out.icdo3 == "8249/3"


def test_hereditary_links(knowledge):
    out = classify(knowledge, primary_site="adrenal medulla", hereditary_syndrome="von Hippel-Lindau disease")
    assert "pheochromocytoma" in out.predisposed_to.split("; ")
    assert out.hereditary_syndrome == "von Hippel-Lindau disease"
    assert "predisposes to this tumour" in "; ".join(out.reason)


@pytest.mark.parametrize("fields, field, fragment", [
    ({"primary_site": "pancreas"}, "differentiation", "required"),
    ({"primary_site": "pancreas", "differentiation": "well"}, "ki67_percent", "needs"),
    ({"primary_site": "lung", "differentiation": "well", "mitoses_per_2mm2": "1"}, "necrosis", "required"),
    ({"primary_site": "colon", "differentiation": "mixed"}, "ne_component_percent", "required"),
    ({"primary_site": "ileum", "differentiation": "well", "ki67_percent": "101"}, "ki67_percent", "above 100"),
    ({"primary_site": "ileum", "differentiation": "well", "mitoses_per_2mm2": "\u0663"}, "mitoses_per_2mm2", "not a number"),
    ({"primary_site": "ileum", "differentiation": "moderate"}, "differentiation", "unknown"),
    ({"primary_site": "ilium", "differentiation": "well"}, "primary_site", "did you mean 'ileum'"),
    ({"primary_site": "ileum", "differentiation": "well", "ki67_percent": "1", "hormone_syndrome": "flu"}, "hormone_syndrome", "unknown"),
])
def test_rejections_name_the_field_and_reason(knowledge, fields, field, fragment):
    with pytest.raises(RejectRecord) as info:
        classify(knowledge, **fields)
    assert info.value.field == field and fragment in info.value.reason


def test_inputs_accept_curies_labels_synonyms_any_case(knowledge):
    by_curie = classify(knowledge, primary_site="UBERON:0002116", differentiation="WELL", ki67_percent="1",
                        hereditary_syndrome="MEN1")
    by_label = classify(knowledge, primary_site="Ileum", differentiation="well", ki67_percent="1",
                        hereditary_syndrome="multiple endocrine neoplasia type 1")
    assert by_curie.category == by_label.category == "ileal neuroendocrine tumour G1"
    assert by_curie.hereditary_syndrome == by_label.hereditary_syndrome


def test_changing_a_threshold_in_the_data_changes_the_classification(release_graph):
    """Move the GEP Ki-67 G1/G2 boundary from 3 to 5 in the graph: Ki-67 4 becomes G1."""
    before = Knowledge(release_graph)
    assert classify(before, primary_site="pancreas", differentiation="well", ki67_percent="4").grade == "G2"
    from rdflib import Graph

    g = Graph()
    for t in release_graph:
        g.add(t)
    g1, g2 = URIRef(NENKG + "0004101"), URIRef(NENKG + "0004102")
    g.set((g1, V.upper_bound, Literal(Decimal(5))))
    g.set((g2, V.lower_bound, Literal(Decimal(5))))
    after = Knowledge(g)
    out = classify(after, primary_site="pancreas", differentiation="well", ki67_percent="4")
    assert out.grade == "G1" and "ki67_percent 4 < 5" in "; ".join(out.reason)


def run_cli(built, *args, stdin=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "nenkg.cli.main", "--root", str(built), "classify", *args],
                          input=stdin, capture_output=True, text=True, env=env, timeout=300)


CSV_IN = ",".join(COLUMNS) + "\n" + "\n".join([
    "a1,ileum,well,2,1,,,,,,,12,liver,61,female",
    "a2,lung,well,,3,none,,,,,,,,70,male",
    "a3,pancreas,well,,,,,,,,,,,,",               # rejected: no grading index
    "a4,nowhere,well,1,,,,,,,,,,,",               # rejected: unknown site
    "a5,pancreas,well,1",                         # rejected: wrong field count
    "a1,ileum,well,2,1,,,,,,,,,,",                # rejected: duplicate id
    "a7,adrenal medulla,,,,,,,,,VHL,,,,",
]) + "\n"


def test_cli_csv_counts_add_up_and_exit_code_reports_rejections(built, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(CSV_IN)
    out = tmp_path / "out.csv"
    proc = run_cli(built, str(src), "-o", str(out))
    assert proc.returncode == 1, proc.stderr
    rows = list(csv.DictReader(out.open()))
    assert [r["status"] for r in rows] == ["classified", "classified", "rejected", "rejected", "rejected", "rejected", "classified"]
    assert list(rows[0]) == list(OUTPUT_COLUMNS)
    assert rows[2]["error"].startswith("line 4: ki67_percent:")
    assert rows[3]["error"].startswith("line 5: primary_site: unknown primary site 'nowhere'")
    assert rows[4]["error"].startswith("line 6: row: has 4 fields")
    assert rows[5]["error"] == "line 7: record_id: 'a1' repeats the record_id of line 2"
    assert "7 records in, 3 classified, 0 not a NEN, 4 rejected" in proc.stderr


def test_cli_jsonl_in_and_out(built, tmp_path):
    lines = [json.dumps({"record_id": "j1", "primary_site": "lung", "differentiation": "well", "mitoses_per_2mm2": 1, "necrosis": "none"}),
             "{not json", json.dumps({"record_id": "j3", "primary_site": "ileum", "grade": "G1"})]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n")
    proc = run_cli(built, str(src), "--format", "jsonl")
    rows = [json.loads(l) for l in proc.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["classified", "rejected", "rejected"]
    assert rows[0]["category"] == "lung typical carcinoid"
    assert "not valid JSON" in rows[1]["error"]
    assert "unknown key 'grade'; carried through" in proc.stderr
    assert rows[2]["input_grade"] == "G1" and "input_grade" not in rows[0]  # only the keys a record had
    assert rows[2]["error"].startswith("line 3: differentiation:")


def test_cli_turtle_output_parses_and_links_classes(built, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(CSV_IN)
    proc = run_cli(built, str(src), "--format", "ttl")
    from rdflib import Graph

    g = Graph().parse(data=proc.stdout, format="turtle")
    record = URIRef("https://w3id.org/nenkg/record/in/a2")  # record set (the file's name) and id
    assert (record, URIRef(NENKG + "0004045"), URIRef(NENKG + "0000303")) in g
    # every row is a node: the repeated a1 is a rejected row of its own, named by its line
    assert len(set(g.subjects(URIRef(NENKG + "0004030"), None))) == 7
    assert (URIRef("https://w3id.org/nenkg/record/in/line-7"), URIRef(NENKG + "0004030"), Literal("a1")) in g


def test_cli_refuses_a_file_that_is_not_records(built, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello world\nthis is not a table\n")
    proc = run_cli(built, str(bad))
    assert proc.returncode == 2
    assert "line 1: the header has no 'record_id' column" in proc.stderr and "Traceback" not in proc.stderr
