"""The quality report shared by the QC queries and the SHACL shapes.

A :class:`Finding` is one problem on one entity: the level (ERROR, WARN, INFO), the check or
shape that found it, the entity (SHACL focus node), the property and the offending value. SHACL
severities map onto the same levels: ``sh:Violation`` is an ERROR, ``sh:Warning`` a WARN,
``sh:Info`` an INFO.

>>> r = Report([Finding("WARN", "invalid_xref", "NENKG:0000001", "oboInOwl:hasDbXref", "bad xref")])
>>> r.counts(), r.failed
({'ERROR': 0, 'WARN': 1, 'INFO': 0}, False)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from . import namespaces as ns

LEVELS = ("ERROR", "WARN", "INFO")
# generic namespaces (obo:, nenkg:) would hide the specific prefix, so they are left out
_SHORT = sorted(((p, iri) for p, iri in ns.PREFIXES.items() if p not in ("obo", "nenkg")), key=lambda kv: -len(kv[1]))


def shorten_iri(iri: str) -> str:
    """A CURIE for an IRI in the prefix map (longest namespace first), else the IRI itself.

    >>> shorten_iri("http://purl.obolibrary.org/obo/IAO_0000115"), shorten_iri("urn:x")
    ('IAO:0000115', 'urn:x')
    """
    for prefix, space in _SHORT:
        if iri.startswith(space) and iri != space:
            return f"{prefix}:{iri[len(space):]}"
    return iri


@dataclass(frozen=True, order=True)
class Finding:
    level: str
    check: str
    entity: str
    property: str
    value: str
    origin: str = "qc"  # "qc" (a query of queries/qc) or "shacl" (a shape of shapes/)
    message: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    def extend(self, other: "Report") -> "Report":
        return Report(self.findings + other.findings)

    def counts(self) -> dict[str, int]:
        return {level: sum(1 for f in self.findings if f.level == level) for level in LEVELS}

    def at(self, level: str) -> list[Finding]:
        return sorted(f for f in self.findings if f.level == level)

    @property
    def failed(self) -> bool:
        """True when anything is an ERROR (a QC error or a SHACL violation)."""
        return any(f.level == "ERROR" for f in self.findings)
