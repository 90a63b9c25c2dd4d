"""`nenkg query` contacts no other server unless told to: a query with SERVICE is refused with
one line and exit 2 before any store is opened; --allow-service lets it through."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cli_util import nenkg, one_error_line

SERVICE_QUERY = "# a federated query\nSELECT * WHERE {{\n  SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }}\n}}\n"


def test_service_to_a_closed_port_is_refused_without_a_connection(tmp_path):
    rq = tmp_path / "service.rq"
    rq.write_text(SERVICE_QUERY.format(port=9), encoding="utf-8")
    proc = nenkg("query", str(rq))
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert line.startswith(f"nenkg: error: {rq}: the query has a SERVICE clause") and "--allow-service" in line


def test_no_connection_is_attempted(tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        rq = tmp_path / "service.rq"
        rq.write_text(SERVICE_QUERY.format(port=listener.getsockname()[1]), encoding="utf-8")
        proc = nenkg("query", str(rq), "--format", "csv")
        assert proc.returncode == 2 and "SERVICE clause" in one_error_line(proc)
        listener.setblocking(False)
        try:
            listener.accept()
            raise AssertionError("nenkg query connected to the SERVICE address")
        except BlockingIOError:
            pass  # nobody knocked


def test_service_in_comments_strings_and_iris_is_not_a_service_clause(tmp_path):
    rq = tmp_path / "plain.rq"
    rq.write_text('# SERVICE <http://127.0.0.1:9/>\nSELECT ?x WHERE { BIND("SERVICE" AS ?x) '
                  'FILTER(?x != <http://example.org/SERVICE>) }\n', encoding="utf-8")
    proc = nenkg("query", str(rq), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["x", "SERVICE"]


class _Sparql(BaseHTTPRequestHandler):
    """A one-row SPARQL endpoint (answers every query with ?s = "remote")."""

    def _answer(self) -> None:
        body = json.dumps({"head": {"vars": ["s"]},
                           "results": {"bindings": [{"s": {"type": "literal", "value": "remote"}}]}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer()

    def log_message(self, *args) -> None:
        pass


def test_allow_service_runs_the_federated_query(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sparql)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        rq = tmp_path / "service.rq"
        rq.write_text(f"SELECT ?s WHERE {{ SERVICE <http://127.0.0.1:{server.server_port}/sparql> {{ ?s ?p ?o }} }}\n",
                      encoding="utf-8")
        proc = nenkg("query", str(rq), "--format", "csv", "--allow-service", "--timeout", "60")
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.splitlines() == ["s", "remote"]
    finally:
        server.shutdown()
        server.server_close()


def test_a_failing_service_call_is_one_line(tmp_path):
    rq = tmp_path / "service.rq"
    rq.write_text(SERVICE_QUERY.format(port=9), encoding="utf-8")
    proc = nenkg("query", str(rq), "--allow-service")
    assert proc.returncode == 2
    assert one_error_line(proc).startswith("nenkg: error: query failed:")
