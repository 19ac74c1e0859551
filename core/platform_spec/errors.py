"""Errors reported as lines: one base class the command line maps to its exit status, and the spec's problems.

Every error a user can fix by changing an input (a spec file, an inventory, an option, a price
table) is a `PlatformError` with exit status 2: its `lines` are printed one per problem, with no
traceback. A step that could not run (the policy pack would not start, checkov failed) says so the
same way with exit status 1. Any other exception is a defect of the tool.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


class PlatformError(Exception):
    """`lines` holds one line per problem, each naming the file, the field, the value and what is allowed;
    `exit_code` is 2 for bad input (the default), 1 for a step that could not run."""

    exit_code = 2

    def __init__(self, lines: Iterable[str], exit_code: int | None = None):
        self.lines = list(lines)
        if exit_code is not None:
            self.exit_code = exit_code
        super().__init__("\n".join(self.lines))


class _Missing:
    """The value of a required field that is not there; shown as `(missing)`."""

    def __repr__(self) -> str:
        return "(missing)"


MISSING = _Missing()


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    value: Any
    message: str

    def __str__(self) -> str:
        shown = _show(self.value)
        return f"{self.file}: {self.path or '(top level)'}: {shown}: {self.message}"


class SpecError(PlatformError):
    """One or more problems in the spec files; str() is one line per problem."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__(str(p) for p in self.problems)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        text = "{" + ", ".join(sorted(map(str, value))) + "}" if value else "{}"
    else:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
