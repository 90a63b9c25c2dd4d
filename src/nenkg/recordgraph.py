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

from rdflib.namespace import RDF

from .fastpath import FastClassifier, Result, per_record_results
from .grading import Classifier, Knowledge, Outcome
from .intake import Reader, open_lines
from .records import RecordReader, nt_string, outcome_statements, raw_to_triples, rdf_chunk, record_iri
from .store import RECORDS_GRAPH_BASE
from .vocab import NENKG

RECORD_CLASS = NENKG.tumour_record
#: a row that could not be read as a tumour record: a class of its own, so the tumour record
#: shapes (shapes/records/) do not target it
REJECTED_RECORD_CLASS = NENKG.rejected_tumour_record
RECORD_ID = NENKG.record_identifier
CLASSIFIED_AS = NENKG.record_classified_as
HAS_GRADE = NENKG.record_grade
MESSAGE = NENKG.classification_reason
RECORD_COUNT = NENKG.tumour_record_count
NUMBER_OF_RECORDS = NENKG.number_of_records
PRIMARY_SITE = NENKG.record_primary_site
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
    not_nen: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    #: classified records per (site IRI, class IRI, grade IRI); "" where there is none
    tally: dict[tuple[str, str, str], int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.classified + self.not_nen + self.rejected

    def reject(self, path: Path, res: Result) -> str:
        """Counts a rejected record (keeping the first 20 messages) and returns its message."""
        assert res.rejection is not None
        self.rejected += 1
        message = res.rejection.message
        if len(self.errors) < 20:
            self.errors.append(f"{path}: {message}")
        return message

    def classify(self, site: str, outcome: Outcome) -> None:
        """Counts a record that was read: a NEN, or not a NEN (both are tumour records with the
        class they were realised as, and both enter the tumour record counts)."""
        if outcome.status == "not_nen":
            self.not_nen += 1
        else:
            self.classified += 1
        key = (site, outcome.class_iri, outcome.grade_iri)
        self.tally[key] = self.tally.get(key, 0) + 1


def _with_subject(s: str, po: str) -> str:
    """N-Triples lines from predicate-object lines (each `` p o .\\n``) and a subject."""
    return po.replace(" .\n ", f" .\n{s} ").join((s, "")) if po else ""


def _outcome_po(o: Outcome) -> str:
    """What the classifier concluded, as predicate-object lines (the reason is written apart:
    it quotes the record's own values)."""
    return "".join(f" {p} {obj} .\n" for p, obj in outcome_statements(o))


def _record_head(s: str, record_id: str, rejected: bool = False) -> str:
    cls = REJECTED_RECORD_CLASS if rejected else RECORD_CLASS
    return f"{s} {RDF.type.n3()} {cls.n3()} .\n{s} {RECORD_ID.n3()} {nt_string(record_id)} .\n"


class _Lines:
    """N-Triples lines collected and written to ``out`` in large chunks."""

    def __init__(self, out: TextIO, chunk: int) -> None:
        self.out, self.chunk, self.lines = out, chunk, []

    def add(self, text: str) -> None:
        self.lines.append(text)

    def end_record(self, s: str, message: str) -> None:
        """The record's outcome message closes it; a full chunk is written out."""
        self.lines.append(f"{s} {MESSAGE.n3()} {nt_string(message)} .\n")
        if len(self.lines) > self.chunk:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.lines))
        self.lines.clear()


def write_record_graph(path: Path, out: TextIO, knowledge: Knowledge, set_name: str | None = None) -> Counts:
    """Reads a record file (CSV, JSON Lines or RDF), classifies it and writes N-Triples to
    ``out``: every record, then the tumour record counts of the set."""
    set_name = set_name or record_set_name(path)
    reader = RecordReader(knowledge)
    counts = Counts()
    fields: dict[tuple[str, str], tuple[str, str]] = {}  # (column, text) -> (predicate-object lines, site IRI)
    outcomes: dict[tuple, str] = {}

    def field_po(column: str, text: str) -> tuple[str, str]:
        hit = fields.get((column, text))
        if hit is None:
            triples = raw_to_triples({knowledge.contract.identifier.name: "x", column: text}, reader, set_name)[2:]
            hit = ("".join(f" {p.n3()} {o.n3()} .\n" for _, p, o in triples),
                   next((str(o) for _, p, o in triples if p == PRIMARY_SITE), ""))
            if len(fields) < 500_000:
                fields[(column, text)] = hit
        return hit

    closers = []
    if str(path).endswith(RDF_SUFFIXES):
        chunk, layout = rdf_chunk(str(path), knowledge)
        results = per_record_results([chunk], lambda: layout, reader, Classifier(knowledge), keep_raw=True)
    else:
        lines, stream = open_lines(str(path))
        closers.append(stream)
        intake = Reader(lines, str(path), knowledge.contract.names)
        results = FastClassifier(knowledge, reader).results(intake.chunks(), intake.current_layout, keep_raw=True)
    ntriples = _Lines(out, 100_000)
    topo_field = knowledge.contract.topography_field
    try:
        for res in results:
            # a rejected row is named by its line: its id may be missing or repeat another record's
            s = record_iri(set_name, res.record_id if res.rejection is None else f"line-{res.line}").n3()
            ntriples.add(_record_head(s, res.record_id, res.rejection is not None))
            if res.rejection is not None:
                ntriples.end_record(s, counts.reject(path, res))
                continue
            o = res.outcome
            assert o is not None and res.raw is not None
            site = ""
            for column, text in res.raw.items():
                if column not in knowledge.contract.by_name or column == knowledge.contract.identifier.name or not text.strip():
                    continue
                po, field_site = field_po(column, text)
                site = field_site or site
                ntriples.add(_with_subject(s, po))
            if not site and res.topography and topo_field is not None:
                # the site came from the registry's topography code: the record states it so
                site = str(reader.codes[topo_field].resolve(res.topography)[1][0])
                ntriples.add(f"{s} {PRIMARY_SITE.n3()} <{site}> .\n")
            counts.classify(site, o)
            okey = (o.class_iri, o.grade_iri, tuple(o.criteria), tuple(o.warnings))
            po = outcomes.get(okey)
            if po is None:
                po = outcomes[okey] = _outcome_po(o)
            ntriples.add(_with_subject(s, po))
            ntriples.end_record(s, res.reason)
    finally:
        for c in closers:
            c.close()
    ntriples.flush()
    out.write(counts_ntriples(set_name, counts.tally))
    return counts
