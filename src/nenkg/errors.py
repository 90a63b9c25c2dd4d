"""Error types shared by the library. Each error says where (file, line, term) and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Location:
    file: str
    line: int | None = None
    term: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return where + (f" [{self.term}]" if self.term else "")


class NenkgError(Exception):
    """Base class. ``exit_code`` is what the command line returns for it."""

    exit_code = 2


class SourceError(NenkgError):
    """A problem in an ontology source file: syntax, unknown prefix, undeclared entity..."""

    def __init__(self, reason: str, location: Location | None = None, fix: str | None = None):
        self.reason = reason
        self.location = location
        self.fix = fix
        msg = f"{location}: {reason}" if location else reason
        if fix:
            msg += f" (fix: {fix})"
        super().__init__(msg)


class SourceErrors(NenkgError):
    """Several source problems found in one pass (reported together, all of them)."""

    def __init__(self, errors: list[SourceError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class LogicalError(NenkgError):
    """The ontology is inconsistent, has unsatisfiable classes, a subclass cycle or an
    undeclared equivalence between NENKG classes (exit code 1).

    ``problems`` are one line each; ``findings`` the quality gate's ERRORs found in the same run.
    """

    exit_code = 1

    def __init__(self, problems: str | list[str], findings: list | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.findings = list(findings or [])
        text = "; ".join(self.problems)
        if self.findings:
            text += f"; and {len(self.findings)} quality error(s)"
        super().__init__(text)


class QualityError(NenkgError):
    """QC found an ERROR or SHACL a violation: the release is refused (exit code 1).

    ``findings`` are the :class:`nenkg.report.Finding` entries at level ERROR.
    """

    exit_code = 1

    def __init__(self, findings: list):
        self.findings = findings
        super().__init__(f"{len(findings)} quality error(s):\n" + "\n".join(finding_lines(findings)))


def finding_lines(findings: list) -> list[str]:
    """One indented line per quality finding."""
    return [f"  {f.level} {f.check}: {f.entity} {f.property} {f.value}".rstrip() + (f" (fix: {f.message})" if f.message else "")
            for f in findings]
