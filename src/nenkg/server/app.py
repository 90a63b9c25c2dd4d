"""The ASGI application of ``nenkg serve``: SPARQL endpoint, term pages, search, browser.

Routes (a public contract): ``/sparql``, ``/search``, ``/queries``, ``/`` and a term page at the
path of every IRI under https://w3id.org/nenkg/ (``/NENKG_0000001``), plus ``/static/*`` for the
page's own CSS and JavaScript (nothing is fetched from elsewhere).

User queries run in killable worker processes (:mod:`.workers`); the pages read the store
directly through :class:`.terms.TermIndex`, which only does index look-ups.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, ClassVar

import anyio.to_thread
import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from .. import namespaces as ns
from ..store import bind_values
from .details import Extras, ServerIndex
from .sparql import (
    FORMAT_PARAMS,
    RDF_ALIASES,
    RDF_FORMATS,
    negotiate,
    parse_accept,
    refusal,
    serialize_triples,
)
from .terms import TermIndex
from .workers import PoolBusy, PoolError, PoolTimeout, QueryPool

#: Examples shown on the query page after the library's own queries.
STARTER_QUERIES = [
    ("starter", "NENKG classes and their labels",
     "Which classes does NENKG define?",
     ("PREFIX owl: <http://www.w3.org/2002/07/owl#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n\n"
      "SELECT ?class ?label WHERE {\n  ?class a owl:Class ;\n         rdfs:label ?label .\n"
      "  FILTER STRSTARTS(STR(?class), \"https://w3id.org/nenkg/NENKG_\")\n}\nORDER BY ?label\nLIMIT 100\n")),
    ("starter", "Cross-references of a class",
     "Which codes (NCIt, MONDO, ICD-O, ...) does a class carry?",
     ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX oboInOwl: <http://www.geneontology.org/formats/oboInOwl#>\n\n"
      "SELECT ?class ?label ?xref WHERE {\n  ?class rdfs:label ?label ;\n         oboInOwl:hasDbXref ?xref .\n"
      "  FILTER STRSTARTS(STR(?class), \"https://w3id.org/nenkg/NENKG_\")\n}\nORDER BY ?label ?xref\nLIMIT 200\n")),
]


@dataclass
class Settings:
    """The endpoint's limits (``nenkg serve`` options)."""

    timeout: float = 10.0  #: seconds a SPARQL query may run before its worker is killed
    max_rows: int = 10_000  #: result rows (or triples) returned at most; more are cut off
    max_request_bytes: int = 64 * 1024  #: size limit of a query or request body
    search_limit: int = 20


@dataclass
class Example:
    name: str
    group: str
    title: str
    question: str
    text: str
    params: list = field(default_factory=list)  #: the library query's parameters (library.Param)


def load_examples(library: Any) -> list[Example]:
    """The library's queries with their default parameters bound (runnable as they stand),
    followed by the starter queries. Queries with a required parameter show the text unbound."""
    examples = []
    if library is not None:
        for q in sorted(library.queries.values(), key=lambda q: (q.group, q.number)):
            text = q.text
            if all(p.default is not None for p in q.params) and q.params:
                text = bind_values(q.text, library.bindings(q, {}))
            examples.append(Example(q.name, q.group, q.title, q.question, text, list(q.params)))
    for i, (group, title, question, text) in enumerate(STARTER_QUERIES, start=1):
        examples.append(Example(f"starter-{i}", group, title, question, text))
    return examples


class NenkgApp:
    """Holds the index, the worker pool and the templates; builds the Starlette app."""

    def __init__(self, index: TermIndex, pool: QueryPool, examples: list[Example], settings: Settings,
                 title: str = "NENKG", library: Any = None):
        self.index, self.pool, self.examples, self.settings, self.title = index, pool, examples, settings, title
        self.library = library
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("nenkg.server", "templates"),
            autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
        self.env.globals.update(site_title=title, base=ns.BASE)
        self._home: str | None = None

    # --- helpers ------------------------------------------------------------------------------

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.env.get_template(template).render(**context), status_code=status)

    def error(self, request: Request, status: int, message: str, search: str | None = None) -> Response:
        """An error in the form the client asked for: HTML for browsers, else plain text.
        ``search``: text to offer as a link to the search (HTML only)."""
        accept = parse_accept(request.headers.get("accept"))
        if negotiate(accept, {"text": "text/plain", "html": "text/html", "json": "application/json"}) == "html":
            href = "/search?" + urllib.parse.urlencode({"q": search}) if search else ""
            return self.render("error.html", status=status, status_code=status, message=message, search_href=href,
                               search_text=search or "")
        if negotiate(accept, {"text": "text/plain", "json": "application/json"}) == "json" and "*/*" not in accept[:1]:
            return JSONResponse({"error": message, "status": status}, status_code=status)
        return PlainTextResponse(message + "\n", status_code=status)

    # --- pages --------------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        if self._home is None:
            ix = self.index
            if isinstance(ix, ServerIndex):
                main, sections = ix.home_sections()
                criteria = sorted(ix.criterion_individuals(), key=lambda c: ix.label(c).casefold())
            else:
                main, sections, criteria = ix.roots(), [], []
            self._home = self.env.get_template("home.html").render(
                roots=main, sections=sections, criteria=criteria, children=ix.tree_children, label=ix.label, link=ix.link,
                n_classes=len(ix.own_classes()))
        return HTMLResponse(self._home)

    async def search(self, request: Request) -> Response:
        q = request.query_params.get("q", "")
        if len(q) > 500:
            return self.error(request, 414, "the search text is too long (500 characters at most)")
        hits = self.index.search(q, self.settings.search_limit) if q.strip() else []
        want = request.query_params.get("format") or negotiate(
            parse_accept(request.headers.get("accept")), {"html": "text/html", "json": "application/json"})
        if want == "json":
            return JSONResponse({"query": q, "results": [
                {"iri": h.iri, "curie": h.curie, "label": h.label, "matched": h.matched, "field": h.field,
                 "score": round(h.score, 3), "href": self.index.link(h.iri).href} for h in hits]})
        if want != "html":
            return self.error(request, 406, "search answers text/html or application/json")
        return self.render("search.html", q=q, hits=hits, link=self.index.link)

    async def queries(self, request: Request) -> Response:
        chosen = request.query_params.get("name")
        current = next((e for e in self.examples if e.name == chosen), self.examples[0] if self.examples else None)
        return self.render("queries.html", examples=self.examples, current=current, default_label=self._value_label,
                           timeout=self.settings.timeout, max_rows=self.settings.max_rows)

    def _value_label(self, value: str) -> str:
        """The label of an IRI parameter's default (a CURIE or an IRI), or "" if the graph has none."""
        try:
            iri = value[1:-1] if value.startswith("<") else value if "://" in value else ns.expand(value)
        except (ns.UnknownPrefix, ValueError):
            return ""
        return self.index.labels.get(iri, "")

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        media = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}.get(name)
        if media is None:
            return self.error(request, 404, f"no static file {name!r}")
        body = resources.files("nenkg.server").joinpath("static", name).read_bytes()
        return Response(body, media_type=media.split(";")[0], headers={"Cache-Control": "max-age=3600",
                                                                       "Content-Type": media})

    async def term(self, request: Request) -> Response:
        path = request.path_params["path"]
        iri = ns.BASE + path
        try:
            import pyoxigraph as ox

            ox.NamedNode(iri)
        except ValueError:
            return self.error(request, 404, f"{path!r} is not a valid term path")
        if not self.index.exists(iri):
            return self.error(request, 404, f"no term {ns.contract(iri) or iri} in this knowledge graph; "
                                            f"try the search at /search?q={urllib.parse.quote(path)}", search=path)
        return await self._term_page(request, iri)

    async def external_term(self, request: Request) -> Response:
        """The local page of an external term the graph uses (``/ext/UBERON:0001264``)."""
        curie = request.path_params["curie"]
        iri = self.index.external_iri(curie) if isinstance(self.index, ServerIndex) else None
        if iri is None:
            return self.error(request, 404, f"no external term {curie} is described in this knowledge graph; "
                                            f"try the search at /search?q={urllib.parse.quote(curie)}", search=curie)
        return await self._term_page(request, iri)

    async def _term_page(self, request: Request, iri: str) -> Response:
        fmt = request.query_params.get("format")
        offers = {"html": "text/html", "xhtml": "application/xhtml+xml", **{k: v[0] for k, v in RDF_FORMATS.items()}}
        if fmt:
            fmt = RDF_ALIASES.get(fmt, fmt)
            if fmt not in offers:
                return self.error(request, 400, f"unknown format {fmt!r}; use html, turtle, jsonld, rdfxml or ntriples")
        else:
            fmt = negotiate(parse_accept(request.headers.get("accept")), offers, {"application/json": "jsonld"})
        if fmt is None:
            return self.error(request, 406, "term pages answer " + ", ".join(offers.values()))
        vary = {"Vary": "Accept"}
        if fmt in ("html", "xhtml"):
            page = self.index.describe(iri)
            # the picture is laid out by a dot process: off the event loop
            extras = (await anyio.to_thread.run_sync(self.index.extras, iri)) if isinstance(self.index, ServerIndex) else Extras()
            response = self.render("term.html", page=page, extras=extras)
            response.headers.update(vary)
            return response
        body = serialize_triples(self.index.triples(iri), fmt)
        return Response(body, media_type=RDF_FORMATS[fmt][0], headers=vary)

    # --- SPARQL -------------------------------------------------------------------------------

    async def sparql(self, request: Request) -> Response:
        limit = self.settings.max_request_bytes
        params = dict(request.query_params)
        # format / output / results values, each possibly repeated, in the order given
        formats = [v for k, v in request.query_params.multi_items() if k in FORMAT_PARAMS]
        query: str | None = params.get("query")
        if "update" in params:
            return self.error(request, 403, "updates are not allowed: this endpoint is read-only")
        if request.method == "POST":
            length = request.headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > limit):
                return self.error(request, 413, f"the request body is larger than the {limit:,}-byte limit")
            body = b""
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    return self.error(request, 413, f"the request body is larger than the {limit:,}-byte limit")
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                return self.error(request, 403, "updates are not allowed: this endpoint is read-only")
            if ctype == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                if "update" in form:
                    return self.error(request, 403, "updates are not allowed: this endpoint is read-only")
                params.update({k: v[0] for k, v in form.items()})
                formats += [v for k, v in urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
                            if k in FORMAT_PARAMS]
                query = params.get("query")
            elif ctype == "application/sparql-query":
                try:
                    query = body.decode("utf-8")
                except UnicodeDecodeError:
                    return self.error(request, 400, "the query is not valid UTF-8")
            else:
                return self.error(request, 415, "POST the query as application/sparql-query or as the form field "
                                                "`query` (application/x-www-form-urlencoded)")
        if query is None:
            if negotiate(parse_accept(request.headers.get("accept")), {"x": "application/sparql-results+json", "html": "text/html"}) == "html":
                return RedirectResponse("/queries", status_code=303)
            return self.error(request, 400, "no query: give it as the `query` parameter (GET or form POST) "
                                            "or as an application/sparql-query body")
        if len(query.encode("utf-8")) > limit:
            return self.error(request, 413, f"the query is larger than the {limit:,}-byte limit")
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            return self.error(request, 400, "default-graph-uri and named-graph-uri are not supported: "
                                            "the default graph is the union of all graphs")
        return await self._execute(request, query, formats)

    async def _execute(self, request: Request, query: str, formats: list[str]) -> Response:
        """Run a read-only query in a worker process and answer in the negotiated format."""
        why = refusal(query)
        if why:
            return self.error(request, 403, why)
        request_data = {"query": query, "accept": parse_accept(request.headers.get("accept")),
                        "formats": [f for f in formats if f.strip()], "max_rows": self.settings.max_rows}
        timeout = self.settings.timeout
        try:
            answer = await anyio.to_thread.run_sync(self.pool.run, request_data, timeout)
        except PoolTimeout:
            return self.error(request, 503, f"the query was stopped after the {timeout:g} s time limit")
        except PoolBusy:
            return self.error(request, 503, f"all query processes stayed busy for {timeout:g} s; try again later")
        except PoolError as exc:
            return self.error(request, 500, str(exc))
        header = answer.header
        status = header.get("status", 500)
        if status == 503:
            return self.error(request, 503, f"the query was stopped after the {timeout:g} s time limit")
        if status != 200:
            return self.error(request, status, header.get("error", "the query failed"))
        headers = {"Vary": "Accept", "X-NENKG-Rows": str(header["rows"])}
        if header.get("truncated"):
            headers["X-NENKG-Truncated"] = f"true; limit={self.settings.max_rows}"
        media = header["media"]
        if media.startswith("text/") or media.endswith(("+json", "+xml", "json")):
            media_header = media + "; charset=utf-8"
        else:
            media_header = media
        headers["Content-Type"] = media_header
        return Response(answer.body, status_code=200, headers=headers)

    # --- the browser's helpers: labels of result terms, library queries with parameters ------

    async def labels(self, request: Request) -> Response:
        """POST a JSON list of IRIs; answers {iri: {label, curie, href}} for those the graph
        labels (href: the local page, or "" where there is none)."""
        body = await self._small_body(request)
        if isinstance(body, Response):
            return body
        try:
            iris = json.loads(body or b"[]")
        except ValueError:
            return self.error(request, 400, "POST a JSON list of IRIs")
        if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris):
            return self.error(request, 400, "POST a JSON list of IRIs")
        out = {}
        for iri in iris[:5000]:
            if iri in self.index.labels or ns.contract(iri):
                link = self.index.link(iri)
                out[iri] = {"label": link.label, "curie": link.curie or "", "href": link.href if link.local else ""}
        return JSONResponse(out)

    async def _small_body(self, request: Request) -> bytes | Response:
        limit = self.settings.max_request_bytes
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                return self.error(request, 413, f"the request body is larger than the {limit:,}-byte limit")
        return body

    def bound_query(self, values: dict[str, str]) -> str:
        """The library query ``values['name']`` with the other values bound to its parameters by
        the library (typed RDF terms in a VALUES block, never pasted into the text). An ``iri``
        parameter takes an IRI, a CURIE or a term's label or exact synonym."""
        from ..library import LibraryError

        name = values.get("name", "")
        if self.library is None:
            raise LibraryError("this server has no query library")
        q = self.library.get(name)
        given: dict[str, str] = {}
        for p in q.params:
            value = (values.get(p.name) or "").strip()
            if not value:
                if p.default is None:
                    raise LibraryError(f"query {q.name!r} needs a value for {p.name!r} ({p.type}: {p.description})")
                continue
            if p.type == "iri":
                value = self._iri_value(p, value)
            given[p.name] = value
        return bind_values(q.text, self.library.bindings(q, given))

    def _iri_value(self, param: Any, value: str) -> str:
        """An IRI parameter's value: kept if it is an IRI or a CURIE, else looked up as a label."""
        from ..library import LibraryError, to_term

        try:
            to_term(param, value)
            return value
        except LibraryError:
            pass
        found = self.index.by_label(value) if isinstance(self.index, ServerIndex) else []
        if len(found) == 1:
            return "<" + found[0] + ">"
        if len(found) > 1:
            names = ", ".join(f"{self.index.label(i)} ({ns.contract(i) or i})" for i in found[:5])
            raise LibraryError(f"parameter {param.name!r}: {value!r} names several terms: {names}; give a CURIE")
        hits = self.index.search(value, 3)
        hint = "; did you mean " + ", ".join(f"{h.label} ({h.curie})" for h in hits) + "?" if hits else ""
        raise LibraryError(f"parameter {param.name!r}: no term is labelled {value!r} and it is not a CURIE or an IRI{hint}")

    async def _form(self, request: Request) -> dict[str, str] | Response:
        values = dict(request.query_params)
        if request.method == "POST":
            body = await self._small_body(request)
            if isinstance(body, Response):
                return body
            values.update({k: v for k, v in urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)})
        return values

    async def query_bind(self, request: Request) -> Response:
        """``/queries/bind?name=NAME&PARAM=VALUE...``: the library query's text with the values bound."""
        from ..library import LibraryError

        values = await self._form(request)
        if isinstance(values, Response):
            return values
        try:
            text = self.bound_query(values)
        except LibraryError as exc:
            return self.error(request, 400, str(exc))
        return PlainTextResponse(text)

    async def query_run(self, request: Request) -> Response:
        """``/queries/run`` (form fields ``name`` and the parameters; ``format`` as for /sparql):
        runs the library query with the values bound by the library, like /sparql does."""
        from ..library import LibraryError

        values = await self._form(request)
        if isinstance(values, Response):
            return values
        try:
            text = self.bound_query(values)
        except LibraryError as exc:
            return self.error(request, 400, str(exc))
        formats = [values[k] for k in FORMAT_PARAMS if values.get(k, "").strip()]
        return await self._execute(request, text, formats)

    # --- the app ------------------------------------------------------------------------------

    def build(self) -> Starlette:
        routes = [
            Route("/", self.home),
            Route("/search", self.search),
            Route("/queries", self.queries),
            Route("/sparql", self.sparql, methods=["GET", "POST"]),
            Route("/labels", self.labels, methods=["POST"]),
            Route("/queries/bind", self.query_bind, methods=["GET", "POST"]),
            Route("/queries/run", self.query_run, methods=["GET", "POST"]),
            Route("/ext/{curie}", self.external_term),
            Route("/static/{name}", self.static),
            Route("/{path:path}", self.term),
        ]
        middleware = [
            Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                       allow_headers=["Accept", "Content-Type"], expose_headers=["X-NENKG-Rows", "X-NENKG-Truncated"],
                       max_age=3600),
            Middleware(SecurityHeaders),
        ]

        async def http_error(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, HTTPException)
            return self.error(request, exc.status_code, exc.detail or "error")

        async def server_error(request: Request, exc: Exception) -> Response:
            return self.error(request, 500, f"internal error: {type(exc).__name__}")

        return Starlette(routes=routes, middleware=middleware,
                         exception_handlers={HTTPException: http_error, Exception: server_error})


class SecurityHeaders:
    """Adds a strict Content-Security-Policy (only this server's own scripts and styles; no
    inline script runs even if some text slipped through escaping) and nosniff to every answer."""

    HEADERS: ClassVar[list[tuple[bytes, bytes]]] = [
        (b"content-security-policy", (b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                      b"object-src 'none'; base-uri 'none'; frame-ancestors 'none'")),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def add_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + self.HEADERS
            await send(message)

        await self.app(scope, receive, add_headers)
