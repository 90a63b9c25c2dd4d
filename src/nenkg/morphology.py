"""What an ICD-O-3 morphology code says about a tumour, read from the class definitions.

A morphology code (8240/3, 8041/3, 8249/3...) is carried, as an ``ICDO:`` cross-reference, by
one or more NENKG classes. Each class's logical definition, and those of the classes above it,
fix some of the record's fields: "neuroendocrine tumour" is a neoplasm *with modifier* well
differentiated, "small cell neuroendocrine carcinoma" one with modifier small cell. The facts a
code implies are those every class carrying the code agrees on (8249/3, carried by NET G2 and
by NET G3 in ICD-O-3.2, implies well differentiated but no grade).

A registry row with only topography and morphology is thus classified from the code; a row that
also states a field the code fixes otherwise keeps what it states and gets a warning.
"""

from __future__ import annotations

from rdflib import BNode, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .grading import RO_MODIFIER, Knowledge


class MorphologyFacts:
    """Per morphology code's classes: field name -> the value the code implies."""

    def __init__(self, knowledge: Knowledge):
        self.k = knowledge
        self._cache: dict[tuple[URIRef, ...], dict[str, URIRef]] = {}
        # the fields whose values a modifier can be: categorical fields with explicit members
        self.fields = {f.name: set(f.members) for f in knowledge.contract if f.kind == "term" and f.members}

    def _modifiers(self, cls: URIRef) -> set[URIRef]:
        """Modifiers that a class's definition, or an ancestor's, requires (conjuncts only)."""
        g = self.k.g
        found: set[URIRef] = set()
        for c in self.k.ancestors(cls):
            for pred in (OWL.equivalentClass, RDFS.subClassOf):
                for expr in g.objects(c, pred):
                    if isinstance(expr, BNode):
                        found |= self._conjunct_modifiers(expr)
        return found

    def _conjunct_modifiers(self, node: BNode) -> set[URIRef]:
        g = self.k.g
        if (node, OWL.onProperty, RO_MODIFIER) in g:
            filler = g.value(node, OWL.someValuesFrom)
            return {filler} if isinstance(filler, URIRef) else set()
        head = g.value(node, OWL.intersectionOf)
        out: set[URIRef] = set()
        while head is not None and head != RDF.nil:
            item = g.value(head, RDF.first)
            if isinstance(item, BNode):
                out |= self._conjunct_modifiers(item)
            head = g.value(head, RDF.rest)
        return out

    def implied(self, classes: tuple[URIRef, ...]) -> dict[str, URIRef]:
        """Field -> value that every one of ``classes`` implies."""
        hit = self._cache.get(classes)
        if hit is not None:
            return hit
        per_class = []
        for cls in classes:
            mods = self._modifiers(cls)
            values = {}
            for name, members in self.fields.items():
                hits = {m for m in members if any(m in self.k.ancestors(x) for x in mods)}
                if len(hits) == 1:
                    values[name] = next(iter(hits))
            per_class.append(values)
        agreed = dict(per_class[0]) if per_class else {}
        for values in per_class[1:]:
            agreed = {n: v for n, v in agreed.items() if values.get(n) == v}
        self._cache[classes] = agreed
        return agreed
