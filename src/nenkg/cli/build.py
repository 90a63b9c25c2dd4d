"""``nenkg build``: compile, reason, write the release."""

from __future__ import annotations

import argparse
import sys

from ..errors import LogicalError, QualityError, finding_lines
from .options import add_command
from .progress import Progress


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub, "build", help="compile the sources, reason with HermiT and write the release files",
        description="Compile ontology/src, reason with HermiT (consistency, unsatisfiable classes, inferred "
                    "hierarchy),\nrun the quality gate of `nenkg check` and write the release files under "
                    "ontology/ atomically:\nnothing is written if any step fails. Needs a Java runtime.",
        examples="nenkg build            # write the release\nnenkg build --dry-run  # check only, write nothing",
        exit_codes="0  built (and written unless --dry-run)\n"
                   "1  a logical or quality check failed (inconsistent ontology, unsatisfiable class,\n"
                   "   subclass cycle or undeclared equivalence between NENKG classes, QC ERROR or SHACL\n"
                   "   violation); all of them are listed; nothing written\n"
                   "2  bad input or a runtime error (YAML syntax, unknown key or prefix, undeclared term,\n"
                   "   malformed CURIE, missing Java); nothing written")
    p.add_argument("--dry-run", action="store_true", help="compile and reason, write nothing")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..release import build  # imported here: the reasoner and pyshacl are slow to import

    progress = Progress("nenkg build")
    try:
        report = build(args.root, write=not args.dry_run, progress=progress)
    except LogicalError as exc:
        progress.clear()
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        if exc.findings:
            print(f"{len(exc.findings)} quality error(s):", file=sys.stderr)
            for line in finding_lines(exc.findings):
                print(line, file=sys.stderr)
        what = f"{len(exc.problems)} logical problem(s)" + (f" and {len(exc.findings)} quality error(s)" if exc.findings else "")
        print(f"nenkg build: logical check failed: {what}; nothing written", file=sys.stderr)
        return exc.exit_code
    except QualityError as exc:
        progress.clear()
        print(f"nenkg build: quality gate failed, nothing written. {exc}", file=sys.stderr)
        print("run `nenkg check` for the full report", file=sys.stderr)
        return exc.exit_code
    finally:
        progress.clear()
    print(report.summary())
    if report.written:
        print(f"wrote {len(report.written)} files under {args.root / 'ontology'}")
    return 0
