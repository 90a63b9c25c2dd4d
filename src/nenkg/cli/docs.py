"""``nenkg docs``: write the static documentation site of the release."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from ..errors import NenkgError
from .options import add_command

DEFAULT_DIR = "nenkg-docs"


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub, "docs", help="write the documentation site of the release (static HTML and SVG, works offline)",
        description="Write a static documentation site of the release: a page for every class, property and\n"
                    "individual (definition and sources, synonyms, mappings, parents and children, the logical\n"
                    "definition in words, linked hormones, syndromes, genes, tests and treatments, the grading\n"
                    "thresholds that apply, and for a class a picture of its neighbourhood), the neoplasm\n"
                    "hierarchy as a picture, the SHACL shapes, the QC checks and the query catalogue with a\n"
                    "sample of each query's results. Pictures are laid out by graphviz-pure (a pip dependency).\n"
                    "The pages fetch nothing (no CDN, no script): open DIR/index.html from disk. The same\n"
                    "release gives the same bytes. The site is written to a temporary folder beside DIR and\n"
                    "renamed into place when complete; an existing DIR is replaced only if it is empty or a\n"
                    "previous `nenkg docs` build.",
        examples="nenkg docs                       # writes nenkg-docs/; open nenkg-docs/index.html\n"
                 "nenkg docs -o public/docs\n"
                 "nenkg --root ../nenkg docs -o /tmp/nenkg-site",
        exit_codes="0  the site was written\n"
                   "2  nothing written: DIR is not empty and not a previous docs build, its parent folder does\n"
                   "   not exist, the release files are missing, the layout program failed, invalid option")
    p.add_argument("-o", "--output", type=Path, default=Path(DEFAULT_DIR), metavar="DIR",
                   help=f"folder to write the site into (default: {DEFAULT_DIR})")
    p.set_defaults(func=run)


def _check_target(target: Path) -> None:
    from ..docs.site import MARKER

    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise NenkgError(f"{target}: exists and is not a folder; choose another output folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise NenkgError(f"{target}: folder is not empty and is not a previous `nenkg docs` build "
                         "(no .nenkg-docs file); choose another folder or empty it")
    if not target.parent.is_dir():
        raise NenkgError(f"{target}: the folder {target.parent} does not exist")


def run(args: argparse.Namespace) -> int:
    from ..docs.site import build_site

    target = Path(os.path.abspath(args.output))
    _check_target(target)
    start = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    old = None
    try:
        result = build_site(args.root, tmp)
        os.chmod(tmp, 0o777 & ~_umask())
        _check_target(target)  # again: something may have appeared there meanwhile
        if target.exists():
            old = target.parent / f"{tmp.name}.old"
            os.replace(target, old)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not target.exists():
            with contextlib.suppress(OSError):
                os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    took = time.perf_counter() - start
    print(f"wrote {result.pages} pages and {result.pictures} pictures ({result.files} files) to {args.output} "
          f"in {took:.1f} s; open {args.output / 'index.html'}")
    return 0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
