"""The SHACL shapes of shapes/: well formed (SHACL-SHACL), documented, every rule shown to fire
on its failing fixture (sh:sourceShape and sh:focusNode asserted) and to stay silent on its
passing fixture; the real ontology has no violation."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SH

from conftest import ROOT
from nenkg.check import source_graph
from nenkg.report import shorten_iri
from nenkg.shapes import SHAPES_DIR, SHAPES_NS, expected_patterns, load_shapes, run_shapes, validate_graph

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
SHAPES = load_shapes()
# predicates that organise or document a shape without constraining anything themselves
NON_CONSTRAINTS = {SH.property, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target,
                   SH.name, SH.description, SH.message, SH.severity, SH.path, SH.deactivated, SH.order, SH.group}


def named_shapes() -> list[URIRef]:
    found = set(SHAPES.subjects(RDF.type, SH.NodeShape)) | set(SHAPES.subjects(RDF.type, SH.PropertyShape))
    return sorted(s for s in found if isinstance(s, URIRef))


def rule_shapes() -> list[str]:
    """Local names of the shapes that constrain something themselves (these can fire)."""
    return [str(s)[len(SHAPES_NS):] for s in named_shapes()
            if any(p.startswith(str(SH)) and p not in NON_CONSTRAINTS for p in SHAPES.predicates(s))]


RULES = rule_shapes()


def test_shapes_graph_is_valid_shacl():
    shacl_shacl = Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl")
    conforms, _graph, text = validate(SHAPES, shacl_graph=shacl_shacl)
    assert conforms, text


@pytest.mark.parametrize("path", sorted(SHAPES_DIR.glob("*.ttl")), ids=lambda p: p.name)
def test_each_shapes_file_is_a_titled_ontology(path):
    g = Graph().parse(path)
    onts = list(g.subjects(RDF.type, OWL.Ontology))
    assert len(onts) == 1 and g.value(onts[0], DCTERMS.title), path


def test_shapes_are_named_and_documented():
    assert all(str(s).startswith(SHAPES_NS) for s in named_shapes())
    for shape in named_shapes():
        assert SHAPES.value(shape, SH.name) and SHAPES.value(shape, SH.description), shape
    for name in RULES:
        shape = URIRef(SHAPES_NS + name)
        assert SHAPES.value(shape, SH.message), f"{name} needs an sh:message saying how to fix"
        assert SHAPES.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), f"{name} needs sh:severity"
    targeted = [s for s in named_shapes() if any(str(p).startswith(str(SH.target)) for p in SHAPES.predicates(s))]
    assert len(targeted) >= 8
    for node_shape in targeted:
        for prop in SHAPES.objects(node_shape, SH.property):
            assert isinstance(prop, URIRef), f"{node_shape} has an anonymous property shape"


def test_mapping_patterns_come_from_the_prefix_map():
    for name, pattern in expected_patterns().items():
        actual = SHAPES.value(URIRef(SHAPES_NS + name), SH.pattern)
        assert actual == Literal(pattern), f"set sh:pattern of nenkgsh:{name} to {pattern!r}"


def fired(data: Graph) -> set[tuple[str, str]]:
    """(shape local name, focus) for every validation result; an axiom (blank node) focus
    stands for the term it annotates."""
    results = validate_graph(data, SHAPES)
    out = set()
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        if isinstance(focus, BNode):
            focus = data.value(focus, OWL.annotatedSource)
        out.add((str(results.value(r, SH.sourceShape)).removeprefix(SHAPES_NS), shorten_iri(str(focus))))
    return out


def expectations(path: Path) -> set[str]:
    return {line.split(":", 1)[1].strip() for line in path.read_text().splitlines() if line.startswith("# expect:")}


@pytest.mark.parametrize("name", RULES)
def test_shape_fires_on_its_failing_fixture(name):
    path = FIXTURES / f"{name}.fail.ttl"
    expected = expectations(path)
    assert expected, f"{path.name} needs '# expect:' lines"
    results = fired(Graph().parse(path))
    assert {focus for shape, focus in results if shape == name} == expected, results


@pytest.mark.parametrize("name", RULES)
def test_shape_is_silent_on_its_passing_fixture(name):
    assert fired(Graph().parse(FIXTURES / f"{name}.pass.ttl")) == set()


def test_no_fixture_without_a_shape():
    assert {p.name.split(".")[0] for p in FIXTURES.glob("*.ttl")} == set(RULES)


def test_ontology_sources_and_release_have_no_violation(release_graph):
    for graph in (source_graph(ROOT), release_graph):
        report = run_shapes(graph, SHAPES)
        assert report.at("ERROR") == [], report.at("ERROR")


def test_nested_node_failure_is_one_finding():
    """pySHACL nests the failing sh:node check under its sh:result (sh:detail); only the
    top-level result is a finding, so an undeclared synonym type is reported once."""
    graph = Graph().parse(FIXTURES / "SynonymTypeValueShape.fail.ttl")
    results = validate_graph(graph, SHAPES)
    assert len(set(results.subjects(RDF.type, SH.ValidationResult))) > 1  # the nested detail is there
    findings = run_shapes(graph, SHAPES).findings
    assert [(f.level, f.check) for f in findings] == [("ERROR", "SynonymTypeValueShape")], findings
