"""The RDF/XML release files are typed-node RDF/XML (OWL API / ROBOT style): pronto reads them,
and the writer keeps every triple, whatever the blank-node structure."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, XSD

from nenkg import namespaces as ns
from nenkg.rdfxml import write_rdfxml

OWL_FILES = ("nenkg.owl", "nenkg-base.owl", "nenkg-full.owl")
RDF_NS = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
OWL_NS = "{http://www.w3.org/2002/07/owl#}"


@pytest.mark.parametrize("name", OWL_FILES)
def test_top_level_nodes_are_typed_elements(built, name):
    root = ET.parse(built / "ontology" / name).getroot()
    children = list(root)
    assert children[0].tag == OWL_NS + "Ontology"
    assert children[0].get(RDF_NS + "about") == ns.BASE + name
    tags = {c.tag for c in children}
    assert RDF_NS + "Description" not in tags
    assert {OWL_NS + t for t in ("Class", "ObjectProperty", "AnnotationProperty", "Axiom")} <= tags
    # restrictions are nested in the axiom that uses them, not written on their own
    assert not [c for c in children if c.get(RDF_NS + "nodeID")]


@pytest.mark.parametrize("name", OWL_FILES)
def test_pronto_reads_the_class_its_label_and_parents(built, name):
    pronto = pytest.importorskip("pronto")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pronto warns about OWL it does not model (individuals ...)
        onto = pronto.Ontology(str(built / "ontology" / name))
    assert onto.metadata.ontology is not None
    net = onto[ns.expand("NENKG:0000002")]
    assert net.name == "neuroendocrine tumour"
    parents = {t.id for t in net.superclasses(distance=1, with_self=False)}
    # an inferred parent (the class is defined by an equivalence), in the base file too
    assert ns.expand("NENKG:0000001") in parents
    assert onto[ns.expand("NENKG:0000001")].name == "neuroendocrine neoplasm"
    assert len(list(onto.terms())) > 300


def _round_trip(g: Graph, tmp_path) -> Graph:
    path = tmp_path / "g.owl"
    write_rdfxml(g, path)
    first = path.read_bytes()
    write_rdfxml(g, path)
    assert path.read_bytes() == first
    return Graph().parse(path, format="xml")


def test_writer_keeps_shared_cyclic_and_list_blank_nodes(tmp_path):
    ex = "http://example.org/"
    a, b, p = URIRef(ex + "A"), URIRef(ex + "B"), URIRef(ex + "p")
    g = Graph()
    g.add((a, RDF.type, OWL.Class))
    # a restriction used by two axioms and by an axiom annotation
    r = BNode("r")
    g.add((r, RDF.type, OWL.Restriction))
    g.add((r, OWL.onProperty, p))
    g.add((r, OWL.someValuesFrom, b))
    g.add((a, RDFS.subClassOf, r))
    g.add((b, RDFS.subClassOf, r))
    ax = BNode("ax")
    g.add((ax, RDF.type, OWL.Axiom))
    g.add((ax, OWL.annotatedSource, a))
    g.add((ax, OWL.annotatedProperty, RDFS.subClassOf))
    g.add((ax, OWL.annotatedTarget, r))
    g.add((ax, RDFS.comment, Literal("why", lang="en")))
    # a list of IRIs and blank nodes, and a list holding a literal (no Collection for it)
    from rdflib.collection import Collection

    inner = BNode("inner")
    g.add((inner, OWL.complementOf, b))
    items = BNode("items")
    Collection(g, items, [a, inner])
    u = BNode("u")
    g.add((u, OWL.unionOf, items))
    g.add((b, OWL.equivalentClass, u))
    lits = BNode("lits")
    Collection(g, lits, [Literal(1), Literal("x")])
    g.add((b, URIRef(ex + "values"), lits))
    # two blank nodes referring to each other only, and one referenced by nothing
    c1, c2 = BNode("c1"), BNode("c2")
    g.add((c1, p, c2))
    g.add((c2, p, c1))
    g.add((BNode("free"), p, Literal("3.0", datatype=XSD.decimal)))
    back = _round_trip(g, tmp_path)
    assert len(back) == len(g)
    assert isomorphic(back, g)


def test_writer_output_does_not_depend_on_insertion_order(tmp_path):
    ex = "http://example.org/"
    triples = [(URIRef(ex + f"C{i}"), RDFS.subClassOf, URIRef(ex + f"C{i + 1}")) for i in range(30)]
    triples += [(URIRef(ex + f"C{i}"), RDF.type, OWL.Class) for i in range(31)]
    g1, g2 = Graph(), Graph()
    for t in triples:
        g1.add(t)
    for t in reversed(triples):
        g2.add(t)
    write_rdfxml(g1, tmp_path / "1.owl")
    write_rdfxml(g2, tmp_path / "2.owl")
    assert (tmp_path / "1.owl").read_bytes() == (tmp_path / "2.owl").read_bytes()


@pytest.mark.parametrize("name", OWL_FILES)
def test_oak_pronto_adapter_reads_the_committed_release(name):
    """OAK (``oaklib``) is not in the test extra: it brings some 150 packages (linkml, pandas,
    sphinx, openai ...). Where it is installed, its pronto adapter reads the release files."""
    pytest.importorskip("oaklib")
    from conftest import ROOT
    from oaklib import get_adapter

    adapter = get_adapter(f"pronto:{ROOT / 'ontology' / name}")
    net, nen = ns.expand("NENKG:0000002"), ns.expand("NENKG:0000001")
    assert adapter.label(net) == "neuroendocrine tumour"
    assert nen in set(adapter.hierarchical_parents(net))
