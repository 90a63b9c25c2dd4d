"""Every MONDO, UBERON, CL, ChEBI, PATO and HP identifier NENKG uses exists in the complete
release, is not obsolete, and carries the label that release gives it."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from conftest import ROOT, SHARED
from ontology_data import release_for
from nenkg import namespaces as ns
from nenkg.sources import load_yaml

COMPLETE = ("MONDO", "UBERON", "CL", "CHEBI", "PATO", "HP")
CURIE_IN_TEXT = re.compile(r"\b(MONDO|UBERON|CL|CHEBI|PATO|HP):(\d+)\b")


def used_identifiers(graph) -> dict[str, set[str]]:
    """CURIE -> where it is used ('iri' or 'xref'), for the complete-release prefixes."""
    used: dict[str, set[str]] = defaultdict(set)
    for triple in graph:
        for node in triple:
            if isinstance(node, URIRef):
                curie = ns.contract(str(node))
                if curie and curie.split(":")[0] in COMPLETE:
                    used[curie].add("iri")
            elif isinstance(node, Literal):
                for prefix, local in CURIE_IN_TEXT.findall(str(node)):
                    if str(node).strip() == f"{prefix}:{local}":
                        used[f"{prefix}:{local}"].add("xref")
    return used


@pytest.fixture(scope="module")
def used(release_graph):
    ids = used_identifiers(release_graph)
    assert len(ids) > 50, "the release should reuse many external identifiers"
    return ids


@pytest.mark.parametrize("prefix", COMPLETE)
def test_identifiers_exist_and_are_current(used, prefix):
    version, terms = release_for(prefix)
    mine = sorted(c for c in used if c.startswith(prefix + ":"))
    assert mine, f"no {prefix} identifiers used"
    unknown = [c for c in mine if c not in terms]
    obsolete = [c for c in mine if c in terms and terms[c].deprecated]
    assert not unknown, f"not in {prefix} release {version}: {unknown}"
    assert not obsolete, f"obsolete in {prefix} release {version}: {obsolete}"


def wrong_labels(graph, prefix: str) -> list[str]:
    version, terms = release_for(prefix)
    wrong = []
    for s, label in graph.subject_objects(RDFS.label):
        curie = ns.contract(str(s))
        if curie and curie.startswith(prefix + ":") and curie in terms:
            if str(label) != terms[curie].label:
                wrong.append(f"{curie}: '{label}' here, '{terms[curie].label}' in {version}")
    return wrong


@pytest.mark.parametrize("prefix", COMPLETE)
def test_declared_labels_match_the_source_release(release_graph, prefix):
    assert not wrong_labels(release_graph, prefix)


def test_sssom_object_labels_match(built):
    path = built / "ontology" / "mappings" / "nenkg.sssom.tsv"
    rows = [l.split("\t") for l in path.read_text().splitlines() if not l.startswith("#")]
    header, body = rows[0], rows[1:]
    oid, olab = header.index("object_id"), header.index("object_label")
    wrong = []
    for row in body:
        prefix = row[oid].split(":")[0]
        if row[olab] and prefix in COMPLETE:
            t = release_for(prefix)[1].get(row[oid])
            if t is None or row[olab] not in {t.label, *t.synonyms}:
                wrong.append((row[oid], row[olab]))
    assert not wrong, wrong


def test_anatomy_bridging_axioms_agree_with_uberon():
    """Part-of and subclass links NENKG asserts between UBERON terms must be UBERON ancestry."""
    _, uberon = release_for("UBERON")
    doc = load_yaml(ROOT / "ontology" / "src" / "external.yaml")
    checked, wrong = 0, []
    for term in doc["terms"]:
        if not term["id"].startswith("UBERON:"):
            continue
        for axiom in term.get("subclass_of", []):
            target = str(axiom).split()[-1]
            checked += 1
            if target not in uberon[term["id"]].ancestors:
                wrong.append(f"{term['id']} -> {target}")
    assert checked >= 15
    assert not wrong, wrong


def test_checks_catch_unknown_obsolete_and_mislabelled_ids():
    """The checks above can fail: a mislabelled, an unknown and an obsolete ID are caught."""
    from rdflib import Graph

    g = Graph()
    g.add((URIRef(ns.expand("UBERON:0002048")), RDFS.label, Literal("liver")))
    g.add((URIRef(ns.expand("MONDO:0019116")), RDFS.label, Literal("obsolete catecholamine-producing tumor")))
    g.add((URIRef(ns.expand("HP:9999999")), RDFS.label, Literal("made up")))
    assert wrong_labels(g, "UBERON") == ["UBERON:0002048: 'liver' here, 'lung' in " + release_for("UBERON")[0]]
    used = used_identifiers(g)
    assert "HP:9999999" in used and "HP:9999999" not in release_for("HP")[1]
    assert release_for("MONDO")[1]["MONDO:0019116"].deprecated


@pytest.mark.skipif(not (SHARED / "reference" / "check_ids.py").exists(), reason="shared/reference not beside the checkout")
def test_reference_checker_passes_on_the_sources_and_release(built):
    """The project's reference checker (NCIT, DOID, ORPHA, OMIM, HGNC, ICD, ICD-O, OncoTree tables
    and the complete releases) finds no unknown, obsolete or mislabelled identifier."""
    proc = subprocess.run(
        [sys.executable, str(SHARED / "reference" / "check_ids.py"), str(ROOT / "ontology" / "src"),
         str(built / "ontology" / "nenkg.owl")],
        capture_output=True, text=True, timeout=600,
    )
    bad = [l for l in proc.stdout.splitlines() if l.startswith(("UNKNOWN", "OBSOLETE", "LABEL"))]
    assert proc.returncode == 0 and not bad, "\n".join(bad) or proc.stdout[-2000:]
