"""Reading the dates, months and years staff type into Arabic Excel forms, and
showing a date as staff read it.

Dates come as Excel gives them (dates, serial numbers) or as text in any digit set
and spelling (``15/3/2026``, ``2026-03-15``); months also by their Arabic names,
Levantine or Egyptian/Gulf (``آذار 2026``, ``مارس 2026``); years as calendar years
(``2026``) or school years (``2025/2026``). A value that cannot be read raises
:class:`~automation.text.problem.ValueProblem`.

Standard library only.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from automation.text.arabic import clean_text, is_blank, normalize_name, to_ascii_digits
from automation.text.numbers import parse_int
from automation.text.problem import ValueProblem, as_typed, empty_value

__all__ = [
    "ARABIC_MONTHS",
    "format_date",
    "parse_date",
    "parse_month",
    "parse_year",
    "year_span",
]

# ----------------------------------------------------------------------- problems


def _problem(
    code: str, value: object, text_ar: str, text_en: str, **fields: object
) -> ValueProblem:
    """A problem about ``value``: ``{shown}`` in either text is the value as staff typed it,
    ``fields`` fill the texts' other ``{names}``."""
    shown = as_typed(value)
    return ValueProblem(
        code, text_ar.format(shown=shown, **fields), text_en.format(shown=shown, **fields)
    )


@dataclass(frozen=True)
class _Unreadable:
    """The problem of a value that cannot be read as a date, a month or a year; a detail
    (Arabic, then English) may say why."""

    code: str
    what_ar: str
    what_en: str
    hint_ar: str
    expected_en: str

    def __call__(self, value: object, detail_ar: str = "", detail_en: str = "") -> ValueProblem:
        return _problem(
            self.code,
            value,
            "لا يمكن قراءة {what_ar} «{shown}». {detail_ar}{hint_ar}",
            "cannot read {what_en} {shown!r}{detail_en}; expected {expected_en}",
            what_ar=self.what_ar,
            what_en=self.what_en,
            hint_ar=self.hint_ar,
            expected_en=self.expected_en,
            detail_ar=detail_ar,
            detail_en=detail_en,
        )

    def check_year(self, year: int, low: int, high: int, value: object, detail_en: str) -> None:
        """This problem, saying the range, when ``year`` is outside ``low..high``."""
        if not low <= year <= high:
            raise self(value, f"السنة يجب أن تكون بين {low} و{high}. ", detail_en)


# -------------------------------------------------------------------------- dates

_MIN_YEAR = 1900
_MAX_YEAR = 2100
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 61 and later (after the fake 29/2/1900)

_DATE_HINT_AR = "اكتب التاريخ بالشكل يوم/شهر/سنة مثل 15/3/2026."
_TIME = (
    r"(?:(?:\s+|[Tt])\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:\s*[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_SEP = r"\s*([/.\\-])\s*"
_YMD_RE = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}})\s*\2\s*(\d{{1,2}}){_TIME}")
_DMY_RE = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}})\s*\2\s*(\d+){_TIME}")


_bad_date = _Unreadable("bad-date", "التاريخ", "date", _DATE_HINT_AR, "d/m/yyyy")


def _year_out_of_range(value: object) -> ValueProblem:
    return _problem(
        "bad-date",
        value,
        "سنة التاريخ «{shown}» غير مقبولة. اكتب تاريخاً بين سنة {low} وسنة {high}، مثل 15/3/2026.",
        "date {shown!r} is outside the years {low}..{high}",
        low=_MIN_YEAR,
        high=_MAX_YEAR,
    )


def _impossible(value: object) -> ValueProblem:
    return _problem(
        "impossible-date",
        value,
        "التاريخ غير موجود في التقويم: {shown}. تأكد من اليوم والشهر، و{hint}",
        "no such date in the calendar: {shown!r}",
        hint=_DATE_HINT_AR,
    )


def _checked(result: datetime.date, value: object) -> datetime.date:
    if not _MIN_YEAR <= result.year <= _MAX_YEAR:
        raise _year_out_of_range(value)
    return result


def _make_date(year: int, month: int, day: int, value: object) -> datetime.date:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise _year_out_of_range(value)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise _impossible(value) from None


def _from_serial(serial: float | int | Decimal, value: object) -> datetime.date:
    """An Excel serial number (1900 date system) as a date; the time part is dropped."""
    if isinstance(serial, Decimal):
        if not serial.is_finite():
            raise _bad_date(value)
    elif not math.isfinite(serial):
        raise _bad_date(value)
    if not 1 <= serial < _EXCEL_MAX_SERIAL + 1:
        raise _bad_date(value)
    days = int(serial)  # serial >= 1, so int() is floor
    if days == 60:  # Excel's 29/2/1900, a day that never existed
        raise _impossible(value)
    if days < 60:
        days += 1
    return _checked(_EXCEL_EPOCH + datetime.timedelta(days=days), value)


def _date_from_text(text: str, value: object) -> datetime.date | None:
    """Read d/m/yyyy or yyyy/m/d text (ASCII digits); None if it is no such form."""
    match = _YMD_RE.fullmatch(text)
    if match:
        year, _, month, day = match.groups()
        return _make_date(int(year), int(month), int(day), value)
    match = _DMY_RE.fullmatch(text)
    if match:
        day, _, month, year = match.groups()
        if len(year) == 2:
            raise _problem(
                "bad-date",
                value,
                "السنة في التاريخ «{shown}» مكتوبة برقمين. "
                "اكتب السنة كاملة بأربعة أرقام، مثل 15/3/2026.",
                "two-digit year in date {shown!r}; write four digits",
            )
        if len(year) != 4:
            raise _bad_date(value)
        return _make_date(int(year), int(month), int(day), value)
    return None


def parse_date(value: object) -> datetime.date:
    """Read a date as staff or Excel give it.

    Accepts ``datetime.datetime``/``datetime.date``; Excel serial numbers
    (1900 date system, e.g. 45000 → 2023-03-15; fractions are the time of day
    and are dropped); and text in any digit set: ``d/m/yyyy``, ``d-m-yyyy``,
    ``d.m.yyyy``, ``yyyy/m/d``, ``yyyy-m-d`` (optionally followed by a time).
    Two-digit years, unreadable values and years outside 1900..2100 give
    ``bad-date``; days that do not exist (31/2/2026) give ``impossible-date``.
    """
    if is_blank(value):
        raise empty_value()
    if isinstance(value, datetime.datetime):
        return _checked(value.date(), value)
    if isinstance(value, datetime.date):
        return _checked(value, value)
    if isinstance(value, bool):
        raise _bad_date(value)
    if isinstance(value, int | float | Decimal):
        return _from_serial(value, value)
    if not isinstance(value, str):
        raise _bad_date(value)
    result = _date_from_text(to_ascii_digits(clean_text(value)), value)
    if result is None:
        raise _bad_date(value)
    return result


def format_date(d: datetime.date) -> str:
    """Show a date as staff read it in Arabic documents: ``15/3/2026``."""
    return f"{d.day}/{d.month}/{d.year}"


# ------------------------------------------------------------------------- months

ARABIC_MONTHS: dict[int, str] = {
    1: "كانون الثاني",
    2: "شباط",
    3: "آذار",
    4: "نيسان",
    5: "أيار",
    6: "حزيران",
    7: "تموز",
    8: "آب",
    9: "أيلول",
    10: "تشرين الأول",
    11: "تشرين الثاني",
    12: "كانون الأول",
}

_OTHER_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("كانون ثاني", "يناير"),
    2: ("فبراير",),
    3: ("مارس",),
    4: ("أبريل", "إبريل"),
    5: ("مايو",),
    6: ("يونيو", "يونيه"),
    7: ("يوليو", "يوليه"),
    8: ("أغسطس",),
    9: ("سبتمبر",),
    10: ("تشرين أول", "أكتوبر"),
    11: ("تشرين ثاني", "نوفمبر"),
    12: ("كانون أول", "ديسمبر"),
}

_MONTH_BY_NAME: dict[str, int] = {
    normalize_name(name): month
    for month, names in _OTHER_MONTH_NAMES.items()
    for name in (ARABIC_MONTHS[month], *names)
}

_MONTH_HINT_AR = "اكتب الشهر والسنة، مثل 3/2026 أو آذار 2026."
_MONTH_YEAR_RE = re.compile(r"(\d{1,2})(?:\s*[/.\\-]\s*|\s+)(\d+)")
_YEAR_MONTH_RE = re.compile(r"(\d{4})(?:\s*[/.\\-]\s*|\s+)(\d{1,2})")
_NAME_PARTS_RE = re.compile(r"[-/\\,().]")


_bad_month = _Unreadable("bad-month", "الشهر", "month", _MONTH_HINT_AR, "e.g. 3/2026")


def _make_month(year: int, month: int, value: object) -> datetime.date:
    if not 1 <= month <= 12:
        raise _bad_month(value, "رقم الشهر يجب أن يكون من 1 إلى 12. ", " (month not 1..12)")
    _bad_month.check_year(year, _MIN_YEAR, _MAX_YEAR, value, " (year out of range)")
    return datetime.date(year, month, 1)


def _month_year(digits: str, value: object) -> int:
    """The year of a month, written with four digits."""
    if len(digits) == 2:
        raise _bad_month(value, "اكتب السنة كاملة بأربعة أرقام. ", " (two-digit year)")
    if len(digits) != 4:
        raise _bad_month(value)
    return int(digits)


def parse_month(value: object) -> datetime.date:
    """Read a month; returns its first day.

    Accepts dates and datetimes (any day), Excel serials, ``m/yyyy``,
    ``m-yyyy``, ``yyyy/m``, ``yyyy-m``, a full date string, and Arabic month
    names (Levantine: كانون الثاني … كانون الأول; Egyptian/Gulf: يناير …
    ديسمبر; hamza/alef variants; both together such as «آذار (مارس)»)
    before or after a four-digit year. A month name without a year is a
    ``bad-month`` problem: the year is needed. Unreadable values are
    ``bad-month``; a full date that does not exist is ``impossible-date``.
    """
    if is_blank(value):
        raise empty_value()
    if isinstance(value, bool):
        raise _bad_month(value)
    if isinstance(value, datetime.date | int | float | Decimal):
        try:
            return parse_date(value).replace(day=1)
        except ValueProblem as exc:
            if exc.code == "bad-date":
                raise _bad_month(value) from None
            raise
    if not isinstance(value, str):
        raise _bad_month(value)

    text = to_ascii_digits(clean_text(value))
    match = _MONTH_YEAR_RE.fullmatch(text)
    if match:
        month, year = match.groups()
        return _make_month(_month_year(year, value), int(month), value)
    match = _YEAR_MONTH_RE.fullmatch(text)
    if match:
        year, month = match.groups()
        return _make_month(int(year), int(month), value)
    try:
        full_date = _date_from_text(text, value)
    except ValueProblem as exc:
        if exc.code == "bad-date":
            raise _bad_month(value) from None
        raise  # impossible-date names the day that does not exist
    if full_date is not None:
        return full_date.replace(day=1)

    folded = normalize_name(value)
    numbers = re.findall(r"\d+", folded)
    words = re.sub(r"\d+", " ", folded)
    parts = [part.strip() for part in _NAME_PARTS_RE.split(words)]
    parts = [re.sub(r"^شهر\s*", "", part) for part in parts if part]
    months = {_MONTH_BY_NAME.get(part) for part in parts}
    if not parts or None in months or len(months) != 1:
        raise _bad_month(value)
    month = months.pop()
    assert month is not None
    if not numbers:
        raise _problem(
            "bad-month",
            value,
            "الشهر «{shown}» مكتوب بدون سنة. اكتب الشهر مع السنة، مثل آذار 2026.",
            "month {shown!r} has no year; expected e.g. 3/2026",
        )
    if len(numbers) != 1:
        raise _bad_month(value)
    return _make_month(_month_year(numbers[0], value), month, value)


# -------------------------------------------------------------------------- years

_FIRST_YEAR = 1990
_LAST_YEAR = 2100
_YEAR_HINT_AR = "اكتب السنة مثل 2026، أو العام الدراسي مثل 2025/2026."
_CALENDAR_YEAR_RE = re.compile(r"(\d{4})(?:\.0+)?")
_SCHOOL_YEAR_RE = re.compile(r"(\d{4})\s*[/\\-]\s*(\d+)")


_bad_year = _Unreadable("bad-year", "السنة", "year", _YEAR_HINT_AR, "2026 or 2025/2026")


def _check_year(year: int, value: object) -> None:
    _bad_year.check_year(year, _FIRST_YEAR, _LAST_YEAR, value,
                         f" (outside {_FIRST_YEAR}..{_LAST_YEAR})")


def parse_year(value: object) -> str:
    """Read a calendar year (``"2026"``) or a school year (``"2025/2026"``).

    ``2026``, ``2026.0``, ``"٢٠٢٦"`` give ``"2026"``; ``"2025/2026"``,
    ``"2025-2026"`` and ``"2025/26"`` give ``"2025/2026"`` (the second year
    must follow the first). Years must lie in 1990..2100 (``bad-year``).
    """
    if is_blank(value):
        raise empty_value()
    if isinstance(value, bool):
        raise _bad_year(value)
    if isinstance(value, int | float | Decimal):
        try:
            year = parse_int(value, minimum=None)  # a fraction is a bad-number problem too
        except ValueProblem:
            raise _bad_year(value) from None
        _check_year(year, value)
        return str(year)
    if not isinstance(value, str):
        raise _bad_year(value)

    text = to_ascii_digits(clean_text(value))
    match = _CALENDAR_YEAR_RE.fullmatch(text)
    if match:
        year = int(match.group(1))
        _check_year(year, value)
        return str(year)
    match = _SCHOOL_YEAR_RE.fullmatch(text)
    if not match:
        raise _bad_year(value)
    first = int(match.group(1))
    second_text = match.group(2)
    if len(second_text) == 2:
        second = first - first % 100 + int(second_text)
        if second < first:
            second += 100  # 2099/00
    elif len(second_text) == 4:
        second = int(second_text)
    else:
        raise _bad_year(value)
    if second != first + 1:
        raise _problem(
            "bad-year",
            value,
            "العام الدراسي «{shown}» غير صحيح: السنة الثانية يجب أن تلي الأولى مباشرة، "
            "مثل 2025/2026.",
            "school year {shown!r}: the second year must follow the first",
        )
    _check_year(first, value)
    return f"{first}/{second}"


def year_span(year: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a year: ``"2026"`` → 1/1/2026–31/12/2026;
    school year ``"2025/2026"`` → 1/9/2025–31/8/2026."""
    canonical = parse_year(year)
    if "/" in canonical:
        first = int(canonical.split("/")[0])
        return datetime.date(first, 9, 1), datetime.date(first + 1, 8, 31)
    calendar_year = int(canonical)
    return datetime.date(calendar_year, 1, 1), datetime.date(calendar_year, 12, 31)
