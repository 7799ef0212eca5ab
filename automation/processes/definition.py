"""What a process module declares: the vocabulary of ``p01_maintenance`` … ``plan``.

A :class:`ProcessDef` says, for one process of QP-70-2 §5.2, which forms feed its
register (and which rows of forms it shares with another process), its named
figures for a period, the QF12-1 indicators it provides (each one of its figures),
the tables of its register's summary sheet and the lists it derives. The registers,
the PLAN register, the reports, the digest and ``eti figures`` walk these
declarations; none of them counts anything itself.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from automation.core.periods import Calendar, Period
from automation.ledger.store import LedgerRow
from automation.processes.figures import Figure, FigureKind, RowSource, as_decimal

TOTAL = "المجموع"

FigureFunction = Callable[[RowSource, Period, Any], list[Figure]]
"""A process's figures for a period; the third argument is the reference lists (or None)."""
RowFilter = Callable[[LedgerRow], bool]


@dataclass(frozen=True)
class Indicator:
    """A QF12-1 indicator (its Arabic name, as in the plan's dropdown): the value of one
    of its process's figures, so the plan and the process can never disagree."""

    name: str
    figure: str
    """The key of the figure it is (``p1.devices_repaired``; its Arabic label still reads)."""
    kind: FigureKind
    forms: tuple[str, ...]
    """The forms whose rows change it (a new row of one marks the PLAN register dirty)."""


@dataclass
class Block:
    """A small table of a register's summary sheet. ``kinds`` per column (default: text
    then int); a cell may be ``(value, kind)`` to override; ``total`` marks the last row
    as a total; ``note`` lines are written under the title."""

    title: str
    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    total: bool = False
    note: str = ""


@dataclass(frozen=True)
class Column:
    """A column of a register sheet: its label, cell kind and how a row gives its value.
    ``key`` is the ledger data key it shows, if it is one (read faster than ``get``)."""

    label: str
    kind: str
    get: Callable[[Any], object]
    key: str | None = None


@dataclass(frozen=True)
class DerivedList:
    """A list QP-70-2 names as an output, derived from the rows (a register sheet); or,
    with ``on_day``, a sheet that depends on the day the register is written too."""

    name: str
    derive: Callable[[RowSource], list[dict[str, object]]] | None
    columns: tuple[tuple[str, str, str], ...]
    """(Arabic label, key of the derived dict, cell kind) of each column; a cell may be a
    figure's ``(value, kind)`` (:func:`figure_cell`)."""
    on_day: Callable[[SummaryContext], list[dict[str, object]]] | None = None
    """Used instead of ``derive``: the list as of the register's day (its ``today``,
    calendar and reference lists; ``fed`` may be empty). Its sheet is left out while it
    has no row (the previous year's plan)."""

    def rows_for(self, ctx: SummaryContext) -> list[dict[str, object]] | None:
        """The sheet's rows for a register written with ``ctx``; None: no sheet."""
        if self.on_day is not None:
            return self.on_day(ctx) or None
        return self.derive(ctx.src) if self.derive is not None else []


T = TypeVar("T")


@dataclass(frozen=True)
class Counts:
    """One line of a breakdown by category: what it counts (a school, a system) and a
    count per category, in the categories' order."""

    name: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Table(Generic[T]):
    """A breakdown a document prints that is not one number (the requests executed by
    school and category): counted by its process, declared with a stable key beside its
    Arabic title; documents read it (:meth:`of`) and only format it."""

    key: str
    title: str
    build: Callable[[RowSource, Period], T]

    def of(self, src: RowSource, period: Period) -> T:
        """The table for a period, worked out once per source."""
        memo = ("table", self.key, period.start, period.end)
        if memo not in src.memo:
            src.memo[memo] = self.build(src, period)
        return src.memo[memo]  # type: ignore[return-value]


@dataclass
class SummaryContext:
    """What a process's summary tables are built from: the rows its register shows (by
    form), the day it is written and the department's calendar and reference lists."""

    src: RowSource
    fed: dict[str, list[LedgerRow]]
    today: dt.date
    references: Any
    calendar: Calendar


def _no_columns(form: str, src: RowSource) -> list[Column]:
    return []


def _no_blocks(ctx: SummaryContext) -> list[Block]:
    return []


@dataclass(frozen=True)
class ProcessDef:
    """One process of QP-70-2 §5.2 (or the annual plan), declared once."""

    code: str
    figures: FigureFunction
    forms: tuple[str, ...] = ()
    """Its own forms (the register's sheets), in order."""
    shown: dict[str, RowFilter] = field(default_factory=dict)
    """Forms of another process shown in its register too, with the rows it shows."""
    reads: tuple[str, ...] = ()
    """Other forms its figures or summary read (a new row of one changes its register)."""
    indicators: tuple[Indicator, ...] = ()
    summary: Callable[[SummaryContext], list[Block]] = _no_blocks
    columns: Callable[[str, RowSource], list[Column]] = _no_columns
    """Columns a register sheet adds after a form's fields (a decision's number)."""
    derived: tuple[DerivedList, ...] = ()
    keep: dict[str, RowFilter] = field(default_factory=dict)
    tables: tuple[Table[Any], ...] = ()
    """The breakdowns its documents print beside its figures (each with its key)."""
    """Rows of its own forms that it leaves to another process's register."""

    @property
    def sheets(self) -> tuple[str, ...]:
        """Every form whose rows the register shows, one sheet each."""
        return self.forms + tuple(f for f in self.shown if f not in self.forms)

    def row_filter(self, form: str) -> RowFilter | None:
        return self.shown.get(form) or self.keep.get(form)


# -- summary table helpers ---------------------------------------------------------------------

_CELL = {"flow": "int", "stock": "int", "distinct": "int", "mean": "pct", "ratio": "pct",
         "money": "jod", "amount": "jod"}


def figure_cell(figure: Figure) -> tuple[object, str]:
    """A figure as a register cell: a typed number, or its text («—») where it has none."""
    kind = _CELL.get(figure.kind)
    if figure.value is None or kind is None:
        return figure.text, "text"
    return figure.value, kind



def with_total(rows: list[list[object]], label: str = TOTAL) -> list[list[object]]:
    """The rows and a last row summing each numeric column."""
    if not rows:
        return rows
    sums = [label] + [
        sum((as_decimal(v[0] if isinstance(v, tuple) else v) or Decimal(0)) for v in col)
        for col in list(zip(*rows, strict=True))[1:]
    ]
    return rows + [sums]


def cross(
    groups: dict[str, list[LedgerRow]] | Sequence[list[LedgerRow]],
    key: Callable[[LedgerRow], str], *, sort_by_key: bool = False,
) -> list[list[object]]:
    """Rows counted by ``key`` and by group (one column per group), with a total."""
    lists = list(groups.values()) if isinstance(groups, dict) else list(groups)
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(lists))
    for index, rows in enumerate(lists):
        for row in rows:
            counts[key(row)][index] += 1
    items = sorted(counts.items(), key=(lambda kv: kv[0]) if sort_by_key else
                   (lambda kv: (-sum(kv[1]), kv[0])))
    return with_total([[k, *v, sum(v)] for k, v in items])


def status_table(rows: list[LedgerRow], by: str, title: str) -> Block:
    """Rows counted by a field (``by``) and by their status, with totals."""
    statuses = list(dict.fromkeys(str(r.data.get("status") or "") for r in rows))
    table: dict[str, list[int]] = defaultdict(lambda: [0] * len(statuses))
    for r in rows:
        table[str(r.data.get(by) or "")][statuses.index(str(r.data.get("status") or ""))] += 1
    return Block(title, ["", *statuses, TOTAL],
                 with_total([[k, *v, sum(v)] for k, v in sorted(table.items())]), total=True)
