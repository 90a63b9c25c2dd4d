"""Design patterns plus tables (ontology/src/patterns): expansion, and one clear error per bad
row naming the table and line, with nothing written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, RDFS

from conftest import ROOT, copy_project
from nenkg import namespaces as ns
from nenkg.errors import SourceErrors
from nenkg.patterns import read_tsv
from nenkg.sources import read_sources

NET_TABLE = "ontology/src/patterns/neuroendocrine_tumour_by_site.tsv"


@pytest.fixture()
def project(tmp_path) -> Path:
    return copy_project(tmp_path)


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors_of(root: Path) -> list[str]:
    with pytest.raises(SourceErrors) as exc:
        read_sources(root / "ontology" / "src")
    return [str(e) for e in exc.value.errors]


def test_every_row_becomes_a_term_with_its_table_line():
    ss = read_sources(ROOT / "ontology" / "src")
    header, rows = read_tsv(ROOT / NET_TABLE)
    assert rows
    for line, row in rows:
        term = ss.terms[row["id"]]
        assert term.loc.file.endswith("neuroendocrine_tumour_by_site.tsv") and term.loc.line == line


def test_a_generated_class_has_label_definition_synonyms_and_logical_definition(release_graph):
    larynx_net = URIRef(ns.expand("NENKG:0000410"))
    g = release_graph
    assert str(g.value(larynx_net, RDFS.label)) == "laryngeal neuroendocrine tumour"
    definition = str(g.value(larynx_net, URIRef(ns.OBO + "IAO_0000115")))
    assert definition.startswith("A neuroendocrine tumour") and "the larynx" in definition
    synonyms = {str(o) for o in g.objects(larynx_net, ns.OBOINOWL.hasExactSynonym)}
    assert {"laryngeal neuroendocrine tumor", "laryngeal NET"} <= synonyms
    assert "laryngeal neuroendocrine tumour" not in synonyms  # never the label again
    eq = g.value(larynx_net, OWL.equivalentClass)
    members = set(g.items(g.value(eq, OWL.intersectionOf)))
    assert URIRef(ns.expand("NENKG:0000002")) in members
    # the row's WHO book is a source of the definition
    sources = {str(o) for ax in g.subjects(OWL.annotatedSource, larynx_net) for o in g.objects(ax, ns.DCTERMS.source)}
    assert "https://w3id.org/nenkg/source/who-classification-head-neck-2022" in sources


def test_a_rows_icdo_code_replaces_the_patterns(release_graph):
    cauda = URIRef(ns.expand("NENKG:0000420"))
    codes = {str(o) for o in release_graph.objects(cauda, ns.OBOINOWL.hasDbXref) if str(o).startswith("ICDO:")}
    assert codes == {"ICDO:8693/3"}


@pytest.mark.parametrize("old, new, message", [
    ("NENKG:0000410\tUBERON:0001737", "NENKG:0000410\tUBERON:9999999", "has no row in patterns/sites.tsv"),
    ("NENKG:0000410\tUBERON:0001737", "NENKG:0000410\t", "column 'site' is empty"),
    ("NENKG:0000410\tUBERON:0001737", "NENKG:0000235\tUBERON:0001737", "NENKG:0000235 is defined twice"),
    ("NENKG:0000410\tUBERON:0001737", "NENKG:0000410\tUBERON:0001737\tx\tx\tx\tx\tx\tx\tx\tx\tx", "cells but the header has"),
])
def test_a_bad_row_is_named_by_table_and_line(project, old, new, message):
    line = next(n for n, text in enumerate((project / NET_TABLE).read_text().splitlines(), 1) if text.startswith(old.split("\t")[0] + "\t"))
    edit(project, NET_TABLE, old, new)
    errors = errors_of(project)
    assert any(f"neuroendocrine_tumour_by_site.tsv:{line}" in e and message in e for e in errors), errors


def test_unknown_column_and_template_variable(project):
    edit(project, NET_TABLE, "id\tsite\t", "id\tsite\tcolour\t")
    assert any("unknown columns ['colour']" in e and ":1" in e for e in errors_of(project))


def test_a_template_naming_an_unknown_variable(project):
    edit(project, "ontology/src/patterns/neuroendocrine_tumour_by_site.yaml", "{site.adjective} neuroendocrine tumour\"", "{organ} neuroendocrine tumour\"")
    assert any("{organ}" in e and "not a variable" in e for e in errors_of(project))


def test_build_refuses_a_bad_table_and_writes_nothing(project):
    edit(project, NET_TABLE, "NENKG:0000410\tUBERON:0001737", "NENKG:0000410\tUBERON:9999999")
    shutil.rmtree(project / "ontology" / "mappings", ignore_errors=True)
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    r = subprocess.run([sys.executable, "-m", "nenkg.cli.main", "--root", str(project), "build"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2
    assert "neuroendocrine_tumour_by_site.tsv:" in r.stderr and "nothing written" in r.stderr
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
