"""Build the release: compile the sources, reason with HermiT, write deterministic artefacts.

Release files (all under ``ontology/``):

* ``nenkg.owl``       RDF/XML, the primary release: own axioms, external term declarations
                      with labels, and the inferred class hierarchy (each inferred edge marked
                      ``oboInOwl:is_inferred true``)
* ``nenkg.ttl``, ``nenkg.jsonld`` (+ ``context.jsonld``), ``nenkg.nt``: the same graph
* ``nenkg-full.owl``  the same content under its own ontology IRI (ODK naming)
* ``nenkg-base.owl``  the OBO base file: own axioms plus the reasoner's classification of the
                      NENKG classes (inferred edges between two NENKG classes, marked as in
                      ``nenkg.owl``); external entities declared with their labels only
* ``catalog-v001.xml`` relative paths for Protégé
* ``mappings/nenkg.sssom.tsv`` every cross-reference as an SSSOM mapping, and every deliberate
                      non-mapping of ``src/mappings/no-term-found.tsv`` as a
                      ``sssom:NoTermFound`` row (:mod:`nenkg.coverage`)

Before anything is written the release graph passes the quality gate (:mod:`nenkg.check`: QC
queries and SHACL shapes); an ERROR or a violation stops the build. Nothing is written unless
every step succeeds: files are first written to a temporary folder
next to the target and moved into place at the end.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from . import namespaces as ns
from .check import check_graph
from .ids import check_ids
from .coverage import NO_TERM_FOUND, NoTermFound, check_not_mapped, read_no_term_found
from .errors import LogicalError, QualityError, SourceError, SourceErrors
from .rdfxml import write_rdfxml
from .reasoning import ReasonerResult, reason, representative
from .sources import (XREF_PREDICATES, Compiler, SourceSet, _as_list, compile_graph, compile_sources, load_sources,
                      sort_errors)

RELEASE_FILES = (
    "nenkg.owl",
    "nenkg.ttl",
    "nenkg.jsonld",
    "nenkg.nt",
    "nenkg-base.owl",
    "nenkg-full.owl",
    "context.jsonld",
    "catalog-v001.xml",
    "mappings/nenkg.sssom.tsv",
)
LOGICAL_PREDICATES = {
    RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith, RDFS.subPropertyOf, RDFS.domain,
    RDFS.range, OWL.inverseOf, OWL.propertyChainAxiom,
}
CHARACTERISTIC_TYPES = {
    OWL.TransitiveProperty, OWL.FunctionalProperty, OWL.SymmetricProperty, OWL.AsymmetricProperty,
    OWL.IrreflexiveProperty,
}
DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.AnnotationProperty, OWL.NamedIndividual, OWL.DatatypeProperty}


@dataclass
class BuildReport:
    version: str
    classes: int
    own_classes: int
    axioms: int
    logical_axioms: int
    inferred_edges: int
    unsatisfiable: int
    reasoner_seconds: float
    seconds: float
    written: list[str]

    def summary(self) -> str:
        return (
            f"NENKG {self.version}: {self.own_classes} NENKG classes ({self.classes} with external), "
            f"{self.axioms} axioms ({self.logical_axioms} logical), "
            f"{self.inferred_edges} inferred subclass edges, {self.unsatisfiable} unsatisfiable; "
            f"HermiT {self.reasoner_seconds:.1f} s, total {self.seconds:.1f} s"
        )


# ---------------------------------------------------------------------------------------------
# counting


def count_axioms(g: Graph) -> tuple[int, int]:
    """(all axioms, logical axioms) in the OWL sense, counted from the RDF mapping."""
    logical = declarations = annotations = 0
    annotation_props = set(g.subjects(RDF.type, OWL.AnnotationProperty))
    for s, p, o in g:
        if isinstance(s, BNode):
            continue
        if p in LOGICAL_PREDICATES:
            logical += 1
        elif p == RDF.type and o in CHARACTERISTIC_TYPES:
            logical += 1
        elif p == RDF.type and o in DECLARATION_TYPES:
            declarations += 1
        elif p == RDF.type:
            logical += 1  # class assertion
        elif p in annotation_props or p == RDFS.label:
            annotations += 1
    # AllDisjointClasses and similar axiom nodes
    logical += sum(1 for _ in g.subjects(RDF.type, OWL.AllDisjointClasses))
    return logical + declarations + annotations, logical


# ---------------------------------------------------------------------------------------------
# deterministic serialization


_PN_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")


def write_turtle(g: Graph, path: Path) -> None:
    """Flat, sorted Turtle: one block per subject, blank nodes labelled.

    rdflib's Turtle serializers occasionally write a collection both inline and as a separate
    subject (the file then parses to more triples than were written); this writer is exact.
    """
    prefixes = sorted(((p, iri) for p, iri in ns.PREFIXES.items() if p not in ns.XREF_ONLY_PREFIXES),
                      key=lambda kv: -len(kv[1]))

    def term(node) -> str:
        if isinstance(node, URIRef):
            text = str(node)
            for prefix, iri in prefixes:
                if text.startswith(iri) and _PN_LOCAL.match(text[len(iri):]):
                    return f"{prefix}:{text[len(iri):]}"
            return f"<{text}>"
        if isinstance(node, BNode):
            return f"_:{node}"
        return node.n3()

    used = set()
    blocks = []
    subjects = sorted(set(g.subjects()), key=lambda n: (isinstance(n, BNode), str(n)))
    for subj in subjects:
        lines = [term(subj)]
        by_pred: dict = {}
        for p, o in g.predicate_objects(subj):
            by_pred.setdefault(p, []).append(o)
        preds = sorted(by_pred, key=lambda p: (p != RDF.type, str(p)))
        for i, p in enumerate(preds):
            objs = ", ".join(sorted(term(o) for o in by_pred[p]))
            pred = "a" if p == RDF.type else term(p)
            end = " ." if i == len(preds) - 1 else " ;"
            lines.append(f"    {pred} {objs}{end}")
        blocks.append("\n".join(lines))
    text = "\n\n".join(blocks)
    for prefix, iri in prefixes:
        if re.search(rf"(?<![\w:<]){re.escape(prefix)}:", text):
            used.add((prefix, iri))
    header = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in sorted(used))
    path.write_text(header + "\n" + text + "\n", encoding="utf-8")


def write_ntriples(g: Graph, path: Path) -> None:
    lines = sorted(set(g.serialize(format="nt").splitlines()) - {""})
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_jsonld(g: Graph, path: Path) -> None:
    context = ns.jsonld_context()["@context"]
    data = json.loads(g.serialize(format="json-ld", context=context, auto_compact=True))
    nodes = data.get("@graph", [])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    data["@graph"] = sorted(nodes, key=lambda n: n.get("@id", ""))
    # the context is embedded (identical to context.jsonld) so that no JSON-LD processor ever
    # has to fetch it: the file is self-contained offline
    data["@context"] = context
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def write_context(path: Path) -> None:
    path.write_text(json.dumps(ns.jsonld_context(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_catalog(version: str, path: Path) -> None:
    rows = []
    for name in ("nenkg.owl", "nenkg-base.owl", "nenkg-full.owl"):
        iri, viri = ns.ontology_iris(version, name)
        rows.append(f'  <uri name="{iri}" uri="{name}"/>')
        rows.append(f'  <uri name="{viri}" uri="{name}"/>')
    text = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<catalog prefer="public" xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n'
        + "\n".join(rows)
        + "\n</catalog>\n"
    )
    path.write_text(text, encoding="utf-8")


SSSOM_COLUMNS = (
    "subject_id", "subject_label", "predicate_id", "object_id", "object_label",
    "mapping_justification", "object_source", "comment",
)
OBJECT_SOURCES = {
    "MONDO": "obo:mondo.owl", "NCIT": "obo:ncit.owl", "DOID": "obo:doid.owl", "HP": "obo:hp.owl",
    "ORPHA": "https://www.orphadata.com/ordo/", "OMIM": "https://omim.org/",
    "ICDO": "https://www.who.int/standards/classifications/other-classifications/international-classification-of-diseases-for-oncology",
    "ICD10": "https://icd.who.int/browse10/2019/en", "ICD10CM": "https://www.cdc.gov/nchs/icd/icd-10-cm/",
    "ONCOTREE": "https://oncotree.mskcc.org/", "RO": "obo:ro.owl",
}


NO_TERM_FOUND_FILE = Path("mappings") / "no-term-found.tsv"  # relative to ontology/src


def sssom_rows(ss: SourceSet, declined: list[NoTermFound] | None = None) -> list[dict[str, str]]:
    """One row per cross-reference of a NENKG term, from the sources (labels kept if given),
    then one ``sssom:NoTermFound`` row per deliberate non-mapping in ``declined``."""
    rows = []
    for term in ss.own_terms():
        xrefs = term.data.get("xrefs") or {}
        for ext in ss.extensions:
            if ext.curie == term.curie:
                for k, v in (ext.data.get("xrefs") or {}).items():
                    xrefs = {**xrefs, k: _as_list(xrefs.get(k)) + _as_list(v)}
        if not isinstance(xrefs, dict):
            continue  # reported by the compiler
        for kind, values in xrefs.items():
            pred = XREF_PREDICATES.get(kind)
            if pred is None:  # __line__, or an unknown kind the compiler reports
                continue
            pred_curie = ("oboInOwl:" if "geneontology" in str(pred) else "skos:") + str(pred).rsplit("#", 1)[-1]
            for value in _as_list(values):
                curie, _, label = str(value).partition(" ")
                rows.append({
                    "subject_id": term.curie,
                    "subject_label": " ".join(str(term.data.get("label", "")).split()),
                    "predicate_id": pred_curie,
                    "object_id": curie,
                    "object_label": label.strip(),
                    "mapping_justification": "semapv:ManualMappingCuration",
                    "object_source": OBJECT_SOURCES.get(curie.split(":")[0], ""),
                    "comment": "",
                })
    for d in declined or ():
        rows.append({
            "subject_id": NO_TERM_FOUND,
            "subject_label": "",
            "predicate_id": "skos:exactMatch",
            "object_id": d.mondo_id,
            "object_label": d.mondo_label,
            "mapping_justification": "semapv:ManualMappingCuration",
            "object_source": OBJECT_SOURCES["MONDO"],
            "comment": d.sssom_comment,
        })
    rows.sort(key=lambda r: (r["subject_id"], r["predicate_id"], r["object_id"]))
    return rows


def read_declined(ss: SourceSet) -> list[NoTermFound]:
    """The deliberate non-mappings, refused if a NENKG term also maps one of them."""
    declined = read_no_term_found(ss.root / NO_TERM_FOUND_FILE)
    mapped = {r["object_id"]: f"{r['subject_id']} ({ss.terms[r['subject_id']].loc})" for r in sssom_rows(ss)}
    check_not_mapped(declined, mapped)
    return declined


def write_sssom(ss: SourceSet, path: Path, declined: list[NoTermFound] | None = None) -> int:
    rows = sssom_rows(ss, declined)
    used = sorted({r["object_id"].split(":")[0] for r in rows} | {"NENKG"})
    header = ["# curie_map:"]
    for prefix in used:
        header.append(f"#   {prefix}: {ns.PREFIXES[prefix]}")
    for prefix in ("obo", "oboInOwl", "semapv", "skos") + (("sssom",) if declined else ()):
        header.append(f"#   {prefix}: {ns.PREFIXES[prefix]}")
    header += [
        f"# mapping_set_id: {ns.BASE}mappings/nenkg.sssom.tsv",
        f"# mapping_set_version: {ss.version}",
        f"# mapping_date: {ss.version}",
        f"# license: {ss.header['license']}",
        f"# subject_source: {ns.BASE}nenkg.owl",
        f"# subject_source_version: {ns.ontology_iris(ss.version, 'nenkg.owl')[1]}",
        "# mapping_provider: https://w3id.org/nenkg",
    ]
    lines = header + ["\t".join(SSSOM_COLUMNS)]
    lines += ["\t".join(r[c] for c in SSSOM_COLUMNS) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(rows)


# ---------------------------------------------------------------------------------------------
# the build


def add_inferred(g: Graph, result: ReasonerResult, *, own_only: bool = False) -> None:
    """Add the reasoner's subclass edges, each marked ``oboInOwl:is_inferred true``; with
    ``own_only`` just the edges between two NENKG classes (the base file's classification)."""
    own = ns.ENTITY_PREFIXES["NENKG"]
    for sub, sup in result.inferred_edges:
        if own_only and not (sub.startswith(own) and sup.startswith(own)):
            continue
        s, o = URIRef(sub), URIRef(sup)
        g.add((s, RDFS.subClassOf, o))
        ax = BNode("inferred" + _digest(sub, sup))
        g.add((ax, RDF.type, OWL.Axiom))
        g.add((ax, OWL.annotatedSource, s))
        g.add((ax, OWL.annotatedProperty, RDFS.subClassOf))
        g.add((ax, OWL.annotatedTarget, o))
        g.add((ax, ns.OBOINOWL.is_inferred, Literal("true")))


def label_externals(base: Graph, main: Graph) -> None:
    """Give each external entity the base file mentions as a subject (its declaration, or a
    NENKG annotation on it such as the record value of a PATO quality) its label from the main
    graph: ROBOT ``report`` and the QC call a term without a label an ERROR (missing_label)."""
    own = ns.ENTITY_PREFIXES["NENKG"]
    for s in sorted({s for s in base.subjects() if isinstance(s, URIRef)}):
        if str(s).startswith(own) or (s, RDF.type, OWL.Ontology) in base or base.value(s, RDFS.label):
            continue
        for label in main.objects(s, RDFS.label):
            base.add((s, RDFS.label, label))


def decimals_with_fraction(g: Graph) -> None:
    """Rewrite each ``xsd:decimal`` literal with a fractional part (``"3"`` becomes ``"3.0"``):
    the OWL API reads ``"3"^^xsd:decimal`` as an integer when it converts the file."""
    from decimal import Decimal

    for s, p, o in list(g):
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            text = format(Decimal(str(o)), "f")
            if "." not in text:
                text += ".0"
            if text != str(o):
                g.remove((s, p, o))
                g.add((s, p, Literal(text, datatype=XSD.decimal)))


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:20]


def _rename_ontology(g: Graph, old: str, new: str, new_version: str) -> Graph:
    out = Graph()
    for prefix, iri in g.namespaces():
        out.bind(prefix, iri, override=True, replace=True)
    o_old, o_new = URIRef(old), URIRef(new)
    for s, p, o in g:
        if s == o_old:
            s = o_new
            if p == OWL.versionIRI:
                o = URIRef(new_version)
        out.add((s, p, o))
    return out


def label_of(ss: SourceSet, iri: str) -> str:
    curie = ns.contract(iri)
    term = ss.terms.get(curie or "")
    if term is None:
        return iri
    where = term.loc.file + (f":{term.loc.line}" if term.loc.line else "")
    return f"{curie} '{term.data.get('label')}' ({where})"


def equivalence_problems(ss: SourceSet, compiler: Compiler, equivalent: list[tuple[str, ...]]) -> list[str]:
    """The subclass cycles and the undeclared equivalences among named NENKG classes, one line
    each, from the reasoner's sets of equivalent classes and the axioms the compiler located.

    Two NENKG classes the reasoner finds equivalent are fine when the sources declare them
    equivalent (``equivalent_to`` naming the other class, directly or through a chain of such
    declarations). Otherwise, if asserted ``subclass_of`` axioms lead from each to the other, it
    is a subclass cycle (named with the lines of the axioms that form it); if not, the
    equivalence follows from the definitions and is reported with the lines of both."""
    own = ns.ENTITY_PREFIXES["NENKG"]
    declared: dict[str, str] = {}
    find = representative(declared)

    subclass: dict[str, list[tuple[str, str, object]]] = {}  # component -> (sub, sup, loc) edges out
    for (s, p, o), loc in compiler.axiom_locations.items():
        if p == OWL.equivalentClass:
            declared[find(str(s))] = find(str(o))
    for (s, p, o), loc in sorted(compiler.axiom_locations.items(), key=lambda kv: (str(kv[1]), str(kv[0]))):
        if p == RDFS.subClassOf:
            subclass.setdefault(find(str(s)), []).append((str(s), str(o), loc))

    def where(loc) -> str:
        return loc.file + (f":{loc.line}" if loc.line else "")

    def short(iri: str) -> str:
        return ns.contract(iri) or iri

    problems: list[str] = []
    for group in equivalent:
        members = sorted((m for m in group if m.startswith(own)), key=lambda m: (ss.terms[short(m)].loc.file, ss.terms[short(m)].loc.line or 0)
                         if short(m) in ss.terms else ("", 0))
        comps = sorted({find(m) for m in members}, key=lambda c: min(members.index(m) for m in members if find(m) == c))
        if len(comps) < 2:
            continue
        # subclass cycles between the declared-equivalence components of the group
        inside = {find(m) for m in group}
        joined = {c: c for c in comps}  # components a reported cycle already ties together

        def root(c: str, joined: dict[str, str] = joined) -> str:
            while joined[c] != c:
                c = joined[c]
            return c

        for start in comps:
            cycle = _shortest_cycle(start, subclass, find, inside)
            on_cycle = [find(sub) for sub, _sup, _loc in cycle if find(sub) in joined]
            if len(cycle) < 2 or len({root(c) for c in on_cycle}) < 2:
                continue
            classes = [cycle[0][0]] + [sup for _sub, sup, _loc in cycle]
            chain = " -> ".join(label_of(ss, c) if i < len(classes) - 1 else short(c) for i, c in enumerate(classes))
            axioms = ", ".join(where(loc) for _s, _o, loc in cycle)
            problems.append(f"subclass cycle among NENKG classes: {chain} (subclass_of at {axioms}); "
                            "the reasoner infers every class of the cycle equivalent "
                            "(fix: remove the subclass_of that closes the cycle, or declare the classes equivalent)")
            for c in on_cycle:
                joined[root(c)] = root(start)
        reps: dict[str, str] = {}
        for m in members:
            reps.setdefault(root(find(m)), m)
        firsts = list(reps.values())
        for other in firsts[1:]:
            a, b = firsts[0], other
            defs = [f"{short(x)} equivalent_to at {', '.join(where(loc) for loc in compiler.slot_locations.get((short(x), 'equivalent_to'), []))}"
                    for x in (a, b) if compiler.slot_locations.get((short(x), "equivalent_to"))]
            problems.append(f"NENKG classes inferred equivalent but not declared equivalent: {label_of(ss, a)} and "
                            f"{label_of(ss, b)}" + (f" ({'; '.join(defs)})" if defs else "")
                            + " (fix: tell the definitions apart, or declare the equivalence with equivalent_to)")
    return problems


def _shortest_cycle(start: str, edges: dict, find, inside: set[str]) -> list[tuple[str, str, object]]:
    """A shortest cycle of asserted subclass_of axioms from component ``start`` back to it,
    through components of ``inside`` only, as (sub, sup, location) steps; [] if there is none."""
    from collections import deque

    back: dict[str, tuple[str, str, object] | None] = {start: None}
    todo = deque([start])
    while todo:
        comp = todo.popleft()
        for step in edges.get(comp, []):
            nxt = find(step[1])
            if nxt not in inside:
                continue
            if nxt == start:
                path = [step]
                while back[comp] is not None:
                    path.append(back[comp])
                    comp = find(back[comp][0])
                return path[::-1]
            if nxt not in back:
                back[nxt] = step
                todo.append(nxt)
    return []


def build(root: Path, *, write: bool = True, reasoner: bool = True,
          progress: Callable[[str], None] | None = None) -> BuildReport:
    """Build the release from ``root/ontology/src`` into ``root/ontology``; ``progress`` (if
    given) is called with the name of each phase as it starts."""
    start = time.perf_counter()
    root = Path(root)
    phase = progress or (lambda name: None)
    phase("compiling the sources")
    # every module is read and compiled even after a faulty one: all problems in one report
    ss, errors = load_sources(root / "ontology" / "src")
    declined: list[NoTermFound] = []
    try:
        declined = read_declined(ss)
    except SourceErrors as exc:
        errors.extend(exc.errors)
    except SourceError as exc:
        errors.append(exc)
    version = ss.version
    main_iri, main_viri = ns.ontology_iris(version, "nenkg.owl")
    compiler = compile_sources(ss, ontology_iri=main_iri, version_iri=main_viri)
    errors.extend(compiler.errors)
    if errors:
        raise SourceErrors(sort_errors(errors, ss.files))
    main = compiler.g
    base_iri, base_viri = ns.ontology_iris(version, "nenkg-base.owl")
    base = compile_graph(ss, ontology_iri=base_iri, version_iri=base_viri, include_external=False,
                         title_suffix=" (base: own axioms and their classification)")

    if reasoner:
        phase("reasoning with HermiT")
    result = reason(main) if reasoner else ReasonerResult([], [])
    # the logical problems and the quality gate's errors are reported together
    problems = [f"unsatisfiable class {label_of(ss, iri)}" for iri in result.unsatisfiable]
    problems += equivalence_problems(ss, compiler, result.equivalent)
    add_inferred(main, result)
    add_inferred(base, result, own_only=True)
    label_externals(base, main)
    for g in (main, base):
        decimals_with_fraction(g)
    phase("running the quality gate")
    quality = check_graph(main).extend(check_ids(root, main))
    findings = quality.at("ERROR") if quality.failed else []
    if problems:
        raise LogicalError(problems, findings)
    if findings:
        raise QualityError(findings)
    full_iri, full_viri = ns.ontology_iris(version, "nenkg-full.owl")
    full = _rename_ontology(main, main_iri, full_iri, full_viri)

    axioms, logical = count_axioms(main)
    classes = {c for c in main.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)} - {OWL.Thing}
    own = {c for c in classes if str(c).startswith(ns.ENTITY_PREFIXES["NENKG"])}
    written: list[str] = []
    if write:
        phase("writing the release files")
        out_dir = root / "ontology"
        tmp = Path(tempfile.mkdtemp(prefix=".release-", dir=out_dir))
        try:
            (tmp / "mappings").mkdir()
            write_rdfxml(main, tmp / "nenkg.owl")
            write_turtle(main, tmp / "nenkg.ttl")
            write_jsonld(main, tmp / "nenkg.jsonld")
            write_ntriples(main, tmp / "nenkg.nt")
            write_rdfxml(base, tmp / "nenkg-base.owl")
            write_rdfxml(full, tmp / "nenkg-full.owl")
            write_context(tmp / "context.jsonld")
            write_catalog(version, tmp / "catalog-v001.xml")
            write_sssom(ss, tmp / "mappings" / "nenkg.sssom.tsv", declined)
            (out_dir / "mappings").mkdir(exist_ok=True)
            for name in RELEASE_FILES:
                os.replace(tmp / name, out_dir / name)
                written.append(name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return BuildReport(
        version=version,
        classes=len(classes),
        own_classes=len(own),
        axioms=axioms,
        logical_axioms=logical,
        inferred_edges=len(result.inferred_edges),
        unsatisfiable=len(result.unsatisfiable),
        reasoner_seconds=result.seconds,
        seconds=time.perf_counter() - start,
        written=written,
    )
