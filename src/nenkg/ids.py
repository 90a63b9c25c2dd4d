"""IDs are never reused: the list of every released NENKG ID, checked against the sources.

``ontology/ids.tsv`` lists every NENKG entity a release has published: its ID, its kind (class,
object property, datatype property, annotation property, individual) and the release that first
published it. ``nenkg release`` appends the IDs a new release publishes; nothing else writes it,
and no row is ever removed or changed.

``nenkg check`` (of the sources) and the build's quality gate compare the compiled graph with
the list: an ID of the list that the graph no longer declares (deleted instead of obsoleted) or
declares as another kind of entity (reused) is an ERROR. A deprecated term is still declared, so
obsoletion passes; a new ID not yet on the list is fine until it is released.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from . import namespaces as ns
from .errors import NenkgError
from .report import Finding, Report

IDS_FILE = Path("ontology") / "ids.tsv"  # relative to the project root
COLUMNS = ("id", "kind", "first_release")
HEADER = ("# Every NENKG ID a release has published, with its kind and the release that first published it.\n"
          "# Appended by `nenkg release`; never edit or remove a row: an ID is obsoleted, never deleted or reused.\n")
FIX = ("An ID that was released stays in the sources with its kind: restore the term and obsolete it "
       "(`nenkg obsolete ID --replaced-by ID --reason TEXT`); a different entity needs a new ID.")


@dataclass(frozen=True)
class Released:
    curie: str
    kind: str
    first_release: str
    line: int


def read_ids(path: Path) -> dict[str, Released]:
    """The list at ``path`` (a missing file is an empty list); a malformed row is a NenkgError
    naming file and line."""
    path = Path(path)
    if not path.is_file():
        return {}
    out: dict[str, Released] = {}
    header_seen = False
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if tuple(cells) != COLUMNS:
                raise NenkgError(f"{path}:{n}: expected the header {' '.join(COLUMNS)} (tab-separated)")
            header_seen = True
            continue
        if len(cells) != len(COLUMNS) or not ns.is_valid_curie(cells[0]) or not cells[0].startswith("NENKG:"):
            raise NenkgError(f"{path}:{n}: expected a NENKG ID, its kind and a release, tab-separated")
        if cells[0] in out:
            raise NenkgError(f"{path}:{n}: {cells[0]} is listed twice (first on line {out[cells[0]].line})")
        out[cells[0]] = Released(cells[0], cells[1], cells[2], n)
    return out


def entity_kinds(g: Graph) -> dict[str, str]:
    """Every NENKG entity the graph declares, with its kind (as :mod:`nenkg.diff` names it)."""
    from .diff import KINDS, OWN

    kinds: dict[str, str] = {}
    for kind_iri, kind in KINDS.items():
        for s in g.subjects(RDF.type, kind_iri):
            if isinstance(s, URIRef) and str(s).startswith(OWN):
                kinds.setdefault(ns.contract(str(s)) or str(s), kind)
    return kinds


def id_findings(g: Graph, released: dict[str, Released], where: str = str(IDS_FILE)) -> Report:
    """ERROR findings for each released ID the graph lost or declares as another kind."""
    kinds = entity_kinds(g)
    findings = []
    for curie, r in sorted(released.items()):
        now = kinds.get(curie)
        if now is None:
            findings.append(Finding("ERROR", "nen-released_id_missing", curie, "rdf:type", f"{r.kind} released {r.first_release} "
                                    f"({where}:{r.line}) is not declared", "ids", FIX))
        elif now != r.kind:
            findings.append(Finding("ERROR", "nen-released_id_reused", curie, "rdf:type", f"released {r.first_release} as a "
                                    f"{r.kind} ({where}:{r.line}), now a {now}", "ids", FIX))
    return Report(findings)


def check_ids(root: Path, g: Graph) -> Report:
    """The findings of :func:`id_findings` for the project at ``root`` (none without a list)."""
    path = Path(root) / IDS_FILE
    return id_findings(g, read_ids(path), str(path))


def new_ids_text(path: Path, g: Graph, version: str) -> tuple[str, list[str]]:
    """The text of the list with the NENKG entities of ``g`` it lacks appended (as first released
    in ``version``), and those IDs."""
    path = Path(path)
    released = read_ids(path)
    text = path.read_text(encoding="utf-8") if path.is_file() else HEADER + "\t".join(COLUMNS) + "\n"
    if text and not text.endswith("\n"):
        text += "\n"
    added = [c for c in sorted(entity_kinds(g)) if c not in released]
    kinds = entity_kinds(g)
    text += "".join(f"{c}\t{kinds[c]}\t{version}\n" for c in added)
    return text, added
