"""Starting Virtuoso open source (Debian's ``virtuoso-t``) on 127.0.0.1 with a fresh database in
a temporary folder, for the remote-store tests. A fresh database has the user dba, password dba."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from serve_util import free_port, stop_process

INI = """\
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
DisableUnixSocket        = 1
MaxClientConnections     = 10
CheckpointInterval       = 0
CaseMode                 = 2
DirsAllowed              = ., {d}
NumberOfBuffers          = 20000
MaxDirtyBuffers          = 15000
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 4

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {d}
MaxClientConnections        = 6
ServerThreads               = 6
EnabledDavVSP               = 0
Charset                     = UTF-8

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 120
"""


def available() -> bool:
    return shutil.which("virtuoso-t") is not None


class Virtuoso:
    """``virtuoso-t`` in the foreground, its database and ini file in ``folder``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.sql_port, self.http_port = free_port(), free_port()
        while self.http_port == self.sql_port:
            self.http_port = free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.endpoint = self.url + "/sparql"
        #: the Graph Store Protocol service that takes HTTP digest authentication
        self.graph_store = self.url + "/sparql-graph-crud-auth"
        folder.mkdir(parents=True, exist_ok=True)
        ini = folder / "virtuoso.ini"
        ini.write_text(INI.format(d=folder, sql_port=self.sql_port, http_port=self.http_port), encoding="utf-8")
        self.out = open(folder / "stdout.log", "w+")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=folder,
                                     stdout=self.out, stderr=subprocess.STDOUT)
        try:
            self._wait(180)
        except BaseException:
            self.stop()
            raise

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def _wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        probe = self.endpoint + "?query=ASK%7B%7D"
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(probe, timeout=5) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"virtuoso-t did not answer within {seconds:g} s:\n{self.log()}")
            time.sleep(0.5)

    def stop(self) -> None:
        stop_process(self.proc, 60)
        self.out.close()
