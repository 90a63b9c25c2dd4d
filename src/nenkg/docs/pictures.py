"""Pictures of the graph as SVG, laid out by Graphviz's ``dot`` algorithm, never placed by hand.

Two pictures: :func:`neighbourhood_svg` (one class with its parents, children, site, hormone,
syndrome, gene and the other classes its axioms link it to) and :func:`hierarchy_svg` (the
subclass tree below a class, e.g. 'neuroendocrine neoplasm'). Both take a
:class:`nenkg.server.terms.TermIndex` (or a pyoxigraph store, indexed on the fly), so the static
site (``nenkg docs``) and the term pages of ``nenkg serve`` draw the same pictures.

Why ``graphviz-pure`` (a PyPI wheel holding one static ``dot`` program, a Rust port of Graphviz)
and not the alternatives weighed for issue 15: a system Graphviz cannot be installed by the
pip-only fresh-machine commands of the README; ``grandalf`` (pure-Python Sugiyama) computes
positions only, so node sizes from text widths, edge routing, labels and the SVG itself would be
ours to write, and it has seen no release since 2023; networkx has no layered layout for DAGs.
graphviz-pure writes complete SVG with text measured on its bundled fonts, the same bytes on every
platform (the site is byte-for-byte reproducible), and lays out the whole neoplasm tree in well
under a second. All graphs of a build go to one ``dot`` process (:func:`render_many`).

The DOT text is made here from sorted inputs, so the same release gives the same SVG.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sysconfig
from collections.abc import Callable, Iterable
from pathlib import Path

from .. import namespaces as ns
from ..errors import NenkgError

PROGRAM = "graphviz-pure"

#: Relations drawn in the neighbourhood picture (the rest are listed on the page): site,
#: hormone, syndrome, gene and the links between diseases. Property IRIs.
PICTURE_RELATIONS = {
    ns.OBO + "RO_0004026": "location",          # disease has location -> site
    ns.OBO + "BFO_0000050": "part of",
    ns.OBO + "RO_0001000": "derives from",
    ns.OBO + "RO_0003000": "produces",          # hormone or amine
    ns.OBO + "RO_0003303": "causes",            # syndrome
    ns.OBO + "RO_0004003": "germline mutation in",  # gene
    ns.OBO + "RO_0002573": "modifier",
    ns.OBO + "RO_0002200": "phenotype",
    ns.BASE + "NENKG_0003001": "predisposes to",
    ns.BASE + "NENKG_0003011": "arises in context of",
    ns.BASE + "NENKG_0003014": "caused by excess of",
    ns.BASE + "NENKG_0003015": "may cause",
}
#: At most this many nodes per group (children, each relation); the rest is one "+N more" node.
MAX_PER_GROUP = 10

#: Fill colours by kind of term (CURIE prefix); NENKG's own classes are blue.
COLOURS = {"NENKG": "#dbe8f6", "UBERON": "#dff0d8", "CL": "#dff0d8", "CHEBI": "#fbe5c8",
           "HGNC": "#eadcf4", "PATO": "#f2f2f2", "HP": "#fde2e2"}
KINDS = (("NENKG", "NENKG class"), ("UBERON", "site (UBERON)"), ("CHEBI", "hormone or amine (ChEBI)"),
         ("HGNC", "gene (HGNC)"), ("HP", "phenotype (HP)"), ("PATO", "quality (PATO)"))
FONT = "Arial"
#: 'is a' edges (drawn parent -> child): bold, with the hollow arrowhead of UML generalisation
#: at the parent.
IS_A = "style=bold, dir=back, arrowtail=empty"


def dot_program() -> str:
    """The path of the ``graphviz-pure`` program: the one its installed distribution lists (found
    even from a virtual environment that sees the package through system site-packages), else the
    scripts folder of this Python, else the PATH."""
    from importlib import metadata

    candidates: list[Path] = []
    try:
        dist = metadata.distribution(PROGRAM)
    except metadata.PackageNotFoundError:
        dist = None
    if dist is not None:
        for f in dist.files or ():
            if f.name in (PROGRAM, PROGRAM + ".exe"):
                candidates.append(Path(str(dist.locate_file(f))).resolve())
    candidates.append(Path(sysconfig.get_path("scripts")) / PROGRAM)
    found = shutil.which(PROGRAM)
    if found:
        candidates.append(Path(found))
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    raise NenkgError(f"the layout program {PROGRAM} is not installed; run `pip install graphviz-pure`")


def render_many(sources: list[str], timeout: float = 120.0) -> list[str]:
    """SVG text for each DOT graph, laid out by one run of the layout program."""
    if not sources:
        return []
    text = "\n".join(sources)
    try:
        done = subprocess.run([dot_program(), "-Tsvg"], input=text.encode("utf-8"), capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise NenkgError(f"{PROGRAM} took longer than {timeout:g} s to lay out {len(sources)} picture(s)") from None
    if done.returncode != 0:
        first = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"])[0]
        raise NenkgError(f"{PROGRAM} failed (exit {done.returncode}): {first}")
    out = done.stdout.decode("utf-8")
    parts = re.split(r"(?=<\?xml )", out)
    svgs = [p for p in parts if p.strip()]
    if len(svgs) != len(sources):
        raise NenkgError(f"{PROGRAM} gave {len(svgs)} picture(s) for {len(sources)} graph(s)")
    return [_clean(s) for s in svgs]


def render(source: str) -> str:
    return render_many([source])[0]


def _clean(svg: str) -> str:
    """Drop the XML prologue, DOCTYPE and generator comment, so the SVG can be inlined in HTML
    as well as saved as a file."""
    start = svg.find("<svg")
    return svg[start:].rstrip() + "\n" if start >= 0 else svg


def inline(svg: str) -> str:
    """The SVG for an HTML page (already free of a prologue); kept for symmetry with files."""
    return svg


def standalone(svg: str) -> str:
    """The SVG as a file: with the XML declaration."""
    return '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + svg


# --- DOT text -----------------------------------------------------------------------------------

def _q(text: str) -> str:
    """A DOT quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _wrap(label: str, width: int = 24) -> str:
    """A label broken into lines of about ``width`` characters (DOT ``\\n``)."""
    words, lines, line = label.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    lines.append(line)
    return "\\n".join(_q(x)[1:-1] for x in lines)


def _prefix(iri: str) -> str:
    curie = ns.contract(iri)
    return curie.split(":", 1)[0] if curie else ""


def _index(graph):
    from ..server.terms import TermIndex

    return graph if isinstance(graph, TermIndex) else TermIndex(graph)


class _Dot:
    """A DOT digraph written from sorted nodes and edges."""

    def __init__(self, name: str, attrs: str, href: Callable[[str], str | None] | None):
        self.name, self.attrs, self.href = name, attrs, href
        self.nodes: dict[str, str] = {}
        self.edges: list[str] = []

    def node(self, index, iri: str, *, centre: bool = False) -> str:
        key = ns.contract(iri) or iri
        if key not in self.nodes:
            fill = "#9cc3ea" if centre else COLOURS.get(_prefix(iri), "#ffffff")
            attrs = ['label="' + _wrap(index.label(iri)) + '"', f"fillcolor={_q(fill)}",
                     f"tooltip={_q((ns.contract(iri) or iri) + ' ' + index.label(iri))}"]
            if centre:
                attrs.append("penwidth=2.5")
            link = self.href(iri) if self.href else None
            if link and not centre:
                attrs.append(f"href={_q(link)}")
            if not iri.startswith(ns.BASE):
                attrs.append("shape=ellipse")
            self.nodes[key] = f"  {_q(key)} [{', '.join(attrs)}];"
        return key

    def more(self, key: str, count: int) -> str:
        self.nodes[key] = f'  {_q(key)} [label="+{count} more", shape=plaintext, style="", fillcolor=""];'
        return key

    def edge(self, a: str, b: str, label: str | None = None, style: str | None = None) -> None:
        attrs = []
        if label:
            attrs.append(f"label={_q(label)}")
        if style:
            attrs.append(style)
        self.edges.append(f"  {_q(a)} -> {_q(b)}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")

    def text(self) -> str:
        head = (f"digraph {_q(self.name)} {{\n  {self.attrs}\n"
                f'  node [shape=box, style="rounded,filled", fontname={_q(FONT)}, fontsize=11, margin="0.12,0.05"];\n'
                f"  edge [fontname={_q(FONT)}, fontsize=9, color=\"#555555\", fontcolor=\"#333333\", arrowsize=0.7];\n")
        return head + "\n".join([*sorted(self.nodes.values()), *sorted(set(self.edges))]) + "\n}\n"


def neighbourhood_dot(graph, iri: str, href: Callable[[str], str | None] | None = None) -> str:
    """The DOT text of :func:`neighbourhood_svg`."""
    index = _index(graph)
    page = index.describe(iri)
    # left to right: parents and the classes whose axioms name this one | the class | its
    # children and what its axioms name; every edge is drawn from left to right, 'is a' edges
    # with their arrow back at the parent
    dot = _Dot(ns.contract(iri) or iri, 'rankdir=LR; nodesep=0.12; ranksep=0.5; bgcolor="white";', href)
    me = dot.node(index, iri, centre=True)
    for parent in page.parents[:MAX_PER_GROUP]:
        dot.edge(dot.node(index, parent.iri), me, None, IS_A)
    children = page.children
    for child in children[:MAX_PER_GROUP]:
        dot.edge(me, dot.node(index, child.iri), None, IS_A)
    if len(children) > MAX_PER_GROUP:
        dot.edge(me, dot.more(f"{me} more children", len(children) - MAX_PER_GROUP), None, "style=dashed, dir=back, arrowtail=empty")
    label_of = {index.label(p): p for p in PICTURE_RELATIONS}
    for title, links in page.related:
        prop = label_of.get(title)
        if prop is None:
            continue
        for link in links[:MAX_PER_GROUP]:
            dot.edge(me, dot.node(index, link.iri), PICTURE_RELATIONS[prop])
        if len(links) > MAX_PER_GROUP:
            dot.edge(me, dot.more(f"{me} more {title}", len(links) - MAX_PER_GROUP), PICTURE_RELATIONS[prop], "style=dashed")
    for title, links in page.referenced_by:
        prop = label_of.get(title)
        if prop is None:
            continue
        for link in links[:MAX_PER_GROUP]:
            dot.edge(dot.node(index, link.iri), me, PICTURE_RELATIONS[prop], "style=dashed")
        if len(links) > MAX_PER_GROUP:
            dot.edge(dot.more(f"{me} more by {title}", len(links) - MAX_PER_GROUP), me, PICTURE_RELATIONS[prop], "style=dashed")
    return dot.text()


def neighbourhood_svg(graph, iri: str, href: Callable[[str], str | None] | None = None) -> str:
    """SVG of a class's neighbourhood: its parents and children ('is a'), and the site, hormone,
    syndrome, gene and other disease links of its logical axioms, both ways (a hereditary
    syndrome that predisposes to it, a tumour that causes it). ``graph`` is a TermIndex or a
    pyoxigraph store; ``href(iri)`` gives a node's link (None: no link)."""
    return render(neighbourhood_dot(graph, iri, href))


def hierarchy_dot(graph, root: str, href: Callable[[str], str | None] | None = None,
                  keep: Callable[[str], bool] | None = None) -> str:
    """The DOT text of :func:`hierarchy_svg`."""
    index = _index(graph)
    keep = keep or (lambda c: c.startswith(ns.BASE))
    dot = _Dot("hierarchy", 'rankdir=LR; nodesep=0.08; ranksep=0.35; bgcolor="white";', href)
    seen, todo = {root}, [root]
    dot.node(index, root)
    while todo:
        parent = todo.pop()
        for child in sorted(index.children.get(parent, ())):
            if not keep(child):
                continue
            dot.edge(dot.node(index, parent), dot.node(index, child), None, "arrowhead=none")
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return dot.text()


def hierarchy_svg(graph, root: str, href: Callable[[str], str | None] | None = None,
                  keep: Callable[[str], bool] | None = None) -> str:
    """SVG of the subclass tree below ``root`` (NENKG classes only, by default), left to right."""
    return render(hierarchy_dot(graph, root, href, keep))


def labels_in(svg: str) -> list[str]:
    """The label of each node of an SVG made here (its text lines joined by spaces)."""
    import html

    out = []
    for group in re.findall(r'<g id="node\d+" class="node">(.*?)</g>\n(?=<!--|</g>)', svg, flags=re.S):
        lines = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", group)]
        out.append(" ".join(lines))
    return out


__all__: Iterable[str] = ("neighbourhood_svg", "hierarchy_svg", "neighbourhood_dot", "hierarchy_dot",
                          "render_many", "dot_program", "labels_in")
