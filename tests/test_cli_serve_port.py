"""`nenkg serve` on a port that is in use: one line, exit 2, before anything is loaded (no banner)."""

from __future__ import annotations

import socket
import time

from cli_util import nenkg, one_error_line


def test_busy_port_is_one_line_before_the_banner():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        start = time.perf_counter()
        proc = nenkg("serve", "--port", str(port), timeout=60)
        seconds = time.perf_counter() - start
    assert proc.returncode == 2
    assert one_error_line(proc) == f"nenkg: error: port {port} on 127.0.0.1 is in use"
    assert "nenkg serve:" not in proc.stderr
    assert seconds < 15  # the release was not loaded first


def test_address_not_of_this_machine_is_one_line():
    proc = nenkg("serve", "--host", "192.0.2.1", "--port", "8000", timeout=60)  # TEST-NET-1, never local
    assert proc.returncode == 2
    assert one_error_line(proc).startswith("nenkg: error: cannot listen on 192.0.2.1 port 8000:")
