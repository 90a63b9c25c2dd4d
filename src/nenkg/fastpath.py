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
from .records import COLUMNS, OUTPUT_COLUMNS, RecordReader, Rejection, csv_header

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
    def __init__(self, knowledge: Knowledge, reader: RecordReader | None = None, chunk_size: int = CHUNK):
        self.k = knowledge
        self.chunk_size = chunk_size
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

    def _intervals(self, column: str, texts, values: list) -> list:
        """Per row, where the value lies among the column's criterion bounds (memoised by text)."""
        memo = self.interval_memo.setdefault(column, {})
        bounds = self.bounds[column]
        new = set(texts).difference(memo)
        if new:
            values_by_text = dict(zip(texts, values, strict=True))
            for text in new:
                value = values_by_text[text]
                memo[text] = None if value is None or type(value) is _Bad else (bisect.bisect_left(bounds, value), value in bounds)
        return list(map(memo.__getitem__, texts))

    # -- per key -------------------------------------------------------------------------------
    def _template(self, key: tuple, values: dict[str, object]):
        found = self.templates.get(key)
        if found is None:
            texts = {c: f"\x00{c}\x00" for c in self.numeric}
            rec = Record(record_id="", texts=texts, **{c: v for c, v in values.items() if v is not None})
            try:
                outcome = self.classifier.classify(rec)
                outcome.reason_text = "; ".join(outcome.reason)
                outcome.placeholders = tuple(c for c in self.numeric if f"\x00{c}\x00" in outcome.reason_text)
                found = (outcome, None)
            except RejectRecord as exc:
                found = (None, exc)
            self.templates[key] = found
        return found

    # -- chunks --------------------------------------------------------------------------------
    def _column(self, column: str, texts) -> list:
        """Convert a column: the converter once per new distinct text, then one look-up a row."""
        memo = self.memo[column]
        for text in set(texts).difference(memo):
            self._convert(column, text)
        return list(map(memo.__getitem__, texts))

    def id_errors(self, rows: list[list[str]], header: list[str]) -> dict[int, str]:
        """Missing and duplicate record ids of a chunk, by row position (sequential state:
        run in order over the chunks of one input)."""
        rid_at, width = header.index("record_id"), len(header)
        seen = self.reader.seen_ids
        errors = {}
        for n, row in enumerate(rows):
            if len(row) != width:
                continue
            rid = row[rid_at].strip()
            if not rid:
                errors[n] = "missing"
            elif rid in seen:
                errors[n] = f"duplicate record_id {rid!r}"
            else:
                seen.add(rid)
        return errors

    def classify_rows(self, rows: list[list[str]], header: list[str], first_row: int,
                      id_errors: dict[int, str] | None = None) -> list[tuple]:
        """Classify a chunk of CSV rows (lists of strings in header order) into tuples
        (row number, record id, outcome or None, reason, rejection or None)."""
        if id_errors is None:
            id_errors = self.id_errors(rows, header)
        index = {c: header.index(c) for c in header}
        width = len(header)
        results: list = [None] * len(rows)
        good_rows = [i for i, row in enumerate(rows) if len(row) == width]
        if len(good_rows) != len(rows):
            for i, row in enumerate(rows):
                if len(row) == width:
                    continue
                number = first_row + i
                if not row or (len(row) == 1 and not row[0].strip()):
                    results[i] = (number, f"row-{number}", None, "", Rejection(number, "", "row", "empty line"))
                else:
                    rid = row[index["record_id"]].strip() if len(row) > index["record_id"] else ""
                    results[i] = (number, rid or f"row-{number}", None, "",
                                  Rejection(number, rid, "row", f"has {len(row)} fields, the header has {width}"))
            rows = [rows[i] for i in good_rows]
        transposed = list(zip(*rows, strict=True)) if rows else [()] * width
        blank = ("",) * len(rows)
        columns = {c: (transposed[index[c]] if c in index else blank) for c in COLUMNS}
        converted = {c: self._column(c, columns[c]) for c in COLUMNS if c != "record_id"}
        # rows with a bad field: the first bad field in column order decides the message; only
        # columns with a bad distinct text in this chunk are scanned
        bad_at: dict[int, _Bad] = {}
        for c in COLUMNS:
            if c == "record_id":
                continue
            memo = self.memo[c]
            if not any(type(memo[t]) is _Bad for t in set(columns[c])):
                continue
            col = converted[c]
            for n in [n for n, v in enumerate(col) if type(v) is _Bad]:
                bad_at.setdefault(n, col[n])
        intervals = [self._intervals(c, columns[c], converted[c]) for c in self.numeric]
        # keys are built from the raw texts (Python caches a str's hash; rdflib terms hash
        # slowly): two spellings of one term give two keys with the same outcome, which is fine
        keys = list(zip(*(columns[c] for c in self.key_columns), *intervals, strict=True))
        numeric = {c: (f"\x00{c}\x00", columns[c]) for c in self.numeric}
        ids = columns["record_id"]
        templates = self.templates
        for n, i in enumerate(good_rows):
            number = first_row + i
            rid = ids[n].strip()
            if id_errors and i in id_errors:
                results[i] = (number, rid or f"row-{number}", None, "", Rejection(number, rid, "record_id", id_errors[i]))
                continue
            if bad_at:
                bad = bad_at.get(n)
                if bad is not None:
                    results[i] = (number, rid, None, "", Rejection(number, rid, bad.field, bad.reason))
                    continue
            key = keys[n]
            found = templates.get(key)
            if found is None:
                found = self._template(key, {c: converted[c][n] for c in converted})
            outcome, rejected = found
            if rejected is not None:
                results[i] = (number, rid, None, "", Rejection(number, rid, rejected.field, rejected.reason))
                continue
            reason = outcome.reason_text
            for c in outcome.placeholders:
                token, texts = numeric[c]
                reason = reason.replace(token, texts[n].strip())
            results[i] = (number, rid, outcome, reason, None)
        return results

    def read_chunks(self, lines: Iterable[str], name: str) -> Iterator[tuple[list[list[str]], list[str], int, dict[int, str]]]:
        """(rows, header, first row number, id errors) per chunk of a CSV input."""
        reader = csv.reader(lines)
        header = csv_header(reader, name)
        if header is None:
            return
        first = 1
        while True:
            chunk = list(itertools.islice(reader, self.chunk_size))
            if not chunk:
                return
            yield chunk, header, first, self.id_errors(chunk, header)
            first += len(chunk)

    def _chunks(self, lines: Iterable[str], name: str) -> Iterator[list[tuple]]:
        for rows, header, first, id_errors in self.read_chunks(lines, name):
            yield self.classify_rows(rows, header, first, id_errors)

    def classify_csv(self, lines: Iterable[str], name: str) -> Iterator[Result]:
        """Results one by one (for JSON Lines and Turtle output, and for tests)."""
        for chunk in self._chunks(lines, name):
            for t in chunk:
                yield Result(*t)

    def csv_output(self, lines: Iterable[str], name: str, jobs: int = 1) -> Iterator[tuple[str, int, int]]:
        """CSV output text per chunk, with the chunk's classified and rejected counts; with
        jobs > 1 the chunks are classified by forked worker processes (order kept)."""
        chunks = self.read_chunks(lines, name)
        if jobs <= 1:
            for rows, header, first, id_errors in chunks:
                yield self.format_csv(self.classify_rows(rows, header, first, id_errors))
            return
        import multiprocessing

        global _WORKER
        _WORKER = self
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            yield from pool.imap(_work, chunks)

    def csv_file_output(self, path: str, jobs: int) -> Iterator[tuple[str, int, int]] | None:
        """Parallel CSV to CSV for a file without double quotes or carriage returns: each
        worker reads and parses its own byte range of whole lines, so the main process neither
        parses nor pickles rows. Record ids are then checked in input order and the few rows
        they reject are rewritten. Returns None when the file is not eligible."""
        with open(path, "rb") as fh:
            blob = fh.read()
        data_start = blob.find(b"\n") + 1
        if data_start == 0 or b'"' in blob or b"\r" in blob:
            return None
        header = csv_header(csv.reader([blob[:data_start].decode("utf-8")]), path)
        if header is None:
            return None
        lines_total = blob.count(b"\n", data_start) + (0 if blob.endswith(b"\n") else 1)
        approx = max(1, (len(blob) - data_start) * self.chunk_size // max(1, lines_total))
        tasks, start, row = [], data_start, 1
        while start < len(blob):
            end = blob.find(b"\n", min(len(blob) - 1, start + approx))
            end = len(blob) if end == -1 else end + 1
            tasks.append((path, header, start, end, row))
            row += blob.count(b"\n", start, end) + (0 if blob[end - 1:end] == b"\n" else 1)
            start = end
        del blob
        global _WORKER
        _WORKER = self
        import gc

        gc.freeze()  # keep the parent's objects out of the workers' collections (copy-on-write)
        return self._merge(tasks, jobs)

    def _merge(self, tasks, jobs: int) -> Iterator[tuple[str, int, int]]:
        import multiprocessing

        seen = self.reader.seen_ids
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for first, text, rids_text, n_rows, rejected in pool.imap(_work_range, tasks):
                patches = {}
                for n, rid in enumerate(rids_text.split("\n")[:n_rows]):
                    if rid == "\x00":  # not a record row
                        continue
                    if rid and rid not in seen:
                        seen.add(rid)
                        continue
                    number = first + n
                    reason = "missing" if not rid else f"duplicate record_id {rid!r}"
                    line, _, _ = self.format_csv([(number, rid or f"row-{number}", None, "",
                                                   Rejection(number, rid, "record_id", reason))])
                    patches[n] = line
                if patches:
                    lines = text.split("\n")
                    rejected_now = set(rejected)
                    for n, line in patches.items():
                        lines[n] = line.rstrip("\n")
                        rejected_now.add(n)
                    text = "\n".join(lines)
                    rejected = list(rejected_now)
                yield text, n_rows - len(rejected), len(rejected)

    def format_csv(self, chunk: list[tuple]) -> tuple[str, int, int]:
        """The lines csv.writer would write for `result_row`, classified rows assembled from
        pieces cached on their shared outcome."""
        reason_at = OUTPUT_COLUMNS.index("reason")
        out = []
        rejected = 0
        for number, rid, outcome, reason, rejection in chunk:
            if outcome is None:
                rejected += 1
                row = result_row(Result(number, rid, None, reason, rejection))
                out.append(",".join(csv_field(row[c]) for c in OUTPUT_COLUMNS))
                continue
            pieces = outcome.csv_pieces
            if pieces is None:
                row = result_row(Result(number, rid, outcome, outcome.reason_text, None))
                pieces = outcome.csv_pieces = (
                    ",".join(csv_field(row[c]) for c in OUTPUT_COLUMNS[1:reason_at]),
                    ",".join(csv_field(row[c]) for c in OUTPUT_COLUMNS[reason_at + 1:]),
                    csv_field(outcome.reason_text) != outcome.reason_text,
                )
            before, after, quote = pieces
            if quote:
                reason = '"' + reason.replace('"', '""') + '"'
            if "," in rid or '"' in rid:
                rid = csv_field(rid)
            out.append(f"{rid},{before},{reason},{after}")
        out.append("")
        return "\n".join(out), len(chunk) - rejected, rejected


_WORKER: FastClassifier | None = None


def _work_range(task) -> tuple[int, str, str, int, list[int]]:
    """Worker side of csv_file_output: read, parse, classify and format one byte range.
    Returns the first row number, the output text, the stripped record id of each row joined
    by newlines ("\\x00" for a row that is not a record), the row count and the positions of
    rejected rows."""
    import gc

    gc.disable()
    path, header, start, end, first = task
    with open(path, "rb") as fh:
        fh.seek(start)
        text = fh.read(end - start).decode("utf-8")
    rows = list(csv.reader(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")))
    assert _WORKER is not None
    chunk = _WORKER.classify_rows(rows, header, first, id_errors={})
    width, rid_at = len(header), header.index("record_id")
    rids = "\n".join(row[rid_at].strip() if len(row) == width else "\x00" for row in rows)
    out, _, _ = _WORKER.format_csv(chunk)
    rejected = [n for n, t in enumerate(chunk) if t[2] is None]
    return first, out, rids, len(rows), rejected


def _work(task) -> tuple[str, int, int]:
    """Worker side: classify and format one chunk with the classifier inherited by fork."""
    import gc

    gc.disable()
    rows, header, first, id_errors = task
    assert _WORKER is not None
    return _WORKER.format_csv(_WORKER.classify_rows(rows, header, first, id_errors))


def csv_field(text: str) -> str:
    """One field as csv.writer (QUOTE_MINIMAL) writes it."""
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


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

