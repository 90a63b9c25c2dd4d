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


def _store_options(p: argparse.ArgumentParser, memory_default: bool) -> None:
    g = p.add_argument_group("store (default: " + ("the release in memory" if memory_default else "none") + ")")
    where = g.add_mutually_exclusive_group()
    where.add_argument("--store", type=Path, metavar="PATH", help="persistent embedded store (a folder; made by `nenkg load --store`)")
    where.add_argument("--endpoint", metavar="URL", help="SPARQL 1.1 Protocol query URL of a server (e.g. http://127.0.0.1:7878/query)")
    g.add_argument("--graph-store", metavar="URL",
                   help="Graph Store Protocol URL for loading (default: the endpoint with /query replaced by /store, as in Oxigraph)")
    g.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="stop a query (or a request to the server) after this long (default: 60)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("query", help="run a library query (by name) or a SPARQL file on the release or a store")
    p.add_argument("query", metavar="NAME|FILE", help="library query name (see `nenkg queries`) or a .rq file")
    p.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE",
                   help="parameter value (repeatable); CURIEs such as UBERON:0001264 are accepted for IRIs")
    p.add_argument("--format", "-f", choices=("table", "csv", "tsv", "json"), default="table", help="result format (default: table)")
    p.add_argument("--records", action="append", default=[], type=Path, metavar="FILE",
                   help="with the in-memory store: classify this record file and add it (repeatable)")
    p.add_argument("--ontology", type=Path, help="release folder for the in-memory store (default: ontology/)")
    _store_options(p, memory_default=True)
    p.set_defaults(func=run_query)

    p = sub.add_parser("queries", help="list the query library (or show one query)")
    p.add_argument("name", nargs="?", help="show this query: question, what it returns, parameters, file")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=run_queries)

    p = sub.add_parser("load", help="load the release and record files into named graphs of a store or server")
    p.add_argument("records", nargs="*", type=Path, metavar="RECORDS",
                   help="record files (CSV, JSON Lines or RDF) to classify and load, each into its own graph")
    p.add_argument("--no-release", action="store_true", help="do not (re)load the release graph")
    p.add_argument("--ontology", type=Path, help="release folder (default: ontology/)")
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
    try:
        if not args.no_release:
            t = time.perf_counter()
            store.load_release(ontology)
            print(f"{RELEASE_GRAPH}: {store.count(RELEASE_GRAPH):,} triples ({time.perf_counter() - t:.1f} s)")
        if args.records:
            knowledge = load_knowledge(ontology / "nenkg.owl")
            for path in args.records:
                t = time.perf_counter()
                graph, counts = _load_records(store, path, knowledge)
                rejected += counts.rejected
                print(f"{graph}: {counts.total:,} records from {path} ({counts.classified:,} classified, "
                      f"{counts.rejected:,} rejected), {store.count(graph):,} triples ({time.perf_counter() - t:.1f} s)")
                for err in counts.errors:
                    print(f"  rejected: {err}", file=sys.stderr)
                if counts.rejected > len(counts.errors):
                    print(f"  ... {counts.rejected - len(counts.errors)} more rejected; `nenkg classify {path}` lists all",
                          file=sys.stderr)
    finally:
        store.close()
    return 1 if rejected else 0
