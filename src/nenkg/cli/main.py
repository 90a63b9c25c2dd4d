"""``nenkg`` entry point.

Exit codes (documented in README and in every ``--help``): 0 success; 1 a check failed (logical
error, QC ERROR or SHACL violation, a rejected record); 2 bad input or a runtime error (invalid
option, syntax error in a source, unknown prefix, missing file, reasoner could not run, port in use).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import NenkgError, SourceErrors
from ..version import project_root, version_line
from . import build as build_cmd
from . import check as check_cmd
from . import classify as classify_cmd
from . import query as query_cmd
from . import serve as serve_cmd
from .options import Parser

DESCRIPTION = """\
NENKG, the neuroendocrine neoplasm knowledge graph: build and check the ontology, classify
tumour records into WHO categories and grades, query the graph and serve it.

Commands work on the project found upwards from the current folder (a folder holding
ontology/src/nenkg.yaml), or on the one given by --root (before the command)."""

EPILOG = """\
examples:
  nenkg build                                   # compile, reason, check and write the release
  nenkg check                                   # QC queries and SHACL shapes over the sources
  nenkg classify examples/records.csv -o out.csv
  nenkg queries                                 # list the query library
  nenkg query nens-in-organ -p organ=UBERON:0001264
  nenkg serve                                   # http://127.0.0.1:8000/
  nenkg COMMAND --help                          # options, examples and exit codes of a command

exit codes (every command):
  0  success
  1  a check failed: inconsistent ontology, QC ERROR or SHACL violation, a rejected record
  2  bad input or a runtime error: invalid option, missing file, syntax error, port in use;
     always one line on stderr, `nenkg: error: ...`
  130  interrupted (Ctrl-C)"""


class _Version(argparse.Action):
    """``--version``: the package and the ontology release it would use (read when asked)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_line())
        parser.exit()


def find_root(start: Path) -> Path:
    """The project root: the nearest folder (upwards) holding ontology/src/nenkg.yaml."""
    root = project_root(start)
    if root is not None:
        return root
    raise NenkgError(f"no ontology/src/nenkg.yaml found in {start} or its parents (use --root)")


def make_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="nenkg", description=DESCRIPTION, epilog=EPILOG,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_Version,
                        help="show the package version and the ontology release it uses, then exit")
    parser.add_argument("--root", type=Path, help="project root (default: found upwards from the current folder)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_cmd.register(sub)
    check_cmd.register(sub)
    classify_cmd.register(sub)
    query_cmd.register(sub)
    serve_cmd.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        args.root = (args.root or find_root(Path.cwd())).resolve()
        return args.func(args)
    except SourceErrors as exc:
        for err in exc.errors:
            print(f"error: {err}", file=sys.stderr)
        print(f"nenkg: {len(exc.errors)} error(s) in the sources; nothing written", file=sys.stderr)
        return exc.exit_code
    except NenkgError as exc:
        print(f"nenkg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader of our output went away (e.g. `| head`): stop quietly
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
