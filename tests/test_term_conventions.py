"""Term-level conventions of every NENKG class (OBO principles; CONVENTIONS.md section 4)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS

from nenkg import namespaces as ns

NENKG = ns.ENTITY_PREFIXES["NENKG"]
SYNONYMS = (ns.OBOINOWL.hasExactSynonym, ns.OBOINOWL.hasRelatedSynonym, ns.OBOINOWL.hasNarrowSynonym,
            ns.OBOINOWL.hasBroadSynonym)


@pytest.fixture(scope="module")
def own_classes(release_graph):
    return sorted(s for s in release_graph.subjects(RDF.type, OWL.Class) if str(s).startswith(NENKG))


def test_ontology_has_a_real_size(own_classes):
    assert len(own_classes) >= 150


def test_one_english_label_each_and_unique(release_graph, own_classes):
    problems = []
    seen = defaultdict(list)
    for c in own_classes:
        labels = list(release_graph.objects(c, RDFS.label))
        if len(labels) != 1 or labels[0].language != "en":
            problems.append((c, labels))
            continue
        text = str(labels[0])
        seen[text.lower()].append(c)
        if text != text.strip() or "  " in text:
            problems.append((c, "whitespace"))
    dupes = {k: v for k, v in seen.items() if len(v) > 1}
    assert not problems and not dupes, (problems, dupes)


def test_one_sourced_definition_each(release_graph, own_classes):
    problems = []
    for c in own_classes:
        defs = list(release_graph.objects(c, ns.IAO_DEFINITION))
        if len(defs) != 1:
            problems.append((c, "definitions", len(defs)))
            continue
        q = """ASK { ?ax owl:annotatedSource ?c ; owl:annotatedProperty obo:IAO_0000115 ;
                        owl:annotatedTarget ?d ; oboInOwl:hasDbXref ?x ; dcterms:source ?s }"""
        ok = release_graph.query(q, initNs={"owl": OWL, "obo": ns.OBO_NS, "oboInOwl": ns.OBOINOWL, "dcterms": ns.DCTERMS},
                                 initBindings={"c": c, "d": defs[0]}).askAnswer
        if not ok:
            problems.append((c, "definition without source"))
        if not re.match(r"^(A|An) ", str(defs[0])):
            problems.append((c, "definition is not genus-differentia ('A ... that ...')", str(defs[0])[:60]))
    assert not problems, problems


def test_definitions_are_unique(release_graph, own_classes):
    defs = Counter(str(d) for c in own_classes for d in release_graph.objects(c, ns.IAO_DEFINITION))
    assert [d for d, n in defs.items() if n > 1] == []


def test_synonyms_differ_from_label_and_abbreviations_are_typed(release_graph, own_classes):
    problems = []
    for c in own_classes:
        label = str(release_graph.value(c, RDFS.label)).lower()
        for p in SYNONYMS:
            for syn in release_graph.objects(c, p):
                if str(syn).lower() == label:
                    problems.append((c, "synonym equals label", str(syn)))
    assert not problems, problems
    typed = set(release_graph.subjects(ns.OBOINOWL.hasSynonymType, URIRef(ns.OMO_ABBREVIATION)))
    assert typed, "abbreviation synonyms carry OMO:0003000"


def test_every_own_class_has_a_named_parent(release_graph, own_classes):
    orphans = [c for c in own_classes
               if not any(isinstance(o, URIRef) for o in release_graph.objects(c, RDFS.subClassOf))]
    assert orphans == []


def test_external_terms_used_in_axioms_are_declared_with_a_label(release_graph):
    used = set()
    for p in (OWL.someValuesFrom, OWL.allValuesFrom, RDFS.subClassOf, OWL.onProperty):
        for o in release_graph.objects(None, p):
            if isinstance(o, URIRef) and not str(o).startswith(str(OWL)):
                used.add(o)
    unlabelled = [u for u in used if release_graph.value(u, RDFS.label) is None]
    assert unlabelled == []


def test_labels_follow_case_convention(release_graph, own_classes):
    """Lower case first letter unless a proper noun or fixed token starts the label."""
    allowed = re.compile(r"^(Merkel|Bartholin|Zollinger|WDHA|WHO|VIPoma|ACTH|MEN|NF1|SDH|TSC|Whipple|C-|B-|G1|Ki-67|CT|MRI|PET|FDG|177Lu|Verner|[A-Z][A-Z0-9]+-related |TNM |[TNM][0-9][a-c]?(\(sn\))?$|Tis$|[TNM] category$)")
    bad = []
    for c in own_classes:
        label = str(release_graph.value(c, RDFS.label))
        if label[:1].isupper() and not allowed.match(label):
            bad.append(label)
    assert bad == []
