"""``nenkg classify IN [-o OUT] [--format csv|jsonl|ttl]``: WHO category and grade per record."""

from __future__ import annotations

import argparse
import gc
import os
import json
import sys
from pathlib import Path
from typing import TextIO

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .. import namespaces as ns
from ..errors import NenkgError
from ..grading import Classifier, Outcome, load_knowledge
from ..fastpath import FastClassifier, Result, csv_field, per_record_results, result_row
from ..records import OUTPUT_COLUMNS, RecordReader, _csv_rows, _jsonl_rows, rdf_rows, reading, record_iri, sniff
from .options import add_command, existing_file, input_file, positive_int

RDF_SUFFIXES = (".ttl", ".nt", ".rdf", ".jsonld")


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub, "classify", help="classify tumour records (CSV, JSON Lines or RDF) into WHO categories and grades",
        description="Classify tumour records into WHO categories and grades. Input: CSV or JSON Lines with the\n"
                    "record columns (record_id, primary_site, differentiation, ki67_percent, mitoses_per_2mm2,\n"
                    "necrosis, cytology, ne_component_percent, hormone_syndrome, gastric_background,\n"
                    "hereditary_syndrome, size_mm, metastatic_sites, age, sex), or RDF in the record vocabulary.\n"
                    "Sites, syndromes and backgrounds take a CURIE or any label or synonym (ileum, ZES, MEN1).\n"
                    "Every record comes out classified (with the criteria that decided) or rejected (with its\n"
                    "row and reason); the counts go to stderr.",
        examples="nenkg classify examples/records.csv                      # CSV to standard output\n"
                 "nenkg classify examples/records.jsonl -o classified.jsonl\n"
                 "nenkg classify - --format ttl < examples/records.csv     # from standard input",
        exit_codes="0  every record classified\n"
                   "1  at least one record rejected (listed in the output with its reason)\n"
                   "2  the input could not be read (missing file, not CSV/JSONL/RDF, not UTF-8) or an invalid option")
    p.add_argument("input", type=input_file, help="records file (.csv, .jsonl, or RDF: .ttl, .nt, .rdf, .jsonld) or - for standard input")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument("--format", choices=("csv", "jsonl", "ttl"), help="output format (default: from the output name, else csv)")
    p.add_argument("--ontology", type=existing_file, help="release file with the criteria (default: ontology/nenkg.owl)")
    p.add_argument("--jobs", type=positive_int, default=min(2, os.cpu_count() or 1),
                   help="worker processes for CSV to CSV (default: 2 or the number of CPUs if fewer)")
    p.add_argument("--per-record", action="store_true",
                   help="classify CSV one record at a time (the reference path) instead of in batches")
    p.set_defaults(func=run)


class Writer:
    """Writes results one by one as CSV, JSON Lines or Turtle (buffered)."""

    def __init__(self, fh: TextIO, fmt: str):
        self.fh, self.fmt = fh, fmt
        self.buffer: list[str] = []
        if fmt == "csv":
            fh.write(",".join(OUTPUT_COLUMNS) + "\n")
        elif fmt == "ttl":
            fh.write(f"@prefix nenkg: <{ns.ENTITY_PREFIXES['NENKG']}> .\n@prefix xsd: <{XSD}> .\n\n")

    def write(self, result: Result) -> None:
        row = result_row(result)
        if self.fmt == "csv":
            self.buffer.append(",".join(csv_field(row[c]) for c in OUTPUT_COLUMNS) + "\n")
        elif self.fmt == "jsonl":
            self.buffer.append(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            self.buffer.append(turtle_block(row, result.outcome))
        if len(self.buffer) >= 10000:
            self.flush()

    def flush(self) -> None:
        self.fh.write("".join(self.buffer))
        self.buffer.clear()


def turtle_block(row: dict[str, str], outcome: Outcome | None) -> str:
    n = ns.ENTITY_PREFIXES["NENKG"]
    subject = record_iri(row["record_id"])
    lines = [f"{subject.n3()} a {URIRef(n + '0004005').n3()} ;",
             f"    {URIRef(n + '0004030').n3()} {Literal(row['record_id']).n3()} ;"]
    if outcome is not None and outcome.class_iri:
        lines.append(f"    {URIRef(n + '0004045').n3()} {URIRef(outcome.class_iri).n3()} ;")
    if outcome is not None and outcome.grade_iri:
        lines.append(f"    {URIRef(n + '0004046').n3()} {URIRef(outcome.grade_iri).n3()} ;")
    if outcome is not None:
        for c in outcome.criteria:
            lines.append(f"    {URIRef(n + '0004047').n3()} {URIRef(ns.expand(c)).n3()} ;")
        for w in outcome.warnings:
            lines.append(f"    {URIRef(n + '0004049').n3()} {Literal(w).n3()} ;")
    text = row["reason"] if row["status"] == "classified" else row["error"]
    lines.append(f"    {URIRef(n + '0004048').n3()} {Literal(text).n3()} .")
    return "\n".join(lines) + "\n\n"


def run(args: argparse.Namespace) -> int:
    ontology = args.ontology or (args.root / "ontology" / "nenkg.owl")
    if not Path(ontology).is_file():
        raise NenkgError(f"{ontology}: no release file; run `nenkg build` first")
    knowledge = load_knowledge(ontology)
    fmt = args.format or (Path(args.output).suffix.lstrip(".") if args.output else "csv")
    if fmt not in ("csv", "jsonl", "ttl"):
        raise NenkgError(f"unknown output format {fmt!r}; use --format csv, jsonl or ttl")
    if args.input == "-":
        src, name = sys.stdin, "<stdin>"
    else:
        path = Path(args.input)
        if not path.is_file():
            raise NenkgError(f"{path}: no such file")
        src, name = open(path, encoding="utf-8", newline=""), str(path)
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    progress = sys.stderr.isatty()
    counts = {"classified": 0, "rejected": 0}
    try:
        with reading(name):
            if name.endswith(RDF_SUFFIXES):
                results = per_record_results(rdf_rows(name, knowledge), RecordReader(knowledge), Classifier(knowledge))
            else:
                kind, lines = sniff(src, name)
                if kind == "csv" and not args.per_record and fmt == "csv":
                    fast = FastClassifier(knowledge)
                    by_range = fast.csv_file_output(name, args.jobs) if args.jobs > 1 and args.input != "-" else None
                    return _fast_csv(by_range if by_range is not None else fast.csv_output(lines, name, args.jobs), out, progress)
                if kind == "csv" and not args.per_record:
                    results = FastClassifier(knowledge).classify_csv(lines, name)
                else:
                    rows = _jsonl_rows(lines) if kind == "jsonl" else _csv_rows(lines, name)
                    results = per_record_results(rows, RecordReader(knowledge), Classifier(knowledge))
            writer = Writer(out, fmt)
            # millions of short-lived tuples and no reference cycles: the cyclic collector would only
            # re-scan the knowledge graph again and again
            gc.disable()
            for res in results:
                counts["rejected" if res.rejection else "classified"] += 1
                writer.write(res)
                if progress and (counts["classified"] + counts["rejected"]) % 50000 == 0:
                    print(f"\r{counts['classified'] + counts['rejected']:,} records", end="", file=sys.stderr)
            writer.flush()
    finally:
        gc.enable()
        if src is not sys.stdin:
            src.close()
        if out is not sys.stdout:
            out.close()
    return _summary(counts["classified"], counts["rejected"], progress)


def _fast_csv(chunks, out: TextIO, progress: bool) -> int:
    """CSV in, CSV out through the batch path, written chunk by chunk."""
    classified = rejected = 0
    out.write(",".join(OUTPUT_COLUMNS) + "\n")
    gc.disable()
    try:
        for text, n_ok, n_bad in chunks:
            out.write(text)
            classified += n_ok
            rejected += n_bad
            if progress:
                print(f"\r{classified + rejected:,} records", end="", file=sys.stderr)
    finally:
        gc.enable()
    return _summary(classified, rejected, progress)


def _summary(classified: int, rejected: int, progress: bool) -> int:
    if progress:
        print("\r", end="", file=sys.stderr)
    print(f"nenkg classify: {classified + rejected} records in, {classified} classified, {rejected} rejected",
          file=sys.stderr)
    return 1 if rejected else 0
