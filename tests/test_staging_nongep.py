"""TNM staging outside the digestive tract (ontology/src/staging/lung.yaml, merkel.yaml, ppgl.yaml,
mtc.yaml): a table of cases per AJCC 8th edition chapter, every size cut point on both sides,
through the per-record classify path, the batch path and the command line; the records these
schemes do not stage, and why; the data itself."""

from __future__ import annotations

import csv
import io
import random

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from cli_util import nenkg
from conftest import classify_fields
from nenkg import namespaces as ns
from nenkg.records import RecordReader
from nenkg.vocab import NENKG as V

# the fields that make each record one of the staged tumours (a typical carcinoid of the lung, a
# Merkel cell carcinoma, a pheochromocytoma or sympathetic paraganglioma, a medullary carcinoma)
BASE = {
    "lung": {"primary_site": "lung", "differentiation": "well", "mitoses_per_2mm2": "1", "necrosis": "none"},
    "bronchus": {"primary_site": "bronchus", "differentiation": "well", "mitoses_per_2mm2": "1", "necrosis": "none"},
    "skin": {"primary_site": "skin", "differentiation": "poor"},
    "adrenal medulla": {"primary_site": "adrenal medulla"},
    "chromaffin paraganglion": {"primary_site": "chromaffin paraganglion"},
    "thyroid gland": {"primary_site": "thyroid gland"},
}
SCHEME = {"lung": "NENKG:0005800", "bronchus": "NENKG:0005800", "skin": "NENKG:0005870", "adrenal medulla": "NENKG:0005910",
          "chromaffin paraganglion": "NENKG:0005910", "thyroid gland": "NENKG:0005940"}
STAGING = ("size_mm", "invasion_extent", "regional_nodes", "distant_metastasis")

# id, site, size_mm, invasion_extent, regional_nodes, distant_metastasis -> T, N, M, stage group
CASES = [
    # lung carcinoids (lung cancer TNM, 8th edition): T1a <= 1 cm, T1b <= 2, T1c <= 3, T2a <= 4,
    # T2b <= 5, T3 <= 7, T4 > 7 cm; T2-T4 also by extent; N by node region; M1a-M1c
    ("lu-10", "lung", "10", "surrounded by lung", "none", "none", "T1a", "N0", "M0", "stage IA1"),
    ("lu-10.1", "lung", "10.1", "surrounded by lung", "none", "none", "T1b", "N0", "M0", "stage IA2"),
    ("lu-20", "lung", "20", "surrounded by lung", "none", "none", "T1b", "N0", "M0", "stage IA2"),
    ("lu-21", "lung", "21", "surrounded by lung", "none", "none", "T1c", "N0", "M0", "stage IA3"),
    ("lu-30", "lung", "30", "surrounded by lung", "none", "none", "T1c", "N0", "M0", "stage IA3"),
    ("lu-30.5", "lung", "30.5", "surrounded by lung", "none", "none", "T2a", "N0", "M0", "stage IB"),
    ("lu-40", "lung", "40", "surrounded by lung", "none", "none", "T2a", "N0", "M0", "stage IB"),
    ("lu-41", "lung", "41", "surrounded by lung", "none", "none", "T2b", "N0", "M0", "stage IIA"),
    ("lu-50", "lung", "50", "surrounded by lung", "none", "none", "T2b", "N0", "M0", "stage IIA"),
    ("lu-51", "lung", "51", "surrounded by lung", "none", "none", "T3", "N0", "M0", "stage IIB"),
    ("lu-70", "lung", "70", "surrounded by lung", "none", "none", "T3", "N0", "M0", "stage IIB"),
    ("lu-71", "lung", "71", "surrounded by lung", "none", "none", "T4", "N0", "M0", "stage IIIA"),
    ("lu-pleura", "lung", "15", "visceral pleura", "none", "none", "T2a", "N0", "M0", "stage IB"),
    ("lu-pleura-45", "lung", "45", "visceral pleura", "none", "none", "T2b", "N0", "M0", "stage IIA"),
    ("lu-bronchus", "lung", "8", "main bronchus", "none", "none", "T2a", "N0", "M0", "stage IB"),
    ("lu-atelectasis", "lung", "25", "atelectasis", "none", "none", "T2a", "N0", "M0", "stage IB"),
    ("lu-chest-wall", "lung", "20", "chest wall", "none", "none", "T3", "N0", "M0", "stage IIB"),
    ("lu-phrenic", "lung", "20", "phrenic nerve", "none", "none", "T3", "N0", "M0", "stage IIB"),
    ("lu-same-lobe", "lung", "20", "same lobe", "none", "none", "T3", "N0", "M0", "stage IIB"),
    ("lu-diaphragm", "lung", "20", "diaphragm", "none", "none", "T4", "N0", "M0", "stage IIIA"),
    ("lu-carina", "lung", "20", "carina", "none", "none", "T4", "N0", "M0", "stage IIIA"),
    ("lu-oesophagus", "lung", "20", "oesophagus", "none", "none", "T4", "N0", "M0", "stage IIIA"),
    ("lu-other-lobe", "lung", "20", "other ipsilateral lobe", "none", "none", "T4", "N0", "M0", "stage IIIA"),
    ("lu-n1", "lung", "15", "surrounded by lung", "hilar", "none", "T1b", "N1", "M0", "stage IIB"),
    ("lu-n2", "lung", "15", "surrounded by lung", "subcarinal", "none", "T1b", "N2", "M0", "stage IIIA"),
    ("lu-n3", "lung", "15", "surrounded by lung", "supraclavicular", "none", "T1b", "N3", "M0", "stage IIIB"),
    ("lu-t3n1", "lung", "60", "surrounded by lung", "hilar", "none", "T3", "N1", "M0", "stage IIIA"),
    ("lu-t4n1", "lung", "75", "surrounded by lung", "peribronchial", "none", "T4", "N1", "M0", "stage IIIA"),
    ("lu-t3n2", "lung", "60", "surrounded by lung", "mediastinal", "none", "T3", "N2", "M0", "stage IIIB"),
    ("lu-t4n2", "lung", "20", "mediastinum", "mediastinal", "none", "T4", "N2", "M0", "stage IIIB"),
    ("lu-t3n3", "lung", "60", "surrounded by lung", "contralateral hilar", "none", "T3", "N3", "M0", "stage IIIC"),
    ("lu-t4n3", "lung", "20", "carina", "scalene", "none", "T4", "N3", "M0", "stage IIIC"),
    ("lu-m1a", "lung", "15", "surrounded by lung", "none", "malignant pleural effusion", "T1b", "N0", "M1a", "stage IVA"),
    ("lu-m1b", "lung", "15", "surrounded by lung", "none", "single extrathoracic", "T1b", "N0", "M1b", "stage IVA"),
    ("lu-m1c", "lung", "15", "surrounded by lung", "none", "multiple extrathoracic", "T1b", "N0", "M1c", "stage IVB"),
    ("lu-m1", "lung", "15", "surrounded by lung", "hilar", "liver only", "T1b", "N1", "M1", "stage IV"),
    ("br-main-bronchus", "bronchus", "35", "main bronchus", "hilar", "none", "T2a", "N1", "M0", "stage IIB"),
    # Merkel cell carcinoma: T1 <= 2 cm, T2 <= 5, T3 > 5 cm, T4 deep invasion; pathological N1a(sn),
    # N1a, N1b, N2, N3 and the clinical N1 (nodes not examined microscopically): IIIA, IIIB or III
    ("mc-20", "skin", "20", "dermis", "none", "none", "T1", "N0", "M0", "stage I"),
    ("mc-20.1", "skin", "20.1", "dermis", "none", "none", "T2", "N0", "M0", "stage IIA"),
    ("mc-50", "skin", "50", "subcutis", "none", "none", "T2", "N0", "M0", "stage IIA"),
    ("mc-51", "skin", "51", "dermis", "none", "none", "T3", "N0", "M0", "stage IIA"),
    ("mc-fascia", "skin", "10", "fascia", "none", "none", "T4", "N0", "M0", "stage IIB"),
    ("mc-bone", "skin", "60", "bone", "none", "none", "T4", "N0", "M0", "stage IIB"),
    ("mc-in-situ", "skin", "5", "in situ", "none", "none", "Tis", "N0", "M0", "stage 0"),
    ("mc-sentinel", "skin", "15", "dermis", "sentinel node", "none", "T1", "N1a(sn)", "M0", "stage IIIA"),
    ("mc-occult", "skin", "15", "dermis", "occult dissection", "none", "T1", "N1a", "M0", "stage IIIA"),
    ("mc-detected", "skin", "15", "dermis", "clinically detected", "none", "T1", "N1b", "M0", "stage IIIB"),
    ("mc-t0-n1b", "skin", "", "unknown primary", "clinically detected", "none", "T0", "N1b", "M0", "stage IIIA"),
    ("mc-clinical", "skin", "15", "dermis", "clinical", "none", "T1", "N1", "M0", "stage III"),
    ("mc-t0-clinical", "skin", "", "unknown primary", "clinical", "none", "T0", "N1", "M0", "stage III"),
    ("mc-in-transit", "skin", "30", "dermis", "in-transit", "none", "T2", "N2", "M0", "stage IIIB"),
    ("mc-in-transit-n", "skin", "30", "dermis", "in-transit with nodes", "none", "T2", "N3", "M0", "stage IIIB"),
    ("mc-m1", "skin", "30", "dermis", "none", "present", "T2", "N0", "M1", "stage IV"),
    ("mc-m1-liver", "skin", "", "unknown primary", "clinically detected", "liver only", "T0", "N1b", "M1", "stage IV"),
    # pheochromocytoma: T1 < 5 cm, T2 >= 5 cm, T3 invasion; sympathetic paraganglioma: T2 at any
    # size, T3 invasion; N0/N1; M1a bone only, M1b nodes, liver or lung, M1c bone and others
    ("ph-49.9", "adrenal medulla", "49.9", "no invasion", "none", "none", "T1", "N0", "M0", "stage I"),
    ("ph-50", "adrenal medulla", "50", "no invasion", "none", "none", "T2", "N0", "M0", "stage II"),
    ("ph-90", "adrenal medulla", "90", "no invasion", "none", "none", "T2", "N0", "M0", "stage II"),
    ("ph-fat", "adrenal medulla", "30", "periadrenal fat", "none", "none", "T3", "N0", "M0", "stage III"),
    ("ph-kidney", "adrenal medulla", "30", "adjacent organ", "none", "none", "T3", "N0", "M0", "stage III"),
    ("ph-n1", "adrenal medulla", "30", "no invasion", "present", "none", "T1", "N1", "M0", "stage III"),
    ("ph-t3n1", "adrenal medulla", "60", "surrounding tissues", "present", "none", "T3", "N1", "M0", "stage III"),
    ("ph-m1a", "adrenal medulla", "30", "no invasion", "none", "bone only", "T1", "N0", "M1a", "stage IV"),
    ("ph-m1b", "adrenal medulla", "30", "no invasion", "none", "nodes liver or lung", "T1", "N0", "M1b", "stage IV"),
    ("ph-m1b-liver", "adrenal medulla", "30", "no invasion", "none", "liver only", "T1", "N0", "M1b", "stage IV"),
    ("ph-m1c", "adrenal medulla", "30", "no invasion", "present", "bone and multiple", "T1", "N1", "M1c", "stage IV"),
    ("ph-m1", "adrenal medulla", "30", "no invasion", "none", "extrahepatic only", "T1", "N0", "M1", "stage IV"),
    ("pg-10", "chromaffin paraganglion", "10", "no invasion", "none", "none", "T2", "N0", "M0", "stage II"),
    ("pg-90", "chromaffin paraganglion", "90", "no invasion", "none", "none", "T2", "N0", "M0", "stage II"),
    ("pg-invasion", "chromaffin paraganglion", "20", "surrounding tissues", "none", "none", "T3", "N0", "M0", "stage III"),
    ("pg-n1", "chromaffin paraganglion", "20", "no invasion", "present", "none", "T2", "N1", "M0", "stage III"),
    ("pg-m1a", "chromaffin paraganglion", "20", "no invasion", "none", "bone only", "T2", "N0", "M1a", "stage IV"),
    # medullary thyroid carcinoma: T1a <= 1 cm, T1b <= 2, T2 <= 4, T3a > 4 cm, T3b strap muscles,
    # T4a, T4b; N1a central, N1b lateral or retropharyngeal; its own stage groups, no age split
    ("mt-10", "thyroid gland", "10", "limited to thyroid", "none", "none", "T1a", "N0", "M0", "stage I"),
    ("mt-10.1", "thyroid gland", "10.1", "limited to thyroid", "none", "none", "T1b", "N0", "M0", "stage I"),
    ("mt-20", "thyroid gland", "20", "limited to thyroid", "none", "none", "T1b", "N0", "M0", "stage I"),
    ("mt-20.1", "thyroid gland", "20.1", "limited to thyroid", "none", "none", "T2", "N0", "M0", "stage II"),
    ("mt-40", "thyroid gland", "40", "limited to thyroid", "none", "none", "T2", "N0", "M0", "stage II"),
    ("mt-41", "thyroid gland", "41", "limited to thyroid", "none", "none", "T3a", "N0", "M0", "stage II"),
    ("mt-strap", "thyroid gland", "15", "strap muscles", "none", "none", "T3b", "N0", "M0", "stage II"),
    ("mt-n1a", "thyroid gland", "15", "limited to thyroid", "level vi", "none", "T1b", "N1a", "M0", "stage III"),
    ("mt-t3-n1a", "thyroid gland", "45", "limited to thyroid", "central", "none", "T3a", "N1a", "M0", "stage III"),
    ("mt-strap-n1a", "thyroid gland", "15", "strap muscles", "level vii", "none", "T3b", "N1a", "M0", "stage III"),
    ("mt-n1b", "thyroid gland", "15", "limited to thyroid", "lateral neck", "none", "T1b", "N1b", "M0", "stage IVA"),
    ("mt-retropharyngeal", "thyroid gland", "45", "limited to thyroid", "retropharyngeal", "none", "T3a", "N1b", "M0", "stage IVA"),
    ("mt-trachea", "thyroid gland", "15", "trachea", "none", "none", "T4a", "N0", "M0", "stage IVA"),
    ("mt-larynx", "thyroid gland", "15", "larynx", "level vi", "none", "T4a", "N1a", "M0", "stage IVA"),
    ("mt-nerve", "thyroid gland", "15", "recurrent laryngeal nerve", "none", "none", "T4a", "N0", "M0", "stage IVA"),
    ("mt-carotid", "thyroid gland", "15", "encases carotid artery", "lateral neck", "none", "T4b", "N1b", "M0", "stage IVB"),
    ("mt-prevertebral", "thyroid gland", "15", "prevertebral fascia", "none", "none", "T4b", "N0", "M0", "stage IVB"),
    ("mt-m1", "thyroid gland", "15", "limited to thyroid", "none", "present", "T1b", "N0", "M1", "stage IVC"),
]


def record(case) -> dict[str, str]:
    rid, site = case[:2]
    return {"record_id": rid, **BASE[site], **{c: v for c, v in zip(STAGING, case[2:6]) if v}}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_stage_of_each_case(knowledge, case):
    out = classify_fields(knowledge, **{k: v for k, v in record(case).items() if k != "record_id"})
    assert out.status == "classified"
    assert (out.t_category, out.n_category, out.m_category, out.stage_group) == case[6:]
    assert ns.contract(out.stage_scheme_iri) == SCHEME[case[1]]
    stage = [r for r in out.reason if r.startswith("stage (")]
    assert len(stage) == 1 and stage[0].endswith("]") and stage[0].rsplit("; ", 1)[1].startswith(case[9] + " [")
    assert not out.warnings


def test_an_atypical_carcinoid_is_staged_like_a_typical_one(knowledge):
    fields = {**BASE["lung"], "mitoses_per_2mm2": "4", "size_mm": "41", "invasion_extent": "surrounded by lung",
              "regional_nodes": "hilar", "distant_metastasis": "none"}
    out = classify_fields(knowledge, **fields)
    assert "atypical carcinoid" in out.category
    assert (out.t_category, out.n_category, out.stage_group) == ("T2b", "N1", "stage IIB")


def test_the_reason_names_each_criterion(knowledge):
    out = classify_fields(knowledge, **record(CASES[13]) | {"record_id": "x"})  # 45 mm, visceral pleura
    text = out.reason[-1]
    # the extent criterion gives T2a, the size criterion T2b: the higher wins
    assert "size_mm 45 > 40 and <= 50 -> T2b [NENKG:0005805]" in text
    assert "regional_nodes no regional lymph node metastasis -> N0 [NENKG:0005811]" in text
    assert text.endswith("stage IIA [NENKG:0005824]")


def test_missing_or_unspecific_findings_say_why_the_stage_cannot_be_computed(knowledge):
    # a lung carcinoid of 15 mm without its extent: T1b, or T2a-T4 by an extent not given
    out = classify_fields(knowledge, **BASE["lung"], size_mm="15", regional_nodes="none", distant_metastasis="none")
    assert (out.t_category, out.stage_group) == ("", "")
    assert "T cannot be determined: invasion_extent missing" in out.reason[-1]
    assert out.reason[-1].endswith("stage group cannot be computed: invasion_extent missing")
    # node metastasis without its region: no N of the lung scheme fits
    out = classify_fields(knowledge, **BASE["lung"], size_mm="15", invasion_extent="surrounded by lung",
                          regional_nodes="present", distant_metastasis="none")
    assert out.n_category == "" and "N cannot be determined: no N category of the scheme fits regional_nodes" \
        in out.reason[-1]
    # a medullary carcinoma with node metastasis of unknown level: N1, but stage III or IVA
    out = classify_fields(knowledge, **BASE["thyroid gland"], size_mm="15", invasion_extent="limited to thyroid",
                          regional_nodes="present", distant_metastasis="none")
    assert (out.t_category, out.n_category, out.stage_group) == ("T1b", "N1", "")
    # whatever T and N are, distant metastasis is stage IV (IVC for the thyroid)
    out = classify_fields(knowledge, **BASE["thyroid gland"], distant_metastasis="liver only")
    assert (out.t_category, out.m_category, out.stage_group) == ("", "M1", "stage IVC")
    # a Merkel cell carcinoma whose depth is unknown could be T4: T is not determined
    out = classify_fields(knowledge, **BASE["skin"], size_mm="15", regional_nodes="none", distant_metastasis="none")
    assert out.t_category == "" and "T cannot be determined: invasion_extent missing" in out.reason[-1]
    # a pheochromocytoma of 6 cm is at least T2 whatever its extent; T3 remains possible
    out = classify_fields(knowledge, **BASE["adrenal medulla"], size_mm="60", regional_nodes="none",
                          distant_metastasis="none")
    assert out.t_category == "" and "(T2 or higher)" in out.reason[-1]


def test_tumours_these_schemes_do_not_stage_say_so(knowledge):
    # a large cell neuroendocrine carcinoma of the lung: the lung scheme here is for carcinoids
    out = classify_fields(knowledge, primary_site="lung", differentiation="poor", cytology="large cell",
                          size_mm="30", invasion_extent="surrounded by lung", regional_nodes="none")
    assert out.status == "classified" and out.stage_scheme == "" and out.stage_group == ""
    assert any(r.startswith("not staged: NENKG holds the lung cancer TNM only for typical and atypical carcinoids")
               and r.endswith("[NENKG:0005800]") for r in out.reason)
    # a head and neck (parasympathetic) paraganglioma: not staged by the AJCC 8th edition
    out = classify_fields(knowledge, primary_site="carotid body", size_mm="30", regional_nodes="none")
    assert out.status == "classified" and "paraganglioma" in out.category
    assert out.stage_scheme == "" and any(
        r.startswith("not staged:") and "parasympathetic paragangliomas" in r and "[NENKG:0005910]" in r
        for r in out.reason)


def test_stated_categories_are_used_for_the_stage(knowledge):
    out = classify_fields(knowledge, **BASE["lung"], t_category="pT1c", n_category="pN2", m_category="cM0")
    assert (out.t_category, out.n_category, out.m_category, out.stage_group) == ("T1c", "N2", "M0", "stage IIIA")
    out = classify_fields(knowledge, **BASE["skin"], t_category="T2", n_category="N1a(sn)", m_category="M0")
    assert out.stage_group == "stage IIIA"
    out = classify_fields(knowledge, **BASE["thyroid gland"], t_category="T3b", n_category="N1b", m_category="M0")
    assert out.stage_group == "stage IVA"
    # a stated category that the findings contradict is kept, with a warning
    out = classify_fields(knowledge, **BASE["thyroid gland"], size_mm="45", invasion_extent="limited to thyroid",
                          t_category="T2", regional_nodes="none", distant_metastasis="none")
    assert (out.t_category, out.stage_group) == ("T2", "stage II")
    assert out.warnings == ["t_category T2 is stated; the fields give T3a [NENKG:0005944]; the stated category is kept"]


def test_the_batch_path_equals_the_per_record_path(knowledge):
    from test_fastpath import both_paths, csv_text

    rng = random.Random(23)
    choices = {
        "size_mm": ["", "9", "10", "10.1", "20", "20.1", "30", "30.5", "40", "41", "49.9", "50", "51", "70", "71"],
        "invasion_extent": ["", "surrounded by lung", "visceral pleura", "chest wall", "carina", "dermis", "fascia",
                            "in situ", "unknown primary", "no invasion", "surrounding tissues", "limited to thyroid",
                            "strap muscles", "trachea", "prevertebral fascia", "submucosa"],
        "regional_nodes": ["", "none", "present", "hilar", "mediastinal", "supraclavicular", "sentinel node",
                           "occult dissection", "clinically detected", "clinical", "in-transit", "in-transit with nodes",
                           "level vi", "lateral neck"],
        "distant_metastasis": ["", "none", "present", "liver only", "extrahepatic only", "malignant pleural effusion",
                               "single extrathoracic", "multiple extrathoracic", "bone only", "nodes liver or lung",
                               "bone and multiple"],
        "t_category": ["", "", "", "", "T1c", "T3b", "T0"], "n_category": ["", "", "", "", "N1a", "N3"],
    }
    rows = []
    for i in range(3000):
        r = {"record_id": f"n{i}", **rng.choice(list(BASE.values()))}
        r |= {c: rng.choice(v) for c, v in choices.items()}
        rows.append(r)
    fast, slow = both_paths(knowledge, csv_text(list(knowledge.contract.names), rows, []), chunk_size=500)
    assert fast == slow
    groups = {r["stage_group"] for r in fast}
    assert len(groups) >= 10 and groups >= {"stage IIIA", "stage III", "stage IVA", "stage IVC", "stage IV", ""}


def test_the_command_line_stages_the_table(built, tmp_path):
    path = tmp_path / "staged.csv"
    columns = ["record_id", *sorted({c for case in CASES for c in record(case)} - {"record_id"})]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n", restval="")
        w.writeheader()
        for case in CASES:
            w.writerow(record(case))
    proc = nenkg("classify", str(path), cwd=built)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    got = {r["record_id"]: (r["t_category"], r["n_category"], r["m_category"], r["stage_group"]) for r in rows}
    assert got == {c[0]: tuple(c[6:]) for c in CASES}
    assert {r["stage_scheme"] for r in rows} == {
        "AJCC 8th edition staging of lung carcinoids", "AJCC 8th edition staging of Merkel cell carcinoma",
        "AJCC 8th edition staging of pheochromocytoma and sympathetic paraganglioma",
        "AJCC 8th edition staging of medullary thyroid carcinoma"}
    proc = nenkg("fields", "--values", "regional_nodes", cwd=built)
    assert proc.returncode == 0, proc.stderr
    for code in ("none", "hilar", "mediastinal", "supraclavicular", "sentinel node", "level vi", "lateral neck"):
        assert code in proc.stdout


def test_the_schemes_are_complete_and_sourced(release_graph, knowledge):
    g, sk = release_graph, knowledge.staging
    ours = {ns.expand(c) for c in set(SCHEME.values())}
    schemes = [s for s in sk.schemes if str(s.iri) in ours]
    assert len(schemes) == 4
    dcterms_source = URIRef("http://purl.org/dc/terms/source")
    for s in schemes:
        assert s.edition == "AJCC Cancer Staging Manual, 8th edition (2017)" and s.chapter and s.sites and s.message
        assert (s.iri, RDF.type, V.staging_scheme_class) in g and (s.iri, dcterms_source, None) in g
        for axis in ("T", "N", "M", "stage"):
            assert any(c.axis == axis and s.iri in c.schemes for c in sk.criteria), (s.label, axis)
    for c in sk.criteria:
        if not c.schemes & ours:
            continue
        assert 5800 <= int(ns.contract(str(c.iri)).split(":")[1]) <= 5999, c.label  # our ID range
        assert (c.iri, ns.IAO_DEFINITION, None) in g and (c.iri, dcterms_source, None) in g, c.label
        assert c.column or c.required, c.label
    # head and neck paragangliomas are outside the scheme's classes: parasympathetic PGL is not staged
    ppgl = next(s for s in schemes if ns.contract(str(s.iri)) == "NENKG:0005910")
    assert {ns.contract(str(x)) for x in ppgl.applies_to} == {"NENKG:0000351", "NENKG:0000353"}


def test_reader_accepts_the_regional_node_values(knowledge):
    reader = RecordReader(knowledge)
    rec = reader.parse({"record_id": "r", "primary_site": "lung", "regional_nodes": "Subcarinal",
                        "invasion_extent": "Visceral pleura", "distant_metastasis": "pleural"})
    assert [ns.contract(str(x)) for x in (rec.regional_nodes, rec.invasion_extent, rec.distant_metastasis)] == \
        ["NENKG:0005764", "NENKG:0005731", "NENKG:0005780"]
    from nenkg.grading import RejectRecord

    with pytest.raises(RejectRecord, match="regional_nodes"):
        reader.parse({"record_id": "r2", "primary_site": "lung", "regional_nodes": "liver only"})


# --- the query library answers "which T category" and "how is it staged" for these sites ---------

@pytest.mark.parametrize("site, size, extent, first", [
    ("UBERON:0002048", "30", "NENKG:0005730", "NENKG:0005702"),  # lung, exactly 3 cm, surrounded by lung: T1c
    ("UBERON:0002048", "30.1", "NENKG:0005730", "NENKG:0005703"),  # just above 3 cm: T2a
    ("UBERON:0002048", "45", "NENKG:0005731", "NENKG:0005704"),  # visceral pleura at 4.5 cm: T2b
    ("UBERON:0002048", "20", "NENKG:0005737", "NENKG:0005415"),  # nodule in another ipsilateral lobe: T4
    ("UBERON:0002097", "50", "NENKG:0005744", "NENKG:0005413"),  # skin, exactly 5 cm: T2
    ("UBERON:0001236", "50", "NENKG:0005747", "NENKG:0005413"),  # adrenal medulla, exactly 5 cm: T2
    ("UBERON:0001236", "49", "NENKG:0005747", "NENKG:0005410"),  # below 5 cm: T1
    ("UBERON:0012279", "10", "NENKG:0005747", "NENKG:0005413"),  # sympathetic paraganglion, any size: T2
    ("UBERON:0002046", "40", "NENKG:0005750", "NENKG:0005413"),  # thyroid, exactly 4 cm: T2
    ("UBERON:0002046", "15", "NENKG:0005751", "NENKG:0005706"),  # strap muscles: T3b
])
def test_t_category_query_for_these_sites(library, query_store, site, size, extent, first):
    r = library.run(query_store, "t-category-for-findings", {"site": site, "size_mm": size, "invasion": extent})
    assert r.dicts()[0]["category"] == first


def test_staging_scheme_query_of_the_thyroid(library, query_store):
    r = library.run(query_store, "staging-scheme-of-site", {"site": "UBERON:0002046"})
    assert {d["scheme"] for d in r.dicts()} == {"NENKG:0005940"}
    groups = {d["categoryLabel"] for d in r.dicts() if d["axis"] not in ("T", "N", "M")}
    assert groups == {"stage I", "stage II", "stage III", "stage IVA", "stage IVB", "stage IVC"}
    lung = library.run(query_store, "staging-scheme-of-site", {"site": "UBERON:0002048"})
    assert {d["scheme"] for d in lung.dicts()} == {"NENKG:0005800"}
