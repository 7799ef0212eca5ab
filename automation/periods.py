"""Periods the department reports on: quarters, months and date ranges.

Quarters are calendar quarters (Q1 = January–March) unless the settings move
the start month (``quarter_start_month``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

QUARTER_NAMES_AR = ("الأول", "الثاني", "الثالث", "الرابع")


@dataclass(frozen=True)
class Period:
    """An inclusive range of days with an Arabic label for documents."""

    start: dt.date
    end: dt.date
    label_ar: str
    slug: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def contains_iso(self, iso: str | None) -> bool:
        """Whether an ISO date text (as the ledger keeps dates) falls in the period."""
        return bool(iso) and self.start.isoformat() <= str(iso)[:10] <= self.end.isoformat()


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def quarter(year: int, number: int, start_month: int = 1) -> Period:
    """Quarter ``number`` (1–4) of ``year``; with a start month other than January,
    the year is the one in which the quarter's first month falls for Q1."""
    if number not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1-4, not {number}")
    first = _add_months(dt.date(year, start_month, 1), 3 * (number - 1))
    last = _add_months(first, 3) - dt.timedelta(days=1)
    return Period(
        first,
        last,
        f"الربع {QUARTER_NAMES_AR[number - 1]} من عام {year}",
        f"{year}-Q{number}",
    )


def quarter_of(day: dt.date, start_month: int = 1) -> tuple[int, int]:
    """(year, quarter number) of the quarter holding ``day``."""
    offset = (day.month - start_month) % 12
    year = day.year if day.month >= start_month else day.year - 1
    return year, offset // 3 + 1


def previous_quarter(day: dt.date, start_month: int = 1) -> tuple[int, int]:
    """The last quarter that ended before ``day``."""
    year, number = quarter_of(day, start_month)
    return (year, number - 1) if number > 1 else (year - 1, 4)


def date_range(start: dt.date, end: dt.date) -> Period:
    return Period(start, end, f"من {start:%d/%m/%Y} إلى {end:%d/%m/%Y}", f"{start}_{end}")


def month(year: int, number: int) -> Period:
    first = dt.date(year, number, 1)
    return Period(
        first,
        _add_months(first, 1) - dt.timedelta(days=1),
        f"{number}/{year}",
        f"{year}-{number:02d}",
    )
