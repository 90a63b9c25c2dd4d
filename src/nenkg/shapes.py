"""Validate an ontology graph with the SHACL shapes of ``shapes/`` (pySHACL).

Each shape of ``shapes/*.ttl`` has an IRI under ``https://w3id.org/nenkg/shapes#``, so a result
names the rule that fired (``sh:sourceShape``) and the node it fired on (``sh:focusNode``). The
results become :class:`~nenkg.report.Finding` entries with the shape's local name as the check.

The CURIE and IRI patterns of the mapping shapes are built from
:data:`nenkg.namespaces.LOCAL_ID_PATTERNS`; a test keeps ``shapes/mappings.ttl`` equal to them.

>>> curie_pattern(["ICDO", "NCIT"])
'^(ICDO:\\\\d{4}/\\\\d|NCIT:C\\\\d+)$'
"""

from __future__ import annotations

import re
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from . import namespaces as ns
from .errors import NenkgError
from .report import Finding, Report, shorten_iri
from .resources import shapes_dir

SHAPES_DIR = shapes_dir()
SHAPES_NS = "https://w3id.org/nenkg/shapes#"
SEVERITY_LEVEL = {SH.Violation: "ERROR", SH.Warning: "WARN", SH.Info: "INFO"}
_REGEX_SPECIAL = re.compile(r"([.?*+^$()\[\]{}|\\])")


def curie_pattern(prefixes: list[str]) -> str:
    """One anchored pattern accepting ``PREFIX:local`` for each prefix, with its local syntax."""
    return "^(" + "|".join(f"{p}:{ns.LOCAL_ID_PATTERNS[p]}" for p in sorted(prefixes)) + ")$"


def iri_pattern(prefixes: list[str]) -> str:
    """One anchored pattern accepting the IRI of a term of each (entity) prefix."""
    parts = (_REGEX_SPECIAL.sub(r"\\\1", ns.ENTITY_PREFIXES[p]) + ns.LOCAL_ID_PATTERNS[p] for p in sorted(prefixes))
    return "^(" + "|".join(parts) + ")$"


def expected_patterns() -> dict[str, str]:
    """The sh:pattern every mapping shape must carry (shape local name -> pattern)."""
    xref_prefixes = sorted({*ns.ENTITY_PREFIXES, *ns.XREF_ONLY_PREFIXES})
    return {
        "TermDbXrefShape": curie_pattern(xref_prefixes),
        "TermMappingIriShape": iri_pattern(sorted(ns.ENTITY_PREFIXES)),
        "DefinitionXrefShape": curie_pattern(xref_prefixes)[:-2] + r"|https?://\S+)$",
    }


def load_shapes(folder: Path = SHAPES_DIR) -> Graph:
    """All shapes files of ``folder`` in one graph; a parse error names the file."""
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise NenkgError(f"no shapes (*.ttl) found in {folder}")
    graph = Graph()
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
            raise NenkgError(f"{path}: cannot parse the shapes: {exc}") from None
    return graph


def short(node: Node | None) -> str:
    """Shape IRIs by local name, other IRIs as CURIEs where the prefix map knows them."""
    if node is None:
        return ""
    text = str(node)
    if text.startswith(SHAPES_NS):
        return text[len(SHAPES_NS):]
    return shorten_iri(text) if isinstance(node, URIRef) else text


def _finding(results: Graph, result: Node, shapes: Graph) -> Finding:
    shape = results.value(result, SH.sourceShape)
    severity = results.value(result, SH.resultSeverity)
    path = results.value(result, SH.resultPath)
    message = results.value(result, SH.resultMessage) or shapes.value(shape, SH.message)
    name = short(shape) if isinstance(shape, URIRef) else "(anonymous shape)"
    return Finding(
        SEVERITY_LEVEL.get(severity, "ERROR"), name, short(results.value(result, SH.focusNode)),
        short(path) if isinstance(path, URIRef) else "", short(results.value(result, SH.value)),
        "shacl", str(message or ""),
    )


def validate_graph(graph: Graph, shapes: Graph) -> Graph:
    """The pySHACL results graph. SHACL-AF is on for the SPARQL targets; no inference is needed
    because every target is chosen by namespace or property, never by class membership."""
    _conforms, results, _text = validate(graph, shacl_graph=shapes, advanced=True, inference="none",
                                         allow_warnings=True)
    return results


def run_shapes(graph: Graph, shapes: Graph | None = None) -> Report:
    """Validate ``graph`` with the shapes (default: ``shapes/*.ttl``) and report every result."""
    shapes = shapes if shapes is not None else load_shapes()
    results = validate_graph(graph, shapes)
    return Report([_finding(results, r, shapes) for r in top_level_results(results)])


def top_level_results(results: Graph) -> list[Node]:
    """The ``sh:result`` entries of the validation report. pySHACL also types the results of a
    nested ``sh:node`` check (linked by ``sh:detail``) as ``sh:ValidationResult``; they explain
    their top-level result and are not counted as findings of their own."""
    return [r for report in results.subjects(RDF.type, SH.ValidationReport) for r in results.objects(report, SH.result)]
