"""A pool of forked query processes that can be killed: the real stop of a slow query.

Oxigraph cannot interrupt a running query, and a thread cannot be killed, so every user query of
the SPARQL endpoint runs in a worker *process*. The server waits for the answer until the time
limit and, if it has not come, kills the worker with SIGKILL and starts a fresh one; the query is
stopped for real and its memory freed.

Workers are forked, never spawned, so they share the loaded store with the server (copy on write)
and start in milliseconds. Forking a process that runs threads (the ASGI server, the thread pool)
is unsafe, so a *zygote* is forked once at start-up, before any thread exists: a single-threaded
process whose only job is to fork workers on request. The server hands it one end of a fresh
socket pair (``SCM_RIGHTS``); the new worker serves queries over that socket until it is killed
or the server goes away (end of file).

Inside a worker, solutions and triples are read lazily, so the row cap stops the evaluation of
streaming queries early, and the deadline is checked between solutions as well.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

_HEADER = struct.Struct("!II")


class PoolBusy(Exception):
    """No worker became free within the time limit."""


class PoolTimeout(Exception):
    """The query ran past its time limit; its worker was killed."""


class PoolError(Exception):
    """A worker died (out of memory, crash) while answering."""


@dataclass
class Answer:
    """What a worker sends back: a JSON header (status, media type, counts) and a body."""

    header: dict
    body: bytes = b""


def _send(sock: socket.socket, header: dict, body: bytes = b"") -> None:
    data = json.dumps(header).encode("utf-8")
    sock.sendall(_HEADER.pack(len(data), len(body)) + data + body)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _recv(sock: socket.socket) -> Answer:
    hlen, blen = _HEADER.unpack(_recv_exact(sock, _HEADER.size))
    header = json.loads(_recv_exact(sock, hlen))
    return Answer(header, _recv_exact(sock, blen) if blen else b"")


# --- worker side -----------------------------------------------------------------------------


def _worker_loop(sock: socket.socket, store: ox.Store, execute: Callable[[ox.Store, dict], Answer]) -> None:
    """Answers requests one at a time until the server closes the socket."""
    while True:
        try:
            request = _recv(sock)
        except (EOFError, OSError):
            return
        try:
            answer = execute(store, request.header)
        except Exception as exc:  # noqa: BLE001 - reported to the server, never a traceback page
            answer = Answer({"status": 500, "error": f"{type(exc).__name__}: {exc}"}, b"")
        try:
            _send(sock, answer.header, answer.body)
        except OSError:
            return


def _zygote_loop(control: socket.socket, open_store: Callable[[], ox.Store],
                 execute: Callable[[ox.Store, dict], Answer]) -> None:
    """Forks one worker per request received on ``control`` and replies with its process id."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which closes us
    while True:
        try:
            _msg, fds, _flags, _addr = socket.recv_fds(control, 16, 1)
        except OSError:
            return
        if not fds:
            return  # the server went away
        pid = os.fork()
        if pid == 0:
            control.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            worker_sock = socket.socket(fileno=fds[0])
            try:
                _worker_loop(worker_sock, open_store(), execute)
            finally:
                os._exit(0)
        os.close(fds[0])
        control.sendall(struct.pack("!i", pid))


# --- server side -----------------------------------------------------------------------------


@dataclass
class _Worker:
    pid: int
    sock: socket.socket


class QueryPool:
    """``size`` worker processes answering ``execute(store, request)`` with a hard time limit.

    ``open_store`` runs in each worker (after the fork): for an in-memory store it returns the
    inherited store, for a store on disk it opens its own read-only handle.
    """

    def __init__(self, open_store: Callable[[], ox.Store], execute: Callable[[ox.Store, dict], Answer], size: int = 2):
        if size < 1:
            raise ValueError("the pool needs at least one worker")
        self.size = size
        self._open_store = open_store
        self._execute = execute
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._spawn_lock = threading.Lock()
        self._control: socket.socket | None = None
        self._zygote_pid = 0
        self._workers: set[int] = set()
        self.killed = 0

    def start(self) -> None:
        """Forks the zygote (call this before starting any thread) and the first workers."""
        parent_end, zygote_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            parent_end.close()
            try:
                _zygote_loop(zygote_end, self._open_store, self._execute)
            finally:
                os._exit(0)
        zygote_end.close()
        self._control, self._zygote_pid = parent_end, pid
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        with self._spawn_lock:
            assert self._control is not None, "start() the pool first"
            socket.send_fds(self._control, [b"w"], [theirs.fileno()])
            theirs.close()
            pid = struct.unpack("!i", _recv_exact(self._control, 4))[0]
            self._workers.add(pid)
        return _Worker(pid, ours)

    def _kill(self, worker: _Worker) -> None:
        try:
            os.kill(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        worker.sock.close()
        with self._spawn_lock:
            self._workers.discard(worker.pid)

    def run(self, request: dict, timeout: float) -> Answer:
        """Sends ``request`` to a free worker and waits at most ``timeout`` seconds in all.

        Raises :class:`PoolBusy` when no worker frees up in time, :class:`PoolTimeout` when the
        query overran (its worker is killed and replaced) and :class:`PoolError` if it died."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise PoolBusy() from None
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise TimeoutError()
            worker.sock.settimeout(remaining)
            _send(worker.sock, {**request, "deadline": time.time() + remaining})
            answer = _recv(worker.sock)
        except TimeoutError:
            self._replace(worker)
            raise PoolTimeout() from None
        except (EOFError, OSError) as exc:
            self._replace(worker)
            raise PoolError(f"the query process died ({exc})") from None
        self._idle.put(worker)
        return answer

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        self.killed += 1
        self._idle.put(self._spawn())

    def close(self) -> None:
        """Kills the workers and the zygote."""
        while True:
            try:
                self._kill(self._idle.get_nowait())
            except queue.Empty:
                break
        for pid in list(self._workers):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._zygote_pid:
            try:
                os.kill(self._zygote_pid, signal.SIGKILL)
                os.waitpid(self._zygote_pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self._zygote_pid = 0
