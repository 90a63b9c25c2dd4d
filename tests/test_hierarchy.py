"""The meaning of the ontology: the hierarchy HermiT infers, checked against expectations
written from the WHO classification, and disjointness proved by the reasoner itself."""

from __future__ import annotations


import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, RDFS

from nenkg import namespaces as ns

N = {
    "NEN": "0000001", "NET": "0000002", "NEC": "0000003", "NET G1": "0000004", "NET G2": "0000005",
    "NET G3": "0000006", "small cell NEC": "0000007", "large cell NEC": "0000008", "MiNEN": "0000009",
    "carcinoid": "0000010", "functioning NEN": "0000020", "non-functioning NEN": "0000021",
    "digestive NEN": "0000100", "digestive NET": "0000101", "pancreatic NEN": "0000110",
    "pancreatic NET": "0000111", "functioning pNET": "0000112", "non-functioning pNET": "0000113",
    "insulinoma": "0000114", "gastrinoma": "0000115", "pancreatic gastrinoma": "0000116",
    "duodenal gastrinoma": "0000117", "glucagonoma": "0000118", "VIPoma": "0000119", "pancreatic VIPoma": "0000126",
    "somatostatinoma": "0000120", "pancreatic somatostatinoma": "0000121",
    "duodenal somatostatin NET": "0000122", "ACTH pNET": "0000123", "serotonin pNET": "0000124",
    "pancreatic NEC": "0000125", "gastric NEN": "0000140", "gastric NET": "0000141",
    "gastric NET type 1": "0000142", "duodenal NET": "0000161", "small intestine NET": "0000171",
    "jejunal NET": "0000172", "ileal NET": "0000173", "appendiceal NET": "0000181",
    "rectal NET": "0000201", "lung NEN": "0000300", "lung NET": "0000301",
    "typical carcinoid": "0000302", "atypical carcinoid": "0000303", "lung LCNEC": "0000305",
    "SCLC": "0000306", "MCC": "0000340", "paraganglioma": "0000350", "pheochromocytoma": "0000351",
    "MTC": "0000370", "adrenal cancer": "0000380", "adrenocortical carcinoma": "0000381",
    "hormone syndrome": "0000500", "carcinoid syndrome": "0000501", "ZES": "0000504",
    "hereditary syndrome": "0000700", "MEN2": "0000702", "MEN2A": "0000703",
}

SUBSUMED = [
    ("insulinoma", "functioning pNET"), ("functioning pNET", "pancreatic NET"),
    ("pancreatic NET", "NET"), ("NET", "NEN"), ("insulinoma", "functioning NEN"),
    ("pancreatic NET", "pancreatic NEN"), ("pancreatic NEN", "digestive NEN"),
    ("pancreatic NET", "digestive NET"), ("typical carcinoid", "lung NET"),
    ("typical carcinoid", "NET G1"), ("typical carcinoid", "carcinoid"),
    ("atypical carcinoid", "NET G2"), ("atypical carcinoid", "lung NET"), ("NET G1", "carcinoid"),
    ("MCC", "NEC"), ("pheochromocytoma", "paraganglioma"), ("paraganglioma", "NEN"),
    ("SCLC", "small cell NEC"), ("SCLC", "lung NEN"), ("lung LCNEC", "large cell NEC"),
    ("ileal NET", "small intestine NET"), ("jejunal NET", "small intestine NET"),
    ("small intestine NET", "digestive NET"), ("duodenal gastrinoma", "gastrinoma"),
    ("duodenal gastrinoma", "duodenal NET"), ("pancreatic gastrinoma", "functioning pNET"),
    ("pancreatic gastrinoma", "gastrinoma"), ("glucagonoma", "functioning pNET"),
    ("pancreatic VIPoma", "functioning pNET"), ("pancreatic VIPoma", "VIPoma"), ("VIPoma", "functioning NEN"), ("pancreatic somatostatinoma", "somatostatinoma"),
    ("ACTH pNET", "functioning pNET"), ("serotonin pNET", "functioning pNET"),
    ("gastric NET type 1", "gastric NET"), ("gastric NET", "gastric NEN"),
    ("pancreatic NEC", "NEC"), ("pancreatic NEC", "pancreatic NEN"), ("NET G3", "NET"),
    ("rectal NET", "NET"), ("appendiceal NET", "digestive NET"),
    ("non-functioning pNET", "non-functioning NEN"), ("adrenocortical carcinoma", "adrenal cancer"),
    ("MTC", "NEN"), ("MEN2A", "MEN2"), ("MEN2", "hereditary syndrome"),
    ("carcinoid syndrome", "hormone syndrome"), ("ZES", "hormone syndrome"),
    ("gastrinoma", "functioning NEN"), ("duodenal NET", "small intestine NET"),
]

NOT_SUBSUMED = [
    ("adrenocortical carcinoma", "NEN"), ("adrenal cancer", "NEN"), ("NET G3", "NEC"),
    ("NET G3", "carcinoid"), ("paraganglioma", "pheochromocytoma"), ("MCC", "NET"),
    ("duodenal somatostatin NET", "functioning NEN"), ("carcinoid", "NEC"),
    ("paraganglioma", "NET"), ("paraganglioma", "NEC"), ("MTC", "NEC"), ("SCLC", "NET"),
    ("MiNEN", "NET"), ("MiNEN", "NEC"), ("non-functioning pNET", "functioning pNET"),
    ("gastrinoma", "pancreatic NET"), ("NEN", "NET"), ("lung NET", "digestive NEN"),
]




def iri(name: str) -> URIRef:
    return URIRef(ns.expand("NENKG:" + N[name]))


def test_at_least_30_and_10_expectations():
    assert len(SUBSUMED) >= 30 and len(NOT_SUBSUMED) >= 10


def test_expected_classes_exist_with_labels(release_graph):
    missing = [name for name in N if release_graph.value(iri(name), RDFS.label) is None]
    assert not missing


@pytest.mark.parametrize("sub, sup", SUBSUMED, ids=[f"{a} < {b}" for a, b in SUBSUMED])
def test_subsumption(ancestors, sub, sup):
    assert iri(sup) in ancestors(iri(sub))


@pytest.mark.parametrize("sub, sup", NOT_SUBSUMED, ids=[f"{a} !< {b}" for a, b in NOT_SUBSUMED])
def test_non_subsumption(ancestors, sub, sup):
    assert iri(sup) not in ancestors(iri(sub))


def test_inferred_edges_come_from_the_reasoner(release_graph):
    """Key edges are not asserted in the sources: HermiT must have found them."""
    inferred = set()
    for ax in release_graph.subjects(ns.OBOINOWL.is_inferred, None):
        inferred.add((release_graph.value(ax, OWL.annotatedSource), release_graph.value(ax, OWL.annotatedTarget)))
    for sub, sup in [("insulinoma", "functioning pNET"), ("ileal NET", "small intestine NET"),
                     ("typical carcinoid", "NET G1"), ("SCLC", "small cell NEC")]:
        assert (iri(sub), iri(sup)) in inferred, (sub, sup)


PROBES = [
    ("NET", "NEC", True), ("functioning pNET", "non-functioning pNET", True), ("NET G1", "NET G3", True),
    ("adrenocortical carcinoma", "NEN", True), ("MiNEN", "NET", True),
    # controls: compatible pairs stay satisfiable, so the probe can tell the difference
    ("NET G3", "pancreatic NEN", False), ("gastrinoma", "duodenal NET", False),
]


@pytest.fixture(scope="module")
def unsatisfiable_probes(built):
    """HermiT on the release plus one probe class under each pair; one reasoner run for all."""
    import owlready2

    world = owlready2.World()
    world.get_ontology((built / "ontology" / "nenkg.owl").as_uri()).load()
    probe_onto = world.get_ontology("https://w3id.org/nenkg/test-probe.owl")
    names = {}
    with probe_onto:
        for i, (a, b, _) in enumerate(PROBES):
            probe = owlready2.types.new_class(f"Probe{i}", (world[str(iri(a))], world[str(iri(b))]))
            names[probe.iri] = (a, b)
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    unsat = {names[c.iri] for c in world.inconsistent_classes() if c.iri in names}
    world.close()
    return unsat


@pytest.mark.parametrize("a, b, disjoint", PROBES, ids=[f"{a} & {b}" for a, b, _ in PROBES])
def test_disjointness_by_reasoning(unsatisfiable_probes, a, b, disjoint):
    """A class under both a and b is unsatisfiable exactly when a and b are disjoint."""
    assert ((a, b) in unsatisfiable_probes) is disjoint
