"""Obsolete a NENKG term the OBO way, by editing its entry in the YAML sources in place.

OBO principle fp-019 (and the OBO Academy how-to it points to) asks, for a term that is
obsoleted: mark it ``owl:deprecated true``; prefix its label with "obsolete "; remove all its
logical axioms; point to its replacement (IAO:0100001 term replaced by) and say why (IAO:0000231
has obsolescence reason); and remove or replace every use of it elsewhere. :func:`obsolete`
does the first four on the term's entry and on the ``extend`` entries that add axioms to it:

* ``deprecated: true``, ``replaced_by: ID`` and ``obsolescence_reason: TEXT`` are written under
  the label, which becomes ``obsolete <label>``;
* the logical keys go: ``subclass_of``, ``equivalent_to``, ``disjoint_with`` (classes),
  ``sub_property_of``, ``domain``, ``range``, ``inverse_of``, ``property_chain``,
  ``characteristics`` (properties), ``types`` (individuals);
* the cross-references go as well: a mapping or a code on an obsolete term would send users
  (the SSSOM file, the classifier's ICD-O codes) to a term they must not use. Its ``exact`` and
  ``close`` matches are kept as ``consider:`` (OBO's pointer to other terms a user of the
  obsolete one may want); the others are listed so that the curator can move them to the
  replacement.

Definition, synonyms, comments and sources stay. Only the lines of those keys are touched: the
rest of the file (comments, layout, other terms) is kept byte for byte. Uses of the term elsewhere
are not rewritten (which replacement fits each axiom is a curator's decision); they are listed,
and ``nenkg check`` rejects them (``deprecated_class_reference``) until they are repointed.

The edit is atomic: the new text of every file is compiled first (the whole source set, no
reasoner) and only if that succeeds are the files replaced, each by rename.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import NenkgError, SourceErrors
from .sources import SourceSet, Term, line_of, load_sources

LOGICAL_KEYS = ("subclass_of", "equivalent_to", "disjoint_with", "sub_property_of", "domain", "range",
                "inverse_of", "property_chain", "characteristics", "types")
OBSOLETION_KEYS = ("deprecated", "replaced_by", "consider", "obsolescence_reason")
CONSIDER_KINDS = ("exact", "close")


@dataclass
class Obsoletion:
    curie: str
    label: str
    replaced_by: str
    files: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # "key: value" lines taken off the term
    consider: list[str] = field(default_factory=list)
    uses: list[str] = field(default_factory=list)  # "file:line: text" of the remaining uses


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _scalar(key: str, value: object) -> str:
    """``key: value`` as one YAML line, quoted where YAML needs it."""
    text = yaml.safe_dump({key: value}, default_flow_style=True, width=10**6, allow_unicode=True, sort_keys=False)
    return text.strip()[1:-1].strip()  # safe_dump writes {key: value}


def _entry_span(lines: list[str], first: int) -> tuple[int, int, int]:
    """(start, end, key indent) of the list entry whose ``- `` is on line index ``first``."""
    head = lines[first]
    if not head.lstrip().startswith("- "):
        raise NenkgError(f"line {first + 1}: expected a '- ' list entry")
    after = head.lstrip()[2:]
    if after.lstrip().startswith("{"):
        raise NenkgError(f"line {first + 1}: the entry is written inline ({{...}}); write it as a block to obsolete it")
    key_indent = _indent(head) + 2 + (len(after) - len(after.lstrip(" ")))
    end = first + 1
    last = first
    while end < len(lines):
        line = lines[end]
        if line.strip() and not line.lstrip().startswith("#"):
            if _indent(line) < key_indent:
                break
            last = end
        end += 1
    return first, last + 1, key_indent


def _key_span(lines: list[str], start: int, entry_end: int, indent: int) -> tuple[int, int]:
    """The lines [start, end) of the key written on line index ``start`` and its value."""
    last = start
    i = start + 1
    while i < entry_end:
        line = lines[i]
        stripped = line.strip()
        if stripped and (_indent(line) > indent or (_indent(line) == indent and stripped.startswith("- "))
                         or (stripped.startswith("#") and _indent(line) > indent)):
            last = i
        elif stripped:
            break
        i += 1
    return start, last + 1


def _edit_entry(lines: list[str], t: Term, keys: dict[str, object], insert_after: str | None,
                new_lines: list[str]) -> list[str]:
    """Remove the ``keys`` of entry ``t`` (those it has), replace the key ``insert_after`` (if given)
    by ``new_lines``; returns the edited lines of the whole file."""
    first = (t.loc.line or 0) - 1
    _start, end, indent = _entry_span(lines, first)
    drop: list[tuple[int, int]] = []
    for key in keys:
        line = line_of(t.data, key)
        if line is None:
            continue
        if line - 1 == first:
            raise NenkgError(f"{t.loc.file}:{line}: {t.curie}: '{key}' is on the entry's first line; move it to its own line")
        drop.append(_key_span(lines, line - 1, end, indent))
    anchor = None
    if insert_after:
        line = line_of(t.data, insert_after)
        if line is None:
            raise NenkgError(f"{t.loc}: {t.curie} has no '{insert_after}' line to edit")
        anchor = _key_span(lines, line - 1, end, indent)  # on the dash line, the dash is kept below
    out: list[str] = []
    i = 0
    while i < len(lines):
        if anchor and i == anchor[0]:
            prefix = lines[i][: _indent(lines[i])]
            if lines[i].lstrip().startswith("- "):
                prefix += "- "
                new = [prefix + new_lines[0]] + [" " * indent + x for x in new_lines[1:]]
            else:
                new = [" " * indent + x for x in new_lines]
            out.extend(new)
            i = anchor[1]
            continue
        span = next((s for s in drop if s[0] == i), None)
        if span:
            i = span[1]
            continue
        out.append(lines[i])
        i += 1
    return out


def _drop_entry(lines: list[str], t: Term) -> list[str]:
    """The lines without the entry of ``t`` (and one blank line after it, if one is before it)."""
    start, end, _ = _entry_span(lines, (t.loc.line or 0) - 1)
    if end < len(lines) and not lines[end].strip() and start > 0 and not lines[start - 1].strip():
        end += 1
    return lines[:start] + lines[end:]


def _flatten(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        return [f"{k}: {v}" for k, v in value.items() if k != "__line__"]
    return [] if value is None else [str(value)]


def _describe(key: str, value: object) -> list[str]:
    if isinstance(value, list):
        return [f"{key}: {v.get('expr') if isinstance(v, dict) else v}" for v in value]
    return [f"{key}: {value}"]


def plan(ss: SourceSet, curie: str, replaced_by: str, reason: str) -> tuple[Obsoletion, dict[Path, str]]:
    """What obsoleting ``curie`` changes: the report and the new text of each edited file."""
    term = ss.terms.get(curie)
    if term is None or term.external:
        raise NenkgError(f"{curie} is not a NENKG term of the sources")
    if term.data.get("deprecated"):
        raise NenkgError(f"{curie} '{term.data.get('label')}' is already obsolete ({term.loc})")
    if not reason.strip():
        raise NenkgError("--reason is empty: say why the term is obsolete")
    repl = ss.aliases.get(replaced_by, replaced_by)
    target = ss.terms.get(repl)
    if repl == curie:
        raise NenkgError(f"{curie} cannot replace itself")
    if target is None:
        raise NenkgError(f"replacement {replaced_by} is not declared in the sources")
    if target.data.get("deprecated"):
        raise NenkgError(f"replacement {repl} '{target.data.get('label')}' is itself obsolete ({target.loc})")
    if target.type != term.type:
        raise NenkgError(f"replacement {repl} is a {target.type}, {curie} a {term.type}: replace a term by one of its kind")
    path = Path(term.loc.file)
    if path.suffix != ".yaml" or not term.loc.line or term.data.get("__line__") is None:
        raise NenkgError(f"{curie} is generated from {term.loc.file} (a table row): obsolete it in its pattern table by hand")
    label = " ".join(str(term.data.get("label", "")).split())
    report = Obsoletion(curie, label, repl)
    xrefs = term.data.get("xrefs") or {}
    consider: list[str] = []
    for kind, values in (xrefs.items() if isinstance(xrefs, dict) else ()):
        if kind == "__line__":
            continue
        for v in _flatten(values):
            c = v.split()[0]
            if kind in CONSIDER_KINDS and c not in consider:
                consider.append(c)
            else:
                report.removed.append(f"xrefs {kind}: {v}")
    for key in LOGICAL_KEYS:
        if key in term.data:
            report.removed += _describe(key, term.data[key])
    report.consider = consider
    new_lines = [_scalar("label", f"obsolete {label}"), "deprecated: true", f"replaced_by: {repl}",
                 _scalar("obsolescence_reason", " ".join(reason.split()))]
    if consider:
        new_lines.append("consider: [" + ", ".join(consider) + "]")
    texts: dict[Path, list[str]] = {}

    def lines_of(p: Path) -> list[str]:
        if p not in texts:
            texts[p] = p.read_text(encoding="utf-8").split("\n")
        return texts[p]

    drop = {k: None for k in LOGICAL_KEYS + ("xrefs",) + OBSOLETION_KEYS}
    # edit from the bottom of each file up, so the line numbers of the entries above hold
    entries = [(term, "label", new_lines)] + [(e, None, []) for e in ss.extensions if e.curie == curie]
    for t, anchor, new in sorted(entries, key=lambda x: (x[0].loc.file, -(x[0].loc.line or 0))):
        p = Path(t.loc.file)
        keys = {k: None for k in drop if k in t.data}
        if anchor is None and not keys:
            continue
        if anchor is None:
            for key in LOGICAL_KEYS:
                if key in t.data:
                    report.removed += [f"{x} (extend at {t.loc})" for x in _describe(key, t.data[key])]
            if "xrefs" in t.data:
                report.removed += [f"xrefs: {v} (extend at {t.loc})" for v in _flatten(t.data["xrefs"])]
        if anchor is None and not [k for k in t.data if k not in keys and k not in ("extend", "__line__")]:
            texts[p] = _drop_entry(lines_of(p), t)  # nothing left in it: the whole 'extend' entry goes
        else:
            texts[p] = _edit_entry(lines_of(p), t, keys, anchor, new)
    report.files = sorted(str(p) for p in texts)
    return report, {p: "\n".join(lines) for p, lines in texts.items()}


_WORD = r"(?<![\w:]){}(?![\w])"


def remaining_uses(ss: SourceSet, curie: str) -> list[str]:
    """The source lines (outside the term's own entries) that still name ``curie`` or its alias."""
    term = ss.terms[curie]
    names = [curie] + [a for a, c in ss.aliases.items() if c == curie]
    pattern = re.compile("|".join(_WORD.format(re.escape(n)) for n in names))
    own = {(term.loc.file, term.loc.line)} | {(e.loc.file, e.loc.line) for e in ss.extensions if e.curie == curie}
    uses = []
    for path in ss.files:
        if path.suffix not in (".yaml", ".tsv"):
            continue
        lines = path.read_text(encoding="utf-8").split("\n")
        skip: set[int] = set()
        for f, line in own:
            if f == str(path) and line and path.suffix == ".yaml":
                s, e, _ = _entry_span(lines, line - 1)
                skip |= set(range(s, e))
        for i, text in enumerate(lines):
            code = text.split("#", 1)[0]
            if i not in skip and pattern.search(code):
                uses.append(f"{path}:{i + 1}: {text.strip()}")
    return uses


def _write_atomic(path: Path, text: str) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.chmod(tmp, path.stat().st_mode & 0o777)
    return Path(tmp)


def obsolete(src_dir: Path, curie: str, replaced_by: str, reason: str) -> Obsoletion:
    """Obsolete ``curie`` in the sources under ``src_dir`` (see the module docstring)."""
    from . import namespaces as ns
    from .sources import compile_sources, sort_errors

    ss, errors = load_sources(src_dir)
    if errors:
        raise SourceErrors(sort_errors(errors, ss.files))
    report, texts = plan(ss, curie, replaced_by, reason)
    # compile the edited sources in a scratch copy first: a failure leaves the sources as they were
    with tempfile.TemporaryDirectory(prefix="nenkg-obsolete-") as scratch:
        import shutil

        copy = Path(scratch) / "src"
        shutil.copytree(src_dir, copy)
        for p, text in texts.items():
            (copy / Path(p).relative_to(src_dir)).write_text(text, encoding="utf-8")
        new_ss, errors = load_sources(copy)
        iri, viri = ns.ontology_iris(new_ss.version, "nenkg.owl")
        errors += compile_sources(new_ss, ontology_iri=iri, version_iri=viri).errors
        if errors:
            raise SourceErrors(sort_errors(errors, new_ss.files))
        report.uses = [u.replace(str(copy), str(src_dir), 1) for u in remaining_uses(new_ss, curie)]
    tmps = {p: _write_atomic(p, text) for p, text in texts.items()}
    for p, tmp in tmps.items():
        os.replace(tmp, p)
    return report
