"""Classify tumour records into WHO categories and grades, from criteria stored in the graph.

Everything the classifier decides comes from the release graph:

* the criteria individuals (``ontology/src/criteria.yaml``): thresholds with inclusive or
  exclusive bounds, site and differentiation scope, what each assigns, messages;
* the record vocabulary (``records.yaml``): column names and the codes of categorical values;
* the logical definitions of the neoplasm classes: once the criteria have given a record its
  differentiation, grade, cell type, site and syndrome, the record is realised against the
  ``owl:equivalentClass`` definitions (a closed-world structural check of the record's own
  facts), so "insulinoma" or "ileal NET G2" come from the ontology, not from Python tables.

No threshold, code or class IRI of the WHO scheme is written in this module.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from . import namespaces as ns
from .bounds import bounds_text, number_text, within
from .contract import Contract
from .vocab import NENKG

N = ns.ENTITY_PREFIXES["NENKG"]
GRADING, CATEGORY, CONSISTENCY = NENKG.grading_criterion, NENKG.category_criterion, NENKG.consistency_criterion
SCHEME = NENKG.grading_scheme_class
RO_LOCATION = URIRef(ns.OBO + "RO_0004026")
RO_MODIFIER = URIRef(ns.OBO + "RO_0002573")
RO_CAUSES = URIRef(ns.OBO + "RO_0003303")
PART_OF = URIRef(ns.OBO + "BFO_0000050")
CONTEXT = NENKG.arises_in_context_of
PREDISPOSES = NENKG.predisposes_to
NEN = NENKG.neuroendocrine_neoplasm
NO_CATEGORY = NENKG.no_who_category
#: what a record's hormone_syndrome must name for the tumour to count as functioning (the filler
#: of the definition of 'functioning neuroendocrine neoplasm')
HORMONE_SYNDROME = NENKG.hormone_hypersecretion_syndrome

#: Outcome.status values: a record realised below 'neuroendocrine neoplasm' is classified; one
#: realised outside it (adrenocortical carcinoma, goblet cell adenocarcinoma, neuroblastoma...),
#: or that a criterion puts in no category at all (a mixed tumour with a minor neuroendocrine
#: component), is not a NEN. Rejected records never reach the classifier.
CLASSIFIED, NOT_NEN = "classified", "not_nen"


@dataclass(frozen=True)
class Criterion:
    iri: URIRef
    label: str
    kind: URIRef
    variable: URIRef
    lower: Decimal | None
    lower_incl: bool
    upper: Decimal | None
    upper_incl: bool
    required: frozenset[URIRef]
    assigns: URIRef | None
    sites: frozenset[URIRef]
    differentiation: URIRef | None
    edition: str
    message: str | None
    variable_required: bool
    scheme: URIRef | None = None
    #: criteria not applied to a record that meets this (consistency) criterion
    sets_aside: frozenset[URIRef] = frozenset()

    @property
    def curie(self) -> str:
        return ns.contract(str(self.iri)) or str(self.iri)

    @property
    def numeric(self) -> bool:
        return self.lower is not None or self.upper is not None

    def in_scope(self, site_closure: frozenset[URIRef], differentiation: URIRef | None) -> bool:
        if self.sites and not (self.sites & site_closure):
            return False
        return self.differentiation is None or self.differentiation == differentiation

    def met_by(self, value) -> bool:
        """Whether a present value meets the criterion (bounds and required values)."""
        if self.required and value not in self.required:
            return False
        return not self.numeric or within(value, self.lower, self.lower_incl, self.upper, self.upper_incl)

    def describe(self) -> str:
        return bounds_text(self.lower, self.lower_incl, self.upper, self.upper_incl)


@dataclass(frozen=True)
class GradingScheme:
    """Which WHO grading applies at a group of sites (``criteria.yaml``, type NENKG:0004004)."""

    iri: URIRef
    label: str
    sites: frozenset[URIRef]
    computable: bool
    message: str | None

    @property
    def curie(self) -> str:
        return ns.contract(str(self.iri)) or str(self.iri)


@dataclass
class Outcome:
    """What the classifier says about one valid record."""

    #: "classified" (a neuroendocrine neoplasm) or "not_nen" (the reason says why)
    status: str = CLASSIFIED
    category: str = ""
    class_iri: str = ""
    grade: str = ""
    icdo3: str = ""
    #: "yes" (a clinical hormone syndrome is stated), "no" (the record states there is none) or
    #: "unknown" (hormone_syndrome left blank)
    functional: str = "unknown"
    syndrome: str = ""
    hereditary_syndrome: str = ""
    predisposed_to: str = ""
    reason: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)
    grade_iri: str = ""
    #: TNM staging (``staging.py``): the scheme, the categories and stage group (labels; empty
    #: when not staged or not determined) and their IRIs
    stage_scheme: str = ""
    stage_scheme_iri: str = ""
    t_category: str = ""
    n_category: str = ""
    m_category: str = ""
    stage_iris: tuple[str, str, str] = ("", "", "")
    stage_group: str = ""
    stage_group_iri: str = ""
    #: the reason joined (the batch path keeps it, with number placeholders, per template)
    reason_text: str = ""
    #: numeric columns whose values the reason quotes (placeholders in reason_text)
    placeholders: tuple[str, ...] = ()
    #: CSV pieces around the reason, cached by the batch writer
    csv_pieces: tuple | None = None


class RejectRecord(ValueError):
    """A record that cannot be classified: names the field and the reason."""

    def __init__(self, field_name: str, reason: str):
        self.field = field_name
        self.reason = reason
        super().__init__(f"{field_name}: {reason}")


class Knowledge:
    """Criteria, vocabularies and definitions read once from a release graph."""

    def __init__(self, graph: Graph):
        self.g = graph
        self._ancestors: dict[URIRef, frozenset[URIRef]] = {}
        self._realised: dict[tuple, tuple[URIRef, ...]] = {}
        self._restrictions: dict[URIRef, frozenset] = {}
        self.labels: dict[URIRef, str] = {}
        for s, o in graph.subject_objects(RDFS.label):
            if isinstance(s, URIRef):
                self.labels.setdefault(s, str(o))
        self.parents: dict[URIRef, set[URIRef]] = defaultdict(set)
        for s, o in graph.subject_objects(RDFS.subClassOf):
            if not isinstance(s, URIRef):
                continue
            if isinstance(o, URIRef):
                self.parents[s].add(o)
            elif (o, OWL.onProperty, PART_OF) in graph:
                filler = graph.value(o, OWL.someValuesFrom)
                if isinstance(filler, URIRef):
                    self.parents[s].add(filler)  # part-of counts as "within" for site scope
        for s, o in graph.subject_objects(OWL.equivalentClass):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                self.parents[s].add(o)
                self.parents[o].add(s)
        self.criteria = self._read_criteria()
        self.schemes = [
            GradingScheme(
                iri=s, label=str(graph.value(s, RDFS.label)), sites=frozenset(graph.objects(s, NENKG.site_scope)),
                computable=bool(graph.value(s, NENKG.computable_from_fields) is not None and graph.value(s, NENKG.computable_from_fields).toPython()),
                message=str(graph.value(s, NENKG.criterion_message)) if graph.value(s, NENKG.criterion_message) is not None else None,
            )
            for s in sorted(graph.subjects(RDF.type, SCHEME))
        ]
        self._schemes_by_site: dict[frozenset, GradingScheme | None] = {}
        self.contract = Contract(graph)
        self.columns = {f.name: f.prop for f in self.contract}
        self._column_of = {p: c for c, p in self.columns.items()}
        self.definitions = {
            s: self._expr(o) for s, o in graph.subject_objects(OWL.equivalentClass)
            if isinstance(s, URIRef) and str(s).startswith(N) and isinstance(o, BNode)
        }
        self.icdo: dict[URIRef, set[str]] = defaultdict(set)
        for s, o in graph.subject_objects(ns.OBOINOWL.hasDbXref):
            if str(o).startswith("ICDO:"):
                self.icdo[s].add(str(o)[5:])
        self.rank = {s: int(o) for s, o in graph.subject_objects(NENKG.grade_rank)}
        # every NENKG class may be realised: defined ones by their definition, primitive ones
        # only through the types the criteria assign
        self.candidates = {s for s in graph.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef) and str(s).startswith(N)}
        self.predisposes: dict[URIRef, set[URIRef]] = defaultdict(set)
        for s, o in graph.subject_objects(RDFS.subClassOf):
            if isinstance(o, BNode) and (o, OWL.onProperty, PREDISPOSES) in graph:
                filler = graph.value(o, OWL.someValuesFrom)
                if isinstance(filler, URIRef):
                    self.predisposes[s].add(filler)
        from .staging import StagingKnowledge

        self.staging = StagingKnowledge(self)

    # -- reading ---------------------------------------------------------------------------------
    def _read_criteria(self) -> list[Criterion]:
        g = self.g
        out = []
        for kind in (GRADING, CATEGORY, CONSISTENCY):
            for c in sorted(g.subjects(RDF.type, kind)):
                def val(p, c=c):
                    return g.value(c, getattr(NENKG, p))

                def dec(p):
                    v = val(p)
                    return Decimal(str(v)) if v is not None else None

                out.append(Criterion(
                    iri=c, label=str(g.value(c, RDFS.label)), kind=kind, variable=val("criterion_variable"),
                    lower=dec("lower_bound"), lower_incl=bool(val("lower_inclusive") and val("lower_inclusive").toPython()),
                    upper=dec("upper_bound"), upper_incl=bool(val("upper_inclusive") and val("upper_inclusive").toPython()),
                    required=frozenset(g.objects(c, NENKG.required_value)), assigns=val("assigns"),
                    sites=frozenset(g.objects(c, NENKG.site_scope)), differentiation=val("differentiation_scope"),
                    edition=str(val("who_edition") or ""), message=str(val("criterion_message")) if val("criterion_message") else None,
                    variable_required=bool(val("variable_required") and val("variable_required").toPython()),
                    scheme=val("grading_scheme"), sets_aside=frozenset(g.objects(c, NENKG.sets_aside)),
                ))
        if not out:
            raise ValueError("the graph holds no classification criteria (is it a NENKG release?)")
        return out

    def _expr(self, node):
        g = self.g
        if isinstance(node, URIRef):
            return ("class", node)
        if (node, RDF.type, OWL.Restriction) in g:
            prop = g.value(node, OWL.onProperty)
            filler = g.value(node, OWL.someValuesFrom)
            return ("some", prop, self._expr(filler))
        for pred, kind in ((OWL.intersectionOf, "and"), (OWL.unionOf, "or")):
            head = g.value(node, pred)
            if head is not None:
                items = []
                while head and head != RDF.nil:
                    items.append(self._expr(g.value(head, RDF.first)))
                    head = g.value(head, RDF.rest)
                return (kind, tuple(items))
        comp = g.value(node, OWL.complementOf)
        if comp is not None:
            return ("not", self._expr(comp))
        return ("unknown",)

    def ancestors(self, node: URIRef) -> frozenset[URIRef]:
        cached = self._ancestors.get(node)
        if cached is not None:
            return cached
        seen, todo = {node}, [node]
        while todo:
            for p in self.parents.get(todo.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        self._ancestors[node] = result = frozenset(seen)
        return result

    def label(self, iri: URIRef | None) -> str:
        return self.labels.get(iri, str(iri)) if iri is not None else ""

    def column(self, prop: URIRef) -> str:
        return self._column_of.get(prop, str(prop))

    def scheme_for(self, site_closure: frozenset[URIRef]) -> GradingScheme | None:
        """The grading scheme of a site: among the schemes whose site scope holds the site (or a
        site it is part of), the one scoped most narrowly (a salivary gland is head and neck,
        not digestive system, if the anatomy counts it in both)."""
        if site_closure in self._schemes_by_site:
            return self._schemes_by_site[site_closure]
        best, depth = None, -1
        for scheme in self.schemes:
            for site in scheme.sites & site_closure:
                d = len(self.ancestors(site))
                if d > depth or (d == depth and best is not None and str(scheme.iri) < str(best.iri)):
                    best, depth = scheme, d
        self._schemes_by_site[site_closure] = best
        return best

    # -- realisation -------------------------------------------------------------------------------
    def realise(self, types: frozenset, facts: tuple) -> tuple[URIRef, ...]:
        """Most specific NENKG classes whose definitions the record's facts satisfy (cached:
        records share few distinct combinations of facts)."""
        key = (types, facts)
        if key not in self._realised:
            self._realised[key] = self._realise(types, facts)
        return self._realised[key]

    def _realise(self, types: frozenset, facts: tuple) -> tuple[URIRef, ...]:
        """The realisation is three-valued: a property the record states is closed (a stated
        'no clinical hormone syndrome' makes ``causes some syndrome`` false), a property it
        leaves blank is unknown, so ``not (causes some syndrome)`` holds only when the record
        states that there is none, never when the field is blank."""
        fact_map: dict[URIRef, frozenset] = dict(facts)
        type_closure = frozenset().union(*(self.ancestors(t) for t in types)) if types else frozenset()
        memo: dict[URIRef, bool | None] = {}

        def holds(expr) -> bool | None:  # Kleene logic: True, False or None (unknown)
            kind = expr[0]
            if kind == "class":
                return is_a(expr[1])
            if kind in ("and", "or"):
                values = [holds(e) for e in expr[1]]
                decisive, other = (False, True) if kind == "and" else (True, False)
                if decisive in values:
                    return decisive
                return None if None in values else other
            if kind == "not":
                v = holds(expr[1])
                return None if v is None else not v
            if kind == "some":
                stated = fact_map.get(expr[1])
                if stated is None:
                    return None
                return any(value_in(v, expr[2]) for v in stated)
            return False

        def value_in(value: URIRef, filler) -> bool:
            if filler[0] == "class":
                return filler[1] in self.ancestors(value)
            if filler[0] == "or":
                return any(value_in(value, f) for f in filler[1])
            return False

        def is_a(cls: URIRef) -> bool | None:
            if cls in type_closure:
                return True
            if cls not in memo:
                memo[cls] = False  # guards cycles through equivalences
                definition = self.definitions.get(cls)
                memo[cls] = holds(definition) if definition else False
            return memo[cls]

        satisfied = {c for c in self.candidates if is_a(c) is True}
        maximal = [c for c in satisfied if not any(o != c and c in self.ancestors(o) and o not in self.ancestors(c) for o in satisfied)]
        # the criteria's own assignments (the most specific asserted types) anchor the choice:
        # a class below them beats a cross-cutting one (e.g. 'non-functioning NEN'); among
        # those, the class that carries more of the stated facts (a syndrome, a cytology, a
        # background) beats one that carries only a more specific site, so that no stated fact
        # is dropped for a site class; then the more specific class wins
        anchors = [t for t in types if not any(o != t and t in self.ancestors(o) for o in types)]
        stated = [(p, v) for p, values in facts if p != RO_LOCATION for v in values]

        def rank(c: URIRef):
            below = all(a in self.ancestors(c) for a in anchors)
            return (not below, -len(self.carried(c, stated)), -len(self.ancestors(c)), str(c))

        return tuple(sorted(maximal, key=rank))

    def carried(self, cls: URIRef, stated) -> frozenset:
        """The stated facts (property, value) that a class's definition, or the definition of a
        class above it, names in a positive existential restriction."""
        restrictions = self._restrictions.get(cls)
        if restrictions is None:
            found: set = set()

            def walk(expr):
                if expr[0] == "some":
                    found.add((expr[1], expr[2]))
                elif expr[0] in ("and", "or"):
                    for e in expr[1]:
                        walk(e)

            for a in self.ancestors(cls):
                d = self.definitions.get(a)
                if d is not None:
                    walk(d)
            restrictions = self._restrictions[cls] = frozenset(found)
        out = set()
        for p, v in stated:
            for rp, filler in restrictions:
                if rp == p and _value_in(self, v, filler):
                    out.add((p, v))
                    break
        return frozenset(out)


def _value_in(k: Knowledge, value: URIRef, filler) -> bool:
    if filler[0] == "class":
        return filler[1] in k.ancestors(value)
    if filler[0] == "or":
        return any(_value_in(k, value, f) for f in filler[1])
    return False


@dataclass
class Record:
    """One parsed, valid record: IRIs for categorical fields, Decimals for numbers."""

    record_id: str
    primary_site: URIRef
    differentiation: URIRef | None = None
    ki67_percent: Decimal | None = None
    mitoses_per_2mm2: Decimal | None = None
    necrosis: URIRef | None = None
    cytology: URIRef | None = None
    ne_component_percent: Decimal | None = None
    hormone_syndrome: URIRef | None = None
    gastric_background: URIRef | None = None
    hereditary_syndrome: URIRef | None = None
    size_mm: Decimal | None = None
    metastatic_sites: tuple[URIRef, ...] = ()
    age: int | None = None
    sex: str | None = None
    #: ICD-O-3 codes as given: (canonical code, the terms that carry it)
    topography_code: tuple | None = None
    morphology_code: tuple | None = None
    #: staging findings and stated categories (``staging.py``)
    invasion_extent: URIRef | None = None
    positive_nodes: int | None = None
    mesenteric_mass: URIRef | None = None
    distant_metastasis: URIRef | None = None
    #: regional lymph node finding (node region or how found; the lung, MCC, PPGL and MTC schemes)
    regional_nodes: URIRef | None = None
    t_category: URIRef | None = None
    n_category: URIRef | None = None
    m_category: URIRef | None = None
    #: the stripped text of every field as given, used to quote values in the reason
    texts: dict[str, str] = field(default_factory=dict)
    #: facts the record's codes supplied, and disagreements with what it states (records.make_record)
    notes: list[str] = field(default_factory=list)
    stated_warnings: list[str] = field(default_factory=list)

    def value(self, column: str):
        return getattr(self, column, None)




class Classifier:
    #: the record fields the classifier turns into facts itself (beyond the fields its criteria
    #: test, which the release names): the batch path keys its cache on both
    FACT_FIELDS = ("primary_site", "differentiation", "hormone_syndrome", "gastric_background",
                   "hereditary_syndrome", "topography_code", "morphology_code")

    def __init__(self, knowledge: Knowledge, stage: bool = True):
        self.k = knowledge
        #: whether classify() also stages the record (the batch path stages apart, per distinct
        #: staging findings, see fastpath.py)
        self.stage = stage

    def _quote(self, rec: Record, column: str, value) -> str:
        """A numeric value as the record wrote it; a term as label and CURIE."""
        if not isinstance(value, URIRef) and rec.texts.get(column):
            return rec.texts[column]
        return self._fmt(value)

    def _fmt(self, value) -> str:
        """A value as the reason shows it: label and CURIE for terms, plain numbers."""
        if isinstance(value, URIRef):
            curie = ns.contract(str(value)) or str(value)
            label = self.k.labels.get(value)
            return f"{label} ({curie})" if label else curie
        if isinstance(value, Decimal):
            return number_text(value)
        return str(value)

    def classify(self, rec: Record) -> Outcome:
        out = self.classify_unstaged(rec)
        if self.stage:
            self.stage_record(rec, out)
        return out

    def stage_record(self, rec: Record, out: Outcome) -> None:
        """4. The TNM stage of a classified record (the schemes and criteria of
        ontology/src/staging), appended last to its reason and warnings."""
        if out.status == CLASSIFIED:
            self.k.staging.stage(rec, out, self._quote)

    def classify_unstaged(self, rec: Record) -> Outcome:
        k = self.k
        out = Outcome()
        sites = k.ancestors(rec.primary_site)
        out.reason.append(f"primary site {self._fmt(rec.primary_site)}")
        types: set[URIRef] = set()
        modifiers: set[URIRef] = set()
        graded = False
        grade: URIRef | None = None

        # the site's grading scheme decides which grading criteria apply: never another site's
        scheme = k.scheme_for(sites)
        in_scope = [c for c in k.criteria if c.in_scope(sites, rec.differentiation)
                    and (c.kind != GRADING or c.scheme is None or (scheme is not None and c.scheme == scheme.iri))]
        # 0. consistency criteria: a stated finding that is unusual is a warning; one that
        # contradicts what another criterion would assign also sets that criterion aside, so the
        # record is classified by what it states (a warning names the finding, never a silent
        # category)
        set_aside: dict[URIRef, Criterion] = {}
        for c in in_scope:
            if c.kind != CONSISTENCY:
                continue
            col = k.column(c.variable)
            v = rec.value(col)
            if v is None or not c.met_by(v):
                continue
            if c.sets_aside:
                out.warnings.append(f"{col} {self._quote(rec, col, v)} conflicts: {c.message} [{c.curie}]")
                for s in c.sets_aside:
                    set_aside[s] = c
            else:
                out.warnings.append(f"{c.message} [{c.curie}]")
        excluded: set[URIRef] = set()
        if set_aside:
            for c in in_scope:
                if c.iri in set_aside:
                    why = set_aside[c.iri]
                    out.reason.append(f"{c.curie} '{c.label}' not applied: contradicted [{why.curie}]")
                    if c.assigns in k.candidates:
                        excluded.add(c.assigns)
            in_scope = [c for c in in_scope if c.iri not in set_aside]
        grading = [c for c in in_scope if c.kind == GRADING]
        # 1. categories fixed by the site (outside the G1-G3 scheme, or outside NENs)
        site_rules = [c for c in in_scope if c.kind == CATEGORY and c.variable == k.columns.get("primary_site") and c.sites]
        if site_rules:
            rule = max(site_rules, key=lambda c: len(k.ancestors(next(iter(c.sites)))))
            types.add(rule.assigns)
            out.criteria.append(rule.curie)
            out.reason.append(f"site -> {k.label(rule.assigns)} [{rule.curie}]")
            if rec.differentiation is not None:
                modifiers.add(rec.differentiation)
            if grading:
                grade = self._grade_named_tumour(rec, grading, out)
        else:
            if rec.differentiation is None:
                raise RejectRecord("differentiation", "required to classify a neuroendocrine neoplasm at this site (well, poor or mixed)")
            modifiers.add(rec.differentiation)
            types.add(NEN)
            if excluded and grading:
                # the site's scheme grades the tumour the site names, which this record is not
                out.reason.append(f"not graded: {scheme.label if scheme else 'the scheme of this site'} grades "
                                  f"{', '.join(sorted(k.label(e) for e in excluded))} only")
                grading = []
                in_scope = [c for c in in_scope if c.kind != GRADING]
            grade, graded = self._categories(rec, in_scope, types, modifiers, out)
            if not graded and rec.differentiation is not None and any(
                c.kind == GRADING and c.differentiation == rec.differentiation for c in k.criteria
            ) and not grading and (scheme is None or scheme.computable) and not excluded:
                text = f"no WHO grading criteria for a {k.label(rec.differentiation)} tumour at {k.label(rec.primary_site)}; not graded"
                out.reason.append(text)
                out.warnings.append(text)
        if scheme is not None and not scheme.computable and scheme.message:
            if excluded:
                out.reason.append(f"not graded: the site's scheme, {scheme.label} [{scheme.curie}], applies to "
                                  f"{', '.join(sorted(k.label(e) for e in excluded))}, which this record is not")
            else:
                out.reason.append(f"{scheme.message} [{scheme.curie}]")
        # 2. realisation against the class definitions
        facts = [(RO_LOCATION, frozenset({rec.primary_site})), (RO_MODIFIER, frozenset(modifiers | ({grade} if grade else set())))]
        if rec.hormone_syndrome is not None:
            facts.append((RO_CAUSES, frozenset({rec.hormone_syndrome})))
        if rec.gastric_background is not None:
            facts.append((CONTEXT, frozenset({rec.gastric_background})))
        ungraded_facts = tuple((p, v - {grade}) if p == RO_MODIFIER else (p, v) for p, v in facts)
        frozen_types = frozenset(types)
        # a set-aside criterion's class stays out of the realisation, unless another criterion
        # assigned it or a class below it (a set-aside 'neuroendocrine neoplasm' stays in)
        excluded -= frozenset().union(*(k.ancestors(t) for t in types)) if types else frozenset()
        entity = self._allowed(k.realise(frozen_types, ungraded_facts), excluded)
        best = entity[0] if entity else None
        with_grade: tuple[URIRef, ...] = ()
        if grade is not None:
            with_grade = self._allowed(k.realise(frozen_types, tuple(facts)), excluded)
            inside = [c for c in with_grade if best is not None and best in k.ancestors(c)]
            if inside:
                best = inside[0]
        if best is not None:
            self._not_specific(best, entity, frozen_types, out)
            out.category, out.class_iri = k.label(best), str(best)
            out.icdo3 = self._icdo(best, [c for c in with_grade if c != best], grade)
        if best is None or NEN not in k.ancestors(best):
            # data, not a list: whatever the record is realised as lies outside 'neuroendocrine
            # neoplasm' (a class disjoint from it, or no class when a criterion assigned 'no
            # WHO category')
            out.status = NOT_NEN
            grade = None
            if best is None:
                why = [c for c in k.criteria if c.curie in out.criteria and c.assigns == NO_CATEGORY and c.kind == CATEGORY]
                what = f"{why[0].label} [{why[0].curie}]" if why else "no category applies"
                out.reason.append(f"not a neuroendocrine neoplasm: {what}")
            else:
                disjoint = (best, OWL.disjointWith, NEN) in k.g or any((a, OWL.disjointWith, NEN) in k.g for a in k.ancestors(best))
                out.reason.append(f"not a neuroendocrine neoplasm: {k.label(best)} is "
                                  f"{'disjoint with' if disjoint else 'outside'} {k.label(NEN)} [{ns.contract(str(NEN))}]")
        if grade is not None:
            out.grade = k.label(grade).rsplit(" ", 1)[-1]
            out.grade_iri = str(grade)
        # 3. function and heredity
        if rec.hormone_syndrome is None:
            out.functional = "unknown"
            out.reason.append("hormone_syndrome not reported -> functional status unknown")
        elif HORMONE_SYNDROME in k.ancestors(rec.hormone_syndrome):
            out.functional = "yes"
            out.syndrome = k.label(rec.hormone_syndrome)
            out.reason.append(f"clinical syndrome {out.syndrome} -> functioning")
        else:
            out.functional = "no"
            out.reason.append(f"{k.label(rec.hormone_syndrome)} -> non-functioning")
        if rec.hereditary_syndrome is not None:
            out.hereditary_syndrome = k.label(rec.hereditary_syndrome)
            tumours = set()
            for s in k.ancestors(rec.hereditary_syndrome):
                tumours |= k.predisposes.get(s, set())
            out.predisposed_to = "; ".join(sorted(k.label(t) for t in tumours))
            if best is not None and any(t in k.ancestors(best) and t != NEN for t in tumours):
                out.reason.append(f"{out.hereditary_syndrome} predisposes to this tumour")
        return out

    def _allowed(self, realised: tuple[URIRef, ...], excluded: set[URIRef]) -> tuple[URIRef, ...]:
        """The realised classes without those a contradicted criterion would have assigned."""
        if not excluded:
            return realised
        return tuple(c for c in realised if not (excluded & self.k.ancestors(c)))

    def _not_specific(self, best: URIRef, entity: tuple[URIRef, ...], types: frozenset, out: Outcome) -> None:
        """Name the site classes the chosen class is not specific to: another realised class
        under the same criteria that the record also satisfies, dropped because it would lose a
        stated fact (a syndrome, a cytology)."""
        k = self.k
        anchors = [t for t in types if not any(o != t and t in k.ancestors(o) for o in types)]
        others = [c for c in entity if c != best and c not in k.ancestors(best) and best not in k.ancestors(c)
                  and all(a in k.ancestors(c) for a in anchors)
                  and any(self._location_restricted(x) for x in k.ancestors(c) - k.ancestors(best))]
        if others:
            out.reason.append(f"no class carries every stated fact: {k.label(best)} keeps them, "
                              f"not specific to {'; '.join(k.label(c) for c in others)}")

    def _location_restricted(self, cls: URIRef) -> bool:
        d = self.k.definitions.get(cls)

        def walk(e):
            if e[0] == "some":
                return e[1] == RO_LOCATION
            if e[0] in ("and", "or"):
                return any(walk(x) for x in e[1])
            return False

        return d is not None and walk(d)

    def _categories(self, rec: Record, in_scope: list[Criterion], types: set, modifiers: set, out: Outcome):
        k = self.k
        grade: URIRef | None = None
        graded = False
        for c in in_scope:
            if c.kind != CATEGORY or c.variable == k.columns.get("primary_site"):
                continue
            col = k.column(c.variable)
            value = rec.value(col)
            if value is None:
                if c.variable_required:
                    raise RejectRecord(col, f"required by criterion {c.curie} '{c.label}'")
                continue
            if not c.required and not c.numeric:
                continue  # documentary criterion (its logic lives in the class definitions)
            if c.met_by(value):
                out.criteria.append(c.curie)
                bound = f" {c.describe()}" if c.numeric else ""
                out.reason.append(f"{col} {self._quote(rec, col, value)}{bound} -> {k.label(c.assigns)} [{c.curie}]")
                if c.message:
                    out.warnings.append(f"{c.message} [{c.curie}]")
                if c.assigns == NO_CATEGORY:
                    types.clear()  # the record falls outside the neoplasm categories
                elif c.assigns in k.rank or NENKG.histopathological_characteristic in k.ancestors(c.assigns):
                    modifiers.add(c.assigns)  # a grade or a cytology: a modifier of the neoplasm
                else:
                    types.add(c.assigns)
        grading = [c for c in in_scope if c.kind == GRADING]
        if grading and rec.differentiation is not None:
            grade, graded = self._grade(rec, grading, out)
        return grade, graded

    def _grade_named_tumour(self, rec: Record, grading: list[Criterion], out: Outcome) -> URIRef | None:
        """Grade a tumour that its site names (such as medullary thyroid carcinoma) by its own
        scheme. The grade is optional: with none of the scheme's fields there is no grade, and
        the lowest grade, which needs every finding to be low, is given only when every field
        of the scheme is present; a single high finding is enough for a higher grade."""
        k = self.k
        variables = sorted({c.variable for c in grading})
        present = [v for v in variables if rec.value(k.column(v)) is not None]
        if not present:
            out.reason.append(f"not graded: none of {', '.join(k.column(v) for v in variables)} given")
            return None
        grade, _ = self._grade(rec, grading, out)
        lowest = min((k.rank.get(c.assigns, 0) for c in grading if c.assigns in k.rank), default=0)
        if grade is not None and k.rank.get(grade, 0) == lowest and len(present) < len(variables):
            missing = [k.column(v) for v in variables if v not in present]
            out.warnings.append(f"{k.label(grade)} needs every finding of the scheme; {', '.join(missing)} missing; not graded")
            return None
        return grade

    def _grade(self, rec: Record, grading: list[Criterion], out: Outcome):
        k = self.k
        variables = {c.variable for c in grading}
        present = {v for v in variables if rec.value(k.column(v)) is not None}
        missing = sorted(k.column(c.variable) for c in grading if c.variable_required and c.variable not in present)
        if missing:
            raise RejectRecord(missing[0], f"required to grade a well differentiated tumour at this site ({', '.join(sorted(set(missing)))})")
        if not present:
            names = " or ".join(sorted(k.column(v) for v in variables))
            raise RejectRecord(names.split(" or ")[0], f"grading at this site needs {names}")
        by_variable: dict[URIRef, URIRef] = {}
        no_grade: list[Criterion] = []
        for c in grading:
            col = k.column(c.variable)
            value = rec.value(col)
            if value is None or not c.met_by(value):
                continue
            out.criteria.append(c.curie)
            if c.assigns == NO_CATEGORY:
                no_grade.append(c)
                continue
            prev = by_variable.get(c.variable)
            if prev is None or k.rank.get(c.assigns, 0) > k.rank.get(prev, 0):
                by_variable[c.variable] = c.assigns
            bound = f" {c.describe()}" if c.numeric else ""
            out.reason.append(f"{col} {self._quote(rec, col, value)}{bound} -> {k.label(c.assigns)} [{c.curie}]")
        if no_grade:
            for c in no_grade:
                out.warnings.append(f"{c.message} [{c.curie}]")
                col = k.column(c.variable)
                out.reason.append(f"{col} {self._quote(rec, col, rec.value(col))} {c.describe()} -> no WHO grade [{c.curie}]")
            return None, True
        if not by_variable:
            return None, True
        grade = max(by_variable.values(), key=lambda gr: k.rank.get(gr, 0))
        numeric = {v: g for v, g in by_variable.items() if any(c.variable == v and c.numeric for c in grading)}
        if len(set(numeric.values())) > 1:
            detail = ", ".join(f"{k.column(v)} gives {k.label(g).rsplit(' ', 1)[-1]}" for v, g in sorted(numeric.items()))
            out.warnings.append(f"discordant indices ({detail}); the higher grade wins")
        if len(by_variable) > 1:
            out.reason.append(f"higher grade wins: {k.label(grade).rsplit(' ', 1)[-1]}")
        return grade, True

    # The ICD-O-3 morphology code (Outcome.icdo3) follows the code lists of the WHO
    # Classification of Tumours, 5th edition (Digestive System Tumours 2019, "WHO classification
    # of neuroendocrine neoplasms of the digestive system" and the pancreatic NEN chapter;
    # Thoracic Tumours 2021; Endocrine and Neuroendocrine Tumours 2022), which give each named
    # entity its own code and code the NET and NEC without a more specific name by grade:
    #
    # * a type code wins: the code of the most specific class the record is realised as, or of
    #   the nearest class above it, when that class carries exactly one code. A class named by a
    #   stated fact has its own: a clinical syndrome (insulinoma 8151/3, glucagonoma 8152/3,
    #   gastrinoma 8153/3, VIPoma 8155/3, somatostatinoma 8156/3, ACTH-producing 8158/3,
    #   serotonin-producing 8241/3; a pancreatic NET whose record states no syndrome is the
    #   non-functioning PanNET 8150/3), a cytology (small cell NEC 8041/3, large cell NEC
    #   8013/3, combined small cell lung carcinoma 8045/3), a component share (MiNEN 8154/3), a
    #   site entity (medullary thyroid carcinoma 8345/3, pheochromocytoma 8700/3,
    #   paraganglioma 8680/3 and 8693/3, Merkel cell carcinoma 8247/3);
    # * otherwise the grade code: when the nearest coded class has several codes (a NET of a
    #   site, 8240/3 or 8249/3), the code of the graded class the record also realises: NET G1
    #   (and typical carcinoid) 8240/3, NET G2 and G3 (and atypical carcinoid) 8249/3; NEC
    #   without a cell type 8246/3. An ungraded NET stays with the first code of its class.
    def _icdo(self, best: URIRef, graded: list[URIRef], grade: URIRef | None) -> str:
        k = self.k
        frontier, seen = [best], {best}
        while frontier:
            single = sorted(c for c in frontier if len(k.icdo.get(c, ())) == 1)
            if single:
                return next(iter(k.icdo[single[0]]))
            if any(len(k.icdo.get(c, ())) > 1 for c in frontier):
                break  # the code depends on the grade
            frontier = sorted({p for c in frontier for p in k.parents.get(c, ()) if p not in seen})
            seen.update(frontier)
        # the grade code: breadth first from the graded classes (and the class itself)
        frontier, seen = [*graded, best], {best, *graded}
        while frontier:
            hits = sorted((c for c in frontier if len(k.icdo.get(c, ())) == 1),
                          key=lambda c: (grade is None or grade not in k.ancestors(c), str(c)))
            if hits:
                return next(iter(k.icdo[hits[0]]))
            nxt = []
            for c in frontier:
                for p in sorted(k.parents.get(c, ())):
                    if p not in seen:
                        seen.add(p)
                        nxt.append(p)
            frontier = nxt
        codes = sorted(k.icdo.get(best, ()))
        return codes[0] if codes else ""


def load_knowledge(path_or_graph) -> Knowledge:
    """Knowledge from a release file (parsed with pyoxigraph, which is several times faster
    than rdflib's parsers here) or from an rdflib Graph."""
    if isinstance(path_or_graph, Graph):
        return Knowledge(path_or_graph)
    return Knowledge(read_graph(str(path_or_graph)))


def read_graph(path: str) -> Graph:
    import pyoxigraph as ox

    from .store import to_rdflib

    formats = {"owl": ox.RdfFormat.RDF_XML, "rdf": ox.RdfFormat.RDF_XML, "ttl": ox.RdfFormat.TURTLE,
               "nt": ox.RdfFormat.N_TRIPLES}
    fmt = formats.get(path.rsplit(".", 1)[-1])
    if fmt is None:
        g = Graph()
        g.parse(path)
        return g
    g = Graph()
    terms: dict = {}  # each distinct term converted once (IRIs repeat across many triples)

    def term(t):
        found = terms.get(t)
        if found is None:
            found = terms[t] = to_rdflib(t)
        return found

    add = g.store.add
    for q in ox.parse(path=path, format=fmt):
        add((term(q.subject), term(q.predicate), term(q.object)), g)
    return g
