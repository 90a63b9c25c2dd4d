"""Tumour records in and out: CSV and JSON Lines (same field names), RDF output.

Reading never stops on a bad row: each row becomes either a :class:`grading.Record` or a
:class:`Rejection` naming its row number, the field and the reason. The field names, the codes
of categorical values and the term labels and synonyms that free-text fields may use are all
read from the release graph through :class:`grading.Knowledge`.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import itertools
import json
import re
import urllib.parse
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable, Iterator, TextIO

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from . import namespaces as ns
from .errors import NenkgError
from .grading import Knowledge, Outcome, P, Record, RejectRecord

COLUMNS = (
    "record_id", "primary_site", "differentiation", "ki67_percent", "mitoses_per_2mm2", "necrosis",
    "cytology", "ne_component_percent", "hormone_syndrome", "gastric_background",
    "hereditary_syndrome", "size_mm", "metastatic_sites", "age", "sex",
)
OUTPUT_COLUMNS = (
    "record_id", "status", "category", "class_iri", "grade", "icdo3", "functional", "syndrome",
    "hereditary_syndrome", "predisposed_to", "reason", "warnings", "error",
)
N = ns.ENTITY_PREFIXES["NENKG"]
SYNONYM_PROPS = (ns.OBOINOWL.hasExactSynonym, ns.OBOINOWL.hasRelatedSynonym, ns.OBOINOWL.hasNarrowSynonym)
SEXES = {"female", "male", "unknown"}
#: lexical forms accepted for numbers: those of xsd:decimal and xsd:integer, so that a value the
#: reader accepts is exactly a value the SHACL shapes accept once written as RDF
DECIMAL_LEX = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
INTEGER_LEX = re.compile(r"^[+-]?\d+$")


class InputError(NenkgError):
    """The input as a whole cannot be read (not CSV/JSONL, wrong header)."""


@dataclass
class Rejection:
    row: int
    record_id: str
    field: str
    reason: str


class TermIndex:
    """Label, synonym and CURIE look-up restricted to one branch of the ontology."""

    def __init__(self, knowledge: Knowledge, roots: Iterable[URIRef], *, what: str, extra: dict[str, URIRef] | None = None):
        g = knowledge.g
        self.what = what
        members = {s for s in knowledge.labels if any(r in knowledge.ancestors(s) for r in roots)}
        self.by_text: dict[str, URIRef] = {}
        for m in sorted(members):
            curie = ns.contract(str(m))
            names = [knowledge.labels[m]] + [str(o) for p in SYNONYM_PROPS for o in g.objects(m, p)]
            for code in g.objects(m, P["record_code"]):
                names.append(str(code))
            for name in names:
                self.by_text.setdefault(name.strip().lower(), m)
            if curie:
                self.by_text[curie.lower()] = m
            self.by_text[str(m).lower()] = m
        for text, iri in (extra or {}).items():
            self.by_text.setdefault(text, iri)

    def resolve(self, text: str, field_name: str) -> URIRef:
        key = " ".join(text.split()).lower()
        hit = self.by_text.get(key)
        if hit is None:
            close = difflib.get_close_matches(key, list(self.by_text), n=3, cutoff=0.8)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise RejectRecord(field_name, f"unknown {self.what} {text!r}{hint}")
        return hit


class RecordReader:
    """Turns raw rows (dicts of strings) into Records or Rejections."""

    def __init__(self, knowledge: Knowledge):
        k = self.k = knowledge
        nenkg = lambda local: URIRef(N + local)  # noqa: E731
        uberon = URIRef(ns.OBO + "UBERON_0001062")
        site_roots = {s for s in k.labels if str(s).startswith(ns.OBO + "UBERON_")}
        self.sites = TermIndex(k, site_roots | {uberon}, what="site")
        self.syndromes = TermIndex(k, [nenkg("0000500")], what="hormone syndrome")
        self.hereditary = TermIndex(k, [nenkg("0000700"), nenkg("0000709")], what="hereditary syndrome")
        self.backgrounds = TermIndex(k, [nenkg("0000520"), nenkg("0000504"), nenkg("0004055")], what="gastric background")
        self.differentiation = TermIndex(k, self._coded({URIRef(ns.OBO + "PATO_0002110"), URIRef(ns.OBO + "PATO_0002106"), nenkg("0004054")}), what="differentiation")
        self.necrosis = TermIndex(k, self._coded(set(k.g.transitive_subjects(RDFS.subClassOf, nenkg("0004050"))) - {nenkg("0004050")}), what="necrosis code")
        self.cytology = TermIndex(k, self._coded(set(k.g.transitive_subjects(RDFS.subClassOf, nenkg("0002010"))) - {nenkg("0002010")}), what="cytology code")
        self.seen_ids: set[str] = set()
        self.converters = self._converters()

    def _coded(self, terms: set[URIRef]) -> list[URIRef]:
        return [t for t in terms if self.k.g.value(t, P["record_code"]) is not None]

    @staticmethod
    def _decimal(text: str, field_name: str, low: Decimal | None = None, high: Decimal | None = None) -> Decimal:
        if not DECIMAL_LEX.match(text):
            raise RejectRecord(field_name, f"not a number: {text!r}")
        value = Decimal(text)
        if low is not None and value < low:
            raise RejectRecord(field_name, f"{text} is below {low}")
        if high is not None and value > high:
            raise RejectRecord(field_name, f"{text} is above {high}")
        return value

    @staticmethod
    def _integer(text: str, field_name: str, low: int = 0, high: int | None = None) -> int:
        if not INTEGER_LEX.match(text):
            raise RejectRecord(field_name, f"not a whole number: {text!r}")
        value = int(text)
        if value < low or (high is not None and value > high):
            raise RejectRecord(field_name, f"{text} is outside [{low}, {high if high is not None else '...'}]")
        return value

    def _converters(self) -> dict[str, Callable[[str], object]]:
        """One converter per field: stripped, non-empty text -> value, or RejectRecord.

        The per-record path (parse) and the batch fast path both call these, so they accept and
        reject exactly the same values."""
        zero, hundred = Decimal(0), Decimal(100)

        def sex(text: str) -> str:
            if text.lower() not in SEXES:
                raise RejectRecord("sex", f"{text!r} is not one of {sorted(SEXES)}")
            return text.lower()

        return {
            "primary_site": lambda t: self.sites.resolve(t, "primary_site"),
            "differentiation": lambda t: self.differentiation.resolve(t, "differentiation"),
            "ki67_percent": lambda t: self._decimal(t, "ki67_percent", zero, hundred),
            "mitoses_per_2mm2": lambda t: self._integer(t, "mitoses_per_2mm2"),
            "necrosis": lambda t: self.necrosis.resolve(t, "necrosis"),
            "cytology": lambda t: self.cytology.resolve(t, "cytology"),
            "ne_component_percent": lambda t: self._decimal(t, "ne_component_percent", zero, hundred),
            "hormone_syndrome": lambda t: self.syndromes.resolve(t, "hormone_syndrome"),
            "gastric_background": lambda t: self.backgrounds.resolve(t, "gastric_background"),
            "hereditary_syndrome": lambda t: self.hereditary.resolve(t, "hereditary_syndrome"),
            "size_mm": lambda t: self._decimal(t, "size_mm", zero),
            "metastatic_sites": lambda t: tuple(self.sites.resolve(s, "metastatic_sites") for s in t.split("|") if s.strip()),
            "age": lambda t: self._integer(t, "age", 0, 130),
            "sex": sex,
        }

    def check_id(self, rid: str) -> None:
        """Record identifiers are required and unique within one input."""
        if not rid:
            raise RejectRecord("record_id", "missing")
        if rid in self.seen_ids:
            raise RejectRecord("record_id", f"duplicate record_id {rid!r}")
        self.seen_ids.add(rid)

    def parse(self, raw: dict[str, str]) -> Record:
        texts = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        self.check_id(texts["record_id"])
        if not texts["primary_site"]:
            raise RejectRecord("primary_site", "missing")
        values = {c: self.converters[c](t) for c, t in texts.items() if t and c != "record_id"}
        return Record(record_id=texts["record_id"], texts=texts, **values)


@contextlib.contextmanager
def reading(name: str) -> Iterator[None]:
    """Turns the reader's errors on a record file into one clear command-line error."""
    try:
        yield
    except InputError as exc:
        raise NenkgError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise NenkgError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def sniff(fh: TextIO, name: str) -> tuple[str, Iterator[str]]:
    """Tell CSV from JSON Lines by the name (.csv, .jsonl, .ndjson) or else by the first line,
    and return the format with all lines (the first included)."""
    first = fh.readline()
    lines = itertools.chain([first], fh)
    if name.endswith((".jsonl", ".ndjson")) or (not name.endswith(".csv") and first.lstrip().startswith("{")):
        return "jsonl", lines
    if name.endswith(".csv") or "record_id" in first:
        return "csv", lines
    raise InputError(f"{name}: line 1: neither a CSV header with the record columns "
                     f"({', '.join(COLUMNS[:3])}, ...) nor a JSON Lines record")


def read_rows(fh: TextIO, name: str) -> Iterator[tuple[int, dict[str, str] | None, str | None]]:
    """Yield (row number, raw row or None, error or None) from a CSV or JSON Lines stream.

    Row numbers count data rows from 1 (a CSV header is not counted)."""
    fmt, lines = sniff(fh, name)
    yield from (_jsonl_rows(lines) if fmt == "jsonl" else _csv_rows(lines, name))


def csv_header(reader: Iterator[list[str]], name: str) -> list[str] | None:
    """The checked header of a CSV record file (None for an empty file)."""
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return None
    unknown = [h for h in header if h not in COLUMNS]
    if "record_id" not in header or "primary_site" not in header or unknown:
        raise InputError(f"{name}: line 1: the header must use the record columns {', '.join(COLUMNS)}"
                         + (f"; unknown column(s): {', '.join(unknown)}" if unknown else ""))
    return header


def _csv_rows(lines: Iterable[str], name: str):
    reader = csv.reader(lines)
    header = csv_header(reader, name)
    if header is None:
        return
    for i, row in enumerate(reader, start=1):
        if not row or (len(row) == 1 and not row[0].strip()):
            yield i, None, "empty line"
            continue
        if len(row) != len(header):
            yield i, dict(zip(header, row, strict=False)), f"has {len(row)} fields, the header has {len(header)}"
            continue
        yield i, dict(zip(header, row, strict=True)), None


def _jsonl_rows(lines: Iterable[str]):
    for i, line in enumerate(lines, start=1):
        if not line.strip():
            yield i, None, "empty line"
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield i, None, f"not valid JSON ({exc.msg} at column {exc.colno})"
            continue
        if not isinstance(obj, dict):
            yield i, None, "a JSON Lines record is an object"
            continue
        unknown = [k for k in obj if k not in COLUMNS]
        if unknown:
            yield i, {k: str(v) for k, v in obj.items() if isinstance(k, str)}, f"unknown field(s) {', '.join(unknown)}"
            continue
        yield i, {k: ("" if v is None else "|".join(map(str, v)) if isinstance(v, list) else str(v)) for k, v in obj.items()}, None


def outcome_row(record_id: str, outcome: Outcome | None, rejection: Rejection | None) -> dict[str, str]:
    if rejection is not None:
        return {**dict.fromkeys(OUTPUT_COLUMNS, ""), "record_id": record_id, "status": "rejected",
                "error": f"row {rejection.row}: {rejection.field}: {rejection.reason}"}
    assert outcome is not None
    return {
        "record_id": record_id, "status": "classified", "category": outcome.category,
        "class_iri": outcome.class_iri, "grade": outcome.grade, "icdo3": outcome.icdo3,
        "functional": outcome.functional, "syndrome": outcome.syndrome,
        "hereditary_syndrome": outcome.hereditary_syndrome, "predisposed_to": outcome.predisposed_to,
        "reason": "; ".join(outcome.reason), "warnings": "; ".join(outcome.warnings), "error": "",
    }


RECORD_BASE = "https://w3id.org/nenkg/record/"
NUMERIC_TYPES = {"ki67_percent": XSD.decimal, "ne_component_percent": XSD.decimal, "size_mm": XSD.decimal,
                 "mitoses_per_2mm2": XSD.integer, "age": XSD.integer}


def record_iri(record_id: str) -> URIRef:
    return URIRef(RECORD_BASE + urllib.parse.quote(record_id, safe=""))


def raw_to_triples(raw: dict[str, str], reader: RecordReader) -> list[tuple]:
    """A raw row as RDF in the record vocabulary, without validating it: each value is
    written as the term it names if it names one, else as a plain literal, so that the SHACL
    shapes see exactly what the row says."""
    k = reader.k
    rid = (raw.get("record_id") or "").strip()
    s = record_iri(rid or "row")
    triples = [(s, RDF.type, URIRef(N + "0004005")), (s, k.columns["record_id"], Literal(rid))]
    indexes = {"primary_site": reader.sites, "differentiation": reader.differentiation,
               "necrosis": reader.necrosis, "cytology": reader.cytology,
               "hormone_syndrome": reader.syndromes, "gastric_background": reader.backgrounds,
               "hereditary_syndrome": reader.hereditary, "metastatic_sites": reader.sites}
    for column, text in raw.items():
        text = (text or "").strip()
        if column == "record_id" or not text or column not in k.columns:
            continue
        prop = k.columns[column]
        if column in NUMERIC_TYPES:
            lex = INTEGER_LEX if NUMERIC_TYPES[column] == XSD.integer else DECIMAL_LEX
            obj = Literal(text, datatype=NUMERIC_TYPES[column]) if lex.match(text) else Literal(text)
            triples.append((s, prop, obj))
        elif column == "sex":
            triples.append((s, prop, Literal(text.lower())))
        else:
            values = text.split("|") if column == "metastatic_sites" else [text]
            for v in values:
                key = " ".join(v.split()).lower()
                hit = indexes[column].by_text.get(key)
                triples.append((s, prop, hit if hit is not None else Literal(v.strip())))
    return triples


def rdf_rows(path: str, knowledge: Knowledge) -> Iterator[tuple[int, dict[str, str] | None, str | None]]:
    """Records given as RDF (Turtle, N-Triples, RDF/XML, JSON-LD) in the record vocabulary, as
    raw rows: IRIs become CURIEs, literals their lexical form."""
    from rdflib import Graph

    fmt = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "owl": "xml", "jsonld": "json-ld"}[path.rsplit(".", 1)[-1]]
    g = Graph()
    try:
        g.parse(path, format=fmt)
    except Exception as exc:  # noqa: BLE001 - any parser error becomes a clear message
        raise InputError(f"{path}: not valid {fmt}: {str(exc).splitlines()[0][:300]}") from None
    column_of = {p: c for c, p in knowledge.columns.items()}
    for i, s in enumerate(sorted(g.subjects(RDF.type, URIRef(N + "0004005"))), start=1):
        raw: dict[str, list[str]] = {}
        for p, o in g.predicate_objects(s):
            col = column_of.get(p)
            if col is None:
                continue
            raw.setdefault(col, []).append(ns.contract(str(o)) or str(o) if isinstance(o, URIRef) else str(o))
        yield i, {c: "|".join(v) for c, v in raw.items()}, None
