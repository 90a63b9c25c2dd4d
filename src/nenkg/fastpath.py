"""Batch classification of CSV records: the same verdicts as the per-record path, faster.

How it stays equal to the per-record path (``RecordReader.parse`` + ``Classifier.classify``),
which tests/test_fastpath.py checks on thousands of generated rows:

* every field goes through the very same converter, once per distinct text of the column
  (registries repeat values: a million rows hold a few thousand distinct texts);
* the classifier runs once per *equivalence key*: the categorical values that criteria or
  class definitions read, and, for each numeric criterion variable, the position of the value
  among that variable's criterion bounds (two values in the same position meet the same
  criteria). Its outcome is a template whose reason quotes numbers by placeholders, filled
  per row with the text the row gave.

Rows are processed in chunks, so memory stays flat whatever the input size.
"""

from __future__ import annotations

import bisect
import csv
import itertools
from dataclasses import dataclass
from typing import Iterable, Iterator

from .grading import Classifier, Knowledge, Outcome, Record, RejectRecord
from .records import COLUMNS, InputError, RecordReader, Rejection

CHUNK = 50_000


@dataclass(slots=True)
class Result:
    """One input row's verdict: an outcome with its filled reason, or a rejection."""

    row: int
    record_id: str
    outcome: Outcome | None
    reason: str
    rejection: Rejection | None


class _Bad:
    __slots__ = ("field", "reason")

    def __init__(self, field: str, reason: str):
        self.field, self.reason = field, reason


class FastClassifier:
    def __init__(self, knowledge: Knowledge, reader: RecordReader | None = None):
        self.k = knowledge
        self.reader = reader or RecordReader(knowledge)
        self.classifier = Classifier(knowledge)
        numeric_vars = {knowledge.column(c.variable) for c in knowledge.criteria if c.numeric}
        self.bounds = {
            col: sorted({b for c in knowledge.criteria if knowledge.column(c.variable) == col
                         for b in (c.lower, c.upper) if b is not None})
            for col in numeric_vars
        }
        self.numeric = sorted(numeric_vars)
        self.key_columns = [c for c in COLUMNS if c not in ("record_id", "size_mm", "age", "sex", "metastatic_sites")
                            and c not in numeric_vars]
        self.memo: dict[str, dict[str, object]] = {c: {} for c in COLUMNS if c != "record_id"}
        self.templates: dict[tuple, tuple[Outcome | None, RejectRecord | None]] = {}
        self.interval_memo: dict[str, dict[str, tuple[int, bool] | None]] = {}

    # -- per distinct text ---------------------------------------------------------------------
    def _convert(self, column: str, raw: str):
        memo = self.memo[column]
        if raw in memo:
            return memo[raw]
        text = raw.strip()
        if not text:
            hit = None if column != "primary_site" else _Bad("primary_site", "missing")
        else:
            try:
                hit = self.reader.converters[column](text)
            except RejectRecord as exc:
                hit = _Bad(exc.field, exc.reason)
        memo[raw] = hit
        return hit

    def _intervals(self, column: str, texts: list[str], values: list) -> list:
        """Per row, where the value lies among the column's criterion bounds (memoised by text)."""
        memo = self.interval_memo.setdefault(column, {})
        get = memo.get
        out = [get(t, _MISS) for t in texts]
        if _MISS in out:
            bounds = self.bounds[column]
            for n, v in enumerate(out):
                if v is _MISS:
                    value = values[n]
                    key = None if value is None or type(value) is _Bad else (bisect.bisect_left(bounds, value), value in bounds)
                    memo[texts[n]] = out[n] = key
        return out

    # -- per key -------------------------------------------------------------------------------
    def _template(self, key: tuple, values: dict[str, object]):
        found = self.templates.get(key)
        if found is None:
            texts = {c: f"\x00{c}\x00" for c in self.numeric}
            rec = Record(record_id="", texts=texts, **{c: v for c, v in values.items() if v is not None})
            try:
                outcome = self.classifier.classify(rec)
                outcome.reason_text = "; ".join(outcome.reason)
                found = (outcome, None)
            except RejectRecord as exc:
                found = (None, exc)
            self.templates[key] = found
        return found

    # -- chunks --------------------------------------------------------------------------------
    def _column(self, column: str, texts: list[str]) -> list:
        """Convert a column: one dictionary look-up per row, the converter once per new text."""
        memo = self.memo[column]
        get = memo.get
        out = [get(t, _MISS) for t in texts]
        if _MISS in out:
            for n, v in enumerate(out):
                if v is _MISS:
                    self._convert(column, texts[n])
                    out[n] = memo[texts[n]]
        return out

    def classify_rows(self, rows: list[list[str]], header: list[str], first_row: int) -> list[Result]:
        """Classify a chunk of CSV rows (lists of strings in header order)."""
        index = {c: header.index(c) for c in header}
        width = len(header)
        results: list[Result | None] = [None] * len(rows)
        good_rows = [i for i, row in enumerate(rows) if len(row) == width]
        if len(good_rows) != len(rows):
            for i, row in enumerate(rows):
                if len(row) == width:
                    continue
                number = first_row + i
                if not row or (len(row) == 1 and not row[0].strip()):
                    results[i] = Result(number, f"row-{number}", None, "", Rejection(number, "", "row", "empty line"))
                else:
                    rid = row[index["record_id"]].strip() if len(row) > index["record_id"] else ""
                    results[i] = Result(number, rid or f"row-{number}", None, "",
                                        Rejection(number, rid, "row", f"has {len(row)} fields, the header has {width}"))
            rows = [rows[i] for i in good_rows]
        blank = [""] * len(rows)
        columns = {c: ([r[index[c]] for r in rows] if c in index else blank) for c in COLUMNS}
        converted = {c: self._column(c, columns[c]) for c in COLUMNS if c != "record_id"}
        # rows with a bad field: the first bad field in column order decides the message
        bad_at: dict[int, _Bad] = {}
        for c in COLUMNS:
            if c == "record_id":
                continue
            col = converted[c]
            for n in [n for n, v in enumerate(col) if type(v) is _Bad]:
                bad_at.setdefault(n, col[n])
        intervals = [self._intervals(c, columns[c], converted[c]) for c in self.numeric]
        keys = list(zip(*(converted[c] for c in self.key_columns), *intervals, strict=True))
        seen = self.reader.seen_ids
        numeric = [(f"\x00{c}\x00", columns[c]) for c in self.numeric]
        rid_at = index["record_id"]
        for n, row in enumerate(rows):
            i = good_rows[n]
            number = first_row + i
            rid = row[rid_at].strip()
            if not rid or rid in seen:
                reason = "missing" if not rid else f"duplicate record_id {rid!r}"
                results[i] = Result(number, rid or f"row-{number}", None, "", Rejection(number, rid, "record_id", reason))
                continue
            seen.add(rid)
            bad = bad_at.get(n)
            if bad is not None:
                results[i] = Result(number, rid, None, "", Rejection(number, rid, bad.field, bad.reason))
                continue
            found = self.templates.get(keys[n])
            if found is None:
                found = self._template(keys[n], {c: converted[c][n] for c in converted})
            outcome, rejected = found
            if rejected is not None:
                results[i] = Result(number, rid, None, "", Rejection(number, rid, rejected.field, rejected.reason))
                continue
            reason = outcome.reason_text
            if "\x00" in reason:
                for token, texts in numeric:
                    reason = reason.replace(token, texts[n].strip())
            results[i] = Result(number, rid, outcome, reason, None)
        return results  # type: ignore[return-value]

    def classify_csv(self, lines: Iterable[str], name: str) -> Iterator[Result]:
        reader = csv.reader(lines)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            return
        unknown = [h for h in header if h not in COLUMNS]
        if "record_id" not in header or "primary_site" not in header or unknown:
            raise InputError(f"{name}: line 1: the header must use the record columns {', '.join(COLUMNS)}"
                             + (f"; unknown column(s): {', '.join(unknown)}" if unknown else ""))
        first = 1
        while True:
            chunk = list(itertools.islice(reader, CHUNK))
            if not chunk:
                return
            yield from self.classify_rows(chunk, header, first)
            first += len(chunk)


_MISS = object()


def per_record_results(rows: Iterable[tuple[int, dict[str, str] | None, str | None]],
                       reader: RecordReader, classifier: Classifier) -> Iterator[Result]:
    """The reference path: parse and classify one record at a time."""
    for number, raw, error in rows:
        rid = ((raw or {}).get("record_id") or "").strip() or f"row-{number}"
        if error is not None:
            yield Result(number, rid, None, "", Rejection(number, rid, "row", error))
            continue
        try:
            outcome = classifier.classify(reader.parse(raw))
        except RejectRecord as exc:
            yield Result(number, rid, None, "", Rejection(number, rid, exc.field, exc.reason))
            continue
        yield Result(number, rid, outcome, "; ".join(outcome.reason), None)


def result_row(result: Result) -> dict[str, str]:
    from .records import outcome_row

    row = outcome_row(result.record_id, result.outcome, result.rejection)
    if result.outcome is not None:
        row["reason"] = result.reason
    return row

