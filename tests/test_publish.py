"""Publishing: `nenkg diff`, `nenkg obsolete`, `nenkg release` and the released-ID list.

One module fixture copies the project's ontology folder and CHANGELOG into a temporary project,
keeps the committed release as the "old" release, makes a known set of changes to the copy's
sources (one of them with the real `nenkg obsolete`), and makes the "new" release with the real
`nenkg release` (one full build with HermiT). The tests then compare what diff, check and the
release wrote with those known changes.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from cli_util import ROOT, nenkg, one_error_line
from nenkg.ids import Released, id_findings, read_ids

OLD_VERSION = re.search(r'^\s*version:\s*"([0-9-]+)"', (ROOT / "ontology/src/nenkg.yaml").read_text(), re.MULTILINE).group(1)
NEW_VERSION = "2099-01-31"
FIXTURE_ID = "NENKG:0009990"  # invented for the copy only: never in the real sources

NEW_TERM = f"""
  - id: {FIXTURE_ID}
    label: fixture imaging procedure
    definition: >-
      A neuroendocrine neoplasm imaging procedure that exists only in the test fixture.
    definition_sources: [clinical_lenders2014]
    subclass_of: [NENKG:0000820]
"""

# (file, old text, new text): each must occur exactly once in the copy
EDITS = [
    ("clinical.yaml", "    label: magnetic resonance imaging\n", "    label: magnetic resonance tomography\n"),
    ("clinical.yaml", "passed through the body at many angles, usually after contrast injection",
     "passed through the body at many angles, often after contrast injection"),
    ("clinical.yaml", ("      at close range and can guide a fine-needle biopsy.\n    definition_sources: [clinical_cryer2009, clinical_hofland2023]\n"
     "    subclass_of: [NENKG:0000820]\n"),
     ("      at close range and can guide a fine-needle biopsy.\n    definition_sources: [clinical_cryer2009, clinical_hofland2023]\n"
     "    subclass_of: [NENKG:0000821]\n")),
    ("digestive.yaml", "      exact: [MONDO:0024503, NCIT:C27721, ORPHA:100092]\n", "      exact: [MONDO:0024503, NCIT:C27721]\n"),
    ("digestive.yaml", "      dbxref: [ICDO:8240/3, ONCOTREE:GINET]\n", "      dbxref: [ICDO:8240/3]\n"),
]

EXPECTED_TSV = [
    ("added", FIXTURE_ID, "fixture imaging procedure", "", "", "class"),
    ("obsoleted", "NENKG:0000215", "colorectal neuroendocrine carcinoma", "", "Merged into the digestive system class.",
     "NENKG:0000102 digestive system neuroendocrine carcinoma"),
    ("relabelled", "NENKG:0000825", "magnetic resonance tomography", "", "magnetic resonance imaging", "magnetic resonance tomography"),
    ("redefined", "NENKG:0000824", "computed tomography", "", ("A neuroendocrine neoplasm imaging procedure that builds "
     "cross-sectional images from X-rays passed through the body at many angles, usually after contrast injection, to find "
     "and measure the primary tumour and its metastases."), ("A neuroendocrine neoplasm imaging procedure that builds "
     "cross-sectional images from X-rays passed through the body at many angles, often after contrast injection, to find "
     "and measure the primary tumour and its metastases.")),
    ("asserted_parents", "NENKG:0000826", "endoscopic ultrasound", "", "NENKG:0000820 neuroendocrine neoplasm imaging procedure",
     "NENKG:0000821 positron emission tomography"),
    ("inferred_parents", "NENKG:0000216", "colon small cell neuroendocrine carcinoma", "",
     "NENKG:0000215 colorectal neuroendocrine carcinoma", "NENKG:0000102 digestive system neuroendocrine carcinoma"),
    ("inferred_parents", "NENKG:0000249", "rectal neuroendocrine carcinoma", "",
     "NENKG:0000215 colorectal neuroendocrine carcinoma", "NENKG:0000102 digestive system neuroendocrine carcinoma"),
    ("inferred_parents", "NENKG:0000264", "colorectal large cell neuroendocrine carcinoma", "",
     "NENKG:0000215 colorectal neuroendocrine carcinoma",
     "NENKG:0000102 digestive system neuroendocrine carcinoma; NENKG:0000210 large intestine neuroendocrine neoplasm"),
    ("mappings", "NENKG:0000100", "digestive system neuroendocrine neoplasm", "", "exact ORPHA:100092", ""),
    ("codes", "NENKG:0000101", "digestive system neuroendocrine tumour", "", "ONCOTREE:GINET", ""),
    ("thresholds", "NENKG:0004101", "GEP NET grade G1 by Ki-67 index", "upper bound inclusive", "false", "true"),
    ("thresholds", "NENKG:0004102", "GEP NET grade G2 by Ki-67 index", "lower bound inclusive", "true", "false"),
]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_criterion(path: Path, curie: str, key: str, old: str, new: str) -> None:
    """Change ``key: old`` to ``key: new`` inside the entry of ``curie`` only."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - id: {curie}\n")
    end = text.index("\n  - ", start + 1)
    entry = text[start:end]
    assert entry.count(f"{key}: {old}\n") == 1, entry
    path.write_text(text[:start] + entry.replace(f"{key}: {old}\n", f"{key}: {new}\n") + text[end:], encoding="utf-8")


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "ontology", dest / "ontology", ignore=shutil.ignore_patterns(".release-*"))
    shutil.copy(ROOT / "CHANGELOG.md", dest / "CHANGELOG.md")
    return dest


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """(old release folder, project after `nenkg release`, obsolete's and release's processes,
    the sources' text before the changes)."""
    base = tmp_path_factory.mktemp("publish")
    old = base / "old"
    old.mkdir()
    shutil.copy(ROOT / "ontology" / "nenkg.owl", old / "nenkg.owl")  # the committed release
    proj = copy_project(base / "project")
    src = proj / "ontology" / "src"
    before = {p.name: p.read_text(encoding="utf-8") for p in src.glob("*.yaml")}
    for name, a, b in EDITS:
        edit(src / name, a, b)
    edit_criterion(src / "criteria.yaml", "NENKG:0004101", "upper_inclusive", "false", "true")
    edit_criterion(src / "criteria.yaml", "NENKG:0004102", "lower_inclusive", "true", "false")
    with open(src / "clinical.yaml", "a", encoding="utf-8") as fh:
        fh.write(NEW_TERM)
    obs = nenkg("obsolete", "NENKG:0000215", "--replaced-by", "NENKG:0000102", "--reason",
                "Merged into the digestive system class.", "--root", str(proj))
    assert obs.returncode == 0, obs.stderr
    changelog_before = (proj / "CHANGELOG.md").read_text(encoding="utf-8")
    rel = nenkg("release", "--version", NEW_VERSION, "--root", str(proj), timeout=900)
    assert rel.returncode == 0, rel.stderr
    return {"old": old, "proj": proj, "obsolete": obs, "release": rel, "before": before,
            "changelog_before": changelog_before}


# ---------------------------------------------------------------------------------------------
# release


def test_release_stamps_the_version_everywhere(published):
    proj = published["proj"]
    header = (proj / "ontology/src/nenkg.yaml").read_text(encoding="utf-8")
    assert f'  version: "{NEW_VERSION}"\n' in header
    # only the version line changed: comments and layout of the header stay
    old_header = (ROOT / "ontology/src/nenkg.yaml").read_text(encoding="utf-8")
    assert header == old_header.replace(f'version: "{OLD_VERSION}"', f'version: "{NEW_VERSION}"')
    g = Graph().parse(proj / "ontology/nenkg.owl", format="xml")
    onto = URIRef("https://w3id.org/nenkg/nenkg.owl")
    assert str(g.value(onto, OWL.versionInfo)) == NEW_VERSION
    assert NEW_VERSION in str(g.value(onto, OWL.versionIRI))
    for name in ("nenkg.ttl", "nenkg-base.owl", "mappings/nenkg.sssom.tsv", "catalog-v001.xml"):
        text = (proj / "ontology" / name).read_text(encoding="utf-8")
        assert f"releases/{NEW_VERSION}/nenkg" in text and f"releases/{OLD_VERSION}/" not in text, name
    assert f"release {NEW_VERSION} (previous {OLD_VERSION}" in published["release"].stdout


def test_release_appends_notes_to_the_changelog(published):
    text = (published["proj"] / "CHANGELOG.md").read_text(encoding="utf-8")
    before = published["changelog_before"]
    heading = f"## [{NEW_VERSION}] - {NEW_VERSION}\n"
    assert text.count(heading) == 1
    # the new section sits after Unreleased and before the previous release; nothing else moved
    assert text.index("## [Unreleased]") < text.index(heading) < text.index(f"## [{OLD_VERSION}]")
    section = text[text.index(heading): text.index(f"## [{OLD_VERSION}]")]
    assert text.replace(section, "") == before
    assert "1 added, 1 obsoleted, 1 relabelled, 1 redefined, 1 asserted parents, 3 inferred parents, " \
           "1 mappings, 1 codes, 2 thresholds." in section
    assert "| NENKG:0000215 | colorectal neuroendocrine carcinoma | Merged into the digestive system class. | " \
           "NENKG:0000102 digestive system neuroendocrine carcinoma |" in section
    assert "### Changed criteria thresholds (2)" in section


def test_release_lists_the_new_ids(published):
    ids = read_ids(published["proj"] / "ontology/ids.tsv")
    assert ids[FIXTURE_ID].kind == "class" and ids[FIXTURE_ID].first_release == NEW_VERSION
    assert ids["NENKG:0000215"].first_release == OLD_VERSION  # an old row is never rewritten
    old_rows = (ROOT / "ontology/ids.tsv").read_text(encoding="utf-8")
    assert (published["proj"] / "ontology/ids.tsv").read_text(encoding="utf-8").startswith(old_rows)


def test_release_refuses_bad_versions_in_one_line(tmp_path):
    proj = copy_project(tmp_path / "p")
    for version, message in (("2026-13-01", "not a calendar date"), ("1.0", "expected a date written YYYY-MM-DD"),
                             (OLD_VERSION, f"not after the current release {OLD_VERSION}")):
        proc = nenkg("release", "--version", version, "--root", str(proj))
        assert proc.returncode == 2
        assert message in one_error_line(proc)


def test_failed_release_leaves_everything_untouched(tmp_path):
    proj = copy_project(tmp_path / "p")
    edit(proj / "ontology/src/clinical.yaml", "    subclass_of: [NENKG:0000820]\n    synonyms:\n      - {exact: CT, abbreviation: true}",
         "    subclass_of: [NENKG:0999999]\n    synonyms:\n      - {exact: CT, abbreviation: true}")
    files = [p for p in proj.rglob("*") if p.is_file()]
    before = {p: p.read_bytes() for p in files}
    proc = nenkg("release", "--version", NEW_VERSION, "--root", str(proj))
    assert proc.returncode == 2 and "NENKG:0999999 is used but not declared" in proc.stderr
    assert sorted(p for p in proj.rglob("*") if p.is_file()) == sorted(files)
    assert all(p.read_bytes() == data for p, data in before.items())


# ---------------------------------------------------------------------------------------------
# diff


def tsv_rows(text: str) -> list[tuple[str, ...]]:
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "change\tid\tlabel\tfield\told\tnew"
    return [tuple(line.split("\t")) for line in lines[1:]]


def test_diff_reports_exactly_the_known_changes_as_tsv(published):
    proc = nenkg("diff", str(published["old"]), str(published["proj"] / "ontology"), "--format", "tsv")
    assert proc.returncode == 0, proc.stderr
    assert tsv_rows(proc.stdout) == EXPECTED_TSV
    # the same two releases give the same bytes, from a file or a folder
    again = nenkg("diff", str(published["old"] / "nenkg.owl"), str(published["proj"]), "--format", "tsv")
    assert again.stdout == proc.stdout


def test_diff_markdown_has_one_table_per_kind_of_change(published):
    proc = nenkg("diff", str(published["old"]), str(published["proj"] / "ontology"))
    assert proc.returncode == 0, proc.stderr
    md = proc.stdout
    assert md.startswith(f"## Changes from NENKG {OLD_VERSION} to {NEW_VERSION}\n")
    headings = re.findall(r"^### (.+)$", md, re.MULTILINE)
    assert headings == ["New terms (1)", "Obsoleted terms (1)", "Relabelled terms (1)", "Redefined terms (1)",
                        "Changed asserted parents (1)", "Changed inferred parents (3)", "Changed mappings (1)",
                        "Changed codes and cross-references (1)", "Changed criteria thresholds (2)"]
    assert "| NENKG:0004101 | GEP NET grade G1 by Ki-67 index | upper bound inclusive | false | true |" in md
    assert "| NENKG:0000826 | endoscopic ultrasound | NENKG:0000820 neuroendocrine neoplasm imaging procedure | " \
           "NENKG:0000821 positron emission tomography |" in md
    rows = [line for line in md.splitlines() if line.startswith("| NENKG:")]
    assert len(rows) == len(EXPECTED_TSV)


def test_diff_of_a_release_with_itself_is_empty_and_output_is_atomic(published, tmp_path):
    out = tmp_path / "same.tsv"
    proc = nenkg("diff", str(published["old"]), str(published["old"]), "--format", "tsv", "-o", str(out))
    assert proc.returncode == 0 and proc.stdout == ""
    assert out.read_text(encoding="utf-8") == "change\tid\tlabel\tfield\told\tnew\n"
    assert "no changes" in proc.stderr
    missing = nenkg("diff", str(tmp_path / "nowhere"), str(published["old"]), "-o", str(tmp_path / "x.md"))
    assert missing.returncode == 2 and "no such file or folder" in one_error_line(missing)
    assert not (tmp_path / "x.md").exists()


# ---------------------------------------------------------------------------------------------
# obsolete


def test_obsolete_edits_only_the_terms_entry(published):
    before = published["before"]["digestive.yaml"]
    for name, a, b in EDITS:
        if name == "digestive.yaml":
            before = before.replace(a, b)
    after = (published["proj"] / "ontology/src/digestive.yaml").read_text(encoding="utf-8")
    old_entry = before[before.index("  - id: NENKG:0000215\n"):before.index("  # ==== oesophagus")]
    new_entry = after[after.index("  - id: NENKG:0000215\n"):after.index("  # ==== oesophagus")]
    assert before.replace(old_entry, new_entry) == after  # the rest of the file, comments included, as it was
    expected = old_entry.replace(
        "    label: colorectal neuroendocrine carcinoma\n",
        "    label: obsolete colorectal neuroendocrine carcinoma\n    deprecated: true\n    replaced_by: NENKG:0000102\n"
        "    obsolescence_reason: Merged into the digestive system class.\n    consider: [NCIT:C96156]\n").replace(
        "    xrefs:\n      exact: [NCIT:C96156]\n      dbxref: [ONCOTREE:HGNEC, ICDO:8246/3]\n"
        "    equivalent_to:\n      - NENKG:0000003 and has_location some (UBERON:0001155 or UBERON:0001052)\n", "")
    assert new_entry == expected
    out = published["obsolete"].stdout
    assert "removed equivalent_to: NENKG:0000003 and has_location some" in out
    assert "removed xrefs dbxref: ICDO:8246/3" in out and "kept as consider: NCIT:C96156" in out


def test_obsolete_term_in_the_release(published):
    g = Graph().parse(published["proj"] / "ontology/nenkg.ttl", format="turtle")
    t = URIRef("https://w3id.org/nenkg/NENKG_0000215")
    assert g.value(t, OWL.deprecated).toPython() is True
    assert str(g.value(t, RDFS.label)) == "obsolete colorectal neuroendocrine carcinoma"
    assert g.value(t, URIRef("http://purl.obolibrary.org/obo/IAO_0100001")) == URIRef("https://w3id.org/nenkg/NENKG_0000102")
    assert str(g.value(t, URIRef("http://purl.obolibrary.org/obo/IAO_0000231"))) == "Merged into the digestive system class."
    assert not list(g.objects(t, RDFS.subClassOf)) and not list(g.objects(t, OWL.equivalentClass))
    assert not list(g.subjects(RDFS.subClassOf, t))  # no class is classified under it any more
    sssom = (published["proj"] / "ontology/mappings/nenkg.sssom.tsv").read_text(encoding="utf-8")
    assert "NENKG:0000215\t" not in sssom


def test_check_passes_after_obsoletion(published):
    proc = nenkg("check", "--root", str(published["proj"]), "--format", "tsv")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "\t0 ERROR" not in proc.stderr and ": 0 ERROR," in proc.stderr


@pytest.fixture(scope="module")
def misused(published, tmp_path_factory):
    """`nenkg check --format tsv` of a copy of the released project whose sources still use the
    obsolete class in three axioms and one criterion, and have lost a term the release published."""
    proj = copy_project(tmp_path_factory.mktemp("misused") / "p")
    shutil.rmtree(proj / "ontology" / "src")
    shutil.copytree(published["proj"] / "ontology" / "src", proj / "ontology" / "src")
    shutil.copy(published["proj"] / "ontology" / "ids.tsv", proj / "ontology" / "ids.tsv")
    edit(proj / "ontology/src/clinical.yaml", NEW_TERM, "")  # released in NEW_VERSION, now deleted
    edit_criterion(proj / "ontology/src/criteria.yaml", "NENKG:0004101", "assigns", "NENKG:0002001", "NENKG:0000215")
    with open(proj / "ontology/src/clinical.yaml", "a", encoding="utf-8") as fh:
        fh.write("""
  - id: NENKG:0009991
    label: fixture child of an obsolete class
    definition: >-
      A class that exists only in the test fixture and still names an obsolete class as parent.
    definition_sources: [clinical_lenders2014]
    subclass_of: [NENKG:0000215]
  - id: NENKG:0009992
    label: fixture definition through an obsolete class
    definition: >-
      A class that exists only in the test fixture and uses an obsolete class in its definition.
    definition_sources: [clinical_lenders2014]
    equivalent_to: [NENKG:0000001 and NENKG:0000215]
  - id: NENKG:0009993
    label: fixture restriction on an obsolete class
    definition: >-
      A class that exists only in the test fixture and restricts a property to an obsolete class.
    definition_sources: [clinical_lenders2014]
    subclass_of: [NENKG:0000820 and has_location some NENKG:0000215]
""")
    return nenkg("check", "--root", str(proj), "--format", "tsv")


def test_check_rejects_an_obsolete_term_still_in_use(misused):
    assert misused.returncode == 1
    rows = [r.split("\t") for r in misused.stdout.splitlines()[1:]]
    uses = {(r[2], r[3], r[4]) for r in rows if r[1] == "deprecated_class_reference"}
    assert uses == {("NENKG:0000215", "rdfs:subClassOf", "NENKG:0009991"),
                    ("NENKG:0000215", "owl:equivalentClass", "NENKG:0009992"),
                    ("NENKG:0000215", "rdfs:subClassOf", "NENKG:0009993")}
    assert all(r[0] == "ERROR" for r in rows if r[1] == "deprecated_class_reference")
    # a criterion that assigns the obsolete class (a fact, not a logical axiom) is an error too
    facts = {(r[0], r[2], r[3], r[4]) for r in rows if r[1] == "nen-deprecated_term_in_fact"}
    assert facts == {("ERROR", "NENKG:0004101", "NENKG:0004028", "NENKG:0000215")}


def test_obsolete_refuses_bad_requests_and_writes_nothing(tmp_path):
    proj = copy_project(tmp_path / "p")
    src = proj / "ontology" / "src"
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    cases = [
        (("NENKG:0000215", "--replaced-by", "NENKG:0999999"), "replacement NENKG:0999999 is not declared"),
        (("NENKG:0000215", "--replaced-by", "NENKG:0000215"), "cannot replace itself"),
        (("NENKG:0000215", "--replaced-by", "NENKG:0004101"), "is a individual, NENKG:0000215 a class"),
        (("NENKG:0999999", "--replaced-by", "NENKG:0000102"), "is not a NENKG term of the sources"),
        (("UBERON:0001264", "--replaced-by", "NENKG:0000102"), "is not a NENKG term of the sources"),
    ]
    for args, message in cases:
        proc = nenkg("obsolete", *args, "--reason", "x", "--root", str(proj))
        assert proc.returncode == 2 and message in one_error_line(proc), proc.stderr
    assert {p: p.read_bytes() for p in src.rglob("*") if p.is_file()} == before


def test_obsolete_lists_the_uses_left_to_repoint(tmp_path):
    proj = copy_project(tmp_path / "p")
    proc = nenkg("obsolete", "NENKG:0000820", "--replaced-by", "NENKG:0000821", "--reason", "fixture", "--root", str(proj))
    assert proc.returncode == 0, proc.stderr
    uses = [line for line in proc.stderr.splitlines() if "still named here" in line]
    assert any("clinical.yaml" in u and "subclass_of: [NENKG:0000820]" in u for u in uses)
    assert all("NENKG:0000820" in u for u in uses)


# ---------------------------------------------------------------------------------------------
# released IDs


def test_every_id_of_the_committed_release_is_listed_with_its_kind():
    """ontology/ids.tsv holds every NENKG entity of the committed release, with the same kind;
    the sources still declare every listed ID with its kind (`nenkg check` says so too)."""
    from nenkg.check import load_release_file, source_graph
    from nenkg.ids import entity_kinds

    ids = read_ids(ROOT / "ontology/ids.tsv")
    release = entity_kinds(load_release_file(ROOT / "ontology/nenkg.owl"))
    assert {c: k for c, k in release.items() if c in ids} == {c: ids[c].kind for c in release if c in ids}
    assert set(ids) <= set(release)
    assert not id_findings(source_graph(ROOT), ids).findings


def test_an_id_that_disappears_or_changes_kind_is_an_error():
    g = Graph()
    a, b = URIRef("https://w3id.org/nenkg/NENKG_0000001"), URIRef("https://w3id.org/nenkg/NENKG_0000002")
    g.add((a, RDF.type, OWL.Class))
    g.add((b, RDF.type, OWL.NamedIndividual))
    g.add((b, RDFS.label, Literal("reused")))
    released = {"NENKG:0000001": Released("NENKG:0000001", "class", "2026-01-01", 4),
                "NENKG:0000002": Released("NENKG:0000002", "class", "2026-01-01", 5),
                "NENKG:0000003": Released("NENKG:0000003", "object property", "2026-01-01", 6)}
    found = {(f.check, f.entity, f.level) for f in id_findings(g, released, "ids.tsv").findings}
    assert found == {("nen-released_id_reused", "NENKG:0000002", "ERROR"),
                     ("nen-released_id_missing", "NENKG:0000003", "ERROR")}


def test_check_fails_when_a_released_term_is_deleted(misused):
    assert misused.returncode == 1
    assert f"ERROR\tnen-released_id_missing\t{FIXTURE_ID}\trdf:type\tclass released {NEW_VERSION}" in misused.stdout


def test_obsolete_class_is_no_root_of_the_browser_tree(published):
    import pyoxigraph as ox

    from nenkg.server.terms import TermIndex

    store = ox.Store()
    store.load(path=str(published["proj"] / "ontology/nenkg.nt"), format=ox.RdfFormat.N_TRIPLES)
    ix = TermIndex(store)
    obsolete = "https://w3id.org/nenkg/NENKG_0000215"
    assert obsolete in ix.own_classes() and obsolete not in ix.roots()
    assert "https://w3id.org/nenkg/NENKG_0000001" in ix.roots()


def test_diff_of_small_turtle_releases():
    """Two made-up releases (tests/fixtures/diff): an inferred edge that became asserted, a
    removed ID, a reused ID; a decimal written 3.0 or 3 is the same threshold; pipes escaped."""
    fixtures = ROOT / "tests" / "fixtures" / "diff"
    proc = nenkg("diff", str(fixtures / "old.ttl"), str(fixtures / "new.ttl"), "--format", "tsv")
    assert proc.returncode == 0, proc.stderr
    assert tsv_rows(proc.stdout) == [
        ("removed", "NENKG:9000004", "gone", "", "class", ""),
        ("retyped", "NENKG:9000005", "reused", "", "class", "individual"),
        ("asserted_parents", "NENKG:9000003", "grandchild", "", "", "NENKG:9000001 root | top"),
        ("inferred_parents", "NENKG:9000003", "grandchild", "", "NENKG:9000001 root | top", ""),
    ]
    md = nenkg("diff", str(fixtures / "old.ttl"), str(fixtures / "new.ttl")).stdout
    assert md.startswith("## Changes from NENKG 2001-01-01 to 2001-02-01\n\n1 removed, 1 retyped, 1 asserted parents, "
                         "1 inferred parents.\n")
    assert "| NENKG:9000003 | grandchild | NENKG:9000001 root \\| top |   |" in md
