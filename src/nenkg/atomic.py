"""Output files that appear whole or not at all.

:func:`output` writes to a temporary file beside the target and renames it over the target only
when the work succeeded, so a failed run leaves no partial file and an existing output as it was.
``-`` is standard output.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Iterator, TextIO

from .errors import NenkgError


@contextlib.contextmanager
def output(path: str | None, *, inputs: tuple[str, ...] = ()) -> Iterator[TextIO]:
    """A text stream for ``path`` (None or "-" is standard output); refused when it names one
    of ``inputs`` or lies in a folder that does not exist."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    for given in inputs:
        if given != "-" and _same(target, Path(given)):
            raise NenkgError(f"{path}: the output would overwrite the input; choose another output file")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise NenkgError(f"{path}: the folder {folder} does not exist")
    if target.is_dir():
        raise NenkgError(f"{path}: is a folder; give an output file")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
