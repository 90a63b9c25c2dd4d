"""``nenkg classify IN [-o OUT] [--format csv|jsonl|ttl]``: WHO category and grade per record."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import TextIO

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .. import namespaces as ns
from ..errors import NenkgError
from ..grading import Classifier, Outcome, RejectRecord, load_knowledge
from ..records import (
    OUTPUT_COLUMNS, InputError, RecordReader, Rejection, outcome_row, rdf_rows, read_rows, record_iri,
)

RDF_SUFFIXES = (".ttl", ".nt", ".rdf", ".jsonld")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("classify", help="classify tumour records (CSV or JSON Lines) into WHO categories and grades")
    p.add_argument("input", help="records file (.csv, .jsonl) or - for standard input")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument("--format", choices=("csv", "jsonl", "ttl"), help="output format (default: from the output name, else csv)")
    p.add_argument("--ontology", type=Path, help="release file with the criteria (default: ontology/nenkg.owl)")
    p.set_defaults(func=run)


class Writer:
    def __init__(self, fh: TextIO, fmt: str):
        self.fh, self.fmt = fh, fmt
        if fmt == "csv":
            self.csv = csv.DictWriter(fh, fieldnames=OUTPUT_COLUMNS, lineterminator="\n")
            self.csv.writeheader()
        elif fmt == "ttl":
            fh.write(f"@prefix nenkg: <{ns.ENTITY_PREFIXES['NENKG']}> .\n@prefix xsd: <{XSD}> .\n\n")

    def write(self, row: dict[str, str], outcome: Outcome | None) -> None:
        if self.fmt == "csv":
            self.csv.writerow(row)
        elif self.fmt == "jsonl":
            self.fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            self.fh.write(turtle_block(row, outcome))


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
    reader, classifier = RecordReader(knowledge), Classifier(knowledge)
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
        writer: Writer | None = None
        rows = rdf_rows(name, knowledge) if name.endswith(RDF_SUFFIXES) else read_rows(src, name)
        for number, raw, error in rows:
            writer = writer or Writer(out, fmt)
            rid = (raw or {}).get("record_id", "") or f"row-{number}"
            outcome = rejection = None
            if error is not None:
                rejection = Rejection(number, rid, "row", error)
            else:
                try:
                    outcome = classifier.classify(reader.parse(raw))
                except RejectRecord as exc:
                    rejection = Rejection(number, rid, exc.field, exc.reason)
            counts["rejected" if rejection else "classified"] += 1
            writer.write(outcome_row(rid, outcome, rejection), outcome)
            if progress and (counts["classified"] + counts["rejected"]) % 5000 == 0:
                print(f"\r{counts['classified'] + counts['rejected']:,} records", end="", file=sys.stderr)
        if writer is None:
            Writer(out, fmt)  # an empty input still gets a header
    except InputError as exc:
        raise NenkgError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise NenkgError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    finally:
        if src is not sys.stdin:
            src.close()
        if out is not sys.stdout:
            out.close()
    total = counts["classified"] + counts["rejected"]
    if progress:
        print("\r", end="", file=sys.stderr)
    print(f"nenkg classify: {total} records in, {counts['classified']} classified, {counts['rejected']} rejected",
          file=sys.stderr)
    return 1 if counts["rejected"] else 0
