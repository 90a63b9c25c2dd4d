"""Tumour records as an RDF graph for a store: what each record says, and what the classifier
concluded. Every input row comes out in the graph and in the counts, classified or rejected: a
classified row as a tumour record (NENKG:0004005) with its fields and outcome, a rejected row as a
rejected tumour record (NENKG:0004013) with its identifier and the reason, so the tumour record
shapes of shapes/records/ hold for every record the graph contains."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rdflib import URIRef
from rdflib.namespace import RDF

from . import namespaces as ns
from .fastpath import Result, per_record_results
from .grading import Classifier, Knowledge, Outcome
from .records import (
    RecordReader,
    raw_to_triples,
    rdf_rows,
    read_rows,
    reading,
    record_iri,
)
from .store import RECORDS_GRAPH_BASE

N = ns.ENTITY_PREFIXES["NENKG"]
RECORD_CLASS = URIRef(N + "0004005")
#: a row that could not be read as a tumour record: a class of its own, so the tumour record
#: shapes (shapes/records/) do not target it
REJECTED_RECORD_CLASS = URIRef(N + "0004013")
RECORD_ID = URIRef(N + "0004030")
CLASSIFIED_AS = URIRef(N + "0004045")
HAS_GRADE = URIRef(N + "0004046")
MET_CRITERION = URIRef(N + "0004047")
MESSAGE = URIRef(N + "0004048")
WARNING = URIRef(N + "0004049")
RECORD_COUNT = URIRef(N + "0004060")
NUMBER_OF_RECORDS = URIRef(N + "0004061")
PRIMARY_SITE = URIRef(N + "0004031")
RDF_SUFFIXES = (".ttl", ".nt", ".rdf", ".owl", ".jsonld")


def record_set_name(path: Path) -> str:
    """The name of a record file's set: its file name up to the first dot."""
    return Path(path).name.split(".")[0]


def counts_ntriples(set_name: str, tally: dict[tuple[str, str, str], int]) -> str:
    """One tumour record count per (site, class, grade) combination, in a stable order."""
    lines = []
    base = RECORDS_GRAPH_BASE + urllib.parse.quote(set_name, safe="") + "/count/"
    for i, ((site, cls, grade), n) in enumerate(sorted(tally.items()), start=1):
        s = f"<{base}{i}>"
        lines.append(f"{s} {RDF.type.n3()} {RECORD_COUNT.n3()} .\n")
        if site:
            lines.append(f"{s} {PRIMARY_SITE.n3()} <{site}> .\n")
        if cls:
            lines.append(f"{s} {CLASSIFIED_AS.n3()} <{cls}> .\n")
        if grade:
            lines.append(f"{s} {HAS_GRADE.n3()} <{grade}> .\n")
        lines.append(f'{s} {NUMBER_OF_RECORDS.n3()} "{n}"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
    return "".join(lines)


@dataclass
class Counts:
    classified: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    #: classified records per (site IRI, class IRI, grade IRI); "" where there is none
    tally: dict[tuple[str, str, str], int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.classified + self.rejected

    def reject(self, path: Path, res: Result) -> str:
        """Counts a rejected record (keeping the first 20 messages) and returns its message."""
        assert res.rejection is not None
        self.rejected += 1
        message = f"row {res.row}: {res.rejection.field}: {res.rejection.reason}"
        if len(self.errors) < 20:
            self.errors.append(f"{path}: {message}")
        return message

    def classify(self, site: str, outcome: Outcome) -> None:
        self.classified += 1
        key = (site, outcome.class_iri, outcome.grade_iri)
        self.tally[key] = self.tally.get(key, 0) + 1


def _literal(text: str) -> str:
    """An xsd:string literal in N-Triples."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _with_subject(s: str, po: str) -> str:
    """N-Triples lines from predicate-object lines (each `` p o .\\n``) and a subject."""
    return po.replace(" .\n ", f" .\n{s} ").join((s, "")) if po else ""


def _outcome_po(o: Outcome) -> str:
    """What the classifier concluded, as predicate-object lines (the reason is written apart:
    it quotes the record's own values)."""
    parts = []
    if o.class_iri:
        parts.append(f" {CLASSIFIED_AS.n3()} <{o.class_iri}> .\n")
    if o.grade_iri:
        parts.append(f" {HAS_GRADE.n3()} <{o.grade_iri}> .\n")
    parts += [f" {MET_CRITERION.n3()} <{ns.expand(c)}> .\n" for c in o.criteria]
    parts += [f" {WARNING.n3()} {_literal(w)} .\n" for w in o.warnings]
    return "".join(parts)


def _record_head(s: str, record_id: str, rejected: bool = False) -> str:
    cls = REJECTED_RECORD_CLASS if rejected else RECORD_CLASS
    return f"{s} {RDF.type.n3()} {cls.n3()} .\n{s} {RECORD_ID.n3()} {_literal(record_id)} .\n"


class _Lines:
    """N-Triples lines collected and written to ``out`` in large chunks."""

    def __init__(self, out: TextIO, chunk: int) -> None:
        self.out, self.chunk, self.lines = out, chunk, []

    def add(self, text: str) -> None:
        self.lines.append(text)

    def end_record(self, s: str, message: str) -> None:
        """The record's outcome message closes it; a full chunk is written out."""
        self.lines.append(f"{s} {MESSAGE.n3()} {_literal(message)} .\n")
        if len(self.lines) > self.chunk:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.lines))
        self.lines.clear()


def write_record_graph(path: Path, out: TextIO, knowledge: Knowledge, set_name: str | None = None) -> Counts:
    """Reads a record file (CSV, JSON Lines or RDF), classifies it and writes N-Triples to
    ``out``: every record, then the tumour record counts of the set."""
    reader = RecordReader(knowledge)
    with reading(str(path)):
        if str(path).endswith(".csv"):
            counts = _csv_graph(path, out, knowledge, reader)
        else:
            counts = _any_graph(path, out, knowledge, reader)
    out.write(counts_ntriples(set_name or record_set_name(path), counts.tally))
    return counts


def _any_graph(path: Path, out: TextIO, knowledge: Knowledge, reader: RecordReader) -> Counts:
    """The reference path: one record at a time, each written from its own parsed fields."""
    counts = Counts()
    raws: dict[int, dict[str, str] | None] = {}

    def rows(fh: TextIO):
        source = rdf_rows(str(path), knowledge) if str(path).endswith(RDF_SUFFIXES) else read_rows(fh, str(path))
        for number, raw, error in source:
            raws[number] = raw
            yield number, raw, error

    lines = _Lines(out, 50_000)
    with open(path, encoding="utf-8", newline="") as fh:
        for res in per_record_results(rows(fh), reader, Classifier(knowledge)):
            raw = raws.pop(res.row, None) or {}
            s = record_iri(res.record_id).n3()
            lines.add(_record_head(s, res.record_id, res.rejection is not None))
            if res.rejection is not None:
                lines.end_record(s, counts.reject(path, res))
                continue
            assert res.outcome is not None
            fields = raw_to_triples(raw, reader)[2:]
            counts.classify(next((str(o) for _, p, o in fields if p == PRIMARY_SITE), ""), res.outcome)
            lines.add("".join(f"{s} {p.n3()} {o.n3()} .\n" for _, p, o in fields))
            lines.add(_with_subject(s, _outcome_po(res.outcome)))
            lines.end_record(s, res.reason)
    lines.flush()
    return counts


def _csv_graph(path: Path, out: TextIO, knowledge: Knowledge, reader: RecordReader) -> Counts:
    """CSV through the batch classifier; the record's own fields are written from a second read
    of the file, field by field from a memo (the same values recur across records)."""
    from .fastpath import FastClassifier
    from .records import _csv_rows, sniff

    counts = Counts()
    fields: dict[tuple[str, str], tuple[str, str]] = {}  # (column, text) -> (predicate-object lines, site IRI)
    outcomes: dict[tuple, str] = {}

    def field_po(column: str, text: str) -> tuple[str, str]:
        hit = fields.get((column, text))
        if hit is None:
            triples = raw_to_triples({"record_id": "x", column: text}, reader)[2:]
            hit = ("".join(f" {p.n3()} {o.n3()} .\n" for _, p, o in triples),
                   next((str(o) for _, p, o in triples if p == PRIMARY_SITE), ""))
            if len(fields) < 500_000:
                fields[(column, text)] = hit
        return hit

    name = str(path)
    ntriples = _Lines(out, 100_000)
    with open(path, encoding="utf-8", newline="") as f1, open(path, encoding="utf-8", newline="") as f2:
        _, lines = sniff(f1, name)
        raws = _csv_rows(f2, name)
        for res in FastClassifier(knowledge).classify_csv(lines, name):
            number, raw, _ = next(raws)
            assert number == res.row, (number, res.row)
            s = record_iri(res.record_id).n3()
            ntriples.add(_record_head(s, res.record_id, res.rejection is not None))
            if res.rejection is not None:
                ntriples.end_record(s, counts.reject(path, res))
                continue
            o = res.outcome
            assert o is not None
            site = ""
            for column, text in (raw or {}).items():
                if column == "record_id" or not text.strip():
                    continue
                po, field_site = field_po(column, text)
                site = field_site or site
                ntriples.add(_with_subject(s, po))
            counts.classify(site, o)
            okey = (o.class_iri, o.grade_iri, tuple(o.criteria), tuple(o.warnings))
            po = outcomes.get(okey)
            if po is None:
                po = outcomes[okey] = _outcome_po(o)
            ntriples.add(_with_subject(s, po))
            ntriples.end_record(s, res.reason)
    ntriples.flush()
    return counts
