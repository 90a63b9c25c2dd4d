"""``nenkg build``: compile, reason, write the release."""

from __future__ import annotations

import argparse
import sys

from ..errors import LogicalError, QualityError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="compile the sources, reason with HermiT and write the release files")
    p.add_argument("--dry-run", action="store_true", help="compile and reason, write nothing")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..release import build  # imported here: the reasoner and pyshacl are slow to import

    try:
        report = build(args.root, write=not args.dry_run)
    except LogicalError as exc:
        print(f"nenkg build: logical check failed: {exc}; nothing written", file=sys.stderr)
        return exc.exit_code
    except QualityError as exc:
        print(f"nenkg build: quality gate failed, nothing written. {exc}", file=sys.stderr)
        print("run `nenkg check` for the full report", file=sys.stderr)
        return exc.exit_code
    print(report.summary())
    if report.written:
        print(f"wrote {len(report.written)} files under {args.root / 'ontology'}")
    return 0
