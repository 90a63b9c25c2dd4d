"""MONDO coverage: which classes of MONDO's NEN subtree NENKG maps, and which it declines.

Two parts:

* the **deliberate non-mappings**, hand-edited in ``ontology/src/mappings/no-term-found.tsv``
  (columns ``mondo_id``, ``mondo_label``, ``reason``, ``comment``; ``#`` lines are comments).
  Each row says that NENKG has, and will have, no class for that MONDO class, and why; the
  ``reason`` is one of :data:`REASONS`. The build writes every row into
  ``mappings/nenkg.sssom.tsv`` with ``subject_id`` ``sssom:NoTermFound`` (SSSOM's placeholder
  for "the subject source has no matching entity").
* the **subtree and its coverage**: :func:`nen_subtree` selects, from a complete MONDO release,
  every current class that is one of :data:`NEN_ROOTS` or descends from one;
  :func:`coverage` counts how many of them the SSSOM file accounts for.

Ancestors come from the ``ancestors`` field of the cellxgene-ontology-guide MONDO JSON. That
field is the transitive closure, within MONDO, of the asserted superclasses of ``mondo.owl``
(whose is-a hierarchy is already classified) plus ``part_of some X`` (BFO:0000050) superclass
restrictions; the class itself is not included, and no other relation (``disease has
location``...) is followed.

>>> from collections import namedtuple
>>> T = namedtuple("T", "label deprecated ancestors")
>>> terms = {"MONDO:0019496": T("neuroendocrine neoplasm", False, frozenset()),
...          "MONDO:0000001": T("child", False, frozenset({"MONDO:0019496"})),
...          "MONDO:0000002": T("obsolete child", True, frozenset({"MONDO:0019496"}))}
>>> sorted(nen_subtree(terms))
['MONDO:0000001', 'MONDO:0019496']
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Protocol

from .errors import Location, SourceError, SourceErrors

#: Roots of MONDO's NEN subtree (MONDO 2026-05-05 labels).
NEN_ROOTS: dict[str, str] = {
    "MONDO:0019496": "neuroendocrine neoplasm",
    "MONDO:0000448": "paraganglioma",
    "MONDO:0015277": "medullary thyroid gland carcinoma",
    "MONDO:0019210": "cutaneous neuroendocrine carcinoma",  # Merkel cell carcinoma
    "MONDO:0017169": "multiple endocrine neoplasia",
}

#: Controlled reasons for a deliberate non-mapping (``reason`` column).
REASONS: dict[str, str] = {
    "non-human": "a disease of another species",
    "omim-susceptibility": "an OMIM phenotype or susceptibility-locus concept, not a tumour type",
    "benign-malignant-split": "a benign/malignant split WHO no longer draws",
    "childhood-qualifier": "an age-qualified copy of a class NENKG has",
    "sporadic-qualifier": "a class defined by the absence of a hereditary syndrome",
    "staging-qualifier": "a TNM or presentation category (occult, recurrent...), not a tumour type",
    "grade-or-stage-split": "a grade or stage split below WHO's granularity",
    "not-a-nen-per-who": "a tumour MONDO files under NEN that WHO does not classify as a NEN",
    "no-who-grouping": "a grouping class WHO does not draw (it mixes or spans WHO entities)",
    "out-of-who-scope": "outside the WHO classification of tumours",
}

NO_TERM_FOUND = "sssom:NoTermFound"
COLUMNS = ("mondo_id", "mondo_label", "reason", "comment")
_MONDO_ID = re.compile(r"^MONDO:\d{7}$")


class MondoTerm(Protocol):
    """What :func:`nen_subtree` needs of a MONDO class (``tests/ontology_data.ExtTerm`` fits)."""

    @property
    def label(self) -> str: ...
    @property
    def deprecated(self) -> bool: ...
    @property
    def ancestors(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class NoTermFound:
    """One row of ``no-term-found.tsv``."""

    mondo_id: str
    mondo_label: str
    reason: str
    comment: str
    loc: Location

    @property
    def sssom_comment(self) -> str:
        """The SSSOM ``comment``: the reason category, then the explanation."""
        return f"{self.reason}: {self.comment}"


def read_no_term_found(path: Path) -> list[NoTermFound]:
    """Read and check the deliberate non-mappings; raise SourceErrors with file and line.

    A missing file means no deliberate non-mappings.
    """
    path = Path(path)
    if not path.exists():
        return []
    rows: list[NoTermFound] = []
    errors: list[SourceError] = []
    seen: dict[str, Location] = {}
    header_seen = False
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        loc = Location(str(path), lineno)
        fields = line.split("\t")
        if not header_seen:
            header_seen = True
            if tuple(fields) != COLUMNS:
                errors.append(SourceError(f"the header must be {' TAB '.join(COLUMNS)}", loc))
                break
            continue
        if len(fields) != len(COLUMNS):
            errors.append(SourceError(f"expected {len(COLUMNS)} tab-separated columns, got {len(fields)}", loc))
            continue
        mondo_id, label, reason, comment = (f.strip() for f in fields)
        loc = Location(str(path), lineno, mondo_id)
        if not _MONDO_ID.match(mondo_id):
            errors.append(SourceError(f"{mondo_id!r} is not a MONDO CURIE (MONDO:0000000)", loc))
        if reason not in REASONS:
            errors.append(SourceError(f"unknown reason {reason!r}", loc, f"one of {', '.join(REASONS)}"))
        if not label or not comment:
            errors.append(SourceError("mondo_label and comment are required", loc))
        if mondo_id in seen:
            errors.append(SourceError(f"{mondo_id} is listed twice (first at line {seen[mondo_id].line})", loc))
        seen.setdefault(mondo_id, loc)
        rows.append(NoTermFound(mondo_id, label, reason, comment, loc))
    if errors:
        raise SourceErrors(errors)
    return rows


def check_not_mapped(rows: Iterable[NoTermFound], mapped: Mapping[str, str]) -> None:
    """Refuse a MONDO class that is both declined and mapped by a NENKG class.

    ``mapped`` is MONDO CURIE -> the NENKG term that maps it (any predicate).
    """
    errors = [SourceError(f"{r.mondo_id} is listed as NoTermFound but {mapped[r.mondo_id]} maps it", r.loc,
                          "remove the row or the cross-reference")
              for r in rows if r.mondo_id in mapped]
    if errors:
        raise SourceErrors(errors)


# ---------------------------------------------------------------------------------------------
# the subtree and its coverage


def nen_subtree(terms: Mapping[str, MondoTerm], roots: Iterable[str] = NEN_ROOTS) -> set[str]:
    """Current (non-deprecated) MONDO classes that are a root or have a root among their ancestors."""
    root_set = set(roots)
    return {curie for curie, t in terms.items()
            if curie.startswith("MONDO:") and not t.deprecated and (curie in root_set or root_set & t.ancestors)}


def read_sssom(path: Path) -> list[dict[str, str]]:
    """The mapping rows of an SSSOM TSV file (``#`` metadata lines skipped)."""
    lines = [line for line in Path(path).read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@dataclass(frozen=True)
class Coverage:
    """How the SSSOM file accounts for a set of MONDO classes."""

    subtree: frozenset[str]
    mapped: frozenset[str]        # object of a row whose subject is a NENKG class
    no_term_found: frozenset[str]  # object of a sssom:NoTermFound row

    @property
    def unaccounted(self) -> list[str]:
        return sorted(self.subtree - self.mapped - self.no_term_found)

    @property
    def percent(self) -> float:
        if not self.subtree:
            return 100.0
        return 100.0 * (len(self.subtree) - len(self.unaccounted)) / len(self.subtree)

    def summary(self) -> str:
        return (f"MONDO NEN subtree: {len(self.subtree)} classes, {len(self.mapped & self.subtree)} mapped, "
                f"{len(self.no_term_found & self.subtree)} NoTermFound, {self.percent:.1f} % accounted")


def coverage(subtree: Iterable[str], sssom: Iterable[Mapping[str, str]]) -> Coverage:
    """Count which classes of ``subtree`` the SSSOM rows map or decline."""
    mapped: set[str] = set()
    declined: set[str] = set()
    for row in sssom:
        obj = row["object_id"]
        if not obj.startswith("MONDO:"):
            continue
        if row["subject_id"] == NO_TERM_FOUND:
            declined.add(obj)
        elif row["predicate_id"]:
            mapped.add(obj)
    return Coverage(frozenset(subtree), frozenset(mapped), frozenset(declined))
