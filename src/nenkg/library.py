"""The SPARQL query library: ``queries/<group>/NNN-slug.rq`` files with a comment header.

Header lines (before the query)::

    # title: NENs arising in an organ, including its parts
    # question: Which neuroendocrine neoplasms can arise in a given organ or in its parts?
    # returns: one row per class: ?class ?label ?site ?siteLabel
    # param: organ iri UBERON:0001264 the organ (an UBERON class)
    # param: ki67 decimal - Ki-67 index in percent (``-``: required)

A parameter is the query variable of the same name; its value is turned into an RDF term of the
declared type (``iri``, ``string``, ``integer``, ``decimal``, ``boolean``) and bound by the store,
never written into the query text by us. ``queries/qc`` holds the quality checks of
``nenkg check`` and is not part of the library.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from . import namespaces as ns
from .errors import NenkgError
from .store import QueryResult, Store, Term, query_kind

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "string", "integer", "decimal", "boolean")
HEADER_KEYS = ("title", "question", "returns", "param", "source", "tags")
NAME_RE = re.compile(r"^(\d{3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.rq$")


class LibraryError(NenkgError):
    """A library file is malformed, a query name is unknown, or a parameter is wrong (exit 2)."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    description: str

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass
class LibraryQuery:
    name: str
    group: str
    number: str
    path: Path
    title: str
    question: str
    returns: str
    params: list[Param] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    text: str = ""


def to_term(param: Param, value: str) -> Term:
    """The RDF term for a parameter value given as text."""
    value = value.strip()
    where = f"parameter {param.name!r} ({param.type})"
    if param.type == "iri":
        if value.startswith("<") and value.endswith(">"):
            iri = value[1:-1]
        elif re.match(r"^(https?|urn|file):", value):
            iri = value
        else:
            try:
                iri = ns.expand(value)
            except (ns.UnknownPrefix, ValueError) as exc:
                raise LibraryError(f"{where}: {value!r} is neither an IRI nor a CURIE with a known prefix ({exc})") from None
        try:
            return ox.NamedNode(iri)
        except ValueError as exc:
            raise LibraryError(f"{where}: {value!r} is not a valid IRI: {exc}") from None
    if param.type == "string":
        return ox.Literal(value)
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise LibraryError(f"{where}: {value!r} is not an integer")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if param.type == "decimal":
        try:
            d = Decimal(value)
        except InvalidOperation:
            raise LibraryError(f"{where}: {value!r} is not a number") from None
        if not d.is_finite():
            raise LibraryError(f"{where}: {value!r} is not a finite number")
        # the canonical form (no exponent, no trailing zeros), as stores return computed decimals
        text = format(d, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        text = "0" if text in ("-0", "") else text
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))
    if param.type == "boolean":
        if value.lower() not in ("true", "false"):
            raise LibraryError(f"{where}: {value!r} is not true or false")
        return ox.Literal(value.lower(), datatype=ox.NamedNode(XSD + "boolean"))
    raise LibraryError(f"{where}: unknown type")


def read_header(text: str, path: Path, strict: bool = True) -> tuple[dict[str, str], list[Param], list[str]]:
    """The leading comment header: (single-valued keys, parameters, sources). ``strict`` refuses
    keys the library does not know (library files); otherwise only ``param`` lines are read."""
    header: dict[str, str] = {}
    params: list[Param] = []
    sources: list[str] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        hm = re.match(r"#\s*([a-z]+):\s*(.*)$", line)
        if not hm:
            continue
        key, value = hm.group(1), hm.group(2).strip()
        if key not in HEADER_KEYS:
            if strict:
                raise LibraryError(f"{path}:{lineno}: unknown header key {key!r} (known: {', '.join(HEADER_KEYS)})")
            continue
        if key == "param":
            parts = value.split(None, 3)
            if len(parts) < 3:
                raise LibraryError(f"{path}:{lineno}: a param line is `# param: NAME TYPE DEFAULT|- DESCRIPTION`")
            pname, ptype, default = parts[:3]
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", pname):
                raise LibraryError(f"{path}:{lineno}: invalid parameter name {pname!r}")
            if ptype not in PARAM_TYPES:
                raise LibraryError(f"{path}:{lineno}: parameter {pname!r} has unknown type {ptype!r} (use {', '.join(PARAM_TYPES)})")
            if any(p.name == pname for p in params):
                raise LibraryError(f"{path}:{lineno}: parameter {pname!r} declared twice")
            param = Param(pname, ptype, None if default == "-" else default, parts[3] if len(parts) > 3 else "")
            if param.default is not None:
                to_term(param, param.default)  # a bad default is the file's error
            params.append(param)
        elif key == "source":
            sources.append(value)
        else:
            header[key] = value
    return header, params, sources


def parse_query_file(path: Path, group: str) -> LibraryQuery:
    m = NAME_RE.match(path.name)
    if not m:
        raise LibraryError(f"{path}: library files are named NNN-slug.rq (three digits, a dash, lower-case words)")
    text = path.read_text(encoding="utf-8")
    header, params, sources = read_header(text, path)
    for key in ("title", "question", "returns"):
        if not header.get(key):
            raise LibraryError(f"{path}: header line `# {key}:` is missing")
    q = LibraryQuery(name=m.group(2), group=group, number=m.group(1), path=path, title=header["title"],
                     question=header["question"], returns=header["returns"], params=params, sources=sources, text=text)
    query_kind(text, str(path))  # a syntax error is reported with the file, line and column
    for p in params:
        if not re.search(r"[?$]" + re.escape(p.name) + r"\b", _body(text)):
            raise LibraryError(f"{path}: parameter {p.name!r} is declared but ?{p.name} is not used in the query")
    return q


def _body(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


class Library:
    """The queries of ``queries/`` (``qc`` excluded), by name."""

    def __init__(self, queries: dict[str, LibraryQuery]):
        self.queries = queries

    @classmethod
    def load(cls, root: Path) -> "Library":
        folder = Path(root) / "queries"
        queries: dict[str, LibraryQuery] = {}
        for path in sorted(folder.glob("*/*.rq")):
            group = path.parent.name
            if group == "qc":
                continue
            q = parse_query_file(path, group)
            if q.name in queries:
                raise LibraryError(f"{path}: query name {q.name!r} is also used by {queries[q.name].path}")
            queries[q.name] = q
        return cls(queries)

    def names(self) -> list[str]:
        return sorted(self.queries)

    def get(self, name: str) -> LibraryQuery:
        key = name.split("/")[-1]
        key = NAME_RE.match(key).group(2) if NAME_RE.match(key) else key.removesuffix(".rq")
        if key in self.queries:
            return self.queries[key]
        near = difflib.get_close_matches(key, self.names(), n=3, cutoff=0.5)
        near += [n for n in self.names() if key and key in n and n not in near][: 3 - len(near)]
        hint = f"; did you mean {', '.join(near)}?" if near else "; `nenkg queries` lists them"
        raise LibraryError(f"no query named {name!r} in the library{hint}")

    def bindings(self, q: LibraryQuery, values: dict[str, str]) -> dict[str, Term]:
        known = {p.name: p for p in q.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            have = ", ".join(known) if known else "none"
            raise LibraryError(f"query {q.name!r} has no parameter {', '.join(map(repr, unknown))} (its parameters: {have})")
        out: dict[str, Term] = {}
        for p in q.params:
            value = values.get(p.name, p.default)
            if value is None:
                raise LibraryError(f"query {q.name!r} needs parameter {p.name!r} ({p.type}: {p.description}); "
                                   f"give it as --param {p.name}=VALUE")
            out[p.name] = to_term(p, value)
        return out

    def run(self, store: Store, name: str, values: dict[str, str] | None = None,
            timeout: float | None = None) -> QueryResult:
        q = self.get(name)
        return store.query(q.text, self.bindings(q, values or {}), timeout=timeout)


def run_file(store: Store, path: Path, values: dict[str, str], timeout: float | None = None) -> QueryResult:
    """A query file outside the library: its header params (if any) are used, else the values
    are bound as strings, or as IRIs when they look like one."""
    text = path.read_text(encoding="utf-8")
    params = {p.name: p for p in read_header(text, path, strict=False)[1]}
    query_kind(text, str(path))  # a syntax error names the file, line and column
    bound: dict[str, Term] = {}
    for name in sorted(set(values) | {n for n, p in params.items() if p.default is not None}):
        p = params.get(name) or Param(name, "iri" if re.match(r"^(<|https?:|[A-Za-z]+:\S)", values[name]) else "string", None, "")
        value = values.get(name, p.default)
        assert value is not None
        bound[name] = to_term(p, value)
    missing = [n for n, p in params.items() if p.required and n not in values]
    if missing:
        raise LibraryError(f"{path}: missing parameter {', '.join(map(repr, missing))}; give it as --param NAME=VALUE")
    return store.query(text, bound, timeout=timeout)
