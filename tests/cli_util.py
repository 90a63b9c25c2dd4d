"""Running the real ``nenkg`` command line of this checkout in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NENKG = [sys.executable, "-m", "nenkg.cli.main"]


def cli_env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": str(ROOT / "src") + (os.pathsep + path if path else "")}


def nenkg(*args: str, cwd: Path = ROOT, timeout: float = 300, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*NENKG, *args], cwd=cwd, capture_output=True, text=True, env=cli_env(), check=False,
                          timeout=timeout, input=input)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    """The single line a refused command prints (asserting it is one line, no traceback)."""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == "", (proc.stdout, proc.stderr)
    return lines[0]
