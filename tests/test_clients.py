"""Clients users already run, against the real ``nenkg serve`` (fixture ``nenkg_server``):
SPARQLWrapper for every query form in every return format it offers for that form, and
rdflib's SPARQLStore. Answers are parsed by the client and compared with the embedded store."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from serve_util import http
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

NET = "https://w3id.org/nenkg/NENKG_0000002"  # neuroendocrine tumour
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SELECT = f"SELECT ?c ?l WHERE {{ ?c <{RDFS}subClassOf> <{NET}> ; <{RDFS}label> ?l }} ORDER BY ?c"
ASK_YES = f"ASK {{ ?c <{RDFS}subClassOf> <{NET}> }}"
ASK_NO = "ASK { <urn:x:nothing> ?p ?o }"
CONSTRUCT = f"CONSTRUCT {{ ?c <{RDFS}subClassOf> <{NET}> }} WHERE {{ ?c <{RDFS}subClassOf> <{NET}> }}"
DESCRIBE = f"DESCRIBE <{NET}>"

# SPARQLWrapper and rdflib's JSON-LD parser build graphs with rdflib's deprecated ConjunctiveGraph
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def srv(nenkg_server):
    return nenkg_server


@pytest.fixture(scope="module")
def expected(query_store):
    """What the embedded store answers to the same queries (the server holds the same release)."""
    def values(query: str) -> set[tuple[str, ...]]:
        return {tuple(("_:" if isinstance(t, ox.BlankNode) else "") + t.value for t in row)
                for row in query_store.query(query).rows}

    rows = values(SELECT)
    children = {c for (c,) in values(f"SELECT ?c {{ ?c <{RDFS}subClassOf> <{NET}> }}")}
    described = values(f"SELECT ?p ?o {{ <{NET}> ?p ?o }}")
    assert len(rows) > 5 and len(children) > 5 and described
    return {"rows": rows, "children": children, "described": described}


def wrapper(srv, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    sw = SPARQLWrapper(srv.url + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if method == "POST":
        sw.setMethod(POST)
    return sw


def select_rows(fmt: str, result) -> set[tuple[str, str]]:
    """(class IRI, label) pairs from SPARQLWrapper's converted SELECT result."""
    if fmt == JSON:
        assert result["head"]["vars"] == ["c", "l"]
        return {(b["c"]["value"], b["l"]["value"]) for b in result["results"]["bindings"]}
    if fmt == XML:  # a minidom Document
        out = set()
        for res in result.getElementsByTagName("result"):
            values = {b.getAttribute("name"): b.firstChild.firstChild.data for b in res.getElementsByTagName("binding")}
            out.add((values["c"], values["l"]))
        return out
    text = result.decode("utf-8")
    if fmt == CSV:
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["c", "l"]
        return {(c, lab) for c, lab in rows[1:]}
    assert fmt == TSV
    lines = text.splitlines()
    assert lines[0] == "?c\t?l"
    out = set()
    for line in lines[1:]:
        c, lab = line.split("\t")
        out.add((c.strip("<>"), rdflib.util.from_n3(lab).toPython() if lab.startswith('"') else lab))
    return out


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt, media", [
    (JSON, "application/sparql-results+json"),
    (XML, "application/sparql-results+xml"),
    (CSV, "text/csv"),
    (TSV, "text/tab-separated-values"),
])
def test_sparqlwrapper_select(srv, expected, fmt, media, method):
    res = wrapper(srv, SELECT, fmt, method).query()
    assert res.info()["content-type"].split(";")[0] == media
    assert select_rows(fmt, res.convert()) == expected["rows"]


def ask_value(fmt: str, result) -> bool:
    if fmt == JSON:
        return result["boolean"]
    if fmt == XML:
        return result.getElementsByTagName("boolean")[0].firstChild.data == "true"
    text = result.decode("utf-8").splitlines()
    assert len(text) == 2 and text[0] in ("boolean", "?boolean")
    return text[1] == "true"


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_ask(srv, fmt):
    assert ask_value(fmt, wrapper(srv, ASK_YES, fmt).query().convert()) is True
    assert ask_value(fmt, wrapper(srv, ASK_NO, fmt, "POST").query().convert()) is False


def as_graph(fmt: str, result) -> rdflib.Graph:
    """SPARQLWrapper converts RDF/XML and JSON-LD to an rdflib Graph, Turtle and N3 to bytes."""
    if isinstance(result, rdflib.Graph):
        return result
    return rdflib.Graph().parse(data=result, format={TURTLE: "turtle", N3: "n3"}.get(fmt, "nt"))


GRAPH_FORMATS = [
    (TURTLE, "text/turtle"),
    (XML, "application/rdf+xml"),
    (RDFXML, "application/rdf+xml"),
    (N3, "text/n3"),
    (JSONLD, "application/ld+json"),
]


@pytest.mark.parametrize("fmt, media", GRAPH_FORMATS)
def test_sparqlwrapper_construct(srv, expected, fmt, media):
    res = wrapper(srv, CONSTRUCT, fmt).query()
    assert res.info()["content-type"].split(";")[0] == media
    g = as_graph(fmt, res.convert())
    assert {str(s) for s, p, o in g} == expected["children"]
    assert {(str(p), str(o)) for s, p, o in g} == {(RDFS + "subClassOf", NET)}


@pytest.mark.parametrize("fmt, media", GRAPH_FORMATS)
def test_sparqlwrapper_describe(srv, expected, fmt, media):
    res = wrapper(srv, DESCRIBE, fmt, "POST").query()
    assert res.info()["content-type"].split(";")[0] == media
    g = as_graph(fmt, res.convert())
    assert {str(s) for s in g.subjects()} >= {NET}
    # blank nodes (OWL restrictions) differ by name only: compare the named part of the description
    got = {(str(p), str(o)) for s, p, o in g.triples((rdflib.URIRef(NET), None, None)) if not isinstance(o, rdflib.BNode)}
    assert got == {(p, o) for p, o in expected["described"] if not o.startswith("_:")}


def test_sparqlwrapper_ntriples_by_accept_only(srv, expected):
    """SPARQLWrapper has no N-Triples constant: asked by the Accept header alone (onlyConneg)."""
    sw = wrapper(srv, CONSTRUCT, N3)
    sw.setOnlyConneg(True)
    sw.addCustomHttpHeader("Accept", "application/n-triples")
    res = sw.query()
    assert res.info()["content-type"].split(";")[0] == "application/n-triples"
    g = rdflib.Graph().parse(data=res.convert(), format="nt")
    assert {str(s) for s in g.subjects()} == expected["children"]


@pytest.mark.parametrize("params, accept, media", [
    # SPARQLWrapper's own pairs: a short name and a media type, repeated over format/output/results
    ("format=tsv&format=text/tab-separated-values&output=tsv&results=tsv", None, "text/tab-separated-values"),
    # the first value the endpoint knows wins
    ("format=pdf&output=csv&results=json", None, "text/csv"),
    ("output=application/sparql-results%2Bxml", None, "application/sparql-results+xml"),
    ("output=application/sparql-results+xml", None, "application/sparql-results+xml"),  # a "+" typed as is
    # none known: the Accept header decides (as Fuseki and Virtuoso do)
    ("format=pdf&output=yaml", "text/csv", "text/csv"),
    ("format=turtle", "text/tab-separated-values", "text/tab-separated-values"),  # a graph format for SELECT
])
def test_format_parameters(srv, params, accept, media):
    r = srv.get("/sparql?query=" + urllib.parse.quote(SELECT) + "&" + params, accept)
    assert r.status == 200 and r.media == media


@pytest.mark.parametrize("value, media", [
    ("n3", "text/n3"), ("text/rdf+n3", "text/n3"), ("ttl", "text/turtle"), ("nt", "application/n-triples"),
    ("ntriples", "application/n-triples"), ("xml", "application/rdf+xml"), ("rdfxml", "application/rdf+xml"),
    ("json-ld", "application/ld+json"), ("jsonld", "application/ld+json"), ("application/rdf+xml", "application/rdf+xml"),
])
def test_format_parameters_of_graphs(srv, expected, value, media):
    body = urllib.parse.urlencode({"query": CONSTRUCT, "results": "nonsense", "format": value}).encode()
    r = http(srv.url + "/sparql", data=body, method="POST",
             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 200 and r.media == media
    fmt = {"text/n3": "n3", "text/turtle": "turtle", "application/n-triples": "nt",
           "application/rdf+xml": "xml", "application/ld+json": "json-ld"}[media]
    assert {str(s) for s in rdflib.Graph().parse(data=r.body, format=fmt).subjects()} == expected["children"]


def test_unknown_format_and_unacceptable_accept_is_406(srv):
    assert srv.sparql_get(SELECT, "image/png", format="pdf").status == 406


def test_rdflib_sparqlstore(srv, expected):
    store = SPARQLStore(srv.url + "/sparql")
    g = rdflib.Graph(store)
    rows = {(str(c), str(lab)) for c, lab in g.query(SELECT)}
    assert rows == expected["rows"]
    assert g.query(ASK_YES).askAnswer is True
    assert g.query(ASK_NO).askAnswer is False
    constructed = g.query(CONSTRUCT).graph
    assert {str(s) for s in constructed.subjects()} == expected["children"]
    assert (rdflib.URIRef(NET), rdflib.RDFS.label, None) in g.query(DESCRIBE).graph
    # the store's own triple pattern interface
    assert {str(s) for s in g.subjects(rdflib.RDFS.subClassOf, rdflib.URIRef(NET))} == expected["children"]
    labels = {str(o) for o in g.objects(rdflib.URIRef(NET), rdflib.RDFS.label)}
    assert labels == {o for p, o in expected["described"] if p == RDFS + "label"}
    json.dumps(sorted(labels))  # plain strings
