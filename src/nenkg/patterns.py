"""Design patterns plus tables: generate the site x family classes from data.

A pattern file (``ontology/src/patterns/<name>.yaml``, in the spirit of MONDO's DOSDP patterns)
holds one term template; its table (a TSV file beside it) holds one row per class. Expanding
a row gives an ordinary term entry, the same mapping a hand-written YAML module holds, so the
compiler of :mod:`nenkg.sources` checks and compiles generated and hand-written terms alike, and
every error names the TSV file and line of the row.

Pattern file keys:

``pattern``       the pattern's name (the file's stem)
``description``   what the classes of this pattern are
``table``         the TSV file of rows (relative to the pattern file)
``vars``          the columns a row must give and their kind: ``site`` (a CURIE with a row in the
                  site table, so templates may use ``{site.adjective}`` and ``{site.name}``),
                  ``class`` (a CURIE) or ``text``
``term``          the template: any keys of a term entry; every string in it may use ``{var}``

Besides its variables a table may give, per row: ``label`` (overrides the template's label),
``synonyms`` (``|``-separated, each ``scope: text`` with scope ``exact``, ``related``, ``narrow``,
``broad`` or ``abbreviation`` (an exact synonym typed as abbreviation), or plain text for an exact
synonym; a row's synonym wins over the template's of the same text),
``exact``, ``close``, ``broad``, ``narrow``, ``related``, ``dbxref`` (space-separated CURIEs; an
ICD-O code in ``dbxref`` replaces the pattern's ICD-O codes),
``sources`` (space-separated keys of ``sources:`` blocks, added to the definition's and the
term's sources) and ``comment``. An empty cell is no value.

The site table (``ontology/src/patterns/sites.tsv``) names each site once: its key (the UBERON
CURIE, or a short handle for a group of sites), the adjective used in labels (``laryngeal``), the
noun phrase used in definitions (``the larynx``) and, for a group, its ``location`` as a class
expression (``UBERON:0001707 or UBERON:0001825``). In a template ``{site}`` is the location as a
class expression.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Location, SourceError

PATTERN_KEYS = {"pattern", "description", "table", "vars", "term", "__line__"}
VAR_KINDS = {"site", "class", "text"}
ROW_COLUMNS = {"id", "label", "synonyms", "exact", "close", "broad", "narrow", "related", "dbxref",
               "sources", "comment"}
SITE_COLUMNS = ("site", "adjective", "name")
_FIELD = re.compile(r"\{([a-z_]+)(?:\.([a-z_]+))?\}")
_SCOPES = ("exact", "related", "narrow", "broad")


@dataclass(frozen=True)
class Site:
    key: str
    adjective: str
    name: str
    location: str
    line: int

    @property
    def expression(self) -> str:
        """The site as a class expression: its CURIE, or its location in parentheses."""
        return f"({self.location})" if " " in self.location else self.location


def read_tsv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (line, row) pairs of a tab-separated file; ``#`` lines are comments.

    Raises SourceError naming the file and line of a malformed row.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read table: {exc}", Location(str(path))) from None
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if header is None:
            header = [c.strip() for c in cells]
            if len(set(header)) != len(header):
                raise SourceError(f"duplicate column in header {header}", Location(str(path), number))
            continue
        if len(cells) > len(header):
            raise SourceError(f"{len(cells)} cells but the header has {len(header)} columns", Location(str(path), number))
        cells += [""] * (len(header) - len(cells))
        rows.append((number, {h: c.strip() for h, c in zip(header, cells)}))
    if header is None:
        raise SourceError("the table has no header line", Location(str(path), 1))
    return header, rows


def read_sites(path: Path) -> tuple[dict[str, Site], list[SourceError]]:
    """The site table: CURIE -> adjective and noun phrase, with the errors found."""
    try:
        header, rows = read_tsv(path)
    except SourceError as exc:
        return {}, [exc]
    errors = []
    if tuple(header[:3]) != SITE_COLUMNS:
        errors.append(SourceError(f"the site table's first columns are {list(SITE_COLUMNS)}", Location(str(path), 1)))
        return {}, errors
    sites: dict[str, Site] = {}
    for line, row in rows:
        loc = Location(str(path), line, row["site"])
        if not all(row[c] for c in SITE_COLUMNS):
            errors.append(SourceError(f"every site row gives {list(SITE_COLUMNS)}", loc))
        elif row["site"] in sites:
            errors.append(SourceError(f"site {row['site']} is listed twice (first on line {sites[row['site']].line})", loc))
        else:
            location = row.get("location") or row["site"]
            if " " not in location and ":" not in location:
                errors.append(SourceError("a site that is not a CURIE needs a 'location' class expression", loc))
                continue
            sites[row["site"]] = Site(row["site"], row["adjective"], row["name"], location, line)
    return sites, errors


def expand_pattern(path: Path, doc: dict[str, Any], sites: dict[str, Site]) -> tuple[Path, list[dict], list[SourceError]]:
    """The term entries of one pattern file (each with ``__line__`` = its table row's line),
    the table's path and the errors found."""
    loc = Location(str(path), doc.get("__line__"))
    errors = [SourceError(f"unknown pattern key {k!r}", loc) for k in doc if k not in PATTERN_KEYS]
    for key in ("pattern", "table", "vars", "term"):
        if not doc.get(key):
            errors.append(SourceError(f"a pattern needs {key!r}", loc))
    if errors:
        return path, [], errors
    if doc["pattern"] != path.stem:
        errors.append(SourceError(f"pattern {doc['pattern']!r} should be named after its file {path.stem!r}", loc))
    variables = {k: v for k, v in doc["vars"].items() if k != "__line__"}
    for name, kind in variables.items():
        if kind not in VAR_KINDS:
            errors.append(SourceError(f"variable {name!r} has kind {kind!r}; one of {sorted(VAR_KINDS)}", loc))
    table = path.parent / str(doc["table"])
    try:
        header, rows = read_tsv(table)
    except SourceError as exc:
        return table, [], [*errors, exc]
    unknown = [h for h in header if h not in ROW_COLUMNS and h not in variables]
    missing = [v for v in variables if v not in header]
    if "id" not in header:
        missing.insert(0, "id")
    if unknown or missing:
        what = (f"unknown columns {unknown} " if unknown else "") + (f"missing columns {missing}" if missing else "")
        return table, [], [*errors, SourceError(what.strip(), Location(str(table), 1),
                                                f"a row gives 'id', the variables {sorted(variables)} and optional {sorted(ROW_COLUMNS - {'id'})}")]
    terms = []
    for line, row in rows:
        rloc = Location(str(table), line, row.get("id") or None)
        try:
            terms.append(_expand_row(doc["term"], variables, row, sites, line))
        except ValueError as exc:
            errors.append(SourceError(str(exc), rloc))
    return table, terms, errors


def _expand_row(template: dict, variables: dict[str, str], row: dict[str, str], sites: dict[str, Site], line: int) -> dict:
    values: dict[str, str] = {}
    for name, kind in variables.items():
        value = row[name]
        if not value:
            raise ValueError(f"column {name!r} is empty")
        if kind == "site" and value not in sites:
            raise ValueError(f"site {value} has no row in patterns/sites.tsv (add its adjective and name there)")
        values[name] = value

    def fill(text: str) -> str:
        def sub(m: re.Match) -> str:
            name, attr = m.group(1), m.group(2)
            if name not in values:
                raise ValueError(f"the template uses {{{name}}}, which is not a variable of the pattern")
            if attr is None:
                return sites[values[name]].expression if variables[name] == "site" else values[name]
            if variables[name] != "site" or attr not in ("adjective", "name"):
                raise ValueError(f"the template uses {{{name}.{attr}}}; only site variables have .adjective and .name")
            return getattr(sites[values[name]], attr)
        return _FIELD.sub(sub, text)

    def walk(node):
        if isinstance(node, str):
            return fill(node)
        if isinstance(node, list):
            return [walk(n) for n in node]
        if isinstance(node, dict):
            return {k: (line if k == "__line__" else walk(v)) for k, v in node.items()}
        return node

    term = walk(template)
    term["id"] = row["id"]
    term["__line__"] = line
    if not row["id"]:
        raise ValueError("column 'id' is empty")
    if row.get("label"):
        term["label"] = row["label"]
    extra_sources = row.get("sources", "").split()
    if extra_sources:
        term["definition_sources"] = [*term.get("definition_sources", []), *extra_sources]
        term["sources"] = [*term.get("sources", []), *extra_sources]
    row_synonyms = []
    for text in filter(None, (s.strip() for s in row.get("synonyms", "").split("|"))):
        scope, _, rest = text.partition(":")
        scope = scope.strip()
        if scope == "abbreviation" and rest.strip():
            syn = {"exact": rest.strip(), "abbreviation": True}
        else:
            syn = {scope: rest.strip()} if scope in _SCOPES and rest.strip() else {"exact": text}
        syn["__line__"] = line
        row_synonyms.append(syn)
    # the row's synonyms first (they are specific to the class), then the template's; a text that
    # is the label, or that an earlier synonym already gives, is kept once
    seen = {str(term.get("label", "")).lower()}
    synonyms = []
    for syn in [*row_synonyms, *term.get("synonyms", [])]:
        text = next(str(v) for k, v in syn.items() if k in _SCOPES).lower()
        if text not in seen:
            seen.add(text)
            synonyms.append(syn)
    if synonyms:
        term["synonyms"] = synonyms
    xrefs = dict(term.get("xrefs") or {})
    if any(x.startswith("ICDO:") for x in row.get("dbxref", "").split()):
        # a row's own ICD-O morphology code replaces the pattern's (cauda equina NET: 8693/3)
        xrefs["dbxref"] = [x for x in xrefs.get("dbxref", []) if not str(x).startswith("ICDO:")]
    for kind in ("exact", "close", "broad", "narrow", "related", "dbxref"):
        ids = row.get(kind, "").split()
        if ids:
            xrefs[kind] = [*xrefs.get(kind, []), *ids]
    if xrefs:
        term["xrefs"] = xrefs
    if row.get("comment"):
        term["comments"] = [*term.get("comments", []), {"text": row["comment"], "sources": extra_sources, "__line__": line}]
    return term
