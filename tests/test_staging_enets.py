"""ENETS TNM schemes beside the AJCC 8th edition (ontology/src/staging/enets.yaml): knowledge for
SPARQL users, listed by the library query with their edition, never applied by ``nenkg classify``
(one stage per record, from the AJCC 8th edition scheme of the site)."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from conftest import classify_fields
from nenkg import namespaces as ns
from nenkg.grading import Knowledge
from nenkg.vocab import NENKG as V

AJCC_APPENDIX = "NENKG:0005503"
ENETS_APPENDIX = "NENKG:0006010"
APPENDIX_RECORD = dict(primary_site="appendix", differentiation="well", ki67_percent="2", size_mm="15",
                       invasion_extent="mesoappendix", positive_nodes="0", distant_metastasis="none")


def test_the_library_query_lists_both_appendix_schemes_with_their_editions(library, query_store):
    r = library.run(query_store, "staging-scheme-of-site", {"site": "UBERON:0001154"})
    rows = r.dicts()
    schemes = []
    for d in rows:
        if d["scheme"] not in schemes:
            schemes.append(d["scheme"])
    # the scheme classify applies comes first
    assert schemes == [AJCC_APPENDIX, ENETS_APPENDIX]
    applied = {d["scheme"]: str(d["applied"]).lower() for d in rows}
    assert applied == {AJCC_APPENDIX: "true", ENETS_APPENDIX: "false"}
    editions = {d["scheme"]: d["edition"] for d in rows}
    assert editions[AJCC_APPENDIX] == "AJCC Cancer Staging Manual, 8th edition (2017)"
    assert "ENETS" in editions[ENETS_APPENDIX] and "2007" in editions[ENETS_APPENDIX]
    # the AJCC 8th T criteria of the appendix (2 and 4 cm, any mesoappendix involvement is T3)
    ajcc_t = [(d["criterion"], d["categoryLabel"]) for d in rows if d["scheme"] == AJCC_APPENDIX and d["axis"] == "T"]
    assert ajcc_t == [("NENKG:0005600", "T1"), ("NENKG:0005601", "T2"), ("NENKG:0005602", "T3"),
                      ("NENKG:0005603", "T3"), ("NENKG:0005604", "T4")]
    # the ENETS thresholds could not be verified: the scheme is listed without criteria
    enets = [d for d in rows if d["scheme"] == ENETS_APPENDIX]
    assert len(enets) == 1 and enets[0].get("criterion") in (None, "")


def test_other_sites_keep_only_their_ajcc_scheme(library, query_store):
    r = library.run(query_store, "staging-scheme-of-site")  # the ileum
    assert {d["scheme"] for d in r.dicts()} == {"NENKG:0005502"}
    assert {str(d["applied"]).lower() for d in r.dicts()} == {"true"}


def test_classify_stages_an_appendiceal_net_with_the_ajcc_8th_scheme_only(knowledge):
    assert ENETS_APPENDIX not in {s.curie for s in knowledge.staging.schemes}
    out = classify_fields(knowledge, **APPENDIX_RECORD)
    assert ns.contract(out.stage_scheme_iri) == AJCC_APPENDIX
    # AJCC 8th: any mesoappendix involvement is T3; N0 M0 gives stage II
    assert (out.t_category, out.n_category, out.m_category, out.stage_group) == ("T3", "N0", "M0", "stage II")
    assert not out.warnings


def test_a_scheme_marked_not_applied_is_skipped_by_classify(release_graph):
    g = release_graph.__class__()
    for t in release_graph:
        g.add(t)
    g.set((URIRef(ns.expand(AJCC_APPENDIX)), V.applied_by_classifier, Literal(False, datatype=XSD.boolean)))
    k = Knowledge(g)
    out = classify_fields(k, **APPENDIX_RECORD)
    assert out.status == "classified"
    assert out.stage_scheme == "" and out.stage_group == "" and out.t_category == ""
