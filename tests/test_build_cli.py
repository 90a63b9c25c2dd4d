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
    assert "m.yaml:11 [NENKG:0000002]: unknown name 'located_near'" in proc.stderr  # the axiom's line


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


# ---------------------------------------------------------------------------------------------
# every problem in one run, each at its line; cycles and undeclared equivalences


FAULTY_A = textwrap.dedent(
    """\
    terms:
      - id: NENKG:0000010
        label: fixture neoplasm
        definition: A neoplasm used by the tests.
        definition_sources: [rindi2018]
        subclass_of: [MONDO:0005070]
      - id: NENKG:0000011
        label: fixture lung neoplasm
        colour: red
        definition: A fixture neoplasm of the lung.
        definition_sources: [rindi2018]
        subclass_of:
          - NENKG:0000010
          - has_location some NENKG:0009999
    """
)
FAULTY_B = textwrap.dedent(
    """\
    terms:
      - id: NENKG:0000012
        label: [unclosed
        subclass_of: [NENKG:0000010]
    """
)
FAULTY_C = textwrap.dedent(
    """\
    terms:
      - id: NENKG:0000013
        label: fixture third neoplasm
        definition: A third fixture neoplasm.
        definition_sources: [rindi2018]
        synonyms:
          - exact: third fixture
            sources: [no_such_source]
        xrefs:
          exact: [MONDO:0005070, not-a-curie]
        subclass_of:
          - NENKG:0000010 and and NENKG:0000011
          - NENKG:0000012
    """
)


def test_every_source_error_of_every_module_in_one_run_at_its_line(tmp_path):
    root = write_project(tmp_path, {"a.yaml": FAULTY_A, "b.yaml": FAULTY_B, "c.yaml": FAULTY_C})
    proc = nenkg(root, "build")
    assert proc.returncode == 2
    src = root / "ontology" / "src"
    errors = [line.removeprefix("error: ").replace(str(src) + os.sep, "") for line in proc.stderr.splitlines()
              if line.startswith("error: ")]
    assert errors == [
        "a.yaml:9 [NENKG:0000011]: unknown key 'colour' (fix: check the spelling against ontology/README.md)",
        ("a.yaml:14 [NENKG:0000011]: NENKG:0009999 is used but not declared "
         "(declare it in a module, external terms in external.yaml)"),
        "b.yaml:4: YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence started on line 3)",
        "c.yaml:8 [NENKG:0000013]: unknown source key 'no_such_source' (fix: add it to sources.yaml)",
        "c.yaml:10 [NENKG:0000013]: cross-reference 'not-a-curie' is not a valid CURIE of a known prefix",
        "c.yaml:12 [NENKG:0000013]: unexpected 'and' in 'NENKG:0000010 and and NENKG:0000011'",
    ], proc.stderr
    # NENKG:0000012 is in the module YAML could not read: its use in c.yaml is not "undeclared"
    assert "NENKG:0000012 is used" not in proc.stderr
    assert "6 error(s) in the sources; nothing written" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert release_files(root) == {}


CYCLE_A = textwrap.indent(textwrap.dedent(
    """\
      - id: NENKG:0000020
        label: cycle first
        definition: A fixture neoplasm on a subclass cycle.
        definition_sources: [rindi2018]
        subclass_of:
          - NENKG:0000001
          - NENKG:0000021
    """
), "  ")
CYCLE_B = textwrap.dedent(
    """\
    terms:
      - id: NENKG:0000021
        label: cycle second
        definition: Another fixture neoplasm on the same subclass cycle.
        definition_sources: [rindi2018]
        subclass_of: [NENKG:0000020]
    """
)


def test_subclass_cycle_is_an_error_naming_both_classes_files_and_lines(tmp_path):
    root = write_project(tmp_path, {"m.yaml": GOOD, "n.yaml": CYCLE_B.replace("NENKG:0000020]", "NENKG:0000001]")})
    assert nenkg(root, "build").returncode == 0
    before = release_files(root)
    (root / "ontology" / "src" / "m.yaml").write_text(GOOD + CYCLE_A)
    (root / "ontology" / "src" / "n.yaml").write_text(CYCLE_B)
    proc = nenkg(root, "build")
    assert proc.returncode == 1, proc.stderr
    src = str(root / "ontology" / "src") + os.sep
    stderr = proc.stderr.replace(src, "")
    # GOOD has 16 lines: the cycle's first class starts on line 17, its subclass_of item on 23
    assert ("error: subclass cycle among NENKG classes: NENKG:0000020 'cycle first' (m.yaml:17) -> "
            "NENKG:0000021 'cycle second' (n.yaml:2) -> NENKG:0000020 (subclass_of at m.yaml:23, n.yaml:6)") in stderr
    assert stderr.count("error: ") == 1, stderr
    assert "nothing written" in stderr
    assert release_files(root) == before


SAME_DEFINITION = textwrap.indent(textwrap.dedent(
    """\
      - id: NENKG:0000030
        label: bronchial fixture neoplasm
        definition: A fixture neoplasm defined by its bronchial location.
        definition_sources: [rindi2018]
        equivalent_to: [NENKG:0000001 and has_location some UBERON:0002185]
      - id: NENKG:0000031
        label: fixture neoplasm of the bronchus
        definition: The same class again, under another identifier.
        definition_sources: [rindi2018]
        equivalent_to:
          - NENKG:0000001 and has_location some UBERON:0002185
      - id: NENKG:0000032
        label: declared copy of the bronchial fixture neoplasm
        definition: A class declared equivalent to the bronchial fixture neoplasm.
        definition_sources: [rindi2018]
        equivalent_to: [NENKG:0000030]
    """
), "  ")


def test_declared_equivalence_builds(tmp_path):
    declared_only = SAME_DEFINITION.split("  - id: NENKG:0000031")[0] + "  - id: NENKG:0000032" + SAME_DEFINITION.split("  - id: NENKG:0000032")[1]
    root = write_project(tmp_path, {"m.yaml": GOOD + declared_only})
    proc = nenkg(root, "build")
    assert proc.returncode == 0, proc.stderr


def test_undeclared_inferred_equivalence_and_unsatisfiable_class_reported_together(tmp_path):
    # and a definition copied from another class: the quality gate's ERROR comes in the same run
    text = (GOOD + SAME_DEFINITION + UNSAT).replace("The same class again, under another identifier.", "A fixture neoplasm of the lung.")
    root = write_project(tmp_path, {"m.yaml": text})
    proc = nenkg(root, "build")
    assert proc.returncode == 1, proc.stderr
    stderr = proc.stderr.replace(str(root / "ontology" / "src") + os.sep, "")
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        "error: unsatisfiable class NENKG:0000004 'impossible neoplasm' (m.yaml:33)",
        ("error: NENKG classes inferred equivalent but not declared equivalent: "
         "NENKG:0000030 'bronchial fixture neoplasm' (m.yaml:17) and NENKG:0000031 'fixture neoplasm of the bronchus' "
         "(m.yaml:22) (NENKG:0000030 equivalent_to at m.yaml:21; NENKG:0000031 equivalent_to at m.yaml:27) "
         "(fix: tell the definitions apart, or declare the equivalence with equivalent_to)"),
    ], stderr
    assert "ERROR duplicate_definition: NENKG:0000031" in stderr
    assert "2 logical problem(s) and 2 quality error(s); nothing written" in stderr
    assert release_files(root) == {}
