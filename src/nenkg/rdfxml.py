"""Deterministic RDF/XML in the typed-node style of the OWL API and ROBOT.

Each named node is written as an element named after its OWL type (``<owl:Ontology>``,
``<owl:Class>``, ``<owl:ObjectProperty>``, ``<owl:NamedIndividual>`` ...), each blank node that
is the object of exactly one triple is nested inside that triple's property element
(``<rdfs:subClassOf><owl:Restriction>...``), well-formed RDF lists are written as
``rdf:parseType="Collection"``, and axiom annotations (``owl:Axiom``) follow the entity they
annotate. pronto (and OAK's pronto adapter) read only this style: they look for the typed
elements among the children of ``rdf:RDF``.

rdflib's ``pretty-xml`` serializer iterates subjects in set order (different output from run
to run); this writer orders everything by IRI, property and object, so the same graph always
gives the same bytes. Blank nodes that cannot be nested (referenced twice, or in a cycle) keep
their label as ``rdf:nodeID``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from . import namespaces as ns

#: the type that names a node's element, first match wins; other types stay ``rdf:type``
ELEMENT_TYPES = (
    OWL.Ontology, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    OWL.NamedIndividual, OWL.Axiom, OWL.Restriction, OWL.AllDisjointClasses, RDFS.Datatype,
)
#: order of the top-level sections (as in OWL API output); anything else comes last
SECTIONS = (OWL.Ontology, OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.Class,
            OWL.NamedIndividual)


def split_iri(iri: str) -> tuple[str, str]:
    cut = max(iri.rfind("#"), iri.rfind("/")) + 1
    return iri[:cut], iri[cut:]


class _Writer:
    def __init__(self, g: Graph):
        self.g = g
        self.prefixes = {iri: prefix for prefix, iri in ns.VOCAB_PREFIXES.items()}
        self.ns_used: dict[str, str] = {}
        self.incoming = Counter(o for o in g.objects() if isinstance(o, BNode))
        self.nested: set[BNode] = set()
        self.lists: dict[BNode, list] = {}
        self.home: dict[BNode, tuple] = {}
        self.roots: set[BNode] = set()  # blank nodes on a cycle, written at the top level
        self.lines: list[str] = []
        self._signatures: dict = {}

    # -- names -----------------------------------------------------------------------------
    def qname(self, iri: str) -> str:
        space, local = split_iri(iri)
        if space not in self.ns_used:
            self.ns_used[space] = self.prefixes.get(space) or f"ns{len(self.ns_used) + 1}"
        return f"{self.ns_used[space]}:{local}"

    def element_type(self, node) -> URIRef | None:
        types = set(self.g.objects(node, RDF.type))
        return next((t for t in ELEMENT_TYPES if t in types), None)

    # -- structure -------------------------------------------------------------------------
    def as_list(self, node: BNode) -> list | None:
        """The (cell, item) pairs of the well-formed list starting at ``node`` (each cell a blank node used
        once, holding only rdf:first and rdf:rest, items not literals), else None."""
        items = []
        cell = node
        while cell != RDF.nil:
            if not isinstance(cell, BNode) or self.incoming[cell] != 1:
                return None
            preds = Counter(self.g.predicates(cell))
            if set(preds) != {RDF.first, RDF.rest} or set(preds.values()) != {1}:
                return None
            item = self.g.value(cell, RDF.first)
            if isinstance(item, Literal):
                return None
            items.append((cell, item))
            cell = self.g.value(cell, RDF.rest)
            if len(items) > 100000:
                return None  # a cycle
        return items

    def choose_homes(self) -> None:
        """The one triple whose object element holds each blank node: a class's own axiom
        rather than an axiom annotation's ``owl:annotatedTarget`` (which then names it by
        ``rdf:nodeID``), a named subject before a blank one."""
        refs: dict[BNode, list] = {}
        for s, p, o in self.g:
            if isinstance(o, BNode):
                refs.setdefault(o, []).append((s, p))
        for o, pairs in refs.items():
            self.home[o] = min(pairs, key=lambda sp: (sp[1] == OWL.annotatedTarget, isinstance(sp[0], BNode),
                                                      str(sp[0]), str(sp[1])))

    def plan(self, roots: list) -> None:
        """Mark the blank nodes reachable from ``roots`` through their home triples as nested."""
        stack = list(roots)
        while stack:
            node = stack.pop()
            for p, o in self.g.predicate_objects(node):
                if (isinstance(o, BNode) and self.home.get(o) == (node, p) and o not in self.nested
                        and o not in self.roots):
                    self.nested.add(o)
                    items = self.as_list(o)
                    if items is not None:
                        self.lists[o] = items
                        for cell, item in items:  # the cells are written as the collection
                            self.nested.add(cell)
                            if isinstance(item, BNode) and self.home[item] == (cell, RDF.first):
                                self.nested.add(item)
                                stack.append(item)
                    else:
                        stack.append(o)

    # -- writing ---------------------------------------------------------------------------
    def node(self, subj, indent: int, top: bool) -> None:
        pad = "  " * indent
        etype = self.element_type(subj)
        tag = self.qname(str(etype)) if etype is not None else "rdf:Description"
        if isinstance(subj, URIRef):
            attr = f" rdf:about={quoteattr(str(subj))}"
        elif (subj in self.nested and self.incoming[subj] == 1) or (top and self.incoming[subj] == 0):
            attr = ""
        else:
            attr = f" rdf:nodeID={quoteattr(str(subj))}"
        props = [(p, o) for p, o in self.g.predicate_objects(subj) if not (p == RDF.type and o == etype)]
        if not props:
            self.lines.append(f"{pad}<{tag}{attr}/>")
            return
        self.lines.append(f"{pad}<{tag}{attr}>")
        for p, o in sorted(props, key=lambda po: (po[0] != RDF.type, str(po[0]), self.sort_key(po[1]))):
            self.prop(subj, p, o, indent + 1)
        self.lines.append(f"{pad}</{tag}>")

    def sort_key(self, o) -> str:
        if isinstance(o, BNode):
            return "~" + self.signature(o)  # nested content, after the IRIs and literals
        return o.n3()

    def signature(self, node, depth: int = 0) -> str:
        """The content below a blank node as text (the sort key of nested and axiom nodes)."""
        if not isinstance(node, BNode) or depth > 50:
            return node.n3()
        if node not in self._signatures:
            parts = sorted(f"{p.n3()} {self.signature(o, depth + 1)}" for p, o in self.g.predicate_objects(node))
            self._signatures[node] = "[" + " ; ".join(parts) + "]"
        return self._signatures[node]

    def prop(self, subj, p, o, indent: int) -> None:
        pad = "  " * indent
        tag = self.qname(str(p))
        if isinstance(o, Literal):
            attrs = ""
            if o.language:
                attrs = f" xml:lang={quoteattr(o.language)}"
            elif o.datatype:
                attrs = f" rdf:datatype={quoteattr(str(o.datatype))}"
            self.lines.append(f"{pad}<{tag}{attrs}>{escape(str(o))}</{tag}>")
        elif isinstance(o, URIRef):
            self.lines.append(f"{pad}<{tag} rdf:resource={quoteattr(str(o))}/>")
        elif o in self.lists and self.home[o] == (subj, p):
            self.lines.append(f'{pad}<{tag} rdf:parseType="Collection">')
            for cell, item in self.lists[o]:
                if isinstance(item, URIRef):
                    self.lines.append(f"{pad}  <rdf:Description rdf:about={quoteattr(str(item))}/>")
                elif self.home[item] == (cell, RDF.first):
                    self.node(item, indent + 1, top=False)
                else:
                    self.lines.append(f"{pad}  <rdf:Description rdf:nodeID={quoteattr(str(item))}/>")
            self.lines.append(f"{pad}</{tag}>")
        elif o in self.nested and self.home[o] == (subj, p):
            self.lines.append(f"{pad}<{tag}>")
            self.node(o, indent + 1, top=False)
            self.lines.append(f"{pad}</{tag}>")
        else:
            self.lines.append(f"{pad}<{tag} rdf:nodeID={quoteattr(str(o))}/>")

    def write(self) -> str:
        g = self.g
        named = sorted({s for s in g.subjects() if isinstance(s, URIRef)}, key=str)
        free = sorted({s for s in g.subjects() if isinstance(s, BNode) and self.incoming[s] == 0}, key=str)
        self.choose_homes()
        self.plan(named + free)
        # blank nodes left over sit on cycles of single references: written on their own
        for b in sorted({s for s in g.subjects() if isinstance(s, BNode)} - self.nested - set(free), key=str):
            if b not in self.nested:
                self.roots.add(b)
                free.append(b)
                self.plan([b])
        # axiom annotations follow the entity they annotate
        axioms: dict = {}
        others = []
        for b in free:
            source = g.value(b, OWL.annotatedSource)
            if (b, RDF.type, OWL.Axiom) in g and isinstance(source, URIRef) and self.incoming[b] == 0:
                axioms.setdefault(source, []).append(b)
            else:
                others.append(b)
        section = {t: i for i, t in enumerate(SECTIONS)}
        named.sort(key=lambda s: (section.get(self.element_type(s), len(SECTIONS)), str(s)))
        for s in named:
            self.node(s, 1, top=True)
            for b in sorted(axioms.pop(s, []), key=self.signature):
                self.node(b, 1, top=True)
        for source in sorted(axioms, key=str):  # annotated entities with no triples of their own
            for b in sorted(axioms[source], key=self.signature):
                self.node(b, 1, top=True)
        for b in others:
            self.node(b, 1, top=True)
        self.ns_used.setdefault(str(RDF), "rdf")
        decls = "".join(f"\n    xmlns:{prefix}={quoteattr(space)}"
                        for space, prefix in sorted(self.ns_used.items(), key=lambda kv: kv[1]))
        return '<?xml version="1.0" encoding="utf-8"?>\n' + f"<rdf:RDF{decls}>\n" + "\n".join(self.lines) + "\n</rdf:RDF>\n"


def write_rdfxml(g: Graph, path: Path) -> None:
    """Write ``g`` to ``path`` as typed-node RDF/XML, byte-identical for the same graph."""
    path.write_text(_Writer(g).write(), encoding="utf-8")
