"""``nenkg classify IN [-o OUT] [--format csv|jsonl|ttl]``: WHO category and grade per record."""

from __future__ import annotations

import argparse
from array import array
import errno
import gc
import io
from itertools import chain
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Iterator, TextIO

from rdflib.namespace import XSD

from .. import namespaces as ns
from ..atomic import output
from ..errors import NenkgError
from ..fastpath import FastClassifier, Result, csv_field, joined, output_header, per_record_results, result_row
from ..grading import Classifier, Outcome, load_knowledge
from ..intake import JsonRows, Layout, Reader, open_lines, parse_block
from ..records import OUTPUT_COLUMNS, RecordReader, Rejection, nt_string, outcome_statements, rdf_chunk, record_iri
from ..recordgraph import record_set_name
from ..vocab import NENKG
from .options import add_command, existing_file, input_file, positive_int

RDF_SUFFIXES = (".ttl", ".nt", ".rdf", ".jsonld")


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub, "classify", help="classify tumour records (CSV, JSON Lines or RDF) into WHO categories and grades",
        description="Classify tumour records into WHO categories and grades. Input: CSV or JSON Lines with the\n"
                    "record columns (`nenkg fields` lists them with what each accepts; header names match in\n"
                    "any case, unknown columns are carried through), or RDF in the record vocabulary. Sites\n"
                    "take an UBERON CURIE, label or synonym or an ICD-O-3 topography code (ileum, C17.2);\n"
                    "syndromes a label or synonym (ZES, hypoglycaemia, none); morphology_code an ICD-O-3 code.\n"
                    "Every record comes out classified, not_nen (not a neuroendocrine neoplasm, with the reason)\n"
                    "or rejected (with its file line and reason); the counts go to stderr and add up. The output\n"
                    "is written whole at the end: a failed run leaves no partial file.",
        examples="nenkg classify examples/records.csv                      # CSV to standard output\n"
                 "nenkg classify examples/registry.csv                     # ICD-O-3 codes, a carried notes column\n"
                 "nenkg classify examples/records.jsonl -o classified.jsonl\n"
                 "nenkg classify - --format ttl < examples/records.csv     # from standard input",
        exit_codes="0  every record classified or found not to be a NEN\n"
                   "1  at least one record rejected (listed in the output with its line and reason)\n"
                   "2  the input could not be read (missing file, not UTF-8, unclosed quote, repeated column,\n"
                   "   unknown column with --strict), the output is the input or its folder is missing, or an\n"
                   "   invalid option; nothing is written and an existing output is left as it was")
    p.add_argument("input", type=input_file, help="records file (.csv, .jsonl, or RDF: .ttl, .nt, .rdf, .jsonld) or - for standard input")
    p.add_argument("-o", "--output", help="output file, written whole at the end (default, or -: standard output)")
    p.add_argument("--format", choices=("csv", "jsonl", "ttl"), help="output format (default: from the output name, else csv)")
    p.add_argument("--ontology", type=existing_file, help="release file with the criteria (default: ontology/nenkg.owl)")
    p.add_argument("--jobs", type=positive_int, default=min(2, os.cpu_count() or 1),
                   help="worker processes that classify and format chunks in parallel (default: 2, or 1 on one CPU)")
    p.add_argument("--strict", action="store_true",
                   help="an unknown column or key is an error (default: a warning, and the column is carried through)")
    p.add_argument("--per-record", action="store_true",
                   help="classify one record at a time (the reference path) instead of in batches")
    p.add_argument("--staging-scheme", action="append", default=[], metavar="CURIE",
                   help="stage the sites of this TNM scheme with it instead of the default (AJCC 8th edition) "
                        "scheme, e.g. NENKG:0006011 for the ENETS 2006 pancreas scheme (repeatable; the library "
                        "query staging-scheme-of-site lists the schemes of a site)")
    p.set_defaults(func=run)


#: CSV and JSON Lines pieces per outcome id; the entries keep their outcomes alive, so ids cannot
#: be reused. A staged record given as classification and stage apart (Result.stage) has CSV
#: pieces per classification and per stage, joined per row with the row's own values.
_PIECES: dict[int, tuple[Outcome, tuple[str, str, str, bool]]] = {}
_JSON_PIECES: dict[int, tuple[Outcome, tuple[str, str, str, str]]] = {}
_CLASS_PIECES: dict[int, tuple] = {}
_STAGE_PIECES: dict[int, tuple] = {}
_WARNING_CELLS: dict[tuple, str] = {}
_JSON_CLASS: dict[int, tuple] = {}
_JSON_STAGE: dict[int, tuple] = {}


def _cached(cache: dict, outcome: Outcome, make):
    """The pieces of an outcome, made once: the entry keeps the outcome alive, so its id cannot
    be reused while cached (a cache past 100,000 entries starts again)."""
    entry = cache.get(id(outcome))
    if entry is None:
        if len(cache) > 100_000:
            cache.clear()
        entry = cache[id(outcome)] = (outcome, make())
    return entry[1]


class Writer:
    """Writes results as CSV, JSON Lines or Turtle, in large buffered pieces."""

    def __init__(self, fh: TextIO, fmt: str, layout: Layout, record_set: str):
        self.fh, self.fmt, self.layout, self.record_set = fh, fmt, layout, record_set
        self.buffer: list[str] = []
        # pieces cached per outcome (they do not depend on the layout), shared by the writers of a
        # process, so that a worker's writer of each block reuses what the earlier blocks built
        self.pieces, self.json_pieces = _PIECES, _JSON_PIECES
        self.header_written = False
        #: buffered lines written out at once (a worker keeps them all: one per result)
        self.flush_at: float = 20000

    def header(self) -> None:
        if self.header_written:
            return
        self.header_written = True
        if self.fmt == "csv":
            self.fh.write(",".join(csv_field(c) for c in output_header(self.layout)) + "\n")
        elif self.fmt == "ttl":
            self.fh.write(f"@prefix nenkg: <{ns.ENTITY_PREFIXES['NENKG']}> .\n@prefix xsd: <{XSD}> .\n\n")

    def write(self, result: Result) -> None:
        if self.fmt == "csv":
            self.buffer.append(self._csv_line(result))
            if len(self.buffer) >= self.flush_at:
                self.flush()
            return
        if self.fmt == "jsonl":
            self.buffer.append(self._json_line(result))
        else:
            result = joined(result)
            row = {"record_id": result.record_id, "reason": result.reason,
                   "error": result.rejection.message if result.rejection is not None else ""}
            self.buffer.append(turtle_block(row, result.outcome, self.record_set, result.line))
        if len(self.buffer) >= self.flush_at:
            self.flush()

    def write_all(self, results: list[Result]) -> None:
        """Many results at once (the CSV hot path: pieces cached per outcome, local look-ups)."""
        if self.fmt != "csv" or self.layout.extras:
            for r in results:
                self.write(r)
            return
        out = self.buffer
        pieces_of = self.pieces
        staged_line = self._staged_csv_line
        class_pieces, stage_pieces = _CLASS_PIECES, _STAGE_PIECES
        for r in results:
            st = r.stage
            if st is not None:
                entry, sentry = class_pieces.get(id(r.outcome)), stage_pieces.get(id(st))
                if entry is None or sentry is None or entry[1][3] or sentry[1][2]:
                    out.append(staged_line(r, ""))  # first seen, or with warnings
                    continue
                # the common staged row: pieces cached, no warning
                before, middle, quote, _ = entry[1]
                cells, squote, _ = sentry[1]
                rid = r.record_id
                if "," in rid or '"' in rid or "\n" in rid or "\r" in rid:
                    rid = csv_field(rid)
                reason = f"{r.reason}; {r.stage_reason}" if r.stage_reason else r.reason
                if quote or squote:
                    reason = '"' + reason.replace('"', '""') + '"'
                out.append(f"{rid},{before},{r.topography},{middle},{cells},{reason},,\n")
                continue
            o = r.outcome
            entry = pieces_of.get(id(o)) if o is not None else None
            if entry is None:
                out.append(self._csv_line(r))
                continue
            before, middle, after, quote = entry[1]
            rid = r.record_id
            if "," in rid or '"' in rid or "\n" in rid or "\r" in rid:
                rid = csv_field(rid)
            reason = r.reason
            if quote:
                reason = '"' + reason.replace('"', '""') + '"'
            out.append(f"{rid},{before},{r.topography},{middle},{reason},{after}\n")
        if len(out) >= self.flush_at:
            self.flush()

    def _json_line(self, r: Result) -> str:
        """One JSON object per result; a classified row is assembled from pieces cached per
        outcome (json.dumps of the row with markers where the row's own values go)."""
        names = output_header(self.layout)[len(OUTPUT_COLUMNS):]
        extras = "".join(f", {json.dumps(n, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
                         for n, v in zip(names, r.extras) if v is not None)  # only the keys a record had
        o = r.outcome
        if o is None:
            return json.dumps(result_row(r), ensure_ascii=False)[:-1] + extras + "}\n"
        if r.stage is not None:
            return self._staged_json_line(r, extras)
        entry = self.json_pieces.get(id(o))  # the entry keeps its outcome alive
        if entry is None:
            if len(self.json_pieces) > 100_000:
                self.json_pieces.clear()
            row = result_row(Result(r.line, "\x01", o, "\x03", None, "\x02"))
            text = json.dumps(row, ensure_ascii=False)[:-1]
            head, rest = text.split('"\\u0001"', 1)
            middle, rest = rest.split('"\\u0002"', 1)
            before_reason, after = rest.split('"\\u0003"', 1)
            entry = self.json_pieces[id(o)] = (o, (head, middle, before_reason, after))
        head, middle, before_reason, after = entry[1]
        dumps = json.dumps
        return (f"{head}{dumps(r.record_id, ensure_ascii=False)}{middle}{dumps(r.topography)}{before_reason}"
                f"{dumps(r.reason, ensure_ascii=False)}{after}{extras}}}\n")

    def _staged_json_line(self, r: Result, extras: str) -> str:
        """The JSON object of a staged record given as classification and stage apart: what
        json.dumps gives for its joined outcome's row, from key-value pieces cached per
        classification and per stage."""
        dumps = json.dumps
        cols = OUTPUT_COLUMNS

        def pairs(row, first, last):
            return ", ".join(f"{dumps(c)}: {dumps(row[c], ensure_ascii=False)}" for c in cols[cols.index(first):cols.index(last) + 1])

        def class_pieces():
            row = result_row(Result(r.line, "", o, "", None))
            return pairs(row, "status", "grade"), pairs(row, "morphology_code", "predisposed_to")

        o, st = r.outcome, r.stage
        head = _cached(_JSON_CLASS, o, class_pieces)
        stage = _cached(_JSON_STAGE, st, lambda: pairs(result_row(Result(r.line, "", st, "", None)), "stage_scheme", "stage_group"))
        reason = f"{r.reason}; {r.stage_reason}" if r.stage_reason else r.reason
        warnings = dumps("; ".join([*o.warnings, *st.warnings]), ensure_ascii=False)
        return (f'{{"record_id": {dumps(r.record_id, ensure_ascii=False)}, {head[0]}, "topography_code": '
                f'{dumps(r.topography)}, {head[1]}, {stage}, "reason": {dumps(reason, ensure_ascii=False)}, '
                f'"warnings": {warnings}, "error": ""{extras}}}\n')

    def _csv_line(self, r: Result) -> str:
        """The line csv.writer would write, classified rows assembled from pieces cached per
        outcome (records share few outcomes)."""
        width = len(self.layout.extras)
        extras = "".join("," + csv_field(v or "") for v in (r.extras + [""] * width)[:width]) if width else ""
        if r.stage is not None:
            return self._staged_csv_line(r, extras)
        o = r.outcome
        if o is None:
            row = result_row(r)
            return ",".join(csv_field(row[c]) for c in OUTPUT_COLUMNS) + extras + "\n"
        entry = self.pieces.get(id(o))  # the entry keeps its outcome alive, so ids cannot be reused
        pieces = entry[1] if entry is not None else None
        if pieces is None:
            if len(self.pieces) > 100_000:
                self.pieces.clear()
            row = result_row(Result(r.line, "", o, "", None))
            at_topo, at_reason = OUTPUT_COLUMNS.index("topography_code"), OUTPUT_COLUMNS.index("reason")
            pieces = (
                ",".join(csv_field(row[c]) for c in OUTPUT_COLUMNS[1:at_topo]),
                ",".join(csv_field(row[c]) for c in OUTPUT_COLUMNS[at_topo + 1:at_reason]),
                ",".join(csv_field(row[c]) for c in OUTPUT_COLUMNS[at_reason + 1:]),
                # the reason is quoted if its template needs it: the numbers filled in never do
                csv_field(r.reason) != r.reason,
            )
            self.pieces[id(o)] = (o, pieces)
        before, middle, after, _ = pieces
        return f"{csv_field(r.record_id)},{before},{csv_field(r.topography)},{middle},{csv_field(r.reason)},{after}{extras}\n"

    def _staged_csv_line(self, r: Result, extras: str) -> str:
        """The line of a staged record given as classification and stage apart: the line its
        joined outcome gives, from pieces cached per classification and per stage (entries keep
        their outcomes alive, so ids cannot be reused)."""
        o, st = r.outcome, r.stage
        cols = OUTPUT_COLUMNS

        def class_pieces():
            row = result_row(Result(r.line, "", o, "", None))
            return (",".join(csv_field(row[c]) for c in cols[1:cols.index("topography_code")]),
                    ",".join(csv_field(row[c]) for c in cols[cols.index("topography_code") + 1:cols.index("stage_scheme")]),
                    csv_field(r.reason) != r.reason,  # the numbers filled in never need quoting
                    tuple(o.warnings))

        def stage_pieces():
            row = result_row(Result(r.line, "", st, "", None))
            return (",".join(csv_field(row[c]) for c in cols[cols.index("stage_scheme"):cols.index("reason")]),
                    csv_field(r.stage_reason) != r.stage_reason, tuple(st.warnings))

        before, middle, quote, warnings = _cached(_CLASS_PIECES, o, class_pieces)
        cells, squote, swarnings = _cached(_STAGE_PIECES, st, stage_pieces)
        reason = f"{r.reason}; {r.stage_reason}" if r.stage_reason else r.reason
        if quote or squote:
            reason = '"' + reason.replace('"', '""') + '"'
        if warnings or swarnings:
            cell = _WARNING_CELLS.get((warnings, swarnings))
            if cell is None:
                if len(_WARNING_CELLS) > 100_000:
                    _WARNING_CELLS.clear()
                cell = _WARNING_CELLS[(warnings, swarnings)] = csv_field("; ".join(warnings + swarnings))
        else:
            cell = ""
        rid = r.record_id
        if "," in rid or '"' in rid or "\n" in rid or "\r" in rid:
            rid = csv_field(rid)
        return f"{rid},{before},{r.topography},{middle},{cells},{reason},{cell},{extras}\n"

    def flush(self) -> None:
        self.fh.write("".join(self.buffer))
        self.buffer.clear()


_TTL_CACHE: dict[int, tuple[Outcome, str]] = {}


def _outcome_ttl(outcome: Outcome) -> str:
    """The predicate-object lines a classified record's outcome gives (cached per outcome)."""
    hit = _TTL_CACHE.get(id(outcome))  # the entry keeps its outcome alive, so ids cannot be reused
    if hit is not None:
        return hit[1]
    lines = [f"    {p} {o} ;\n" for p, o in outcome_statements(outcome)]
    if len(_TTL_CACHE) > 100_000:
        _TTL_CACHE.clear()
    _TTL_CACHE[id(outcome)] = (outcome, "".join(lines))
    return _TTL_CACHE[id(outcome)][1]


_A_RECORD = f" a {NENKG.tumour_record.n3()} ;\n    {NENKG.record_identifier.n3()} "
_A_REJECTED = f" a {NENKG.rejected_tumour_record.n3()} ;\n    {NENKG.record_identifier.n3()} "
_REASON = f"    {NENKG.classification_reason.n3()} "


def turtle_block(row: dict[str, str], outcome: Outcome | None, record_set: str, line: int) -> str:
    """One record in Turtle: a classified record by its record set and id, a rejected row by its
    line (its id may be missing or repeat another's)."""
    subject = record_iri(record_set, row["record_id"] if outcome is not None else f"line-{line}")
    if outcome is None:
        return f"<{subject}>{_A_REJECTED}{nt_string(row['record_id'])} ;\n{_REASON}{nt_string(row['error'])} .\n\n"
    return (f"<{subject}>{_A_RECORD}{nt_string(row['record_id'])} ;\n{_outcome_ttl(outcome)}"
            f"{_REASON}{nt_string(row['reason'])} .\n\n")


_JOB: tuple | None = None  # (FastClassifier, output format, record set, Reader) inherited by forked workers
_SPOOL: str | None = None  # the folder where workers leave each block's output for the main process


class Spooled(str):
    """The path of a spool file holding a block's output, to be copied into the output whole."""


def _copy_spooled(out: TextIO, path: str) -> None:
    """Append a spool file to the output (in the kernel, by sendfile, where the output has a
    file descriptor that takes it; otherwise through a buffer) and remove it. A write error
    such as a closed pipe is raised as a plain write would raise it."""
    out.flush()
    with open(path, "rb") as src:
        size, at = os.fstat(src.fileno()).st_size, 0
        try:
            dst = out.fileno()
            while at < size:
                sent = os.sendfile(dst, src.fileno(), at, size - at)
                if sent == 0:
                    break
                at += sent
        except (io.UnsupportedOperation, AttributeError):
            pass  # an output without a file descriptor
        except OSError as exc:
            if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                raise
        if at < size:  # the rest, through a buffer
            src.seek(at)
            out.buffer.write(src.read())
            out.flush()
    os.unlink(path)


def _block_worker(task: tuple[str, int]) -> tuple:
    """Worker side: parse, classify and format one block of the input (CSV or JSON Lines).
    Record ids are checked by the main process afterwards, in input order. Returns per row the
    output line, the record id ("\x00" for a row that is not a record for another reason), the
    line number, the status, and (topography code, carried values); then the block's carried
    column names and the unknown keys it met first (JSON Lines)."""
    gc.disable()
    assert _JOB is not None
    fast, fmt, record_set, reader = _JOB
    text, first = task
    if reader.format == "jsonl":
        parser = JsonRows(reader.contract_names, reader.name, strict=reader.strict)
        chunk, layout, unknown = parser.parse(text, first), parser.layout, parser.unknown
    else:
        layout, unknown = reader.layout, {}
        chunk = parse_block(text, first, layout, reader.name)
    results = fast.classify_chunk(chunk, layout, id_errors={})
    writer = Writer(io.StringIO(), fmt, layout, record_set)
    writer.flush_at = float("inf")
    writer.write_all(results)
    out = writer.buffer  # one entry per result
    text = "".join(out)
    if text.isascii() and _SPOOL is not None:
        # the block's output goes to a spool file the main process copies into the output
        # (in the kernel, without passing the text through a pipe), with the line lengths
        fd, path = tempfile.mkstemp(dir=_SPOOL, suffix=".csv")
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("ascii"))
        out = (path, array("L", map(len, out)))
    at_id = layout.columns.index(fast.contract.identifier.name)
    rows, errors = chunk.rows, chunk.errors
    rids = ["\x00" if n in errors else rows[n][at_id].strip() for n in range(len(rows))]
    statuses = "".join("r" if res.rejection else STATUS_CODE[res.outcome.status] for res in results)
    topographies = [res.topography for res in results]
    extras = [res.extras for res in results] if layout.extras else None
    return out, rids, chunk.lines, statuses, topographies, extras, layout.extras, unknown


#: one letter per outcome in the workers' replies
STATUS_CODE = {"classified": "c", "not_nen": "n", "rejected": "r"}
STATUS_NAME = {v: k for k, v in STATUS_CODE.items()}


def _parallel(fast: FastClassifier, reader: Reader, fmt: str, record_set: str, jobs: int, warn):
    """Output texts with counts of input blocks classified by forked workers, in input order.
    Record ids are checked here in input order; a missing or repeated id replaces the row's
    output with its rejection, as the per-record path gives it."""
    import multiprocessing

    global _JOB, _SPOOL
    _JOB = (fast, fmt, record_set, reader)
    spool = tempfile.TemporaryDirectory(prefix="nenkg-classify-")
    _SPOOL = spool.name
    id_name = fast.contract.identifier.name
    names = list(fast.contract.names)
    seen = fast.reader.seen_ids
    warned: set[str] = set()
    with spool, multiprocessing.get_context("fork").Pool(jobs) as pool:
        for out, rids, lines, statuses, topographies, carried, extras, unknown in pool.imap(_block_worker, reader.blocks()):
            for key, line in unknown.items():
                if key not in warned:
                    warned.add(key)
                    warn(f"{reader.name}: line {line}: unknown key {key!r}; carried through to the output unchanged")
            writer = Writer(io.StringIO(), fmt, Layout(names + extras, len(names)), record_set)
            counts = {name: statuses.count(code) for code, name in STATUS_NAME.items()}
            replaced: dict[int, str] = {}
            distinct = set(rids)
            if len(distinct) == len(rids) and "" not in distinct and "\x00" not in distinct and seen.keys().isdisjoint(distinct):
                # the common block: every id new and none repeated (checked by set operations)
                seen.update(zip(rids, lines))
                rids = ()
            for n, rid in enumerate(rids):
                if rid == "\x00":
                    continue
                first = seen.get(rid) if rid else None
                if rid and first is None:
                    seen[rid] = lines[n]
                    continue
                reason = "missing" if not rid else f"{rid!r} repeats the record_id of line {first}"
                line = lines[n]
                writer.write_all([Result(line, rid or f"line-{line}", None, "", Rejection(line, rid, id_name, reason),
                                         topographies[n], carried[n] if carried is not None else [])])
                replaced[n] = "".join(writer.buffer)
                writer.buffer.clear()
                counts[STATUS_NAME[statuses[n]]] -= 1
                counts["rejected"] += 1
            if isinstance(out, tuple):  # (spool file of ASCII text, line lengths)
                path, sizes = out
                if not replaced:
                    yield Spooled(path), counts
                    continue
                with open(path, "rb") as fh:
                    text, at, out = fh.read().decode("ascii"), 0, []
                os.unlink(path)
                for size in sizes:
                    out.append(text[at:at + size])
                    at += size
            for n, line_text in replaced.items():
                out[n] = line_text
            yield "".join(out), counts


def _batched(results: Iterator[Result], size: int = 10_000) -> Iterator[list[Result]]:
    batch: list[Result] = []
    for r in results:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _choose_schemes(knowledge, curies: list[str]) -> None:
    """Apply the staging schemes named by --staging-scheme (CURIEs or IRIs) in place of the default ones."""
    iris = []
    for c in curies:
        try:
            iris.append(c if c.startswith(("http://", "https://")) else ns.expand(c))
        except Exception as e:  # an unknown prefix or a malformed CURIE
            raise NenkgError(f"--staging-scheme {c}: {e}") from None
    try:
        knowledge.staging.choose(iris)
    except ValueError as e:
        raise NenkgError(f"--staging-scheme: {e}") from None


def run(args: argparse.Namespace) -> int:
    ontology = args.ontology or (args.root / "ontology" / "nenkg.owl")
    if not Path(ontology).is_file():
        raise NenkgError(f"{ontology}: no release file; run `nenkg build` first")
    fmt = args.format or (Path(args.output).suffix.lstrip(".") if args.output and args.output != "-" else "csv")
    if fmt not in ("csv", "jsonl", "ttl"):
        raise NenkgError(f"unknown output format {fmt!r}; use --format csv, jsonl or ttl")
    if args.input != "-" and not Path(args.input).is_file():
        raise NenkgError(f"{args.input}: no such file")
    knowledge = load_knowledge(ontology)
    if args.staging_scheme:
        _choose_schemes(knowledge, args.staging_scheme)
    progress = sys.stderr.isatty()
    record_set = "stdin" if args.input == "-" else record_set_name(Path(args.input))

    def warn(text: str) -> None:
        print(f"nenkg classify: warning: {text}", file=sys.stderr)

    if args.input.endswith(RDF_SUFFIXES):
        chunk, layout = rdf_chunk(args.input, knowledge)
        results = per_record_results([chunk], lambda: layout, RecordReader(knowledge), Classifier(knowledge))
        return _run_sequential(args, fmt, record_set, progress, _batched(results), lambda: layout)
    lines, stream = open_lines(args.input)
    try:
        reader = Reader(lines, "<stdin>" if args.input == "-" else args.input, knowledge.contract.names,
                        strict=args.strict, warn=warn)
        # CSV in: parallel for any output; JSON Lines in: parallel unless the output is CSV, whose
        # header must name every carried key before the first row
        if args.jobs > 1 and not args.per_record and (reader.format == "csv" or fmt != "csv"):
            return _run_parallel(args, knowledge, reader, fmt, record_set, warn, progress)
        if args.per_record:
            results = _batched(per_record_results(reader.chunks(), reader.current_layout, RecordReader(knowledge),
                                                  Classifier(knowledge)))
        else:
            results = FastClassifier(knowledge, join_stages=fmt in ("csv", "jsonl")).batches(reader.chunks(), reader.current_layout)
        return _run_sequential(args, fmt, record_set, progress, results, reader.current_layout)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _run_sequential(args, fmt: str, record_set: str, progress: bool, results: Iterator[list[Result]], layout_of) -> int:
    """Classify and write in this process, batch by batch (the header once the layout is known)."""
    counts = {"classified": 0, "not_nen": 0, "rejected": 0}
    try:
        with output(args.output, inputs=(args.input,)) as out:
            gc.disable()  # millions of short-lived objects, no cycles
            writer: Writer | None = None
            for batch in chain(results, [[]]):
                if writer is None:
                    writer = Writer(out, fmt, layout_of(), record_set)
                    writer.header()
                writer.layout = layout_of()
                for res in batch:
                    counts["rejected" if res.rejection else res.outcome.status] += 1
                writer.write_all(batch)
                if progress and batch:
                    print(f"\r{sum(counts.values()):,} records", end="", file=sys.stderr)
            writer.flush()
    finally:
        gc.enable()
    return _summary(counts, progress)


def _run_parallel(args, knowledge, reader: Reader, fmt: str, record_set: str, warn, progress: bool) -> int:
    counts = {"classified": 0, "not_nen": 0, "rejected": 0}
    fast = FastClassifier(knowledge, join_stages=fmt in ("csv", "jsonl"))
    try:
        with output(args.output, inputs=(args.input,)) as out:
            header_done = False
            gc.freeze()  # keep the knowledge graph out of the workers' collections (copy-on-write)
            for text, got in chain(_parallel(fast, reader, fmt, record_set, args.jobs, warn), [("", {})]):
                if not header_done:
                    Writer(out, fmt, reader.current_layout(), record_set).header()
                    header_done = True
                if isinstance(text, Spooled):
                    _copy_spooled(out, text)
                else:
                    out.write(text)
                for key, n in got.items():
                    counts[key] += n
                if progress and text:
                    print(f"\r{sum(counts.values()):,} records", end="", file=sys.stderr)
    finally:
        gc.unfreeze()
    return _summary(counts, progress)


def _summary(counts: dict[str, int], progress: bool) -> int:
    if progress:
        print("\r", end="", file=sys.stderr)
    total = sum(counts.values())
    print(f"nenkg classify: {total} records in, {counts['classified']} classified, {counts['not_nen']} not a NEN, "
          f"{counts['rejected']} rejected", file=sys.stderr)
    return 1 if counts["rejected"] else 0
