"""Triple stores behind one interface.

* :class:`EmbeddedStore` - Oxigraph in this process (pyoxigraph), in memory or on disk. The default.
* :class:`RemoteStore` - any server speaking the SPARQL 1.1 Protocol (queries) and the SPARQL 1.1
  Graph Store HTTP Protocol (loading): Oxigraph server, Fuseki, GraphDB, Virtuoso, QLever, Neptune.
* :class:`RdflibStore` - rdflib's in-memory dataset, the baseline the benchmarks compare with.

Every store keeps the release and each record set in its own named graph, and answers queries
over the union of the NENKG graphs. Results come back as pyoxigraph terms whatever the store,
so answers from different stores compare directly.

Parameters are bound as RDF terms: a value is first made a typed term (an IRI, a typed literal),
and only the term serializer writes it, inside a ``VALUES`` block placed at the start of the
outermost group pattern (:func:`bind_values`); no user text reaches the query unescaped. The
embedded store and a server get the very same bound query, so their answers agree by construction
(Oxigraph's own SEP-0007 substitution would be neater but only accepts projected variables);
rdflib binds through its ``initBindings``.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

import pyoxigraph as ox

from . import namespaces as ns
from .errors import NenkgError
from .httpauth import Authenticator, plain_opener, service, split_credentials

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal]

#: Named graph of the ontology release (its ontology IRI).
RELEASE_GRAPH = ns.BASE + "nenkg.owl"
#: Named graphs of record sets: this base plus the set's name.
RECORDS_GRAPH_BASE = ns.BASE + "records/"

RDF_FORMATS = {
    ".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE, ".owl": ox.RdfFormat.RDF_XML,
    ".rdf": ox.RdfFormat.RDF_XML, ".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
MEDIA_TYPES = {
    ox.RdfFormat.N_TRIPLES: "application/n-triples", ox.RdfFormat.TURTLE: "text/turtle",
    ox.RdfFormat.RDF_XML: "application/rdf+xml", ox.RdfFormat.JSON_LD: "application/ld+json",
}


class StoreError(NenkgError):
    """The store or server could not do what was asked (exit code 2)."""


class QuerySyntaxError(StoreError):
    """The query does not parse; ``line`` and ``column`` say where (1-based) when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, source: str = "query"):
        self.line, self.column = line, column
        where = f"{source}:{line}:{column}" if line else source
        super().__init__(f"{where}: SPARQL syntax error: {message}")


class QueryTimeout(StoreError):
    def __init__(self, seconds: float):
        super().__init__(f"query stopped after the {seconds:g} s time limit (raise it with --timeout)")


# --- results ---------------------------------------------------------------------------------


def term_text(term: Term | None) -> str | None:
    """A readable value: IRIs as CURIEs when a project prefix fits, literals as their lexical form."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ns.contract(term.value) or term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


@dataclass
class QueryResult:
    """What a query gave: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def dicts(self) -> list[dict[str, str | None]]:
        return [{v: term_text(t) for v, t in zip(self.variables, row)} for row in self.rows]

    def column(self, variable: str) -> list[str | None]:
        if variable not in self.variables:
            raise KeyError(f"no variable {variable!r} in the result (has {', '.join(self.variables)})")
        i = self.variables.index(variable)
        return [term_text(row[i]) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)


def _syntax_error(exc: Exception, source: str = "query") -> QuerySyntaxError:
    text = str(exc)
    m = re.search(r"error at (\d+):(\d+): ?(.*)", text, re.DOTALL)
    if m:
        return QuerySyntaxError(m.group(3).strip() or text, int(m.group(1)), int(m.group(2)), source)
    return QuerySyntaxError(text, source=source)


_EMPTY = ox.Store()


def query_kind(text: str, source: str = "query") -> str:
    """"select", "ask" or "graph", checking the syntax with Oxigraph's parser (on an empty store)."""
    try:
        res = _EMPTY.query(text)
    except SyntaxError as exc:
        raise _syntax_error(exc, source) from None
    if isinstance(res, ox.QueryBoolean):
        return "ask"
    if isinstance(res, ox.QueryTriples):
        return "graph"
    return "select"


def _run_with_timeout(work: Callable[[], QueryResult], timeout: float | None) -> QueryResult:
    """Runs ``work`` and gives up after ``timeout`` seconds. Oxigraph releases the interpreter
    lock while it evaluates, so a worker thread can be left behind; the caller gets control back."""
    if not timeout:
        return work()
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc

    worker = threading.Thread(target=target, daemon=True, name="nenkg-query")
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(timeout)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]


# --- the interface ---------------------------------------------------------------------------


class Store(ABC):
    """A dataset of named graphs that answers SPARQL queries over the union of its graphs."""

    name = "store"

    @abstractmethod
    def query(self, text: str, bindings: dict[str, Term] | None = None, timeout: float | None = None) -> QueryResult:
        """Runs a SPARQL query with parameters bound as RDF terms."""

    @abstractmethod
    def load_file(self, path: Path | str, graph: str, replace: bool = True) -> None:
        """Loads an RDF file into the named graph ``graph`` (replacing what it held)."""

    @abstractmethod
    def graphs(self) -> list[str]:
        """Names of the named graphs, sorted."""

    @abstractmethod
    def drop_graph(self, graph: str) -> None: ...

    def count(self, graph: str | None = None) -> int:
        """Triples in one named graph, or in all of them."""
        if graph is None:
            res = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        else:
            res = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": ox.NamedNode(graph)})
        return int(res.rows[0][0].value)

    def load_release(self, ontology_dir: Path) -> None:
        """The release (``nenkg.nt``, the fastest of its serializations to parse) into its graph."""
        path = Path(ontology_dir) / "nenkg.nt"
        if not path.is_file():
            raise StoreError(f"{path}: no release file; run `nenkg build` first")
        self.load_file(path, RELEASE_GRAPH)

    def close(self) -> None:
        pass

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def rdf_format(path: Path | str) -> ox.RdfFormat:
    suffix = Path(path).suffix.lower()
    if suffix not in RDF_FORMATS:
        raise StoreError(f"{path}: unknown RDF file type {suffix or '(none)'}; use one of {', '.join(sorted(RDF_FORMATS))}")
    return RDF_FORMATS[suffix]


# --- embedded Oxigraph -----------------------------------------------------------------------


class EmbeddedStore(Store):
    """Oxigraph in this process; in memory, or persistent in the folder ``path``."""

    name = "embedded"

    def __init__(self, path: Path | str | None = None, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        try:
            if self.path is None:
                self.ox = ox.Store()
            elif read_only:
                if not self.path.is_dir():
                    raise StoreError(f"{self.path}: no store there; create it with `nenkg load --store {self.path}`")
                self.ox = ox.Store.read_only(str(self.path))
            else:
                self.ox = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from None

    def query(self, text: str, bindings: dict[str, Term] | None = None, timeout: float | None = None) -> QueryResult:
        bound = bind_values(text, bindings or {})

        def work() -> QueryResult:
            res = None
            try:
                res = self.ox.query(bound, use_default_graph_as_union=True)
                return _from_oxigraph(res)  # solutions are computed (and SERVICE called) while read
            except SyntaxError as exc:
                if bound is not text:
                    query_kind(text)  # report the error where it is in the query as written
                raise _syntax_error(exc) from None
            except OSError as exc:
                message = f"query failed: {exc}"
            # drop Oxigraph's solutions in the thread that made them (they cannot be sent to another)
            res = None
            raise StoreError(message)

        return _run_with_timeout(work, timeout)

    def load_file(self, path: Path | str, graph: str, replace: bool = True) -> None:
        fmt = rdf_format(path)
        g = ox.NamedNode(graph)
        if replace:
            self.drop_graph(graph)
        try:
            self.ox.bulk_load(path=str(path), format=fmt, to_graph=g)
        except SyntaxError as exc:
            raise StoreError(f"{path}: not valid {fmt.name}: {exc}") from None
        except OSError as exc:
            raise StoreError(f"{path}: cannot load: {exc}") from None

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def drop_graph(self, graph: str) -> None:
        g = ox.NamedNode(graph)
        if g in set(self.ox.named_graphs()):
            self.ox.remove_graph(g)

    def count(self, graph: str | None = None) -> int:
        return len(self.ox) if graph is None else super().count(graph)

    def close(self) -> None:
        if self.path is not None and not self.read_only and hasattr(self, "ox"):
            self.ox.flush()
        self.__dict__.pop("ox", None)


def _from_oxigraph(res: object) -> QueryResult:
    if isinstance(res, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(res))
    if isinstance(res, ox.QueryTriples):
        return QueryResult("graph", triples=list(res))
    variables = [v.value for v in res.variables]  # type: ignore[attr-defined]
    rows = [tuple(sol[v] for v in variables) for sol in res]  # type: ignore[attr-defined]
    return QueryResult("select", variables=variables, rows=rows)


# --- rdflib (baseline) -----------------------------------------------------------------------


class RdflibStore(Store):
    """rdflib's in-memory dataset; the baseline of the benchmarks and a cross-check in tests."""

    name = "rdflib"

    def __init__(self) -> None:
        from rdflib import Dataset

        self.ds = Dataset(default_union=True)

    def query(self, text: str, bindings: dict[str, Term] | None = None, timeout: float | None = None) -> QueryResult:
        from rdflib import Variable

        init = {Variable(k): to_rdflib(v) for k, v in (bindings or {}).items()}
        kind = query_kind(text)

        def work() -> QueryResult:
            res = self.ds.query(text, initBindings=init)
            if kind == "ask":
                return QueryResult("ask", boolean=bool(res.askAnswer))
            if kind == "graph":
                return QueryResult("graph", triples=[ox.Triple(*(from_rdflib(t) for t in tr)) for tr in res])
            variables = [str(v) for v in res.vars]
            return QueryResult("select", variables=variables,
                               rows=[tuple(from_rdflib(row[i]) for i in range(len(variables))) for row in res])

        return _run_with_timeout(work, timeout)

    def load_file(self, path: Path | str, graph: str, replace: bool = True) -> None:
        from rdflib import URIRef

        fmt = {ox.RdfFormat.N_TRIPLES: "nt", ox.RdfFormat.TURTLE: "turtle", ox.RdfFormat.RDF_XML: "xml",
               ox.RdfFormat.JSON_LD: "json-ld"}.get(rdf_format(path))
        if fmt is None:
            raise StoreError(f"{path}: the rdflib store reads N-Triples, Turtle, RDF/XML and JSON-LD only")
        if replace:
            self.drop_graph(graph)
        self.ds.graph(URIRef(graph)).parse(str(path), format=fmt)

    def graphs(self) -> list[str]:
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        return sorted(str(g.identifier) for g in self.ds.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID)

    def drop_graph(self, graph: str) -> None:
        from rdflib import URIRef

        self.ds.remove_graph(URIRef(graph))

    def count(self, graph: str | None = None) -> int:
        from rdflib import URIRef

        if graph is None:
            return sum(len(g) for g in self.ds.graphs())
        return len(self.ds.graph(URIRef(graph)))


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


def _canonical_decimal(text: str) -> str:
    """The canonical lexical form Oxigraph answers with ("3.0" -> "3", "2.50" -> "2.5"), so that
    rdflib answers like Oxigraph although the release writes decimals as "3.0"."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    out = format(value, "f")
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    return "0" if out in ("-0", "") else out


def to_rdflib(term: Term):
    """The rdflib term; an xsd:string literal becomes a plain one, as rdflib's parsers make it."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    dtype = term.datatype.value
    return Literal(term.value) if dtype == _XSD_STRING else Literal(term.value, datatype=URIRef(dtype))


def from_rdflib(term) -> Term | None:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if str(term.datatype) == _XSD_DECIMAL:
            return ox.Literal(_canonical_decimal(str(term)), datatype=ox.NamedNode(_XSD_DECIMAL))
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


# --- remote server ---------------------------------------------------------------------------

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_STRING = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', re.DOTALL)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def sparql_tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """(position, depth, token) of the braces and keywords of a query: words outside comments,
    strings and IRIs that are not variables, prefixed names or language tags, upper-cased.
    ``depth`` is the brace depth at the token (the depth outside, for a closing brace)."""
    i, depth, n = 0, 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif c in "\"'":
            m = _STRING.match(text, i)
            i = m.end() if m else i + 1
        elif c == "<":
            m = _IRIREF.match(text, i)
            i = m.end() if m else i + 1
        elif c == "{":
            yield i, depth, "{"
            depth += 1
            i += 1
        elif c == "}":
            depth -= 1
            yield i, depth, "}"
            i += 1
        elif c.isalpha() or c == "_":
            m = _WORD.match(text, i)
            assert m is not None
            if text[i - 1:i] not in ("?", "$", ":", "@") and text[m.end():m.end() + 1] != ":":
                yield i, depth, m.group().upper()
            i = m.end()
        else:
            i += 1


def bind_values(text: str, bindings: dict[str, Term]) -> str:
    """The query with a ``VALUES`` block binding each parameter, at the start of the outermost
    group pattern (the WHERE clause; for CONSTRUCT, after the template). The terms are written by
    the N-Triples serializer of pyoxigraph, which escapes them, so no value can change the query."""
    if not bindings:
        return text
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise StoreError(f"invalid parameter name {name!r}")
    names = sorted(bindings)
    block = " VALUES (" + " ".join("?" + n for n in names) + ") { (" + " ".join(str(bindings[n]) for n in names) + ") } "
    construct = False
    skip_template = False
    for pos, depth, tok in sparql_tokens(text):
        if depth == 0 and tok == "CONSTRUCT":
            construct, skip_template = True, True
        elif depth == 0 and tok == "WHERE" and construct:
            skip_template = False
        elif tok == "{" and depth == 0:
            if skip_template:
                skip_template = False  # the template's opening brace; the next depth-0 group is WHERE
                continue
            return text[:pos + 1] + block + text[pos + 1:]
    raise StoreError("cannot bind parameters: the query has no group pattern (WHERE { ... })")


def _blank_node(label: str) -> ox.BlankNode:
    """A blank node of a server's answer; labels that are not valid in N-Triples (Virtuoso writes
    ``nodeID://b10006``) are hex-encoded, so distinct labels stay distinct."""
    try:
        return ox.BlankNode(label)
    except ValueError:
        return ox.BlankNode("x" + label.encode("utf-8").hex())


def _parse_json_term(t: dict) -> Term:
    kind = t.get("type")
    if kind == "uri":
        return ox.NamedNode(t["value"])
    if kind == "bnode":
        return _blank_node(t["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in t:
            return ox.Literal(t["value"], language=t["xml:lang"])
        if "datatype" in t:
            return ox.Literal(t["value"], datatype=ox.NamedNode(t["datatype"]))
        return ox.Literal(t["value"])
    raise StoreError(f"the server returned an unknown term type {kind!r}")


class AuthenticationError(StoreError):
    """A 401 answer: the server's challenges (``WWW-Authenticate``), and whether the request was
    authorized (then the credentials were refused, unless the challenge says the nonce is stale)."""

    def __init__(self, message: str, challenges: list[str], authorized: bool):
        super().__init__(message)
        self.challenges, self.authorized = challenges, authorized


class RemoteStore(Store):
    """A SPARQL 1.1 Protocol endpoint, with its Graph Store Protocol service for loading.

    ``endpoint`` is the query URL. The Graph Store URL defaults to Oxigraph's layout (``/query``
    -> ``/store``); give ``graph_store`` for other servers (Fuseki ``/ds/data``, GraphDB
    ``/repositories/ID/rdf-graphs/service``, Virtuoso ``/sparql-graph-crud-auth``). A user name and
    password in either URL (``http://USER:PASSWORD@HOST/...``) or in ``~/.netrc`` answer the
    server's Basic or Digest challenge (:mod:`.httpauth`). Queries name the NENKG graphs as the default graph
    (``default-graph-uri``), so the server needs no union-default-graph setting.
    """

    name = "remote"

    def __init__(self, endpoint: str, graph_store: str | None = None, timeout: float = 60.0):
        parts = urllib.parse.urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise StoreError(f"{split_credentials(endpoint)[0]!r} is not an http(s) URL of a SPARQL endpoint")
        if graph_store is None:
            path = parts.path
            path = path[: -len("/query")] + "/store" if path.endswith("/query") else path.rstrip("/") + "/store"
            graph_store = urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
        # credentials from the URLs or ~/.netrc, answered to Basic or Digest challenges (Virtuoso, GraphDB)
        self._auth = Authenticator()
        self.endpoint, self.graph_store = self._auth.add(endpoint), self._auth.add(graph_store)
        self._opener = plain_opener()
        self._unprotected: set[str] = set()  # services that answered a probe without a challenge
        self.timeout = timeout
        self._graphs: list[str] | None = None

    # HTTP
    def _request(self, method: str, url: str, body: bytes | Iterable[bytes] | None = None,
                 headers: dict[str, str] | None = None, timeout: float | None = None) -> tuple[int, bytes, str]:
        """One request, authorized up front when the service has challenged before. A 401 is
        answered once when it is the first challenge or says the nonce expired; with a body, that
        needs the body to be sent again, which a server may not wait for (Virtuoso closes the
        connection on an unauthorized upload before reading it, and the client sees a reset). So a
        request with a body is preceded by a body-less probe (:meth:`_probe`), once per service if
        the service asks for no credentials, and its body is sent once, already authorized."""
        if body is not None:
            self._probe(url)
        try:
            return self._send(method, url, body, headers, timeout)
        except AuthenticationError as exc:
            resendable = body is None or isinstance(body, bytes)
            first = not exc.authorized or self._auth.stale(exc.challenges)
            if not (resendable and first and self._auth.learn(url, exc.challenges)):
                raise
        return self._send(method, url, body, headers, timeout)

    def _probe(self, url: str) -> None:
        """HEAD, authorized as :meth:`_request` does: learns the service's challenge, renews an
        expired nonce and checks the credentials (a 401 here is the error to report). Other
        answers (Virtuoso's Graph Store service answers 501 to HEAD) are the request's business.
        Without credentials, a challenge is the 401 error to report."""
        if service(url) in self._unprotected:
            return
        try:
            self._request("HEAD", url)
        except AuthenticationError:
            raise
        except StoreError:
            pass
        if not self._auth.challenged(url):
            self._unprotected.add(service(url))

    def _send(self, method: str, url: str, body: bytes | Iterable[bytes] | None = None,
              headers: dict[str, str] | None = None, timeout: float | None = None) -> tuple[int, bytes, str]:
        headers = dict(headers or {})
        authorization = self._auth.header(method, url)
        if authorization is not None:
            headers["Authorization"] = authorization
        req = urllib.request.Request(url, data=body, method=method, headers=headers)  # type: ignore[arg-type]
        try:
            with self._opener.open(req, timeout=timeout or self.timeout) as resp:
                return resp.status, resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()
            hint = ""
            if exc.code == 401:
                hint = (" (wrong or missing user name and password: give them in the URL, http://USER:PASSWORD@HOST/..., "
                        "or in ~/.netrc)")
            message = (f"{method} {url.split('?')[0]}: the server answered {exc.code} {exc.reason}{hint}"
                       + (f": {detail[:500]}" if detail else ""))
            if exc.code == 401:
                raise AuthenticationError(message, exc.headers.get_all("WWW-Authenticate") or [],
                                          authorization is not None) from None
            raise StoreError(message) from None
        except TimeoutError:
            raise QueryTimeout(timeout or self.timeout) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise QueryTimeout(timeout or self.timeout) from None
            raise StoreError(f"cannot reach {url.split('?')[0]}: {reason}") from None
        except (ConnectionError, OSError) as exc:
            raise StoreError(f"cannot reach {url.split('?')[0]}: {exc}") from None

    def _nenkg_graphs(self) -> list[str]:
        if self._graphs is None:
            self._graphs = [g for g in self.graphs() if g.startswith(ns.BASE)]
        return self._graphs

    def query(self, text: str, bindings: dict[str, Term] | None = None, timeout: float | None = None) -> QueryResult:
        kind = query_kind(text)
        return self._query(bind_values(text, bindings or {}), kind, self._nenkg_graphs(), timeout)

    def _query(self, text: str, kind: str, default_graphs: list[str], timeout: float | None = None) -> QueryResult:
        # the NENKG graphs make the default graph, and stay reachable by name for GRAPH patterns.
        # A form POST is the one request every server reads (Virtuoso 7 ignores a sparql-query body).
        form = urllib.parse.urlencode([("query", text)] + [("default-graph-uri", g) for g in default_graphs]
                                      + [("named-graph-uri", g) for g in default_graphs])
        accept = "application/n-triples" if kind == "graph" else "application/sparql-results+json"
        _, body, ctype = self._request("POST", self.endpoint, form.encode("utf-8"),
                                       {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
                                       timeout)
        if kind == "graph":
            try:
                triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            except SyntaxError as exc:
                raise StoreError(f"the server's N-Triples did not parse: {exc}") from None
            return QueryResult("graph", triples=[ox.Triple(q.subject, q.predicate, q.object) for q in triples])
        try:
            data = json.loads(body)
        except ValueError:
            raise StoreError(f"the server did not return SPARQL JSON results (Content-Type {ctype!r})") from None
        if "boolean" in data:
            return QueryResult("ask", boolean=bool(data["boolean"]))
        variables = list(data["head"].get("vars", []))
        rows = [tuple(_parse_json_term(b[v]) if v in b else None for v in variables)
                for b in data["results"]["bindings"]]
        return QueryResult("select", variables=variables, rows=rows)

    def graphs(self) -> list[str]:
        res = self._query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", "select", [])
        if any(t is None for (t,) in res.rows):  # Virtuoso matches no graph to an empty pattern
            res = self._query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "select", [])
        return sorted(t.value for (t,) in res.rows if isinstance(t, ox.NamedNode))

    def _gsp_url(self, graph: str) -> str:
        return self.graph_store + ("&" if "?" in self.graph_store else "?") + urllib.parse.urlencode({"graph": graph})

    def load_file(self, path: Path | str, graph: str, replace: bool = True) -> None:
        fmt = rdf_format(path)
        size = Path(path).stat().st_size
        with open(path, "rb") as fh:
            # with credentials the body is bytes, so that a challenge on an expired nonce can be answered
            body = fh.read() if self._auth.has_credentials(self.graph_store) else fh
            self._request("PUT" if replace else "POST", self._gsp_url(graph), body,  # type: ignore[arg-type]
                          {"Content-Type": MEDIA_TYPES.get(fmt, "application/n-triples"), "Content-Length": str(size)},
                          timeout=max(self.timeout, 600.0))
        self._graphs = None

    def drop_graph(self, graph: str) -> None:
        if graph in self.graphs():
            self._request("DELETE", self._gsp_url(graph))
        self._graphs = None
