"""``nenkg release --version YYYY-MM-DD``: stamp the version, rebuild, write the release notes.

:func:`release` works on a scratch copy of ``ontology/`` first: it writes the new version into
the copy's ``src/nenkg.yaml`` (the version IRI and ``owl:versionInfo`` of every release file
come from it), builds the copy with the full build (reasoner and quality gate), and compares the
new ``nenkg.owl`` with the previous release (:mod:`nenkg.diff`). Only when all of that succeeded
are the project's files replaced: ``ontology/src/nenkg.yaml``, the release files,
``ontology/ids.tsv`` (the IDs this release publishes for the first time, :mod:`nenkg.ids`) and
``CHANGELOG.md`` (the release notes as a new section under "Unreleased"). A failed release
leaves every file as it was.

The previous release is, by default, ``ontology/nenkg.owl`` as committed at ``HEAD`` when the
project is a git checkout that tracks it, else the ``ontology/nenkg.owl`` found before the
rebuild; ``previous`` names another release file or folder.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .diff import Change, diff, load_release, summary, to_markdown
from .errors import NenkgError

VERSION = re.compile(r"\d{4}-\d\d-\d\d")
_VERSION_LINE = re.compile(r"^(?P<head>\s+version:\s*)(?P<q>[\"']?)(?P<v>[^\"'\s#]*)(?P=q)(?P<tail>.*)$", re.MULTILINE)


@dataclass
class ReleaseReport:
    version: str
    previous_version: str
    previous: str
    changes: list[Change]
    new_ids: list[str]
    build_summary: str
    written: list[str] = field(default_factory=list)


def check_version(text: str) -> str:
    """``text`` if it is a calendar date written YYYY-MM-DD, else a one-line NenkgError."""
    if not VERSION.fullmatch(text or ""):
        raise NenkgError(f"--version {text!r}: expected a date written YYYY-MM-DD, e.g. 2026-12-01")
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise NenkgError(f"--version {text!r}: not a calendar date (YYYY-MM-DD)") from None
    return text


def stamp(header_text: str, version: str) -> tuple[str, str]:
    """The header text with its ``version:`` set to ``version`` (quotes and comments kept), and
    the version it had."""
    m = _VERSION_LINE.search(header_text.split("\nmodules:")[0])
    if not m:
        raise NenkgError("ontology/src/nenkg.yaml: no 'version:' line under 'ontology:'")
    q = m.group("q") or '"'
    new = f"{m.group('head')}{q}{version}{q}{m.group('tail')}"
    return header_text[: m.start()] + new + header_text[m.end():], m.group("v")


def previous_release(root: Path) -> tuple[Path | str, bytes | None]:
    """Where the previous release is read from: (description, the file's bytes from git) or
    (the working file, None)."""
    rel = "ontology/nenkg.owl"
    try:
        out = subprocess.run(["git", "-C", str(root), "show", f"HEAD:./{rel}"], capture_output=True, timeout=60, check=False)
        if out.returncode == 0 and out.stdout:
            return f"git HEAD:{rel}", out.stdout
    except (OSError, subprocess.SubprocessError):
        pass
    return root / rel, None


def insert_notes(changelog: str, notes: str) -> str:
    """``changelog`` with ``notes`` (a ``## `` section) after its Unreleased section, or before
    its first release section, or at its end."""
    lines = changelog.split("\n")
    start = next((i for i, l in enumerate(lines) if l.lower().startswith("## [unreleased]")), None)
    begin = start + 1 if start is not None else 0
    at = next((i for i in range(begin, len(lines)) if lines[i].startswith("## ")), None)
    block = notes.rstrip("\n").split("\n") + [""]
    if at is None:
        body = changelog.rstrip("\n") + "\n\n" + "\n".join(block)
        return body if body.endswith("\n") else body + "\n"
    return "\n".join(lines[:at] + block + lines[at:])


def release_notes(version: str, old, new, changes: list[Change], previous: str) -> str:
    intro = (f"Ontology release {version}. Changes from the previous release "
             f"({old.version or 'unknown version'}, read from {previous}), made by `nenkg diff`.")
    md = to_markdown(old, new, changes, level=2, title=f"[{version}] - {version}")
    head, _, rest = md.partition("\n\n")
    return f"{head}\n\n{intro}\n\n{rest}"


def release(root: Path, version: str, *, previous: Path | None = None, progress=None) -> ReleaseReport:
    """Stamp ``version``, rebuild and write the release notes (see the module docstring)."""
    from .ids import IDS_FILE, new_ids_text
    from .release import RELEASE_FILES, build

    check_version(version)
    root = Path(root)
    header = root / "ontology" / "src" / "nenkg.yaml"
    changelog = root / "CHANGELOG.md"
    header_text, current = stamp(header.read_text(encoding="utf-8"), version)
    if current and VERSION.fullmatch(current) and version <= current:
        raise NenkgError(f"--version {version}: not after the current release {current} (ontology/src/nenkg.yaml)")
    with tempfile.TemporaryDirectory(prefix="nenkg-release-") as scratch:
        work = Path(scratch)
        if previous is None:
            where, data = previous_release(root)
            if data is not None:
                prev_file = work / "previous.owl"
                prev_file.write_bytes(data)
            else:
                prev_file = Path(where)
                if not prev_file.is_file():
                    raise NenkgError(f"{prev_file}: no previous release to compare with (give --previous FILE)")
                shutil.copy(prev_file, work / "previous.owl")
                prev_file = work / "previous.owl"
            prev_name = str(where.relative_to(root) if isinstance(where, Path) else where)
        else:
            prev_file, prev_name = Path(previous), str(previous)
        old = load_release(prev_file)
        copy = work / "project"
        shutil.copytree(root / "ontology", copy / "ontology",
                        ignore=shutil.ignore_patterns(".release-*", "__pycache__"))
        (copy / "ontology" / "src" / "nenkg.yaml").write_text(header_text, encoding="utf-8")
        report = build(copy, write=True, progress=progress)
        new = load_release(copy / "ontology" / "nenkg.owl")
        changes = diff(old, new)
        notes = release_notes(version, old, new, changes, prev_name)
        from .check import load_release_file

        ids_text, added = new_ids_text(root / IDS_FILE, load_release_file(copy / "ontology" / "nenkg.owl"), version)
        log_text = insert_notes(changelog.read_text(encoding="utf-8") if changelog.is_file() else "# Changelog\n", notes)
        # everything is ready: replace the project's files, each by rename from a file beside it
        targets: dict[Path, bytes] = {header: header_text.encode("utf-8"), root / IDS_FILE: ids_text.encode("utf-8"),
                                      changelog: log_text.encode("utf-8")}
        for name in RELEASE_FILES:
            targets[root / "ontology" / name] = (copy / "ontology" / name).read_bytes()
        staged: list[tuple[Path, Path]] = []
        try:
            for target, data in targets.items():
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                if target.exists():
                    os.chmod(tmp, target.stat().st_mode & 0o777)
                staged.append((Path(tmp), target))
        except BaseException:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            raise
        for tmp, target in staged:
            os.replace(tmp, target)
    return ReleaseReport(version, old.version, prev_name, changes, added, report.summary(),
                         sorted(str(t.relative_to(root)) for t in targets))


__all__ = ["check_version", "insert_notes", "release", "stamp", "summary"]
