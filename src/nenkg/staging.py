"""TNM staging of tumour records, from staging schemes and criteria stored in the graph.

Everything comes from the release graph (``ontology/src/staging/*.yaml``; the format is
``ontology/src/staging/README.md``):

* a scheme (type ``TNM staging scheme``) gives its sites (``site scope``), the classes it stages
  (``scheme applies to``), its edition and chapter, and the message for records at its sites it
  does not stage;
* each criterion (type ``staging criterion``) belongs to one or more schemes and assigns one T, N
  or M category or one stage group. Its conditions are a numeric field between bounds and, for
  each field its required values belong to, one of those values (values of one field are
  alternatives, different fields must all hold). A stage-group criterion requires categories:
  one of the listed T categories, N categories and M categories (an axis not listed: any);
* categories are classes below the axis classes, ordered by ``category rank``.

T, N and M are each the highest-ranked category a met criterion assigns. A criterion whose field
is blank is unknown: the category is determined only if no unknown criterion could give a higher
rank; otherwise the reason names the missing fields. The stage group is determined when every
combination of the still possible T, N and M gives the same group (M1 gives stage IV whatever T
and N are). A category the record states is kept and used; a determined category the fields give
that differs is a warning. No threshold, category or site is written here.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from decimal import Decimal

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS

from . import namespaces as ns
from .bounds import bounds_text, within
from .vocab import NENKG

AXES = ("T", "N", "M")


@dataclass(frozen=True)
class StagingCriterion:
    iri: URIRef
    label: str
    schemes: frozenset[URIRef]
    assigns: URIRef
    #: "T", "N", "M" or "stage"
    axis: str
    sites: frozenset[URIRef]
    #: the numeric column tested (None if none) and its bounds
    column: str | None
    lower: Decimal | None
    lower_incl: bool
    upper: Decimal | None
    upper_incl: bool
    #: column -> accepted values (field criteria) or axis -> accepted categories (stage criteria)
    required: tuple[tuple[str, frozenset[URIRef]], ...]

    @functools.cached_property
    def curie(self) -> str:
        return ns.contract(str(self.iri)) or str(self.iri)

    def bounds_text(self) -> str:
        return bounds_text(self.lower, self.lower_incl, self.upper, self.upper_incl)

    def in_bounds(self, value) -> bool:
        return within(value, self.lower, self.lower_incl, self.upper, self.upper_incl)


@dataclass(frozen=True)
class StagingScheme:
    iri: URIRef
    label: str
    sites: frozenset[URIRef]
    applies_to: frozenset[URIRef]
    edition: str
    chapter: str
    message: str | None

    @functools.cached_property
    def curie(self) -> str:
        return ns.contract(str(self.iri)) or str(self.iri)


@dataclass
class AxisResult:
    category: URIRef | None = None
    determined: bool = False
    #: the categories still possible (one when determined)
    possible: frozenset = frozenset()
    missing: tuple[str, ...] = ()
    #: the criterion that gave the category (None if stated or undetermined)
    criterion: StagingCriterion | None = None
    stated: bool = False
    why: str = ""


class StagingKnowledge:
    """Staging schemes and criteria read once from a release graph (through ``Knowledge``)."""

    def __init__(self, knowledge):
        k = self.k = knowledge
        g = k.g
        self.axis_class = {"T": NENKG.t_category_class, "N": NENKG.n_category_class, "M": NENKG.m_category_class,
                           "stage": NENKG.stage_group_class}
        self.rank = {s: int(o) for s, o in g.subject_objects(NENKG.category_rank)}
        # the record field each categorical value belongs to: the term fields whose value set root
        # holds it (the stated-category fields are told apart from the finding fields by axis)
        self.field_roots = [(f.name, f.roots) for f in k.contract if f.kind == "term" and f.roots]
        self.stated_column = {}
        for f in k.contract:
            for axis in AXES:
                if self.axis_class[axis] in f.roots:
                    self.stated_column[axis] = f.name
        #: every scheme of the graph, and those applied by default: a scheme marked `applied by the
        #: record classifier` false (an ENETS proposal beside the AJCC 8th edition) is applied only
        #: when chosen with ``choose`` (``nenkg classify --staging-scheme``)
        self.all_schemes: dict[URIRef, StagingScheme] = {}
        self.schemes = []
        for s in sorted(g.subjects(RDF.type, NENKG.staging_scheme_class)):
            def val(p, s=s):
                v = g.value(s, p)
                return str(v) if v is not None else ""
            scheme = StagingScheme(
                iri=s, label=str(g.value(s, RDFS.label)), sites=frozenset(g.objects(s, NENKG.site_scope)),
                applies_to=frozenset(g.objects(s, NENKG.scheme_applies_to)), edition=val(NENKG.staging_edition),
                chapter=val(NENKG.staging_chapter), message=val(NENKG.criterion_message) or None,
            )
            self.all_schemes[s] = scheme
            applied = g.value(s, NENKG.applied_by_classifier)
            if applied is None or applied.toPython():
                self.schemes.append(scheme)
        #: schemes chosen in place of the default ones of their sites (``choose``)
        self.chosen: list[StagingScheme] = []
        self.criteria: list[StagingCriterion] = []
        for c in sorted(g.subjects(RDF.type, NENKG.staging_criterion)):
            self.criteria.append(self._criterion(c))
        self._scheme_by_site: dict[frozenset, StagingScheme | None] = {}
        self._rules: dict[tuple, dict[str, list[StagingCriterion]]] = {}
        #: every column a criterion reads (plus the stated categories): the batch path keys on them
        self.columns = frozenset({c.column for c in self.criteria if c.column}
                                 | {col for c in self.criteria if c.axis != "stage" for col, _ in c.required}
                                 | set(self.stated_column.values()))

    def _axis_of(self, category: URIRef) -> str | None:
        anc = self.k.ancestors(category)
        for axis, cls in self.axis_class.items():
            if cls in anc:
                return axis
        return None

    def _field_of(self, value: URIRef) -> str | None:
        anc = self.k.ancestors(value)
        hits = [name for name, roots in self.field_roots if any(r in anc for r in roots)]
        return hits[0] if len(hits) == 1 else None

    def _criterion(self, c: URIRef) -> StagingCriterion:
        g, k = self.k.g, self.k
        label = str(g.value(c, RDFS.label))
        assigns = g.value(c, NENKG.assigns)
        axis = self._axis_of(assigns) if isinstance(assigns, URIRef) else None
        if axis is None:
            raise ValueError(f"staging criterion {ns.contract(str(c))} '{label}' assigns no T, N or M category or stage group")
        var = g.value(c, NENKG.criterion_variable)
        column = k.column(var) if var is not None else None

        def dec(p):
            v = g.value(c, p)
            return Decimal(str(v)) if v is not None else None

        def flag(p):
            v = g.value(c, p)
            return bool(v is not None and v.toPython())

        groups: dict[str, set[URIRef]] = {}
        for v in g.objects(c, NENKG.required_value):
            key = self._axis_of(v) if axis == "stage" else self._field_of(v)
            if key is None or (axis != "stage" and key in self.stated_column.values()):
                raise ValueError(f"staging criterion {ns.contract(str(c))} '{label}': required value {ns.contract(str(v))} "
                                 f"belongs to no {'TNM axis' if axis == 'stage' else 'record field'}")
            groups.setdefault(key, set()).add(v)
        return StagingCriterion(
            iri=c, label=label, schemes=frozenset(g.objects(c, NENKG.staging_scheme)), assigns=assigns, axis=axis,
            sites=frozenset(g.objects(c, NENKG.site_scope)), column=column,
            lower=dec(NENKG.lower_bound), lower_incl=flag(NENKG.lower_inclusive),
            upper=dec(NENKG.upper_bound), upper_incl=flag(NENKG.upper_inclusive),
            required=tuple(sorted((key, frozenset(vs)) for key, vs in groups.items())),
        )

    def bounds(self) -> dict[str, set]:
        """The bounds of every numeric column the criteria test (for the batch path's keys)."""
        out: dict[str, set] = {}
        for c in self.criteria:
            if c.column:
                out.setdefault(c.column, set()).update(b for b in (c.lower, c.upper) if b is not None)
        return out

    # -- choosing ----------------------------------------------------------------------------------
    def choose(self, iris) -> list[StagingScheme]:
        """Stage the sites of the given schemes with them instead of the default schemes (an
        alternative such as the ENETS pancreas scheme). Raises ValueError naming an IRI that is not
        a staging scheme, or two chosen schemes of the same site."""
        chosen = []
        for iri in iris:
            scheme = self.all_schemes.get(URIRef(str(iri)))
            if scheme is None:
                raise ValueError(f"{ns.contract(str(iri)) or iri} is not a staging scheme of the release "
                                 "(the library query staging-scheme-of-site lists the schemes of a site)")
            for other in chosen:
                if other.iri != scheme.iri and other.sites & scheme.sites:
                    raise ValueError(f"{other.curie} and {scheme.curie} are both schemes of the same site; choose one")
            if scheme not in chosen:
                chosen.append(scheme)
        self.chosen = chosen
        self._scheme_by_site.clear()
        self._rules.clear()
        return chosen

    def scheme_for(self, site_closure: frozenset) -> StagingScheme | None:
        """The scheme of a site: among those whose site scope holds it, the most narrowly scoped;
        a chosen scheme (``choose``) whose scope holds the site comes before the default ones."""
        if site_closure in self._scheme_by_site:
            return self._scheme_by_site[site_closure]
        best, depth = None, -1
        for s in self.chosen:
            for site in s.sites & site_closure:
                d = len(self.k.ancestors(site))
                if d > depth or (d == depth and best is not None and str(s.iri) < str(best.iri)):
                    best, depth = s, d
        if best is not None:
            self._scheme_by_site[site_closure] = best
            return best
        for s in self.schemes:
            for site in s.sites & site_closure:
                d = len(self.k.ancestors(site))
                if d > depth or (d == depth and best is not None and str(s.iri) < str(best.iri)):
                    best, depth = s, d
        self._scheme_by_site[site_closure] = best
        return best

    def rules(self, scheme: StagingScheme, site_closure: frozenset) -> dict[str, list[StagingCriterion]]:
        """The scheme's criteria for a site, per axis: criteria scoped to the most specific site
        holding the record's site replace the scheme-wide ones of that axis."""
        key = (scheme.iri, site_closure)
        if key in self._rules:
            return self._rules[key]
        out: dict[str, list[StagingCriterion]] = {}
        for axis in (*AXES, "stage"):
            crits = [c for c in self.criteria if scheme.iri in c.schemes and c.axis == axis
                     and (not c.sites or c.sites & site_closure)]
            scoped = [c for c in crits if c.sites]
            if scoped:
                depth = {c: max(len(self.k.ancestors(s)) for s in c.sites & site_closure) for c in scoped}
                deepest = max(depth.values())
                crits = [c for c in crits if c.sites and depth[c] == deepest]
            out[axis] = crits
        self._rules[key] = out
        return out

    def applies(self, site: URIRef, class_iri: str) -> tuple[StagingScheme | None, bool]:
        """The scheme of a site and whether it stages a record classified as ``class_iri``."""
        scheme = self.scheme_for(self.k.ancestors(site))
        if scheme is None:
            return None, False
        staged = not scheme.applies_to or bool(class_iri and self.k.ancestors(URIRef(class_iri)) & scheme.applies_to)
        return scheme, staged

    # -- evaluating --------------------------------------------------------------------------------
    def _meets(self, value: URIRef, accepted: frozenset) -> bool:
        return value in accepted or bool(self.k.ancestors(value) & accepted)

    def evaluate(self, c: StagingCriterion, rec) -> tuple[bool | None, tuple[str, ...]]:
        """True, False, or None (unknown) with the blank fields it needs."""
        missing = []
        if c.column:
            v = rec.value(c.column)
            if v is None:
                missing.append(c.column)
            elif not c.in_bounds(v):
                return False, ()
        for col, accepted in c.required:
            v = rec.value(col)
            if v is None:
                missing.append(col)
            elif not self._meets(v, accepted):
                return False, ()
        return (None, tuple(missing)) if missing else (True, ())

    def axis(self, axis: str, crits: list[StagingCriterion], rec) -> AxisResult:
        rank = self.rank
        met, unknown = [], []
        for c in crits:
            state, missing = self.evaluate(c, rec)
            if state is True:
                met.append(c)
            elif state is None:
                unknown.append((c, missing))
        best = max(met, key=lambda c: (rank.get(c.assigns, 0), str(c.iri)), default=None)
        top = rank.get(best.assigns, 0) if best is not None else None
        higher = [(c, m) for c, m in unknown if top is None or rank.get(c.assigns, 0) > top]
        res = AxisResult()
        if best is not None and not higher:
            res.category, res.determined, res.possible, res.criterion = best.assigns, True, frozenset({best.assigns}), best
            return res
        if higher:
            res.possible = frozenset({c.assigns for c, _ in higher} | ({best.assigns} if best is not None else set()))
            res.missing = tuple(sorted({col for _, m in higher for col in m}))
            res.criterion = best
            res.why = f"{axis} cannot be determined: {', '.join(res.missing)} missing"
            if best is not None:
                res.why += f" ({self.k.label(best.assigns)} or higher)"
        else:
            res.possible = frozenset(c.assigns for c in crits)
            given = sorted({col for c in crits for col in ((c.column,) if c.column else ()) + tuple(k for k, _ in c.required)
                            if rec.value(col) is not None})
            res.why = f"{axis} cannot be determined: no {axis} category of the scheme fits {', '.join(given) or 'the record'}"
        return res

    def group(self, crits: list[StagingCriterion], t: frozenset, n: frozenset, m: frozenset):
        """The stage-group criterion that every combination of the possible categories leads to
        (one of them, when several criteria give the same group), or None when they differ or a
        combination has no group."""
        found: dict[URIRef | None, StagingCriterion | None] = {}
        for combo in itertools.product(sorted(t) or [None], sorted(n) or [None], sorted(m) or [None]):
            values = dict(zip(AXES, combo))
            hit = None
            for c in crits:
                if all(values[a] is not None and self._meets(values[a], acc) for a, acc in c.required):
                    if hit is None or self.rank.get(c.assigns, 0) > self.rank.get(hit.assigns, 0):
                        hit = c
            found.setdefault(hit.assigns if hit is not None else None, hit)
            if len(found) > 1:
                return None
        return next(iter(found.values()))

    # -- a record --------------------------------------------------------------------------------
    def stage(self, rec, out, quote) -> None:
        """Stage a classified record into ``out`` (an Outcome): scheme, T, N, M, stage group, the
        reason and any warning. ``quote(rec, column, value)`` writes a value as the reason shows
        it (the batch path turns quoted numbers into placeholders)."""
        k = self.k
        sites = k.ancestors(rec.primary_site)
        scheme, staged = self.applies(rec.primary_site, out.class_iri)
        if scheme is None:
            return  # no scheme at this site: nothing is said (the stage columns stay empty)
        if not staged:
            out.reason.append(f"not staged: {scheme.message or 'the scheme of this site does not apply'} [{scheme.curie}]")
            return
        out.stage_scheme = scheme.label
        out.stage_scheme_iri = str(scheme.iri)
        rules = self.rules(scheme, sites)
        parts = []
        results = {}
        for axis in AXES:
            res = self.axis(axis, rules[axis], rec)
            stated_col = self.stated_column.get(axis)
            stated = rec.value(stated_col) if stated_col else None
            if stated is not None:
                if res.determined and res.category != stated and not (
                        res.category in k.ancestors(stated) or stated in k.ancestors(res.category)):
                    out.warnings.append(f"{stated_col} {k.label(stated)} is stated; the fields give {k.label(res.category)} "
                                        f"[{res.criterion.curie}]; the stated category is kept")
                if stated not in res.possible and not any(stated in k.ancestors(p) or p in k.ancestors(stated)
                                                          for p in res.possible) and not res.determined:
                    out.warnings.append(f"{stated_col} {k.label(stated)} is not among the categories the fields leave possible")
                res = AxisResult(category=stated, determined=True, possible=frozenset({stated}), stated=True)
                parts.append(f"{k.label(stated)} as stated")
            elif res.determined:
                parts.append(f"{self._explain(res.criterion, rec, quote)} -> {k.label(res.category)} [{res.criterion.curie}]")
            else:
                parts.append(res.why)
            results[axis] = res
        t, n, m = (results[a] for a in AXES)
        out.t_category, out.n_category, out.m_category = (k.label(r.category) if r.determined else "" for r in (t, n, m))
        out.stage_iris = tuple(str(r.category) if r.determined else "" for r in (t, n, m))
        hit = self.group(rules["stage"], t.possible, n.possible, m.possible)
        if hit is not None:
            out.stage_group = k.label(hit.assigns)
            out.stage_group_iri = str(hit.assigns)
            parts.append(f"{out.stage_group} [{hit.curie}]")
        else:
            missing = sorted({c for r in (t, n, m) for c in r.missing})
            parts.append("stage group cannot be computed" + (f": {', '.join(missing)} missing" if missing else ""))
        out.reason.append(f"stage ({scheme.label} [{scheme.curie}]): " + "; ".join(parts))

    def _explain(self, c: StagingCriterion, rec, quote) -> str:
        bits = []
        if c.column:
            bits.append(f"{c.column} {quote(rec, c.column, rec.value(c.column))} {c.bounds_text()}")
        for col, _ in c.required:
            bits.append(f"{col} {self.k.label(rec.value(col))}")
        return " and ".join(bits)
