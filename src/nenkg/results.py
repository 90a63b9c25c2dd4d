"""Query results written as a text table, SPARQL 1.1 CSV, TSV or JSON results."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from .store import QueryResult, Term, term_text

FORMATS = ("table", "csv", "tsv", "json")


def json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def to_json(result: QueryResult) -> str:
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean}, indent=1) + "\n"
    data = {"head": {"vars": result.variables},
            "results": {"bindings": [{v: json_term(t) for v, t in zip(result.variables, row) if t is not None}
                                     for row in result.rows]}}
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: plain values (IRIs in full, literals without datatype)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if result.kind == "ask":
        w.writerow(["boolean"])
        w.writerow(["true" if result.boolean else "false"])
        return buf.getvalue()
    w.writerow(result.variables)
    for row in result.rows:
        w.writerow(["" if t is None else ("_:" + t.value if isinstance(t, ox.BlankNode) else t.value) for t in row])
    return buf.getvalue()


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: terms in their SPARQL/N-Triples form."""
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join("?" + v for v in result.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def to_table(result: QueryResult) -> str:
    """Aligned columns for people: IRIs as CURIEs, literals as their text."""
    if result.kind == "ask":
        return ("yes" if result.boolean else "no") + "\n"
    cells = [[(term_text(t) or "").replace("\n", " ") for t in row] for row in result.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    widths = [min(w, 80) for w in widths]

    def line(values: list[str]) -> str:
        return "  ".join((v if len(v) <= w else v[: w - 1] + "…").ljust(w) for v, w in zip(values, widths)).rstrip()

    out = [line(result.variables), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"


def to_ntriples(result: QueryResult) -> str:
    return "".join(sorted(f"{t} .\n" for t in result.triples))


def render(result: QueryResult, fmt: str) -> str:
    if result.kind == "graph":
        return to_ntriples(result)
    return {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json}[fmt](result)
