"""Validation problems are values: a ``Report`` of ``Problem`` s.

Each problem names where it is (sheet, cell, field) and says what is wrong in
Arabic for staff and in English for the log. Errors reject the whole file;
warnings are kept with the accepted rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a submitted workbook."""

    code: str
    message: str
    severity: Severity = "error"
    sheet: str = ""
    cell: str = ""
    field: str = ""
    row: int | None = None
    message_en: str = ""
    detail: str = ""
    """What exactly was found (technical, for the log); not shown to the sender."""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Report:
    """All problems found in one workbook."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def flatten(self) -> list[list[object]]:
        """Compact ``[cell, field, code]`` triples, handy in tests."""
        return [[p.cell, p.field, p.code] for p in self.problems]
