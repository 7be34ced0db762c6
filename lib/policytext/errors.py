"""Errors the library raises for bad input: one line, naming the file and the problem."""

from __future__ import annotations

from pathlib import Path


class PolicyTextError(Exception):
    """Base class for errors the CLI reports as one line and a non-zero exit."""


class ReportError(PolicyTextError):
    """A report file that cannot be read as a government work report.

    ``str(error)`` is ``"<path>: <problem>"`` and never spans more than one line.
    """

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = " ".join(str(problem).split())
        super().__init__(f"{self.path}: {self.problem}")
