"""Versions shown by ``nenkg --version``: the package's and the ontology release's.

:func:`release_file` is the one place that says which release nenkg uses when no ``--ontology``
is given (the checkout's ``ontology/nenkg.owl``, found upwards from the current folder, else the release
the installed package carries).
"""

from __future__ import annotations

import re
from pathlib import Path

from . import __version__

_VERSION_INFO = re.compile(r"<owl:versionInfo[^>]*>([^<]+)</owl:versionInfo>")
_RECORDED = re.compile(r"""^\s*version:\s*["']?([^"'\s#]+)""")


def project_root(start: Path) -> Path | None:
    """The nearest folder (upwards from ``start``) holding ontology/src/nenkg.yaml, else None."""
    for folder in (start, *start.parents):
        if (folder / "ontology" / "src" / "nenkg.yaml").is_file():
            return folder
    return None


def release_file(start: Path | None = None) -> Path | None:
    """The primary release file nenkg would use, or None when there is none."""
    from .resources import data_root

    root = project_root((start or Path.cwd()).resolve())
    if root is None:
        packaged = data_root() / "ontology" / "nenkg.owl"  # an installed wheel carries the release
        return packaged if packaged.is_file() else None
    return root / "ontology" / "nenkg.owl"


def release_version(owl: Path | None) -> str | None:
    """The ``owl:versionInfo`` of a release file (RDF/XML), else the version recorded in the
    sources next to it (``src/nenkg.yaml``), else None."""
    if owl is None:
        return None
    if owl.is_file():
        with open(owl, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                m = _VERSION_INFO.search(line)
                if m:
                    return m.group(1).strip()
    recorded = owl.parent / "src" / "nenkg.yaml"
    if recorded.is_file():
        for line in recorded.read_text(encoding="utf-8", errors="replace").splitlines():
            m = _RECORDED.match(line)
            if m:
                return m.group(1)
    return None


def version_line(start: Path | None = None) -> str:
    """``nenkg 0.1.0, ontology release 2026-11-21 (PATH)`` or ``..., release unknown``."""
    owl = release_file(start)
    release = release_version(owl)
    if release is None:
        return f"nenkg {__version__}, release unknown"
    return f"nenkg {__version__}, ontology release {release} ({owl})"
