"""The one prefix map of the project.

Every module, query, shape and release file uses these prefixes, with this casing. The map is
also written out as ``ontology/context.jsonld`` by the release step.

>>> expand("UBERON:0002048")
'http://purl.obolibrary.org/obo/UBERON_0002048'
>>> contract("http://identifiers.org/hgnc/7010")
'HGNC:7010'
>>> expand("NOPE:1")
Traceback (most recent call last):
...
nenkg.namespaces.UnknownPrefix: unknown prefix 'NOPE' in 'NOPE:1'
"""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef

OBO = "http://purl.obolibrary.org/obo/"
BASE = "https://w3id.org/nenkg/"

#: Prefixes whose terms are OWL entities we reference by IRI (expanded in logical axioms).
ENTITY_PREFIXES: dict[str, str] = {
    "NENKG": BASE + "NENKG_",
    "MONDO": OBO + "MONDO_",
    "UBERON": OBO + "UBERON_",
    "CL": OBO + "CL_",
    "CHEBI": OBO + "CHEBI_",
    "HP": OBO + "HP_",
    "PATO": OBO + "PATO_",
    "RO": OBO + "RO_",
    "BFO": OBO + "BFO_",
    "IAO": OBO + "IAO_",
    "OMO": OBO + "OMO_",
    "NCIT": OBO + "NCIT_",
    "DOID": OBO + "DOID_",
    "HGNC": "http://identifiers.org/hgnc/",
    "ORPHA": "http://www.orpha.net/ORDO/Orphanet_",
    "OMIM": "https://omim.org/entry/",
    "UNIPROT": "http://purl.uniprot.org/uniprot/",
}

#: Prefixes used only inside database cross-reference strings (``oboInOwl:hasDbXref``) and
#: SSSOM files. They are code systems without stable OWL term IRIs of their own.
XREF_ONLY_PREFIXES: dict[str, str] = {
    "ICDO": "https://w3id.org/nenkg/xref/icdo/",
    "ICD10": "https://icd.who.int/browse10/2019/en#/",
    "ICD10CM": "https://icd10cmtool.cdc.gov/?fy=FY2026&query=",
    "ONCOTREE": "https://oncotree.mskcc.org/?version=oncotree_latest_stable&field=CODE&search=",
    "PMID": "https://pubmed.ncbi.nlm.nih.gov/",
    "DOI": "https://doi.org/",
    "ISBN": "urn:isbn:",
}

#: Vocabulary prefixes (not used in CURIE strings of xrefs).
VOCAB_PREFIXES: dict[str, str] = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "sssom": "https://w3id.org/sssom/",
    "obo": OBO,
    "nenkg": BASE,
}

PREFIXES: dict[str, str] = {**ENTITY_PREFIXES, **XREF_ONLY_PREFIXES, **VOCAB_PREFIXES}

#: Syntax of the local part per prefix (used by the build and by QC to reject malformed CURIEs).
LOCAL_ID_PATTERNS: dict[str, str] = {
    "NENKG": r"\d{7}",
    "MONDO": r"\d{7}",
    "UBERON": r"\d{7}",
    "CL": r"\d{7}",
    "CHEBI": r"\d+",
    "HP": r"\d{7}",
    "PATO": r"\d{7}",
    "RO": r"\d{7}",
    "BFO": r"\d{7}",
    "IAO": r"\d{7}",
    "OMO": r"\d{7}",
    "NCIT": r"C\d+",
    "DOID": r"\d+",
    "HGNC": r"\d+",
    "ORPHA": r"\d+",
    "OMIM": r"\d{6}",
    "UNIPROT": r"[A-Z0-9]{6,10}",
    "ICDO": r"\d{4}/\d",
    "ICD10": r"[A-Z]\d\d(\.\d{1,2})?",
    "ICD10CM": r"[A-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?",
    "ONCOTREE": r"[A-Z0-9_]+",
    "PMID": r"\d+",
    "DOI": r"10\.\d{4,9}/\S+",
    "ISBN": r"[0-9X-]{10,17}",
}

NENKG = Namespace(ENTITY_PREFIXES["NENKG"])
OBO_NS = Namespace(OBO)
OBOINOWL = Namespace(VOCAB_PREFIXES["oboInOwl"])
DCTERMS = Namespace(VOCAB_PREFIXES["dcterms"])
SKOS = Namespace(VOCAB_PREFIXES["skos"])
VANN = Namespace(VOCAB_PREFIXES["vann"])

IAO_DEFINITION = URIRef(OBO + "IAO_0000115")
IAO_TERM_REPLACED_BY = URIRef(OBO + "IAO_0100001")
IAO_ROOT_TERM = URIRef(OBO + "IAO_0000700")
OMO_ABBREVIATION = URIRef(OBO + "OMO_0003000")

_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_]*):(\S+)$")


class UnknownPrefix(ValueError):
    """A CURIE whose prefix is not in the project prefix map."""


def split_curie(curie: str) -> tuple[str, str]:
    """Split ``PREFIX:local`` into its two parts (no validation of the prefix)."""
    m = _CURIE.match(curie)
    if not m:
        raise ValueError(f"not a CURIE: {curie!r}")
    return m.group(1), m.group(2)


def is_valid_curie(curie: str) -> bool:
    """True when the prefix is known and the local part has that prefix's syntax.

    >>> is_valid_curie("ICDO:8240/3"), is_valid_curie("MONDO:123"), is_valid_curie("XX:1")
    (True, False, False)
    """
    try:
        prefix, local = split_curie(curie)
    except ValueError:
        return False
    pattern = LOCAL_ID_PATTERNS.get(prefix)
    return pattern is not None and re.fullmatch(pattern, local) is not None


def expand(curie: str) -> str:
    """Expand an entity CURIE to its IRI."""
    prefix, local = split_curie(curie)
    try:
        return ENTITY_PREFIXES[prefix] + local
    except KeyError:
        raise UnknownPrefix(f"unknown prefix {prefix!r} in {curie!r}") from None


def contract(iri: str) -> str | None:
    """Contract an entity IRI to a CURIE, longest namespace first; None if no prefix fits."""
    best: tuple[int, str] | None = None
    for prefix, ns in ENTITY_PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > best[0]):
            best = (len(ns), prefix + ":" + iri[len(ns):])
    return best[1] if best else None


def ontology_iris(version: str, name: str) -> tuple[str, str]:
    """(ontology IRI, version IRI) of a release file.

    >>> ontology_iris("2026-11-21", "nenkg.owl")[1]
    'https://w3id.org/nenkg/releases/2026-11-21/nenkg.owl'
    """
    return BASE + name, f"{BASE}releases/{version}/{name}"


def jsonld_context() -> dict[str, object]:
    """The JSON-LD context published as ``ontology/context.jsonld`` (sorted, stable)."""
    return {"@context": {p: PREFIXES[p] for p in sorted(PREFIXES)}}
