"""Option validation (one line, exit 2, before anything is loaded), --help of every command
(description, examples, exit codes) and --version (package and ontology release)."""

from __future__ import annotations

import re
import time

import pytest

from cli_util import ROOT, nenkg, one_error_line

COMMANDS = ("build", "check", "classify", "query", "queries", "load", "serve", "docs", "diff", "obsolete", "release")

BAD_OPTIONS = [
    (("query", "grading-thresholds", "--timeout", "-1"), "argument --timeout: -1 is not allowed"),
    (("query", "grading-thresholds", "--timeout", "0"), "argument --timeout: 0 is not allowed"),
    (("query", "grading-thresholds", "--timeout", "soon"), "argument --timeout: 'soon' is not a number"),
    (("query", "grading-thresholds", "--timeout", "nan"), "argument --timeout: 'nan' is not a finite number"),
    (("classify", "examples/records.csv", "--jobs", "0"), "argument --jobs: 0 is not allowed"),
    (("classify", "examples/records.csv", "--jobs", "-3"), "argument --jobs: -3 is not allowed"),
    (("serve", "--port", "70000"), "argument --port: 70000 is not a port"),
    (("serve", "--port", "0"), "argument --port: 0 is not a port"),
    (("serve", "--max-rows", "0"), "argument --max-rows: 0 is not allowed"),
    (("serve", "--workers", "0"), "argument --workers: 0 is not allowed"),
    (("serve", "--timeout", "-5"), "argument --timeout: -5 is not allowed"),
    (("serve", "--max-request-bytes", "10"), "argument --max-request-bytes: 10 is too small"),
    (("serve", "--records", "no-such.csv"), "argument --records: no-such.csv: no such file"),
    (("classify", "no-such.csv"), "argument input: no-such.csv: no such file"),
    (("classify", "examples"), "argument input: examples: not a file"),
    (("query", "grading-thresholds", "--records", "no-such.csv"), "argument --records: no-such.csv: no such file"),
    (("load", "--store", "db", "no-such.csv"), "argument RECORDS: no-such.csv: no such file"),
    (("check", "no-such.owl"), "argument path: no-such.owl: no such file"),
    (("query", "grading-thresholds", "--ontology", "no-such-dir"), "argument --ontology: no-such-dir: no such folder"),
    (("bogus",), "argument COMMAND: invalid choice: 'bogus'"),
]


@pytest.mark.parametrize("args,message", BAD_OPTIONS, ids=[" ".join(a) for a, _ in BAD_OPTIONS])
def test_a_bad_option_is_one_line_and_exit_2(args, message):
    start = time.perf_counter()
    proc = nenkg(*args)
    assert proc.returncode == 2
    line = one_error_line(proc)
    command = "nenkg" if args[0] == "bogus" else f"nenkg {args[0]}"
    assert line.startswith(f"{command}: error: {message}"), line
    assert line.endswith(f"(see `{command} --help`)")
    assert time.perf_counter() - start < 20  # refused before the release is loaded


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_description_examples_and_exit_codes(command):
    proc = nenkg(command, "--help")
    assert proc.returncode == 0 and proc.stderr == ""
    text = proc.stdout
    usage, _, rest = text.partition("\n\n")
    assert usage.startswith(f"usage: nenkg {command}")
    description = rest.partition("\n\n")[0]
    assert len(description.split()) >= 15, description  # a description, not just the options
    examples = text.split("\nexamples:\n", 1)[1].split("\n\n")[0]
    assert all(line.startswith("  nenkg ") for line in examples.splitlines())
    assert f"nenkg {command}" in examples
    codes = text.split("\nexit codes:\n", 1)[1]
    assert re.search(r"^  2\s+\S", codes, re.M), codes  # every command can fail with 2
    assert command == "serve" or re.search(r"^  0\s+\S", codes, re.M)
    if command == "serve":
        assert "port N on HOST is in use" in codes


def test_program_help_lists_commands_examples_and_exit_codes():
    proc = nenkg("--help")
    assert proc.returncode == 0
    for command in COMMANDS:
        assert re.search(rf"^    {command}\s+\S", proc.stdout, re.M), command
    assert "\nexamples:\n" in proc.stdout and "\nexit codes (every command):\n" in proc.stdout
    for code in ("0", "1", "2"):
        assert re.search(rf"^  {code}\s+\S", proc.stdout, re.M)


def recorded_version() -> str:
    text = (ROOT / "ontology" / "src" / "nenkg.yaml").read_text(encoding="utf-8")
    return re.search(r"""^\s*version:\s*["']?([0-9-]+)""", text, re.M).group(1)


def test_version_names_package_and_ontology_release():
    from nenkg import __version__

    proc = nenkg("--version")
    assert proc.returncode == 0
    assert proc.stdout == f"nenkg {__version__}, ontology release {recorded_version()} ({ROOT / 'ontology' / 'nenkg.owl'})\n"


def test_version_outside_a_checkout_names_the_release_the_package_uses(tmp_path):
    # outside a source tree nenkg uses the release of the package (here the editable install's
    # checkout; tests/test_wheel.py checks the installed wheel's packaged copy)
    proc = nenkg("--version", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.startswith("nenkg ") and f"ontology release {recorded_version()} (" in proc.stdout
    assert proc.stdout.rstrip().endswith("nenkg.owl)")


def test_release_version_reads_the_owl_file_then_the_sources(tmp_path):
    from nenkg.version import release_version

    assert release_version(ROOT / "ontology" / "nenkg.owl") == recorded_version()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "nenkg.yaml").write_text('ontology:\n  version: "2031-01-02"\n', encoding="utf-8")
    assert release_version(tmp_path / "nenkg.owl") == "2031-01-02"  # no release file yet: the recorded version
    assert release_version(tmp_path / "elsewhere" / "nenkg.owl") is None
    assert release_version(None) is None
