"""``nenkg serve``: the SPARQL endpoint, term pages, search and browser over the embedded store."""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from pathlib import Path

from ..errors import NenkgError
from .options import add_command, existing_dir, existing_file, port, positive_int, request_bytes, seconds


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub, "serve", help="serve the SPARQL endpoint, term pages, search and browser (ASGI, loopback by default)",
        description="Serve the knowledge graph over HTTP: the read-only SPARQL 1.1 endpoint (/sparql), search\n"
                    "(/search?q=), the query page (/queries), the class tree (/) and a page for every term, over\n"
                    "the release in memory or a store made by `nenkg load --store`. Listens on 127.0.0.1 (this\n"
                    "machine only) unless --host says otherwise; stop it with Ctrl-C or SIGTERM.",
        examples="nenkg serve                                  # http://127.0.0.1:8000/\n"
                 "nenkg serve --port 8080 --records examples/records.csv\n"
                 "nenkg serve --store nenkg-db --timeout 30",
        exit_codes="130  stopped with Ctrl-C (SIGINT); SIGTERM ends it by the signal (143 in a shell);\n"
                   "     both shut the query processes down cleanly\n"
                   "2    could not start: port in use (`port N on HOST is in use`, before anything is loaded),\n"
                   "     address not available, no store there, missing file, invalid option")
    g = p.add_argument_group("data (default: the release in memory)")
    g.add_argument("--store", type=Path, metavar="PATH",
                   help="persistent embedded store made by `nenkg load --store` (opened read-only)")
    g.add_argument("--ontology", type=existing_dir, metavar="DIR", help="release folder for the in-memory store (default: ontology/)")
    g.add_argument("--records", action="append", default=[], type=existing_file, metavar="FILE",
                   help="in-memory store: classify this record file and add it (repeatable)")
    g.add_argument("--data", action="append", default=[], type=existing_file, metavar="FILE",
                   help="in-memory store: load this RDF file as it is into its own graph (repeatable)")
    s = p.add_argument_group("server")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    s.add_argument("--port", type=port, default=8000, help="port, 1 to 65535 (default: 8000)")
    s.add_argument("--timeout", type=seconds, default=10.0, metavar="SECONDS",
                   help="SPARQL time limit; the query's process is killed when it runs out (default: 10)")
    s.add_argument("--max-rows", type=positive_int, default=10_000, metavar="N", help="result rows or triples at most (default: 10000)")
    s.add_argument("--max-request-bytes", type=request_bytes, default=64 * 1024, metavar="N",
                   help="size limit of a query or request body, at least 256 (default: 65536)")
    s.add_argument("--workers", type=positive_int, default=max(2, min(4, os.cpu_count() or 2)), metavar="N",
                   help="query processes running SPARQL queries in parallel (default: CPUs, 2 to 4)")
    s.add_argument("--access-log", action="store_true", help="log every request")
    p.set_defaults(func=run_serve)


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (as uvicorn binds: address reuse for TIME_WAIT), or a
    one-line error when the port is in use or the address is not this machine's."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise NenkgError(f"--host {host}: {exc.strerror}") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise NenkgError(f"port {port} on {host} is in use") from None
        if exc.errno == errno.EACCES:
            raise NenkgError(f"port {port} on {host}: permission denied (ports below 1024 need privileges)") from None
        raise NenkgError(f"cannot listen on {host} port {port}: {exc.strerror}") from None
    return sock


def run_serve(args: argparse.Namespace) -> int:
    import pyoxigraph as ox
    import uvicorn

    from ..library import Library
    from ..server.app import NenkgApp, Settings, load_examples
    from ..server.details import ServerIndex
    from ..server.sparql import execute
    from ..server.workers import QueryPool
    from ..store import EmbeddedStore
    from .query import memory_store

    bind(args.host, args.port).close()  # a busy port is reported before anything is loaded
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
    try:
        sock = bind(args.host, args.port)  # after the query processes are forked: they do not hold it
    except NenkgError:
        pool.close()
        store.close()
        raise
    index = ServerIndex(store.ox)
    settings = Settings(timeout=args.timeout, max_rows=args.max_rows, max_request_bytes=args.max_request_bytes)
    app = NenkgApp(index, pool, examples, settings, library=library).build()
    print(f"nenkg serve: http://{args.host}:{args.port}/ ({len(store.ox):,} triples, {len(index.own_classes())} classes, "
          f"{args.workers} query processes, {settings.timeout:g} s limit, {settings.max_rows} rows)", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="info" if args.access_log else "warning",
                            access_log=args.access_log, lifespan="off", server_header=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        pool.close()
        store.close()
    return 0
