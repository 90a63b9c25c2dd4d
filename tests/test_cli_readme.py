"""Every shell example of README.md that runs `nenkg` on this machine alone (no server) works:
run with the real command line in a temporary folder that sees the checkout's ontology, queries,
shapes and examples, in the README's order, each with exit code 0 or the one its comment names
(`# exit 1: ...`)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from cli_util import ROOT, nenkg

README = ROOT / "README.md"
NEEDS_A_SERVER = ("serve", "--endpoint")


def shell_examples(text: str) -> list[tuple[int, str]]:
    """(line number, command) of the lines starting with `.venv/bin/nenkg` or `nenkg` inside
    ```sh blocks."""
    out, in_sh = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            in_sh = line.strip() == "```sh" and not in_sh
            continue
        if in_sh and re.match(r"(\.venv/bin/)?nenkg\s", line):
            out.append((number, line))
    return out


def runnable(examples: list[tuple[int, str]]) -> list[tuple[int, str]]:
    return [(n, c) for n, c in examples if not any(word in shlex.split(c, comments=True) for word in NEEDS_A_SERVER)]


EXAMPLES = runnable(shell_examples(README.read_text(encoding="utf-8")))


def test_the_readme_has_examples_of_every_local_command():
    commands = {shlex.split(c, comments=True)[1] for _, c in EXAMPLES}
    assert {"check", "classify", "queries", "query", "load"} <= commands
    assert any("--store" in c for _, c in EXAMPLES if " load " in c)


def test_readme_record_files_are_the_examples():
    text = README.read_text(encoding="utf-8")
    for match in re.finditer(r"(\S*)records\.(csv|jsonl)\b", text):
        assert match.group(1).endswith("examples/"), f"README: {match.group(0)} is not examples/records.*"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A folder that is a project for `nenkg` (its parts linked from the checkout) where the
    examples may write their outputs (classified.csv, nenkg-db)."""
    work = tmp_path_factory.mktemp("readme")
    for part in ("ontology", "queries", "shapes", "examples"):
        (work / part).symlink_to(ROOT / part, target_is_directory=True)
    return work


@pytest.mark.parametrize("line,command", EXAMPLES, ids=[f"README.md:{n}" for n, _ in EXAMPLES])
def test_readme_example_runs(workdir, line, command):
    comment = command.partition("#")[2]
    expected = int(m.group(1)) if (m := re.search(r"\bexit (\d+)", comment)) else 0
    args = shlex.split(command, comments=True)[1:]
    proc = nenkg(*args, cwd=workdir)
    assert proc.returncode == expected, f"README.md:{line}: {command}\n{proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stderr
