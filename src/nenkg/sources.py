"""Read the hand-edited ontology sources (``ontology/src/*.yaml``) into one RDF graph.

The sources are term tables: one YAML mapping per term with its label, definition, synonyms,
cross-references and logical axioms. Class expressions are written in a small Manchester-like
syntax over CURIEs and property aliases (``NENKG:0000010 and located_in some UBERON:0001264``).
See ``ontology/README.md`` for the format. Every problem is reported with file, line and term.

The output graph is deterministic: blank nodes get names derived from their content and
position, so the same sources always give the same triples.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from . import namespaces as ns
from .errors import Location, SourceError, SourceErrors
from .patterns import expand_pattern, read_sites

LANG = "en"

# ---------------------------------------------------------------------------------------------
# YAML with line numbers


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping under the key ``__line__``, and
    (invisibly to iteration) the line of each key and of each list item: :func:`line_of`."""


class LineDict(dict):
    """A YAML mapping; ``lines`` maps each key to the line it is written on."""

    lines: dict[str, int]


class LineList(list):
    """A YAML sequence; ``lines`` gives the line of each item."""

    lines: list[int]


def line_of(container: Any, key: Any, default: int | None = None) -> int | None:
    """The line of ``container[key]`` (a key of a mapping, an index of a list) as read from
    YAML, or ``default`` when the loader did not see it (entries expanded from tables)."""
    lines = getattr(container, "lines", None)
    if isinstance(lines, dict):
        return lines.get(key, default)
    if isinstance(lines, list) and isinstance(key, int) and 0 <= key < len(lines):
        return lines[key]
    return default


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        if isinstance(key, str):
            mapping.lines[key] = key_node.start_mark.line + 1
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> list[Any]:
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)
    items.lines = [child.start_mark.line + 1 for child in node.value]
    return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
# Dates stay strings: the version and dates are written exactly as recorded.
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in _LineLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = f"YAML syntax error: {exc.problem or exc}"
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            reason += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        raise SourceError(reason, Location(str(path), line)) from None
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror}", Location(str(path))) from None


_DECLARED_ID = re.compile(r"^\s*(?:-\s+)?(id|alias|extend):\s*[\"']?([^\s\"'#]+)")


def declared_names(path: Path) -> tuple[set[str], set[str]]:
    """The ids and aliases a module that YAML cannot read would declare, found line by line: the
    other modules' references to them are not reported as undeclared (the syntax error is)."""
    ids: set[str] = set()
    aliases: set[str] = set()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ids, aliases
    for line in text.splitlines():
        m = _DECLARED_ID.match(line)
        if m:
            (aliases if m.group(1) == "alias" else ids).add(m.group(2))
    return ids, aliases


# ---------------------------------------------------------------------------------------------
# Class expressions


_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")
_KEYWORDS = {"and", "or", "not", "some", "only"}


@dataclass(frozen=True)
class Expr:
    """A parsed class expression: kind is class, some, only, and, or, not."""

    kind: str
    iri: str | None = None  # class IRI (kind=class) or property IRI (some/only)
    args: tuple["Expr", ...] = ()


class ExprParser:
    """Recursive-descent parser for ``A and (p some (B or C)) and not (q some D)``."""

    def __init__(self, text: str, resolve_class, resolve_property):
        self.text = text
        self.tokens = [t for t in _TOKEN.findall(text) if t]
        self.pos = 0
        self.resolve_class = resolve_class
        self.resolve_property = resolve_property

    def parse(self) -> Expr:
        if not self.tokens:
            raise ValueError("empty class expression")
        expr = self._or()
        if self.pos != len(self.tokens):
            raise ValueError(f"unexpected {self.tokens[self.pos]!r} in {self.text!r}")
        return expr

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self) -> str:
        tok = self._peek()
        if tok is None:
            raise ValueError(f"class expression ends too early: {self.text!r}")
        self.pos += 1
        return tok

    def _or(self) -> Expr:
        parts = [self._and()]
        while self._peek() == "or":
            self._take()
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else Expr("or", args=tuple(parts))

    def _and(self) -> Expr:
        parts = [self._unary()]
        while self._peek() == "and":
            self._take()
            parts.append(self._unary())
        return parts[0] if len(parts) == 1 else Expr("and", args=tuple(parts))

    def _unary(self) -> Expr:
        if self._peek() == "not":
            self._take()
            return Expr("not", args=(self._unary(),))
        return self._primary()

    def _primary(self) -> Expr:
        tok = self._take()
        if tok == "(":
            inner = self._or()
            if self._take() != ")":
                raise ValueError(f"missing ')' in {self.text!r}")
            return inner
        if tok in _KEYWORDS or tok == ")":
            raise ValueError(f"unexpected {tok!r} in {self.text!r}")
        if self._peek() in ("some", "only"):
            quant = self._take()
            return Expr(quant, iri=self.resolve_property(tok), args=(self._unary(),))
        return Expr("class", iri=self.resolve_class(tok))


# ---------------------------------------------------------------------------------------------
# The compiled model


TERM_TYPES = {"class", "object_property", "datatype_property", "annotation_property", "individual"}
TERM_KEYS = {
    "id", "type", "label", "definition", "definition_sources", "comments", "synonyms", "xrefs",
    "subclass_of", "equivalent_to", "disjoint_with", "sources", "deprecated", "replaced_by",
    "consider", "obsolescence_reason", "alias", "sub_property_of", "domain", "range",
    "characteristics", "inverse_of", "property_chain", "types", "facts", "value_type", "__line__",
}
SYNONYM_SCOPES = {
    "exact": ns.OBOINOWL.hasExactSynonym,
    "related": ns.OBOINOWL.hasRelatedSynonym,
    "narrow": ns.OBOINOWL.hasNarrowSynonym,
    "broad": ns.OBOINOWL.hasBroadSynonym,
}
XREF_PREDICATES = {
    "exact": ns.SKOS.exactMatch,
    "close": ns.SKOS.closeMatch,
    "broad": ns.SKOS.broadMatch,
    "narrow": ns.SKOS.narrowMatch,
    "related": ns.SKOS.relatedMatch,
    "dbxref": ns.OBOINOWL.hasDbXref,
}
CHARACTERISTICS = {
    "transitive": OWL.TransitiveProperty,
    "functional": OWL.FunctionalProperty,
    "symmetric": OWL.SymmetricProperty,
    "asymmetric": OWL.AsymmetricProperty,
    "irreflexive": OWL.IrreflexiveProperty,
}
VALUE_TYPES = {"iri", "decimal", "integer", "boolean", "string"}

#: the annotation properties the compiler declares itself (OWL 2 DL needs every one declared)
VOCABULARY = [
    (ns.IAO_DEFINITION, "definition"),
    (ns.IAO_TERM_REPLACED_BY, "term replaced by"),
    (ns.IAO_ROOT_TERM, "has ontology root term"),
    (URIRef(ns.OBO + "IAO_0000231"), "has obsolescence reason"),
    (ns.OBOINOWL.hasExactSynonym, "has_exact_synonym"),
    (ns.OBOINOWL.hasRelatedSynonym, "has_related_synonym"),
    (ns.OBOINOWL.hasNarrowSynonym, "has_narrow_synonym"),
    (ns.OBOINOWL.hasBroadSynonym, "has_broad_synonym"),
    (ns.OBOINOWL.hasSynonymType, "has_synonym_type"),
    (ns.OBOINOWL.hasDbXref, "database_cross_reference"),
    (ns.OBOINOWL.consider, "consider"),
    (ns.OBOINOWL.is_inferred, "is_inferred"),
    (ns.SKOS.exactMatch, "exact match"),
    (ns.SKOS.closeMatch, "close match"),
    (ns.SKOS.broadMatch, "broad match"),
    (ns.SKOS.narrowMatch, "narrow match"),
    (ns.SKOS.relatedMatch, "related match"),
    (ns.DCTERMS.source, "source"),
    (ns.DCTERMS.title, "title"),
    (ns.DCTERMS.description, "description"),
    (ns.DCTERMS.license, "license"),
    (ns.DCTERMS.created, "created"),
    (ns.DCTERMS.modified, "modified"),
    (ns.DCTERMS.creator, "creator"),
    (ns.DCTERMS.publisher, "publisher"),
    (ns.DCTERMS.date, "date"),
    (ns.DCTERMS.identifier, "identifier"),
    (ns.VANN.preferredNamespacePrefix, "preferred namespace prefix"),
    (ns.VANN.preferredNamespaceUri, "preferred namespace URI"),
]


def _typed_value(value: Any, value_type: str | None, compiler: "Compiler") -> URIRef | Literal:
    """Turn a YAML value into the RDF term a fact of this value type needs."""
    from decimal import Decimal, InvalidOperation

    if value_type == "iri":
        if not isinstance(value, str) or ":" not in value:
            raise ValueError(f"expected a CURIE, got {value!r}")
        curie = compiler.ss.aliases.get(value, value)
        prefix, local = ns.split_curie(curie)
        if prefix in ns.ENTITY_PREFIXES:
            iri = URIRef(ns.expand(curie))
        elif prefix in ns.VOCAB_PREFIXES:
            iri = URIRef(ns.VOCAB_PREFIXES[prefix] + local)
        else:
            raise ValueError(f"{value} is not a CURIE of a known prefix")
        if curie not in compiler.ss.terms and iri not in dict(VOCABULARY):
            if curie in compiler.ss.unreadable:
                raise Unreadable(value)
            raise ValueError(f"{value} is not declared")
        return iri
    if value_type == "boolean":
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return Literal(value)
    if value_type == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected an integer, got {value!r}")
        return Literal(value, datatype=XSD.integer)
    if value_type == "decimal":
        if isinstance(value, bool):
            raise ValueError(f"expected a number, got {value!r}")
        try:
            return Literal(Decimal(str(value)), datatype=XSD.decimal)
        except InvalidOperation:
            raise ValueError(f"expected a number, got {value!r}") from None
    return Literal(str(value))


SOURCE_KEYS = {"iri", "curie", "title", "publisher", "date", "local_copy", "note", "__line__"}
HEADER_KEYS = {
    "iri", "version", "title", "description", "license", "created", "creators", "root_terms",
    "preferred_prefix", "comment", "__line__",
}
DOCUMENT_CLASS = "IAO:0000310"


@dataclass
class Source:
    key: str
    iri: str
    curie: str | None
    title: str
    publisher: str | None
    date: str | None
    local_copy: str | None
    note: str | None
    loc: Location | None = None  # where its date is written (or the entry)


@dataclass
class Term:
    curie: str
    type: str
    data: dict[str, Any]
    loc: Location

    @property
    def iri(self) -> URIRef:
        return URIRef(ns.expand(self.curie))

    @property
    def external(self) -> bool:
        return not self.curie.startswith("NENKG:")


@dataclass
class SourceSet:
    """Everything read from ``ontology/src``: header, sources, terms (in file order)."""

    root: Path
    header: dict[str, Any]
    sources: dict[str, Source] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    extensions: list[Term] = field(default_factory=list)
    #: ids of terms that could not be read (a module YAML cannot parse, a faulty table row): a
    #: reference to one is not reported as undeclared, since its own error is
    unreadable: set[str] = field(default_factory=set)

    @property
    def version(self) -> str:
        return str(self.header["version"])

    def own_terms(self) -> Iterable[Term]:
        return (t for t in self.terms.values() if not t.external)


# ---------------------------------------------------------------------------------------------
# Reading


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def read_sources(src_dir: Path) -> SourceSet:
    """Read the header ``nenkg.yaml`` and every module it lists. Raises SourceErrors."""
    ss, errors = load_sources(src_dir)
    if errors:
        raise SourceErrors(errors)
    return ss


def load_sources(src_dir: Path) -> tuple[SourceSet, list[SourceError]]:
    """Read the header and every module, going on after a faulty module or term so that one
    run finds every problem: the source set (without what could not be read) and the errors.
    Raises SourceError only when the header itself cannot be read."""
    src_dir = Path(src_dir)
    header_path = src_dir / "nenkg.yaml"
    top = load_yaml(header_path)
    errors: list[SourceError] = []
    if not isinstance(top, dict) or "ontology" not in top or "modules" not in top:
        raise SourceError("expected the keys 'ontology' and 'modules'", Location(str(header_path), 1))
    header = top["ontology"]
    if not isinstance(header, dict) or not isinstance(top["modules"], list):
        raise SourceError("'ontology' is a mapping and 'modules' a list of files", Location(str(header_path), 1))
    for key in header:
        if key not in HEADER_KEYS:
            errors.append(SourceError(f"unknown header key {key!r}", Location(str(header_path), line_of(header, key, header["__line__"]))))
    for key in ("iri", "version", "title", "description", "license"):
        if not header.get(key):
            errors.append(SourceError(f"header needs {key!r}", Location(str(header_path), header["__line__"])))
    ss = SourceSet(root=src_dir, header=header, files=[header_path])
    sites = None  # the site table of the patterns, read with the first pattern

    for i, name in enumerate(top["modules"]):
        path = src_dir / str(name)
        if not path.is_file():
            errors.append(SourceError(f"module {name!r} does not exist", Location(str(header_path), line_of(top["modules"], i))))
            continue
        ss.files.append(path)
        if path.suffix == ".tsv":
            # the ICD-O-3 topography table: each code becomes a fact on its site
            from .topography import read_topography

            entries, table_errors = read_topography(path)
            errors.extend(table_errors)
            for entry in entries:
                errors.extend(_read_term(ss, entry, path))
            continue
        try:
            doc = load_yaml(path)
        except SourceError as exc:
            errors.append(exc)
            ids, aliases = declared_names(path)
            ss.unreadable |= ids | aliases
            continue
        if not isinstance(doc, dict):
            errors.append(SourceError("a module is a mapping with 'terms' and/or 'sources'", Location(str(path), 1)))
            continue
        if "pattern" in doc:
            if sites is None:
                sites, site_errors = read_sites(src_dir / "patterns" / "sites.tsv")
                errors.extend(site_errors)
            table, entries, pattern_errors = expand_pattern(path, doc, sites)
            errors.extend(pattern_errors)
            # a faulty row names its id: references to it are not undeclared
            ss.unreadable |= {e.location.term for e in pattern_errors if e.location and e.location.term}
            ss.files.append(table)
            for entry in entries:
                errors.extend(_read_term(ss, entry, table))
            continue
        module_sources = doc.get("sources") or {}
        if not isinstance(module_sources, dict):
            errors.append(SourceError("'sources' is a mapping from keys to sources", Location(str(path), line_of(doc, "sources"))))
            module_sources = {}
        for key, entry in module_sources.items():
            if key == "__line__":
                continue
            errors.extend(_read_source(ss, key, entry, path))
        bad = [k for k in doc if k not in ("sources", "terms", "__line__")]
        for key in bad:
            errors.append(SourceError(f"unknown module key {key!r}; a module has 'terms' and/or 'sources'",
                                      Location(str(path), line_of(doc, key, 1))))
        terms = doc.get("terms") or []
        if not isinstance(terms, list):
            errors.append(SourceError("'terms' is a list of terms", Location(str(path), line_of(doc, "terms"))))
            continue
        for i, entry in enumerate(terms):
            errors.extend(_read_term(ss, entry, path, line_of(terms, i)))
    return ss, errors


def _read_source(ss: SourceSet, key: str, entry: Any, path: Path) -> list[SourceError]:
    loc = Location(str(path), entry.get("__line__") if isinstance(entry, dict) else None, key)
    if not isinstance(entry, dict) or not entry.get("iri") or not entry.get("title"):
        return [SourceError("a source needs at least 'iri' and 'title'", loc)]
    errs = [SourceError(f"unknown source key {k!r}", _at(loc, entry, k)) for k in entry if k not in SOURCE_KEYS]
    if key in ss.sources:
        errs.append(SourceError(f"source key {key!r} defined twice", loc))
    if entry.get("curie") and not ns.is_valid_curie(entry["curie"]):
        errs.append(SourceError(f"source CURIE {entry['curie']!r} is not valid", _at(loc, entry, "curie")))
    ss.sources[key] = Source(
        key, str(entry["iri"]), entry.get("curie"), str(entry["title"]), entry.get("publisher"),
        str(entry["date"]) if entry.get("date") else None, entry.get("local_copy"), entry.get("note"),
        _at(loc, entry, "date"),
    )
    return errs


EXTEND_KEYS = {"extend", "comments", "synonyms", "xrefs", "subclass_of", "disjoint_with", "sources", "facts", "__line__"}


def _at(loc: Location, container: Any, key: Any) -> Location:
    """``loc`` moved to the line of ``container[key]`` when the loader recorded it."""
    line = line_of(container, key)
    return Location(loc.file, line, loc.term) if line else loc


def _read_term(ss: SourceSet, entry: Any, path: Path, line: int | None = None) -> list[SourceError]:
    if not isinstance(entry, dict):
        return [SourceError("each term is a mapping", Location(str(path), line))]
    if "extend" in entry:
        # more axioms and annotations for a term defined in another module
        loc = Location(str(path), entry.get("__line__"), str(entry["extend"]))
        bad = [k for k in entry if k not in EXTEND_KEYS]
        if bad:
            return [SourceError(f"an 'extend' entry takes only {sorted(EXTEND_KEYS - {'__line__'})}; got {k!r}", _at(loc, entry, k))
                    for k in bad]
        ss.extensions.append(Term(str(entry["extend"]), "extension", entry, loc))
        return []
    curie = entry.get("id")
    loc = Location(str(path), entry.get("__line__"), str(curie) if curie is not None else None)
    errs: list[SourceError] = []
    if not isinstance(curie, str):
        return [SourceError("a term needs an 'id'", loc)]
    try:
        prefix, _ = ns.split_curie(curie)
    except ValueError:
        ss.unreadable.add(curie)
        return [SourceError(f"{curie!r} is not a CURIE", _at(loc, entry, "id"))]
    if prefix not in ns.ENTITY_PREFIXES:
        ss.unreadable.add(curie)
        return [SourceError(f"unknown prefix {prefix!r}", _at(loc, entry, "id"), "use a prefix of nenkg.namespaces")]
    if not ns.is_valid_curie(curie):
        errs.append(SourceError(f"{curie!r} does not match the {prefix} identifier pattern", _at(loc, entry, "id")))
    ttype = entry.get("type", "class")
    if ttype not in TERM_TYPES:
        errs.append(SourceError(f"unknown type {ttype!r}; one of {sorted(TERM_TYPES)}", _at(loc, entry, "type")))
    for key in entry:
        if key not in TERM_KEYS:
            errs.append(SourceError(f"unknown key {key!r}", _at(loc, entry, key), "check the spelling against ontology/README.md"))
    if not entry.get("label"):
        errs.append(SourceError("a term needs a 'label'", loc))
    if curie in ss.terms:
        errs.append(SourceError(f"{curie} is defined twice (first at {ss.terms[curie].loc})", loc))
    alias = entry.get("alias")
    if alias:
        if alias in ss.aliases:
            errs.append(SourceError(f"alias {alias!r} is used twice", _at(loc, entry, "alias")))
        ss.aliases[alias] = curie
    ss.terms[curie] = Term(curie, ttype, entry, loc)
    return errs


# ---------------------------------------------------------------------------------------------
# Compiling to RDF


class Unreadable(ValueError):
    """A reference to a term whose entry could not be read: its own error is reported."""


class Compiler:
    """Turns a SourceSet into an rdflib Graph; collects every error before raising."""

    def __init__(self, ss: SourceSet, *, include_external: bool = True):
        self.ss = ss
        self.include_external = include_external
        self.g = Graph()
        self.errors: list[SourceError] = []
        #: where each asserted axiom between two named classes is written (for the logical checks)
        self.axiom_locations: dict[tuple, Location] = {}
        #: where each subclass_of / equivalent_to item of a term is written, by (CURIE, slot)
        self.slot_locations: dict[tuple[str, str], list[Location]] = {}
        for prefix, iri in ns.PREFIXES.items():
            if prefix not in ns.XREF_ONLY_PREFIXES:
                self.g.bind(prefix, iri, override=True, replace=True)

    # -- helpers -------------------------------------------------------------------------------
    def _err(self, reason: str, loc: Location, fix: str | None = None) -> None:
        self.errors.append(SourceError(reason, loc, fix))

    def _ref_err(self, exc: ValueError, loc: Location) -> None:
        """Report a bad reference, unless it names a term that could not be read."""
        if not isinstance(exc, Unreadable):
            self._err(str(exc), loc)

    @staticmethod
    def _loc(t: Term, key: str, index: int | None = None) -> Location:
        """Where ``key`` of term ``t`` (its item ``index`` if given) is written: the exact line
        when the YAML loader recorded it, else the term's line (a table row's)."""
        line = line_of(t.data, key, t.loc.line)
        if index is not None:
            line = line_of(t.data.get(key), index, line)
        return Location(t.loc.file, line, t.loc.term)

    @staticmethod
    def _bnode(*parts: object) -> BNode:
        digest = hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:20]
        return BNode("n" + digest)

    def _lit(self, text: str) -> Literal:
        return Literal(" ".join(str(text).split()), lang=LANG)

    def resolve_entity(self, token: str, kinds: set[str], loc: Location) -> str:
        curie = self.ss.aliases.get(token, token)
        if token in self.ss.unreadable and curie not in self.ss.terms:
            raise Unreadable(token)
        if ":" not in curie:
            raise ValueError(f"unknown name {token!r}: neither a property alias (properties.yaml) nor a CURIE")
        try:
            iri = ns.expand(curie)
        except (ns.UnknownPrefix, ValueError) as exc:
            raise ValueError(str(exc)) from None
        term = self.ss.terms.get(curie)
        if term is None and (curie in self.ss.unreadable or token in self.ss.unreadable):
            raise Unreadable(token)
        if term is None:
            raise ValueError(f"{token} is used but not declared (declare it in a module, external terms in external.yaml)")
        if term.type not in TERM_TYPES:
            raise Unreadable(token)  # its unknown type is reported
        if term.type not in kinds:
            raise ValueError(f"{token} is a {term.type}, expected {' or '.join(sorted(kinds))}")
        return iri

    def parse_expr(self, text: str, loc: Location) -> Expr | None:
        parser = ExprParser(
            str(text),
            lambda t: self.resolve_entity(t, {"class"}, loc),
            lambda t: self.resolve_entity(t, {"object_property"}, loc),
        )
        try:
            return parser.parse()
        except Unreadable:
            return None  # its module's error is reported
        except ValueError as exc:
            self._err(str(exc), loc)
            return None

    def emit_expr(self, expr: Expr, salt: str) -> URIRef | BNode:
        if expr.kind == "class":
            return URIRef(expr.iri)
        node = self._bnode(salt, expr)
        g = self.g
        if expr.kind in ("some", "only"):
            g.add((node, RDF.type, OWL.Restriction))
            g.add((node, OWL.onProperty, URIRef(expr.iri)))
            pred = OWL.someValuesFrom if expr.kind == "some" else OWL.allValuesFrom
            g.add((node, pred, self.emit_expr(expr.args[0], salt + "/f")))
        elif expr.kind in ("and", "or"):
            g.add((node, RDF.type, OWL.Class))
            members = [self.emit_expr(a, f"{salt}/{i}") for i, a in enumerate(expr.args)]
            head = self._bnode(salt, "list", expr)
            self._list(head, members, salt)
            g.add((node, OWL.intersectionOf if expr.kind == "and" else OWL.unionOf, head))
        elif expr.kind == "not":
            g.add((node, RDF.type, OWL.Class))
            g.add((node, OWL.complementOf, self.emit_expr(expr.args[0], salt + "/c")))
        return node

    def _list(self, head: BNode, members: list, salt: str) -> None:
        node = head
        for i, member in enumerate(members):
            self.g.add((node, RDF.first, member))
            nxt = RDF.nil if i == len(members) - 1 else self._bnode(salt, "list", i, head)
            self.g.add((node, RDF.rest, nxt))
            node = nxt

    def annotate(self, s, p, o, sources: list[str], loc: Location, *, definition: bool = False,
                 extra: list[tuple] = ()) -> None:
        """Add triple (s p o) and, if there are sources or extras, its owl:Axiom annotation."""
        self.g.add((s, p, o))
        if not sources and not extra:
            return
        ax = self._bnode("axiom", s, p, o)
        self.g.add((ax, RDF.type, OWL.Axiom))
        self.g.add((ax, OWL.annotatedSource, s))
        self.g.add((ax, OWL.annotatedProperty, p))
        self.g.add((ax, OWL.annotatedTarget, o))
        for key in sources:
            src = self.ss.sources.get(key)
            if src is None:
                self._err(f"unknown source key {key!r}", loc, "add it to sources.yaml")
                continue
            self.g.add((ax, ns.DCTERMS.source, URIRef(src.iri)))
            if definition:
                self.g.add((ax, ns.OBOINOWL.hasDbXref, Literal(src.curie or src.iri)))
        for ap, value in extra:
            self.g.add((ax, ap, value))

    # -- header and sources --------------------------------------------------------------------
    def emit_header(self, ontology_iri: str, version_iri: str, title_suffix: str = "") -> URIRef:
        h = self.ss.header
        o = URIRef(ontology_iri)
        g = self.g
        g.add((o, RDF.type, OWL.Ontology))
        g.add((o, OWL.versionIRI, URIRef(version_iri)))
        g.add((o, OWL.versionInfo, Literal(self.ss.version)))
        g.add((o, ns.DCTERMS.title, self._lit(h["title"] + title_suffix)))
        g.add((o, ns.DCTERMS.description, self._lit(h["description"])))
        g.add((o, ns.DCTERMS.license, URIRef(h["license"])))
        if h.get("comment"):
            g.add((o, RDFS.comment, self._lit(h["comment"])))
        for d in ("created",):
            if h.get(d):
                g.add((o, ns.DCTERMS[d], Literal(str(h[d]), datatype=XSD.date)))
        g.add((o, ns.DCTERMS.modified, Literal(self.ss.version, datatype=XSD.date)))
        for creator in _as_list(h.get("creators")):
            g.add((o, ns.DCTERMS.creator, Literal(creator)))
        g.add((o, ns.VANN.preferredNamespacePrefix, Literal(h.get("preferred_prefix", "NENKG"))))
        g.add((o, ns.VANN.preferredNamespaceUri, Literal(ns.ENTITY_PREFIXES["NENKG"])))
        for root in _as_list(h.get("root_terms")):
            g.add((o, ns.IAO_ROOT_TERM, URIRef(ns.expand(root))))
        return o

    def emit_sources(self) -> None:
        doc = URIRef(ns.expand(DOCUMENT_CLASS))
        for src in self.ss.sources.values():
            s = URIRef(src.iri)
            self.g.add((s, RDF.type, OWL.NamedIndividual))
            self.g.add((s, RDF.type, doc))
            self.g.add((s, RDFS.label, self._lit(src.title)))
            self.g.add((s, ns.DCTERMS.title, self._lit(src.title)))
            if src.publisher:
                self.g.add((s, ns.DCTERMS.publisher, Literal(src.publisher)))
            if src.date:
                if re.fullmatch(r"\d{4}-\d\d-\d\d", src.date):
                    dtype = XSD.date
                elif re.fullmatch(r"\d{4}", src.date):
                    dtype = XSD.gYear
                else:
                    self._err(f"source date {src.date!r} is neither YYYY-MM-DD nor YYYY", src.loc or Location("sources", None, src.key))
                    continue
                self.g.add((s, ns.DCTERMS.date, Literal(src.date, datatype=dtype)))
            if src.curie:
                self.g.add((s, ns.DCTERMS.identifier, Literal(src.curie)))
            if src.local_copy:
                self.g.add((s, RDFS.comment, self._lit(f"Local copy used by NENKG: {src.local_copy}")))
            if src.note:
                self.g.add((s, RDFS.comment, self._lit(src.note)))

    # -- terms ---------------------------------------------------------------------------------
    def emit_terms(self) -> None:
        for term in self.ss.terms.values():
            if term.external and not self.include_external:
                # the base file declares the external entities it references, nothing more
                kind = OWL.ObjectProperty if term.type == "object_property" else OWL.Class
                self.g.add((term.iri, RDF.type, kind))
                continue
            self.emit_term(term)
        for ext in self.ss.extensions:
            target = self.ss.terms.get(ext.curie)
            if target is None and ext.curie in self.ss.unreadable:
                continue
            if target is None or target.type != "class":
                self._err(f"'extend' names {ext.curie}, which is not a class defined in the sources", ext.loc)
                continue
            self.emit_extension(ext)

    def emit_extension(self, t: Term) -> None:
        self._facts(t)
        self._comments_and_sources(t)
        self._synonyms(t)
        self._xrefs(t)
        self._class_axioms(t)

    def _comments_and_sources(self, t: Term) -> None:
        for i, c in enumerate(_as_list(t.data.get("comments"))):
            loc = self._loc(t, "comments", i)
            if isinstance(c, dict):
                loc = Location(loc.file, line_of(c, "sources", c.get("__line__") or loc.line), t.curie)
            text, srcs = (c, []) if isinstance(c, str) else (c.get("text"), _as_list(c.get("sources")))
            if not isinstance(c, (str, dict)) or not text:
                self._err("a comment is a text or {text: ..., sources: [...]}", loc)
                continue
            self.annotate(t.iri, RDFS.comment, self._lit(text), srcs, loc)
        for i, key in enumerate(_as_list(t.data.get("sources"))):
            src = self.ss.sources.get(key)
            if src is None:
                self._err(f"unknown source key {key!r}", self._loc(t, "sources", i), "add it to sources.yaml")
            else:
                self.g.add((t.iri, ns.DCTERMS.source, URIRef(src.iri)))

    def emit_term(self, t: Term) -> None:
        d, s, g = t.data, t.iri, self.g
        decl = {
            "class": OWL.Class,
            "object_property": OWL.ObjectProperty,
            "datatype_property": OWL.DatatypeProperty,
            "annotation_property": OWL.AnnotationProperty,
            "individual": OWL.NamedIndividual,
        }.get(t.type)
        if decl is None:
            return  # an unknown type, reported when the term was read
        g.add((s, RDF.type, decl))
        label = d.get("label")
        if d.get("deprecated") and not str(label).startswith("obsolete "):
            self._err("a deprecated term's label starts with 'obsolete '", self._loc(t, "label"))
        if label:
            g.add((s, RDFS.label, self._lit(label)))
        if d.get("definition"):
            srcs = _as_list(d.get("definition_sources"))
            self.annotate(s, ns.IAO_DEFINITION, self._lit(d["definition"]), srcs, self._loc(t, "definition_sources"),
                          definition=True)
        self._comments_and_sources(t)
        self._synonyms(t)
        self._xrefs(t)
        if d.get("deprecated"):
            g.add((s, OWL.deprecated, Literal(True)))
            for i, r in enumerate(_as_list(d.get("replaced_by"))):
                g.add((s, ns.IAO_TERM_REPLACED_BY, URIRef(self._entity(r, self._loc(t, "replaced_by", i)))))
            for r in _as_list(d.get("consider")):
                g.add((s, ns.OBOINOWL.consider, Literal(r)))
            if d.get("obsolescence_reason"):
                g.add((s, URIRef(ns.OBO + "IAO_0000231"), self._lit(d["obsolescence_reason"])))
            if d.get("subclass_of") or d.get("equivalent_to"):
                self._err("a deprecated term carries no logical axioms", self._loc(t, "subclass_of" if d.get("subclass_of") else "equivalent_to"))
        if t.type == "class":
            self._class_axioms(t)
        elif t.type == "object_property":
            self._property_axioms(t)
        elif t.type == "datatype_property":
            if d.get("range"):
                rng = str(d["range"])
                if not rng.startswith("xsd:"):
                    self._err(f"a datatype property's range is an xsd datatype, got {rng!r}", self._loc(t, "range"))
                else:
                    g.add((s, RDFS.range, XSD[rng[4:]]))
            if "functional" in _as_list(d.get("characteristics")):
                g.add((s, RDF.type, OWL.FunctionalProperty))
        if d.get("facts"):
            self._facts(t)
        if t.type == "individual":
            for i, ty in enumerate(_as_list(d.get("types"))):
                e = self.parse_expr(ty, self._loc(t, "types", i))
                if e is not None:
                    g.add((s, RDF.type, self.emit_expr(e, f"{t.curie}/type/{i}")))
        if d.get("value_type") and t.type != "annotation_property":
            self._err("'value_type' is for annotation properties", self._loc(t, "value_type"))
        elif t.type == "annotation_property" and d.get("value_type") not in VALUE_TYPES:
            self._err(f"an annotation property needs value_type, one of {sorted(VALUE_TYPES)}", self._loc(t, "value_type"))

    def _facts(self, t: Term) -> None:
        """Property values of an individual or class, typed by the property's declared value_type;
        a value written {value: V, sources: [keys]} carries its sources as an axiom annotation."""
        facts = t.data.get("facts") or {}
        if not isinstance(facts, dict):
            self._err("facts is a mapping from annotation properties to values", self._loc(t, "facts"))
            return
        for prop_iri, obj, sources, vloc in self._annotation_values(facts, t.loc, "fact", sourced=True):
            self.annotate(t.iri, prop_iri, obj, sources, vloc)

    def _annotation_values(self, mapping: dict, loc: Location, what: str, *,
                           sourced: bool = False) -> list[tuple[URIRef, Any, list[str], Location]]:
        """(property, value, sources, location) of a mapping from declared annotation properties to
        values, each value typed by its property's value_type; faults are reported at their line.
        With `sourced`, a value may be {value: V, sources: [keys]}."""
        out = []
        for key, values in mapping.items():
            if key == "__line__":
                continue
            kloc = Location(loc.file, line_of(mapping, key, loc.line), loc.term)
            curie = self.ss.aliases.get(key, key)
            prop = self.ss.terms.get(curie)
            if prop is None and (key in self.ss.unreadable or curie in self.ss.unreadable):
                continue
            if prop is None or prop.type != "annotation_property":
                self._err(f"{what} {key!r} is not a declared annotation property", kloc)
                continue
            for i, value in enumerate(_as_list(values)):
                vloc = Location(kloc.file, line_of(values, i, kloc.line), loc.term)
                sources: list[str] = []
                if sourced and isinstance(value, dict):
                    extra = sorted(k for k in value if k not in ("value", "sources", "__line__"))
                    if "value" not in value or extra:
                        self._err(f"{what} {key!r}: a sourced {what} is {{value: ..., sources: [...]}}"
                                  + (f"; got {extra[0]!r}" if extra else ""), vloc)
                        continue
                    sources = [str(k) for k in _as_list(value.get("sources"))]
                    value = value["value"]
                try:
                    obj = _typed_value(value, prop.data.get("value_type"), self)
                except Unreadable:
                    continue
                except ValueError as exc:
                    self._err(f"{what} {key!r}: {exc}", vloc)
                    continue
                out.append((prop.iri, obj, sources, vloc))
        return out

    def _entity(self, token: str, loc: Location) -> str:
        try:
            return ns.expand(self.ss.aliases.get(token, token))
        except (ns.UnknownPrefix, ValueError) as exc:
            self._err(str(exc), loc)
            return ns.BASE + "invalid"

    def _synonyms(self, t: Term) -> None:
        for i, syn in enumerate(_as_list(t.data.get("synonyms"))):
            if not isinstance(syn, dict):
                self._err("a synonym is a mapping such as {exact: 'NEN', abbreviation: true}", self._loc(t, "synonyms", i))
                continue
            scopes = [k for k in syn if k in SYNONYM_SCOPES]
            unknown = [k for k in syn if k not in SYNONYM_SCOPES and k not in ("abbreviation", "sources", "__line__")]
            loc = Location(t.loc.file, syn.get("__line__"), t.curie)
            if unknown:
                loc = Location(loc.file, line_of(syn, unknown[0], loc.line), t.curie)
            if len(scopes) != 1 or unknown:
                self._err(f"a synonym has exactly one scope of {sorted(SYNONYM_SCOPES)} (got {sorted(k for k in syn if k != '__line__')})", loc)
                continue
            text = self._lit(syn[scopes[0]])
            extra = [(ns.OBOINOWL.hasSynonymType, URIRef(ns.OMO_ABBREVIATION))] if syn.get("abbreviation") else []
            self.annotate(t.iri, SYNONYM_SCOPES[scopes[0]], text, _as_list(syn.get("sources")),
                          Location(loc.file, line_of(syn, "sources", loc.line), t.curie), extra=extra)

    def _xrefs(self, t: Term) -> None:
        xrefs = t.data.get("xrefs") or {}
        if not isinstance(xrefs, dict):
            self._err("xrefs is a mapping from exact/close/broad/narrow/related/dbxref to lists", self._loc(t, "xrefs"))
            return
        for kind, values in xrefs.items():
            if kind == "__line__":
                continue
            kline = line_of(xrefs, kind, t.loc.line)
            pred = XREF_PREDICATES.get(kind)
            if pred is None:
                self._err(f"unknown xref kind {kind!r}; one of {sorted(XREF_PREDICATES)}", Location(t.loc.file, kline, t.curie))
                continue
            for i, value in enumerate(_as_list(values)):
                vloc = Location(t.loc.file, line_of(values, i, kline), t.curie)
                curie = str(value).split()[0] if str(value).strip() else ""
                if not ns.is_valid_curie(curie):
                    self._err(f"cross-reference {curie!r} is not a valid CURIE of a known prefix", vloc)
                    continue
                if kind == "dbxref":
                    self.g.add((t.iri, pred, Literal(curie)))
                else:
                    prefix = curie.split(":")[0]
                    if prefix not in ns.ENTITY_PREFIXES:
                        self._err(f"{curie}: a {kind} match needs a prefix with term IRIs; use dbxref", vloc)
                        continue
                    self.g.add((t.iri, pred, URIRef(ns.expand(curie))))

    def _class_axioms(self, t: Term) -> None:
        s, loc = t.iri, t.loc
        for slot, pred in (("subclass_of", RDFS.subClassOf), ("equivalent_to", OWL.equivalentClass)):
            for i, item in enumerate(_as_list(t.data.get(slot))):
                text, srcs, note, iloc = item, [], None, self._loc(t, slot, i)
                annotations: Any = {}
                if isinstance(item, dict):
                    text, srcs, note = item.get("expr"), _as_list(item.get("sources")), item.get("comment")
                    annotations = item.get("annotations") or {}
                    iloc = Location(loc.file, item.get("__line__") or iloc.line, t.curie)
                    bad = [k for k in item if k not in ("expr", "sources", "comment", "annotations", "__line__")]
                    if bad or not text:
                        self._err("an axiom is 'expr' with optional 'sources', 'comment' and 'annotations' "
                                  f"(got {bad or 'no expr'})", iloc)
                        continue
                    if not isinstance(annotations, dict):
                        self._err("an axiom's annotations are a mapping from annotation properties to values",
                                  Location(loc.file, line_of(item, "annotations", iloc.line), t.curie))
                        annotations = {}
                e = self.parse_expr(text, iloc)
                if e is None:
                    continue
                o = self.emit_expr(e, f"{t.curie}/{slot}/{text}")
                if e.kind == "class":
                    self.axiom_locations.setdefault((s, pred, o), iloc)
                self.slot_locations.setdefault((t.curie, slot), []).append(iloc)
                extra = [(RDFS.comment, self._lit(note))] if note else []
                extra += [(ap, av) for ap, av, _, _ in self._annotation_values(annotations, iloc, "axiom annotation")]
                self.annotate(s, pred, o, srcs, iloc, extra=extra)
        disjoint = _as_list(t.data.get("disjoint_with"))
        for i, other in enumerate(disjoint):
            try:
                iri = self.resolve_entity(other, {"class"}, loc)
            except ValueError as exc:
                self._ref_err(exc, self._loc(t, "disjoint_with", i))
                continue
            self.g.add((s, OWL.disjointWith, URIRef(iri)))

    def _property_axioms(self, t: Term) -> None:
        s, loc, d = t.iri, t.loc, t.data
        for i, parent in enumerate(_as_list(d.get("sub_property_of"))):
            try:
                self.g.add((s, RDFS.subPropertyOf, URIRef(self.resolve_entity(parent, {"object_property"}, loc))))
            except ValueError as exc:
                self._ref_err(exc, self._loc(t, "sub_property_of", i))
        for slot, pred in (("domain", RDFS.domain), ("range", RDFS.range)):
            if d.get(slot):
                e = self.parse_expr(d[slot], self._loc(t, slot))
                if e is not None:
                    self.g.add((s, pred, self.emit_expr(e, f"{t.curie}/{slot}")))
        if d.get("inverse_of"):
            try:
                self.g.add((s, OWL.inverseOf, URIRef(self.resolve_entity(d["inverse_of"], {"object_property"}, loc))))
            except ValueError as exc:
                self._ref_err(exc, self._loc(t, "inverse_of"))
        chain = _as_list(d.get("property_chain"))
        if chain:
            links = []
            for i, p in enumerate(chain):
                try:
                    links.append(URIRef(self.resolve_entity(p, {"object_property"}, loc)))
                except ValueError as exc:
                    self._ref_err(exc, self._loc(t, "property_chain", i))
            if len(links) == len(chain):
                head = self._bnode(t.curie, "chain")
                self._list(head, links, t.curie + "/chain")
                self.g.add((s, OWL.propertyChainAxiom, head))
        for i, c in enumerate(_as_list(d.get("characteristics"))):
            if c not in CHARACTERISTICS:
                self._err(f"unknown characteristic {c!r}; one of {sorted(CHARACTERISTICS)}", self._loc(t, "characteristics", i))
            else:
                self.g.add((s, RDF.type, CHARACTERISTICS[c]))

    def declare_vocabulary(self) -> None:
        """Declare the annotation properties the ontology uses (OWL 2 DL needs it)."""
        for iri, label in VOCABULARY:
            self.g.add((iri, RDF.type, OWL.AnnotationProperty))
            self.g.add((iri, RDFS.label, Literal(label, lang=LANG)))
        abbrev = URIRef(ns.OMO_ABBREVIATION)
        self.g.add((abbrev, RDF.type, OWL.AnnotationProperty))
        self.g.add((abbrev, RDFS.label, Literal("abbreviation", lang=LANG)))
        self.g.add((abbrev, RDFS.subPropertyOf, ns.OBOINOWL.SynonymTypeProperty))
        self.g.add((ns.OBOINOWL.SynonymTypeProperty, RDF.type, OWL.AnnotationProperty))
        self.g.add((ns.OBOINOWL.SynonymTypeProperty, RDFS.label, Literal("synonym_type_property", lang=LANG)))

    def finish(self) -> Graph:
        if self.errors:
            raise SourceErrors(self.errors)
        return self.g


def compile_graph(ss: SourceSet, *, ontology_iri: str, version_iri: str, include_external: bool = True,
                  title_suffix: str = "") -> Graph:
    """Compile the sources into one graph (header + vocabulary + sources + terms); raises
    SourceErrors listing every problem found."""
    return compile_sources(ss, ontology_iri=ontology_iri, version_iri=version_iri,
                           include_external=include_external, title_suffix=title_suffix).finish()


def compile_sources(ss: SourceSet, *, ontology_iri: str, version_iri: str, include_external: bool = True,
                    title_suffix: str = "") -> Compiler:
    """Compile without raising: the compiler holds the graph (``g``), every problem found
    (``errors``) and where each axiom between two named classes is written."""
    c = Compiler(ss, include_external=include_external)
    c.emit_header(ontology_iri, version_iri, title_suffix)
    c.declare_vocabulary()
    c.emit_sources()
    c.emit_terms()
    return c


def sort_errors(errors: list[SourceError], files: list[Path]) -> list[SourceError]:
    """The errors in the order of the files (as the header lists them), then by line."""
    order = {str(f): i for i, f in enumerate(files)}

    def key(e: SourceError) -> tuple:
        loc = e.location
        if loc is None:
            return (len(order) + 1, 0)
        return (order.get(loc.file, len(order)), loc.file, loc.line or 0)

    return sorted(errors, key=key)
