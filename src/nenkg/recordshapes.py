"""The SHACL shapes of a valid tumour record, written from the record contract.

``shapes/records/tumour-record.ttl`` is this module's output for the current release, so the
shapes and the record reader cannot drift apart: both come from the field table of
``contract.py``. A test keeps the file equal to :func:`render`; ``python -m nenkg.vocabgen``
rewrites it after the contract changes.
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from . import namespaces as ns
from .contract import Contract, Field

HEADER = """# SHACL shapes for NENKG tumour records: the specification of a valid record.
#
# Generated from the record contract of the release (the field annotations of
# ontology/src/records.yaml) by `python -m nenkg.vocabgen`: do not edit by hand.
#
# Field-level rules (datatypes, bounds, accepted terms and codes, cardinalities) are here; the
# site-scoped requirements of grading are data of the criteria and are enforced when a record is
# classified. Validate with the ontology as ont_graph, so that accepted terms can follow labels
# and rdfs:subClassOf in the ontology. `nenkg classify` applies the same checks;
# tests/test_record_shapes.py runs both on thousands of generated records and requires the same
# verdict for every one.

@prefix nenkg: <https://w3id.org/nenkg/NENKG_> .
@prefix nenkgsh: <https://w3id.org/nenkg/shapes#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<https://w3id.org/nenkg/shapes/records/tumour-record.ttl> a owl:Ontology ;
    dcterms:title "NENKG tumour record shapes"@en ;
    dcterms:description "SHACL shapes that define a valid NENKG tumour record (one row of the CSV/JSON Lines contract, in RDF)."@en ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> .
"""


def shape_name(f: Field) -> str:
    return "".join(p.capitalize() for p in f.name.split("_")) + "Shape"


def _n3(node) -> str:
    if isinstance(node, URIRef):
        curie = ns.contract(str(node))
        if curie and curie.startswith("NENKG:"):
            return "nenkg:" + curie.split(":", 1)[1]
        return f"<{node}>"
    return Literal(str(node)).n3()


def _quote(text: str) -> str:
    return Literal(text).n3()


def accepted(f: Field, graph: Graph) -> str:
    """What a field accepts, in words (the shape's message and `nenkg fields`)."""
    def label(t):
        return str(graph.value(t, RDFS.label) or ns.contract(str(t)))

    if f.kind == "identifier":
        return "a non-empty identifier, unique within its file"
    if f.kind == "number":
        return ("a whole number" if f.whole else "a number (decimals allowed)") + (f", {f.bounds_text()}" if f.bounds_text() else "")
    if f.kind == "choice":
        return "one of " + ", ".join(f.choices) + " (or its first letter)"
    if f.kind == "code":
        return "an ICD-O-3 code with or without its dot or slash"
    parts = []
    if f.members:
        parts.append(", ".join(label(m) for m in f.members))
    if f.roots:
        parts.append("any term below " + ", ".join(f"'{label(r)}'" for r in f.roots))
    if f.namespaces:
        parts.append("an anatomical entity of UBERON the ontology declares" if "UBERON" in f.namespaces[0] else f"a term of {f.namespaces[0]}")
    if f.code_annotation is not None:
        parts.append("or its ICD-O-3 topography code")
    what = "; ".join(parts)
    return what + (", several separated by |" if f.multi else "") + " (by CURIE, label, synonym or code)"


def render(contract: Contract, graph: Graph) -> str:
    out = [HEADER]
    names = ", ".join("nenkgsh:" + shape_name(f) for f in contract)
    either = []
    for term_field, code_field in sorted(contract.alternatives.items()):
        t, c = contract[term_field], contract[code_field]
        either.append(f"    sh:or ( [ sh:path {_n3(t.prop)} ; sh:minCount 1 ] [ sh:path {_n3(c.prop)} ; sh:minCount 1 ] ) ;\n"
                      f"    sh:message {_quote(f'{term_field}: give it, or {code_field} for a code with a site')} ;\n")
    out.append("nenkgsh:TumourRecordShape a sh:NodeShape ;\n    sh:targetClass nenkg:0004005 ;\n"
               '    sh:name "tumour record" ;\n'
               '    sh:description "One tumour of one person, with the fields of the public record contract." ;\n'
               + "".join(either) + f"    sh:property {names} .\n")
    for f in contract:
        lines = [f"nenkgsh:{shape_name(f)} a sh:PropertyShape ;", f"    sh:path {_n3(f.prop)} ;", f'    sh:name "{f.name}" ;']
        counts = []
        if f.required and f.name not in contract.alternatives:
            counts.append("sh:minCount 1")  # (a field a code can stand for is required by the node shape)
        if not f.multi:
            counts.append("sh:maxCount 1")
        if counts:
            lines.append("    " + " ; ".join(counts) + " ;")
        if f.kind == "identifier":
            lines.append("    sh:datatype xsd:string ; sh:minLength 1 ;")
        elif f.kind == "number":
            bits = [f"sh:datatype xsd:{'integer' if f.whole else 'decimal'}"]
            if f.minimum is not None:
                bits.append(f"sh:minInclusive {format(f.minimum.normalize(), 'f')}")
            if f.maximum is not None:
                bits.append(f"sh:maxInclusive {format(f.maximum.normalize(), 'f')}")
            lines.append("    " + " ; ".join(bits) + " ;")
        elif f.kind == "choice":
            lines.append("    sh:in ( " + " ".join(_quote(c) for c in f.choices) + " ) ;")
        elif f.kind == "code":
            codes = sorted({str(o)[len(f.code_prefix):] for o in graph.objects(None, f.code_annotation)
                            if str(o).startswith(f.code_prefix)})
            # one pattern listing the codes (an sh:in list of hundreds of members makes every
            # validation walk the list per value); the reader writes a known code as the release does
            alternatives = "|".join(re.escape(c) for c in codes)
            lines.append("    sh:datatype xsd:string ;")
            lines.append(f"    sh:pattern {_quote('^(' + alternatives + ')$')} ;")
        else:
            alternatives = []
            if f.members:
                alternatives.append("[ sh:in ( " + " ".join(_n3(m) for m in f.members) + " ) ]")
            for r in f.roots:
                alternatives.append(f"[ sh:nodeKind sh:IRI ; sh:property [ sh:path [ sh:zeroOrMorePath rdfs:subClassOf ] ; sh:hasValue {_n3(r)} ] ]")
            for space in f.namespaces:
                pattern = "^" + re.escape(space).replace("\\", "\\\\") + ".+$"
                alternatives.append(f'[ sh:nodeKind sh:IRI ; sh:pattern "{pattern}" ; sh:property [ sh:path rdfs:label ; sh:minCount 1 ] ]')
            if len(alternatives) == 1:
                lines.append(f"    sh:node {alternatives[0]} ;")
            else:
                lines.append("    sh:or ( " + " ".join(f"[ sh:node {a} ]" for a in alternatives) + " ) ;")
        lines.append("    sh:severity sh:Violation ;")
        lines.append(f"    sh:message {_quote(f.name + ': ' + accepted(f, graph))} .")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)
