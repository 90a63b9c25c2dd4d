"""``nenkg diff OLD NEW``: what changed between two releases, in Markdown or TSV."""

from __future__ import annotations

import argparse
import sys

from .options import add_command


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub, "diff", help="compare two releases: new, obsoleted, relabelled, redefined terms, parents, mappings, thresholds",
        description="Compare two NENKG releases term by term: new, obsoleted (with the replacement), removed,\n"
                    "relabelled and redefined terms, changed parents (asserted and inferred apart), changed\n"
                    "mappings (skos) and codes (ICD-O-3, ICD-10, OncoTree cross-references), and changed\n"
                    "thresholds of the classification criteria. OLD and NEW are release files (.owl, .ttl, .nt,\n"
                    ".jsonld) or folders holding nenkg.owl (a release folder or a checkout). The report lists the\n"
                    "changes by kind, then ID, so the same two releases always give the same report.",
        examples="nenkg diff old/nenkg.owl ontology/nenkg.owl            # Markdown\n"
                 "nenkg diff old/ ontology/ --format tsv -o changes.tsv",
        exit_codes="0  compared (whether or not anything changed)\n"
                   "2  a release could not be read (missing file or folder, parse error with file and line)")
    p.add_argument("old", help="the earlier release: a release file or a folder holding nenkg.owl")
    p.add_argument("new", help="the later release: a release file or a folder holding nenkg.owl")
    p.add_argument("--format", choices=("markdown", "tsv"), default="markdown", help="markdown (default) or tsv")
    p.add_argument("-o", "--output", help="write the report to this file (atomically) instead of standard output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..atomic import output
    from ..diff import diff_paths, summary, to_markdown, to_tsv

    old, new, changes = diff_paths(args.old, args.new)
    text = to_markdown(old, new, changes) if args.format == "markdown" else to_tsv(changes)
    with output(args.output, inputs=(args.old, args.new)) as fh:
        fh.write(text)
    print(f"nenkg diff: {old.version or args.old} -> {new.version or args.new}: {summary(changes)}", file=sys.stderr)
    return 0
