"""MONDO coverage: every current class of MONDO's NEN subtree is accounted for in the committed
``ontology/mappings/nenkg.sssom.tsv``, either mapped by a NENKG class or declined as
``sssom:NoTermFound`` with a reason (``ontology/src/mappings/no-term-found.tsv``).

The subtree is computed from the complete MONDO release of the test extras
(cellxgene-ontology-guide), loaded once per session; nothing here builds the release.
"""

from __future__ import annotations

import pytest

from conftest import REPORT_LINES, ROOT
from ontology_data import cellxgene
from nenkg.coverage import (NEN_ROOTS, NO_TERM_FOUND, REASONS, coverage, nen_subtree, read_no_term_found,
                            read_sssom)
from nenkg.errors import SourceErrors
from nenkg.release import NO_TERM_FOUND_FILE

SSSOM = ROOT / "ontology" / "mappings" / "nenkg.sssom.tsv"
SOURCE = ROOT / "ontology" / "src" / NO_TERM_FOUND_FILE
MIN_PERCENT = 95.0


@pytest.fixture(scope="module")
def mondo():
    return cellxgene("MONDO")


@pytest.fixture(scope="module")
def rows():
    return read_sssom(SSSOM)


def test_the_roots_are_current_mondo_classes(mondo):
    version, terms = mondo
    for curie, label in NEN_ROOTS.items():
        assert curie in terms and not terms[curie].deprecated, (curie, version)
        assert terms[curie].label == label, (curie, terms[curie].label, version)


def test_mondo_nen_subtree_is_accounted_for(mondo, rows):
    version, terms = mondo
    subtree = nen_subtree(terms)
    assert len(subtree) > 100, f"implausibly small NEN subtree in {version}"
    cov = coverage(subtree, rows)
    print(f"\n{cov.summary()} ({version})")
    REPORT_LINES.append(f"{cov.summary()} ({version})")
    if cov.percent < MIN_PERCENT:
        missing = "\n".join(f"  {c} {terms[c].label}" for c in cov.unaccounted)
        pytest.fail(f"{cov.summary()}: below {MIN_PERCENT} %. Map these {len(cov.unaccounted)} in a NENKG "
                    f"term's xrefs, or decline them in {SOURCE.relative_to(ROOT)} with a reason:\n{missing}",
                    pytrace=False)


def test_no_term_found_rows_name_current_mondo_classes(mondo, rows):
    version, terms = mondo
    declined = [r for r in rows if r["subject_id"] == NO_TERM_FOUND]
    assert declined, "the SSSOM file has no sssom:NoTermFound rows"
    bad = [f"{r['object_id']} {r['object_label']!r}" for r in declined
           if r["object_id"] not in terms or terms[r["object_id"]].deprecated
           or terms[r["object_id"]].label != r["object_label"]]
    assert not bad, f"unknown, obsolete or mislabelled in MONDO {version}: {bad}"
    assert all(r["comment"].split(":", 1)[0] in REASONS for r in declined)


def test_the_release_mirrors_the_no_term_found_source(rows):
    """The committed SSSOM file holds exactly the source rows (rebuild after editing the source)."""
    source = {(d.mondo_id, d.mondo_label, d.sssom_comment) for d in read_no_term_found(SOURCE)}
    released = {(r["object_id"], r["object_label"], r["comment"]) for r in rows if r["subject_id"] == NO_TERM_FOUND}
    assert released == source, "run `nenkg build` and commit ontology/mappings/nenkg.sssom.tsv"


def test_a_declined_class_is_never_also_mapped(rows):
    declined = {r["object_id"] for r in rows if r["subject_id"] == NO_TERM_FOUND}
    both = {r["object_id"] for r in rows if r["subject_id"] != NO_TERM_FOUND} & declined
    assert not both


BAD_SOURCE = (
    "# comment\n"
    "mondo_id\tmondo_label\treason\tcomment\n"
    "MONDO:0006104\tbenign carotid body paraganglioma\tbenign-malignant-split\tno benign PPGL\n"
    "DOID:1\tx\tnon-human\twhy\n"
    "MONDO:0006104\tbenign carotid body paraganglioma\tbenign-malignant-split\ttwice\n"
    "MONDO:0000001\tdisease\tbecause\twhy\n"
    "MONDO:0000002\tonly three\tnon-human\n"
)


def test_the_source_is_checked_with_file_and_line(tmp_path):
    path = tmp_path / "no-term-found.tsv"
    path.write_text(BAD_SOURCE, encoding="utf-8")
    with pytest.raises(SourceErrors) as exc:
        read_no_term_found(path)
    text = str(exc.value)
    assert f"{path}:4 [DOID:1]: 'DOID:1' is not a MONDO CURIE" in text
    assert f"{path}:5 [MONDO:0006104]: MONDO:0006104 is listed twice (first at line 3)" in text
    assert f"{path}:6 [MONDO:0000001]: unknown reason 'because'" in text
    assert f"{path}:7: expected 4 tab-separated columns, got 3" in text


def test_the_build_refuses_a_class_both_declined_and_mapped(tmp_path):
    from conftest import copy_project
    from nenkg.release import read_declined
    from nenkg.sources import read_sources

    root = copy_project(tmp_path)
    src = root / "ontology" / "src"
    with open(src / NO_TERM_FOUND_FILE, "a", encoding="utf-8") as fh:
        fh.write("MONDO:0019496\tneuroendocrine neoplasm\tout-of-who-scope\ta contradiction\n")
    with pytest.raises(SourceErrors) as exc:
        read_declined(read_sources(src))
    assert "MONDO:0019496 is listed as NoTermFound but NENKG:0000001" in str(exc.value)
    assert f"{NO_TERM_FOUND_FILE.name}:" in str(exc.value)
