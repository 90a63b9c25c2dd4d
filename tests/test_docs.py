"""``nenkg docs``: the static documentation site of the release, built by the real command line
(a subprocess, the real graphviz-pure layout program) into temporary folders.

Checked here: a page for every NENKG class, property and criterion; every link and picture
reference resolves to a file of the site, and nothing a page needs (script, style sheet, image,
font) comes from the network; the pictures are SVG with the expected node labels; the term pages
carry the logical definition in words, the linked terms and the grading thresholds; the shapes,
QC and query pages list everything; two builds are byte-identical; the command refuses to
overwrite a folder that is not a docs build, with one line. A real headless Chromium (Debian's
``chromium``, driven by Playwright) opens a generated class page over ``file://``, checks that its
picture renders with its node labels and follows a link offline; skipped without Chromium unless
``NENKG_REQUIRE_BROWSER=1``, as in ``tests/test_serve_browser.py``.
"""

from __future__ import annotations

import html
import html.parser
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
from cli_util import ROOT, nenkg, one_error_line
from test_serve_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, MISSING, REQUIRED

from nenkg.docs.pictures import hierarchy_svg, labels_in, neighbourhood_svg
from nenkg.docs.site import MARKER, page_name

N = "https://w3id.org/nenkg/NENKG_"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL = "http://www.w3.org/2002/07/owl#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PNET = N + "0000111"  # pancreatic neuroendocrine tumour


@pytest.fixture(scope="module")
def release() -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(ROOT / "ontology" / "nenkg.nt"), format=ox.RdfFormat.N_TRIPLES)
    return store


def labels(store: ox.Store) -> dict[str, str]:
    return {q.subject.value: q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(LABEL), None, None)
            if isinstance(q.subject, ox.NamedNode)}


def typed(store: ox.Store, type_iri: str) -> set[str]:
    return {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(type_iri), None)
            if isinstance(q.subject, ox.NamedNode)}


def build(dest: Path) -> Path:
    proc = nenkg("docs", "-o", str(dest), timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert re.match(r"wrote \d+ pages and \d+ pictures \(\d+ files\) to .* in [\d.]+ s", proc.stdout), proc.stdout
    return dest


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("docs") / "site")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class _Refs(html.parser.HTMLParser):
    """Every reference of a page: (tag, attribute, value), and the ids it defines."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src", "xlink:href", "srcset", "data", "poster", "action") and value is not None:
                self.refs.append((tag, name, value))


def refs_of(path: Path) -> _Refs:
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# --- pages ------------------------------------------------------------------------------------------

def test_every_nenkg_class_property_and_criterion_has_a_page(site, release):
    names = labels(release)
    expected = set()
    for kind in ("Class", "ObjectProperty", "AnnotationProperty", "NamedIndividual"):
        expected |= {iri for iri in typed(release, OWL + kind) if iri.startswith(N) and iri in names}
    criteria = typed(release, N + "0004001")
    assert criteria and criteria <= expected  # the grading threshold criteria are among them
    assert len([i for i in expected if i in typed(release, OWL + "Class")]) > 300
    for iri in sorted(expected):
        page = site / "terms" / page_name(iri)
        assert page.is_file(), f"no page for {iri} ({names[iri]})"
        text = page.read_text(encoding="utf-8")
        label = names[iri].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace('"', "&#34;")
        assert f'<h1 id="term-label">{label}</h1>' in text, iri
    # each NENKG class page has its neighbourhood picture, inline and as a file
    for iri in sorted(typed(release, OWL + "Class")):
        if iri.startswith(N) and iri in names:
            name = page_name(iri)
            assert "<svg" in (site / "terms" / name).read_text(encoding="utf-8"), iri
            assert (site / "terms" / (name[:-5] + ".svg")).stat().st_size > 500, iri
    for page in ("index.html", "hierarchy.html", "hierarchy.svg", "shapes.html", "qc.html", "queries.html",
                 "static/docs.css", MARKER):
        assert (site / page).is_file(), page


def test_links_resolve_in_the_site_and_nothing_comes_from_the_network(site):
    pages = sorted(site.rglob("*.html")) + sorted(site.rglob("*.svg"))
    assert len(pages) > 1000
    local = external = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text, f"{page}: a script"
        assert not re.search(r"@import|url\(", text), f"{page}: a style that loads something"
        parsed = refs_of(page) if page.suffix == ".html" else _svg_refs(text)
        for tag, attr, value in parsed.refs:
            url = urlsplit(value)
            if url.scheme in ("http", "https"):
                # a link to the outside world is fine; anything the page itself loads is not
                assert tag == "a" and attr in ("href", "xlink:href"), f"{page}: <{tag} {attr}={value}> loads from the network"
                external += 1
                continue
            assert url.scheme == "" and not url.netloc, f"{page}: {value}"
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            assert target.is_file(), f"{page}: {value} does not resolve to a file of the site"
            assert str(target).startswith(str(site.resolve())), f"{page}: {value} leaves the site"
            if url.fragment and target.suffix == ".html":
                assert url.fragment in refs_of(target).ids, f"{page}: no #{url.fragment} in {target.name}"
            local += 1
    assert local > 10_000 and external > 0
    css = (site / "static" / "docs.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css and "http" not in css


def _svg_refs(text: str) -> _Refs:
    parser = _Refs()
    for attr, value in re.findall(r'\s(xlink:href|href|src)="([^"]*)"', text):
        parser.refs.append(("a", attr, value.replace("&amp;", "&")))
    return parser


def test_pancreatic_net_page(site):
    text = (site / "terms" / "NENKG_0000111.html").read_text(encoding="utf-8")
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))
    # definition with its sources, synonyms, mappings, parents and children as links
    assert "A pancreatic neuroendocrine neoplasm that is well differentiated" in plain
    assert re.search(r'<section id="definition">.*Sources: <a ', text, re.DOTALL)
    assert "PanNET" in plain and "MONDO:0019954" in plain
    assert '<a href="NENKG_0000110.html">pancreatic neuroendocrine neoplasm</a>' in text
    children = text.split('<ul id="children">')[1].split("</ul>")[0]
    assert '<a href="NENKG_0000112.html">functioning pancreatic neuroendocrine tumour</a>' in children
    # the logical definition in words
    assert ("A pancreatic neuroendocrine tumour is, by definition, any neuroendocrine tumour that is located in pancreas."
            in plain)
    # linked terms and the grading thresholds of the digestive system scheme
    assert re.search(r"<dt>Sites</dt><dd><a href=\"UBERON_0001264.html\">pancreas</a></dd>", text)
    assert re.search(r"<dt>Treatments</dt><dd>.*everolimus therapy", text)
    thresholds = text.split('id="thresholds"')[1].split("</section>")[0]
    assert thresholds.count("<tr>") == 1 + 6  # header and G1-G3 by Ki-67 index and by mitotic count
    assert "GEP NET grade G2 by Ki-67 index" in thresholds and "&gt;= 3 and &lt;= 20" in thresholds
    # the criterion's page says which classes it applies to
    criterion = (site / "terms" / "NENKG_0004102.html").read_text(encoding="utf-8")
    assert '<a href="NENKG_0000111.html">pancreatic neuroendocrine tumour</a>' in criterion.split('id="applies-to"')[1]
    # pancreatic NET G1 gets the G1 thresholds only
    g1 = (site / "terms" / "NENKG_0000130.html").read_text(encoding="utf-8").split('id="thresholds"')[1].split("</section>")[0]
    assert g1.count("<tr>") == 1 + 2 and "G2" not in g1 and "G1 by Ki-67 index" in g1
    # a lung NET gets the thoracic scheme, not the digestive one
    lung = (site / "terms" / page_name(N + "0000301")).read_text(encoding="utf-8")
    assert "GEP NET" not in lung


def test_staging_on_class_and_scheme_pages(site):
    def section(name, sid):
        text = (site / "terms" / name).read_text(encoding="utf-8")
        return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text.split(f'id="{sid}"')[1].split("</section>")[0])))

    # a pancreatic NET (and a class below it) is staged by the AJCC scheme that classify applies,
    # with the ENETS scheme as the alternative and the option that applies it
    for name in ("NENKG_0000111.html", "NENKG_0000130.html"):
        rows = section(name, "staging")
        assert rows.index("AJCC 8th edition staging of neuroendocrine tumours of the pancreas") < rows.index("ENETS 2006")
        assert "applied by nenkg classify" in rows and "--staging-scheme NENKG:0006011" in rows
    # a neuroendocrine carcinoma is not staged by the NET chapters; an ileal NET has one scheme
    assert 'id="staging"' not in (site / "terms" / "NENKG_0000003.html").read_text(encoding="utf-8")
    ileal = section(page_name(N + "0000173"), "staging")
    assert "jejunum and ileum" in ileal and "ENETS" not in ileal
    # a scheme page lists its criteria by axis, stage groups with their T, N and M in that order
    enets = section("NENKG_0006011.html", "staging-criteria")
    assert "T T1 size_mm < 20" in enets and "T T2 size_mm >= 20 and <= 40" in enets
    assert "stage group stage IIIA T4; N0; M0 ENETS pancreatic NET stage IIIA" in enets
    assert "M1a" not in enets  # ENETS has M0/M1 only
    ajcc = section("NENKG_0005505.html", "staging-criteria")
    assert "M M1a distant metastasis to the liver only" in ajcc and "stage IIIA" not in ajcc


def test_insulinoma_words_name_its_hormone_and_syndrome(site):
    text = (site / "terms" / "NENKG_0000114.html").read_text(encoding="utf-8")
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))
    assert ("An insulinoma is, by definition, any pancreatic neuroendocrine tumour that causes hyperinsulinaemic "
            "hypoglycaemia syndrome.") in plain
    assert "Every insulinoma produces insulin." in plain
    assert re.search(r"<dt>Hormones and amines</dt><dd><a href=\"CHEBI_\d+.html\">insulin</a>", text)


def test_pictures_have_the_expected_nodes(site):
    pnet = (site / "terms" / "NENKG_0000111.svg").read_text(encoding="utf-8")
    assert pnet.startswith("<?xml") and "<svg" in pnet
    nodes = labels_in(pnet)
    for expected in ("pancreatic neuroendocrine tumour", "pancreas", "pancreatic neuroendocrine neoplasm",
                     "digestive system neuroendocrine tumour", "multiple endocrine neoplasia type 1",
                     "pancreatic neuroendocrine tumour G1"):
        assert expected in nodes, (expected, nodes)
    insulinoma = labels_in((site / "terms" / "NENKG_0000114.svg").read_text(encoding="utf-8"))
    assert {"insulin", "hyperinsulinaemic hypoglycaemia syndrome", "type B pancreatic cell"} <= set(insulinoma)
    men1 = labels_in((site / "terms" / "NENKG_0000701.svg").read_text(encoding="utf-8"))
    assert "MEN1" in men1  # the gene
    # node links go to the pages of the site
    assert 'href="UBERON_0001264.html"' in pnet and 'href="NENKG_0000110.html"' in pnet


def test_hierarchy_picture_holds_every_neoplasm_class(site, release):
    names = labels(release)
    sub = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
    below = {N + "0000001"}
    todo = [N + "0000001"]
    while todo:
        parent = todo.pop()
        for q in release.quads_for_pattern(None, ox.NamedNode(sub), ox.NamedNode(parent), None):
            child = q.subject
            if isinstance(child, ox.NamedNode) and child.value.startswith(N) and child.value not in below:
                below.add(child.value)
                todo.append(child.value)
    svg = (site / "hierarchy.svg").read_text(encoding="utf-8")
    shown = set(labels_in(svg))
    assert {names[c] for c in below} == shown
    assert len(shown) > 150
    assert (site / "hierarchy.html").read_text(encoding="utf-8").count("<svg") == 1


def test_picture_functions_take_a_store(release):
    """The functions `nenkg serve` can reuse: a store (or index) and a class IRI give SVG text."""
    svg = neighbourhood_svg(release, PNET, href=lambda iri: "/" + iri.rsplit("/", 1)[-1])
    assert svg.startswith("<svg") and "pancreas" in labels_in(svg)
    assert 'href="/UBERON_0001264"' in svg
    assert neighbourhood_svg(release, PNET) == neighbourhood_svg(release, PNET)
    assert "href=" not in neighbourhood_svg(release, PNET)  # no href function: no links
    tree = hierarchy_svg(release, N + "0000110")
    assert "pancreatic neuroendocrine tumour" in labels_in(tree)


def test_shapes_qc_and_query_pages(site):
    shapes = (site / "shapes.html").read_text(encoding="utf-8")
    for path in sorted((ROOT / "shapes").rglob("*.ttl")):
        assert f"<code>{path.relative_to(ROOT).as_posix()}</code>" in shapes
        for name in re.findall(r"^(?:\w*):(\w+Shape)\b[^\n]*\n?\s*a sh:NodeShape", path.read_text(encoding="utf-8"), re.MULTILINE):
            assert f'id="shape-{name}"' in shapes, name
    assert shapes.count("<h3 id=\"shape-") >= 3
    qc = (site / "qc.html").read_text(encoding="utf-8")
    checks = sorted((ROOT / "queries" / "qc").glob("*.rq"))
    assert checks
    for path in checks:
        assert f'<tr id="{path.stem}">' in qc, path.stem
    # the README's description of a check is shown
    assert "Two subjects have the same rdfs:label" in qc
    queries = (site / "queries.html").read_text(encoding="utf-8")
    library = sorted(p for p in (ROOT / "queries").glob("*/*.rq") if p.parent.name != "qc")
    assert len(re.findall(r'<section id="[^"]+" class="query">', queries)) == len(library)
    organ = queries.split('<section id="nens-in-organ" class="query">')[1].split("</section>")[0]
    assert "SELECT" in organ and '<table class="results">' in organ
    assert re.search(r"<td><a href=\"terms/NENKG_\d+\.html\">[^<]*pancrea", organ)
    # the record queries run on the example records, classified and loaded
    counts = queries.split('<section id="record-counts-by-site" class="query">')[1].split("</section>")[0]
    assert "examples/records.csv" in queries and re.search(r"<p>[1-9]\d* results?", counts), counts[-600:]


def test_two_builds_are_byte_identical_and_a_rebuild_replaces_the_site(site, tmp_path):
    again = build(tmp_path / "again")
    first, second = files_of(site), files_of(again)
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []
    # a rebuild into a previous build replaces it whole (a stray file goes away)
    (again / "stray.html").write_text("old", encoding="utf-8")
    build(again)
    assert not (again / "stray.html").exists()
    assert files_of(again) == first
    assert [p.name for p in tmp_path.iterdir()] == ["again"]  # no temporary folder left beside it


def test_refuses_a_folder_that_is_not_a_docs_build(tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    proc = nenkg("docs", "-o", str(foreign))
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert line.startswith("nenkg: error: ") and "not empty and is not a previous `nenkg docs` build" in line
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    proc = nenkg("docs", "-o", str(afile))
    assert proc.returncode == 2 and "is not a folder" in one_error_line(proc)
    proc = nenkg("docs", "-o", str(tmp_path / "no" / "such"))
    assert proc.returncode == 2 and "does not exist" in one_error_line(proc)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "mine"]
    # an empty folder is fine
    empty = tmp_path / "empty"
    empty.mkdir()
    build(empty)
    assert (empty / "index.html").is_file()


def test_help_has_description_examples_and_exit_codes():
    proc = nenkg("docs", "--help")
    assert proc.returncode == 0
    for part in ("fetch nothing", "examples:", "nenkg docs -o", "exit codes:", "2  nothing written"):
        assert part in proc.stdout, part


# --- the real browser -------------------------------------------------------------------------------

browser = pytest.mark.skipif(CHROMIUM is None and not REQUIRED, reason=MISSING)


@browser
def test_browser_renders_the_picture_and_follows_links_offline(site, tmp_path):
    if CHROMIUM is None:
        pytest.fail(f"NENKG_REQUIRE_BROWSER=1 but {MISSING.split(' (')[0]}: install Debian's package with "
                    "`apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    requests: list[str] = []
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900}, offline=True)
        try:
            page = context.new_page()
            page.set_default_timeout(20_000)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("request", lambda req: requests.append(req.url))
            page.on("requestfailed", lambda req: errors.append(f"failed: {req.url}"))
            page.goto((site / "terms" / "NENKG_0000111.html").as_uri())
            assert page.locator("#term-label").inner_text() == "pancreatic neuroendocrine tumour"
            svg = page.locator("#neighbourhood svg")
            box = svg.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 100, box
            texts = page.locator("#neighbourhood svg text").all_text_contents()
            assert "pancreas" in texts, texts
            # each node's label is drawn inside the picture, not collapsed
            pancreas = page.locator("#neighbourhood svg g.node", has_text="pancreas").first
            node_box = pancreas.bounding_box()
            assert node_box and node_box["width"] > 10 and node_box["height"] > 10
            assert box["x"] <= node_box["x"] <= box["x"] + box["width"]
            # the style sheet was applied (loaded from the site, not the network)
            assert page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor") == "rgb(23, 50, 77)"
            page.screenshot(path=str(ARTIFACTS / "docs-01-pnet.png"), full_page=True)
            # follow the parent link of the page, then a node of the picture
            page.locator("#parents a", has_text="pancreatic neuroendocrine neoplasm").click()
            page.wait_for_url("**/terms/NENKG_0000110.html")
            assert page.locator("#term-label").inner_text() == "pancreatic neuroendocrine neoplasm"
            page.locator("#neighbourhood svg g.node a", has_text="pancreas").first.click()
            page.wait_for_url("**/terms/UBERON_0001264.html")
            assert page.locator("#term-label").inner_text() == "pancreas"
            page.locator("header a", has_text="Neoplasm hierarchy").click()
            page.wait_for_url("**/hierarchy.html")
            tree = page.locator("#hierarchy-picture svg").bounding_box()
            assert tree and tree["width"] > 500
            page.screenshot(path=str(ARTIFACTS / "docs-02-hierarchy.png"))
        finally:
            context.close()
    assert errors == []
    assert requests and all(url.startswith("file://") for url in requests), [u for u in requests if not u.startswith("file:")]
