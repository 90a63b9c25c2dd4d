"""``nenkg check [PATH]``: QC queries and SHACL shapes over the sources or a release file."""

from __future__ import annotations

import argparse
import json
import sys

from ..report import LEVELS, Finding, Report
from .options import add_command, existing_file

COLUMNS = ("level", "check", "entity", "property", "value", "origin", "message")


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub, "check", help="run the QC queries and SHACL shapes; exit 1 on an ERROR or a violation",
        description="Run the QC queries of queries/qc/ and the SHACL shapes of shapes/ over the sources "
                    "(compiled\nwithout reasoning) or over a release file, and list the findings by level "
                    "(ERROR, WARN, INFO)\nwith the fix for each check; a one-line summary goes to stderr.",
        examples="nenkg check                                   # the sources\n"
                 "nenkg check ontology/nenkg.owl --format json  # a release file, for machines",
        exit_codes="0  no ERROR and no SHACL violation (WARN and INFO may remain)\n"
                   "1  at least one ERROR or violation\n"
                   "2  the check could not run (missing file, parse error with file and line, invalid option)")
    p.add_argument("path", nargs="?", type=existing_file,
                   help="a release file (.owl, .ttl, .nt, .jsonld); default: the sources compiled without reasoning")
    p.add_argument("--format", choices=("table", "tsv", "json"), default="table",
                   help="table (for people, the default), tsv or json (for machines)")
    p.set_defaults(func=run)


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(report: Report) -> str:
    """Findings grouped by level, then by check (with its fix once per check)."""
    lines: list[str] = []
    for level in LEVELS:
        found = report.at(level)
        lines.append(f"{level} ({len(found)})")
        by_check: dict[str, list[Finding]] = {}
        for f in found:
            by_check.setdefault(f.check, []).append(f)
        for check, rows in by_check.items():
            lines.append(f"  {check} [{rows[0].origin}] x{len(rows)}: {rows[0].message}")
            for f in rows:
                lines.append(f"      {_cell(f.entity, 48):<48} {_cell(f.property, 26):<26} {_cell(f.value, 60)}".rstrip())
    return "\n".join(lines)


def format_tsv(report: Report) -> str:
    rows = ["\t".join(COLUMNS)]
    for level in LEVELS:
        for f in report.at(level):
            rows.append("\t".join(" ".join(str(getattr(f, c)).split()) for c in COLUMNS))
    return "\n".join(rows)


def format_json(report: Report) -> str:
    data = {"counts": report.counts(), "findings": [f.as_dict() for level in LEVELS for f in report.at(level)]}
    return json.dumps(data, indent=1, ensure_ascii=False)


FORMATTERS = {"table": format_table, "tsv": format_tsv, "json": format_json}


def run(args: argparse.Namespace) -> int:
    from ..check import run_check  # imported here: pyshacl is slow to import

    result = run_check(args.root, args.path)
    print(FORMATTERS[args.format](result.report))
    counts = result.report.counts()
    summary = ", ".join(f"{counts[level]} {level}" for level in LEVELS)
    print(f"nenkg check: {summary} in {result.target} ({result.triples} triples, {result.seconds:.1f} s)",
          file=sys.stderr)
    return 1 if result.report.failed else 0
