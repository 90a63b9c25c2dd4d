"""The record shapes are the specification; the reader's fast path must agree with pyshacl.

A differential test generates records (valid and invalid, field by field), validates them with
the reader and with real pyshacl on shapes/records/tumour-record.ttl, and requires the same verdict for each
record, and that the field the reader names is one the shapes flag."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from conftest import ROOT
from nenkg.grading import Knowledge, RejectRecord
from nenkg.records import RecordReader, raw_to_triples, record_iri

SHAPES = ROOT / "shapes" / "records" / "tumour-record.ttl"
CHOICES = {
    "primary_site": (["ileum", "pancreas", "lung", "UBERON:0000945", "Rectum", "thymus", "skin of body", "adrenal cortex", "colon"], ["nowhere", "UBERON:9999999", "CHEBI:28790"]),
    "differentiation": (["well", "poor", "mixed", "WELL"], ["moderate", "G2"]),
    "ki67_percent": (["0", "2.9", "3", "20", "20.5", "100", "7."], ["abc", "101", "-1", "1e2", "NaN", "3,5", "\uff13"]),
    "mitoses_per_2mm2": (["0", "2", "20", "150", "+3", "1.9", "2.0"], ["-1", "x", "1_000", "\u0663"]),
    "necrosis": (["none", "punctate", "Extensive"], ["some", "focal"]),
    "cytology": (["small cell", "large cell"], ["oat", "medium"]),
    "ne_component_percent": (["30", "50", "70.0", "20"], ["200", "half"]),
    "hormone_syndrome": (["carcinoid syndrome", "ZES", "NENKG:0000506", "WDHA syndrome", "none", "hypoglycaemia"], ["flu", "NENKG:0000001"]),
    "gastric_background": (["autoimmune atrophic gastritis", "none", "Zollinger-Ellison syndrome"], ["gastritis", "MEN1"]),
    "hereditary_syndrome": (["MEN1", "von Hippel-Lindau disease", "NF1", "neurofibromatosis", "tuberous sclerosis complex"], ["MONDO:0007540", "cancer"]),
    "size_mm": (["0", "12.5", "300"], ["-2", "big"]),
    "metastatic_sites": (["liver", "liver|lymph node", "bone element"], ["liver|nowhere", "brain"]),
    "age": (["0", "45", "130"], ["131", "forty", "-1"]),
    "sex": (["female", "male", "Unknown", "F", "m"], ["other", "x"]),
    "topography_code": (["C17.2", "c252", "C44.3", "C18.0", "C34.1"], ["C80.9", "X1", "C77.0"]),
    "morphology_code": (["8240/3", "82463", "8041/3", "8249/3", "8151/3"], ["9999/3", "abc"]),
    "invasion_extent": (["submucosa", "subserosa", "serosa", "mesoappendix", "NENKG:0005464"], ["deep", "NENKG:0005410"]),
    "positive_nodes": (["0", "3", "11", "12"], ["-1", "1.5", "many"]),
    "mesenteric_mass": (["present", "absent", "no"], ["maybe", "NENKG:0005481"]),
    "distant_metastasis": (["none", "liver only", "extrahepatic only", "liver and extrahepatic", "present"], ["lung"]),
    "t_category": (["T1", "pT2", "T1a", "T4"], ["T9", "N1"]),
    "n_category": (["N0", "pN1", "N2"], ["N5"]),
    "m_category": (["M0", "M1a", "M1"], ["Mx"]),
}


def generate(n: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row = {"record_id": f"g{i}"}
        bad_fields = set(rng.sample(sorted(CHOICES), k=rng.choice([0, 0, 0, 1, 1, 2])))
        for column, (good, bad) in CHOICES.items():
            if column in bad_fields:
                row[column] = rng.choice(bad)
            elif column == "primary_site" or rng.random() < 0.6:
                row[column] = rng.choice(good)
            else:
                row[column] = ""
        if row.get("topography_code") in CHOICES["topography_code"][0] and rng.random() < 0.3:
            row["primary_site"] = ""  # the site from the registry's topography code
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def knowledge(release_graph):
    return Knowledge(release_graph)


def fast_verdicts(knowledge, rows):
    reader = RecordReader(knowledge)
    out = {}
    for row in rows:
        try:
            reader.parse(row)
            out[row["record_id"]] = None
        except RejectRecord as exc:
            out[row["record_id"]] = exc.field
    return out


def shacl_verdicts(knowledge, rows, release_graph):
    import pyshacl

    reader = RecordReader(knowledge)
    data = Graph()
    for row in rows:
        for t in raw_to_triples(row, reader):
            data.add(t)
    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=release_graph, inference="none",
                                           advanced=False, allow_warnings=False)
    failing = defaultdict(set)
    for result in report.subjects(SH.focusNode, None):
        focus = report.value(result, SH.focusNode)
        shape = report.value(result, SH.sourceShape)
        name = shapes.value(shape, SH.name)
        failing[focus].add(str(name))
    return {row["record_id"]: failing.get(record_iri("records", row["record_id"]), set()) for row in rows}, conforms


def test_shapes_graph_is_valid_shacl():
    import pathlib

    import pyshacl

    shapes = Graph().parse(SHAPES, format="turtle")
    # SHACL-SHACL, the shapes graph for shapes graphs, ships inside pyshacl (offline)
    shacl_shacl = Graph().parse(pathlib.Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=shacl_shacl)
    assert conforms, text


def test_fast_path_and_pyshacl_agree_on_generated_records(knowledge, release_graph):
    rows = generate(1500)
    fast = fast_verdicts(knowledge, rows)
    slow, conforms = shacl_verdicts(knowledge, rows, release_graph)
    assert not conforms
    valid = sum(1 for v in fast.values() if v is None)
    assert 300 < valid < 1200, "the generator mixes valid and invalid records"
    disagreements = []
    for row in rows:
        rid = row["record_id"]
        fast_field, shacl_fields = fast[rid], slow[rid]
        if (fast_field is None) != (not shacl_fields) or (fast_field and fast_field not in shacl_fields):
            disagreements.append((rid, fast_field, sorted(shacl_fields), row))
    assert not disagreements, disagreements[:5]


def test_each_shape_can_fail(knowledge, release_graph):
    """Every property shape fires on some generated record (no shape is vacuous)."""
    rows = generate(1200, seed=11)
    slow, _ = shacl_verdicts(knowledge, rows, release_graph)
    fired = set().union(*slow.values())
    assert fired >= set(CHOICES)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_record_graph_with_rejected_rows_conforms_to_the_record_shapes(knowledge, release_graph, tmp_path, suffix):
    """A record graph written by the real writer (batch CSV path and per-record path), with
    classified and rejected rows, validated with pyshacl against every shapes/records/*.ttl:
    rejected rows are rejected tumour records (NENKG:0004013), which the tumour record shapes
    do not target, so the graph conforms."""
    import csv
    import io
    import json

    import pyshacl

    from nenkg.recordgraph import RECORD_CLASS, REJECTED_RECORD_CLASS, write_record_graph

    rows = generate(300, seed=11)
    path = tmp_path / f"mixed{suffix}"
    if suffix == ".csv":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    else:
        path.write_text("".join(json.dumps({k: v for k, v in r.items() if v}) + "\n" for r in rows), encoding="utf-8")
    out = io.StringIO()
    counts = write_record_graph(path, out, knowledge)
    assert counts.classified > 0 and counts.not_nen > 0 and counts.rejected > 0 and counts.total == 300
    data = Graph().parse(data=out.getvalue(), format="nt")
    assert len(set(data.subjects(RDF.type, REJECTED_RECORD_CLASS))) == counts.rejected
    # a record found not to be a NEN is still a valid tumour record, with the class it was realised as
    assert len(set(data.subjects(RDF.type, RECORD_CLASS))) == counts.classified + counts.not_nen
    shapes = Graph()
    for shape_file in sorted((ROOT / "shapes" / "records").glob("*.ttl")):
        shapes.parse(shape_file, format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=release_graph, inference="none",
                                         advanced=True, allow_warnings=False)
    assert conforms, text[:2000]
