"""Tumour records as an RDF graph for a store: what each record says, and what the classifier
concluded. Every input row comes out in the graph (as a tumour record with its outcome message)
and in the counts, classified or rejected; rejected rows carry the reason and no class."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from . import namespaces as ns
from .errors import NenkgError
from .fastpath import per_record_results
from .grading import Classifier, Knowledge
from .records import InputError, RecordReader, raw_to_triples, read_rows, rdf_rows, record_iri

N = ns.ENTITY_PREFIXES["NENKG"]
RECORD_CLASS = URIRef(N + "0004005")
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
RECORDS_GRAPH_BASE = ns.BASE + "records/"


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


def _literal(text: str) -> str:
    """An xsd:string literal in N-Triples."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def write_record_graph(path: Path, out: TextIO, knowledge: Knowledge, set_name: str | None = None) -> Counts:
    """Reads a record file (CSV, JSON Lines or RDF), classifies it and writes N-Triples to
    ``out``: every record, then the tumour record counts of the set."""
    reader, classifier = RecordReader(knowledge), Classifier(knowledge)
    if str(path).endswith(".csv"):
        counts = _csv_graph(path, out, knowledge, reader)
    else:
        counts = _any_graph(path, out, knowledge, reader, classifier)
    out.write(counts_ntriples(set_name or record_set_name(path), counts.tally))
    return counts


def _any_graph(path: Path, out: TextIO, knowledge: Knowledge, reader: RecordReader, classifier: Classifier) -> Counts:
    counts = Counts()
    raws: dict[int, dict[str, str] | None] = {}

    def rows():
        if str(path).endswith(RDF_SUFFIXES):
            source = rdf_rows(str(path), knowledge)
        else:
            source = read_rows(fh, str(path))
        for number, raw, error in source:
            raws[number] = raw
            yield number, raw, error

    fh = open(path, encoding="utf-8", newline="")
    buffer: list[str] = []
    try:
        for res in per_record_results(rows(), reader, classifier):
            raw = raws.pop(res.row, None) or {}
            s = record_iri(res.record_id)
            if res.rejection is not None:
                counts.rejected += 1
                message = f"row {res.row}: {res.rejection.field}: {res.rejection.reason}"
                if len(counts.errors) < 20:
                    counts.errors.append(f"{path}: {message}")
                triples = [(s, RDF.type, RECORD_CLASS), (s, RECORD_ID, Literal(res.record_id)), (s, MESSAGE, Literal(message))]
            else:
                counts.classified += 1
                out_ = res.outcome
                assert out_ is not None
                triples = raw_to_triples(raw, reader)
                site = next((str(o) for _, p, o in triples if p == PRIMARY_SITE), "")
                key = (site, out_.class_iri, out_.grade_iri)
                counts.tally[key] = counts.tally.get(key, 0) + 1
                if out_.class_iri:
                    triples.append((s, CLASSIFIED_AS, URIRef(out_.class_iri)))
                if out_.grade_iri:
                    triples.append((s, HAS_GRADE, URIRef(out_.grade_iri)))
                triples += [(s, MET_CRITERION, URIRef(ns.expand(c))) for c in out_.criteria]
                triples += [(s, WARNING, Literal(w)) for w in out_.warnings]
                triples.append((s, MESSAGE, Literal(res.reason)))
            buffer.extend(f"{a.n3()} {b.n3()} {c.n3()} .\n" for a, b, c in triples)
            if len(buffer) > 50000:
                out.write("".join(buffer))
                buffer.clear()
        out.write("".join(buffer))
    except InputError as exc:
        raise NenkgError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise NenkgError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    finally:
        fh.close()
    return counts


def _csv_graph(path: Path, out: TextIO, knowledge: Knowledge, reader: RecordReader) -> Counts:
    """CSV through the batch classifier; the record's own fields are written from a second read
    of the file, term by term from a memo (the same values recur across records)."""
    from .fastpath import FastClassifier
    from .records import _csv_rows, sniff

    counts = Counts()
    memo: dict[tuple[str, str], str] = {}
    sites: dict[str, str] = {}
    outcome_memo: dict[tuple, str] = {}
    type_triple = f" {RDF.type.n3()} {RECORD_CLASS.n3()} .\n"
    name = str(path)
    with open(path, encoding="utf-8", newline="") as f1, open(path, encoding="utf-8", newline="") as f2:
        try:
            _, lines = sniff(f1, name)
            results = FastClassifier(knowledge).classify_csv(lines, name)
            raws = _csv_rows(f2, name)
            buffer: list[str] = []
            for res in results:
                number, raw, _ = next(raws)
                assert number == res.row, (number, res.row)
                s = record_iri(res.record_id).n3()
                buffer.append(s + type_triple)
                buffer.append(f"{s} {RECORD_ID.n3()} {_literal(res.record_id)} .\n")
                if res.rejection is not None:
                    counts.rejected += 1
                    message = f"row {res.row}: {res.rejection.field}: {res.rejection.reason}"
                    if len(counts.errors) < 20:
                        counts.errors.append(f"{path}: {message}")
                    buffer.append(f"{s} {MESSAGE.n3()} {_literal(message)} .\n")
                    continue
                counts.classified += 1
                for column, text in (raw or {}).items():
                    if column == "record_id" or not text or not text.strip():
                        continue
                    key = (column, text)
                    po = memo.get(key)
                    if po is None:
                        triples = raw_to_triples({"record_id": "x", column: text}, reader)[2:]
                        po = "".join(f" {p.n3()} {o.n3()} .\n" for _, p, o in triples)
                        if len(memo) < 500_000:
                            memo[key] = po
                    buffer.append(po.replace(" .\n ", f" .\n{s} ").join((s, "")) if po else "")
                o = res.outcome
                assert o is not None
                site_text = (raw or {}).get("primary_site", "")
                site = sites.get(site_text)
                if site is None:
                    found = raw_to_triples({"record_id": "x", "primary_site": site_text}, reader)[2:]
                    site = sites[site_text] = next((str(x) for _, p, x in found if p == PRIMARY_SITE), "")
                key = (site, o.class_iri, o.grade_iri)
                counts.tally[key] = counts.tally.get(key, 0) + 1
                okey = (o.class_iri, o.grade_iri, tuple(o.criteria), tuple(o.warnings))
                po = outcome_memo.get(okey)
                if po is None:
                    parts = []
                    if o.class_iri:
                        parts.append(f" {CLASSIFIED_AS.n3()} <{o.class_iri}> .\n")
                    if o.grade_iri:
                        parts.append(f" {HAS_GRADE.n3()} <{o.grade_iri}> .\n")
                    parts += [f" {MET_CRITERION.n3()} <{ns.expand(c)}> .\n" for c in o.criteria]
                    parts += [f" {WARNING.n3()} {_literal(w)} .\n" for w in o.warnings]
                    po = outcome_memo[okey] = "".join(parts)
                if po:
                    buffer.append(po.replace(" .\n ", f" .\n{s} ").join((s, "")))
                buffer.append(f"{s} {MESSAGE.n3()} {_literal(res.reason)} .\n")
                if len(buffer) > 100_000:
                    out.write("".join(buffer))
                    buffer.clear()
            out.write("".join(buffer))
        except InputError as exc:
            raise NenkgError(str(exc)) from None
        except UnicodeDecodeError as exc:
            raise NenkgError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return counts
