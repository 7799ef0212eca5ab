"""The generic arithmetic of figures: the ledger's rows read once, dates, counts,
means and ratios, and how a figure prints.

The process modules (``p01_maintenance`` … ``p10_learning``, ``plan``) say what
each figure counts; everything here is shared by them and knows no form.
Dates in row data are ISO text (docs/ARCHITECTURE.md, "Ledger row data").
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from automation.core.periods import Period
from automation.ledger.decisions import numbers_and_dates
from automation.ledger.store import Ledger, LedgerRow
from automation.text.arabic import normalize_name

FigureKind = Literal["flow", "stock", "distinct", "mean", "ratio", "money", "amount", "days"]
"""What a figure is (docs/FIGURES.md): ``flow`` events dated in the period; ``stock`` the
state at its end; ``distinct`` distinct things with an event in it; ``mean`` a mean %
over what was measured; ``ratio`` a share in %; ``money`` dinars spent in it;
``amount`` dinars as they stand at its end (a budget); ``days`` a mean number of days."""
ADDITIVE: frozenset[str] = frozenset({"flow", "money"})
"""Kinds whose four quarters add up to the year."""
PERCENT: frozenset[str] = frozenset({"mean", "ratio"})
MONEY: frozenset[str] = frozenset({"money", "amount"})
DASH = "—"
"""What a value that does not exist (a mean over nothing) prints as."""
NOT_RECORDED = "غير محدد"

Number = int | Decimal

ONE_PLACE = Decimal("0.1")
FILS = Decimal("0.001")


@dataclass(frozen=True)
class Figure:
    """One named number of a process for a period. ``value`` is None where there is
    nothing to measure (a mean over nothing); ``note`` is printed then instead of «—»."""

    label: str
    kind: FigureKind
    value: Number | None
    note: str = ""
    key: str = ""
    """Its stable name (``p7.qrc_plan_pct``): what documents and ``eti figures --json`` read
    it by, whatever its Arabic label says. Empty only for a value shown under another's
    name (an indicator, a plan line)."""

    @classmethod
    def keyed(cls, key: str, label: str, kind: FigureKind, value: Number | None,
              note: str = "") -> Figure:
        """A process's figure, declared with its key beside its label and kind."""
        return cls(label, kind, value, note, key)

    @property
    def text(self) -> str:
        """The value as documents and the digest print it."""
        if self.value is None:
            return self.note or DASH
        if self.kind in PERCENT:
            return fmt_pct(self.value)
        if self.kind in MONEY:
            return fmt_jod(Decimal(self.value))
        if self.kind == "days":
            return str(one_place(Decimal(self.value)))
        return fmt_int(self.value)

    @property
    def json_value(self) -> int | float | None:
        if self.value is None:
            return None
        if isinstance(self.value, Decimal):
            return float(self.value)
        return int(self.value)


@dataclass(frozen=True)
class FieldVisit:
    """A visit to a school (or site) on a day, and the record that shows it."""

    school: str
    day: dt.date
    form: str
    submission_id: int
    visitor: str = ""

    @property
    def key(self) -> tuple[str, dt.date]:
        """One school on one day is one visit, whatever recorded it."""
        return school_key(self.school), self.day


def distinct_visits(visits: Iterable[FieldVisit]) -> list[FieldVisit]:
    """One per school and day (the first recorded), by day then school."""
    seen: dict[tuple[str, dt.date], FieldVisit] = {}
    for visit in sorted(visits, key=lambda v: (v.day, v.submission_id)):
        seen.setdefault(visit.key, visit)
    return sorted(seen.values(), key=lambda v: (v.day, v.school))


# -- the ledger's rows, read once ------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A committee decision (table ``decisions``)."""

    id: int
    kind: str
    number: str
    decided_on: dt.date | None


class RowSource:
    """The ledger's live rows, each form read once and kept for the caller's lifetime,
    with the figures already worked out for a (process, period)."""

    def __init__(self, ledger: Ledger, *, shared: bool = True) -> None:
        self.ledger = ledger
        self.shared = shared
        self._rows: dict[str, list[LedgerRow]] = {}
        self._values: dict[tuple[object, ...], list[object]] = {}
        self._decisions: dict[int, Decision] | None = None
        self.memo: dict[tuple[object, ...], object] = {}

    def rows(self, form: str) -> list[LedgerRow]:
        """The live rows of a form, read once. With ``shared`` (the default) each repeated
        text is one object across the form (a register's worker keeps its memory low);
        without, reading is about a third faster (``eti figures``, which exits after)."""
        if form not in self._rows:
            self._rows[form] = (
                self.ledger.current_rows(form) if self.shared
                else [r for chunk in self.ledger.current_row_chunks(form) for r in chunk])
        return self._rows[form]

    def dates(self, form: str, key: str, fallback: str | None = None) -> list[dt.date | None]:
        """:func:`field_date` of each of :meth:`rows`, in their order."""
        return self._per_row(("date", form, key, fallback), form,
                             lambda r: field_date(r, key, fallback))  # type: ignore[return-value]

    def values(self, form: str, key: str) -> list[object]:
        """A data field of each of :meth:`rows`, in their order."""
        return self._per_row(("value", form, key), form, lambda r: r.data.get(key))

    def decimals(self, form: str, key: str) -> list[Decimal | None]:
        """:func:`as_decimal` of a field of each of :meth:`rows`, in their order."""
        return self._per_row(("decimal", form, key), form,
                             lambda r: as_decimal(r.data.get(key)))  # type: ignore[return-value]

    def _per_row(
        self, name: tuple[object, ...], form: str, value: Callable[[LedgerRow], object]
    ) -> list[object]:
        cached = self._values.get(name)
        if cached is None:
            cached = self._values[name] = [value(r) for r in self.rows(form)]
        return cached

    def history(self, form: str) -> list[tuple[LedgerRow, str | None]]:
        """Every row of a form ever live, with the arrival time of what ended it
        (:meth:`~automation.ledger.store.Ledger.row_history`)."""
        return self.ledger.row_history(form)

    def rows_as_of(
        self, form: str, day: dt.date | None, key: Callable[[LedgerRow], object],
        dated: str | None = None,
    ) -> list[LedgerRow]:
        """The rows of a form as they stood at the end of ``day`` (docs/FIGURES.md, "as of
        the period's end"): each record (``key``) in the copy of its list that was current
        then (by arrival), or, before any copy of the form had arrived, the copies first
        sent; a record the lists held and then dropped by then, nowhere. A record no copy
        had shown by then arrived late: it counts, in its first copy, when its own date
        (the field ``dated``) is not after ``day``. All the live rows when ``day`` is None.
        Oldest first."""
        if day is None:
            return self.rows(form)
        memo_key = ("as-of", form, day, key, dated)
        found = self.memo.get(memo_key)
        if found is not None:
            return found  # type: ignore[return-value]
        history = self.memo.get(("history", form))
        if history is None:
            history = self.memo[("history", form)] = self.history(form)
        cutoff = day.isoformat()
        first_arrival = min((row.received_at[:10] for row, _ in history),  # type: ignore[attr-defined]
                            default=cutoff)
        cutoff = max(cutoff, first_arrival)  # before any copy: the list as first sent
        live: list[LedgerRow] = []
        known: set[object] = set()
        later: dict[object, list[LedgerRow]] = {}  # the rows of its first copy, by record
        for row, ended in history:  # type: ignore[attr-defined]
            record = key(row)
            if row.received_at[:10] <= cutoff:
                known.add(record)
                if ended is None or ended[:10] > cutoff:
                    live.append(row)
            elif ended is None or ended > row.received_at:  # was live once
                first = later.get(record)
                if first is None or (row.received_at, row.submission_id) < (
                        first[0].received_at, first[0].submission_id):
                    later[record] = [row]
                elif row.submission_id == first[0].submission_id:
                    first.append(row)  # the same record twice in one copy: both
        late = [r for k, rows in later.items() if k not in known for r in rows
                if dated is not None and (when := field_date(r, dated)) is not None
                and when <= day]
        out = sorted(live + late, key=lambda r: r.id)
        self.memo[memo_key] = out
        return out

    def decisions(self) -> dict[int, Decision]:
        if self._decisions is None:
            self._decisions = {
                int(r[0]): Decision(int(r[0]), str(r[1]), str(r[2]), as_date(r[3]))
                for r in numbers_and_dates(self.ledger.conn)
            }
        return self._decisions


def row_source(ledger: Ledger | RowSource) -> RowSource:
    return ledger if isinstance(ledger, RowSource) else RowSource(ledger)


# -- values ------------------------------------------------------------------------------------

_ISO_DATES: dict[str, dt.date | None] = {}


def as_date(value: object) -> dt.date | None:
    """An ISO date text (or a date) as a date; anything else gives None."""
    if type(value) is str:
        try:
            return _ISO_DATES[value]  # the same few hundred dates, read again and again
        except KeyError:
            pass
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not value:
        return None
    try:
        day: dt.date | None = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        day = None
    if type(value) is str and len(_ISO_DATES) < 100_000:
        _ISO_DATES[value] = day
    return day


def as_decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def as_int(value: object) -> int:
    number = as_decimal(value)
    return int(number) if number is not None else 0


def text_of(row: LedgerRow, key: str) -> str:
    return str(row.data.get(key) or "")


def field_date(row: LedgerRow, key: str, fallback: str | None = None) -> dt.date | None:
    day = as_date(row.data.get(key))
    if day is None and fallback:
        day = as_date(row.data.get(fallback))
    return day


def record_of(*keys: str) -> Callable[[LedgerRow], tuple[str, ...]]:
    """What one record of a list is, across the copies of the list (for
    :meth:`RowSource.rows_as_of`): these fields, folded as names are."""
    def record(row: LedgerRow) -> tuple[str, ...]:
        return tuple(normalize_name(row.data.get(k)) for k in keys)
    return record


def subject_of(row: LedgerRow) -> str:
    """The school (or site, page, source) a row is about, for counts by school."""
    for key in ("school", "site", "page", "source", "site_name", "site_code"):
        value = row.data.get(key)
        if value:
            return str(value)
    return row.school or NOT_RECORDED


def school_key(name: object) -> str:
    """A school's name folded for matching (the same school however it was typed)."""
    return normalize_name(name)


# -- arithmetic ----------------------------------------------------------------------------------


def one_place(value: Decimal) -> Decimal:
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def mean(values: Iterable[Decimal | None]) -> Decimal | None:
    """The mean to one decimal place of the values that exist; None for none."""
    items = [v for v in values if v is not None]
    if not items:
        return None
    return one_place(sum(items, Decimal(0)) / len(items))


def ratio_pct(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part / whole × 100`` to one decimal place; None when ``whole`` is 0."""
    if not whole:
        return None
    return one_place(Decimal(part) * 100 / Decimal(whole))


def within(period: Period | None, day: dt.date | None) -> bool:
    """Whether ``day`` is in ``period``; no period means all time (undated rows too)."""
    if period is None:
        return True
    return day is not None and period.start <= day <= period.end


def up_to(period: Period | None, day: dt.date | None) -> bool:
    """Whether ``day`` is on or before the end of ``period`` (undated counts as before)."""
    return period is None or day is None or day <= period.end


def _matching(rows: list[LedgerRow], days: list[dt.date | None],
              keep: Callable[[dt.date | None], bool], match: dict[str, object],
              ) -> list[LedgerRow]:
    if not match:
        return [r for r, day in zip(rows, days, strict=True) if keep(day)]
    wanted = list(match.items())
    return [r for r, day in zip(rows, days, strict=True)
            if keep(day) and all(r.data.get(k) == v for k, v in wanted)]


def rows_in(
    src: RowSource, form: str, key: str, period: Period | None, fallback: str | None = None,
    **match: object,
) -> list[LedgerRow]:
    """Live rows of ``form`` whose ``key`` date is in the period and whose data matches."""
    days = src.dates(form, key, fallback)
    if period is None:
        return _matching(src.rows(form), days, lambda day: True, match)
    start, end = period.start, period.end
    return _matching(src.rows(form), days,
                     lambda day: day is not None and start <= day <= end, match)


def rows_until(
    src: RowSource, form: str, key: str, period: Period | None, **match: object
) -> list[LedgerRow]:
    """Live rows dated (``key``) up to the period's end whose data matches (a backlog)."""
    end = period.end if period is not None else dt.date.max
    return _matching(src.rows(form), src.dates(form, key),
                     lambda day: day is None or day <= end, match)


def submissions(rows: Iterable[LedgerRow]) -> int:
    """How many distinct submissions (filled forms) the rows come from."""
    return len({(r.form, r.submission_id) for r in rows})


def quantity(rows: Iterable[LedgerRow], key: str = "quantity") -> int:
    return sum(as_int(r.data.get(key)) for r in rows)


def count_by(rows: Iterable[LedgerRow], key: str | Callable[[LedgerRow], object]) -> dict[str, int]:
    """Rows counted by a data field (or a function of the row), most frequent first."""
    get = key if callable(key) else (lambda r: r.data.get(key))
    counts = Counter(str(get(r) or NOT_RECORDED) for r in rows)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# -- printing --------------------------------------------------------------------------------------


def fmt_int(value: Decimal | int) -> str:
    return f"{int(value):,}"


def fmt_jod(value: Decimal | None) -> str:
    return DASH if value is None else f"{Decimal(value).quantize(FILS):,.3f}"


def fmt_pct(value: Decimal | int | None) -> str:
    return DASH if value is None else f"{one_place(Decimal(value))}%"
