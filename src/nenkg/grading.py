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

N = ns.ENTITY_PREFIXES["NENKG"]
GRADING, CATEGORY, CONSISTENCY = (URIRef(N + x) for x in ("0004001", "0004002", "0004003"))
SCHEME = URIRef(N + "0004004")
P = {  # annotation properties of the criteria vocabulary
    name: URIRef(N + local)
    for name, local in {
        "csv_column": "0004020", "record_code": "0004021", "variable": "0004022",
        "lower": "0004023", "lower_incl": "0004024", "upper": "0004025", "upper_incl": "0004026",
        "required_value": "0004027", "assigns": "0004028", "site_scope": "0004029",
        "diff_scope": "0004009", "edition": "0004008", "grade_rank": "0004007",
        "message": "0004006", "variable_required": "0004010",
        "scheme": "0004011", "computable": "0004012",
    }.items()
}
RO_LOCATION = URIRef(ns.OBO + "RO_0004026")
RO_MODIFIER = URIRef(ns.OBO + "RO_0002573")
RO_CAUSES = URIRef(ns.OBO + "RO_0003303")
PART_OF = URIRef(ns.OBO + "BFO_0000050")
CONTEXT = URIRef(N + "0003011")
PREDISPOSES = URIRef(N + "0003001")
NEN = URIRef(N + "0000001")
NO_CATEGORY = URIRef(N + "0004056")


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
        if self.numeric:
            v = Decimal(str(value))
            if self.lower is not None and (v < self.lower or (v == self.lower and not self.lower_incl)):
                return False
            if self.upper is not None and (v > self.upper or (v == self.upper and not self.upper_incl)):
                return False
        return True

    def describe(self) -> str:
        parts = []
        if self.lower is not None:
            parts.append(f"{'>=' if self.lower_incl else '>'} {_num(self.lower)}")
        if self.upper is not None:
            parts.append(f"{'<=' if self.upper_incl else '<'} {_num(self.upper)}")
        return " and ".join(parts)


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


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral() else str(d)


@dataclass
class Outcome:
    """What the classifier says about one valid record."""

    category: str = ""
    class_iri: str = ""
    grade: str = ""
    icdo3: str = ""
    functional: str = "no"
    syndrome: str = ""
    hereditary_syndrome: str = ""
    predisposed_to: str = ""
    reason: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)
    grade_iri: str = ""
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
                iri=s, label=str(graph.value(s, RDFS.label)), sites=frozenset(graph.objects(s, P["site_scope"])),
                computable=bool(graph.value(s, P["computable"]) is not None and graph.value(s, P["computable"]).toPython()),
                message=str(graph.value(s, P["message"])) if graph.value(s, P["message"]) is not None else None,
            )
            for s in sorted(graph.subjects(RDF.type, SCHEME))
        ]
        self._schemes_by_site: dict[frozenset, GradingScheme | None] = {}
        self.columns = {str(c): p for p, c in graph.subject_objects(P["csv_column"])}
        self._column_of = {p: c for c, p in self.columns.items()}
        self.definitions = {
            s: self._expr(o) for s, o in graph.subject_objects(OWL.equivalentClass)
            if isinstance(s, URIRef) and str(s).startswith(N) and isinstance(o, BNode)
        }
        self.icdo: dict[URIRef, set[str]] = defaultdict(set)
        for s, o in graph.subject_objects(ns.OBOINOWL.hasDbXref):
            if str(o).startswith("ICDO:"):
                self.icdo[s].add(str(o)[5:])
        self.rank = {s: int(o) for s, o in graph.subject_objects(P["grade_rank"])}
        # every NENKG class may be realised: defined ones by their definition, primitive ones
        # only through the types the criteria assign
        self.candidates = {s for s in graph.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef) and str(s).startswith(N)}
        self.predisposes: dict[URIRef, set[URIRef]] = defaultdict(set)
        for s, o in graph.subject_objects(RDFS.subClassOf):
            if isinstance(o, BNode) and (o, OWL.onProperty, PREDISPOSES) in graph:
                filler = graph.value(o, OWL.someValuesFrom)
                if isinstance(filler, URIRef):
                    self.predisposes[s].add(filler)

    # -- reading ---------------------------------------------------------------------------------
    def _read_criteria(self) -> list[Criterion]:
        g = self.g
        out = []
        for kind in (GRADING, CATEGORY, CONSISTENCY):
            for c in sorted(g.subjects(RDF.type, kind)):
                def val(p, c=c):
                    return g.value(c, P[p])

                def dec(p):
                    v = val(p)
                    return Decimal(str(v)) if v is not None else None

                out.append(Criterion(
                    iri=c, label=str(g.value(c, RDFS.label)), kind=kind, variable=val("variable"),
                    lower=dec("lower"), lower_incl=bool(val("lower_incl") and val("lower_incl").toPython()),
                    upper=dec("upper"), upper_incl=bool(val("upper_incl") and val("upper_incl").toPython()),
                    required=frozenset(g.objects(c, P["required_value"])), assigns=val("assigns"),
                    sites=frozenset(g.objects(c, P["site_scope"])), differentiation=val("diff_scope"),
                    edition=str(val("edition") or ""), message=str(val("message")) if val("message") else None,
                    variable_required=bool(val("variable_required") and val("variable_required").toPython()),
                    scheme=val("scheme"),
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
        fact_map: dict[URIRef, frozenset] = dict(facts)
        type_closure = frozenset().union(*(self.ancestors(t) for t in types)) if types else frozenset()
        memo: dict[URIRef, bool] = {}

        def holds(expr) -> bool:
            kind = expr[0]
            if kind == "class":
                return is_a(expr[1])
            if kind == "and":
                return all(holds(e) for e in expr[1])
            if kind == "or":
                return any(holds(e) for e in expr[1])
            if kind == "not":
                return not holds(expr[1])
            if kind == "some":
                return any(value_in(v, expr[2]) for v in fact_map.get(expr[1], ()))
            return False

        def value_in(value: URIRef, filler) -> bool:
            if filler[0] == "class":
                return filler[1] in self.ancestors(value)
            if filler[0] == "or":
                return any(value_in(value, f) for f in filler[1])
            return False

        def is_a(cls: URIRef) -> bool:
            if cls in type_closure:
                return True
            if cls not in memo:
                memo[cls] = False  # guards cycles through equivalences
                definition = self.definitions.get(cls)
                memo[cls] = holds(definition) if definition else False
            return memo[cls]

        satisfied = {c for c in self.candidates if is_a(c)}
        maximal = [c for c in satisfied if not any(o != c and c in self.ancestors(o) and o not in self.ancestors(c) for o in satisfied)]
        # the criteria's own assignments (the most specific asserted types) anchor the choice:
        # a class below them beats a cross-cutting one (e.g. 'non-functioning NEN')
        anchors = [t for t in types if not any(o != t and t in self.ancestors(o) for o in types)]

        def rank(c: URIRef):
            below = all(a in self.ancestors(c) for a in anchors)
            return (not below, -len(self.ancestors(c)), str(c))

        return tuple(sorted(maximal, key=rank))


@dataclass
class Record:
    """One parsed, valid record: IRIs for categorical fields, Decimals for numbers."""

    record_id: str
    primary_site: URIRef
    differentiation: URIRef | None = None
    ki67_percent: Decimal | None = None
    mitoses_per_2mm2: int | None = None
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
    #: the stripped text of every field as given, used to quote values in the reason
    texts: dict[str, str] = field(default_factory=dict)

    def value(self, column: str):
        return getattr(self, column, None)




class Classifier:
    def __init__(self, knowledge: Knowledge):
        self.k = knowledge

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
            return _num(value)
        return str(value)

    def classify(self, rec: Record) -> Outcome:
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
            grade, graded = self._categories(rec, in_scope, types, modifiers, out)
            if not graded and rec.differentiation is not None and any(
                c.kind == GRADING and c.differentiation == rec.differentiation for c in k.criteria
            ) and not grading and (scheme is None or scheme.computable):
                out.warnings.append(f"no WHO grading criteria for a {k.label(rec.differentiation)} tumour at {k.label(rec.primary_site)}; not graded")
        if scheme is not None and not scheme.computable and scheme.message:
            out.reason.append(f"{scheme.message} [{scheme.curie}]")
        # 2. consistency warnings
        for c in in_scope:
            if c.kind == CONSISTENCY:
                v = rec.value(k.column(c.variable))
                if v is not None and c.met_by(v):
                    out.warnings.append(f"{c.message} [{c.curie}]")
        # 3. realisation against the class definitions
        facts = [(RO_LOCATION, frozenset({rec.primary_site})), (RO_MODIFIER, frozenset(modifiers | ({grade} if grade else set())))]
        if rec.hormone_syndrome is not None:
            facts.append((RO_CAUSES, frozenset({rec.hormone_syndrome})))
        if rec.gastric_background is not None:
            facts.append((CONTEXT, frozenset({rec.gastric_background})))
        ungraded_facts = tuple((p, v - {grade}) if p == RO_MODIFIER else (p, v) for p, v in facts)
        frozen_types = frozenset(types)
        entity = k.realise(frozen_types, ungraded_facts)
        best = entity[0] if entity else None
        with_grade: tuple[URIRef, ...] = ()
        if grade is not None:
            with_grade = k.realise(frozen_types, tuple(facts))
            inside = [c for c in with_grade if best is not None and best in k.ancestors(c)]
            if inside:
                best = inside[0]
        if best is not None:
            out.category, out.class_iri = k.label(best), str(best)
            out.icdo3 = self._icdo([best, *[c for c in with_grade if c != best]], grade)
        if grade is not None:
            out.grade = k.label(grade).rsplit(" ", 1)[-1]
            out.grade_iri = str(grade)
        # 4. function and heredity
        if rec.hormone_syndrome is not None:
            out.functional = "yes"
            out.syndrome = k.label(rec.hormone_syndrome)
            out.reason.append(f"clinical syndrome {out.syndrome} -> functioning")
        else:
            out.reason.append("no clinical hormone syndrome reported -> non-functioning")
        if rec.hereditary_syndrome is not None:
            out.hereditary_syndrome = k.label(rec.hereditary_syndrome)
            tumours = set()
            for s in k.ancestors(rec.hereditary_syndrome):
                tumours |= k.predisposes.get(s, set())
            out.predisposed_to = "; ".join(sorted(k.label(t) for t in tumours))
            if best is not None and any(t in k.ancestors(best) and t != NEN for t in tumours):
                out.reason.append(f"{out.hereditary_syndrome} predisposes to this tumour")
        return out

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
                if c.assigns in k.rank or str(c.assigns).startswith(N + "00020"):
                    modifiers.add(c.assigns)
                elif c.assigns == NO_CATEGORY:
                    types.clear()  # the record falls outside the neoplasm categories
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

    def _icdo(self, start: list[URIRef], grade: URIRef | None) -> str:
        """The ICD-O-3 code of the nearest class (breadth first from the realised classes) that
        carries exactly one code; among equally near ones a graded class wins."""
        k = self.k
        frontier, seen = list(start), set(start)
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
        return ""


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
    for q in ox.parse(path=path, format=fmt):
        g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return g
