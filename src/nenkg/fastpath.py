"""Batch classification of record chunks: the same verdicts as the per-record path, faster.

How it stays equal to the per-record path (``RecordReader.parse`` + ``Classifier.classify``),
which tests/test_fastpath.py checks on thousands of generated rows:

* every field goes through the very same converter, once per distinct text of the column
  (registries repeat values: a million rows hold a few thousand distinct texts);
* the classifier runs once per *equivalence key*. The key holds the text of every field the
  classifier reads (the fields its criteria test, from the release, and the fields it turns into
  facts, declared by :data:`grading.Classifier.FACT_FIELDS`), except that a numeric criterion
  variable is keyed by the position of its value among that variable's criterion bounds (two
  values in the same position meet the same criteria). A field nothing reads is not in the key;
  a criterion added on it puts it there. Its outcome is a template whose reason quotes numbers by
  placeholders, filled per row with the text the row gave.

Both CSV and JSON Lines arrive as chunks of rows (``intake.py``), so both take this path.
"""

from __future__ import annotations

import bisect
import copy
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .grading import CLASSIFIED, Classifier, Knowledge, Outcome, RejectRecord
from .intake import Chunk, Layout
from .records import OUTPUT_COLUMNS, RecordReader, Rejection, classify, make_record, outcome_row


@dataclass(slots=True)
class Result:
    """One input row's verdict: an outcome with its filled reason, or a rejection."""

    line: int
    record_id: str
    outcome: Outcome | None
    reason: str
    rejection: Rejection | None
    topography: str = ""
    extras: list[str] = field(default_factory=list)
    #: the row's texts by column (kept only when asked for, to write the record's own fields)
    raw: dict[str, str] | None = None
    #: with ``FastClassifier(join_stages=True)`` (the CSV writer): a staged record's stage apart,
    #: ``outcome`` then holding the classification alone and ``reason`` its part of the reason;
    #: the record's outcome is the two joined (``joined``), as the per-record path gives it
    stage: Outcome | None = None
    stage_reason: str = ""


class _Bad:
    __slots__ = ("field", "reason")

    def __init__(self, field: str, reason: str):
        self.field, self.reason = field, reason


@dataclass(slots=True)
class _Template:
    outcome: Outcome | None
    rejected: RejectRecord | None
    reason: str = ""
    placeholders: tuple[str, ...] = ()
    #: the reason as a format string, one field per placeholder
    fmt: str = ""
    #: a staged record's site and its outcomes by stage, or (join_stages) its stage templates by
    #: staging key (None: the record is not staged)
    site: object = None
    pairs: dict | None = None


class _StagingView:
    """What staging reads of a record: its site, its staging fields, the texts it quotes."""

    __slots__ = ("primary_site", "_values", "texts")

    def __init__(self, site, values: dict, texts: dict):
        self.primary_site, self._values, self.texts = site, values, texts

    def value(self, column: str):
        return self._values.get(column)


def site_codes(knowledge: Knowledge) -> dict:
    """The ICD-O-3 topography code to report for a site given by name: its 'NOS' code (ending
    in .9) if it has one, else its lowest code (the ileum's C17.2 before Meckel diverticulum's
    C17.3); none for a site without codes."""
    by_site: dict = {}
    f = next((f for f in knowledge.contract if f.kind == "term" and f.code_annotation is not None), None)
    if f is None:
        return {}
    for s, o in knowledge.g.subject_objects(f.code_annotation):
        by_site.setdefault(s, []).append(str(o))
    out = {}
    for s, codes in by_site.items():
        codes.sort()
        nos = [c for c in codes if c.endswith(".9")]
        out[s] = nos[0] if nos else codes[0]
    return out


class FastClassifier:
    def __init__(self, knowledge: Knowledge, reader: RecordReader | None = None, join_stages: bool = False):
        k = self.k = knowledge
        #: give a staged record's stage apart (Result.stage) instead of one outcome per pair of a
        #: classification and a stage; only a writer that joins them per row asks for it
        self.join_stages = join_stages
        self.stage_templates: dict[int, _Template] = {}
        self.reader = reader or RecordReader(knowledge)
        self.contract = k.contract
        self.classifier = Classifier(knowledge, stage=False)
        numeric_vars = {k.column(c.variable) for c in k.criteria if c.numeric}
        self.bounds = {
            col: sorted({b for c in k.criteria if k.column(c.variable) == col for b in (c.lower, c.upper) if b is not None})
            for col in numeric_vars
        }
        self.numeric = sorted(numeric_vars)
        read = {k.column(c.variable) for c in k.criteria} | set(Classifier.FACT_FIELDS)
        # staging is keyed apart: a template whose record is staged holds one outcome per
        # distinct staging key (the staging fields' texts, numbers by their position among the
        # staging bounds), so the fields do not multiply the classifications
        staging_bounds = k.staging.bounds()
        self.staging_bounds = {c: sorted(b) for c, b in staging_bounds.items()}
        self.staging_numeric = sorted(staging_bounds)
        self.staging_columns = sorted(k.staging.columns)
        self.placeholder_columns = sorted(numeric_vars | set(staging_bounds))
        self.staging_interval_memo: dict[str, dict] = {}
        #: the stage of a site and staging key (an Outcome holding only the staging results)
        self.stages: dict[tuple, Outcome] = {}
        self.stage_by_signature: dict[tuple, Outcome] = {}
        #: the stage by site and *site* key: the staging key with numbers placed among the bounds of
        #: the site's own scheme (the global staging bounds mix every scheme's thresholds, so many
        #: staging keys of one site give the same stage)
        self.stages_by_site_key: dict[tuple, Outcome] = {}
        self.site_bounds: dict[object, dict[str, list]] = {}
        names = self.contract.names
        unknown = read - set(names) - {k.column(c.variable) for c in k.criteria if k.column(c.variable) not in names}
        if unknown:
            raise ValueError(f"the classifier reads fields the record contract lacks: {sorted(unknown)}")
        self.positions = {c: i for i, c in enumerate(names)}
        self.key_columns = [c for c in names if c in read and c not in numeric_vars]
        missing = sorted(set(self.staging_columns) - set(names))
        if missing:
            raise ValueError(f"the staging criteria read fields the record contract lacks: {missing}")
        self.staging_key_columns = [c for c in names if c in k.staging.columns and c not in staging_bounds]
        self.memo: dict[str, dict[str, object]] = {c: {} for c in self.reader.converters}
        self.templates: dict[tuple, _Template] = {}
        self.interval_memo: dict[str, dict[str, int | None]] = {}
        self.site_code = site_codes(k)
        self.site_field = self.contract.site_field
        self.topo_field = self.contract.topography_field
        self.topography_memo: dict[tuple[str, str], str] = {}
        self.topography_by_site: dict[str, str] = {}

    # -- per distinct text ---------------------------------------------------------------------
    def _convert_new(self, column: str, texts) -> None:
        """Convert the texts of a column not seen before (the converter once per distinct text)."""
        memo = self.memo[column]
        convert = self.reader.converters[column]
        for raw in texts.difference(memo):
            text = raw.strip()
            if not text:
                memo[raw] = None
                continue
            try:
                memo[raw] = convert(text)
            except RejectRecord as exc:
                memo[raw] = _Bad(exc.field, exc.reason)

    def _intervals(self, column: str, texts, distinct, staging: bool = False) -> list:
        """Per row, where the value lies among the column's criterion bounds (memoised by text)."""
        memo = (self.staging_interval_memo if staging else self.interval_memo).setdefault(column, {})
        bounds = (self.staging_bounds if staging else self.bounds)[column]
        values = self.memo[column]
        for text in distinct.difference(memo):
            value = values[text]
            # one int per place (2 * insertion point, plus 1 on a bound): cheap to hash in the keys
            memo[text] = None if value is None or type(value) is _Bad else 2 * bisect.bisect_left(bounds, value) + (value in bounds)
        return list(map(memo.__getitem__, texts))

    # -- per key -------------------------------------------------------------------------------
    def _template(self, key: tuple, values: dict[str, object]) -> _Template:
        texts = {c: f"\x00{c}\x00" for c in self.placeholder_columns}
        try:
            rec = make_record(self.contract, "", texts, {c: v for c, v in values.items() if v is not None}, self.reader.morphology)
            outcome = classify(self.classifier, rec)
            staged = False
            if outcome.status == CLASSIFIED:
                scheme, staged = self.k.staging.applies(rec.primary_site, outcome.class_iri)
                if scheme is not None and not staged:
                    self.k.staging.stage(rec, outcome, self.classifier._quote)  # "not staged" and why
            found = self._fill(outcome)
            if staged:
                found.site, found.pairs = rec.primary_site, {}
        except RejectRecord as exc:
            found = _Template(None, exc)
        self.templates[key] = found
        return found

    def _fill(self, outcome: Outcome) -> _Template:
        """A template of an outcome whose reason quotes numbers by placeholders."""
        reason = "; ".join(outcome.reason)
        placeholders = tuple(c for c in self.placeholder_columns if f"\x00{c}\x00" in reason)
        fmt = reason.replace("{", "{{").replace("}", "}}")
        for i, c in enumerate(placeholders):
            fmt = fmt.replace(f"\x00{c}\x00", "{%d}" % i)
        return _Template(outcome, None, reason, placeholders, fmt)

    def _bounds_of_site(self, site) -> dict[str, list]:
        """The numeric bounds the criteria of a site's scheme test, per column."""
        found = self.site_bounds.get(site)
        if found is None:
            staging = self.k.staging
            closure = self.k.ancestors(site)
            scheme = staging.scheme_for(closure)
            found = {}
            if scheme is not None:
                for crits in staging.rules(scheme, closure).values():
                    for c in crits:
                        if c.column:
                            found.setdefault(c.column, set()).update(b for b in (c.lower, c.upper) if b is not None)
            found = self.site_bounds[site] = {col: sorted(b) for col, b in found.items()}
        return found

    def _stage(self, t: _Template, skey: tuple, values: dict[str, object]) -> Outcome:
        """The stage of a site and staging key, computed once whatever the grading fields. Keys
        that give the same stage (categories, reason with its number placeholders, warnings)
        share one Outcome, so a template is merged with each distinct stage once, not with each
        staging key; keys that place every number alike among the bounds of the site's scheme
        give the same stage without computing it again."""
        bounds = self._bounds_of_site(t.site)
        placed = []
        for c in self.staging_numeric:
            v, b = values.get(c), bounds.get(c)
            placed.append(None if v is None else (bisect.bisect_left(b, v), v in b) if b else ())
        site_key = (t.site, skey[:len(self.staging_key_columns)], tuple(placed))
        stage = self.stages_by_site_key.get(site_key)
        if stage is not None:
            self.stages[(t.site, skey)] = stage
            return stage
        stage = Outcome(class_iri=t.outcome.class_iri)
        view = _StagingView(t.site, values, {c: f"\x00{c}\x00" for c in self.placeholder_columns})
        self.k.staging.stage(view, stage, self.classifier._quote)
        signature = (stage.stage_scheme_iri, stage.stage_iris, stage.stage_group_iri, stage.stage_scheme,
                     stage.t_category, stage.n_category, stage.m_category, stage.stage_group,
                     tuple(stage.reason), tuple(stage.warnings))
        stage = self.stage_by_signature.setdefault(signature, stage)
        self.stages[(t.site, skey)] = self.stages_by_site_key[site_key] = stage
        return stage

    def _staged(self, t: _Template, stage: Outcome) -> _Template:
        """The template of a staged record: its template's outcome plus its stage (what the
        per-record path appends last)."""
        found = t.pairs[id(stage)] = self._fill(join_outcomes(t.outcome, stage))  # stages are kept: ids stay unique
        return found

    # -- chunks --------------------------------------------------------------------------------
    def id_errors(self, chunk: Chunk) -> dict[int, str]:
        """Missing and repeated record ids of a chunk, by row position (sequential state: run in
        order over the chunks of one input)."""
        seen = self.reader.seen_ids
        errors = {}
        at = self.positions[self.contract.identifier.name]
        for n, row in enumerate(chunk.rows):
            if n in chunk.errors:
                continue
            rid = row[at].strip()
            if not rid:
                errors[n] = "missing"
                continue
            first = seen.get(rid)
            if first is not None:
                errors[n] = f"{rid!r} repeats the record_id of line {first}"
            else:
                seen[rid] = chunk.lines[n]
        return errors

    def classify_chunk(self, chunk: Chunk, layout: Layout, id_errors: dict[int, str] | None = None,
                       keep_raw: bool = False) -> list[Result]:
        """Classify a chunk of rows (lists of strings in layout order)."""
        if id_errors is None:
            id_errors = self.id_errors(chunk)
        rows, known = chunk.rows, layout.known
        names = self.contract.names
        id_name = self.contract.identifier.name
        n_rows = len(rows)
        if not rows:
            return []
        if all(len(r) == known for r in rows):
            transposed = list(zip(*rows, strict=True))
        else:
            transposed = list(zip(*(r[:known] for r in rows), strict=True))
        columns = {c: transposed[i] for i, c in enumerate(names)}
        # each column's distinct texts are converted once (memoised across chunks); per-row
        # values are looked up only where a row needs them
        distinct = {c: set(columns[c]) for c in self.reader.converters}
        for c, texts in distinct.items():
            self._convert_new(c, texts)
        memo = self.memo
        bad_at: dict[int, _Bad] = {}
        for c in names:
            if c not in distinct:
                continue
            m = memo[c]
            bad_texts = {t for t in distinct[c] if type(m[t]) is _Bad}
            if not bad_texts:
                continue
            col = columns[c]
            for n in [n for n, t in enumerate(col) if t in bad_texts]:  # the few rows, found in one pass
                bad_at.setdefault(n, m[col[n]])
        intervals = [self._intervals(c, columns[c], distinct[c]) for c in self.numeric]
        keys = list(zip(*(columns[c] for c in self.key_columns), *intervals, strict=True)) if self.key_columns else [()] * n_rows
        staging_intervals = [self._intervals(c, columns[c], distinct[c], staging=True) for c in self.staging_numeric]
        skeys = (list(zip(*(columns[c] for c in self.staging_key_columns), *staging_intervals, strict=True))
                 if self.staging_key_columns or staging_intervals else [()] * n_rows)
        staging_columns = self.staging_columns
        stages = self.stages
        join, stage_templates = self.join_stages, self.stage_templates
        ids = columns[id_name]
        topographies = self._topographies(columns)
        templates = self.templates
        results: list[Result] = []
        append = results.append
        lines = chunk.lines
        row_errors = chunk.errors
        no_extras: list[str] = []
        carried = known < len(layout.columns) or any(len(r) > known for r in rows)
        columns_of_layout = layout.columns
        for n in range(n_rows):
            line = lines[n]
            rid = ids[n].strip()
            extras = rows[n][known:] if carried else no_extras
            raw = dict(zip(columns_of_layout, rows[n])) if keep_raw else None
            topography = topographies[n]
            if row_errors and n in row_errors:
                append(Result(line, rid or f"line-{line}", None, "", Rejection(line, rid, "row", row_errors[n]), topography, extras, raw))
                continue
            if id_errors and n in id_errors:
                append(Result(line, rid or f"line-{line}", None, "", Rejection(line, rid, id_name, id_errors[n]), topography, extras, raw))
                continue
            if bad_at:
                bad = bad_at.get(n)
                if bad is not None:
                    append(Result(line, rid, None, "", Rejection(line, rid, bad.field, bad.reason), topography, extras, raw))
                    continue
            key = keys[n]
            t = templates.get(key)
            if t is None:
                t = self._template(key, {c: memo[c][columns[c][n]] for c in distinct})
            if t.rejected is not None:
                append(Result(line, rid, None, "", Rejection(line, rid, t.rejected.field, t.rejected.reason), topography, extras, raw))
                continue
            if t.pairs is not None:
                skey = skeys[n]
                if join:
                    # the template's stages by staging key: (stage, its template)
                    st = t.pairs.get(skey)
                    if st is None:
                        stage = stages.get((t.site, skey))
                        if stage is None:
                            stage = self._stage(t, skey, {c: memo[c][columns[c][n]] for c in staging_columns})
                        st = stage_templates.get(id(stage))
                        if st is None:
                            st = stage_templates[id(stage)] = self._fill(stage)  # stages are kept: ids stay unique
                        t.pairs[skey] = st
                    reason = t.fmt.format(*[columns[c][n].strip() for c in t.placeholders]) if t.placeholders else t.reason
                    sreason = st.fmt.format(*[columns[c][n].strip() for c in st.placeholders]) if st.placeholders else st.reason
                    append(Result(line, rid, t.outcome, reason, None, topography, extras, raw, st.outcome, sreason))
                    continue
                stage = stages.get((t.site, skey))
                if stage is None:
                    stage = self._stage(t, skey, {c: memo[c][columns[c][n]] for c in staging_columns})
                staged = t.pairs.get(id(stage))
                t = staged if staged is not None else self._staged(t, stage)
            reason = t.fmt.format(*[columns[c][n].strip() for c in t.placeholders]) if t.placeholders else t.reason
            append(Result(line, rid, t.outcome, reason, None, topography, extras, raw))
        return results

    def _topographies(self, columns: dict) -> list[str]:
        """Per row, the topography code to report: the code given, else the site's (memoised by
        the pair of texts)."""
        n_rows = len(columns[self.contract.identifier.name])
        if self.site_field is None:
            return [""] * n_rows
        memo = self.topography_memo
        topo = columns.get(self.topo_field)
        if topo is None or not any(topo):
            by_site = self.topography_by_site
            sites = columns[self.site_field]
            for text in set(sites).difference(by_site):
                by_site[text] = _topography({self.site_field: text}, self.reader, self.site_field, None, self.site_code)
            return list(map(by_site.__getitem__, sites))
        pairs = list(zip(topo, columns[self.site_field], strict=True))
        for pair in set(pairs).difference(memo):
            memo[pair] = _topography(dict(zip((self.topo_field, self.site_field), pair)), self.reader,
                                     self.site_field, self.topo_field, self.site_code)
        return list(map(memo.__getitem__, pairs))

    def results(self, chunks: Iterable[Chunk], layout_of, keep_raw: bool = False) -> Iterator[Result]:
        """Results one by one over the chunks of one input (``layout_of()`` gives the layout,
        which a JSON Lines input may widen as it goes)."""
        for chunk in chunks:
            yield from self.classify_chunk(chunk, layout_of(), keep_raw=keep_raw)

    def batches(self, chunks: Iterable[Chunk], layout_of) -> Iterator[list[Result]]:
        """The results of each chunk as one list."""
        for chunk in chunks:
            yield self.classify_chunk(chunk, layout_of())


def join_outcomes(classification: Outcome, stage: Outcome) -> Outcome:
    """A staged record's outcome: its classification, then its stage (what the per-record path
    appends last: the stage's reason and warnings after the classification's)."""
    o = copy.copy(classification)
    o.reason, o.warnings = [*o.reason, *stage.reason], [*o.warnings, *stage.warnings]
    o.stage_scheme, o.stage_scheme_iri, o.stage_iris = stage.stage_scheme, stage.stage_scheme_iri, stage.stage_iris
    o.t_category, o.n_category, o.m_category = stage.t_category, stage.n_category, stage.m_category
    o.stage_group, o.stage_group_iri = stage.stage_group, stage.stage_group_iri
    return o


_JOINED: dict[tuple[int, int], tuple[Outcome, Outcome, Outcome]] = {}


def joined(result: Result) -> Result:
    """A result whose stage is apart (``Result.stage``) as one outcome, as the per-record path
    gives it (the stage's reason and warnings after the classification's); other results as
    they are."""
    stage = result.stage
    if stage is None:
        return result
    g = result.outcome
    hit = _JOINED.get((id(g), id(stage)))  # the entry keeps both alive, so ids cannot be reused
    if hit is None:
        if len(_JOINED) > 100_000:
            _JOINED.clear()
        hit = _JOINED[(id(g), id(stage))] = (g, stage, join_outcomes(g, stage))
    reason = "; ".join(r for r in (result.reason, result.stage_reason) if r)
    return Result(result.line, result.record_id, hit[2], reason, None, result.topography, result.extras, result.raw)


def csv_field(text: str) -> str:
    """One field as csv.writer (QUOTE_MINIMAL) writes it."""
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def output_header(layout: Layout) -> list[str]:
    """The output columns, then the carried input columns (renamed if they clash)."""
    return list(OUTPUT_COLUMNS) + [c if c not in OUTPUT_COLUMNS else f"input_{c}" for c in layout.extras]


def result_row(result: Result) -> dict[str, str]:
    row = outcome_row(result.record_id, result.outcome, result.rejection, result.topography)
    if result.outcome is not None:
        row["reason"] = result.reason
    return row


def per_record_results(chunks: Iterable[Chunk], layout_of, reader: RecordReader, classifier: Classifier,
                       keep_raw: bool = False) -> Iterator[Result]:
    """The reference path: parse and classify one record at a time."""
    site_code = site_codes(reader.k)
    contract = reader.contract
    site_field, topo_field = contract.site_field, contract.topography_field
    for chunk in chunks:
        layout = layout_of()
        for n, row in enumerate(chunk.rows):
            line = chunk.lines[n]
            raw = dict(zip(layout.columns, row))
            rid = (raw.get(contract.identifier.name) or "").strip()
            extras = row[layout.known:]
            topography = _topography(raw, reader, site_field, topo_field, site_code)
            kept = raw if keep_raw else None
            error = chunk.errors.get(n)
            if error is not None:
                yield Result(line, rid or f"line-{line}", None, "", Rejection(line, rid, "row", error), topography, extras, kept)
                continue
            try:
                outcome = classify(classifier, reader.parse(raw, line))
            except RejectRecord as exc:
                yield Result(line, rid or f"line-{line}", None, "", Rejection(line, rid, exc.field, exc.reason), topography, extras, kept)
                continue
            yield Result(line, rid, outcome, "; ".join(outcome.reason), None, topography, extras, kept)


def _topography(raw: dict[str, str], reader: RecordReader, site_field, topo_field, site_code) -> str:
    """The topography code a result reports: the code given (in the code field, or as the
    site), else the site's own code (see :func:`site_codes`)."""
    text = (raw.get(topo_field) or "").strip() if topo_field else ""
    if text:
        try:
            return reader.converters[topo_field](text)[0]
        except RejectRecord:
            pass
    text = (raw.get(site_field) or "").strip() if site_field else ""
    if text:
        code = reader.indexes[site_field].code_of(text)
        if code is not None:
            return code
        try:
            return site_code.get(reader.converters[site_field](text), "")
        except RejectRecord:
            return ""
    return ""
