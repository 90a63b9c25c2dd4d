"""``nenkg query``, ``nenkg queries`` and ``nenkg load``: the query library on any store."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from ..errors import NenkgError
from .options import add_command, existing_dir, existing_file, seconds
from .progress import Progress


def _store_options(p: argparse.ArgumentParser, memory_default: bool) -> None:
    g = p.add_argument_group("store (default: " + ("the release in memory" if memory_default else "none") + ")")
    where = g.add_mutually_exclusive_group()
    where.add_argument("--store", type=Path, metavar="PATH", help="persistent embedded store (a folder; made by `nenkg load --store`)")
    where.add_argument("--endpoint", metavar="URL", help="SPARQL 1.1 Protocol query URL of a server (e.g. http://127.0.0.1:7878/query)")
    g.add_argument("--graph-store", metavar="URL",
                   help="Graph Store Protocol URL for loading (default: the endpoint with /query replaced by /store, as in Oxigraph)")
    g.add_argument("--timeout", type=seconds, default=60.0, metavar="SECONDS",
                   help="stop a query (or a request to the server) after this long, above 0 (default: 60)")


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub, "query", help="run a library query (by name) or a SPARQL file on the release or a store",
        description="Run a query of the library (by name; see `nenkg queries`) or any .rq file on the release in\n"
                    "memory, a persistent store (--store) or a SPARQL server (--endpoint). Parameters are typed by\n"
                    "the query's header and bound as RDF terms. A query with a SERVICE clause (federated query,\n"
                    "which would contact another server) is refused unless --allow-service is given.",
        examples="nenkg query nens-in-organ -p organ=UBERON:0001264\n"
                 "nenkg query record-counts-by-site --records examples/records.csv\n"
                 "nenkg query my-query.rq --format csv\n"
                 "nenkg query grading-thresholds --endpoint http://127.0.0.1:7878/query",
        exit_codes="0  the query ran (the results are on standard output)\n"
                   "2  it could not run: unknown query name, missing or ill-typed parameter, SPARQL syntax error\n"
                   "   (file, line, column), SERVICE without --allow-service, store or server error, time limit\n"
                   "   reached, invalid option")
    p.add_argument("query", metavar="NAME|FILE", help="library query name (see `nenkg queries`) or a .rq file")
    p.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE",
                   help="parameter value (repeatable); CURIEs such as UBERON:0001264 are accepted for IRIs")
    p.add_argument("--format", "-f", choices=("table", "csv", "tsv", "json"), default="table", help="result format (default: table)")
    p.add_argument("--records", action="append", default=[], type=existing_file, metavar="FILE",
                   help="with the in-memory store: classify this record file and add it (repeatable)")
    p.add_argument("--ontology", type=existing_dir, help="release folder for the in-memory store (default: ontology/)")
    p.add_argument("--allow-service", action="store_true",
                   help="run a query with a SERVICE clause, which contacts the server it names (refused otherwise)")
    _store_options(p, memory_default=True)
    p.set_defaults(func=run_query)

    p = add_command(
        sub, "queries", help="list the query library (or show one query)",
        description="List the queries of queries/<group>/ with their titles and parameters, or show one query:\n"
                    "its question, what it returns, each parameter with its type and default, its sources.",
        examples="nenkg queries\nnenkg queries nens-in-organ\nnenkg queries --format json",
        exit_codes="0  listed\n2  unknown query name (the nearest names are suggested) or an invalid option")
    p.add_argument("name", nargs="?", help="show this query: question, what it returns, parameters, file")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="table (for people, the default) or json (for machines)")
    p.set_defaults(func=run_queries)

    p = add_command(
        sub, "load", help="load the release and record files into named graphs of a store or server",
        description="Load the release into the graph https://w3id.org/nenkg/nenkg.owl and classify each record file\n"
                    "into its own graph https://w3id.org/nenkg/records/NAME (a reload replaces the graph), in a\n"
                    "persistent embedded store (--store, a folder made if needed) or a SPARQL server (--endpoint,\n"
                    "through the Graph Store Protocol).",
        examples="nenkg load --store nenkg-db examples/records.csv\n"
                 "nenkg query record-counts-by-site --store nenkg-db\n"
                 "nenkg load --endpoint http://127.0.0.1:7878/query examples/records.csv",
        exit_codes="0  everything loaded, every record classified\n"
                   "1  loaded, but at least one record was rejected (it is in the graph with its reason)\n"
                   "2  nothing to load into, a file could not be read, the store or server failed, invalid option")
    p.add_argument("records", nargs="*", type=existing_file, metavar="RECORDS",
                   help="record files (CSV, JSON Lines or RDF) to classify and load, each into its own graph")
    p.add_argument("--no-release", action="store_true", help="do not (re)load the release graph")
    p.add_argument("--ontology", type=existing_dir, help="release folder (default: ontology/)")
    _store_options(p, memory_default=False)
    p.set_defaults(func=run_load)


def open_store(args: argparse.Namespace, *, for_writing: bool = False):
    from ..store import EmbeddedStore, RemoteStore

    if args.endpoint:
        return RemoteStore(args.endpoint, graph_store=args.graph_store, timeout=args.timeout)
    if args.store:
        return EmbeddedStore(args.store, read_only=not for_writing)
    return None


def _params(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise NenkgError(f"--param {pair!r}: write it as KEY=VALUE")
        key, value = pair.split("=", 1)
        out[key.strip()] = value
    return out


def _load_records(store, path: Path, knowledge) -> tuple[str, object]:
    from ..recordgraph import record_set_name, write_record_graph
    from ..store import RECORDS_GRAPH_BASE

    if not path.is_file():
        raise NenkgError(f"{path}: no such file")
    graph = RECORDS_GRAPH_BASE + record_set_name(path)
    with tempfile.TemporaryDirectory(prefix="nenkg-load-") as tmp:
        nt = Path(tmp) / "records.nt"
        with open(nt, "w", encoding="utf-8") as out:
            counts = write_record_graph(path, out, knowledge)
        store.load_file(nt, graph)
    return graph, counts


def memory_store(ontology: Path, records: list[Path], data: list[Path] = ()):
    """An in-memory embedded store with the release, classified record files and RDF files
    (each in its own graph); rejected records are reported on stderr."""
    from ..recordgraph import record_set_name
    from ..store import RECORDS_GRAPH_BASE, EmbeddedStore

    store = EmbeddedStore()
    store.load_release(ontology)
    for path in data:
        if not path.is_file():
            raise NenkgError(f"{path}: no such file")
        store.load_file(path, RECORDS_GRAPH_BASE + record_set_name(path))
    if records:
        from ..grading import load_knowledge

        knowledge = load_knowledge(ontology / "nenkg.owl")
        for path in records:
            _, counts = _load_records(store, path, knowledge)
            if counts.rejected:
                print(f"nenkg: {path}: {counts.rejected} of {counts.total} record(s) rejected "
                      "(loaded without a class)", file=sys.stderr)
    return store


def uses_service(text: str) -> bool:
    """Whether a query has a SERVICE clause (a keyword outside comments, strings and IRIs, found
    by the same token scanner the endpoint uses to refuse it).

    >>> uses_service('SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }')
    True
    >>> uses_service('SELECT * { ?s ?p "SERVICE" } # SERVICE')
    False
    """
    from ..store import sparql_tokens

    return any(tok == "SERVICE" for _, _, tok in sparql_tokens(text))


def _read_query(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise NenkgError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise NenkgError(f"{path}: {exc.strerror}") from None


def run_query(args: argparse.Namespace) -> int:
    from ..library import Library, run_file
    from ..results import render
    from ..store import QueryTimeout

    values = _params(args.param)
    target = Path(args.query)
    is_file = args.query.endswith(".rq") or (os.sep in args.query and target.is_file())
    if is_file and not target.is_file():
        raise NenkgError(f"{target}: no such query file")
    library = None if is_file else Library.load(args.root)
    if library is not None:
        q = library.get(args.query)  # unknown names fail before any store is opened
        library.bindings(q, values)
        text, source = q.text, q.name
    else:
        text, source = _read_query(target), str(target)
    if not args.allow_service and uses_service(text):
        raise NenkgError(f"{source}: the query has a SERVICE clause, which would contact another server; "
                         "nenkg query stays on its own data unless you give --allow-service")
    store = open_store(args)
    if store is None:
        store = memory_store(args.ontology or args.root / "ontology", args.records)
    elif args.records:
        raise NenkgError("--records adds records to the in-memory store; load them into --store/--endpoint with `nenkg load`")
    try:
        if library is not None:
            result = library.run(store, args.query, values, timeout=args.timeout)
        else:
            result = run_file(store, target, values, timeout=args.timeout)
    except QueryTimeout as exc:
        print(f"nenkg: error: {exc}", file=sys.stderr)
        sys.stderr.flush()
        # the embedded engine cannot be interrupted; leave without waiting for it
        os._exit(2)
    sys.stdout.write(render(result, args.format))
    store.close()
    return 0


def run_queries(args: argparse.Namespace) -> int:
    from ..library import Library

    library = Library.load(args.root)
    if args.name:
        q = library.get(args.name)
        if args.format == "json":
            print(json.dumps(_describe(q, args.root), indent=1))
            return 0
        print(f"{q.name}  ({q.group}, {q.path.relative_to(args.root)})\n{q.title}\n")
        print(f"Question: {q.question}\nReturns:  {q.returns}")
        for p in q.params:
            default = "required" if p.required else f"default {p.default}"
            print(f"  --param {p.name}=<{p.type}>  {p.description} ({default})")
        for s in q.sources:
            print(f"Source: {s}")
        return 0
    if args.format == "json":
        print(json.dumps([_describe(library.get(n), args.root) for n in library.names()], indent=1))
        return 0
    queries = sorted(library.queries.values(), key=lambda q: (q.group, q.number))
    width = max((len(q.name) for q in queries), default=4)
    group = None
    for q in queries:
        if q.group != group:
            group = q.group
            print(f"{group}:")
        params = " ".join(f"{p.name}=" + ("?" if p.required else p.default) for p in q.params)  # type: ignore[operator]
        print(f"  {q.name.ljust(width)}  {q.title}" + (f"  [{params}]" if params else ""))
    print(f"({len(queries)} queries; `nenkg queries NAME` shows one, `nenkg query NAME` runs it)")
    return 0


def _describe(q, root: Path) -> dict:
    return {"name": q.name, "group": q.group, "file": str(q.path.relative_to(root)), "title": q.title,
            "question": q.question, "returns": q.returns, "sources": q.sources,
            "params": [{"name": p.name, "type": p.type, "default": p.default, "description": p.description} for p in q.params]}


def run_load(args: argparse.Namespace) -> int:
    from ..grading import load_knowledge
    from ..store import RELEASE_GRAPH

    store = open_store(args, for_writing=True)
    if store is None:
        raise NenkgError("nowhere to load: give --store PATH (embedded, on disk) or --endpoint URL (a SPARQL server)")
    ontology = args.ontology or args.root / "ontology"
    rejected = 0
    progress = Progress("nenkg load")
    try:
        if not args.no_release:
            t = time.perf_counter()
            progress("loading the release")
            store.load_release(ontology)
            progress.clear()
            print(f"{RELEASE_GRAPH}: {store.count(RELEASE_GRAPH):,} triples ({time.perf_counter() - t:.1f} s)")
        if args.records:
            progress("reading the classification criteria")
            knowledge = load_knowledge(ontology / "nenkg.owl")
            for path in args.records:
                t = time.perf_counter()
                progress(f"classifying and loading {path}")
                graph, counts = _load_records(store, path, knowledge)
                progress.clear()
                rejected += counts.rejected
                print(f"{graph}: {counts.total:,} records from {path} ({counts.classified:,} classified, "
                      f"{counts.not_nen:,} not a NEN, {counts.rejected:,} rejected), {store.count(graph):,} triples ({time.perf_counter() - t:.1f} s)")
                for err in counts.errors:
                    print(f"  rejected: {err}", file=sys.stderr)
                if counts.rejected > len(counts.errors):
                    print(f"  ... {counts.rejected - len(counts.errors)} more rejected; `nenkg classify {path}` lists all",
                          file=sys.stderr)
    finally:
        progress.clear()
        store.close()
    return 1 if rejected else 0
