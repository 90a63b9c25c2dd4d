"""The QC checks of queries/qc: each one documented, each one shown to fire on its failing
fixture (on the expected entities) and to stay silent on its passing fixture; the real
ontology has no QC ERROR."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from conftest import ROOT
from nenkg import namespaces as ns
from nenkg.check import source_graph
from nenkg.qc import QC_DIR, Check, load_checks, run_qc
from nenkg.report import LEVELS

FIXTURES = Path(__file__).parent / "fixtures" / "qc"
CHECKS = load_checks()
CHECK_IDS = [f"{c.level.lower()}-{c.name}" for c in CHECKS]


def expectations(path: Path) -> list[tuple[str, str | None]]:
    """The ``# expect: ENTITY [PROPERTY]`` lines of a failing fixture."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            parts = line.split(":", 1)[1].split()
            out.append((parts[0], parts[1] if len(parts) > 1 else None))
    return out


def test_there_are_checks_of_every_level():
    assert {c.level for c in CHECKS} == set(LEVELS)
    assert len(CHECKS) >= 30


@pytest.mark.parametrize("check", CHECKS, ids=CHECK_IDS)
def test_header_and_result_columns(check: Check):
    for key in ("title", "level", "problem", "principle", "fix"):
        assert check.header.get(key), f"{check.name}: header needs '# {key}:'"
    assert check.header["level"] == check.level
    variables = [v.value for v in ox.Store().query(check.query).variables]
    assert variables == ["entity", "property", "value"]


@pytest.mark.parametrize("check", CHECKS, ids=CHECK_IDS)
def test_check_fires_on_its_failing_fixture(check: Check):
    path = FIXTURES / f"{check.level.lower()}-{check.name}.fail.ttl"
    expected = expectations(path)
    assert expected, f"{path.name} needs '# expect:' lines"
    findings = run_qc(Graph().parse(path), [check]).findings
    assert {f.entity for f in findings} == {entity for entity, _ in expected}, findings
    pairs = {(f.entity, f.property) for f in findings}
    for entity, prop in expected:
        if prop:
            assert (entity, prop) in pairs, (entity, prop, findings)
    assert all(f.check == check.name and f.level == check.level for f in findings)


@pytest.mark.parametrize("check", CHECKS, ids=CHECK_IDS)
def test_check_is_silent_on_its_passing_fixture(check: Check):
    path = FIXTURES / f"{check.level.lower()}-{check.name}.pass.ttl"
    assert run_qc(Graph().parse(path), [check]).findings == []


def test_no_fixture_without_a_check():
    names = {p.name.split(".")[0] for p in FIXTURES.glob("*.ttl")}
    assert names == set(CHECK_IDS)


def _values(query: str, variable: str) -> set[str]:
    block = re.search(r"VALUES \?" + variable + r" \{(.*?)\}", query, re.S)
    assert block, variable
    return {text or iri for text, iri in re.findall(r'"([^"]+)"|<([^>]+)>', block.group(1))}


def test_prefix_check_lists_exactly_the_prefix_map():
    query = (QC_DIR / "error-nen-xref_prefix_not_in_prefix_map.rq").read_text()
    assert _values(query, "known") == {*ns.ENTITY_PREFIXES, *ns.XREF_ONLY_PREFIXES}
    assert _values(query, "namespace") == set(ns.ENTITY_PREFIXES.values())


def test_ontology_sources_and_release_have_no_qc_error(release_graph):
    for graph in (source_graph(ROOT), release_graph):
        report = run_qc(graph)
        assert report.at("ERROR") == [], report.at("ERROR")
