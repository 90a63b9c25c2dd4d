"""Progress of long work on a terminal: one updating line on stderr, nothing when stderr is
piped or redirected (so logs and scripts see only the results and the summary)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``Progress("nenkg build")("reasoning with HermiT")`` shows ``nenkg build: reasoning with
    HermiT ...`` in place of the previous phase; :meth:`clear` removes the line."""

    def __init__(self, prefix: str, stream: TextIO | None = None):
        self.prefix = prefix
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.start = time.perf_counter()
        self._shown = False

    def __call__(self, phase: str) -> None:
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.start
        # \r then erase to the end of the line: the next phase replaces this one
        self.stream.write(f"\r\x1b[K{self.prefix}: {phase} ... ({elapsed:.0f} s)")
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False
