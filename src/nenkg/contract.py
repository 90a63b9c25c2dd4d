"""The tumour-record contract: every field a record file may have, read from the release.

Each field is a property of ``ontology/src/records.yaml`` with its column name (``csv column``)
and, as data on the property, what the field accepts: the datatype (``rdfs:range``), bounds
(``minimum value``, ``maximum value``), the terms of a categorical field (``value set member``,
``value set root``, ``value set namespace``), the values of a free-text field (``allowed
value``), the code system of a coded field (``code annotation``, ``code prefix``), whether it is
single-valued (``owl:FunctionalProperty``) and its role (``field role``). The record reader, the
record shapes, the batch path's cache key, the output writers and ``nenkg fields`` all read this
one table; none of them lists columns of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from . import namespaces as ns
from .vocab import NENKG

#: what kinds of value a field holds (from its property's type, range and annotations)
KINDS = ("identifier", "term", "code", "number", "choice", "text")


@dataclass(frozen=True)
class Field:
    """One column of the record contract."""

    name: str
    prop: URIRef
    label: str
    definition: str
    kind: str
    datatype: URIRef | None = None
    required: bool = False
    multi: bool = False
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    members: tuple[URIRef, ...] = ()
    roots: tuple[URIRef, ...] = ()
    namespaces: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    code_annotation: URIRef | None = None
    code_prefix: str = ""

    @property
    def whole(self) -> bool:
        return self.datatype == XSD.integer

    def bounds_text(self) -> str:
        low = "" if self.minimum is None else _num(self.minimum)
        high = "" if self.maximum is None else _num(self.maximum)
        if low and high:
            return f"{low} to {high}"
        if low:
            return f"{low} or more"
        return f"up to {high}" if high else ""


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f")


class Contract:
    """The fields of a tumour record, in the order of their properties' identifiers."""

    def __init__(self, graph: Graph):
        g = graph
        fields: list[Field] = []
        for prop, column in sorted(g.subject_objects(NENKG.csv_column)):
            roles = {str(r) for r in g.objects(prop, NENKG.field_role)}
            is_object = (prop, RDF.type, OWL.ObjectProperty) in g
            datatype = g.value(prop, RDFS.range) if not is_object else None
            code = g.value(prop, NENKG.code_annotation)
            choices = tuple(sorted(str(v) for v in g.objects(prop, NENKG.allowed_value)))
            if "identifier" in roles:
                kind = "identifier"
            elif is_object:
                kind = "term"
            elif code is not None:
                kind = "code"
            elif datatype in (XSD.decimal, XSD.integer):
                kind = "number"
            elif choices:
                kind = "choice"
            else:
                kind = "text"
            fields.append(Field(
                name=str(column), prop=prop, label=str(g.value(prop, RDFS.label) or column),
                definition=str(g.value(prop, ns.IAO_DEFINITION) or ""), kind=kind,
                datatype=datatype if isinstance(datatype, URIRef) else None,
                required=bool(roles & {"identifier", "required"}),
                multi=(prop, RDF.type, OWL.FunctionalProperty) not in g,
                minimum=_dec(g.value(prop, NENKG.minimum_value)), maximum=_dec(g.value(prop, NENKG.maximum_value)),
                members=tuple(sorted(g.objects(prop, NENKG.value_set_member))),
                roots=tuple(sorted(g.objects(prop, NENKG.value_set_root))),
                namespaces=tuple(sorted(str(v) for v in g.objects(prop, NENKG.value_set_namespace))),
                choices=choices, code_annotation=code if isinstance(code, URIRef) else None,
                code_prefix=str(g.value(prop, NENKG.code_prefix) or ""),
            ))
        if not fields:
            raise ValueError("the graph holds no record fields (is it a NENKG release?)")
        self.fields = tuple(fields)
        self.by_name = {f.name: f for f in fields}
        self.by_prop = {f.prop: f for f in fields}
        self.names = tuple(f.name for f in fields)
        ids = [f for f in fields if f.kind == "identifier"]
        if len(ids) != 1:
            raise ValueError(f"the record contract needs exactly one identifier field, found {len(ids)}")
        self.identifier = ids[0]
        self.required = tuple(f for f in fields if f.required and f.kind != "identifier")
        #: a coded field that, when a term field of the same code system is blank, supplies it
        #: (topography_code gives primary_site)
        self.fills = {
            c.name: t.name for c in fields if c.kind == "code"
            for t in fields if t.kind == "term" and t.code_annotation is not None and t.code_annotation == c.code_annotation
        }
        #: a required field is satisfied by a code field that fills it
        self.alternatives = {t: c for c, t in self.fills.items()}
        #: the primary site's column and the code column that can stand for it (None if none)
        self.site_field = next(iter(self.alternatives), None)
        self.topography_field = self.alternatives.get(self.site_field) if self.site_field else None

    def __iter__(self):
        return iter(self.fields)

    def __getitem__(self, name: str) -> Field:
        return self.by_name[name]


def _dec(value) -> Decimal | None:
    return Decimal(str(value)) if isinstance(value, Literal) else None
