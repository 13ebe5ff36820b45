"""Problems with a source location: every error and warning a build reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # information only: never fails a build, not even with --strict


@dataclass(frozen=True, slots=True, order=True)
class SourceLocation:
    """Where a problem is: a path relative to the site folder and a 1-based line."""

    path: str
    line: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One error, warning or note, formatted as `path:line: severity: message`.

    `code` names the kind of problem for programs (`check` maps it to a rule and a fix); it
    never changes with the wording of the message."""

    location: SourceLocation
    message: str
    severity: Severity = Severity.ERROR
    code: str = "build"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity is Severity.WARNING

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value}: {self.message}"


def error(path: str, line: int | None, message: str, code: str = "build") -> Problem:
    return Problem(SourceLocation(path, line or 1), message, Severity.ERROR, code)


def warning(path: str, line: int | None, message: str, code: str = "build") -> Problem:
    return Problem(SourceLocation(path, line or 1), message, Severity.WARNING, code)


def note(path: str, line: int | None, message: str, code: str = "build") -> Problem:
    return Problem(SourceLocation(path, line or 1), message, Severity.NOTE, code)


@dataclass(slots=True)
class Problems:
    """A collector stages append to so that a build reports every problem at once."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def extend(self, problems: list[Problem] | tuple[Problem, ...] | Problems) -> None:
        self.items.extend(problems.items if isinstance(problems, Problems) else problems)

    def error(self, path: str, line: int | None, message: str, code: str = "build") -> None:
        self.add(error(path, line, message, code))

    def warning(self, path: str, line: int | None, message: str, code: str = "build") -> None:
        self.add(warning(path, line, message, code))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.is_warning]

    def sorted(self) -> list[Problem]:
        """Stable order for output: by file, line, then message."""
        return sorted(dict.fromkeys(self.items), key=lambda p: (p.location, p.severity.value, p.message))


class BuildFailed(Exception):
    """Raised when a stage cannot go on; carries every problem found so far."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
