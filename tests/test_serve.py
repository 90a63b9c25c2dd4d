"""HTTP tests of ``nenkg serve``: every route and content type, limits, refusals and escaping,
against the real server process (fixture ``nenkg_server`` in conftest.py)."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from serve_util import http

NET = "https://w3id.org/nenkg/NENKG_0000002"  # neuroendocrine tumour
RECTAL = "/NENKG_0000201"  # rectal neuroendocrine tumour
EVIL = "/NENKG_9999999"  # fixture term with markup in its label
LABELS = "SELECT ?c ?l WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?c LIMIT 3"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def srv(nenkg_server):
    return nenkg_server


# --- home, search, query page, static ------------------------------------------------------------

def test_home_shows_the_class_tree(srv):
    r = srv.get("/", "text/html")
    assert r.status == 200 and r.media == "text/html"
    assert 'id="class-tree"' in r.text
    assert '<a href="/NENKG_0000001">neuroendocrine neoplasm</a>' in r.text
    assert '<a href="/NENKG_0000201">rectal neuroendocrine tumour</a>' in r.text


@pytest.mark.parametrize("q, label", [
    ("pheochromocytoma", "pheochromocytoma"),
    ("PHEOCHROMOCYTMA", "pheochromocytoma"),  # case and a typo
    ("pancreatic neuroendocrine tumor", "pancreatic neuroendocrine tumour"),  # spelling variant
    ("NCIT:C3809", "neuroendocrine neoplasm"),  # NCIt code
    ("c3809", "neuroendocrine neoplasm"),
    ("MONDO:0019496", "neuroendocrine neoplasm"),  # a mapping
    ("NENKG:0000201", "rectal neuroendocrine tumour"),  # our own id
    ("APUDoma", "neuroendocrine neoplasm"),  # a synonym
])
def test_search_json(srv, q, label):
    r = srv.get("/search?q=" + q.replace(" ", "+"), "application/json")
    assert r.status == 200 and r.media == "application/json"
    data = json.loads(r.body)
    assert data["query"] == q
    assert data["results"][0]["label"] == label, data["results"][:3]


def test_search_icdo_code(srv):
    labels = [h["label"] for h in json.loads(srv.get("/search?q=8240/3", "application/json").body)["results"]]
    assert "ampullary neuroendocrine tumour" in labels and len(labels) == 20  # many classes carry 8240/3
    labels = [h["label"] for h in json.loads(srv.get("/search?q=8247/3", "application/json").body)["results"]]
    assert labels[0] == "Merkel cell carcinoma"


def test_search_html_and_empty(srv):
    r = srv.get("/search?q=insulinoma", "text/html")
    assert r.status == 200 and r.media == "text/html"
    assert 'id="search-results"' in r.text and ">insulinoma</a>" in r.text
    assert json.loads(srv.get("/search?q=", "application/json").body)["results"] == []
    assert json.loads(srv.get("/search?q=insulinoma&format=json").body)["results"][0]["label"] == "insulinoma"
    assert srv.get("/search?q=x", "image/png").status == 406


def test_query_page_prefilled_with_library_examples(srv):
    r = srv.get("/queries", "text/html")
    assert r.status == 200
    assert "examples: Tumours defined by their primary site" in r.text
    # the default parameter is bound in the text shown (a VALUES block), so it runs as it stands
    assert "VALUES (?parent) { (&lt;https://w3id.org/nenkg/NENKG_0000002&gt;) }" in r.text
    assert "starter: NENKG classes and their labels" in r.text
    r = srv.get("/queries?name=starter-2", "text/html")
    assert "oboInOwl:hasDbXref ?xref" in r.text


def test_static_files_and_security_headers(srv):
    css = srv.get("/static/app.css")
    js = srv.get("/static/app.js")
    assert css.status == 200 and css.media == "text/css"
    assert js.status == 200 and js.media == "text/javascript"
    assert srv.get("/static/other.js").status == 404
    home = srv.get("/")
    assert "script-src 'self'" in home.headers["content-security-policy"]
    assert home.headers["x-content-type-options"] == "nosniff"
    head = home.text.split("<head>")[1].split("</head>")[0]
    assert "http://" not in head and "https://" not in head  # nothing is fetched from another host


# --- term pages ----------------------------------------------------------------------------------

def test_term_page_html(srv):
    r = srv.get(RECTAL, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
    assert r.status == 200 and r.media == "text/html"
    assert r.headers["vary"].startswith("Accept")
    t = r.text
    assert '<h1 id="term-label">rectal neuroendocrine tumour</h1>' in t
    assert 'id="definition"' in t and "Source:" in t
    assert 'id="synonyms"' in t
    assert '<a href="/NENKG_0000200">rectal neuroendocrine neoplasm</a>' in t  # a parent
    assert "Equivalent to: " in t and ">disease has location</a> some " in t and ">rectum</a>" in t
    assert 'id="xrefs"' in t and "NCIT" in t


def test_term_page_related_and_referenced(srv):
    t = srv.get("/NENKG_0000001", "text/html").text
    assert 'id="children"' in t and 'id="related"' in t and 'id="referenced-by"' in t
    assert "<dt>predisposes to (this)</dt>" in t and "multiple endocrine neoplasia type 1" in t
    assert ">neoplasm</a>" in t  # external parent shown with its label (MONDO:0005070)


@pytest.mark.parametrize("accept, fmt, media, rdf_format", [
    ("text/turtle", "turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", "jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", "rdfxml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/n-triples", "ntriples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
])
def test_term_page_rdf(srv, accept, fmt, media, rdf_format):
    for r in (srv.get(RECTAL, accept), srv.get(RECTAL + "?format=" + fmt)):
        assert r.status == 200 and r.media == media
        triples = [q.triple for q in ox.parse(r.body, format=rdf_format)]
        subject = ox.NamedNode("https://w3id.org/nenkg" + RECTAL)
        label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
        assert ox.Triple(subject, label, ox.Literal("rectal neuroendocrine tumour", language="en")) in triples
        # the logical definition comes with its blank nodes, the axiom annotations with theirs
        assert any(t.predicate.value.endswith("#someValuesFrom") for t in triples)
        assert any(t.predicate.value.endswith("#annotatedSource") for t in triples)


def test_term_page_errors(srv):
    r = srv.get("/NENKG_0000000", "text/html")
    assert r.status == 404 and r.media == "text/html" and "no term NENKG:0000000" in r.text
    assert "Traceback" not in r.text
    assert srv.get("/NENKG_0000000", "text/plain").status == 404
    assert srv.get(RECTAL, "image/png").status == 406
    assert srv.get(RECTAL + "?format=pdf").status == 400


def test_markup_in_data_is_shown_inert(srv):
    for path in (EVIL, "/", "/search?q=evil+label"):
        t = srv.get(path, "text/html").text
        assert "<script>window" not in t and "<img src=x" not in t and "<b>label" not in t
        assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;evil &lt;b&gt;label&lt;/b&gt;" in t
    t = srv.get(EVIL, "text/html").text
    assert "</textarea><script>" not in t
    assert 'href="javascript:' not in t  # neither an xref string nor an IRI of the data becomes a script link
    assert "javascript:alert(document.domain)" in t


# --- SPARQL endpoint -----------------------------------------------------------------------------

def test_sparql_select_formats(srv):
    j = srv.sparql_get(LABELS, "application/sparql-results+json")
    assert j.status == 200 and j.media == "application/sparql-results+json"
    data = json.loads(j.body)
    assert data["head"]["vars"] == ["c", "l"] and len(data["results"]["bindings"]) == 3
    x = srv.sparql_get(LABELS, "application/sparql-results+xml")
    assert x.media == "application/sparql-results+xml"
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert len(ET.fromstring(x.body).findall("s:results/s:result", ns)) == 3
    c = srv.sparql_get(LABELS, "text/csv")
    assert c.media == "text/csv" and c.text.splitlines()[0] == "c,l" and len(c.text.splitlines()) == 4
    t = srv.sparql_get(LABELS, "text/tab-separated-values")
    assert t.media == "text/tab-separated-values" and t.text.splitlines()[0] == "?c\t?l"
    assert srv.sparql_get(LABELS).media == "application/sparql-results+json"  # the default
    assert srv.sparql_get(LABELS, format="csv").media == "text/csv"  # format parameter wins
    assert srv.sparql_get(LABELS, "application/json").media == "application/sparql-results+json"


def test_sparql_post_form_and_direct(srv):
    a = srv.sparql_post(LABELS, "text/csv")
    b = srv.sparql_post(LABELS, "text/csv", form=False)
    assert a.status == b.status == 200 and a.body == b.body
    r = http(srv.url + "/sparql", data=LABELS.encode(), headers={"Content-Type": "text/plain"}, method="POST")
    assert r.status == 415


def test_sparql_ask(srv):
    r = srv.sparql_get(f"ASK {{ <{NET}> ?p ?o }}")
    assert json.loads(r.body) == {"head": {}, "boolean": True}
    x = srv.sparql_get("ASK { <urn:x:no> ?p ?o }", "application/sparql-results+xml")
    assert b"<boolean>false</boolean>" in x.body


@pytest.mark.parametrize("accept, media, rdf_format", [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
])
def test_sparql_construct_and_describe(srv, accept, media, rdf_format):
    q = f"CONSTRUCT {{ ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{NET}> }} WHERE {{ ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{NET}> }}"
    r = srv.sparql_post(q, accept)
    assert r.status == 200 and r.media == media
    triples = [q.triple for q in ox.parse(r.body, format=rdf_format)]
    assert len(triples) == int(r.headers["x-nenkg-rows"]) > 5
    d = srv.sparql_get(f"DESCRIBE <{NET}>", accept)
    assert d.status == 200 and d.media == media and list(ox.parse(d.body, format=rdf_format))


def test_sparql_bad_requests(srv):
    r = srv.sparql_get("SELECT ?x WHERE { ?x ?y }", "text/plain")
    assert r.status == 400 and "syntax error" in r.text and "1:" in r.text
    assert srv.get("/sparql", "application/sparql-results+json").status == 400
    html = srv.get("/sparql", "text/html")
    assert html.status == 200 and "Queries" in html.text  # browsers are sent to the query page
    assert srv.sparql_get(LABELS, "image/png").status == 406
    assert srv.sparql_get(LABELS, **{"default-graph-uri": "urn:x"}).status == 400
    r = srv.sparql_get("SELECT ?x WHERE { ?x ?y }", "text/html")
    assert r.status == 400 and r.media == "text/html" and "Traceback" not in r.text


@pytest.mark.parametrize("how", ["form", "direct", "query", "get"])
def test_sparql_updates_refused(srv, how):
    update = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    if how == "form":
        r = http(srv.url + "/sparql", data=b"update=" + update.replace(" ", "+").encode(),
                 headers={"Content-Type": "application/x-www-form-urlencoded"}, method="POST")
    elif how == "direct":
        r = http(srv.url + "/sparql", data=update.encode(), headers={"Content-Type": "application/sparql-update"}, method="POST")
    elif how == "query":
        r = srv.sparql_post("PREFIX x: <urn:x:>\nDELETE WHERE { ?s ?p ?o }")
    else:
        r = srv.get("/sparql?update=DROP+ALL")
    assert r.status == 403 and "read-only" in r.text
    assert srv.sparql_get("ASK { <urn:x:a> ?p ?o }").body.count(b"false") == 1


def test_sparql_service_refused(srv):
    r = srv.sparql_post("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")
    assert r.status == 403 and "SERVICE" in r.text
    # the word in a string is not a SERVICE call
    assert srv.sparql_post('SELECT * WHERE { BIND("SERVICE" AS ?x) }').status == 200


def test_sparql_size_limit(srv):
    big = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 9000
    assert srv.sparql_post(big).status == 413
    assert srv.sparql_post(big, form=False).status == 413


def test_sparql_row_cap(srv):
    r = srv.sparql_get("SELECT * WHERE { ?s ?p ?o }", "text/csv")
    assert r.status == 200
    assert len(r.text.splitlines()) == 501 and r.headers["x-nenkg-truncated"].startswith("true")


def test_sparql_time_limit_stops_the_query(srv):
    started = time.monotonic()
    r = srv.sparql_post(SLOW, "text/plain")
    took = time.monotonic() - started
    assert r.status == 503 and "time limit" in r.text
    assert took < 6  # the 3 s limit of the fixture server, not the minutes the query would take
    # the killed process was replaced: both workers answer again at once
    for _ in range(4):
        assert srv.sparql_get(LABELS).status == 200


def test_cors(srv):
    r = srv.get("/sparql?query=ASK%7B%7D", headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    pre = http(srv.url + "/sparql", method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status == 200 and "POST" in pre.headers["access-control-allow-methods"]


def test_doctests_of_the_server_modules():
    import doctest

    from nenkg.server import sparql, terms

    for module in (sparql, terms):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_serve_a_persistent_store(built, tmp_path):
    """`nenkg load --store` then `nenkg serve --store`: each query process opens the store
    read-only for itself."""
    import subprocess
    import sys

    from serve_util import Server

    store = tmp_path / "db"
    subprocess.run([sys.executable, "-m", "nenkg.cli.main", "load", "--store", str(store), "--ontology",
                    str(built / "ontology")], check=True, capture_output=True)
    server = Server(None, "--store", str(store), "--workers", "1")
    try:
        assert json.loads(server.sparql_get(f"ASK {{ <{NET}> ?p ?o }}").body)["boolean"] is True
        assert server.get(RECTAL, "text/html").status == 200
    finally:
        server.stop()


def test_serve_refuses_bad_options(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "nenkg.cli.main", "serve", "--store", str(tmp_path / "none")],
                          check=False, capture_output=True, text=True)
    assert proc.returncode == 2 and "no store there" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "nenkg.cli.main", "serve", "--timeout", "0"], check=False,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "--timeout" in proc.stderr


# --- the browser's pages: home sections, thresholds, external terms, labels, parameters ---------

def test_home_leads_with_the_neoplasm_tree(srv):
    t = srv.get("/", "text/html").text
    tree = t[t.index('id="class-tree"'):t.index("</ul>\n", t.index('id="class-tree"'))]
    first = tree.index("<a href=")
    assert tree[first:].startswith('<a href="/NENKG_0000001">neuroendocrine neoplasm</a>')
    whole_tree = t[t.index('id="class-tree"'):t.index('class="home-section"')]
    assert "tumour record" not in whole_tree and "grading scheme" not in whole_tree
    assert "neuroendocrine neoplasm therapy" not in whole_tree
    for section, label in [("records", "tumour record count"), ("criteria", "grading scheme"),
                           ("treatments", "neuroendocrine neoplasm therapy"), ("tests", "neuroendocrine neoplasm laboratory test")]:
        start = t.index(f'id="section-{section}"')
        assert f">{label}</a>" in t[start:t.index("</section>", start)], section
    assert 'id="criterion-individuals"' in t and '<a href="/NENKG_0004102">GEP NET grade G2 by Ki-67 index</a>' in t


def test_graded_class_shows_its_thresholds_and_definition_in_words(srv):
    t = srv.get("/NENKG_0000131", "text/html").text  # pancreatic neuroendocrine tumour G2
    start = t.index('id="thresholds"')
    section = t[start:t.index("</section>", start)]
    assert ">GEP NET grade G2 by Ki-67 index</a>" in section and "3 ≤ value ≤ 20" in section
    assert ">GEP NET grade G2 by mitotic count</a>" in section and "2 ≤ value ≤ 20" in section
    assert "G1 by" not in section and "G3 by" not in section  # only the thresholds of its grade
    assert ('class="in-words">A pancreatic neuroendocrine tumour G2 is a <a href="/NENKG_0000005">neuroendocrine '
            'tumour G2</a> that has its primary site in <a href="/ext/UBERON:0001264">pancreas</a>') in t
    links = t[t.index('id="links"'):]
    assert "Treatments" in links and ">everolimus therapy</a>" in links  # inherited from pancreatic NET
    assert "Genes" in links and ">MEN1</a>" in links
    # the ungraded pancreatic NET shows the thresholds of every grade
    t = srv.get("/NENKG_0000111", "text/html").text
    assert "G1 by Ki-67 index" in t and "G3 by mitotic count" in t


def test_class_pages_list_the_staging_schemes(srv):
    def section(path):
        t = srv.get(path, "text/html").text
        if 'id="staging"' not in t:
            return None
        start = t.index('id="staging"')
        return t[start:t.index("</section>", start)]

    # pancreatic NET G2: the AJCC scheme classify applies, then the ENETS alternative with its option
    rows = section("/NENKG_0000131")
    assert rows.index(">AJCC 8th edition staging of neuroendocrine tumours of the pancreas</a>") < rows.index(">ENETS 2006")
    assert "applied by <code>nenkg classify</code>" in rows and "--staging-scheme NENKG:0006011" in rows
    assert rows.count("<tr>") == 3  # the header and two schemes
    # an ileal NET has its one scheme; a neuroendocrine carcinoma is not staged by the NET chapters
    assert "jejunum and ileum" in section("/NENKG_0000173") and "ENETS" not in section("/NENKG_0000173")
    assert section("/NENKG_0000003") is None


def test_term_page_has_the_neighbourhood_picture(srv):
    t = srv.get("/NENKG_0000131", "text/html").text
    start = t.index('id="neighbourhood-picture"')
    svg = t[start:t.index("</svg>", start)]
    assert "<svg" in svg and ">pancreas<" in svg and 'href="/NENKG_0000111"' in svg


def test_external_term_page(srv):
    r = srv.get("/ext/UBERON:0001264", "text/html")
    assert r.status == 200
    t = r.text
    assert '<h1 id="term-label">pancreas</h1>' in t and "UBERON:0001264" in t
    assert "NENKG classes that refer to it" in t and "<dt>disease has location (this)</dt>" in t
    assert '<a href="/NENKG_0000111">pancreatic neuroendocrine tumour</a>' in t
    assert "<dt>site scope</dt>" in t and ">GEP NET grade G2 by Ki-67 index</a>" in t  # criteria naming it
    # term pages link to it locally
    assert 'href="/ext/UBERON:0001264"' in srv.get(RECTAL.replace("201", "111"), "text/html").text
    assert srv.get("/ext/UBERON:0001264", "text/turtle").status == 200
    missing = srv.get("/ext/UBERON:9999999", "text/html")
    assert missing.status == 404 and '<a href="/search?q=UBERON%3A9999999">' in missing.text  # the search as a link
    assert srv.get("/ext/nonsense", "text/html").status == 404


def test_labels_of_result_iris(srv):
    body = json.dumps(["http://purl.obolibrary.org/obo/UBERON_0001264", NET, "javascript:alert(1)"]).encode()
    r = http(srv.url + "/labels", headers={"Content-Type": "application/json"}, data=body, method="POST")
    assert r.status == 200
    data = json.loads(r.body)
    assert data["http://purl.obolibrary.org/obo/UBERON_0001264"] == {
        "label": "pancreas", "curie": "UBERON:0001264", "href": "/ext/UBERON:0001264"}
    assert data[NET]["label"] == "neuroendocrine tumour" and data[NET]["href"] == "/NENKG_0000002"
    assert "javascript:alert(1)" not in data
    r = http(srv.url + "/labels", headers={"Content-Type": "application/json"}, data=b"{not json", method="POST")
    assert r.status == 400


def run_library(srv, **values):
    data = "&".join(f"{k}={v}" for k, v in values.items()).encode()
    return http(srv.url + "/queries/run", data=data, method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})


def test_library_query_with_parameters(srv):
    default = run_library(srv, name="tumours-by-site")
    assert default.status == 200
    default_rows = json.loads(default.body)["results"]["bindings"]
    by_curie = json.loads(run_library(srv, name="tumours-by-site", parent="NENKG:0000111").body)["results"]["bindings"]
    by_label = json.loads(run_library(srv, name="tumours-by-site", parent="pancreatic+neuroendocrine+tumour").body)["results"]["bindings"]
    assert by_curie == by_label and 0 < len(by_curie) < len(default_rows)
    assert {row["siteLabel"]["value"] for row in by_curie} == {"pancreas"}
    bound = srv.get("/queries/bind?name=tumours-by-site&parent=PanNET")  # an exact synonym
    assert bound.status == 200 and "VALUES (?parent) { (<https://w3id.org/nenkg/NENKG_0000111>) }" in bound.text
    bad = run_library(srv, name="tumours-by-site", parent="pancreatc")
    assert bad.status == 400 and "no term is labelled 'pancreatc'" in bad.text and "NENKG:0000111" in bad.text
    # a value cannot change the query: it becomes one IRI or is refused
    sneaky = run_library(srv, name="tumours-by-site", parent="%3Chttps://x%3E+%7D+%3Fs+%3Fp+%3Fo+%7B")
    assert sneaky.status == 400
    assert run_library(srv, name="no-such-query").status == 400
    page = srv.get("/queries", "text/html").text
    assert 'data-param="parent"' in page and 'value="NENKG:0000002"' in page
    assert '<span class="param-label">default: neuroendocrine tumour</span>' in page
