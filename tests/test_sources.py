"""The source compiler reports every problem with file, line, term and reason."""

from __future__ import annotations

import textwrap

import pytest

from conftest import write_project
from nenkg.errors import SourceError, SourceErrors
from nenkg.sources import compile_graph, read_sources

GOOD = textwrap.dedent(
    """\
    terms:
      - id: NENKG:0000001
        label: tumour thing
        definition: A neoplasm that is a fixture.
        definition_sources: [rindi2018]
        subclass_of:
          - MONDO:0005070
          - expr: has_location some UBERON:0002048
            sources: [seed_cruk]
    """
)


def compile_project(root):
    ss = read_sources(root / "ontology" / "src")
    return compile_graph(ss, ontology_iri="https://w3id.org/nenkg/nenkg.owl", version_iri="https://w3id.org/nenkg/v/nenkg.owl")


def errors_of(root) -> list[SourceError]:
    with pytest.raises((SourceErrors, SourceError)) as info:
        compile_project(root)
    exc = info.value
    return exc.errors if isinstance(exc, SourceErrors) else [exc]


def test_good_fixture_compiles(tmp_path):
    g = compile_project(write_project(tmp_path, {"m.yaml": GOOD}))
    labels = {str(o) for o in g.objects(None, None) if str(o) == "tumour thing"}
    assert labels == {"tumour thing"}


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    bad = GOOD.replace("label: tumour thing", "label: [unclosed")
    errs = errors_of(write_project(tmp_path, {"m.yaml": bad}))
    assert len(errs) == 1
    assert errs[0].location.file.endswith("m.yaml")
    assert errs[0].location.line in (3, 4, 5)
    assert "YAML syntax error" in errs[0].reason


@pytest.mark.parametrize(
    "replace, expected, line",
    [
        ("has_location some", "has_locaton some", 7),
        ("UBERON:0002048", "FOO:0002048", 7),
        ("UBERON:0002048", "UBERON:0002049", 7),
        ("MONDO:0005070", "(MONDO:0005070", 6),
    ],
    ids=["undeclared-property", "unknown-prefix", "undeclared-class", "unbalanced-parenthesis"],
)
def test_bad_expression_is_located(tmp_path, replace, expected, line):
    errs = errors_of(write_project(tmp_path, {"m.yaml": GOOD.replace(replace, expected)}))
    assert len(errs) == 1, errs
    err = errs[0]
    assert err.location.file.endswith("m.yaml")
    assert err.location.term == "NENKG:0000001"
    assert err.location.line is not None and err.location.line >= 2


def test_unknown_key_and_unknown_source_are_both_reported(tmp_path):
    bad = GOOD.replace("definition_sources: [rindi2018]", "definiton_sources: [nowhere]")
    bad = bad.replace("sources: [seed_cruk]", "sources: [no_such_source]")
    errs = errors_of(write_project(tmp_path, {"m.yaml": bad}))
    reasons = " | ".join(e.reason for e in errs)
    assert "unknown key 'definiton_sources'" in reasons


def test_unknown_source_key(tmp_path):
    bad = GOOD.replace("sources: [seed_cruk]", "sources: [no_such_source]")
    errs = errors_of(write_project(tmp_path, {"m.yaml": bad}))
    assert [e.reason for e in errs] == ["unknown source key 'no_such_source'"]


def test_duplicate_id(tmp_path):
    dup = GOOD + "  - id: NENKG:0000001\n    label: again\n"
    errs = errors_of(write_project(tmp_path, {"m.yaml": dup}))
    assert any("defined twice" in e.reason and e.location.line == 10 for e in errs)


def test_malformed_xref_is_rejected(tmp_path):
    bad = GOOD + "    xrefs:\n      exact: [MONDO:123]\n      dbxref: [ICDO:8240-3]\n"
    errs = errors_of(write_project(tmp_path, {"m.yaml": bad}))
    assert sorted(e.reason.split("'")[1] for e in errs) == ["ICDO:8240-3", "MONDO:123"]


def test_deprecated_term_rules(tmp_path):
    bad = GOOD + "  - id: NENKG:0000002\n    label: old thing\n    deprecated: true\n    subclass_of: [MONDO:0005070]\n"
    reasons = {e.reason for e in errors_of(write_project(tmp_path, {"m.yaml": bad}))}
    assert reasons == {
        "a deprecated term's label starts with 'obsolete '",
        "a deprecated term carries no logical axioms",
    }


def test_same_sources_give_same_triples(tmp_path):
    root = write_project(tmp_path, {"m.yaml": GOOD})
    a, b = compile_project(root), compile_project(root)
    assert set(a) == set(b)


FACTS = GOOD + textwrap.indent(textwrap.dedent(
    """\
      - extend: NENKG:0000001
        facts:
          common_primary_site:
            - {value: UBERON:0002048, sources: [seed_cruk]}
            - MONDO:0005070
    """
), "  ")


def test_a_fact_can_carry_its_own_sources(tmp_path):
    from rdflib import OWL, RDF, URIRef

    g = compile_project(write_project(tmp_path, {"m.yaml": FACTS}))
    nen, prop = URIRef("https://w3id.org/nenkg/NENKG_0000001"), URIRef("https://w3id.org/nenkg/NENKG_0003016")
    lung = URIRef("http://purl.obolibrary.org/obo/UBERON_0002048")
    assert set(g.objects(nen, prop)) == {lung, URIRef("http://purl.obolibrary.org/obo/MONDO_0005070")}
    axioms = [ax for ax in g.subjects(RDF.type, OWL.Axiom) if (ax, OWL.annotatedProperty, prop) in g]
    assert len(axioms) == 1 and (axioms[0], OWL.annotatedTarget, lung) in g
    assert {str(s) for s in g.objects(axioms[0], URIRef("http://purl.org/dc/terms/source"))} == {
        "https://www.cancerresearchuk.org/about-cancer/neuroendocrine-tumours-nets"}


def test_a_sourced_fact_with_a_stray_key_is_located(tmp_path):
    bad = FACTS.replace("{value: UBERON:0002048, sources: [seed_cruk]}", "{value: UBERON:0002048, source: [seed_cruk]}")
    errs = errors_of(write_project(tmp_path, {"m.yaml": bad}))
    assert [e.reason for e in errs] == ["fact 'common_primary_site': a sourced fact is {value: ..., sources: [...]}; got 'source'"]
    assert errs[0].location.line == 13
ANNOTATED = GOOD.replace(
    "        sources: [seed_cruk]\n",
    "        sources: [seed_cruk]\n"
    "        comment: a note\n"
    "        annotations:\n"
    "          setting: [NENKG:0000900, NENKG:0000901]\n"
    "          level: 2\n",
) + (
    "  - {id: NENKG:0000003, type: annotation_property, label: setting, alias: setting, value_type: iri}\n"
    "  - {id: NENKG:0000004, type: annotation_property, label: level, alias: level, value_type: integer}\n"
    "  - {id: NENKG:0000900, type: individual, label: first setting}\n"
    "  - {id: NENKG:0000901, type: individual, label: second setting}\n"
)


def test_axiom_annotations_are_written_on_the_axiom(tmp_path):
    """`annotations:` on a subclass_of item: typed values on the owl:Axiom beside its sources."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import OWL, RDFS, XSD

    g = compile_project(write_project(tmp_path, {"m.yaml": ANNOTATED}))
    base = "https://w3id.org/nenkg/NENKG_"
    axioms = [ax for ax in g.subjects(OWL.annotatedSource, URIRef(base + "0000001"))
              if (ax, URIRef(base + "0000003"), None) in g]
    assert len(axioms) == 1
    ax = axioms[0]
    target = g.value(ax, OWL.annotatedTarget)
    assert g.value(target, OWL.onProperty) is not None  # the restriction, not the named superclass
    assert set(g.objects(ax, URIRef(base + "0000003"))) == {URIRef(base + "0000900"), URIRef(base + "0000901")}
    assert set(g.objects(ax, URIRef(base + "0000004"))) == {Literal(2, datatype=XSD.integer)}
    assert {str(o) for o in g.objects(ax, RDFS.comment)} == {"a note"}
    assert len(set(g.objects(ax, URIRef("http://purl.org/dc/terms/source")))) == 1


@pytest.mark.parametrize(
    "replace, expected, reason, line",
    [
        ("setting: [NENKG:0000900, NENKG:0000901]", "nosuch: [NENKG:0000900]",
         "axiom annotation 'nosuch' is not a declared annotation property", 12),
        ("level: 2", "level: two", "axiom annotation 'level': expected an integer, got 'two'", 13),
        ("setting: [NENKG:0000900, NENKG:0000901]", "setting: [NENKG:0000999]",
         "axiom annotation 'setting': NENKG:0000999 is not declared", 12),
    ],
    ids=["undeclared-property", "wrong-type", "undeclared-value"],
)
def test_bad_axiom_annotation_is_located(tmp_path, replace, expected, reason, line):
    """Each fault of an axiom annotation is reported at the line of its key."""
    errs = errors_of(write_project(tmp_path, {"m.yaml": ANNOTATED.replace(replace, expected)}))
    assert [e.reason for e in errs] == [reason]
    assert errs[0].location.file.endswith("m.yaml") and errs[0].location.term == "NENKG:0000001"
    assert errs[0].location.line == line
