"""The ICD-O-3 topography table (``ontology/src/topography/icdo3_topography.tsv``) as sources.

Each row names a topography code, a short title, the UBERON site NENKG reads the code as (empty
for a code with no site a primary NEN is classified at) and a note. A row with a site becomes an
``extend`` entry that gives the site the code as an ``ICD-O-3 topography code`` fact, so the
release carries the table and a record may name its primary site by the code. Errors name the
file and line of the row.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import Location, SourceError
from .patterns import read_tsv

COLUMNS = ("code", "title", "site", "note")
CODE = re.compile(r"^C[0-9]{2}\.[0-9]$")


def read_topography(path: Path) -> tuple[list[dict], list[SourceError]]:
    """The extend entries of the table (one per site, its codes in table order) and the errors."""
    try:
        header, rows = read_tsv(path)
    except SourceError as exc:
        return [], [exc]
    if tuple(header) != COLUMNS:
        return [], [SourceError(f"the topography table's columns are {list(COLUMNS)}", Location(str(path), 1))]
    errors: list[SourceError] = []
    seen: dict[str, int] = {}
    by_site: dict[str, list[str]] = {}
    first_line: dict[str, int] = {}
    for line, row in rows:
        code = row["code"]
        loc = Location(str(path), line, code)
        if not CODE.match(code):
            errors.append(SourceError(f"{code!r} is not a topography code such as C25.2", loc))
            continue
        if code in seen:
            errors.append(SourceError(f"{code} is listed twice (first on line {seen[code]})", loc))
            continue
        seen[code] = line
        if not row["title"]:
            errors.append(SourceError("every code has a title", loc))
        if not row["site"] and not row["note"]:
            errors.append(SourceError("a code without a site says why in its note", loc))
        if row["site"]:
            by_site.setdefault(row["site"], []).append(code)
            first_line.setdefault(row["site"], line)
    entries = [{"extend": site, "facts": {"icdo3_topography": codes}, "__line__": first_line[site]}
               for site, codes in by_site.items()]
    return entries, errors
