"""`nenkg check` and the build's quality gate as real processes: exit codes, formats, messages."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from conftest import ROOT, write_project
from test_build_cli import GOOD, nenkg, release_files

FIXTURES = Path(__file__).parent / "fixtures"


def test_check_on_the_sources_is_clean():
    proc = nenkg(ROOT, "check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 ERROR" in proc.stderr and "ERROR (0)" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_check_on_a_release_file_as_json(built):
    proc = nenkg(built, "check", str(built / "ontology" / "nenkg.owl"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["counts"]["ERROR"] == 0
    assert all(f["level"] in ("WARN", "INFO") for f in data["findings"])


def test_failing_file_exits_1_and_names_check_and_entity():
    path = FIXTURES / "qc" / "error-nen-grade_outside_net.fail.ttl"
    proc = nenkg(ROOT, "check", str(path), "--format", "tsv")
    assert proc.returncode == 1, proc.stderr
    header, *rows = proc.stdout.splitlines()
    assert header.split("\t")[:5] == ["level", "check", "entity", "property", "value"]
    cells = [r.split("\t") for r in rows]
    assert ["ERROR", "nen-grade_outside_net", "NENKG:0000003", "RO:0002573"] in [c[:4] for c in cells]


def test_shacl_violation_alone_exits_1():
    path = FIXTURES / "shapes" / "HeaderLicenseShape.fail.ttl"
    proc = nenkg(ROOT, "check", str(path), "--format", "json")
    assert proc.returncode == 1
    fired = {(f["check"], f["entity"]) for f in json.loads(proc.stdout)["findings"] if f["origin"] == "shacl"}
    assert ("HeaderLicenseShape", "https://w3id.org/nenkg/nenkg.owl") in fired


def test_table_groups_by_level():
    proc = nenkg(ROOT, "check", str(FIXTURES / "qc" / "warn-duplicate_exact_synonym.fail.ttl"))
    out = proc.stdout
    assert out.index("ERROR (") < out.index("WARN (") < out.index("INFO (")
    assert "duplicate_exact_synonym [qc]" in out


def test_missing_file_exits_2_with_a_message(tmp_path):
    proc = nenkg(ROOT, "check", str(tmp_path / "nope.owl"))
    assert proc.returncode == 2
    assert "nope.owl: no such file" in proc.stderr and "Traceback" not in proc.stderr


def test_parse_error_exits_2_naming_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ex:d .\n")
    proc = nenkg(ROOT, "check", str(bad))
    assert proc.returncode == 2
    assert f"{bad}:3: cannot parse as turtle" in proc.stderr and "Traceback" not in proc.stderr


def test_build_refuses_a_release_with_a_qc_error(tmp_path):
    twin = GOOD + textwrap.indent(textwrap.dedent(
        """\
        - id: NENKG:0000004
          label: fixture neoplasm
          definition: A fixture neoplasm that repeats the label of another term.
          definition_sources: [rindi2018]
          subclass_of: [NENKG:0000001]
        """), "  ")
    root = write_project(tmp_path, {"m.yaml": twin})
    proc = nenkg(root, "build")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "quality gate failed" in proc.stderr and "duplicate_label" in proc.stderr
    assert "NENKG:0000004" in proc.stderr
    assert release_files(root) == {}
