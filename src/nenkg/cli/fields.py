"""``nenkg fields``: every column of the record contract, with what it accepts, from the release."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rdflib.namespace import RDFS

from .. import namespaces as ns
from ..errors import NenkgError
from ..grading import load_knowledge
from ..recordshapes import accepted
from ..records import RecordReader
from .options import add_command, existing_file


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub, "fields", help="list the record columns with their types, bounds and accepted values",
        description="List every column a record file may have (CSV header or JSON Lines key), read from the\n"
                    "release: its kind, datatype, bounds, whether it is required or may hold several values\n"
                    "(separated by |), and the values it accepts. Header names match in any case.",
        examples="nenkg fields                      # a table\n"
                 "nenkg fields --values sex         # every accepted value of one column\n"
                 "nenkg fields --format json        # for programs",
        exit_codes="0  printed\n2  no release file, or an unknown column")
    p.add_argument("--values", metavar="COLUMN", help="list every accepted value (and its codes and synonyms) of one column")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--ontology", type=existing_file, help="release file (default: ontology/nenkg.owl)")
    p.set_defaults(func=run)


def describe(knowledge) -> list[dict]:
    out = []
    for f in knowledge.contract:
        out.append({
            "column": f.name, "kind": f.kind, "label": f.label,
            "datatype": (ns.contract(str(f.datatype)) or str(f.datatype)).replace("http://www.w3.org/2001/XMLSchema#", "xsd:") if f.datatype else "",
            "required": f.required, "several": f.multi,
            "minimum": None if f.minimum is None else float(f.minimum),
            "maximum": None if f.maximum is None else float(f.maximum),
            "accepts": accepted(f, knowledge.g), "definition": f.definition,
        })
    return out


def values(knowledge, column: str) -> list[dict]:
    f = knowledge.contract.by_name.get(column)
    if f is None:
        raise NenkgError(f"unknown column {column!r}; the columns are {', '.join(knowledge.contract.names)}")
    reader = RecordReader(knowledge)
    if f.kind == "choice":
        return [{"value": c, "names": [c, c[0].upper()]} for c in f.choices]
    if f.kind == "code":
        index = reader.codes[column]
        return [{"value": index.canonical[k], "terms": [knowledge.label(t) for t in index.terms[k]]} for k in sorted(index.terms)]
    if f.kind != "term":
        return [{"value": accepted(f, knowledge.g)}]
    index = reader.indexes[column]
    names: dict = {}
    for text, term in index.by_text.items():
        if not text.startswith("http"):
            names.setdefault(term, []).append(text)
    for key, term in index.codes.items():
        names.setdefault(term, []).append(index.canonical[key])
    return [{"value": ns.contract(str(t)) or str(t), "label": str(knowledge.g.value(t, RDFS.label) or ""), "names": sorted(set(n))}
            for t, n in sorted(names.items(), key=lambda kv: str(knowledge.g.value(kv[0], RDFS.label) or kv[0]).lower())]


def run(args: argparse.Namespace) -> int:
    ontology = args.ontology or (args.root / "ontology" / "nenkg.owl")
    if not Path(ontology).is_file():
        raise NenkgError(f"{ontology}: no release file; run `nenkg build` first")
    knowledge = load_knowledge(ontology)
    if args.values:
        rows = values(knowledge, args.values)
        if args.format == "json":
            json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
            print()
        else:
            for r in rows:
                head = r.get("value", "")
                extra = r.get("label") or ", ".join(r.get("terms", []))
                print(f"{head}\t{extra}\t{'; '.join(r.get('names', []))}".rstrip())
        return 0
    rows = describe(knowledge)
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    for r in rows:
        flags = [r["kind"]] + (["required"] if r["required"] else []) + (["several, separated by |"] if r["several"] else [])
        print(f"{r['column']}  ({', '.join(flags)})")
        print(f"    {r['accepts']}")
    return 0
