"""``nenkg serve``: the SPARQL endpoint, term pages, search and browser over the embedded store."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import NenkgError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the SPARQL endpoint, term pages, search and browser (ASGI, loopback by default)")
    g = p.add_argument_group("data (default: the release in memory)")
    g.add_argument("--store", type=Path, metavar="PATH",
                   help="persistent embedded store made by `nenkg load --store` (opened read-only)")
    g.add_argument("--ontology", type=Path, metavar="DIR", help="release folder for the in-memory store (default: ontology/)")
    g.add_argument("--records", action="append", default=[], type=Path, metavar="FILE",
                   help="in-memory store: classify this record file and add it (repeatable)")
    g.add_argument("--data", action="append", default=[], type=Path, metavar="FILE",
                   help="in-memory store: load this RDF file as it is into its own graph (repeatable)")
    s = p.add_argument_group("server")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    s.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                   help="SPARQL time limit; the query's process is killed when it runs out (default: 10)")
    s.add_argument("--max-rows", type=int, default=10_000, metavar="N", help="result rows or triples at most (default: 10000)")
    s.add_argument("--max-request-bytes", type=int, default=64 * 1024, metavar="N",
                   help="size limit of a query or request body (default: 65536)")
    s.add_argument("--workers", type=int, default=max(2, min(4, os.cpu_count() or 2)), metavar="N",
                   help="query processes running SPARQL queries in parallel (default: CPUs, 2 to 4)")
    s.add_argument("--access-log", action="store_true", help="log every request")
    p.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    import pyoxigraph as ox
    import uvicorn

    from ..library import Library
    from ..server.app import NenkgApp, Settings, load_examples
    from ..server.sparql import execute
    from ..server.terms import TermIndex
    from ..server.workers import QueryPool
    from ..store import EmbeddedStore
    from .query import memory_store

    if args.timeout <= 0 or args.max_rows < 1 or args.max_request_bytes < 256 or args.workers < 1:
        raise NenkgError("--timeout, --max-rows, --workers must be positive and --max-request-bytes at least 256")
    library = Library.load(args.root) if (args.root / "queries").is_dir() else None
    examples = load_examples(library)
    if args.store:
        if args.records or args.data or args.ontology:
            raise NenkgError("--records, --data and --ontology build the in-memory store; "
                             "load them into --store with `nenkg load`")
        if not args.store.is_dir():
            raise NenkgError(f"{args.store}: no store there; create it with `nenkg load --store {args.store}`")
        path = str(args.store)
        pool = QueryPool(lambda: ox.Store.read_only(path), execute, size=args.workers)
        pool.start()  # forked before this process opens the store or starts a thread
        store = EmbeddedStore(args.store, read_only=True)
    else:
        store = memory_store(args.ontology or args.root / "ontology", args.records, args.data)
        inherited = store.ox
        pool = QueryPool(lambda: inherited, execute, size=args.workers)
        pool.start()
    index = TermIndex(store.ox)
    settings = Settings(timeout=args.timeout, max_rows=args.max_rows, max_request_bytes=args.max_request_bytes)
    app = NenkgApp(index, pool, examples, settings).build()
    print(f"nenkg serve: http://{args.host}:{args.port}/ ({len(store.ox):,} triples, {len(index.own_classes())} classes, "
          f"{args.workers} query processes, {settings.timeout:g} s limit, {settings.max_rows} rows)", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="info" if args.access_log else "warning",
                            access_log=args.access_log, lifespan="off", server_header=False)
    try:
        uvicorn.Server(config).run()
    finally:
        pool.close()
        store.close()
    return 0
