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
from ..resources import SOURCE_HEADER, data_root, find_source_tree, is_source_tree
from ..version import version_line
from . import build as build_cmd
from . import check as check_cmd
from . import classify as classify_cmd
from . import diff as diff_cmd
from . import docs as docs_cmd
from . import fields as fields_cmd
from . import obsolete as obsolete_cmd
from . import query as query_cmd
from . import release as release_cmd
from . import serve as serve_cmd
from .options import Parser

DESCRIPTION = """\
NENKG, the neuroendocrine neoplasm knowledge graph: build and check the ontology, classify
tumour records into WHO categories and grades, query the graph and serve it.

Commands work on the project found upwards from the current folder (a folder holding
ontology/src/nenkg.yaml), or on the one given by --root (before or after the command); without a source tree, every
command but build uses the release, queries and shapes of the installed package."""

EPILOG = """\
examples:
  nenkg build                                   # compile, reason, check and write the release
  nenkg check                                   # QC queries and SHACL shapes over the sources
  nenkg classify examples/records.csv -o out.csv
  nenkg queries                                 # list the query library
  nenkg query nens-in-organ -p organ=UBERON:0001264
  nenkg serve                                   # http://127.0.0.1:8000/
  nenkg docs -o site                            # static documentation site, works offline
  nenkg diff old/nenkg.owl ontology/            # what changed between two releases
  nenkg obsolete NENKG:0000215 --replaced-by NENKG:0000102 --reason "..."
  nenkg release --version 2026-12-01            # stamp, rebuild, release notes in CHANGELOG.md
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


ROOT_HELP = ("project root, a source tree holding ontology/src/nenkg.yaml (default: found upwards from the "
             "current folder; without one, the release, queries and shapes of the installed package are used)")


def resolve_root(args: argparse.Namespace) -> None:
    """Set ``args.root`` (the folder laid out like the repository that the command reads) and
    ``args.source_tree`` (whether it holds the sources). ``build``, and ``check`` of the sources,
    need a source tree; the other commands use the packaged data when there is none."""
    root = args.root.resolve() if args.root else find_source_tree(Path.cwd())
    args.source_tree = root is not None and is_source_tree(root)
    if not args.source_tree and args.command in ("build", "obsolete", "release"):
        where = f"in {root}" if root else f"in {Path.cwd()} or its parents"
        raise NenkgError(f"nenkg {args.command} needs a source tree: no {SOURCE_HEADER} {where} "
                         "(run it in a checkout of the repository or give --root DIR)")
    args.root = root or data_root()
    if not args.source_tree and args.command == "check" and args.path is None:
        args.path = args.root / "ontology" / "nenkg.owl"  # no sources to check: the release


def make_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="nenkg", description=DESCRIPTION, epilog=EPILOG,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_Version,
                        help="show the package version and the ontology release it uses, then exit")
    parser.add_argument("--root", type=Path, help=ROOT_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_cmd.register(sub)
    check_cmd.register(sub)
    classify_cmd.register(sub)
    docs_cmd.register(sub)
    fields_cmd.register(sub)
    query_cmd.register(sub)
    diff_cmd.register(sub)
    obsolete_cmd.register(sub)
    release_cmd.register(sub)
    serve_cmd.register(sub)
    for command in sub.choices.values():  # --root is accepted after the subcommand as well
        command.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=ROOT_HELP)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        resolve_root(args)
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
