"""Quality checks of an ontology graph: the QC queries and the SHACL shapes together.

``nenkg check`` and ``nenkg build`` both call :func:`check_graph`; the graph comes either from
the sources (compiled without reasoning, :func:`source_graph`) or from a release file
(:func:`load_release_file`).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from xml.sax import SAXParseException

from rdflib import Graph

from . import namespaces as ns
from .errors import NenkgError, QualityError, SourceErrors
from .qc import run_qc
from .report import Report
from .shapes import run_shapes
from .sources import compile_sources, load_sources, sort_errors

RDF_FORMATS = {".owl": "xml", ".rdf": "xml", ".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}


@dataclass
class CheckRun:
    report: Report
    target: str
    triples: int
    seconds: float


def source_graph(root: Path) -> Graph:
    """The ontology compiled from ``root/ontology/src``, as asserted (no reasoner); raises
    SourceErrors with every problem of every module."""
    ss, errors = load_sources(Path(root) / "ontology" / "src")
    iri, version_iri = ns.ontology_iris(ss.version, "nenkg.owl")
    compiler = compile_sources(ss, ontology_iri=iri, version_iri=version_iri)
    errors += compiler.errors
    if errors:
        raise SourceErrors(sort_errors(errors, ss.files))
    return compiler.g


def _line_of(exc: Exception) -> int | None:
    if isinstance(exc, SAXParseException):
        return exc.getLineNumber()
    if isinstance(exc, json.JSONDecodeError):
        return exc.lineno
    line = getattr(exc, "lines", None)  # rdflib's Turtle/N-Triples BadSyntax
    return line + 1 if isinstance(line, int) else None


def load_release_file(path: Path) -> Graph:
    """Parse a release file by its suffix; any failure is a NenkgError naming file and line."""
    path = Path(path)
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise NenkgError(f"{path}: unknown file type {path.suffix!r}; expected one of {', '.join(sorted(RDF_FORMATS))}")
    if not path.is_file():
        raise NenkgError(f"{path}: no such file")
    try:
        return Graph().parse(path, format=fmt)
    except Exception as exc:  # rdflib's parsers raise many unrelated exception types
        line = _line_of(exc)
        where = f"{path}:{line}" if line else str(path)
        reason = " ".join(str(exc).split())[:300]
        raise NenkgError(f"{where}: cannot parse as {fmt}: {reason}") from None


def check_graph(graph: Graph) -> Report:
    """Run every QC query and every SHACL shape over ``graph``."""
    return run_qc(graph).extend(run_shapes(graph))


def run_check(root: Path, path: Path | None = None) -> CheckRun:
    """Check a release file, or (without ``path``) the sources of the project at ``root``."""
    start = time.perf_counter()
    graph = load_release_file(path) if path else source_graph(root)
    report = check_graph(graph)
    if not path:  # the sources keep every released ID with its kind (nenkg.ids)
        from .ids import check_ids

        report = report.extend(check_ids(root, graph))
    target = str(path) if path else str(Path(root) / "ontology" / "src")
    return CheckRun(report, target, len(graph), time.perf_counter() - start)


def refuse_on_errors(report: Report) -> None:
    """Raise QualityError listing the ERROR findings, if any."""
    if report.failed:
        raise QualityError(report.at("ERROR"))
