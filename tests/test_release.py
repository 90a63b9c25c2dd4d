"""The release files: loadable offline by owlready2, rdflib and pyoxigraph, isomorphic across
serializations, with OBO header metadata, no owl:imports, a working catalog and SSSOM file."""

from __future__ import annotations

import csv
from collections import Counter
import xml.etree.ElementTree as ET

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from nenkg import namespaces as ns
from nenkg.release import RELEASE_FILES

FORMATS = {"nenkg.owl": "xml", "nenkg.ttl": "turtle", "nenkg.nt": "nt", "nenkg.jsonld": "json-ld",
           "nenkg-base.owl": "xml", "nenkg-full.owl": "xml"}


@pytest.fixture(scope="module")
def graphs(built):
    out = {}
    for name, fmt in FORMATS.items():
        path = built / "ontology" / name
        g = Graph().parse(path, format=fmt)
        out[name] = g
    return out


def canonical(g: Graph) -> Counter:
    """Triples with each blank node replaced by a hash of everything below it.

    The release's blank nodes form an acyclic structure (restrictions, lists, axiom
    annotations), so this is an exact isomorphism test; rdflib's general algorithm takes
    minutes on this graph.
    """
    import hashlib
    from functools import lru_cache

    @lru_cache(maxsize=None)
    def sig(node) -> str:
        if not isinstance(node, BNode):
            return node.n3()
        parts = sorted(f"{p.n3()} {sig(o)}" for p, o in g.predicate_objects(node))
        return "_:" + hashlib.sha1("\n".join(parts).encode()).hexdigest()

    # a multiset: distinct blank nodes with the same content keep their multiplicity
    return Counter((sig(s), p.n3(), sig(o)) for s, p, o in g)


def test_serializations_are_isomorphic(graphs):
    main = graphs["nenkg.owl"]
    assert len(main) > 1000
    reference = canonical(main)
    assert sum(reference.values()) == len(main)
    for name in ("nenkg.ttl", "nenkg.nt", "nenkg.jsonld"):
        assert len(graphs[name]) == len(main), name
        assert canonical(graphs[name]) == reference, name


def test_canonical_form_tells_graphs_apart(graphs):
    """The comparison above can fail: one changed literal inside a blank node is detected."""
    from rdflib import Literal

    g = Graph()
    for t in graphs["nenkg.owl"]:
        g.add(t)
    ax = next(g.subjects(ns.OBOINOWL.is_inferred, None))
    g.set((ax, ns.OBOINOWL.is_inferred, Literal("false")))
    assert canonical(g) != canonical(graphs["nenkg.owl"])


def test_jsonld_context_is_embedded_and_published(built):
    import json

    doc = json.loads((built / "ontology" / "nenkg.jsonld").read_text())
    published = json.loads((built / "ontology" / "context.jsonld").read_text())
    assert doc["@context"] == published["@context"] == ns.jsonld_context()["@context"]


def test_no_owl_imports_anywhere(graphs):
    for name, g in graphs.items():
        assert not list(g.triples((None, OWL.imports, None))), name


def test_header(graphs):
    g = graphs["nenkg.owl"]
    onto = URIRef(ns.BASE + "nenkg.owl")
    assert (onto, RDF.type, OWL.Ontology) in g
    version = str(g.value(onto, OWL.versionInfo))
    assert str(g.value(onto, OWL.versionIRI)) == f"{ns.BASE}releases/{version}/nenkg.owl"
    assert str(g.value(onto, ns.DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
    for p in (ns.DCTERMS.title, ns.DCTERMS.description, ns.DCTERMS.created, ns.DCTERMS.modified,
              ns.VANN.preferredNamespacePrefix, ns.VANN.preferredNamespaceUri, ns.IAO_ROOT_TERM):
        assert g.value(onto, p) is not None, p
    # no Dublin Core elements 1.1
    assert not any(str(p).startswith("http://purl.org/dc/elements/1.1/") for p in g.predicates())


def test_every_used_annotation_property_is_declared(graphs):
    g = graphs["nenkg.owl"]
    declared = set(g.subjects(RDF.type, OWL.AnnotationProperty)) | set(g.subjects(RDF.type, OWL.ObjectProperty))
    builtin = {str(RDF), str(RDFS), str(OWL)}
    used = {p for p in g.predicates() if not any(str(p).startswith(b) for b in builtin)}
    assert used - declared == set()


def test_base_has_own_axioms_and_their_classification_and_full_the_whole_hierarchy(graphs):
    base, main, full = graphs["nenkg-base.owl"], graphs["nenkg.owl"], graphs["nenkg-full.owl"]
    own = ns.ENTITY_PREFIXES["NENKG"]
    # external entities are declared and labelled, never axiomatised (no bridging axioms)
    external = {s for t in (OWL.Class, OWL.ObjectProperty) for s in base.subjects(RDF.type, t)
                if isinstance(s, URIRef) and not str(s).startswith(own)}
    assert external
    for s in external:
        # besides its declaration and label, only NENKG's own annotations (the record value of a
        # PATO quality, say)
        others = {p for p in base.predicates(s) if p not in (RDF.type, RDFS.label)}
        assert all(str(p).startswith(own) for p in others), (s, others)
    # the reasoner's classification of NENKG classes: every inferred NENKG-NENKG edge, no other
    def inferred(g):
        return {(g.value(ax, OWL.annotatedSource), g.value(ax, OWL.annotatedTarget))
                for ax in g.subjects(ns.OBOINOWL.is_inferred, None)}
    own_edges = {(s, o) for s, o in inferred(main) if str(s).startswith(own) and str(o).startswith(own)}
    assert len(own_edges) > 100
    assert inferred(base) == own_edges
    for s, o in own_edges:
        assert (s, RDFS.subClassOf, o) in base
    # neuroendocrine tumour is defined by an equivalence: its parent is inferred, not asserted
    net, nen = URIRef(ns.expand("NENKG:0000002")), URIRef(ns.expand("NENKG:0000001"))
    assert (net, nen) in own_edges
    assert (URIRef(ns.BASE + "nenkg-full.owl"), RDF.type, OWL.Ontology) in full
    assert len(full) == len(main)


def test_every_entity_of_the_base_file_has_a_label(graphs):
    """ROBOT report's missing_label: PATO qualities carrying a NENKG annotation had none."""
    base = graphs["nenkg-base.owl"]
    subjects = {s for s in base.subjects() if isinstance(s, URIRef) and (s, RDF.type, OWL.Ontology) not in base}
    unlabelled = sorted(str(s) for s in subjects if base.value(s, RDFS.label) is None)
    assert unlabelled == []
    pato = URIRef(ns.expand("PATO:0002106"))
    assert str(base.value(pato, RDFS.label)) == "poorly differentiated"


def test_decimals_have_a_fractional_part_in_every_release_file(built, graphs):
    """The OWL API turns "3"^^xsd:decimal into an integer: write "3.0"."""
    import re

    from rdflib.namespace import XSD

    for name, g in graphs.items():
        decimals = [o for o in g.objects() if getattr(o, "datatype", None) == XSD.decimal]
        assert decimals, name
        bad = sorted({str(o) for o in decimals if "." not in str(o)})
        assert bad == [], name
    # and in the text, whatever a parser makes of it
    text = (built / "ontology" / "nenkg.ttl").read_text()
    assert not re.search(r'"[+-]?\d+"\^\^(xsd:decimal|<http://www.w3.org/2001/XMLSchema#decimal>)', text)
    for name in ("nenkg.owl", "nenkg-base.owl", "nenkg-full.owl"):
        text = (built / "ontology" / name).read_text()
        assert not re.search(r'XMLSchema#decimal">[+-]?\d+<', text), name
    # a known threshold: GEP NET G2 by Ki-67 starts at 3 %
    assert '"3.0"^^<http://www.w3.org/2001/XMLSchema#decimal>' in (built / "ontology" / "nenkg.nt").read_text()


def test_base_file_passes_the_project_qc(built):
    import os
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "nenkg.cli.main", "--root", str(built), "check",
                           str(built / "ontology" / "nenkg-base.owl")],
                          check=False, capture_output=True, text=True, timeout=300, env={**os.environ})
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    assert "nenkg check: 0 ERROR" in proc.stdout + proc.stderr


def test_loads_in_owlready2_offline(built):
    import owlready2

    world = owlready2.World()
    onto = world.get_ontology((built / "ontology" / "nenkg.owl").as_uri()).load()
    nen = world[ns.expand("NENKG:0000001")]
    assert nen is not None and "neuroendocrine neoplasm" in [str(x) for x in nen.label]
    assert len(list(onto.classes())) > 100
    world.close()


def test_loads_in_pyoxigraph(built):
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(path=str(built / "ontology" / "nenkg.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    rows = list(store.query('SELECT ?l WHERE { <https://w3id.org/nenkg/NENKG_0000001> <http://www.w3.org/2000/01/rdf-schema#label> ?l }'))
    assert [r[0].value for r in rows] == ["neuroendocrine neoplasm"]


def test_catalog_uses_relative_paths_that_exist(built):
    root = ET.parse(built / "ontology" / "catalog-v001.xml").getroot()
    uris = [e.get("uri") for e in root]
    assert uris and all("/" not in u and (built / "ontology" / u).exists() for u in uris)


def test_sssom_mirrors_the_mappings(built, graphs):
    g = graphs["nenkg.owl"]
    lines = [l for l in (built / "ontology" / "mappings" / "nenkg.sssom.tsv").read_text().splitlines() if not l.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    assert len(rows) > 100
    preds = {"skos:exactMatch": ns.SKOS.exactMatch, "skos:closeMatch": ns.SKOS.closeMatch,
             "skos:broadMatch": ns.SKOS.broadMatch, "skos:narrowMatch": ns.SKOS.narrowMatch,
             "skos:relatedMatch": ns.SKOS.relatedMatch}
    from rdflib import Literal

    for r in rows:
        assert r["mapping_justification"] == "semapv:ManualMappingCuration"
        if r["subject_id"] == "sssom:NoTermFound":  # a deliberate non-mapping: no triple
            assert r["object_id"].startswith("MONDO:") and r["comment"], r
            continue
        s = URIRef(ns.expand(r["subject_id"]))
        if r["predicate_id"] in preds:
            assert (s, preds[r["predicate_id"]], URIRef(ns.expand(r["object_id"]))) in g, r
        else:
            assert (s, ns.OBOINOWL.hasDbXref, Literal(r["object_id"])) in g, r
    # and every mapping triple in the release is in the SSSOM file
    in_file = {(r["subject_id"], r["object_id"]) for r in rows}
    for p in preds.values():
        for s, o in g.subject_objects(p):
            if str(s).startswith(ns.ENTITY_PREFIXES["NENKG"]) and not str(s).startswith(ns.ENTITY_PREFIXES["NENKG"] + "0003"):
                assert (ns.contract(str(s)), ns.contract(str(o))) in in_file


def test_every_release_file_is_listed(built):
    assert sorted(p.name for p in (built / "ontology").glob("*") if p.is_file()) == sorted(
        n for n in RELEASE_FILES if "/" not in n)
