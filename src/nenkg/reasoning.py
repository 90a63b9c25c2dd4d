"""HermiT through owlready2: consistency, unsatisfiable classes and the inferred hierarchy.

Reasoning runs on the compiled ontology only (never on instance data: tumour records are
classified by the criteria engine, which is orders of magnitude faster). The graph is written
to a temporary RDF/XML file and loaded into a private owlready2 World, so nothing is cached
between runs and no owl:imports is ever followed.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .errors import LogicalError, NenkgError


@dataclass
class ReasonerResult:
    unsatisfiable: list[str]
    #: (sub, super) pairs the reasoner found that were not asserted, direct edges only
    inferred_edges: list[tuple[str, str]]
    seconds: float = 0.0
    #: the sets of (satisfiable) named classes the reasoner found equivalent, asserted
    #: equivalences included, each sorted, two or more classes each
    equivalent: list[tuple[str, ...]] = field(default_factory=list)


def _named_parents(cls) -> set[str]:
    import owlready2

    return {p.iri for p in cls.is_a if isinstance(p, owlready2.ThingClass)}


def reason(graph: Graph, *, java_memory_mb: int = 2000) -> ReasonerResult:
    """Classify ``graph`` with HermiT. Raises LogicalError if it is inconsistent.

    Unsatisfiable classes are returned (not raised) so callers can report them all.
    """
    try:
        import owlready2
    except ImportError as exc:  # pragma: no cover - a dependency
        raise NenkgError(f"owlready2 is not installed: {exc}") from None
    if shutil.which("java") is None:
        raise NenkgError("HermiT needs a Java runtime on PATH (install a JRE, e.g. openjdk-17-jre-headless)")

    owlready2.reasoning.JAVA_MEMORY = java_memory_mb
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nenkg-reason-") as tmp:
        path = Path(tmp) / "ontology.owl"
        graph.serialize(path, format="xml")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        classes = list(onto.classes())
        before = {c.iri: _named_parents(c) for c in classes}
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            raise LogicalError("the ontology is inconsistent: HermiT found no model") from None
        except owlready2.base.OwlReadyJavaError as exc:
            raise NenkgError(f"HermiT failed: {str(exc).strip().splitlines()[-1][:500]}") from None
        nothing = owlready2.Nothing
        unsat = sorted(c.iri for c in world.inconsistent_classes() if c is not nothing)
        equivalent = _equivalence_sets(classes, set(unsat) | {nothing.iri})
        edges: set[tuple[str, str]] = set()
        for c in classes:
            after = _named_parents(c)
            for parent in after - before.get(c.iri, set()):
                if parent not in (owlready2.Thing.iri, nothing.iri):
                    edges.add((c.iri, parent))
        world.close()
    return ReasonerResult(
        unsatisfiable=unsat,
        inferred_edges=sorted(edges),
        seconds=time.perf_counter() - start,
        equivalent=equivalent,
    )


def representative(parent: dict[str, str]):
    """The find of a union-find over ``parent`` (join two sets with ``parent[find(a)] = find(b)``):
    returns the representative of an element's set, halving paths as it goes."""
    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    return find


def _equivalence_sets(classes, skip: set[str]) -> list[tuple[str, ...]]:
    """Group the named classes by the equivalences the world holds after reasoning."""
    import owlready2

    parent: dict[str, str] = {}
    find = representative(parent)
    for c in classes:
        if c.iri in skip:
            continue
        for e in c.equivalent_to:
            if isinstance(e, owlready2.ThingClass) and e.iri not in skip and e.iri != owlready2.Thing.iri:
                parent[find(c.iri)] = find(e.iri)
    groups: dict[str, list[str]] = {}
    for x in list(parent):
        groups.setdefault(find(x), []).append(x)
    return sorted(tuple(sorted(g)) for g in groups.values() if len(g) > 1)
