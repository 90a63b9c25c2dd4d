"""Files derived from the sources are what the sources give today: the Python vocabulary of
NENKG terms and the record shapes (regenerate both with `python -m nenkg.vocabgen`)."""

from __future__ import annotations

import pytest

from conftest import ROOT
from nenkg import vocab, vocabgen
from nenkg.contract import Contract
from nenkg.recordshapes import render


def test_vocab_module_equals_the_sources_aliases():
    assert vocabgen.TARGET.read_text(encoding="utf-8") == vocabgen.render(ROOT / "ontology" / "src"), \
        "src/nenkg/vocab.py is stale: run python -m nenkg.vocabgen"


def test_unknown_vocabulary_names_fail_loudly():
    assert str(vocab.NENKG.tumour_record).endswith("NENKG_0004005")
    with pytest.raises(AttributeError):
        vocab.NENKG.tumor_record  # noqa: B018 - a misspelt alias must not pass silently


def test_record_shapes_equal_the_contract(release_graph):
    text = (ROOT / "shapes" / "records" / "tumour-record.ttl").read_text(encoding="utf-8")
    assert text == render(Contract(release_graph), release_graph), \
        "shapes/records/tumour-record.ttl is stale: run python -m nenkg.vocabgen"


def test_no_nenkg_identifier_is_spelt_in_the_record_modules():
    """The record path names terms through the vocabulary, never by a seven-digit ID."""
    import re

    for name in ("records.py", "intake.py", "contract.py", "fastpath.py", "recordgraph.py", "recordshapes.py",
                 "cli/classify.py", "grading.py", "morphology.py", "cli/fields.py"):
        text = (ROOT / "src" / "nenkg" / name).read_text(encoding="utf-8")
        assert not re.search(r"[\"']0{3}[0-9]{4}[\"']|NENKG_[0-9]{7}|\+ *[\"']0[0-9]{6}", text), name
