"""Tumour records in and out: field converters, output rows and the records as RDF.

A raw row (column -> text, from ``intake.py``) becomes a :class:`grading.Record` or a
:class:`RejectRecord` naming the field and the reason. Every converter comes from the record
contract (``contract.py``), so what a field accepts (labels, synonyms, record codes, ICD-O-3
codes, numbers within bounds, allowed values) is data of the release graph.
"""

from __future__ import annotations

import copy
import difflib
import re
import urllib.parse
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from . import namespaces as ns
from .contract import Field
from .grading import Classifier, Knowledge, Outcome, Record, RejectRecord
from .intake import Chunk, InputError, Layout
from .morphology import MorphologyFacts
from .vocab import NENKG

SYNONYM_PROPS = (ns.OBOINOWL.hasExactSynonym, ns.OBOINOWL.hasRelatedSynonym, ns.OBOINOWL.hasNarrowSynonym)
#: lexical forms accepted for numbers: those of xsd:decimal and xsd:integer in ASCII digits, so
#: that a value the reader accepts is exactly a value the SHACL shapes accept once written as RDF
DECIMAL_LEX = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
INTEGER_LEX = re.compile(r"^[+-]?[0-9]+$")
#: the columns of the classify output ahead of the carried input columns
OUTPUT_COLUMNS = (
    "record_id", "status", "category", "class_iri", "grade", "topography_code", "morphology_code",
    "functional", "syndrome", "hereditary_syndrome", "predisposed_to", "stage_scheme", "t_category",
    "n_category", "m_category", "stage_group", "reason", "warnings", "error",
)


@dataclass
class Rejection:
    line: int
    record_id: str
    field: str
    reason: str

    @property
    def message(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


#: text that looks like an ICD-O-3 topography code (C25.2, c252; matched on the code key)
CODE_LIKE = re.compile(r"^c[0-9]{2}\.?[0-9]$")
NO_SITE = ("{text!r} is an ICD-O-3 topography code with no site NENKG classifies primary neuroendocrine "
           "neoplasms at (such as unknown primary, lymph nodes or ill-defined sites; see "
           "ontology/src/topography/icdo3_topography.tsv)")


def _plain(d: Decimal) -> str:
    return format(d.normalize(), "f")


def code_key(text: str) -> str:
    """A code as looked up: case, dots, slashes and spaces do not matter (C25.2 = c252,
    8240/3 = 82403)."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


class TermIndex:
    """Label, synonym, record code, code and CURIE look-up of the terms one field accepts."""

    def __init__(self, knowledge: Knowledge, f: Field):
        g = knowledge.g
        self.what = f.label
        self.field = f.name
        members = set(f.members)
        if f.roots:
            members |= {s for s in knowledge.labels if any(r in knowledge.ancestors(s) for r in f.roots)}
        if f.namespaces:
            members |= {s for s in knowledge.labels if str(s).startswith(f.namespaces)}
        self.by_text: dict[str, URIRef] = {}
        self.codes: dict[str, URIRef] = {}
        #: code key -> the code as the release writes it (C25.2)
        self.canonical: dict[str, str] = {}
        for m in sorted(members):
            curie = ns.contract(str(m))
            names = [knowledge.labels[m]] + [str(o) for p in SYNONYM_PROPS for o in g.objects(m, p)]
            names += [str(code) for code in g.objects(m, NENKG.record_code)]
            for name in names:
                self.by_text.setdefault(" ".join(name.split()).lower(), m)
            if curie:
                self.by_text[curie.lower()] = m
            self.by_text[str(m).lower()] = m
            if f.code_annotation is not None:
                for code in g.objects(m, f.code_annotation):
                    self.codes.setdefault(code_key(str(code)), m)
                    self.canonical.setdefault(code_key(str(code)), str(code))

    def code_of(self, text: str) -> str | None:
        """The code as the release writes it, if the text is one of this field's codes."""
        return self.canonical.get(code_key(text)) if self.canonical else None

    def resolve(self, text: str) -> URIRef:
        key = " ".join(text.split()).lower()
        hit = self.by_text.get(key)
        if hit is None and self.codes:
            hit = self.codes.get(code_key(key))
        if hit is None and self.codes and CODE_LIKE.match(key):
            raise RejectRecord(self.field, NO_SITE.format(text=text))
        if hit is None:
            close = difflib.get_close_matches(key, list(self.by_text), n=3, cutoff=0.8)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise RejectRecord(self.field, f"unknown {self.what.removeprefix('has ')} {text!r}{hint}")
        return hit


class CodeIndex:
    """ICD-O-3 codes (topography, morphology) of a coded field: code -> the terms carrying it."""

    def __init__(self, knowledge: Knowledge, f: Field):
        assert f.code_annotation is not None
        self.field = f.name
        self.prefix = f.code_prefix
        self.terms: dict[str, list[URIRef]] = {}
        self.canonical: dict[str, str] = {}
        for s, o in knowledge.g.subject_objects(f.code_annotation):
            code = str(o)
            if not isinstance(s, URIRef) or not code.startswith(self.prefix):
                continue
            code = code[len(self.prefix):]
            self.terms.setdefault(code_key(code), []).append(s)
            self.canonical[code_key(code)] = code
        for v in self.terms.values():
            v.sort()

    def resolve(self, text: str) -> tuple[str, tuple[URIRef, ...]]:
        key = code_key(text)
        if key not in self.terms:
            if CODE_LIKE.match(key):
                raise RejectRecord(self.field, NO_SITE.format(text=text))
            raise RejectRecord(self.field, f"{text!r} is not a code of this field (`nenkg fields --values {self.field}` lists them)")
        return self.canonical[key], tuple(self.terms[key])


class RecordReader:
    """Turns raw rows (dicts of strings) into Records, or raises RejectRecord; every field's
    converter is built from the record contract (``contract.py``)."""

    def __init__(self, knowledge: Knowledge):
        self.k = knowledge
        self.contract = knowledge.contract
        self.indexes: dict[str, TermIndex] = {}
        self.codes: dict[str, CodeIndex] = {}
        for f in self.contract:
            if f.kind == "term":
                self.indexes[f.name] = TermIndex(knowledge, f)
            elif f.kind == "code":
                self.codes[f.name] = CodeIndex(knowledge, f)
        self.converters = {f.name: self._converter(f) for f in self.contract if f.kind != "identifier"}
        self.seen_ids: dict[str, int] = {}
        self.morphology = MorphologyFacts(knowledge)

    def _converter(self, f: Field) -> Callable[[str], object]:
        """Stripped, non-empty text -> value, or RejectRecord. The per-record path and the
        batch path both call these, so they accept and reject exactly the same values."""
        name = f.name
        if f.kind == "term":
            index = self.indexes[name]
            if f.multi:
                return lambda t: tuple(index.resolve(s) for s in t.split("|") if s.strip())
            return index.resolve
        if f.kind == "code":
            return self.codes[name].resolve
        if f.kind == "number":
            lex, what = (INTEGER_LEX, "a whole number") if f.whole else (DECIMAL_LEX, "a number")

            def number(text: str) -> Decimal | int:
                if not lex.match(text):
                    raise RejectRecord(name, f"not {what}: {text!r}")
                value = int(text) if f.whole else Decimal(text)
                if f.minimum is not None and value < f.minimum:
                    raise RejectRecord(name, f"{text} is below {_plain(f.minimum)}")
                if f.maximum is not None and value > f.maximum:
                    raise RejectRecord(name, f"{text} is above {_plain(f.maximum)}")
                return value
            return number
        if f.kind == "choice":
            by_text = {c.lower(): c for c in f.choices}
            firsts = [c[0].lower() for c in f.choices]
            by_text.update({c[0].lower(): c for c in f.choices if firsts.count(c[0].lower()) == 1})

            def choice(text: str) -> str:
                hit = by_text.get(text.lower())
                if hit is None:
                    raise RejectRecord(name, f"{text!r} is not one of {', '.join(f.choices)}")
                return hit
            return choice
        return lambda t: t

    def check_id(self, rid: str, line: int) -> None:
        """Record identifiers are required and unique within one input."""
        if not rid:
            raise RejectRecord(self.contract.identifier.name, "missing")
        first = self.seen_ids.get(rid)
        if first is not None:
            raise RejectRecord(self.contract.identifier.name, f"{rid!r} repeats the record_id of line {first}")
        self.seen_ids[rid] = line

    def parse(self, raw: dict[str, str], line: int = 0) -> Record:
        texts = {f.name: (raw.get(f.name) or "").strip() for f in self.contract}
        rid = texts[self.contract.identifier.name]
        self.check_id(rid, line)
        values = {c: self.converters[c](t) for c, t in texts.items() if t and c in self.converters}
        return make_record(self.contract, rid, texts, values, self.morphology)


def make_record(contract, rid: str, texts: dict[str, str], values: dict[str, object],
                morphology: MorphologyFacts | None = None) -> Record:
    """A Record from converted values. A term field left blank is taken from a code field of the
    same code system (a primary site from its ICD-O-3 topography code), and a field a morphology
    code fixes from the code (see ``morphology.py``); what the record states is never replaced,
    and a disagreement becomes a warning."""
    notes: list[str] = []
    warnings: list[str] = []
    for code_field, term_field in contract.fills.items():
        given = values.get(code_field)
        if given is not None and values.get(term_field) is None:
            values[term_field] = given[1][0]
    morph = values.get("morphology_code") if morphology is not None else None
    if morph is not None:
        code, classes = morph
        for name, implied in sorted(morphology.implied(classes).items()):
            stated = values.get(name)
            label = morphology.k.label(implied)
            if stated is None:
                values[name] = implied
                notes.append(f"{name} {label} from morphology {code}")
            elif stated != implied:
                warnings.append(f"morphology {code} implies {name} {label}; the record states "
                                f"{morphology.k.label(stated)}, which is kept")
    for f in contract.required:
        if values.get(f.name) is None:
            raise RejectRecord(f.name, "missing")
    return Record(record_id=rid, texts=texts, notes=notes, stated_warnings=warnings, **values)


def classify(classifier: Classifier, rec: Record) -> Outcome:
    """Classify a record and report what came from codes: the facts a morphology code supplied
    lead the reason; a stated morphology code other than the derived one is a warning."""
    outcome = classifier.classify_unstaged(rec)
    if rec.notes or rec.stated_warnings or rec.morphology_code is not None:
        outcome = copy.copy(outcome)
        outcome.reason = [*rec.notes, *outcome.reason]
        outcome.warnings = [*rec.stated_warnings, *outcome.warnings]
        if rec.morphology_code is not None and outcome.icdo3 and rec.morphology_code[0] != outcome.icdo3:
            outcome.warnings.append(f"the stated morphology {rec.morphology_code[0]} differs from the derived "
                                    f"{outcome.icdo3} ({outcome.category})")
    if classifier.stage:
        classifier.stage_record(rec, outcome)  # last, as the batch path adds it (fastpath.py)
    return outcome


def outcome_row(record_id: str, outcome: Outcome | None, rejection: Rejection | None,
                topography: str = "") -> dict[str, str]:
    """One output row (without the carried input columns)."""
    if rejection is not None:
        return {**dict.fromkeys(OUTPUT_COLUMNS, ""), "record_id": record_id, "status": "rejected",
                "topography_code": topography, "error": rejection.message}
    assert outcome is not None
    return {
        "record_id": record_id, "status": outcome.status, "category": outcome.category,
        "class_iri": outcome.class_iri, "grade": outcome.grade, "topography_code": topography,
        "morphology_code": outcome.icdo3, "functional": outcome.functional, "syndrome": outcome.syndrome,
        "hereditary_syndrome": outcome.hereditary_syndrome, "predisposed_to": outcome.predisposed_to,
        "stage_scheme": outcome.stage_scheme, "t_category": outcome.t_category, "n_category": outcome.n_category,
        "m_category": outcome.m_category, "stage_group": outcome.stage_group,
        "reason": "; ".join(outcome.reason), "warnings": "; ".join(outcome.warnings), "error": "",
    }


RECORD_BASE = "https://w3id.org/nenkg/record/"


def nt_string(text: str) -> str:
    """A string literal as N-Triples and Turtle both write it."""
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"'


def outcome_statements(o: Outcome) -> list[tuple[str, str]]:
    """What the classifier concluded about a record, as (predicate, object) in N-Triples syntax;
    the reason is written apart (it quotes the record's own values)."""
    out = []
    if o.class_iri:
        out.append((NENKG.record_classified_as.n3(), f"<{o.class_iri}>"))
    if o.grade_iri:
        out.append((NENKG.record_grade.n3(), f"<{o.grade_iri}>"))
    for prop, iri in zip((NENKG.record_t, NENKG.record_n, NENKG.record_m), o.stage_iris):
        if iri:
            out.append((prop.n3(), f"<{iri}>"))
    if o.stage_group_iri:
        out.append((NENKG.record_stage_group.n3(), f"<{o.stage_group_iri}>"))
    out += [(NENKG.record_decided_by.n3(), f"<{ns.expand(c)}>") for c in o.criteria]
    out += [(NENKG.classification_warning.n3(), nt_string(w)) for w in o.warnings]
    return out


def record_iri(record_set: str, record_id: str) -> URIRef:
    """A record's IRI: its record set (the file it came from) and its identifier there, so that
    record r1 of two files are two records."""
    return URIRef(RECORD_BASE + urllib.parse.quote(record_set, safe="") + "/" + urllib.parse.quote(record_id, safe=""))


def raw_to_triples(raw: dict[str, str], reader: RecordReader, record_set: str = "records") -> list[tuple]:
    """A raw row as RDF in the record vocabulary, without validating it: each value is
    written as the term it names if it names one, else as a plain literal, so that the SHACL
    shapes see exactly what the row says."""
    contract = reader.contract
    rid = (raw.get(contract.identifier.name) or "").strip()
    s = record_iri(record_set, rid or "row")
    triples = [(s, RDF.type, NENKG.tumour_record), (s, contract.identifier.prop, Literal(rid))]
    for column, text in raw.items():
        text = (text or "").strip()
        f = contract.by_name.get(column)
        if f is None or f.kind == "identifier" or not text:
            continue
        if f.kind == "number":
            lex = INTEGER_LEX if f.whole else DECIMAL_LEX
            triples.append((s, f.prop, Literal(text, datatype=f.datatype) if lex.match(text) else Literal(text)))
        elif f.kind == "term":
            index = reader.indexes[column]
            for v in (text.split("|") if f.multi else [text]):
                try:
                    obj = index.resolve(v) if v.strip() else None
                except RejectRecord:
                    obj = Literal(v.strip())
                if obj is not None:
                    triples.append((s, f.prop, obj))
        elif f.kind == "choice":
            try:
                triples.append((s, f.prop, Literal(reader.converters[column](text))))
            except RejectRecord:
                triples.append((s, f.prop, Literal(text)))
        elif f.kind == "code":
            try:
                code, _ = reader.codes[column].resolve(text)
            except RejectRecord:
                code = text
            triples.append((s, f.prop, Literal(code)))
        else:
            triples.append((s, f.prop, Literal(text)))
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
    column_of = {f.prop: f.name for f in knowledge.contract}
    for i, s in enumerate(sorted(g.subjects(RDF.type, NENKG.tumour_record)), start=1):
        raw: dict[str, list[str]] = {}
        for p, o in g.predicate_objects(s):
            col = column_of.get(p)
            if col is None:
                continue
            raw.setdefault(col, []).append(ns.contract(str(o)) or str(o) if isinstance(o, URIRef) else str(o))
        yield i, {c: "|".join(v) for c, v in raw.items()}, None


def rdf_chunk(path: str, knowledge: Knowledge) -> tuple[Chunk, Layout]:
    """The records of an RDF file as one chunk of rows in the contract's layout."""
    layout = Layout.of(knowledge.contract.names)
    rows = [(i, raw) for i, raw, _ in rdf_rows(path, knowledge)]
    return Chunk([[raw.get(c, "") for c in layout.columns] for _, raw in rows], [i for i, _ in rows], {}), layout
