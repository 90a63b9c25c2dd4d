"""The files a newcomer looks for first: licences, citation, changelog, packaging metadata."""

from __future__ import annotations

import datetime
import re
import tomllib

import yaml

from cli_util import ROOT

SPDX = {"MIT", "CC-BY-4.0"}


def test_code_is_mit_and_ontology_cc_by():
    code = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert code.startswith("MIT License\n") and "Permission is hereby granted, free of charge" in code
    ontology = (ROOT / "ontology" / "LICENSE").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0 International" in ontology
    assert "https://creativecommons.org/licenses/by/4.0/" in ontology
    # the release header says the same
    header = (ROOT / "ontology" / "src" / "nenkg.yaml").read_text(encoding="utf-8")
    assert re.search(r"^\s*license:\s*https://creativecommons.org/licenses/by/4.0/\s*$", header, re.M)


def test_pyproject_license_is_an_spdx_expression_with_its_files():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = meta["project"]
    assert project["license"] == "MIT AND CC-BY-4.0"
    assert set(project["license"].split(" AND ")) == SPDX
    assert project["license-files"] == ["LICENSE", "ontology/LICENSE"]
    assert all((ROOT / f).is_file() for f in project["license-files"])
    assert not any(c.startswith("License ::") for c in project.get("classifiers", []))  # PEP 639: not both
    # setuptools reads an SPDX expression from version 77 on
    assert any(re.fullmatch(r"setuptools>=(\d+).*", r) and int(re.match(r"setuptools>=(\d+)", r).group(1)) >= 77
               for r in meta["build-system"]["requires"])


def test_citation_cff_is_valid_cff_1_2_0():
    from nenkg import __version__

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "version", "date-released", "license"):
        assert cff.get(key), key
    assert cff["authors"] == [{"name": "NENKG developers"}]
    assert cff["version"] == __version__
    released = cff["date-released"]
    released = released if isinstance(released, datetime.date) else datetime.date.fromisoformat(released)
    assert released.isoformat() == "2026-11-21"
    assert set(cff["license"]) == SPDX
    assert "repository-code" not in cff  # not known yet
    known = {"cff-version", "message", "type", "title", "abstract", "authors", "version", "date-released",
             "license", "keywords", "repository-code", "url", "doi", "identifiers", "preferred-citation"}
    assert set(cff) <= known, set(cff) - known


def test_changelog_has_the_releases_of_the_history():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n") and "keepachangelog.com" in text
    sections = re.findall(r"^## \[([^\]]+)\]", text, re.M)
    assert sections[0] == "Unreleased" and "2026-11-21" in sections
    for name in sections:
        assert re.search(rf"^\[{re.escape(name)}\]: \S+", text, re.M), f"no link for [{name}]"
    assert "WHO Classification of Tumours, 5th edition" in text and "2026-12-04" in text
    recorded = re.search(r"""version:\s*"([0-9-]+)\"""", (ROOT / "ontology" / "src" / "nenkg.yaml").read_text()).group(1)
    assert recorded in sections


def test_examples_hold_10_to_20_records_in_both_formats():
    csv_lines = (ROOT / "examples" / "records.csv").read_text(encoding="utf-8").splitlines()
    jsonl_lines = (ROOT / "examples" / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert 10 <= len(csv_lines) - 1 == len(jsonl_lines) <= 20


def test_the_examples_classify_the_same_in_both_formats(tmp_path):
    from cli_util import nenkg

    out = {}
    for fmt in ("csv", "jsonl"):
        proc = nenkg("classify", str(ROOT / "examples" / f"records.{fmt}"), "--format", "jsonl", "--jobs", "1")
        assert proc.returncode == 1 and proc.stderr.endswith(", 15 classified, 0 not a NEN, 1 rejected\n"), proc.stderr
        out[fmt] = proc.stdout
    # messages give the file's line: the CSV has a header line, the JSON Lines file does not
    assert '"line 17: ki67_percent' in out["csv"] and '"line 16: ki67_percent' in out["jsonl"]
    assert out["csv"].replace('"line 17: ', '"line 16: ') == out["jsonl"]
    for needed in ("pancreatic gastrinoma", "insulinoma", "lung typical carcinoid", "small cell lung carcinoma",
                   "pheochromocytoma", '"grade": "G3"', "von Hippel-Lindau", "ki67_percent: -3 is below 0"):
        assert needed in out["csv"], needed

