"""Benchmark: a bounded loopback load on `nenkg serve`.

Starts the real server (the committed release in memory, default limits) on 127.0.0.1 and sends
2,000 mixed requests from 8 concurrent clients, each on its own keep-alive connection: term pages
(HTML and Turtle), search (HTML and JSON; mostly distinct texts with typos), the home page with the class tree, SPARQL SELECT as
JSON (GET) and as CSV (POST), and a library query with its default parameters. Every request
must succeed (status 200 and a non-empty body); any failure makes the script exit 1.

    python benchmarks/bench_serve.py [--requests 2000] [--clients 8]

Writes benchmarks/results/serve.json (throughput, p50/p99 latency overall and per kind).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SELECT = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
          "SELECT ?c ?l WHERE { ?c rdfs:subClassOf <https://w3id.org/nenkg/NENKG_0000002> ; rdfs:label ?l } ORDER BY ?l")
SEARCHES = ["pheochromocytma", "pancreatic NET", "NCIT:C3809", "8240/3", "insulinoma", "merkel", "MEN1", "carcinoid"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def library_query() -> tuple[str, str]:
    """(name, text with default parameters bound) of the first library query without required
    parameters; the fixture library of the tests if the project's library is empty."""
    from nenkg.library import Library
    from nenkg.store import bind_values

    for root in (ROOT, ROOT / "tests" / "fixtures" / "serve"):
        lib = Library.load(root)
        for name in lib.names():
            q = lib.get(name)
            if all(p.default is not None for p in q.params):
                return name, bind_values(q.text, lib.bindings(q, {}))
    raise SystemExit("no library query without required parameters")


def search_text(i: int, labels: list[str]) -> str:
    """Mostly distinct search texts (so the server's answer cache rarely helps): a fixed example
    every fourth time, else a class label with one letter dropped (a typo) and in upper case."""
    if i % 4 == 0:
        return SEARCHES[(i // 4) % len(SEARCHES)]
    label = labels[(i * 7) % len(labels)]
    cut = (i * 3) % max(1, len(label) - 1) + 1
    return (label[:cut] + label[cut + 1:]).upper() if i % 2 else label[:cut] + label[cut + 1:]


def requests_plan(n: int, terms: list[str], labels: list[str], lib_text: str) -> list[tuple[str, str, str, dict, bytes | None]]:
    """(kind, method, path, headers, body) for n requests, in a fixed mixed order."""
    kinds = []
    for i in range(n):
        term = terms[i % len(terms)]
        search = urllib.parse.quote(search_text(i, labels))
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        choice = i % 8
        if choice == 0:
            kinds.append(("term html", "GET", term, {"Accept": "text/html"}, None))
        elif choice == 1:
            kinds.append(("term turtle", "GET", term, {"Accept": "text/turtle"}, None))
        elif choice == 2:
            kinds.append(("search html", "GET", "/search?q=" + search, {"Accept": "text/html"}, None))
        elif choice == 3:
            kinds.append(("search json", "GET", "/search?q=" + search, {"Accept": "application/json"}, None))
        elif choice == 4:
            kinds.append(("sparql json", "GET", "/sparql?" + urllib.parse.urlencode({"query": SELECT}),
                          {"Accept": "application/sparql-results+json"}, None))
        elif choice == 5:
            kinds.append(("sparql csv", "POST", "/sparql", {**form, "Accept": "text/csv"},
                          urllib.parse.urlencode({"query": SELECT}).encode()))
        elif choice == 6:
            kinds.append(("home", "GET", "/", {"Accept": "text/html"}, None))
        else:
            kinds.append(("library query", "POST", "/sparql", {**form, "Accept": "application/sparql-results+json"},
                          urllib.parse.urlencode({"query": lib_text}).encode()))
    return kinds


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    port = free_port()
    lib_name, lib_text = library_query()
    server = subprocess.Popen([sys.executable, "-m", "nenkg.cli.main", "--root", str(ROOT), "serve", "--port", str(port)],
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": (
                    "SELECT ?c ?l WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> ; "
                    "<http://www.w3.org/2000/01/rdf-schema#label> ?l "
                    "FILTER STRSTARTS(STR(?c), 'https://w3id.org/nenkg/NENKG_') } ORDER BY ?c")}),
                    headers={"Accept": "application/sparql-results+json"})
                data = json.loads(conn.getresponse().read())
                break
            except (OSError, ValueError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("nenkg serve did not start")
                time.sleep(0.2)
        terms = ["/" + b["c"]["value"].rsplit("/", 1)[1] for b in data["results"]["bindings"]]
        labels = [b["l"]["value"] for b in data["results"]["bindings"]]
        plan = requests_plan(args.requests, terms, labels, lib_text)
        local = threading.local()
        latencies: dict[str, list[float]] = {}
        failures: list[str] = []
        lock = threading.Lock()

        def send(item: tuple[str, str, str, dict, bytes | None]) -> None:
            kind, method, path, headers, body = item
            if not hasattr(local, "conn"):
                local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            start = time.perf_counter()
            try:
                local.conn.request(method, path, body=body, headers=headers)
                resp = local.conn.getresponse()
                payload = resp.read()
                ok = resp.status == 200 and len(payload) > 0
                why = f"{kind} {path[:60]}: HTTP {resp.status}"
            except (OSError, http.client.HTTPException) as exc:
                local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok, why = False, f"{kind} {path[:60]}: {exc}"
            took = time.perf_counter() - start
            with lock:
                latencies.setdefault(kind, []).append(took)
                if not ok:
                    failures.append(why)

        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(send, plan))
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(30)
    everything = [t for values in latencies.values() for t in values]
    result = {
        "benchmark": "nenkg serve, bounded loopback load (mixed requests, keep-alive connections)",
        "requests": args.requests,
        "clients": args.clients,
        "failures": len(failures),
        "failure_examples": failures[:10],
        "seconds": round(wall, 2),
        "requests_per_second": round(args.requests / wall, 1),
        "latency_ms": {"p50": round(percentile(everything, 50) * 1000, 1),
                       "p99": round(percentile(everything, 99) * 1000, 1),
                       "max": round(max(everything) * 1000, 1)},
        "per_kind_ms": {kind: {"n": len(v), "p50": round(percentile(v, 50) * 1000, 1),
                               "p99": round(percentile(v, 99) * 1000, 1)} for kind, v in sorted(latencies.items())},
        "library_query": lib_name,
        "distinct_searches": len({p[2] for p in plan if p[0].startswith("search")}),
        "server": "default limits (10 s, 10000 rows, query processes: CPUs, 2 to 4)",
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
    }
    out = ROOT / "benchmarks" / "results" / "serve.json"
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"nenkg serve: {args.requests} requests from {args.clients} clients in {result['seconds']} s, "
          f"{result['requests_per_second']} requests/s, p50 {result['latency_ms']['p50']} ms, "
          f"p99 {result['latency_ms']['p99']} ms, {len(failures)} failures")
    for kind, figures in result["per_kind_ms"].items():
        print(f"  {kind:14} p50 {figures['p50']:7.1f} ms  p99 {figures['p99']:7.1f} ms  (n={figures['n']})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
