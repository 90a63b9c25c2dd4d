"""What the browser of ``nenkg serve`` adds to the plain term index: local pages for the external
terms the graph uses, the grading thresholds that apply to a class, a class's logical definition
in words, its hormones, syndromes, genes, tests and treatments (its own and inherited), the
sections of the home page, and the neighbourhood picture.

Everything is read from the store once (at start-up or on first use) and then only looked up:
the store is read-only while serving.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from .. import namespaces as ns
from ..vocab import NENKG as V
from .terms import OWL, RDF, SUBCLASS, TYPE, Link, TermIndex, nn, normalize

NENKG = ns.BASE + "NENKG_"
OBO = ns.OBO
HAS_LOCATION, PART_OF, HAS_MODIFIER = OBO + "RO_0004026", OBO + "BFO_0000050", OBO + "RO_0002573"
ROOT = NENKG + "0000001"  #: neuroendocrine neoplasm, the root of the home page's tree

# grading threshold criteria (records.yaml, criteria.yaml)
CRITERION = NENKG + "0004001"
C_VARIABLE, C_LOWER, C_LOWER_INCL, C_UPPER, C_UPPER_INCL = (NENKG + n for n in ("0004022", "0004023", "0004024", "0004025", "0004026"))
C_REQUIRED, C_ASSIGNS, C_SITE, C_DIFF, C_EDITION, C_SCHEME = (NENKG + n for n in ("0004027", "0004028", "0004029", "0004009", "0004008", "0004011"))

#: What a class links to, by kind: (heading, outgoing properties). Properties of the README's table.
LINK_KINDS = [
    ("Hormones and amines", [OBO + "RO_0003000", NENKG + "0003014"]),
    ("Syndromes and conditions", [OBO + "RO_0003303", NENKG + "0003015", NENKG + "0003011", NENKG + "0003001"]),
    ("Genes", [OBO + "RO_0004003"]),
    ("Tests", [NENKG + n for n in ("0003004", "0003005", "0003006", "0003007", "0003008")]),
    ("Treatments", [NENKG + "0003003", NENKG + "0003010"]),
]
PREDISPOSES_TO = NENKG + "0003001"
#: How a restriction reads in a sentence ("... that has its primary site in the pancreas").
PHRASES = {
    HAS_LOCATION: "has its primary site in", HAS_MODIFIER: "has", PART_OF: "is part of",
    OBO + "RO_0001000": "derives from", OBO + "RO_0003000": "produces", OBO + "RO_0003303": "causes",
    OBO + "RO_0002200": "has the phenotype", OBO + "RO_0004003": "has a germline basis in",
    NENKG + "0003001": "predisposes to", NENKG + "0003011": "arises in the context of",
    NENKG + "0003014": "is caused by an excess of", NENKG + "0003015": "may cause",
}
GERMLINE = OBO + "RO_0004003"

#: The home page's sections after the neoplasm tree: (id, heading, ID ranges of their roots).
#: A root of none of them goes to "Other classes".
HOME_SECTIONS = [
    ("other-neoplasms", "Other neoplasms", None),
    ("syndromes", "Syndromes and conditions", [(500, 799)]),
    ("characteristics", "Grades, differentiation and other characteristics", [(2000, 2999)]),
    ("tests", "Diagnostic tests and imaging", [(800, 849)]),
    ("treatments", "Treatments and care pathway", [(850, 999)]),
    ("criteria", "Classification criteria and grading schemes", [(4000, 4004), (4100, 4199)]),
    ("records", "Tumour record vocabulary", [(4005, 4099)]),
]


@dataclass
class Threshold:
    """One grading criterion as shown on a class page."""

    criterion: Link
    variable: Link | None
    condition: str  # "3 ≤ value ≤ 20", "present"
    assigns: Link | None
    scheme: Link | None
    edition: str


@dataclass
class Extras:
    """What a term page shows beyond :class:`.terms.TermPage`."""

    external: bool = False
    source_href: str = ""  # the term's own address outside (external terms)
    in_words: list[list[Link | str]] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)
    threshold_note: str = ""
    staging: list[tuple[Link, str, bool]] = field(default_factory=list)  # TNM scheme, edition, applied by classify
    links: list[tuple[str, list[tuple[Link, str, Link | None]]]] = field(default_factory=list)  # kind -> (term, how, via)
    used_by: list[tuple[str, list[Link]]] = field(default_factory=list)  # direct statements naming this term
    picture: str = ""  # inline SVG of the neighbourhood (or "")


def _number(text: str) -> str:
    try:
        d = Decimal(text)
    except InvalidOperation:
        return text
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


class ServerIndex(TermIndex):
    """The term index of ``nenkg serve``: external terms the graph describes get local pages
    (``/ext/UBERON:0001264``), and the browser's extra sections are computed here."""

    def __init__(self, store: ox.Store):
        super().__init__(store)
        self._criteria: list[dict] | None = None
        self._label_index: dict[str, set[str]] | None = None
        self._pictures: dict[str, str] = {}

    # --- links --------------------------------------------------------------------------------

    def local_path(self, iri: str) -> str | None:
        """The local page of a term: ``/NENKG_...`` for own terms, ``/ext/CURIE`` for an external
        term the graph labels (UBERON, CHEBI, HGNC, HP, ...), else None."""
        if iri.startswith(ns.BASE):
            return "/" + iri[len(ns.BASE):]
        curie = ns.contract(iri)
        if curie and iri in self.labels:
            return "/ext/" + curie
        return None

    def link(self, iri: str) -> Link:
        base = super().link(iri)
        path = self.local_path(iri)
        if path and not base.local:
            return Link(iri, base.label, path, True, base.curie)
        return base

    def external_iri(self, curie: str) -> str | None:
        """The IRI of an external term page's CURIE, if the graph labels it."""
        try:
            iri = ns.expand(curie)
        except (ns.UnknownPrefix, ValueError):
            return None
        return iri if iri in self.labels and not iri.startswith(ns.BASE) else None

    # --- labels to terms (query parameters) ---------------------------------------------------

    def by_label(self, text: str) -> list[str]:
        """Terms whose label or exact synonym is ``text`` (case, accents and punctuation folded)."""
        if self._label_index is None:
            index: dict[str, set[str]] = defaultdict(set)
            for iri, shown, norm, where in self._entries:
                if where in ("label", "exact synonym"):
                    index[norm].add(iri)
            self._label_index = index
        return sorted(self._label_index.get(normalize(text), ()))

    # --- ancestry -----------------------------------------------------------------------------

    def ancestors(self, iri: str) -> list[str]:
        """Named superclasses, transitively, nearest first (the class itself not included)."""
        out, seen, frontier = [], {iri}, [iri]
        while frontier:
            nxt = []
            for c in frontier:
                for p in sorted(self.parents.get(c, ())):
                    if p not in seen:
                        seen.add(p)
                        out.append(p)
                        nxt.append(p)
            frontier = nxt
        return out

    def _axiom_nodes(self, iri: str) -> list:
        term = nn(iri)
        return self._objects(term, OWL + "equivalentClass") + self._objects(term, SUBCLASS)

    def outgoing(self, iri: str) -> list[tuple[str, str]]:
        """(property, named filler) of the class's own someValuesFrom restrictions; a union
        filler gives each of its named members."""
        out = []
        for node in self._axiom_nodes(iri):
            members = [node] + [m for h in self._objects(node, OWL + "intersectionOf") for m in self._list(h)]
            for member in members:
                if not isinstance(member, ox.BlankNode):
                    continue
                on = self._objects(member, OWL + "onProperty")
                for filler in self._objects(member, OWL + "someValuesFrom"):
                    if not on or not isinstance(on[0], ox.NamedNode):
                        continue
                    if isinstance(filler, ox.NamedNode):
                        out.append((on[0].value, filler.value))
                    else:
                        for h in self._objects(filler, OWL + "unionOf"):
                            out += [(on[0].value, m.value) for m in self._list(h) if isinstance(m, ox.NamedNode)]
        return sorted(set(out))

    def incoming(self, iri: str, prop: str) -> list[str]:
        """Named classes with a ``prop some iri`` restriction."""
        owners: set[str] = set()
        for q in self.store.quads_for_pattern(None, nn(OWL + "someValuesFrom"), nn(iri), None):
            if nn(prop) in self._objects(q.subject, OWL + "onProperty"):
                owners |= self._owners(q.subject)
        return sorted(owners)

    def _site_ancestors(self, site: str) -> set[str]:
        """A site, its superclasses and what it is part of, transitively (UBERON as in the graph)."""
        seen, frontier = {site}, [site]
        while frontier:
            s = frontier.pop()
            nxt = set(self.parents.get(s, ()))
            nxt |= {f for p, f in self.outgoing(s) if p == PART_OF}
            for n in nxt - seen:
                seen.add(n)
                frontier.append(n)
        return seen

    # --- grading thresholds -------------------------------------------------------------------

    def criteria(self) -> list[dict]:
        """Every grading threshold criterion (individuals of NENKG:0004001) with its facts."""
        if self._criteria is None:
            found = []
            for q in self.store.quads_for_pattern(None, nn(TYPE), nn(CRITERION), None):
                c = q.subject
                if not isinstance(c, ox.NamedNode):
                    continue

                def one(prop: str, c=c):
                    values = self._objects(c, prop)
                    return values[0].value if values else None

                found.append({
                    "iri": c.value, "variable": one(C_VARIABLE), "lower": one(C_LOWER), "lower_incl": one(C_LOWER_INCL),
                    "upper": one(C_UPPER), "upper_incl": one(C_UPPER_INCL), "required": one(C_REQUIRED),
                    "assigns": one(C_ASSIGNS), "scheme": one(C_SCHEME), "edition": one(C_EDITION) or "",
                    "sites": {o.value for o in self._objects(c, C_SITE) if isinstance(o, ox.NamedNode)},
                    "diffs": {o.value for o in self._objects(c, C_DIFF) if isinstance(o, ox.NamedNode)},
                })
            self._criteria = sorted(found, key=lambda d: (self.label(d["variable"] or "").casefold(),
                                                          self.label(d["assigns"] or ""), d["lower"] or "", d["iri"]))
        return self._criteria

    def thresholds(self, iri: str) -> tuple[list[Threshold], str]:
        """The grading criteria that apply to a class: those whose site scope holds one of the
        class's primary sites (its own or inherited ``has location``, a site's parts included),
        whose differentiation scope (if any) the class has, and, for a graded class, that assign
        its grade. Returns the thresholds and a note saying how they were chosen."""
        criteria = self.criteria()
        if not criteria:
            return [], ""
        facts = [pf for c in [iri, *self.ancestors(iri)] for pf in self.outgoing(c)]
        sites = {f for p, f in facts if p == HAS_LOCATION}
        modifiers = {f for p, f in facts if p == HAS_MODIFIER}
        modifier_closure = set(modifiers) | {a for m in modifiers for a in self.ancestors(m)}
        grades = {m for m in modifiers if any(c["assigns"] == m for c in criteria)}
        if not sites:
            return [], ""
        site_closure = {a for s in sites for a in self._site_ancestors(s)}
        rows = []
        for c in criteria:
            if not c["sites"] & site_closure:
                continue
            if c["diffs"] and not c["diffs"] & modifier_closure:
                continue
            if grades and c["assigns"] not in grades:
                continue
            rows.append(Threshold(
                criterion=self.link(c["iri"]),
                variable=self.link(c["variable"]) if c["variable"] else None,
                condition=self._condition(c),
                assigns=self.link(c["assigns"]) if c["assigns"] else None,
                scheme=self.link(c["scheme"]) if c["scheme"] else None,
                edition=c["edition"]))
        specific = [s for s in sites if not any(s != t and s in self._site_ancestors(t) for t in sites)]
        site_names = " or ".join(sorted(self.label(s) for s in specific))
        if grades:
            note = f"Criteria that give {', '.join(sorted(self.label(g) for g in grades))} to tumours of the {site_names}."
        else:
            note = f"Criteria that grade tumours of the {site_names}."
        return rows, note if rows else ""

    def staging(self, iri: str) -> list[tuple[Link, str, bool]]:
        """The TNM schemes that stage a class: scoped to one of its primary sites (a site's parts
        included) and applying to it or a class above it; the scheme ``nenkg classify`` applies
        first, then alternatives (marked ``applied by the record classifier`` false)."""
        facts = [pf for c in [iri, *self.ancestors(iri)] for pf in self.outgoing(c)]
        site_closure = {a for p, s in facts if p == HAS_LOCATION for a in self._site_ancestors(s)}
        if not site_closure:
            return []
        above = {iri, *self.ancestors(iri)}
        rows = []
        for q in self.store.quads_for_pattern(None, nn(TYPE), nn(str(V.staging_scheme_class)), None):
            scheme = q.subject
            sites = {o.value for o in self._objects(scheme, str(V.site_scope)) if isinstance(o, ox.NamedNode)}
            applies = {o.value for o in self._objects(scheme, str(V.scheme_applies_to)) if isinstance(o, ox.NamedNode)}
            if not sites & site_closure or (applies and not applies & above):
                continue
            edition = self._objects(scheme, str(V.staging_edition))
            flag = self._objects(scheme, str(V.applied_by_classifier))
            applied = not flag or flag[0].value not in ("false", "0")
            rows.append((self.link(scheme.value), edition[0].value if edition else "", applied))
        return sorted(rows, key=lambda r: (not r[2], r[1], r[0].iri))

    def _condition(self, c: dict) -> str:
        if c["required"]:
            return self.label(c["required"])
        parts = []
        if c["lower"] is not None:
            parts.append(f"{_number(c['lower'])} {'≤' if c['lower_incl'] == 'true' else '<'} value")
        if c["upper"] is not None:
            bound = f"{'≤' if c['upper_incl'] == 'true' else '<'} {_number(c['upper'])}"
            parts = [parts[0] + " " + bound] if parts else [f"value {bound}"]
        return parts[0] if parts else "any value"

    # --- logical definition in words ----------------------------------------------------------

    def in_words(self, node, depth: int = 0) -> list[Link | str]:
        """A class expression as an English phrase: ``a neuroendocrine tumour that has location
        pancreas and has modifier WHO NET grade G2``."""
        if isinstance(node, ox.NamedNode):
            return [self.link(node.value)]
        if not isinstance(node, ox.BlankNode) or depth > 8:
            return ["…"]
        inter = [m for h in self._objects(node, OWL + "intersectionOf") for m in self._list(h)]
        if inter:
            named = [m for m in inter if isinstance(m, ox.NamedNode)]
            rest = [m for m in inter if not isinstance(m, ox.NamedNode)]
            out: list[Link | str] = []
            for i, m in enumerate(named):
                out += ([" and "] if i else []) + [self.link(m.value)]
            if not named:
                out.append("something")
            for i, m in enumerate(rest):
                out += [" that " if i == 0 else ", and "] + self.in_words(m, depth + 1)
            return out
        union = [m for h in self._objects(node, OWL + "unionOf") for m in self._list(h)]
        if union:
            out = ["either "] if len(union) > 1 else []
            for i, m in enumerate(union):
                out += ([" or "] if i else []) + self.in_words(m, depth + 1)
            return out
        complement = self._objects(node, OWL + "complementOf")
        if complement:
            return ["not "] + self.in_words(complement[0], depth + 1)
        on = self._objects(node, OWL + "onProperty")
        if on:
            prop = PHRASES.get(on[0].value) or self.label(on[0].value)
            for kind, word in (("someValuesFrom", ""), ("allValuesFrom", "only "), ("hasValue", "")):
                filler = self._objects(node, OWL + kind)
                if filler:
                    return [f"{prop} {word}"] + self.in_words(filler[0], depth + 1)
        return ["(a class expression)"]

    # --- what a class links to ----------------------------------------------------------------

    def kind_links(self, iri: str) -> list[tuple[str, list[tuple[Link, str, Link | None]]]]:
        """Hormones, syndromes, genes, tests and treatments of a class: (kind, [(term, relation,
        inherited from)]); its own first, then those it inherits from its superclasses; genes
        also through the syndromes that predispose to it."""
        chain = [iri, *self.ancestors(iri)]
        groups = []
        for kind, props in LINK_KINDS:
            seen: dict[str, tuple[Link, str, Link | None]] = {}
            for owner in chain:
                via = None if owner == iri else self.link(owner)
                for p, f in self.outgoing(owner):
                    if p in props and f not in seen:
                        seen[f] = (self.link(f), self.label(p), via)
                if kind == "Syndromes and conditions":
                    for s in self.incoming(owner, PREDISPOSES_TO):
                        if s not in seen:
                            seen[s] = (self.link(s), "predisposes to it", via)
                if kind == "Genes":
                    for s in self.incoming(owner, PREDISPOSES_TO):
                        for p, g in self.outgoing(s):
                            if p == GERMLINE and g not in seen:
                                seen[g] = (self.link(g), f"germline basis of {self.label(s)}", via)
            if seen:
                items = sorted(seen.values(), key=lambda t: (t[2] is not None, t[0].label.casefold()))
                groups.append((kind, items))
        return groups

    # --- direct statements naming a term --------------------------------------------------------

    def used_by(self, iri: str) -> list[tuple[str, list[Link]]]:
        """Named subjects of statements whose object is the term (mappings, criteria scopes,
        subclass axioms of external terms ...), grouped by property; restrictions are in
        ``referenced_by``."""
        by: dict[str, set[str]] = defaultdict(set)
        for q in self.store.quads_for_pattern(None, None, nn(iri), None):
            # subclasses are the page's children; restrictions are in ``referenced_by``
            if isinstance(q.subject, ox.NamedNode) and q.predicate.value not in (OWL + "someValuesFrom", RDF + "first", SUBCLASS):
                if q.predicate.value == OWL + "annotatedSource" or q.predicate.value == OWL + "annotatedTarget":
                    continue
                by[q.predicate.value].add(q.subject.value)
        return self._grouped(by)

    # --- the page -----------------------------------------------------------------------------

    def extras(self, iri: str) -> Extras:
        ex = Extras(external=not iri.startswith(ns.BASE))
        if ex.external and iri.startswith(("http://", "https://")):
            ex.source_href = iri
        term = nn(iri)
        label = self.label(iri)
        for eq in self._objects(term, OWL + "equivalentClass"):
            words = self.in_words(eq)
            first = words[0].label if words and not isinstance(words[0], str) else "x"
            article = "an " if first[:1].lower() in "aeiou" else "a "
            ex.in_words.append([f"A {label} is {article}"] + words + [f"; anything that is one is a {label}."])
        if iri in self.classes:
            ex.thresholds, ex.threshold_note = self.thresholds(iri)
            ex.staging = self.staging(iri)
            ex.links = self.kind_links(iri)
        ex.used_by = self.used_by(iri)
        ex.picture = self.picture(iri)
        return ex

    def picture(self, iri: str) -> str:
        """The neighbourhood picture of a class as inline SVG, or "" where none is drawn.

        This is the one place the term page's picture comes from (``#neighbourhood-picture``):
        the picture of ``nenkg docs`` (:func:`nenkg.docs.pictures.neighbourhood_svg`, laid out by
        Graphviz's dot), its nodes linking to the local pages. Drawn once per class and kept."""
        if iri not in self.classes:
            return ""
        if iri not in self._pictures:
            from ..docs import pictures
            from ..errors import NenkgError

            try:
                svg = pictures.inline(pictures.neighbourhood_svg(self, iri, href=self.local_path))
            except (NenkgError, OSError):
                svg = ""  # no dot program here: the page goes without its picture
            if len(self._pictures) >= 2048:
                self._pictures.clear()
            self._pictures[iri] = svg
        return self._pictures[iri]

    # --- home page ----------------------------------------------------------------------------

    def home_sections(self) -> tuple[list[str], list[tuple[str, str, list[str]]]]:
        """The roots of the neoplasm tree (neuroendocrine neoplasm first) and the other
        sections: (id, heading, roots), each sorted by label; empty sections left out."""
        roots = self.roots()
        main = [ROOT] if ROOT in roots else []
        neoplasm_parents = {OBO + "MONDO_0005070", OBO + "MONDO_0004992"}  # neoplasm, cancer
        buckets: dict[str, list[str]] = {key: [] for key, _, _ in HOME_SECTIONS}
        buckets["other"] = []
        for r in roots:
            if r == ROOT:
                continue
            number = int(r[len(NENKG):]) if r.startswith(NENKG) and r[len(NENKG):].isdigit() else -1
            if self.parents.get(r, set()) & neoplasm_parents or 100 <= number < 500:
                buckets["other-neoplasms"].append(r)
                continue
            for key, _, ranges in HOME_SECTIONS:
                if ranges and any(lo <= number <= hi for lo, hi in ranges):
                    buckets[key].append(r)
                    break
            else:
                buckets["other"].append(r)
        sections = [(key, title, buckets[key]) for key, title, _ in HOME_SECTIONS if buckets[key]]
        if buckets["other"]:
            sections.append(("other", "Other classes", buckets["other"]))
        return main, sections

    def criterion_individuals(self) -> list[str]:
        return [c["iri"] for c in self.criteria()]
