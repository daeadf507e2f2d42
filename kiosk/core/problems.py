"""Problems found in a file an admin edits, reported as `file:line:column: message`."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PRINTED = re.compile(r"^(.+):(\d+):(\d+): (.*)$")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a content or configuration file."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"

    @classmethod
    def parse(cls, line: str) -> Problem | None:
        """A problem from its printed form `file:line:column: message` (None: not one)."""
        match = _PRINTED.match(line)
        return cls(match[1], int(match[2]), int(match[3]), match[4]) if match else None


class InvalidFiles(Exception):
    """Raised when files were refused; carries every problem found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
