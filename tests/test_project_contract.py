"""The README's fresh-machine commands are the ones CI runs."""

from __future__ import annotations

import re

from conftest import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S)]


def test_readme_has_the_two_commands():
    commands = readme_commands()
    assert any(c.endswith("nenkg build") for c in commands)
    assert any(c.endswith("python -m pytest") for c in commands)


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = next(c for c in readme_commands() if c.endswith("python -m pytest"))
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_ci_requires_the_browser_tests():
    """Elsewhere the browser tests skip without Chromium; in CI (which installs it) they must run."""
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    test_command = next(c for c in readme_commands() if c.endswith("python -m pytest"))
    assert "export NENKG_REQUIRE_BROWSER=1" in lines
    assert lines.index("export NENKG_REQUIRE_BROWSER=1") < lines.index(test_command)


def test_ci_requires_the_virtuoso_tests():
    """Elsewhere the Virtuoso tests skip without virtuoso-t; CI installs Virtuoso and requires them."""
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    test_command = next(c for c in readme_commands() if c.endswith("python -m pytest"))
    assert any("apt-get install" in line and "virtuoso-opensource" in line for line in lines)
    assert "export NENKG_REQUIRE_VIRTUOSO=1" in lines
    assert lines.index("export NENKG_REQUIRE_VIRTUOSO=1") < lines.index(test_command)
