"""Periods the department reports on: quarters, months and date ranges.

Quarters are calendar quarters (Q1 = January–March) unless the settings move
the start month (``quarter_start_month``).
"""

from __future__ import annotations

import datetime as dt
import re
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


@dataclass(frozen=True)
class Calendar:
    """How the department cuts time: where its quarters and its school years start."""

    quarter_start_month: int = 1
    school_year_start_month: int = 9

    def quarter(self, year: int, number: int) -> Period:
        return quarter(year, number, self.quarter_start_month)

    def year(self, year: int) -> Period:
        """The reporting year ``year``: its four quarters."""
        return year_period(year, self.quarter_start_month)

    def school_year(self, first_year: int) -> Period:
        """The school year that starts in ``first_year`` (``2025/2026`` for 2025)."""
        start = dt.date(first_year, self.school_year_start_month, 1)
        end = _add_months(start, 12) - dt.timedelta(days=1)
        return Period(start, end, f"العام الدراسي {first_year}/{first_year + 1}",
                      f"{first_year}-{first_year + 1}")

    def school_quarter(self, first_year: int, number: int) -> Period:
        """Quarter ``number`` of a school year, counted from its first month."""
        if number not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1-4, not {number}")
        start = _add_months(dt.date(first_year, self.school_year_start_month, 1), 3 * (number - 1))
        end = _add_months(start, 3) - dt.timedelta(days=1)
        return Period(start, end,
                      f"الربع {QUARTER_NAMES_AR[number - 1]} من العام الدراسي "
                      f"{first_year}/{first_year + 1}", f"{first_year}-{first_year + 1}-Q{number}")


DEFAULT_CALENDAR = Calendar()
"""Calendar quarters and school years from September (the settings' defaults)."""


def year_period(year: int, start_month: int = 1) -> Period:
    """The reporting year: from its first quarter's start to its fourth quarter's end."""
    first, last = quarter(year, 1, start_month), quarter(year, 4, start_month)
    label = f"عام {year}" if start_month == 1 else f"العام {year}/{year + 1}"
    return Period(first.start, last.end, label, f"{year}")


_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")
_YEAR_RE = re.compile(r"^\s*(\d{4})\s*$")
_SCHOOL_YEAR_RE = re.compile(r"^\s*(\d{4})\s*/\s*(\d{2}|\d{4})\s*$")
_MONTH_RE = re.compile(r"^\s*(\d{4})\s*-\s*(\d{1,2})\s*$")
_RANGE_RE = re.compile(r"^\s*(\S+?)\s*\.\.\s*(\S+?)\s*$")
_DAY_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$|^(\d{1,2})/(\d{1,2})/(\d{4})$")

PERIOD_FORMS_AR = (
    "ربعاً (2026-Q1) أو سنة (2026) أو عاماً دراسياً (2025/2026) أو شهراً (2026-11) "
    "أو فترة من يوم إلى يوم (2026-01-01..2026-03-31)"
)
"""The spellings :func:`parse_period` accepts, in Arabic words (help and errors)."""
PERIOD_FORMS_EN = (
    "a quarter (2026-Q1), a year (2026), a school year (2025/2026), a month (2026-11) "
    "or a range of days (2026-01-01..2026-03-31)"
)


def parse_day(text: str) -> dt.date:
    """``2026-01-31`` or ``31/01/2026`` as a date; ValueError otherwise."""
    match = _DAY_RE.match(text.strip())
    if not match:
        raise ValueError(f"not a date: {text!r} (write 2026-01-31 or 31/01/2026)")
    year, month_, day = (match[1], match[2], match[3]) if match[1] else \
        (match[6], match[5], match[4])
    try:
        return dt.date(int(year), int(month_), int(day))
    except ValueError as exc:
        raise ValueError(f"no such date: {text!r} ({exc})") from exc


def parse_period(text: str, calendar: Calendar = DEFAULT_CALENDAR) -> Period:
    """``2026-Q1`` (a quarter), ``2026`` (a reporting year), ``2025/2026`` (a school
    year), ``2026-11`` (a month) or ``2026-01-01..2026-03-31`` (a range of days, both
    included; a day may also be written 31/03/2026). Raises ValueError with the accepted
    spellings otherwise."""
    if match := _QUARTER_RE.match(text):
        return calendar.quarter(int(match[1]), int(match[2]))
    if match := _YEAR_RE.match(text):
        return calendar.year(int(match[1]))
    if match := _SCHOOL_YEAR_RE.match(text):
        first, second = int(match[1]), int(match[2])
        if second < 100:
            second += first // 100 * 100
        if second == first + 1:
            return calendar.school_year(first)
    if (match := _MONTH_RE.match(text)) and 1 <= int(match[2]) <= 12:
        return month(int(match[1]), int(match[2]))
    if match := _RANGE_RE.match(text):
        start, end = parse_day(match[1]), parse_day(match[2])
        if end < start:
            raise ValueError(f"the period {text!r} ends before it starts")
        return date_range(start, end)
    raise ValueError(f"unknown period {text!r}: write {PERIOD_FORMS_EN}")
