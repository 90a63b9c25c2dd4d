"""The static documentation site of a release (``nenkg docs``).

:func:`build_site` reads the release (``ontology/nenkg.nt`` into an embedded store), the query
library, the QC queries and the SHACL shapes of a project root, and writes plain HTML and SVG
that need no server, no network and no script: ``index.html``, ``hierarchy.html`` (+ ``.svg``),
``terms/<PREFIX>_<ID>.html`` for every labelled class, property and individual with a CURIE (the
external terms the graph uses too, so every link between terms stays in the site), each class
page with its neighbourhood picture (inline, and as ``terms/<PREFIX>_<ID>.svg``), ``shapes.html``,
``qc.html`` and ``queries.html`` (each library query run on the embedded store, with a sample of
its results). ``static/docs.css`` is the only style sheet.

Everything is written from sorted data with no clock or path in it, so the same release gives a
byte-identical site. The pages of a term are gathered by the same
:class:`nenkg.server.terms.TermIndex` that ``nenkg serve`` uses.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2
import pyoxigraph as ox

from .. import namespaces as ns
from ..errors import NenkgError
from ..server.terms import OWL, RDF, RDFS, Link, TermIndex, nn, short_name
from . import pictures

#: Marks a folder as a docs build (``nenkg docs`` only overwrites folders holding it).
MARKER = ".nenkg-docs"
NEN_ROOT = ns.BASE + "NENKG_0000001"
SAMPLE_ROWS = 10

KINDS = (  # (rdf:type, section title, kind word)
    (OWL + "Class", "Classes", "class"),
    (OWL + "ObjectProperty", "Object properties", "object property"),
    (OWL + "DatatypeProperty", "Data properties", "data property"),
    (OWL + "AnnotationProperty", "Annotation properties", "annotation property"),
    (OWL + "NamedIndividual", "Individuals", "individual"),
)
#: How a restriction on a property reads in a sentence ("every insulinoma produces insulin");
#: other properties read by their label.
VERBS = {
    ns.OBO + "RO_0004026": "is located in",
    ns.OBO + "BFO_0000050": "is part of",
    ns.OBO + "RO_0002573": "has the modifier",
    ns.OBO + "RO_0004003": "has its material basis in a germline mutation in",
    ns.OBO + "RO_0003303": "causes",
}
#: Relations listed on a class page under "Linked terms", in this order (property IRI, heading).
LINK_GROUPS = (
    (ns.OBO + "RO_0004026", "Sites"),
    (ns.OBO + "RO_0003000", "Hormones and amines"),
    (ns.OBO + "RO_0003303", "Syndromes"),
    (ns.BASE + "NENKG_0003015", "Syndromes"),
    (ns.BASE + "NENKG_0003014", "Hormones and amines"),
    (ns.OBO + "RO_0004003", "Genes"),
    (ns.BASE + "NENKG_0003001", "Predisposes to"),
    (ns.BASE + "NENKG_0003004", "Tests"),
    (ns.BASE + "NENKG_0003005", "Tests"),
    (ns.BASE + "NENKG_0003006", "Tests"),
    (ns.BASE + "NENKG_0003007", "Tests"),
    (ns.BASE + "NENKG_0003008", "Tests"),
    (ns.BASE + "NENKG_0003003", "Treatments"),
)


def page_name(iri: str) -> str | None:
    """The file name of a term's page, ``NENKG_0000001.html``; None for an IRI without a CURIE."""
    curie = ns.contract(iri)
    if not curie or not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*:[A-Za-z0-9_.-]+", curie):
        return None
    return curie.replace(":", "_") + ".html"


class DocsIndex(TermIndex):
    """A TermIndex whose links point at the pages of the site (relative to ``terms/``)."""

    def __init__(self, store: ox.Store):
        super().__init__(store)
        self.pages: dict[str, str] = {}  # IRI -> file name, filled by build_site

    def link(self, iri: str) -> Link:
        link = super().link(iri)
        name = self.pages.get(iri)
        if name:
            link.href, link.local = name, True
        elif link.local:  # a NENKG IRI with no page here (a source, the ontology): its address
            link.href, link.local = iri, False
        return link


@dataclass
class Threshold:
    criterion: Link
    scheme: Link | None
    variable: Link
    bounds: str
    required: list[Link]
    assigns: Link | None
    edition: str


@dataclass
class StagingRow:
    """A staging scheme that applies to a class (on a class page), or one criterion of a scheme
    (on a scheme page)."""

    scheme: Link
    edition: str = ""
    applied: bool = True
    axis: str = ""
    category: Link | None = None
    condition: str = ""
    criterion: Link | None = None


@dataclass
class Entry:
    """One term of the site: its page and what it adds to a plain term page."""

    iri: str
    kind: str
    name: str
    words: list[list] = field(default_factory=list)
    links: list[tuple[str, list[Link]]] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)
    applies_to: list[Link] = field(default_factory=list)
    #: on a class page: the TNM schemes that stage it; on a scheme page: its criteria
    staging: list[StagingRow] = field(default_factory=list)
    svg: str | None = None


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("nenkg.docs", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    return env


# --- the logical definition in words -------------------------------------------------------------

class Words:
    """OWL class expressions of a class as sentences (pieces: text and links)."""

    def __init__(self, index: DocsIndex):
        self.ix = index

    def _verb(self, prop: str) -> list:
        link = self.ix.link(prop)
        verb = VERBS.get(prop)
        if verb:
            link = Link(link.iri, verb, link.href, link.local, link.curie)
        return [link]

    def thing(self, node, depth: int = 0) -> list:
        """A noun phrase for a class expression."""
        ix = self.ix
        if isinstance(node, ox.NamedNode):
            return [ix.link(node.value)]
        if not isinstance(node, ox.BlankNode) or depth > 8:
            return [str(getattr(node, "value", "…"))]
        union = ix._objects(node, OWL + "unionOf")
        if union:
            members = ix._list(union[0])
            out: list = ["either " if len(members) == 2 else "one of "]
            for i, m in enumerate(members):
                if i:
                    out.append(" or " if i == len(members) - 1 else ", ")
                out += self.thing(m, depth + 1)
            return out
        inter = ix._objects(node, OWL + "intersectionOf")
        if inter:
            named, rest = self._split(ix._list(inter[0]))
            out = ["something"] if not named else []
            for i, m in enumerate(named):
                if i:
                    out.append(" and ")
                out += [ix.link(m.value)]
            return out + self._that(rest, depth)
        comp = ix._objects(node, OWL + "complementOf")
        if comp:
            return ["something that is not "] + self.thing(comp[0], depth + 1)
        return ["something that "] + self.predicate(node, depth + 1)

    def predicate(self, node, depth: int = 0) -> list:
        """A verb phrase for a restriction ("is located in the pancreas")."""
        ix = self.ix
        on = ix._objects(node, OWL + "onProperty")
        if not on or not isinstance(on[0], ox.NamedNode):
            return ["is "] + self.thing(node, depth + 1)
        verb = self._verb(on[0].value)
        for prop, word in (("someValuesFrom", " "), ("allValuesFrom", " only "), ("hasValue", " ")):
            filler = ix._objects(node, OWL + prop)
            if filler:
                return verb + [word] + self.thing(filler[0], depth + 1)
        return verb + [" (a restriction)"]

    def _split(self, members):
        named = [m for m in members if isinstance(m, ox.NamedNode)]
        return named, [m for m in members if not isinstance(m, ox.NamedNode)]

    def _that(self, rest, depth: int) -> list:
        out: list = []
        for i, m in enumerate(rest):
            out.append(" that " if i == 0 else (" and that " if i == len(rest) - 1 else ", that "))
            out += self.predicate(m, depth + 1)
        return out

    def sentences(self, iri: str) -> list[list]:
        ix = self.ix
        term = nn(iri)
        me = ix.link(iri)
        me = Link(me.iri, me.label, "", True, me.curie)
        out = []
        definitions, axioms = [], []
        for eq in ix._objects(term, OWL + "equivalentClass"):
            inter = ix._objects(eq, OWL + "intersectionOf") if isinstance(eq, ox.BlankNode) else []
            if inter:
                named, rest = self._split(ix._list(inter[0]))
                genus: list = []
                for i, m in enumerate(named):
                    genus += ([" and "] if i else []) + [ix.link(m.value)]
                definitions.append([_article(me.label), me, " is, by definition, any "] + (genus or ["thing"]) + self._that(rest, 0) + ["."])
            else:
                definitions.append([_article(me.label), me, " is, by definition, exactly "] + self.thing(eq) + ["."])
        # restrictions on one property with named fillers make one sentence ("each of A, B and C")
        grouped: dict[str, list] = defaultdict(list)
        for sup in ix._objects(term, RDFS + "subClassOf"):
            if not isinstance(sup, ox.BlankNode):
                continue
            on = ix._objects(sup, OWL + "onProperty")
            some = ix._objects(sup, OWL + "someValuesFrom")
            if on and some and isinstance(on[0], ox.NamedNode) and isinstance(some[0], ox.NamedNode):
                grouped[on[0].value].append(ix.link(some[0].value))
            elif on:
                axioms.append(["Every ", me, " "] + self.predicate(sup) + ["."])
            else:
                axioms.append(["Every ", me, " is "] + self.thing(sup) + ["."])
        for prop, fillers in grouped.items():
            fillers = sorted(fillers, key=lambda link: (link.label.casefold(), link.iri))
            listed: list = [] if len(fillers) == 1 else ["each of "]
            for i, f in enumerate(fillers):
                if i:
                    listed.append(" and " if i == len(fillers) - 1 else ", ")
                listed.append(f)
            axioms.append(["Every ", me, " "] + self._verb(prop) + [" "] + listed + ["."])
        for dis in ix._objects(term, OWL + "disjointWith"):
            axioms.append(["No ", me, " is "] + self.thing(dis) + ["."])
        key = lambda sentence: "".join(p if isinstance(p, str) else p.label for p in sentence)
        out = sorted(definitions, key=key) + sorted(axioms, key=key)
        return out


def _article(label: str) -> str:
    """'An ' before a vowel (an insulinoma), else 'A '."""
    return "An " if label[:1].lower() in "aeiou" else "A "


# --- grading thresholds -----------------------------------------------------------------------------

class Thresholds:
    """The grading threshold criteria that apply to a class: those whose site scope holds a site
    the class (or a class above it) is defined by, and whose differentiation scope (if any) the
    class carries, as ``nenkg classify`` applies them; for a class defined by a grade, only the
    criteria that give that grade."""

    def __init__(self, ontology: Path, index: DocsIndex):
        from rdflib import URIRef

        from ..grading import GRADING, RO_LOCATION, RO_MODIFIER, load_knowledge

        self.URIRef, self.location, self.modifier = URIRef, RO_LOCATION, RO_MODIFIER
        self.k = load_knowledge(ontology / "nenkg.owl")
        self.grading = [c for c in self.k.criteria if c.kind == GRADING and c.sites]
        self.ix = index

    def _named(self, expr) -> set:
        if expr[0] == "class":
            return {expr[1]}
        if expr[0] == "or":
            return set().union(*(self._named(e) for e in expr[1]))
        return set()

    def facts(self, cls) -> tuple[set, set]:
        sites, modifiers = set(), set()

        def walk(expr):
            if expr[0] == "some":
                if expr[1] == self.location:
                    sites.update(self._named(expr[2]))
                elif expr[1] == self.modifier:
                    modifiers.update(self._named(expr[2]))
            elif expr[0] == "and":
                for e in expr[1]:
                    walk(e)

        for a in self.k.ancestors(cls):
            d = self.k.definitions.get(a)
            if d is not None:
                walk(d)
        return sites, modifiers

    def of(self, iri: str) -> list[Threshold]:
        cls = self.URIRef(iri)
        sites, modifiers = self.facts(cls)
        if not sites:
            return []
        closures = [self.k.ancestors(s) for s in sites]
        # a graded class (pancreatic NET G1) gets the thresholds of its own grade only
        grades = {m for m in modifiers if m in self.k.rank}
        out = []
        for c in self.grading:
            if not any(c.sites & cl for cl in closures):
                continue
            if c.differentiation is not None and c.differentiation not in modifiers:
                continue
            if grades and c.assigns not in grades:
                continue
            link = self.ix.link
            out.append(Threshold(
                criterion=link(str(c.iri)), scheme=link(str(c.scheme)) if c.scheme else None,
                variable=link(str(c.variable)), bounds=c.describe(),
                required=sorted((link(str(v)) for v in c.required), key=lambda x: x.label),
                assigns=link(str(c.assigns)) if c.assigns else None, edition=c.edition))
        rank = self.k.rank
        out.sort(key=lambda t: (t.scheme.label if t.scheme else "", t.variable.label,
                                rank.get(self.URIRef(t.assigns.iri), 99) if t.assigns else 99, t.criterion.label))
        return out


# --- TNM staging -------------------------------------------------------------------------------------

AXIS_NAMES = {"T": "T", "N": "N", "M": "M", "stage": "stage group"}


def staging_of_class(thresholds: Thresholds, iri: str) -> list[StagingRow]:
    """The TNM schemes that stage a class: those scoped to one of its sites that apply to it (or
    to a class above it), the one ``nenkg classify`` applies first, then alternatives (ENETS)."""
    k, ix = thresholds.k, thresholds.ix
    cls = thresholds.URIRef(iri)
    sites, _ = thresholds.facts(cls)
    closure = set().union(*(k.ancestors(s) for s in sites)) if sites else set()
    above = k.ancestors(cls) | {cls}
    applied = {s.iri for s in k.staging.schemes}
    rows = [StagingRow(scheme=ix.link(str(s.iri)), edition=s.edition, applied=s.iri in applied)
            for s in k.staging.all_schemes.values()
            if s.sites & closure and (not s.applies_to or s.applies_to & above)]
    return sorted(rows, key=lambda r: (not r.applied, r.edition, r.scheme.iri))


def staging_of_scheme(thresholds: Thresholds, iri: str) -> list[StagingRow]:
    """The criteria of a TNM scheme, by axis (T, N, M, stage group) and category rank: what each
    requires, in words (a size bound, values of a record field, or categories)."""
    k, ix = thresholds.k, thresholds.ix
    scheme = k.staging.all_schemes.get(thresholds.URIRef(iri))
    if scheme is None:
        return []
    order = {axis: n for n, axis in enumerate(AXIS_NAMES)}
    rows = []
    for c in sorted((c for c in k.staging.criteria if scheme.iri in c.schemes),
                    key=lambda c: (order[c.axis], k.staging.rank.get(c.assigns, 0), str(c.iri))):
        parts = [f"{c.column} {c.bounds_text()}"] if c.column else []
        tnm = {"T": 0, "N": 1, "M": 2}  # a stage group's categories in the order T, N, M
        parts += [" or ".join(sorted(ix.label(str(v)) for v in values))
                  for _, values in sorted(c.required, key=lambda kv: (tnm.get(kv[0], 3), kv[0]))]
        if c.sites:
            parts.append("at " + " or ".join(sorted(ix.label(str(v)) for v in c.sites)))
        rows.append(StagingRow(scheme=ix.link(iri), axis=AXIS_NAMES[c.axis], category=ix.link(str(c.assigns)),
                               condition="; ".join(parts) or "any", criterion=ix.link(str(c.iri))))
    return rows


# --- shapes, QC checks, query catalogue ------------------------------------------------------------

def _shapes(root: Path, index: DocsIndex) -> list[dict]:
    import rdflib
    from rdflib.namespace import SH

    files = []
    for path in sorted((root / "shapes").rglob("*.ttl")):
        g = rdflib.Graph()
        g.parse(path, format="turtle")
        shapes = []
        for shape in sorted(set(g.subjects(rdflib.RDF.type, SH.NodeShape)), key=str):
            def text(s, p, g=g):
                return " ".join(sorted(str(o) for o in g.objects(s, p)))
            props = []
            for ps in sorted(g.objects(shape, SH.property), key=lambda p: str(g.value(p, SH.path))):
                path_node = g.value(ps, SH.path)
                constraints = []
                for p, o in sorted(g.predicate_objects(ps), key=lambda po: (str(po[0]), str(po[1]))):
                    if p in (SH.path, SH.message, SH.name, SH.description, rdflib.RDF.type) or isinstance(o, rdflib.BNode):
                        continue
                    name = str(p).removeprefix(str(SH))
                    if isinstance(o, rdflib.URIRef):  # a term of the site as a link, sh:IRI or xsd:date as text
                        constraints.append((name, index.link(str(o)) if str(o) in index.pages else short_name(str(o))))
                    else:
                        constraints.append((name, str(o)))
                props.append({"path": index.link(str(path_node)) if isinstance(path_node, rdflib.URIRef) else "(path)",
                              "constraints": constraints,
                              "message": text(ps, SH.message) or text(ps, SH.description) or text(ps, SH.name)})
            targets = [index.link(str(t)) for t in sorted(g.objects(shape, SH.targetClass), key=str)]
            name = str(shape).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            shapes.append({"name": name, "iri": str(shape), "targets": targets,
                           "comment": text(shape, rdflib.RDFS.comment) or text(shape, SH.message),
                           "properties": props})
        files.append({"path": path.relative_to(root).as_posix(), "shapes": shapes,
                      "text": path.read_text(encoding="utf-8")})
    return files


def _qc(root: Path) -> list[dict]:
    folder = root / "queries" / "qc"
    table: dict[str, str] = {}
    readme = folder / "README.md"
    if readme.is_file():
        for line in readme.read_text(encoding="utf-8").splitlines():
            m = re.match(r"\|\s*`([^`]+)`\s*\|\s*(\w+)\s*\|\s*(.*?)\s*\|\s*$", line)
            if m:
                table[m.group(1)] = m.group(3)
    checks = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = dict(re.findall(r"^#\s*(\w+):\s*(.*)$", text, flags=re.MULTILINE))
        checks.append({"name": path.stem, "level": header.get("level", path.stem.split("-", 1)[0]).upper(),
                       "title": header.get("title", ""), "what": table.get(path.stem) or header.get("problem", ""),
                       "fix": header.get("fix", ""), "principle": header.get("principle", ""), "text": text})
    intro = ""
    if readme.is_file():
        paragraphs = readme.read_text(encoding="utf-8").split("\n\n")
        intro = "\n\n".join(p for p in paragraphs[1:3] if not p.startswith("|"))
    return [{"intro": intro, "checks": checks}]


#: Records classified into the store the query catalogue runs on (when the root has them, as a
#: checkout does), so the record queries show results too.
EXAMPLE_RECORDS = Path("examples") / "records.csv"


def _queries(root: Path, index: DocsIndex) -> tuple[list[dict], str | None]:
    from ..cli.query import memory_store
    from ..library import Library
    from ..store import term_text

    records = root / EXAMPLE_RECORDS
    with_records = records.is_file()
    with contextlib.redirect_stderr(io.StringIO()):  # the example's deliberately rejected record
        store = memory_store(root / "ontology", [records] if with_records else [])
    lib = Library.load(root)
    out = []
    for name in lib.names():
        q = lib.get(name)
        item = {"name": name, "group": q.group, "title": q.title, "question": q.question, "returns": q.returns,
                "params": q.params, "sources": q.sources, "text": q.text, "file": q.path.relative_to(root).as_posix(),
                "error": None, "variables": [], "rows": [], "total": 0}
        if any(p.required for p in q.params):
            item["error"] = "not run here: it needs a parameter with no default"
        else:
            try:
                res = lib.run(store, name, timeout=30)
            except NenkgError as exc:  # a time limit, a store error: shown on the page; the build goes on
                item["error"] = f"not run: {str(exc).splitlines()[0]}"
            else:
                if res.kind == "select":
                    item["variables"] = res.variables
                    item["total"] = len(res.rows)
                    for row in res.rows[:SAMPLE_ROWS]:
                        cells = []
                        for t in row:
                            if isinstance(t, ox.NamedNode):
                                cells.append(index.link(t.value))
                            else:
                                cells.append(term_text(t) or "")
                        item["rows"].append(cells)
                elif res.kind == "ask":
                    item["total"], item["rows"], item["variables"] = 1, [[str(res.boolean).lower()]], ["answer"]
                else:
                    item["total"] = len(res.triples)
                    item["variables"] = ["subject", "predicate", "object"]
                    item["rows"] = [[term_text(t.subject), term_text(t.predicate), term_text(t.object)]
                                    for t in sorted(res.triples, key=str)[:SAMPLE_ROWS]]
        out.append(item)
    return out, (EXAMPLE_RECORDS.as_posix() if with_records else None)


# --- the build -------------------------------------------------------------------------------------

@dataclass
class BuildResult:
    pages: int
    pictures: int
    files: int


def build_site(root: Path, out: Path) -> BuildResult:
    """Write the site of the release of ``root`` (a folder laid out like the repository) into the
    folder ``out`` (which must exist and be empty)."""
    from ..store import EmbeddedStore

    root = Path(root)
    store = EmbeddedStore()
    store.load_release(root / "ontology")
    ix = DocsIndex(store.ox)

    entries: dict[str, Entry] = {}
    for type_iri, _, kind in KINDS:
        for q in store.ox.quads_for_pattern(None, nn(RDF + "type"), nn(type_iri), None):
            iri = q.subject.value if isinstance(q.subject, ox.NamedNode) else None
            if not iri or iri in entries or iri not in ix.labels:
                continue
            name = page_name(iri)
            if name:
                entries[iri] = Entry(iri, kind, name)
    ix.pages = {iri: e.name for iri, e in entries.items()}

    words = Words(ix)
    thresholds = Thresholds(root / "ontology", ix)
    classes = sorted((e for e in entries.values() if e.kind == "class"), key=lambda e: e.iri)
    sources = []
    for e in classes:
        e.words = words.sentences(e.iri)
        e.thresholds = thresholds.of(e.iri)
        e.staging = staging_of_class(thresholds, e.iri)
        for t in e.thresholds:
            entries[t.criterion.iri].applies_to.append(ix.link(e.iri)) if t.criterion.iri in entries else None
        sources.append(pictures.neighbourhood_dot(ix, e.iri, href=ix.pages.get))
    hierarchy = pictures.hierarchy_dot(ix, NEN_ROOT, href=lambda i: ("terms/" + ix.pages[i]) if i in ix.pages else None)
    svgs = pictures.render_many(sources + [hierarchy])
    for e, svg in zip(classes, svgs):
        e.svg = svg
    hierarchy_svg = svgs[-1]
    for e in entries.values():
        e.applies_to.sort(key=lambda link: link.label.casefold())
        if e.kind != "class":
            e.staging = staging_of_scheme(thresholds, e.iri)

    env = _env()
    files: dict[str, str] = {}
    common = {"title": "NENKG", "version": _version(store)}
    terms = out / "terms"
    terms.mkdir()
    for iri, e in sorted(entries.items()):
        page = ix.describe(iri)
        related = _link_groups(ix, iri, page) if e.kind == "class" else []
        files["terms/" + e.name] = env.get_template("term.html").render(
            up="../", page=page, entry=e, related=related, kinds=pictures.KINDS, colours=pictures.COLOURS, **common)
        if e.svg:
            files["terms/" + e.name.removesuffix(".html") + ".svg"] = pictures.standalone(e.svg)
    groups = []
    for type_iri, title, kind in KINDS:
        members = sorted((e for e in entries.values() if e.kind == kind), key=lambda e: (ix.label(e.iri).casefold(), e.iri))
        own = [ix.link(e.iri) for e in members if e.iri.startswith(ns.BASE)]
        external = [ix.link(e.iri) for e in members if not e.iri.startswith(ns.BASE)]
        groups.append({"title": title, "kind": kind, "own": own, "external": external})
    files["index.html"] = env.get_template("index.html").render(
        up="", groups=groups, roots=sorted(ix.roots(), key=lambda r: r != NEN_ROOT), tree_children=ix.tree_children, link=ix.link, **common)
    files["hierarchy.html"] = env.get_template("hierarchy.html").render(up="", svg=hierarchy_svg, root=ix.link(NEN_ROOT), **common)
    files["hierarchy.svg"] = pictures.standalone(hierarchy_svg)
    files["shapes.html"] = env.get_template("shapes.html").render(up="", files=_shapes(root, ix), **common)
    files["qc.html"] = env.get_template("qc.html").render(up="", qc=_qc(root)[0], **common)
    queries, records = _queries(root, ix)
    files["queries.html"] = env.get_template("queries.html").render(up="", queries=queries, records=records,
                                                                     sample=SAMPLE_ROWS, **common)
    files["static/docs.css"] = resources.files("nenkg.docs").joinpath("static/docs.css").read_text(encoding="utf-8")
    files[MARKER] = "A documentation site written by `nenkg docs`; `nenkg docs -o` may replace this folder.\n"
    for rel, text in sorted(files.items()):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return BuildResult(pages=sum(1 for f in files if f.endswith(".html")), pictures=sum(1 for f in files if f.endswith(".svg")),
                       files=len(files))


def _link_groups(ix: DocsIndex, iri: str, page) -> list[tuple[str, list[Link]]]:
    """The hormones, syndromes, genes, tests and treatments a class links to (its own axioms and
    those of the classes above it, as the graph's restrictions say), by heading."""
    label_to_prop = {ix.label(p): p for p, _ in LINK_GROUPS}
    heading = dict(LINK_GROUPS)
    own: dict[str, set[str]] = defaultdict(set)
    for title, links in page.related:
        prop = label_to_prop.get(title)
        for link in links:
            own[heading.get(prop, title)].add(link.iri)
    order = list(dict.fromkeys(h for _, h in LINK_GROUPS))
    titles = sorted(own, key=lambda h: (order.index(h) if h in order else len(order), h))
    return [(h, sorted((ix.link(i) for i in own[h]), key=lambda link: (link.label.casefold(), link.iri))) for h in titles]


def _version(store) -> str:
    res = store.query("PREFIX owl: <http://www.w3.org/2002/07/owl#> "
                      "SELECT ?v WHERE { ?o a owl:Ontology . OPTIONAL { ?o owl:versionIRI ?v } } ORDER BY ?v LIMIT 1")
    return res.rows[0][0].value if res.rows and res.rows[0][0] is not None else ""
