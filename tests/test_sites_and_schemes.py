"""Records at every site of the pattern tables are classified by the site's UBERON label into the
generated class, and graded only by the WHO scheme of their site (criteria.yaml)."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import RDFS

from conftest import ROOT, classify_fields
from nenkg import namespaces as ns
from nenkg.patterns import read_sites, read_tsv

PATTERNS = ROOT / "ontology" / "src" / "patterns"
SITES, _ = read_sites(PATTERNS / "sites.tsv")

# pattern table -> (differentiation, cytology) a record of that family states
FAMILIES = {
    "neuroendocrine_tumour_by_site.tsv": ("well", ""),
    "neuroendocrine_carcinoma_by_site.tsv": ("poor", ""),
    "small_cell_neuroendocrine_carcinoma_by_site.tsv": ("poor", "small cell"),
    "large_cell_neuroendocrine_carcinoma_by_site.tsv": ("poor", "large cell"),
}


def pattern_rows():
    for table, (diff, cytology) in FAMILIES.items():
        _, rows = read_tsv(PATTERNS / table)
        for line, row in rows:
            if row["site"].startswith("UBERON:"):
                yield pytest.param(row["id"], row["site"], diff, cytology, id=f"{table.split('_by_')[0]}:{row['site']}")


classify = classify_fields


@pytest.mark.parametrize("cls, site, diff, cytology", list(pattern_rows()))
def test_a_record_naming_the_site_by_its_uberon_label_gets_the_site_class(knowledge, release_graph, cls, site, diff, cytology):
    label = str(release_graph.value(URIRef(ns.expand(site)), RDFS.label))
    out = classify(knowledge, primary_site=label, differentiation=diff, cytology=cytology,
                   ki67_percent="1", mitoses_per_2mm2="1", necrosis="none")
    expected = URIRef(ns.expand(cls))
    got = URIRef(out.class_iri)
    # the class itself, or one below it (a graded or cell-type class of the same site)
    assert expected in set(release_graph.transitive_objects(got, RDFS.subClassOf)), (label, out.category)


# site label, differentiation, ki67, mitoses, necrosis -> category, grade, a fragment of reason or warnings
SCHEME_CASES = [
    # head and neck (WHO 2022): G1 < 2 mitoses, no necrosis; G2 2-10 or necrosis; G3 > 10 or Ki-67 > 20
    ("larynx", "well", "5", "1", "none", "laryngeal neuroendocrine tumour G1", "G1", "NENKG:0004183"),
    ("larynx", "well", "5", "2", "none", "laryngeal neuroendocrine tumour G2", "G2", "NENKG:0004181"),
    ("larynx", "well", "5", "1", "punctate", "laryngeal neuroendocrine tumour G2", "G2", "NENKG:0004184"),
    ("larynx", "well", "5", "10", "none", "laryngeal neuroendocrine tumour G2", "G2", "NENKG:0004181"),
    ("larynx", "well", "5", "11", "none", "laryngeal neuroendocrine tumour G3", "G3", "NENKG:0004182"),
    ("larynx", "well", "20", "1", "none", "laryngeal neuroendocrine tumour G1", "G1", "NENKG:0004180"),
    ("larynx", "well", "20.5", "1", "none", "laryngeal neuroendocrine tumour G3", "G3", "NENKG:0004185"),
    # a Ki-67 of 5 would be G2 by the digestive scheme: the head and neck scheme is used
    ("saliva-secreting gland", "well", "5", "1", "none", "neuroendocrine tumour G1", "G1", "NENKG:0004180"),
    # IMTCGS: high if mitoses >= 5, Ki-67 >= 5 % or necrosis; low needs all three low
    ("thyroid gland", "", "4.9", "4", "none", "low-grade medullary thyroid carcinoma", "low", "NENKG:0004190"),
    ("thyroid gland", "", "5", "", "", "high-grade medullary thyroid carcinoma", "high", "NENKG:0004189"),
    ("thyroid gland", "", "1", "5", "none", "high-grade medullary thyroid carcinoma", "high", "NENKG:0004187"),
    ("thyroid gland", "", "1", "1", "punctate", "high-grade medullary thyroid carcinoma", "high", "NENKG:0004191"),
    ("thyroid gland", "", "1", "1", "", "medullary thyroid carcinoma", "", "necrosis missing"),
    ("thyroid gland", "", "", "", "", "medullary thyroid carcinoma", "", "not graded: none of"),
    # schemes these fields cannot compute, or no WHO grade: said in the reason, never a grade
    ("breast", "well", "30", "25", "none", "breast neuroendocrine tumour", "", "Nottingham"),
    ("pituitary gland", "well", "30", "25", "none", "pituitary neuroendocrine tumour", "", "NENKG:0004176"),
    ("middle ear", "well", "30", "25", "none", "middle ear neuroendocrine tumour", "", "NENKG:0004178"),
    ("cauda equina", "well", "30", "25", "none", "cauda equina neuroendocrine tumour", "", "NENKG:0004178"),
    ("adrenal medulla", "", "30", "25", "none", "pheochromocytoma", "", "NENKG:0004175"),
    ("carotid body", "", "", "", "", "carotid body paraganglioma", "", "NENKG:0004175"),
    # no WHO thresholds in these fields at the site: no grade and a warning
    ("uterine cervix", "well", "30", "25", "none", "cervical neuroendocrine tumour", "", "no WHO grading criteria"),
    ("kidney", "well", "1", "1", "none", "renal neuroendocrine tumour", "", "no WHO grading criteria"),
    # a bronchial carcinoid is a lung carcinoid (WHO 2021; audit X3); the caecum counts with the colon
    ("bronchus", "well", "", "1", "none", "lung typical carcinoid", "G1", "NENKG:0004113"),
    # the digestive scheme still grades the new digestive sites
    ("caecum", "well", "1", "1", "", "caecal neuroendocrine tumour G1", "G1", "NENKG:0004101"),
    ("anal canal", "well", "25", "1", "", "anal canal neuroendocrine tumour", "G3", "NENKG:0004103"),
    ("gallbladder", "well", "5", "1", "", "gallbladder neuroendocrine tumour", "G2", "NENKG:0004102"),
]


@pytest.mark.parametrize("site, diff, ki67, mitoses, necrosis, category, grade, fragment", SCHEME_CASES,
                         ids=[f"{c[0]}-{c[2]}-{c[3]}-{c[4]}" for c in SCHEME_CASES])
def test_each_site_is_graded_by_its_own_scheme(knowledge, site, diff, ki67, mitoses, necrosis, category, grade, fragment):
    out = classify(knowledge, primary_site=site, differentiation=diff, ki67_percent=ki67,
                   mitoses_per_2mm2=mitoses, necrosis=necrosis)
    assert (out.category, out.grade) == (category, grade)
    assert fragment in "; ".join(out.reason + out.warnings)


def test_every_grading_criterion_belongs_to_a_scheme_of_its_sites(knowledge):
    schemes = {s.iri: s for s in knowledge.schemes}
    grading = [c for c in knowledge.criteria if c.kind == URIRef(ns.expand("NENKG:0004001"))]
    assert grading
    for c in grading:
        assert c.scheme in schemes, f"{c.curie} names no grading scheme"
        assert c.sites <= schemes[c.scheme].sites, f"{c.curie} grades sites outside its scheme"
        assert schemes[c.scheme].computable


def test_schemes_that_grade_nothing_say_why(knowledge):
    for s in knowledge.schemes:
        if not s.computable:
            assert s.message and "not graded" in s.message
