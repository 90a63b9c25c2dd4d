"""``nenkg release --version YYYY-MM-DD``: stamp, rebuild, release notes in CHANGELOG.md."""

from __future__ import annotations

import argparse
from pathlib import Path

from .options import add_command
from .progress import Progress


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub, "release", help="stamp the release version, rebuild and add the release notes to CHANGELOG.md",
        description="Make a release: write the version into ontology/src/nenkg.yaml (the version IRI and\n"
                    "owl:versionInfo of every release file come from it), rebuild (reasoner and quality gate),\n"
                    "append the IDs published for the first time to ontology/ids.tsv, and add release notes\n"
                    "made by `nenkg diff` from the previous release to CHANGELOG.md (a section under\n"
                    "'Unreleased'). The previous release is ontology/nenkg.owl as committed at git HEAD, else\n"
                    "the one on disk before the rebuild, or --previous. Everything is prepared in a scratch\n"
                    "copy first: a failed release leaves the sources, release files and CHANGELOG untouched.",
        examples="nenkg release --version 2026-12-01\n"
                 "nenkg release --version 2026-12-01 --previous old-release/nenkg.owl",
        exit_codes="0  released\n"
                   "1  the build's logical or quality check failed; nothing written\n"
                   "2  an invalid version (not YYYY-MM-DD, not after the current one), a source error or a\n"
                   "   previous release that cannot be read; nothing written")
    p.add_argument("--version", required=True, metavar="YYYY-MM-DD", dest="release_version",
                   help="the release date, after the current version")
    p.add_argument("--previous", type=Path, metavar="PATH", help="the release to compare with (file or folder)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from ..diff import summary
    from ..errors import LogicalError, QualityError, finding_lines
    from ..publish import check_version, release

    check_version(args.release_version)
    progress = Progress("nenkg release")
    try:
        r = release(args.root, args.release_version, previous=args.previous, progress=progress)
    except (LogicalError, QualityError) as exc:
        progress.clear()
        for problem in getattr(exc, "problems", []):
            print(f"error: {problem}", file=sys.stderr)
        for line in finding_lines(exc.findings):
            print(line, file=sys.stderr)
        print("nenkg release: the build failed; nothing written (run `nenkg build` for the full report)", file=sys.stderr)
        return exc.exit_code
    finally:
        progress.clear()
    print(r.build_summary)
    print(f"release {r.version} (previous {r.previous_version or 'unknown'}, from {r.previous}): {summary(r.changes)}; "
          f"{len(r.new_ids)} new IDs listed in ontology/ids.tsv")
    print(f"wrote {', '.join(r.written)}")
    return 0
