"""Option types and the parser class of the command line.

Each ``type=`` function turns the text of an option into its value or raises
:class:`argparse.ArgumentTypeError` with a message that says what is accepted; the parser prints
it as one line (``nenkg query: error: argument --timeout: ...``) and exits with 2.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import NoReturn

#: Exit codes, the same for every command (README, "The command line").
EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block) and exit with 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")
        sys.exit(EXIT_ERROR)


def add_command(sub: argparse._SubParsersAction, name: str, *, help: str, description: str,
                examples: str, exit_codes: str) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` shows its description, examples and exit codes."""
    epilog = f"examples:\n{_indent(examples)}\n\nexit codes:\n{_indent(exit_codes)}"
    return sub.add_parser(name, help=help, description=description, epilog=epilog,
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else "" for line in text.strip("\n").splitlines())


def _number(text: str, kind: type) -> float | int:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a{'n integer' if kind is int else ' number'}") from None
    if kind is float and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def positive_int(text: str) -> int:
    """A whole number of at least 1 (``--jobs``, ``--workers``, ``--max-rows``)."""
    value = int(_number(text, int))
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not allowed: give a whole number of at least 1")
    return value


def seconds(text: str) -> float:
    """A time limit in seconds, above 0."""
    value = float(_number(text, float))
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not allowed: give a number of seconds above 0")
    return value


def port(text: str) -> int:
    """A TCP port, 1 to 65535."""
    value = int(_number(text, int))
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a port: give a number from 1 to 65535")
    return value


def request_bytes(text: str) -> int:
    """A request size limit of at least 256 bytes."""
    value = int(_number(text, int))
    if value < 256:
        raise argparse.ArgumentTypeError(f"{text} is too small: give at least 256 (bytes)")
    return value


def existing_file(text: str) -> Path:
    """A file that exists (checked before anything is loaded)."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text}: no such file")
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{text}: not a file")
    return path


def input_file(text: str) -> str:
    """A records file that exists, or ``-`` for standard input."""
    return text if text == "-" else str(existing_file(text))


def existing_dir(text: str) -> Path:
    """A folder that exists."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: no such folder")
    return path
