"""The ministry's view of a shared ledger: every directorate's figures and their total.

On PostgreSQL a connection sees one directorate (row-level security); one opened as
``*`` sees them all, read only. Each directorate's figures are
:func:`~automation.processes.compute_figures` over its own rows, exactly what its
department's ``eti figures`` prints. The total is the same computation once over every
directorate's rows (:class:`AcrossDirectorates`: a school, site or page is named with
its directorate there): flows and stocks add up, distinct things are distinct over all
(two directorates' schools of one name are two), and a mean or a ratio is taken over
everything it averages (a directorate with three reviews weighs three times one with
one), never a mean of the directorates' means.
A plan belongs to its directorate, so the total has no plan lines.

On the department's SQLite file there is one directorate (``[department]
directorate``): its figures and the total are the same.

Reference lists (the maintenance budget, the directorate's school list) live in each
department's own folder, not in the shared ledger, so on PostgreSQL the ministry's
figures are computed without them (``references=None``): P1's budget figures read «—»
(«لم تُسجل موازنة»), where the department's own ``eti figures`` shows its budget. On
SQLite the one directorate is the department itself, and its references are used.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from automation.catalog.reference import load_references
from automation.core.department import Department
from automation.core.periods import DEFAULT_CALENDAR, Calendar, Period
from automation.core.settings import Settings, load_settings
from automation.ledger.history import row_directorates
from automation.ledger.open import open_ledger
from automation.ledger.postgres import ALL_DIRECTORATES
from automation.ledger.rows import live_directorates
from automation.ledger.store import Ledger, LedgerRow
from automation.processes import INDICATORS, FigureSet, compute_figures
from automation.processes.figures import Figure, RowSource

TOTAL_AR = "المجموع"
"""What the total's row and column are called in the documents."""
UNNAMED_AR = "غير محددة"
"""How a directorate whose records carry no name ([department] directorate empty) shows."""


@dataclass(frozen=True)
class MinistryFigures:
    """Every directorate's :class:`FigureSet` for a period, by name, and their total."""

    period: Period
    directorates: dict[str, FigureSet]
    total: FigureSet

    def to_json(self) -> dict[str, object]:
        """What ``eti figures --all-directorates --json`` prints: each directorate in the
        shape of one directorate's ``eti figures --json``, and the total in it too."""
        return {
            "directorates": {name: fs.to_json() for name, fs in self.directorates.items()},
            "total": self.total.to_json(),
        }

    def indicator_rows(self, name: str) -> list[tuple[str, Figure]]:
        """One indicator by directorate, then the total (:data:`TOTAL_AR`)."""
        kind = INDICATORS[name][1].kind
        rows = [(label(d), Figure(name, kind, fs.indicators[name]))  # type: ignore[arg-type]
                for d, fs in self.directorates.items()]
        return rows + [(TOTAL_AR, Figure(name, kind, self.total.indicators[name]))]  # type: ignore[arg-type]


def label(directorate: str) -> str:
    """A directorate's name as documents show it."""
    return directorate or UNNAMED_AR


SUBJECT_KEYS = ("school", "site", "page", "site_name", "site_code")
"""The fields naming what a row is about (:func:`~automation.processes.figures.subject_of`),
qualified by the directorate in the total."""


class AcrossDirectorates(RowSource):
    """Every directorate's live rows (a ``*`` connection), each school, site and page
    named with its directorate: two directorates' schools of one name stay two schools
    in the total, and each keeps its own latest visit, needs list and pages."""

    def rows(self, form: str) -> list[LedgerRow]:
        if form not in self._rows:
            directorate_of = live_directorates(self.ledger.conn, form)
            self._rows[form] = [_qualified(r, str(directorate_of.get(r.id) or ""))
                                for r in super().rows(form)]
        return self._rows[form]

    def history(self, form: str) -> list[tuple[LedgerRow, str | None]]:
        directorate_of = row_directorates(self.ledger, form)
        return [(_qualified(r, directorate_of.get(r.id, "")), ended)
                for r, ended in super().history(form)]


def _qualified(row: LedgerRow, directorate: str) -> LedgerRow:
    data = dict(row.data)
    for key in SUBJECT_KEYS:
        if data.get(key):
            data[key] = f"{data[key]} ({directorate})"
    return row._replace(data=data, school=f"{row.school} ({directorate})" if row.school else "")


def _figures(
    ledger: Ledger, period: Period, calendar: Calendar, references: object = None
) -> FigureSet:
    return compute_figures(RowSource(ledger, shared=False), period, references, calendar)


def ministry_figures(
    dept: Department,
    period: Period,
    calendar: Calendar = DEFAULT_CALENDAR,
    settings: Settings | None = None,
) -> MinistryFigures:
    """The figures of every directorate the department's ledger holds, and their total.

    On PostgreSQL the directorates are those with submissions in the shared database
    (:meth:`Ledger.directorates` seen as ``*``), each read through a connection of its
    own; on SQLite the one directorate is the department's.
    """
    settings = settings or load_settings(dept)
    with open_ledger(dept, settings, directorate=ALL_DIRECTORATES) as every:
        if not every.dialect.shared:
            one = _figures(every, period, calendar, load_references(dept))
            return MinistryFigures(period, {settings.department.directorate: one},
                                   dataclasses.replace(one, plan=[]))
        names = every.directorates()
        total = compute_figures(AcrossDirectorates(every, shared=False), period, None,
                                calendar)
    by_name: dict[str, FigureSet] = {}
    for name in names:
        with open_ledger(dept, settings, directorate=name) as own:
            by_name[name] = _figures(own, period, calendar)
    return MinistryFigures(period, by_name, dataclasses.replace(total, plan=[]))
