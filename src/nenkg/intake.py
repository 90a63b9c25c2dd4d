"""Record files as people make them: CSV or JSON Lines, read into chunks of rows.

What a spreadsheet export or a registry extract may hold, and what becomes of it:

* a UTF-8 byte order mark is skipped; header names match the contract's columns in any case and
  with stray spaces; JSON Lines keys likewise;
* a column (or key) the contract does not know is named once as a warning and carried through to
  the output unchanged (``strict=True`` makes it an error);
* a column or key that appears twice is an error naming it, since two values for one field
  cannot both be honoured;
* blank lines are not records and are skipped;
* a quoted CSV field that never closes stops the run with the line where the quote opened,
  and text that is not UTF-8 stops it with the line and the byte offset in the file.

Both formats come out the same way: the header (contract columns first, in contract order, then
the carried columns), and chunks of rows as lists of strings in that order, each with the line
it starts on and, for a row that cannot be a record (wrong number of fields, not a JSON object),
the reason. Fatal problems raise :class:`InputError` with one line of text.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import operator
import sys
from dataclasses import dataclass, field
from typing import BinaryIO, Iterable, Iterator

from .errors import NenkgError

BOM = codecs.BOM_UTF8


class InputError(NenkgError):
    """The input as a whole cannot be read; the message is one line naming file and line."""


@dataclass
class Layout:
    """The columns of an input, in the order rows are given to the classifier."""

    #: the contract's column names, then the carried (unknown) columns as written
    columns: list[str]
    #: how many of ``columns`` are contract columns
    known: int
    #: for a CSV input: the position in ``columns`` of each column of the file
    order: list[int] = field(default_factory=list)

    @property
    def extras(self) -> list[str]:
        return self.columns[self.known:]

    @classmethod
    def of(cls, contract_names: tuple[str, ...]) -> Layout:
        """The layout of an input with exactly the contract's columns."""
        return cls(list(contract_names), len(contract_names))


@dataclass
class Chunk:
    """Rows of one stretch of the input (lists of strings in layout order)."""

    rows: list[list[str]]
    lines: list[int]
    #: row position -> why the row cannot be a record at all
    errors: dict[int, str]


def normalise(name: str) -> str:
    return "_".join(name.strip().lower().split())


def layout_for(names: list[str], contract_names: tuple[str, ...], source: str, *, strict: bool,
               warn) -> Layout:
    """Match a header (or a JSON object's keys) to the contract; duplicates are errors."""
    seen: dict[str, int] = {}
    for i, raw in enumerate(names, start=1):
        key = normalise(raw) if normalise(raw) in contract_names else raw.strip()
        if key in seen:
            raise InputError(f"{source}: column {key!r} appears twice (columns {seen[key]} and {i})")
        seen[key] = i
    unknown = [n for n in seen if n not in contract_names]
    if unknown:
        text = f"{source}: unknown column(s) {', '.join(repr(u) for u in unknown)}"
        if strict:
            raise InputError(text + " (--strict); the record columns are " + ", ".join(contract_names))
        warn(text + "; carried through to the output unchanged")
    columns = list(contract_names) + unknown
    position = {c: i for i, c in enumerate(columns)}
    return Layout(columns, len(contract_names), [position[k] for k in seen])


class Decoder:
    """Lines of a binary stream as text, skipping a BOM; invalid UTF-8 raises InputError with
    the line and the byte offset in the stream."""

    def __init__(self, stream: BinaryIO, name: str):
        self.stream, self.name = stream, name
        self.line = 0
        self.offset = 0

    def __iter__(self) -> Iterator[str]:
        first = True
        for raw in self.stream:
            self.line += 1
            start = 0
            if first:
                first = False
                if raw.startswith(BOM):
                    start = len(BOM)
            try:
                text = raw[start:].decode("utf-8") if start else raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                at = self.offset + start + exc.start
                raise InputError(f"{self.name}: line {self.line}: not UTF-8 text ({exc.reason} at byte {at} of the file)") from None
            self.offset += len(raw)
            yield text


class FileLines:
    """The lines of a file, decoded by Python's text layer (fast); invalid UTF-8 is located by a
    second, binary pass and raised as InputError with the line and byte offset."""

    def __init__(self, path: str):
        self.path = path
        self.stream = open(path, "rb")  # noqa: SIM115 - closed by the caller

    def __iter__(self) -> Iterator[str]:
        import io

        text = io.TextIOWrapper(self.stream, encoding="utf-8-sig", newline="")
        try:
            yield from text
        except UnicodeDecodeError:
            with open(self.path, "rb") as fh:
                for _ in Decoder(fh, self.path):
                    pass
            raise InputError(f"{self.path}: not UTF-8 text") from None


def open_lines(path: str) -> tuple[Iterable[str], BinaryIO]:
    """The decoded lines of a file (or standard input for "-"), and the stream to close."""
    if path == "-":
        return Decoder(sys.stdin.buffer, "<stdin>"), sys.stdin.buffer
    try:
        lines = FileLines(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return lines, lines.stream


def detect(first: str, name: str) -> str:
    """"csv" or "jsonl", by the name or else by the first line."""
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    return "jsonl" if first.lstrip().startswith("{") else "csv"


class Reader:
    """Reads one CSV or JSON Lines input into a layout and chunks of rows."""

    def __init__(self, lines: Iterable[str], name: str, contract_names: tuple[str, ...], *,
                 strict: bool = False, warn=None, chunk_size: int = 50_000):
        self.name = name
        self.contract_names = contract_names
        self.strict = strict
        self.warnings: list[str] = []
        self._warn = warn or self.warnings.append
        self.chunk_size = chunk_size
        lines = iter(lines)
        first = ""
        self._skipped = 0
        for first in lines:
            if first.strip():
                break
            self._skipped += 1  # blank lines before the header
        self.format = detect(first, name)
        self._lines = itertools.chain([first] if first.strip() else [], lines)
        self.layout: Layout | None = None
        if self.format == "csv":
            self._csv = csv.reader(self._lines, strict=True)
            self._line = self._skipped
            header = self._next_csv()
            if header is not None:
                self.layout = layout_for(header[0], contract_names, f"{name}: line {header[1]}", strict=strict, warn=self._warn)
                missing = [c for c in contract_names[:1] if c not in [normalise(h) for h in header[0]]]
                if missing:
                    raise InputError(f"{name}: line {header[1]}: the header has no {missing[0]!r} column "
                                     f"(the record columns are {', '.join(contract_names)})")

    # -- CSV -------------------------------------------------------------------------------------
    def _next_csv(self) -> tuple[list[str], int] | None:
        """The next non-blank row and the line it starts on."""
        while True:
            start = self._line + 1
            try:
                row = next(self._csv)
            except StopIteration:
                return None
            except csv.Error as exc:
                if "end of data" in str(exc) or "field larger" in str(exc):
                    raise InputError(f"{self.name}: line {start}: a quoted field opened on this line is never closed") from None
                raise InputError(f"{self.name}: line {self._skipped + self._csv.line_num}: malformed CSV ({exc})") from None
            self._line = self._skipped + self._csv.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            return row, start

    def blocks(self) -> Iterator[tuple[str, int]]:
        """The data of a CSV input as text blocks of about ``chunk_size`` records, each with the
        line it starts on. A block never ends inside a quoted field (quotes are counted per
        line), so each can be parsed on its own, in another process if need be; a quoted field
        still open at the end of the input stops the run with the line where it opened."""
        if self.format == "jsonl":
            yield from self._jsonl_blocks()
            return
        if self.layout is None:
            return
        line = self._line
        first = line + 1
        buf: list[str] = []
        records = 0
        open_at = 0
        size = self.chunk_size
        for text in self._lines:
            line += 1
            buf.append(text)
            if '"' in text and text.count('"') % 2:
                open_at = 0 if open_at else line
            if not open_at:
                records += 1
                if records >= size:
                    yield "".join(buf), first
                    buf, records, first = [], 0, line + 1
        if open_at:
            raise InputError(f"{self.name}: line {open_at}: a quoted field opened on this line is never closed")
        if buf:
            yield "".join(buf), first

    def _jsonl_blocks(self) -> Iterator[tuple[str, int]]:
        line = self._skipped
        first = line + 1
        buf: list[str] = []
        size = self.chunk_size
        records = 0
        for text in self._lines:
            line += 1
            buf.append(text)
            records += 1
            if records >= size:
                yield "".join(buf), first
                buf, records, first = [], 0, line + 1
        if buf:
            yield "".join(buf), first

    def _csv_chunks(self) -> Iterator[Chunk]:
        for text, first in self.blocks():
            yield parse_block(text, first, self.layout, self.name)

    # -- JSON Lines ------------------------------------------------------------------------------
    def _jsonl_chunks(self) -> Iterator[Chunk]:
        parser = JsonRows(self.contract_names, self.name, strict=self.strict, warn=self._warn)
        self.layout = parser.layout
        for text, first in self.blocks():
            yield parser.parse(text, first)

    def current_layout(self) -> Layout:
        """The layout as far as reading has gone (a JSON Lines input may still add columns)."""
        return self.layout or Layout.of(self.contract_names)

    def chunks(self) -> Iterator[Chunk]:
        return self._jsonl_chunks() if self.format == "jsonl" else self._csv_chunks()


class JsonRows:
    """JSON Lines records into rows in layout order. The layout grows by each unknown key, in
    the order keys are first seen (``warn`` is told once per key, with its line); a carried key a
    record does not have is None in its row, so that only keys a record has are written back."""

    def __init__(self, contract_names: tuple[str, ...], name: str, *, strict: bool = False, warn=None):
        self.names = contract_names
        self.name = name
        self.strict = strict
        self.warn = warn or (lambda text: None)
        self.layout = Layout.of(contract_names)
        self.known = {n: i for i, n in enumerate(contract_names)}
        self.slot: dict[str, int] = {}
        #: unknown keys with the line each was first seen on
        self.unknown: dict[str, int] = {}

    def parse(self, text: str, first: int) -> Chunk:
        chunk = Chunk([], [], {})
        for offset, line_text in enumerate(text.splitlines()):
            if not line_text.strip():
                continue  # a blank line is not a record
            row, error = self.row(line_text, first + offset)
            if error is not None:
                chunk.errors[len(chunk.rows)] = error
            chunk.rows.append(row)
            chunk.lines.append(first + offset)
        return chunk

    def row(self, text: str, line_no: int) -> tuple[list, str | None]:
        columns = self.layout.columns
        known = len(self.names)
        blank = [""] * known + [None] * (len(columns) - known)
        try:
            # pairs keep a repeated key (a dict would keep only the last); numbers stay as written
            pairs = _DECODER.decode(text)
        except json.JSONDecodeError as exc:
            return blank, f"not valid JSON ({exc.msg} at column {exc.colno})"
        if type(pairs) is not _Object:
            return blank, "a JSON Lines record is an object"
        row = blank
        slot = self.slot
        seen = set()
        for key, value in pairs:
            at = slot.get(key)
            if at is None:
                at = self.known.get(normalise(key))
                if at is None:
                    if key not in self.unknown:
                        self.unknown[key] = line_no
                        if self.strict:
                            raise InputError(f"{self.name}: line {line_no}: unknown key {key!r} (--strict); "
                                             f"the record keys are {', '.join(self.names)}")
                        self.warn(f"{self.name}: line {line_no}: unknown key {key!r}; carried through to the output unchanged")
                        columns.append(key)
                    at = columns.index(key)
                slot[key] = at
            if at in seen:
                return row, f"key {key!r} appears twice"
            seen.add(at)
            if at >= len(row):
                row.extend([None] * (at + 1 - len(row)))
            if type(value) is str:
                row[at] = value
                continue
            try:
                row[at] = _text(value)
            except ValueError as exc:
                return row, f"{key}: {exc}"
        return row, None


def parse_block(text: str, first: int, layout: Layout, name: str) -> Chunk:
    """Parse a block of CSV data lines (see :meth:`Reader.blocks`) into a chunk: rows in layout
    order with the line each starts on; blank lines are skipped; a row with the wrong number of
    fields is kept with the reason."""
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    rows: list[list[str]] = []
    ends: list[int] | range = []
    try:
        if '"' not in text:
            # no quoted field, so no row spans lines: row n ends on line n (read in one C call)
            rows = list(reader)
            ends = range(1, len(rows) + 1)
        else:
            for row in reader:  # one row, the line it ends on
                rows.append(row)
                ends.append(reader.line_num)
    except csv.Error as exc:
        raise InputError(f"{name}: line {first + reader.line_num - 1}: malformed CSV ({exc})") from None
    width_in = len(layout.order)
    width = len(layout.columns)
    order = layout.order
    identity = order == list(range(width))
    # a row of the right width is put in layout order by one C-level call: the input field of
    # each layout column, or the blank appended after the row for a column the input lacks
    source = [width_in] * width
    for j, i in enumerate(order):
        source[i] = j
    arrange = operator.itemgetter(*source) if width > 1 else (lambda row: (row[source[0]],))
    pad = [""]
    keep_rows: list[list[str]] = []
    keep_lines: list[int] = []
    errors: dict[int, str] = {}
    start = first
    for row, end in zip(rows, ends):
        line, start = start, first + end
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # a blank line is not a record
        if len(row) != width_in:
            errors[len(keep_rows)] = f"has {len(row)} fields, the header has {width_in}"
            full = [""] * width
            for i, v in zip(order, row):
                full[i] = v
            row = full
        elif not identity:
            row = list(arrange(row + pad))
        keep_rows.append(row)
        keep_lines.append(line)
    return Chunk(keep_rows, keep_lines, errors)


class _Object(list):
    """The key-value pairs of one JSON object, in order."""


_DECODER = json.JSONDecoder(object_pairs_hook=_Object, parse_float=str, parse_int=str)


def _text(value) -> str:
    """A JSON value as the text a CSV cell would hold (numbers keep their written form: the
    parser hands them over as text, so 1.0 stays "1.0")."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a value of any record field")
    if isinstance(value, _Object):
        raise ValueError("an object is not a value of any record field")
    if isinstance(value, list):
        if any(not isinstance(v, str) for v in value):
            raise ValueError("a list holds plain values (text or numbers) only")
        return "|".join(value)
    raise ValueError(f"{value!r} is not a value of any record field")
