"""Run the ROBOT-style QC queries of ``queries/qc/`` over an ontology graph.

Each query file holds one check. Its name is ``<level>-<check>.rq`` (``error-missing_label.rq``;
NENKG's own checks carry ``nen-``: ``error-nen-grade_outside_net.rq``), it starts with a
comment header (``# title:``, ``# level:``, ``# problem:``, ``# principle:``, ``# fix:``) and it
selects ``?entity ?property ?value``. The queries run on pyoxigraph, which answers the whole set
in well under a second on the ontology (rdflib's engine needs tens of seconds for the same).

>>> check = Check.from_text("error-missing_label.rq", "# title: t\\n# level: ERROR\\nSELECT * {}")
>>> check.name, check.level, check.header["title"]
('missing_label', 'ERROR', 't')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .errors import NenkgError
from .report import LEVELS, Finding, Report, shorten_iri
from .resources import qc_dir

QC_DIR = qc_dir()
HEADER_KEYS = ("title", "level", "problem", "principle", "fix")
_FILE_NAME = re.compile(r"^(error|warn|info)-([a-z0-9_-]+)\.rq$")
_HEADER_LINE = re.compile(r"^#\s*(\w+):\s*(.*)$")


@dataclass(frozen=True)
class Check:
    """One QC query with its header."""

    name: str
    level: str
    header: dict[str, str]
    query: str

    @classmethod
    def from_text(cls, file_name: str, text: str) -> "Check":
        m = _FILE_NAME.match(file_name)
        if not m:
            raise NenkgError(f"{file_name}: a QC query is named <error|warn|info>-<check>.rq")
        header: dict[str, str] = {}
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            hm = _HEADER_LINE.match(line)
            if hm:
                header[hm.group(1)] = hm.group(2).strip()
        return cls(m.group(2), m.group(1).upper(), header, text)

    @property
    def message(self) -> str:
        return self.header.get("fix", "")


def load_checks(folder: Path = QC_DIR) -> list[Check]:
    """Every check of ``folder``, sorted by file name."""
    if not folder.is_dir():
        raise NenkgError(f"QC query folder {folder} not found")
    return [Check.from_text(p.name, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.rq"))]


def to_store(graph: Graph) -> ox.Store:
    """Copy an rdflib graph into an in-memory pyoxigraph store (through N-Triples)."""
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def shorten(term: object) -> str:
    """A readable form of a query result: CURIE for known IRIs, plain text for literals.

    >>> shorten(ox.NamedNode("http://purl.obolibrary.org/obo/IAO_0000115")), shorten(ox.Literal("x"))
    ('IAO:0000115', 'x')
    """
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term.value)


def run_check(store: ox.Store, check: Check) -> list[Finding]:
    rows = store.query(check.query)
    return [
        Finding(check.level, check.name, shorten(row["entity"]), shorten(row["property"]), shorten(row["value"]),
                "qc", check.message)
        for row in rows
    ]


def run_qc(graph: Graph, checks: list[Check] | None = None) -> Report:
    """Run every check (default: all of ``queries/qc``) and collect the findings."""
    store = to_store(graph)
    findings: list[Finding] = []
    for check in checks if checks is not None else load_checks():
        if check.level not in LEVELS:
            raise NenkgError(f"{check.name}: unknown level {check.level}")
        findings.extend(run_check(store, check))
    return Report(findings)
