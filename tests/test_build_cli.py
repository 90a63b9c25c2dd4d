"""`nenkg build` as a real process: exit codes, messages, nothing half-written, determinism."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, write_project
from nenkg.release import RELEASE_FILES

GOOD = textwrap.dedent(
    """\
    terms:
      - id: NENKG:0000001
        label: fixture neoplasm
        definition: A neoplasm used by the tests.
        definition_sources: [rindi2018]
        subclass_of: [MONDO:0005070]
      - id: NENKG:0000002
        label: fixture lung neoplasm
        definition: A fixture neoplasm of the lung.
        definition_sources: [rindi2018]
        equivalent_to: [NENKG:0000001 and has_location some UBERON:0002048]
      - id: NENKG:0000003
        label: fixture bronchial neoplasm
        definition: A fixture neoplasm located in a bronchus.
        definition_sources: [rindi2018]
        subclass_of: [NENKG:0000001, has_location some UBERON:0002185]
    """
)
UBERON_BRONCHUS = "  - id: UBERON:0002185\n    label: bronchus\n"
UBERON_BRONCHUS_IN_LUNG = UBERON_BRONCHUS + "    subclass_of: [part_of some UBERON:0002048]\n"


def nenkg(root: Path, *args: str, seed: str = "0") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-m", "nenkg.cli.main", "--root", str(root), *args],
        capture_output=True, text=True, env=env, timeout=300,
    )


def release_files(root: Path) -> dict[str, bytes]:
    return {n: (root / "ontology" / n).read_bytes() for n in RELEASE_FILES if (root / "ontology" / n).exists()}


def test_build_writes_every_release_file_and_reasons(tmp_path):
    root = write_project(tmp_path, {"m.yaml": GOOD})
    proc = nenkg(root, "build")
    assert proc.returncode == 0, proc.stderr
    assert sorted(release_files(root)) == sorted(RELEASE_FILES)
    assert "0 unsatisfiable" in proc.stdout and "NENKG classes" in proc.stdout
    # the reasoner classified the bronchial class under the lung class only if bronchus is
    # part of lung: without that bridging axiom the edge must be absent
    text = (root / "ontology" / "nenkg.ttl").read_text()
    assert "NENKG:0000003" in text
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDFS

    g = Graph().parse(root / "ontology" / "nenkg.owl", format="xml")
    edge = (URIRef("https://w3id.org/nenkg/NENKG_0000003"), RDFS.subClassOf, URIRef("https://w3id.org/nenkg/NENKG_0000002"))
    assert edge not in g


def test_property_chain_lets_hermit_infer_site_hierarchy(tmp_path):
    root = write_project(tmp_path, {"m.yaml": GOOD})
    ext = root / "ontology" / "src" / "external.yaml"
    assert UBERON_BRONCHUS in ext.read_text()
    ext.write_text(ext.read_text().replace(UBERON_BRONCHUS, UBERON_BRONCHUS_IN_LUNG))
    proc = nenkg(root, "build")
    assert proc.returncode == 0, proc.stderr
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDFS

    g = Graph().parse(root / "ontology" / "nenkg.owl", format="xml")
    edge = (URIRef("https://w3id.org/nenkg/NENKG_0000003"), RDFS.subClassOf, URIRef("https://w3id.org/nenkg/NENKG_0000002"))
    assert edge in g


def test_syntax_error_exits_2_names_file_line_and_writes_nothing(tmp_path):
    root = write_project(tmp_path, {"m.yaml": GOOD.replace("label: fixture lung neoplasm", "label: [oops")})
    proc = nenkg(root, "build")
    assert proc.returncode == 2
    assert "m.yaml:8" in proc.stderr or "m.yaml:9" in proc.stderr
    assert "nothing written" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert release_files(root) == {}


def test_undeclared_property_exits_2(tmp_path):
    root = write_project(tmp_path, {"m.yaml": GOOD.replace("has_location some UBERON:0002048", "located_near some UBERON:0002048")})
    proc = nenkg(root, "build")
    assert proc.returncode == 2
    assert "m.yaml:7 [NENKG:0000002]: unknown name 'located_near'" in proc.stderr


UNSAT = textwrap.indent(textwrap.dedent(
    """\
      - id: NENKG:0000004
        label: impossible neoplasm
        definition: A fixture neoplasm that is both of two disjoint kinds.
        definition_sources: [rindi2018]
        subclass_of: [NENKG:0000005, NENKG:0000006]
      - id: NENKG:0000005
        label: kind a
        definition: A fixture neoplasm of kind a.
        definition_sources: [rindi2018]
        subclass_of: [NENKG:0000001]
        disjoint_with: [NENKG:0000006]
      - id: NENKG:0000006
        label: kind b
        definition: A fixture neoplasm of kind b.
        definition_sources: [rindi2018]
        subclass_of: [NENKG:0000001]
    """
), "  ")


def test_unsatisfiable_class_exits_1_names_it_and_keeps_old_release(tmp_path):
    root = write_project(tmp_path, {"m.yaml": GOOD})
    assert nenkg(root, "build").returncode == 0
    before = release_files(root)
    (root / "ontology" / "src" / "m.yaml").write_text(GOOD + UNSAT)
    proc = nenkg(root, "build")
    assert proc.returncode == 1
    assert "NENKG:0000004 'impossible neoplasm'" in proc.stderr
    assert "unsatisfiable" in proc.stderr
    assert release_files(root) == before


def test_inconsistent_ontology_exits_1(tmp_path):
    individual = "  - id: NENKG:0000007\n    type: individual\n    label: a case\n    types: [NENKG:0000005 and NENKG:0000006]\n"
    root = write_project(tmp_path, {"m.yaml": GOOD + UNSAT.replace("subclass_of: [NENKG:0000005, NENKG:0000006]", "subclass_of: [NENKG:0000001]") + individual})
    proc = nenkg(root, "build")
    assert proc.returncode == 1
    assert "inconsistent" in proc.stderr
    assert release_files(root) == {}


def test_rebuild_is_byte_identical_across_processes(tmp_path):
    root = write_project(tmp_path, {"m.yaml": GOOD})
    assert nenkg(root, "build", seed="1").returncode == 0
    first = release_files(root)
    assert nenkg(root, "build", seed="2").returncode == 0
    assert release_files(root) == first


@pytest.mark.slow
def test_committed_release_is_what_the_sources_build(tmp_path):
    """`nenkg build` on a clean checkout leaves the tree unchanged."""
    root = copy_project(tmp_path)
    proc = nenkg(root, "build")
    assert proc.returncode == 0, proc.stderr
    fresh = release_files(root)
    committed = release_files(ROOT)
    stale = [name for name in RELEASE_FILES if fresh.get(name) != committed.get(name)]
    assert not stale, f"committed release files differ from a rebuild: {stale} (run `nenkg build` and commit)"
