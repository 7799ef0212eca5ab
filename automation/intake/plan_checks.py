"""The annual plan's hand-typed achievements, checked as a plan arrives.

«المنجز (يدوي)» is for lines whose indicator the product does not compute (free lines).
A value typed there on a line naming a computed indicator is not used (docs/FIGURES.md):
the file is accepted with a warning on that cell naming the computed value, worked out
from the ledger as ``eti figures`` does, over the line's year and quarter, as the ledger
stands when the plan arrives.

Validation runs in worker processes without the ledger: :func:`typed_lines` says which
lines need it, and the batch process (``Intake``) checks such a file again with a
:class:`LedgerFigures`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from automation.catalog.model import Catalog, FormSpec
from automation.core.messages import render
from automation.core.periods import Calendar, Period
from automation.core.problems import Problem
from automation.processes import INDICATORS, indicator_kind, indicator_value
from automation.processes.figures import Figure, RowSource
from automation.processes.plan import PLAN_FORM, computed_name, line_span
from automation.text.arabic import clean_text
from automation.text.dates import format_date

if TYPE_CHECKING:
    from automation.core.department import Department
    from automation.intake.submission import Submission
    from automation.intake.validate import ValidRow
    from automation.ledger.store import Ledger

MANUAL = "manual_achieved"
"""The plan's «المنجز (يدوي)» column."""


@dataclass(frozen=True)
class TypedLine:
    """A plan line naming a computed indicator, with a value typed by hand for it."""

    row: int
    """Its sheet row."""
    indicator: str
    """The computed indicator, spelled as the list spells it."""
    typed: object
    year: object
    quarter: str


LineFigures = Callable[[list[TypedLine]], list[tuple[str, Period] | None]]
"""The computed value of each line's indicator (as ``eti figures`` shows it) with the
period it is measured over; None for a line whose year or quarter cannot be read."""


def typed_lines(form: FormSpec, rows: list[ValidRow]) -> list[TypedLine]:
    """The lines of a plan that name a computed indicator and have «المنجز (يدوي)» typed."""
    if form.code != PLAN_FORM:
        return []
    found = []
    for row in rows:
        typed = row.values.get(MANUAL)
        if typed in (None, ""):
            continue
        indicator = computed_name(clean_text(row.values.get("indicator")))
        if indicator in INDICATORS:
            found.append(TypedLine(row.number, indicator, typed, row.values.get("year"),
                                   clean_text(row.values.get("quarter"))))
    return found


def plan_warnings(
    form: FormSpec, sub: Submission, rows: list[ValidRow], figures: LineFigures
) -> list[Problem]:
    """A warning on each «المنجز (يدوي)» cell typed for a computed indicator, naming the
    computed value of the line's period."""
    lines = typed_lines(form, rows)
    if not lines:
        return []
    cells = {r.number: r for r in sub.rows}
    label = form.field(MANUAL).label
    found = []
    for line, computed in zip(lines, figures(lines), strict=True):
        if computed is None:
            continue
        shown, period = computed
        message, english = render(
            "manual-for-computed", indicator=line.indicator, computed=shown,
            typed=clean_text(line.typed), start=format_date(period.start),
            end=format_date(period.end))
        row = cells.get(line.row)
        found.append(Problem("manual-for-computed", message, "warning", sub.sheet,
                             row.cell(MANUAL) if row else "", label, line.row, english))
    return found


class LedgerFigures:
    """:data:`LineFigures` from a department's ledger, its calendar and reference lists
    (read the first time a plan needs them)."""

    def __init__(self, dept: Department, ledger: Ledger, catalog: Catalog | None = None) -> None:
        self.dept = dept
        self.ledger = ledger
        self.catalog = catalog
        self._calendar: Calendar | None = None
        self._references: object = None

    def _load(self) -> Calendar:
        if self._calendar is None:
            from automation.catalog.reference import load_references
            from automation.core.settings import load_settings

            self._calendar = load_settings(self.dept).department.calendar
            self._references = (load_references(self.dept, self.catalog) if self.catalog
                                else load_references(self.dept))
        return self._calendar

    def __call__(self, lines: list[TypedLine]) -> list[tuple[str, Period] | None]:
        calendar = self._load()
        src = RowSource(self.ledger)  # the ledger as it is now, read once for the file
        found: list[tuple[str, Period] | None] = []
        for line in lines:
            span = line_span(line.year, line.quarter, calendar)
            if span is None:
                found.append(None)
                continue
            value = indicator_value(src, line.indicator, span, self._references)
            kind = indicator_kind(line.indicator)
            found.append((Figure(line.indicator, kind, value).text, span))  # type: ignore[arg-type]
        return found
