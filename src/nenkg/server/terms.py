"""What the term pages, the class tree and the search show, read straight from the store.

:class:`TermIndex` is built once at start-up (the store is read-only while serving): labels of
every labelled IRI, the search entries (labels, synonyms, cross-reference codes) and the named
class hierarchy. :meth:`TermIndex.describe` gathers one term's page; :meth:`TermIndex.triples`
its RDF description (its statements, the blank nodes they reach and the axiom annotations about
it).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from .. import namespaces as ns

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
OIO = ns.VOCAB_PREFIXES["oboInOwl"]
SKOS = ns.VOCAB_PREFIXES["skos"]
DCTERMS = ns.VOCAB_PREFIXES["dcterms"]
LABEL, SUBCLASS, TYPE = RDFS + "label", RDFS + "subClassOf", RDF + "type"
DEFINITION = ns.OBO + "IAO_0000115"
SYNONYMS = {OIO + "hasExactSynonym": "exact", OIO + "hasRelatedSynonym": "related",
            OIO + "hasNarrowSynonym": "narrow", OIO + "hasBroadSynonym": "broad"}
MAPPINGS = {SKOS + "exactMatch": "exact match", SKOS + "closeMatch": "close match",
            SKOS + "broadMatch": "broad match", SKOS + "narrowMatch": "narrow match"}
XREF = OIO + "hasDbXref"
COMMENT = RDFS + "comment"
#: Statements shown in their own sections, so left out of the "other statements" table.
SHOWN = {LABEL, SUBCLASS, DEFINITION, XREF, COMMENT, OWL + "equivalentClass", *SYNONYMS, *MAPPINGS}


def nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def normalize(text: str) -> str:
    """Lower case, accents and punctuation folded to plain words.

    >>> normalize("Pheochromocytoma, Adrenal (NOS)")
    'pheochromocytoma adrenal nos'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def code_forms(code: str) -> set[str]:
    """The ways someone may type a code: ``NCIT:C3809`` -> ncit:c3809, c3809, ncit c3809."""
    code = code.strip().casefold()
    forms = {code}
    if ":" in code:
        prefix, local = code.split(":", 1)
        forms |= {local, f"{prefix} {local}"}
    return forms


@dataclass
class Link:
    """A term shown as a link: its IRI, label, and the href (local page or the IRI itself)."""

    iri: str
    label: str
    href: str
    local: bool
    curie: str | None = None


@dataclass
class Hit:
    iri: str
    label: str
    curie: str
    matched: str
    field: str
    score: float


@dataclass
class TermPage:
    """Everything a term page shows."""

    term: Link
    types: list[Link] = field(default_factory=list)
    definitions: list[tuple[str, list[Link]]] = field(default_factory=list)
    synonyms: list[tuple[str, str]] = field(default_factory=list)
    xrefs: list[Link] = field(default_factory=list)
    mappings: list[tuple[str, Link]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    parents: list[Link] = field(default_factory=list)
    children: list[Link] = field(default_factory=list)
    logical: list[str] = field(default_factory=list)  # readable class expressions (HTML-free text)
    logical_links: list[list[Link | str]] = field(default_factory=list)
    related: list[tuple[str, list[Link]]] = field(default_factory=list)
    referenced_by: list[tuple[str, list[Link]]] = field(default_factory=list)
    other: list[tuple[Link, Link | str]] = field(default_factory=list)


class TermIndex:
    """Labels, search entries and the class tree of a read-only store."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.labels: dict[str, str] = {}
        for q in store.quads_for_pattern(None, nn(LABEL), None, None):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
                old = self.labels.get(q.subject.value)
                if old is None or q.object.value < old:
                    self.labels[q.subject.value] = q.object.value
        self.classes = {q.subject.value for q in store.quads_for_pattern(None, nn(TYPE), nn(OWL + "Class"), None)
                        if isinstance(q.subject, ox.NamedNode)}
        self.parents: dict[str, set[str]] = defaultdict(set)
        self.children: dict[str, set[str]] = defaultdict(set)
        for q in store.quads_for_pattern(None, nn(SUBCLASS), None, None):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode) and q.subject != q.object:
                self.parents[q.subject.value].add(q.object.value)
                self.children[q.object.value].add(q.subject.value)
        self._entries = self._search_entries()
        self._cache: dict[tuple[str, int], tuple[Hit, ...]] = {}
        self._vocabulary = sorted({w for _, _, norm, where in self._entries if where not in ("id", "cross-reference", "mapping")
                                   for w in norm.split()})

    # --- names and links ----------------------------------------------------------------------

    def label(self, iri: str) -> str:
        """The term's label, else its CURIE (owl:Class, UBERON:0001264), else the IRI."""
        return self.labels.get(iri) or short_name(iri)

    def link(self, iri: str) -> Link:
        local = iri.startswith(ns.BASE)
        # only web addresses become links: never a javascript: or data: IRI from the data
        href = "/" + iri[len(ns.BASE):] if local else iri if iri.startswith(("http://", "https://")) else ""
        return Link(iri, self.label(iri), href, local, ns.contract(iri))

    def exists(self, iri: str) -> bool:
        return next(iter(self.store.quads_for_pattern(nn(iri), None, None, None)), None) is not None

    # --- class tree ---------------------------------------------------------------------------

    def own_classes(self) -> list[str]:
        return sorted((c for c in self.classes if c.startswith(ns.BASE)), key=lambda c: self.label(c).casefold())

    def roots(self) -> list[str]:
        """Own live classes none of whose named parents is an own class (an obsolete class has
        no parent, but is no root of the tree: its page and search still find it)."""
        obsolete = {q.subject.value for q in self.store.quads_for_pattern(None, nn(OWL + "deprecated"), None, None)
                    if isinstance(q.object, ox.Literal) and q.object.value == "true"}
        return [c for c in self.own_classes()
                if c not in obsolete and not any(p.startswith(ns.BASE) for p in self.parents.get(c, ()))]

    def tree_children(self, iri: str) -> list[str]:
        return sorted((c for c in self.children.get(iri, ()) if c.startswith(ns.BASE)), key=lambda c: self.label(c).casefold())

    # --- search -------------------------------------------------------------------------------

    def _search_entries(self) -> list[tuple[str, str, str, str]]:
        """(iri, shown text, normalized text, field) for every label, synonym and code."""
        documents = {q.subject.value for q in self.store.quads_for_pattern(None, nn(TYPE), nn(ns.OBO + "IAO_0000310"), None)
                     if isinstance(q.subject, ox.NamedNode)}
        entries = []
        for iri, label in self.labels.items():
            if iri in documents:
                continue
            entries.append((iri, label, normalize(label), "label"))
            curie = ns.contract(iri)
            if curie:
                for form in code_forms(curie):
                    entries.append((iri, curie, form, "id"))
        for prop, kind in SYNONYMS.items():
            for q in self.store.quads_for_pattern(None, nn(prop), None, None):
                if isinstance(q.subject, ox.NamedNode) and q.subject.value not in documents:
                    entries.append((q.subject.value, q.object.value, normalize(q.object.value), f"{kind} synonym"))
        for q in self.store.quads_for_pattern(None, nn(XREF), None, None):
            if isinstance(q.subject, ox.NamedNode):
                for form in code_forms(q.object.value):
                    entries.append((q.subject.value, q.object.value, form, "cross-reference"))
        for prop in MAPPINGS:
            for q in self.store.quads_for_pattern(None, nn(prop), None, None):
                if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                    curie = ns.contract(q.object.value)
                    if curie:
                        for form in code_forms(curie):
                            entries.append((q.subject.value, curie, form, "mapping"))
        return sorted(set(entries))

    def search(self, text: str, limit: int = 20) -> list[Hit]:
        """Terms whose label, synonym or code matches ``text``, tolerant of case, accents,
        punctuation and typos; best first (exact, then prefix, then word and fuzzy matches).
        Answers are cached (the index never changes while serving)."""
        key = (text, limit)
        if key not in self._cache:
            if len(self._cache) >= 512:
                self._cache.clear()
            self._cache[key] = self._search(text, limit)
        return list(self._cache[key])

    def _search(self, text: str, limit: int) -> tuple[Hit, ...]:
        query = normalize(text)
        code = text.strip().casefold()
        if not query:
            return ()
        fuzzy = _Fuzzy(query, self._vocabulary)
        best: dict[str, Hit] = {}
        for iri, shown, norm, where in self._entries:
            if where in ("id", "cross-reference", "mapping"):
                if norm == code or norm == query:
                    score = 1.0
                elif norm.startswith(code) and len(code) >= 3:
                    score = 0.85
                else:
                    continue
            elif norm == query:
                score = 1.0 if where == "label" else 0.97
            elif norm.startswith(query):
                score = 0.9 if where == "label" else 0.88
            elif f" {query}" in f" {norm}":
                score = 0.8
            else:
                score = fuzzy.score(norm)
                if score < 0.75:
                    continue
                score *= 0.78
            if where == "label":
                score += 0.01
            if iri.startswith(ns.BASE):
                score += 0.005
            hit = best.get(iri)
            if hit is None or score > hit.score:
                best[iri] = Hit(iri, self.label(iri), ns.contract(iri) or iri, shown, where, score)
        return tuple(sorted(best.values(), key=lambda h: (-h.score, h.label.casefold(), h.iri))[:limit])

    # --- term pages ---------------------------------------------------------------------------

    def triples(self, iri: str) -> list[ox.Triple]:
        """The term's statements, closed over the blank nodes they reach, plus the axiom
        annotations (owl:Axiom with owl:annotatedSource the term) and their blank nodes."""
        seen: set[ox.Triple] = set()
        todo: list[ox.NamedNode | ox.BlankNode] = [nn(iri)]
        for q in self.store.quads_for_pattern(None, nn(OWL + "annotatedSource"), nn(iri), None):
            todo.append(q.subject)
        done: set = set()
        while todo:
            subject = todo.pop()
            if subject in done:
                continue
            done.add(subject)
            for q in self.store.quads_for_pattern(subject, None, None, None):
                seen.add(q.triple)
                if isinstance(q.object, ox.BlankNode):
                    todo.append(q.object)
        return sorted(seen, key=str)

    def _objects(self, subject: ox.NamedNode | ox.BlankNode, prop: str) -> list:
        return sorted({q.object for q in self.store.quads_for_pattern(subject, nn(prop), None, None)}, key=str)

    def _list(self, head) -> list:
        items = []
        while isinstance(head, (ox.BlankNode, ox.NamedNode)) and head != nn(RDF + "nil") and len(items) < 1000:
            items += self._objects(head, RDF + "first")[:1]
            rest = self._objects(head, RDF + "rest")
            head = rest[0] if rest else None
        return items

    def expression(self, node, depth: int = 0) -> list[Link | str]:
        """A class expression as readable pieces (text and links), Manchester syntax style."""
        if isinstance(node, ox.NamedNode):
            return [self.link(node.value)]
        if not isinstance(node, ox.BlankNode) or depth > 8:
            return [str(node.value) if isinstance(node, ox.Literal) else "…"]
        for prop, word in (("intersectionOf", " and "), ("unionOf", " or ")):
            members = self._objects(node, OWL + prop)
            if members:
                out: list[Link | str] = []
                for i, member in enumerate(self._list(members[0])):
                    if i:
                        out.append(word)
                    part = self.expression(member, depth + 1)
                    out += ["("] + part + [")"] if isinstance(member, ox.BlankNode) and depth >= 0 and len(part) > 1 else part
                return out
        complement = self._objects(node, OWL + "complementOf")
        if complement:
            return ["not ("] + self.expression(complement[0], depth + 1) + [")"]
        on = self._objects(node, OWL + "onProperty")
        if on:
            for prop, word in (("someValuesFrom", "some"), ("allValuesFrom", "only"), ("hasValue", "value")):
                filler = self._objects(node, OWL + prop)
                if filler:
                    return [self.link(on[0].value), f" {word} "] + self.expression(filler[0], depth + 1)
            return [self.link(on[0].value), " (restriction)"]
        return ["(anonymous class)"]

    def _restrictions(self, node) -> list[tuple[str, ox.NamedNode]]:
        """(property, named filler) of the someValuesFrom restrictions of a superclass or of the
        members of an intersection."""
        out = []
        for member in [node] + [m for h in self._objects(node, OWL + "intersectionOf") for m in self._list(h)]:
            if not isinstance(member, ox.BlankNode):
                continue
            on = self._objects(member, OWL + "onProperty")
            filler = self._objects(member, OWL + "someValuesFrom")
            if on and filler and isinstance(filler[0], ox.NamedNode) and isinstance(on[0], ox.NamedNode):
                out.append((on[0].value, filler[0]))
        return out

    def describe(self, iri: str) -> TermPage:
        term = nn(iri)
        page = TermPage(term=self.link(iri))
        page.types = [self.link(t.value) for t in self._objects(term, TYPE) if isinstance(t, ox.NamedNode)]
        for d in self._objects(term, DEFINITION):
            page.definitions.append((d.value, self._definition_sources(term, d)))
        for prop, kind in SYNONYMS.items():
            page.synonyms += [(s.value, kind) for s in self._objects(term, prop)]
        for x in self._objects(term, XREF):
            page.xrefs.append(_xref_link(x.value))
        for prop, kind in MAPPINGS.items():
            page.mappings += [(kind, self.link(m.value)) for m in self._objects(term, prop) if isinstance(m, ox.NamedNode)]
        page.comments = [c.value for c in self._objects(term, COMMENT)]
        key = lambda link: link.label.casefold()
        page.parents = sorted((self.link(p) for p in self.parents.get(iri, ())), key=key)
        page.children = sorted((self.link(c) for c in self.children.get(iri, ())), key=key)
        related: dict[str, set[str]] = defaultdict(set)
        for eq in self._objects(term, OWL + "equivalentClass"):
            page.logical_links.append(self.expression(eq))
            for prop, filler in self._restrictions(eq):
                related[prop].add(filler.value)
        for sup in self._objects(term, SUBCLASS):
            for prop, filler in self._restrictions(sup):
                related[prop].add(filler.value)
        page.related = self._grouped(related)
        incoming: dict[str, set[str]] = defaultdict(set)
        for q in self.store.quads_for_pattern(None, nn(OWL + "someValuesFrom"), term, None):
            for on in self._objects(q.subject, OWL + "onProperty"):
                for owner in self._owners(q.subject):
                    incoming[on.value].add(owner)
        page.referenced_by = self._grouped(incoming)
        for q in sorted(self.store.quads_for_pattern(term, None, None, None), key=lambda q: (str(q.predicate), str(q.object))):
            if q.predicate.value in SHOWN or q.predicate.value == TYPE or isinstance(q.object, ox.BlankNode):
                continue
            value = self.link(q.object.value) if isinstance(q.object, ox.NamedNode) else q.object.value
            page.other.append((self.link(q.predicate.value), value))
        return page

    def _grouped(self, by_prop: dict[str, set[str]]) -> list[tuple[str, list[Link]]]:
        return sorted(((self.label(p), sorted((self.link(i) for i in iris), key=lambda link: link.label.casefold()))
                       for p, iris in by_prop.items()), key=lambda g: g[0].casefold())

    def _owners(self, node: ox.BlankNode) -> set[str]:
        """Named classes whose superclass or equivalent class (through intersections) is ``node``."""
        owners: set[str] = set()
        frontier, seen = [node], set()
        while frontier and len(seen) < 50:
            n = frontier.pop()
            if n in seen:
                continue
            seen.add(n)
            for q in self.store.quads_for_pattern(None, None, n, None):
                if q.predicate.value in (SUBCLASS, OWL + "equivalentClass") and isinstance(q.subject, ox.NamedNode):
                    owners.add(q.subject.value)
                elif q.predicate.value in (RDF + "first", RDF + "rest", OWL + "intersectionOf"):
                    frontier.append(q.subject)
        return owners

    def _definition_sources(self, term: ox.NamedNode, definition: ox.Literal) -> list[Link]:
        sources: list[Link] = []
        for q in self.store.quads_for_pattern(None, nn(OWL + "annotatedSource"), term, None):
            ax = q.subject
            if nn(DEFINITION) not in self._objects(ax, OWL + "annotatedProperty"):
                continue
            if definition not in self._objects(ax, OWL + "annotatedTarget"):
                continue
            for src in self._objects(ax, DCTERMS + "source") + self._objects(ax, XREF):
                link = self.link(src.value) if isinstance(src, ox.NamedNode) else _xref_link(src.value)
                if not any(link.iri == s.iri or (link.href and link.href == s.href) for s in sources):
                    sources.append(link)
        return sources


def short_name(iri: str) -> str:
    """A CURIE for an IRI, with the vocabulary prefixes too.

    >>> short_name("http://www.w3.org/2002/07/owl#Class"), short_name("urn:x")
    ('owl:Class', 'urn:x')
    """
    curie = ns.contract(iri)
    if curie:
        return curie
    for prefix, base in sorted(ns.VOCAB_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(base) and prefix not in ("obo", "nenkg") and len(iri) > len(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


def _xref_link(code: str) -> Link:
    """A cross-reference string as a link where its prefix is known (else no href)."""
    iri = xref_url(code)
    return Link(iri or code, code, iri or "", False, code)


def xref_url(code: str) -> str | None:
    """The web address of a cross-reference string (a CURIE of a known prefix, or a URL).

    >>> xref_url("PMID:123"), xref_url("XX:1"), xref_url("https://example.org/a")
    ('https://pubmed.ncbi.nlm.nih.gov/123', None, 'https://example.org/a')
    """
    if code.startswith(("http://", "https://")):
        return code
    try:
        prefix, local = ns.split_curie(code)
    except ValueError:
        return None
    base = ns.PREFIXES.get(prefix)
    if base is None or not base.startswith(("http://", "https://")):
        return None
    return base + local


class _Fuzzy:
    """Typo-tolerant similarity of one query to many texts: the better of the whole-phrase ratio
    and the mean, over the query's words, of the best ratio with a word of the text. Word ratios
    are computed once per distinct word of the index (with difflib's cheap upper bounds first)."""

    def __init__(self, query: str, vocabulary: list[str]):
        self.query = query
        self.words = query.split()
        self.whole = difflib.SequenceMatcher(None, autojunk=False)
        self.whole.set_seq2(query)
        self.word_scores: list[dict[str, float]] = []
        for w in self.words:
            m = difflib.SequenceMatcher(None, autojunk=False)
            m.set_seq2(w)
            scores: dict[str, float] = {}
            for t in vocabulary:
                if abs(len(t) - len(w)) > max(2, len(w) // 3):
                    if len(w) >= 3 and t.startswith(w):
                        scores[t] = 1.0
                    continue
                if len(w) >= 3 and t.startswith(w):
                    scores[t] = 1.0
                    continue
                m.set_seq1(t)
                if m.real_quick_ratio() >= 0.6 and m.quick_ratio() >= 0.6:
                    r = m.ratio()
                    if r >= 0.6:
                        scores[t] = r
            self.word_scores.append(scores)

    def score(self, norm: str) -> float:
        tokens = norm.split()
        if not tokens:
            return 0.0
        per_word = sum(max((scores.get(t, 0.0) for t in tokens), default=0.0) for scores in self.word_scores)
        per_word /= len(self.word_scores)
        if per_word < 0.5:
            return per_word
        self.whole.set_seq1(norm)
        whole = self.whole.ratio() if self.whole.quick_ratio() >= 0.5 else 0.0
        return max(whole, 0.85 * per_word + 0.15 * whole)
