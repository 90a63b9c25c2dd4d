"""SPARQL 1.1 Protocol pieces: content negotiation, result serializers and the worker's job.

Everything here is pure (no HTTP, no processes) so it can be tested and reused: the server parses
the request, a worker process calls :func:`execute` and sends back bytes with their media type.
"""

from __future__ import annotations

import time
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .. import namespaces as ns
from ..results import to_csv, to_json, to_tsv
from ..store import QueryResult, _syntax_error, sparql_tokens
from .workers import Answer

#: Result formats of SELECT and ASK: short name -> media type.
RESULT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: Media types accepted for them (besides the canonical ones above).
RESULT_ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml"}
#: Further names a ``format`` / ``output`` / ``results`` parameter may give them.
RESULT_PARAM_ALIASES = {"srj": "json", "srx": "xml", "sparql-results+json": "json", "sparql-results+xml": "xml",
                        "text/comma-separated-values": "csv"}
#: RDF formats of CONSTRUCT, DESCRIBE and term descriptions: short name -> (media type, format).
RDF_FORMATS = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    # Turtle is valid N3: an N3 request is answered in Turtle, labelled as asked
    "n3": ("text/n3", ox.RdfFormat.TURTLE),
}
RDF_ALIASES = {"ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml", "xml": "rdfxml", "owl": "rdfxml",
               "json-ld": "jsonld", "text/plain": "ntriples", "application/json": "jsonld"}
#: Further names a ``format`` / ``output`` / ``results`` parameter may give them.
RDF_PARAM_ALIASES = {"json": "jsonld", "n-triples": "ntriples", "rdf+xml": "rdfxml", "rdf/xml": "rdfxml",
                     "application/xml": "rdfxml", "text/xml": "rdfxml", "application/x-turtle": "turtle",
                     "application/turtle": "turtle", "text/rdf+n3": "n3", "application/n3": "n3",
                     "application/x-json+ld": "jsonld"}
#: Request parameters that may name the output format (as SPARQLWrapper, Virtuoso and Fuseki use them).
FORMAT_PARAMS = ("format", "output", "results")
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


def parse_accept(header: str | None) -> list[str]:
    """Media ranges of an Accept header, best first (by q, then by order); ``*/*`` if none.

    >>> parse_accept("text/csv;q=0.5, application/json")
    ['application/json', 'text/csv']
    """
    if not header or not header.strip():
        return ["*/*"]
    ranked = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranked.append((-q, i, media))
    return [m for _, _, m in sorted(ranked)] or ["*/*"]


def negotiate(accept: list[str], offers: dict[str, str], aliases: dict[str, str] | None = None,
              default: str | None = None) -> str | None:
    """The short name of the first offer matching the ranked media ranges, else None.

    ``offers`` maps short names to media types (the first offer answers ``*/*``, unless
    ``default`` names another).
    >>> negotiate(["text/*"], {"json": "application/json", "csv": "text/csv"})
    'csv'
    """
    by_media = {media: name for name, media in offers.items()}
    for name, alias_of in (aliases or {}).items():
        if "/" in name and alias_of in offers:
            by_media.setdefault(name, alias_of)
    for media in accept:
        if media == "*/*":
            return default or next(iter(offers))
        if media in by_media:
            return by_media[media]
        if media.endswith("/*"):
            for name, offer in offers.items():
                if offer.startswith(media[:-1]):
                    return name
    return None


def keywords(text: str) -> list[str]:
    """Upper-cased words of a query outside comments, strings and IRIs, and not variables or
    prefixed names; what the endpoint looks at to refuse updates and SERVICE."""
    return [tok for _, _, tok in sparql_tokens(text) if tok not in ("{", "}")]


def refusal(text: str) -> str | None:
    """Why the read-only endpoint refuses this request text, or None.

    >>> refusal("DROP ALL")
    'updates are not allowed: this endpoint is read-only'
    >>> refusal('SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }')
    'SERVICE (federated query) is not allowed: this endpoint queries only its own data'
    >>> refusal('SELECT * { ?s ?p "INSERT" }') is None
    True
    """
    words = keywords(text)
    if "SERVICE" in words:
        return "SERVICE (federated query) is not allowed: this endpoint queries only its own data"
    rest = [w for w in words if w not in ("PREFIX", "BASE")]
    if rest and rest[0] in UPDATE_KEYWORDS:
        return "updates are not allowed: this endpoint is read-only"
    return None


# --- serializers -----------------------------------------------------------------------------


def to_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML Format (https://www.w3.org/TR/rdf-sparql-XMLres/)."""
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n  <head>']
    if result.kind == "ask":
        out.append("  </head>\n  <boolean>" + ("true" if result.boolean else "false") + "</boolean>\n</sparql>\n")
        return "\n".join(out)
    out += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
    out.append("  </head>\n  <results>")
    for row in result.rows:
        out.append("    <result>")
        for var, term in zip(result.variables, row):
            if term is None:
                continue
            out.append(f"      <binding name={quoteattr(var)}>{_xml_term(term)}</binding>")
        out.append("    </result>")
    out.append("  </results>\n</sparql>\n")
    return "\n".join(out)


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    assert isinstance(term, ox.Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


RESULT_WRITERS = {"json": to_json, "xml": to_xml, "csv": to_csv, "tsv": to_tsv}


def serialize_triples(triples: list[ox.Triple], fmt: str) -> bytes:
    """Triples in one of :data:`RDF_FORMATS`, with the project prefixes where the format has them."""
    _, rdf_format = RDF_FORMATS[fmt]
    prefixes = None
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        used = {t.predicate.value for t in triples} | {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
        used |= {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
        prefixes = {p: iri for p, iri in sorted(ns.PREFIXES.items())
                    if any(u.startswith(iri) for u in used) and p not in ("obo", "nenkg")}
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes) or b""


# --- the worker's job ------------------------------------------------------------------------


def execute(store: ox.Store, request: dict) -> Answer:
    """Runs one query in a worker process. ``request``: query, accept (ranked media ranges),
    formats (``format`` / ``output`` / ``results`` values in request order), max_rows, deadline (epoch seconds). The answer header has
    status, media type, kind, rows and truncated."""
    text, max_rows, deadline = request["query"], int(request["max_rows"]), float(request["deadline"])
    try:
        res = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        err = _syntax_error(exc)
        return Answer({"status": 400, "error": str(err).removeprefix("query: ")})
    except OSError as exc:
        return Answer({"status": 500, "error": f"the query failed: {exc}"})
    kind = "ask" if isinstance(res, ox.QueryBoolean) else "graph" if isinstance(res, ox.QueryTriples) else "select"
    fmt = choose_format(kind, request.get("accept") or ["*/*"], request.get("formats") or request.get("format"))
    if fmt is None:
        offered = ", ".join(m for m, _ in RDF_FORMATS.values()) if kind == "graph" else ", ".join(RESULT_FORMATS.values())
        return Answer({"status": 406, "error": f"cannot answer this {kind} query in the accepted media types; use one of {offered}"})
    truncated = False
    items: list = []
    if kind != "ask":
        for n, item in enumerate(res):  # type: ignore[arg-type]
            if n >= max_rows:
                truncated = True
                break
            if n % 256 == 0 and time.time() > deadline:
                return Answer({"status": 503, "error": "timeout"})
            items.append(item)
    if kind == "graph":
        media = RDF_FORMATS[fmt][0]
        body = serialize_triples(items, fmt)
        count = len(items)
    else:
        if kind == "ask":
            result = QueryResult("ask", boolean=bool(res))
        else:
            variables = [v.value for v in res.variables]  # type: ignore[attr-defined]
            result = QueryResult("select", variables=variables, rows=[tuple(s[v] for v in variables) for s in items])
        media = RESULT_FORMATS[fmt]
        body = RESULT_WRITERS[fmt](result).encode("utf-8")
        count = len(result.rows)
    return Answer({"status": 200, "media": media, "kind": kind, "rows": count, "truncated": truncated}, body)


def format_name(kind: str, value: str) -> str | None:
    """The short output format a ``format`` / ``output`` / ``results`` value names for a query
    of this kind (``select``, ``ask`` or ``graph``), or None if it names none of them.

    >>> format_name("select", "text/tab-separated-values"), format_name("graph", "xml")
    ('tsv', 'rdfxml')
    >>> format_name("graph", "tsv") is None
    True
    """
    # a "+" typed into a URL by hand arrives as a space (media types have none)
    value = value.split(";")[0].strip().lower().replace(" ", "+")
    if kind == "graph":
        offers, aliases = {k: v[0] for k, v in RDF_FORMATS.items()}, {**RDF_ALIASES, **RDF_PARAM_ALIASES}
    else:
        offers, aliases = RESULT_FORMATS, {**RESULT_ALIASES, **RESULT_PARAM_ALIASES}
    if value in offers:
        return value
    by_media = {media: name for name, media in offers.items()}
    return by_media.get(value) or aliases.get(value)


def choose_format(kind: str, accept: list[str], formats: list[str] | str | None) -> str | None:
    """The short name of the output format: the first ``format`` / ``output`` / ``results``
    value that names a format of this kind wins; if none does (or none is given), Accept decides.

    >>> choose_format("select", ["*/*"], ["tsv", "text/tab-separated-values"])
    'tsv'
    >>> choose_format("graph", ["text/turtle"], ["pdf"])
    'turtle'
    """
    if isinstance(formats, str):
        formats = [formats]
    for value in formats or []:
        name = format_name(kind, value)
        if name is not None:
            return name
    if kind == "graph":
        return negotiate(accept, {k: v[0] for k, v in RDF_FORMATS.items()}, {**RDF_ALIASES, **RDF_PARAM_ALIASES})
    return negotiate(accept, RESULT_FORMATS, RESULT_ALIASES)
