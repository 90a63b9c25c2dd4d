"""``nenkg`` entry point.

Exit codes (documented in README): 0 success; 1 a check failed (logical error, QC ERROR or SHACL
violation); 2 bad input or a runtime error (syntax error in a source, unknown prefix, missing
file, reasoner could not run).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import __version__
from ..errors import NenkgError, SourceErrors
from . import build as build_cmd
from . import check as check_cmd
from . import classify as classify_cmd
from . import query as query_cmd
from . import serve as serve_cmd


def find_root(start: Path) -> Path:
    """The project root: the nearest folder (upwards) holding ontology/src/nenkg.yaml."""
    for folder in (start, *start.parents):
        if (folder / "ontology" / "src" / "nenkg.yaml").is_file():
            return folder
    raise NenkgError(f"no ontology/src/nenkg.yaml found in {start} or its parents (use --root)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nenkg", description="NENKG knowledge graph tools")
    parser.add_argument("--version", action="version", version=f"nenkg {__version__}")
    parser.add_argument("--root", type=Path, help="project root (default: found upwards from the current folder)")
    sub = parser.add_subparsers(dest="command", required=True)
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
