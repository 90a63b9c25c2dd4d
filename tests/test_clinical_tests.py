"""Diagnostic tests of issue 14 item 2 (ontology/src/clinical_tests.yaml), on the release built
with HermiT: each hormone syndrome has its biochemical test, each hereditary syndrome its
germline test of its own gene, the single-marker stains measure one protein each, and every
UniProt accession and HGNC gene a test measures exists in the reference releases."""

from __future__ import annotations

import csv

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, RDFS

from conftest import ROOT
from nenkg import namespaces as ns
from ontology_data import cellxgene

HGNC_EXTRACT = ROOT.parent / "shared" / "reference" / "extracts" / "hgnc_from_mondo_imports_hgnc_import_obo.tsv"


def u(curie: str | URIRef) -> URIRef:
    return curie if isinstance(curie, URIRef) else URIRef(ns.expand(curie))


MEASURES, GERMLINE = u("NENKG:0003009"), u("RO:0004003")
DIAGNOSED, MONITORED, LOCALISED, RELEVANT = (u("NENKG:0003005"), u("NENKG:0003006"),
                                             u("NENKG:0003008"), u("NENKG:0003004"))
GERMLINE_TEST = u("NENKG:0003030")


def stated(g, cls: str | URIRef) -> set[tuple[URIRef, URIRef]]:
    """(property, named filler) of the existential restrictions asserted on cls."""
    out = set()
    for r in g.objects(u(cls), RDFS.subClassOf):
        p, f = g.value(r, OWL.onProperty), g.value(r, OWL.someValuesFrom)
        if p is not None and f is not None:
            out.add((p, f))
    return out


def measured(g, test: str | URIRef) -> set[URIRef]:
    """Named analytes of a test's measures axioms, unions opened."""
    out = set()
    for p, f in stated(g, test):
        if p != MEASURES:
            continue
        members = g.value(f, OWL.unionOf)
        out |= set(g.items(members)) if members is not None else {f}
    return out


@pytest.mark.parametrize("syndrome, tumour, test, analyte", [
    ("NENKG:0000505", "NENKG:0000119", "NENKG:0005000", "CHEBI:80331"),    # WDHA / VIPoma: VIP
    ("NENKG:0000507", "NENKG:0000118", "NENKG:0005001", "CHEBI:5391"),     # glucagonoma: glucagon
    ("NENKG:0000508", "NENKG:0000120", "NENKG:0005002", "CHEBI:64628"),    # somatostatinoma
    ("NENKG:0000509", "NENKG:0000123", "NENKG:0005003", "CHEBI:3892"),     # ectopic Cushing: ACTH
    ("NENKG:0000509", "NENKG:0000123", "NENKG:0005004", "CHEBI:17650"),    # ... and cortisol
    ("NENKG:0000506", "NENKG:0000114", "NENKG:0005007", "UNIPROT:P01308"),  # insulinoma: proinsulin
    ("NENKG:0000504", "NENKG:0000115", "NENKG:0005009", "CHEBI:75436"),    # ZES: secretin test
])
def test_hormone_syndrome_and_its_tumour_are_diagnosed_by_the_hormone_test(release_graph, syndrome, tumour, test, analyte):
    assert (DIAGNOSED, u(test)) in stated(release_graph, syndrome)
    assert (DIAGNOSED, u(test)) in stated(release_graph, tumour)
    assert u(analyte) in measured(release_graph, test)


def test_catecholamine_excess_and_ppgl_metanephrines(release_graph):
    for cls in ("NENKG:0000510", "NENKG:0000350"):
        assert (DIAGNOSED, u("NENKG:0005010")) in stated(release_graph, cls)
    assert measured(release_graph, "NENKG:0005010") == {u("CHEBI:89633"), u("CHEBI:89951")}
    # the supervised fast now also names glucose, proinsulin and beta-hydroxybutyrate
    assert measured(release_graph, "NENKG:0000806") == {
        u("CHEBI:145810"), u("CHEBI:80332"), u("CHEBI:17234"), u("UNIPROT:P01308"), u("CHEBI:37054")}


def test_mtc_markers_imaging_and_ret(release_graph):
    got = stated(release_graph, "NENKG:0000370")
    assert {(DIAGNOSED, u("NENKG:0005005")), (MONITORED, u("NENKG:0005005")),
            (DIAGNOSED, u("NENKG:0005027")), (LOCALISED, u("NENKG:0005042")),
            (GERMLINE_TEST, u("NENKG:0005063"))} <= got
    assert measured(release_graph, "NENKG:0005005") == {u("UNIPROT:P06731")}   # CEA
    assert measured(release_graph, "NENKG:0005027") == {u("CHEBI:3306")}       # calcitonin IHC


def test_ppgl_imaging_sdhb_and_germline_panel(release_graph):
    got = stated(release_graph, "NENKG:0000350")
    assert {(LOCALISED, u("NENKG:0005040")), (LOCALISED, u("NENKG:0005041")),
            (LOCALISED, u("NENKG:0000822")), (RELEVANT, u("NENKG:0005028")),
            (GERMLINE_TEST, u("NENKG:0005067"))} <= got


@pytest.mark.parametrize("stain, protein", [
    ("NENKG:0005020", "UNIPROT:P08247"), ("NENKG:0005021", "UNIPROT:P10645"),
    ("NENKG:0005022", "UNIPROT:Q01101"), ("NENKG:0005023", "UNIPROT:P04637"),
    ("NENKG:0005024", "UNIPROT:P06400"), ("NENKG:0005025", "UNIPROT:P35900"),
    ("NENKG:0005028", "UNIPROT:P21912"), ("NENKG:0005029", "UNIPROT:P30874"),
])
def test_single_marker_stain_measures_only_its_protein(release_graph, stain, protein):
    # not a subclass of the two-marker panel, whose measures axioms it would inherit
    assert u("NENKG:0000811") not in set(release_graph.transitive_objects(u(stain), RDFS.subClassOf))
    assert measured(release_graph, stain) == {u(protein)}


def test_net_g3_versus_nec_and_merkel_cell_stains(release_graph):
    for cls in ("NENKG:0000003", "NENKG:0000006"):
        assert {(DIAGNOSED, u("NENKG:0005023")), (DIAGNOSED, u("NENKG:0005024"))} <= stated(release_graph, cls)
    assert {(DIAGNOSED, u("NENKG:0005025")), (DIAGNOSED, u("NENKG:0005026"))} <= stated(release_graph, "NENKG:0000340")
    assert measured(release_graph, "NENKG:0005026") == {u("UNIPROT:P07196"), u("UNIPROT:P07197"), u("UNIPROT:P12036")}


def germline_basis(g, syndrome: str) -> set[URIRef]:
    """Genes of the syndrome's has_germline_basis_in axioms on it or a superclass, also inside
    an equivalent intersection and unions."""
    genes = set()
    for cls in g.transitive_objects(u(syndrome), RDFS.subClassOf):
        nodes = list(g.objects(cls, RDFS.subClassOf))
        for eq in g.objects(cls, OWL.equivalentClass):
            for lst in g.objects(eq, OWL.intersectionOf):
                nodes += list(g.items(lst))
        for r in nodes:
            if g.value(r, OWL.onProperty) == GERMLINE:
                f = g.value(r, OWL.someValuesFrom)
                members = g.value(f, OWL.unionOf)
                genes |= set(g.items(members)) if members is not None else {f}
    return genes


@pytest.mark.parametrize("syndrome", [
    "NENKG:0000701", "NENKG:0000702", "NENKG:0000703", "NENKG:0000704", "NENKG:0000705",
    "NENKG:0000706", "NENKG:0000707", "NENKG:0000708", "NENKG:0000720",
    "NENKG:0000721", "NENKG:0000722", "NENKG:0000723", "NENKG:0000724", "NENKG:0000725",
    "NENKG:0000726", "NENKG:0000727",
])
def test_each_hereditary_syndrome_has_a_germline_test_of_its_gene(release_graph, syndrome):
    g = release_graph
    genes = germline_basis(g, syndrome)
    assert genes, f"{syndrome} states no gene"
    tested = set()
    for cls in g.transitive_objects(u(syndrome), RDFS.subClassOf):
        if not isinstance(cls, URIRef):
            continue
        for p, test in stated(g, cls):
            if p == DIAGNOSED and u("NENKG:0005060") in set(g.transitive_objects(test, RDFS.subClassOf)):
                tested |= measured(g, test)
    assert genes <= tested, f"{syndrome}: genes {genes - tested} not tested"


@pytest.mark.skipif(not HGNC_EXTRACT.exists(), reason="shared HGNC extract not beside the checkout")
def test_germline_genes_are_in_the_hgnc_extract(release_graph):
    with open(HGNC_EXTRACT, newline="") as fh:
        hgnc = {row["hgnc_id"]: row["symbol"] for row in csv.DictReader(fh, delimiter="\t")}
    g = release_graph
    tests = [t for t in g.transitive_subjects(RDFS.subClassOf, u("NENKG:0005060")) if t != u("NENKG:0005060")]
    assert len(tests) == 7
    for test in tests:
        for gene in measured(g, test):
            curie = ns.contract(str(gene))
            assert curie in hgnc, curie
            assert str(g.value(gene, RDFS.label)) == hgnc[curie]


def test_uniprot_accessions_exist_with_their_entry_names(release_graph):
    version, terms = cellxgene("UniProt")
    used = {s for s in release_graph.subjects() if isinstance(s, URIRef) and (ns.contract(str(s)) or "").startswith("UNIPROT:")}
    assert len(used) >= 15
    for s in used:
        key = "uniprot:" + ns.contract(str(s)).split(":", 1)[1]
        assert key in terms and not terms[key].deprecated, f"{s} not in UniProt {version}"
        assert str(release_graph.value(s, RDFS.label)) == terms[key].label
