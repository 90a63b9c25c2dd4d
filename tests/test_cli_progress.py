"""Long work shows one updating progress line when stderr is a terminal (a real pseudo-terminal
here) and nothing of it when stderr is piped."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess

import pytest

from cli_util import NENKG, ROOT, cli_env, nenkg
from conftest import copy_project

PROGRESS = "\r\x1b[K"  # carriage return and erase line: how a phase replaces the previous one


def on_terminal(*args: str, cwd=ROOT, timeout: float = 300) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal; (exit code, stdout, what the terminal showed)."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([*NENKG, *args], cwd=cwd, env=cli_env(), stdout=subprocess.PIPE,
                                stderr=slave, text=True)
    finally:
        os.close(slave)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal is closed once the process has ended
            break
        if not chunk:
            break
        shown += chunk
    out = proc.stdout.read()
    proc.wait(timeout)
    os.close(master)
    return proc.returncode, out, shown.decode("utf-8", "replace")


def test_load_shows_phases_on_a_terminal_only(tmp_path):
    args = ("load", "--store", str(tmp_path / "db"), str(ROOT / "examples" / "records.csv"))
    code, out, shown = on_terminal(*args)
    assert code == 1  # ex-16 is rejected on purpose
    assert f"{PROGRESS}nenkg load: loading the release ..." in shown
    assert f"{PROGRESS}nenkg load: classifying and loading {ROOT / 'examples' / 'records.csv'} ..." in shown
    assert "https://w3id.org/nenkg/records/records: 16 records" in out
    piped = nenkg(*args)
    assert piped.returncode == 1
    assert "\r" not in piped.stderr and "\x1b" not in piped.stderr and "loading the release" not in piped.stderr


def test_classify_counts_on_a_terminal_only(tmp_path):
    args = ("classify", str(ROOT / "examples" / "records.csv"), "-o", str(tmp_path / "out.csv"))
    code, _, shown = on_terminal(*args)
    assert code == 1 and "\r16 records" in shown
    assert "nenkg classify: 16 records in, 15 classified, 0 not a NEN, 1 rejected" in shown
    piped = nenkg(*args)
    assert piped.returncode == 1 and "\r" not in piped.stderr
    assert piped.stderr == "nenkg classify: 16 records in, 15 classified, 0 not a NEN, 1 rejected\n"


@pytest.mark.slow
def test_build_shows_its_phases_on_a_terminal(tmp_path):
    # a small project goes through the same phases as the real one, in a fraction of the time
    from conftest import write_project
    from test_build_cli import GOOD

    root = write_project(tmp_path, {"m.yaml": GOOD})
    code, out, shown = on_terminal("--root", str(root), "build", "--dry-run", timeout=600)
    assert code == 0, shown
    phases = ["compiling the sources", "reasoning with HermiT", "running the quality gate"]
    positions = [shown.find(f"{PROGRESS}nenkg build: {phase} ...") for phase in phases]
    assert -1 not in positions and positions == sorted(positions), shown
    assert shown.endswith(PROGRESS) or "\n" not in shown.rsplit(PROGRESS, 1)[1]  # the line is cleared at the end
    assert out.startswith("NENKG ")
    shutil.rmtree(root / "ontology")
