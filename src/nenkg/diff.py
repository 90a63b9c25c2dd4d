"""Compare two NENKG releases term by term: what a user of the old release must know.

A release is a release file (``nenkg.owl``, ``.ttl``, ``.nt``, ``.jsonld``) or a folder holding
one (``DIR/nenkg.owl``, or ``DIR/ontology/nenkg.owl`` for a checkout). For every NENKG entity
(class, property, individual) the comparison reads:

* its kind, label, definition, whether it is deprecated, its replacement and obsolescence reason;
* its named parents, asserted and inferred apart: the release marks each subclass edge the
  reasoner added with an ``owl:Axiom`` annotation ``oboInOwl:is_inferred true``
  (:func:`nenkg.release.add_inferred`), every other named ``rdfs:subClassOf`` is asserted;
* its mappings (``skos:*Match``) and its codes (``oboInOwl:hasDbXref``: ICD-O-3, ICD-10,
  OncoTree...);
* for the criteria individuals of ``criteria.yaml``, their thresholds: the values of the
  bound facts (lower and upper bound, inclusive or not), the variable and the grade assigned.

The changes come in a fixed order (category, then ID, then field), so the same two releases
always give the same report, in Markdown (:func:`to_markdown`) or TSV (:func:`to_tsv`).
A new term is reported once as new, an obsoleted term once as obsoleted (with its replacement),
without the changes that come with it (its "obsolete " label, its dropped axioms).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from . import namespaces as ns
from .errors import NenkgError

OWN = ns.ENTITY_PREFIXES["NENKG"]
KINDS = {
    OWL.Class: "class",
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
    OWL.NamedIndividual: "individual",
}
MAPPING_KINDS = {
    ns.SKOS.exactMatch: "exact",
    ns.SKOS.closeMatch: "close",
    ns.SKOS.broadMatch: "broad",
    ns.SKOS.narrowMatch: "narrow",
    ns.SKOS.relatedMatch: "related",
}
OBSOLESCENCE_REASON = URIRef(ns.OBO + "IAO_0000231")
#: the facts of a criterion individual that make its threshold (criteria.yaml), by alias
THRESHOLD_FACTS = {
    "NENKG:0004022": "criterion variable",
    "NENKG:0004023": "lower bound",
    "NENKG:0004024": "lower bound inclusive",
    "NENKG:0004025": "upper bound",
    "NENKG:0004026": "upper bound inclusive",
    "NENKG:0004028": "assigns",
}

#: (category, heading, what the old and new columns hold), in report order
CATEGORIES = (
    ("added", "New terms", "", "type"),
    ("obsoleted", "Obsoleted terms", "reason", "replaced by"),
    ("removed", "Removed terms (an ID must never disappear: obsolete it instead)", "type", ""),
    ("retyped", "Terms of another kind (an ID must never be reused)", "old type", "new type"),
    ("relabelled", "Relabelled terms", "old label", "new label"),
    ("redefined", "Redefined terms", "old definition", "new definition"),
    ("asserted_parents", "Changed asserted parents", "removed", "added"),
    ("inferred_parents", "Changed inferred parents", "removed", "added"),
    ("mappings", "Changed mappings", "removed", "added"),
    ("codes", "Changed codes and cross-references", "removed", "added"),
    ("thresholds", "Changed criteria thresholds", "old", "new"),
)
CATEGORY_ORDER = {c[0]: i for i, c in enumerate(CATEGORIES)}
TSV_COLUMNS = ("change", "id", "label", "field", "old", "new")


@dataclass
class Entity:
    curie: str
    kind: str = ""
    label: str = ""
    definition: str = ""
    deprecated: bool = False
    replaced_by: tuple[str, ...] = ()
    reason: str = ""
    asserted: set[str] = field(default_factory=set)
    inferred: set[str] = field(default_factory=set)
    mappings: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    thresholds: dict[str, str] = field(default_factory=dict)


@dataclass
class Release:
    path: str
    version: str
    entities: dict[str, Entity]
    labels: dict[str, str]  # every labelled IRI's label, by CURIE (to name parents and values)


@dataclass(frozen=True)
class Change:
    category: str
    curie: str
    label: str
    field: str
    old: str
    new: str

    def key(self) -> tuple:
        return (CATEGORY_ORDER[self.category], self.curie, self.field, self.old, self.new)


# ---------------------------------------------------------------------------------------------
# reading a release


def release_file(path: Path) -> Path:
    """The release file ``path`` names: the file itself, or the ``nenkg.owl`` of a folder."""
    path = Path(path)
    if path.is_dir():
        for candidate in (path / "nenkg.owl", path / "ontology" / "nenkg.owl"):
            if candidate.is_file():
                return candidate
        raise NenkgError(f"{path}: no nenkg.owl in this folder or its ontology/ folder")
    if not path.exists():
        raise NenkgError(f"{path}: no such file or folder")
    return path


def _curie(node) -> str:
    return ns.contract(str(node)) or str(node)


def _text(value) -> str:
    return " ".join(str(value).split())


def _value(node) -> str:
    """A fact's value as text: a CURIE for an IRI, the lexical form (``3.0`` as ``3``) else."""
    if isinstance(node, URIRef):
        return _curie(node)
    if isinstance(node, Literal) and node.datatype and str(node.datatype).endswith("#decimal"):
        from decimal import Decimal

        return format(Decimal(str(node)).normalize(), "f")
    return str(node)


def read_graph(g: Graph, path: str = "") -> Release:
    """The NENKG entities of a release graph (see the module docstring for what is read)."""
    inferred: set[tuple] = set()
    for ax in g.subjects(ns.OBOINOWL.is_inferred, None):
        if str(g.value(ax, ns.OBOINOWL.is_inferred)).lower() != "true":
            continue
        if g.value(ax, OWL.annotatedProperty) == RDFS.subClassOf:
            inferred.add((g.value(ax, OWL.annotatedSource), g.value(ax, OWL.annotatedTarget)))
    labels: dict[str, str] = {}
    for s, o in g.subject_objects(RDFS.label):
        if isinstance(s, URIRef):  # one label each; of several, the first in sort order
            curie, text = _curie(s), _text(o)
            labels[curie] = min(labels.get(curie, text), text)
    entities: dict[str, Entity] = {}
    for kind_iri, kind in KINDS.items():
        for s in g.subjects(RDF.type, kind_iri):
            if not isinstance(s, URIRef) or not str(s).startswith(OWN):
                continue
            e = entities.setdefault(_curie(s), Entity(_curie(s)))
            e.kind = e.kind or kind  # the first kind of KINDS wins (a class punned as individual)
    for curie, e in entities.items():
        s = URIRef(ns.expand(curie))
        e.label = labels.get(curie, "")
        e.definition = " / ".join(sorted(_text(d) for d in g.objects(s, ns.IAO_DEFINITION)))
        e.deprecated = any(str(v).lower() == "true" for v in g.objects(s, OWL.deprecated))
        e.replaced_by = tuple(sorted(_curie(r) for r in g.objects(s, ns.IAO_TERM_REPLACED_BY)))
        e.reason = " / ".join(sorted(_text(r) if isinstance(r, Literal) else labels.get(_curie(r), _curie(r))
                                     for r in g.objects(s, OBSOLESCENCE_REASON)))
        for parent in g.objects(s, RDFS.subClassOf):
            if isinstance(parent, BNode) or parent == OWL.Thing:
                continue
            (e.inferred if (s, parent) in inferred else e.asserted).add(_curie(parent))
        for pred, kind in MAPPING_KINDS.items():
            e.mappings |= {f"{kind} {_curie(o)}" for o in g.objects(s, pred)}
        e.codes = {str(o) for o in g.objects(s, ns.OBOINOWL.hasDbXref)}
        for prop, name in THRESHOLD_FACTS.items():
            values = sorted(_value(o) for o in g.objects(s, URIRef(ns.expand(prop))))
            if values:
                e.thresholds[name] = ", ".join(values)
    version = ""
    for o in g.subjects(RDF.type, OWL.Ontology):
        version = str(g.value(o, OWL.versionInfo) or "") or version
    return Release(path, version, entities, labels)


def load_release(path: Path) -> Release:
    """Read a release file or folder (see :func:`release_file`); one-line NenkgError on failure."""
    from .check import load_release_file

    file = release_file(path)
    return read_graph(load_release_file(file), str(path))


# ---------------------------------------------------------------------------------------------
# comparing


def _named(curie: str, labels: dict[str, str]) -> str:
    label = labels.get(curie)
    return f"{curie} {label}" if label else curie


def _set_change(category: str, e: Entity, old: set[str], new: set[str], labels: tuple[dict, dict] | None = None) -> list[Change]:
    """One change listing what left (named as the old release names it) and what came."""
    if old == new:
        return []
    old_labels, new_labels = labels or ({}, {})
    gone = "; ".join(_named(x, old_labels) for x in sorted(old - new))
    came = "; ".join(_named(x, new_labels) for x in sorted(new - old))
    return [Change(category, e.curie, e.label, "", gone, came)]


def diff(old: Release, new: Release) -> list[Change]:
    """Every change from ``old`` to ``new``, in report order."""
    labels = (old.labels, new.labels)
    changes: list[Change] = []
    for curie in sorted(set(old.entities) | set(new.entities)):
        a, b = old.entities.get(curie), new.entities.get(curie)
        if a is None:
            changes.append(Change("added", curie, b.label, "", "", b.kind))
            continue
        if b is None:
            changes.append(Change("removed", curie, a.label, "", a.kind, ""))
            continue
        if a.kind != b.kind:
            changes.append(Change("retyped", curie, b.label, "", a.kind, b.kind))
        if b.deprecated and not a.deprecated:
            repl = "; ".join(_named(r, new.labels) for r in b.replaced_by)
            changes.append(Change("obsoleted", curie, a.label, "", b.reason, repl))
            continue
        if a.label != b.label:
            changes.append(Change("relabelled", curie, b.label, "", a.label, b.label))
        if a.definition != b.definition:
            changes.append(Change("redefined", curie, b.label, "", a.definition, b.definition))
        changes += _set_change("asserted_parents", b, a.asserted, b.asserted, labels)
        changes += _set_change("inferred_parents", b, a.inferred, b.inferred, labels)
        changes += _set_change("mappings", b, a.mappings, b.mappings)
        changes += _set_change("codes", b, a.codes, b.codes)
        for fact in sorted(set(a.thresholds) | set(b.thresholds)):
            va, vb = a.thresholds.get(fact, ""), b.thresholds.get(fact, "")
            if va != vb:
                changes.append(Change("thresholds", curie, b.label, fact, va, vb))
    return sorted(changes, key=Change.key)


def diff_paths(old: Path, new: Path) -> tuple[Release, Release, list[Change]]:
    a, b = load_release(old), load_release(new)
    return a, b, diff(a, b)


# ---------------------------------------------------------------------------------------------
# writing


def to_tsv(changes: list[Change]) -> str:
    rows = ["\t".join(TSV_COLUMNS)]
    for c in changes:
        rows.append("\t".join(_text(v) for v in (c.category, c.curie, c.label, c.field, c.old, c.new)))
    return "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    return _text(text).replace("\\", "\\\\").replace("|", "\\|") or " "


def summary(changes: list[Change]) -> str:
    counts = {c[0]: 0 for c in CATEGORIES}
    for c in changes:
        counts[c.category] += 1
    parts = [f"{n} {cat.replace('_', ' ')}" for cat, n in counts.items() if n]
    return ", ".join(parts) if parts else "no changes"


def to_markdown(old: Release, new: Release, changes: list[Change], *, level: int = 2,
                title: str | None = None) -> str:
    """A Markdown report: a heading (``title``, by default naming both versions), a one-line
    count, then one table per kind of change (headings one level down)."""
    h = "#" * level
    lines = [f"{h} {title or f'Changes from NENKG {old.version or old.path} to {new.version or new.path}'}", ""]
    lines.append(f"{summary(changes)}.")
    for category, heading, old_col, new_col in CATEGORIES:
        rows = [c for c in changes if c.category == category]
        if not rows:
            continue
        lines += ["", f"{h}# {heading} ({len(rows)})", ""]
        cols = ["ID", "label"] + (["field"] if category == "thresholds" else []) + [x for x in (old_col, new_col) if x]
        lines.append("| " + " | ".join(cols) + " |")
        lines.append("|" + "---|" * len(cols))
        for c in rows:
            cells = [c.curie, c.label] + ([c.field] if category == "thresholds" else [])
            cells += [v for v, col in ((c.old, old_col), (c.new, new_col)) if col]
            lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    return "\n".join(lines) + "\n"
