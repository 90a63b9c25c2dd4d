"""The WHO 5th-edition entity table of ``ontology/README.md`` holds in the freshly built release:
every row names a class with that label, below the stated class (inferred hierarchy), with the
stated ICD-O-3 codes (its own, or, if none, those of its nearest ancestors that have any); a row
without a class says why."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from conftest import ROOT
from nenkg import namespaces as ns

ICDO = re.compile(r"^\d{4}/\d$")


def who_rows() -> list[dict[str, str]]:
    text = (ROOT / "ontology" / "README.md").read_text(encoding="utf-8")
    start = text.index("| WHO entity | WHO book | NENKG class | label | is a | ICD-O-3 |")
    rows = []
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append(dict(zip(("entity", "book", "class", "label", "is_a", "icdo"), cells)))
    return rows


ROWS = who_rows()


def codes(g: Graph, c: URIRef) -> set[str]:
    return {str(o)[5:] for o in g.objects(c, ns.OBOINOWL.hasDbXref) if str(o).startswith("ICDO:")}


def nearest_codes(g: Graph, c: URIRef) -> set[str]:
    """ICD-O codes of the class, or of its nearest ancestors that have any (breadth first)."""
    frontier, seen = [c], {c}
    while frontier:
        found = set().union(*(codes(g, f) for f in frontier))
        if found:
            return found
        frontier = [p for f in frontier for p in g.objects(f, RDFS.subClassOf)
                    if isinstance(p, URIRef) and p not in seen and not seen.add(p)]
    return set()


def test_the_table_covers_the_who_volumes():
    books = {r["book"] for r in ROWS}
    for volume in ("Digestive 2019", "Thoracic 2021", "Endocrine 2022", "Head and neck 2022",
                   "Urinary and male genital 2022", "Female genital 2020", "Breast 2019", "CNS 2021"):
        assert volume in books, f"no WHO entity of {volume} in the table"
    assert len(ROWS) >= 150
    modelled = [r for r in ROWS if r["class"] != "–"]
    print(f"\nWHO 5th-edition entity table: {len(ROWS)} rows, {len(modelled)} with a NENKG class")
    assert len({r["class"] for r in modelled}) == len(modelled), "a class is listed twice"


@pytest.mark.parametrize("row", ROWS, ids=[r["entity"] for r in ROWS])
def test_each_row_resolves(release_graph, row):
    g = release_graph
    if row["class"] == "–":
        assert len(row["label"]) > 20, "a row without a class says why"
        return
    c = URIRef(ns.expand(row["class"]))
    assert str(g.value(c, RDFS.label)) == row["label"]
    parent_curie, _, parent_label = row["is_a"].partition(" ")
    parent = URIRef(ns.expand(parent_curie))
    assert str(g.value(parent, RDFS.label)) == parent_label
    assert parent in set(g.transitive_objects(c, RDFS.subClassOf)) - {c}, f"{row['class']} is not below {parent_curie}"
    stated = set(row["icdo"].split()) - {"–"}
    assert all(ICDO.match(x) for x in stated)
    assert nearest_codes(g, c) == stated


def test_not_nens_are_disjoint_from_nen(release_graph):
    from rdflib.namespace import OWL

    nen = URIRef(ns.expand("NENKG:0000001"))
    for row in ROWS:
        if "(not a NEN)" in row["entity"]:
            c = URIRef(ns.expand(row["class"]))
            assert nen not in set(g for g in release_graph.transitive_objects(c, RDFS.subClassOf))
            assert (c, OWL.disjointWith, nen) in release_graph or (nen, OWL.disjointWith, c) in release_graph \
                or any((a, OWL.disjointWith, nen) in release_graph for a in release_graph.transitive_objects(c, RDFS.subClassOf))
