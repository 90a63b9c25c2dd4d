"""Starting the real ``nenkg serve`` in a subprocess and talking to it over HTTP (urllib only)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "serve"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc: subprocess.Popen, grace: float) -> None:
    """Terminate a server process the test started; kill it if it has not ended after ``grace`` s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def media(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


def http(url: str, *, headers: dict[str, str] | None = None, data: bytes | None = None,
         method: str | None = None, timeout: float = 30) -> Reply:
    """One request; HTTP errors are answers too (never raised)."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return Reply(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as err:
        return Reply(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


class Server:
    """``nenkg serve`` on 127.0.0.1 and a free port, as a real process."""

    def __init__(self, ontology: Path | None, *extra: str, root: Path = FIXTURES):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "nenkg.cli.main", "--root", str(root), "serve", "--port", str(self.port), *extra]
        if ontology is not None:
            cmd += ["--ontology", str(ontology)]
        # the log lives as long as the server (closed in stop())
        self.log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"nenkg-serve-{self.port}.log", "w+")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"nenkg serve exited with {self.proc.returncode}:\n{self.log.read()}")
            try:
                if http(self.url + "/static/app.css", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("nenkg serve did not answer within 60 s")
            time.sleep(0.1)

    def get(self, path: str, accept: str | None = None, **kw) -> Reply:
        headers = kw.pop("headers", {})
        if accept:
            headers["Accept"] = accept
        return http(self.url + path, headers=headers, **kw)

    def sparql_get(self, query: str, accept: str | None = None, **params: str) -> Reply:
        qs = urllib.parse.urlencode({"query": query, **params})
        return self.get("/sparql?" + qs, accept)

    def sparql_post(self, query: str, accept: str | None = None, form: bool = True, **params: str) -> Reply:
        headers = {"Accept": accept} if accept else {}
        if form:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            data = urllib.parse.urlencode({"query": query, **params}).encode()
        else:
            headers["Content-Type"] = "application/sparql-query"
            data = query.encode()
        return http(self.url + "/sparql", headers=headers, data=data, method="POST")

    def stop(self) -> None:
        stop_process(self.proc, 15)
        self.log.close()
