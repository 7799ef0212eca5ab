"""Tests for automation.text.dates: dates in every spelling, months, years."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from automation.text.dates import (
    ARABIC_MONTHS,
    format_date,
    parse_date,
    parse_month,
    parse_year,
    year_span,
)
from tests.text.expect import INF, NAN, problem

D = datetime.date


# ------------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # d/m/yyyy family, every separator, every digit set
        ("15/3/2026", D(2026, 3, 15)),
        ("15/03/2026", D(2026, 3, 15)),
        ("15-3-2026", D(2026, 3, 15)),
        ("15.3.2026", D(2026, 3, 15)),
        ("١٥/٣/٢٠٢٦", D(2026, 3, 15)),
        ("١٥-٣-٢٠٢٦", D(2026, 3, 15)),
        ("١٥.٣.٢٠٢٦", D(2026, 3, 15)),
        ("۱۵/۳/۲۰۲۶", D(2026, 3, 15)),
        ("۱۵-۳-۲۰۲۶", D(2026, 3, 15)),
        ("۱۵.۳.۲۰۲۶", D(2026, 3, 15)),
        ("4/1/2021", D(2021, 1, 4)),
        # yyyy/m/d family
        ("2021/1/4", D(2021, 1, 4)),
        ("2021-1-4", D(2021, 1, 4)),
        ("2021-01-04", D(2021, 1, 4)),
        ("٢٠٢١/١/٤", D(2021, 1, 4)),
        ("٢٠٢١-١-٤", D(2021, 1, 4)),
        ("۲۰۲۱/۱/۴", D(2021, 1, 4)),
        ("۲۰۲۱-۰۱-۰۴", D(2021, 1, 4)),
        # ISO with a time part
        ("2026-03-15 00:00:00", D(2026, 3, 15)),
        ("2026-03-15T10:20:30", D(2026, 3, 15)),
        ("2026-03-15T10:20:30.123Z", D(2026, 3, 15)),
        ("٢٠٢٦-٠٣-١٥ ٠٠:٠٠:٠٠", D(2026, 3, 15)),
        ("15/3/2026 00:00", D(2026, 3, 15)),
        # spaces and stray marks
        ("  15/3/2026  ", D(2026, 3, 15)),
        ("\u200f15/3/2026\u200f", D(2026, 3, 15)),
        ("\u202b١٥/٣/٢٠٢٦\u202c", D(2026, 3, 15)),
        ("15 / 3 / 2026", D(2026, 3, 15)),
        ("\u00a015/3/2026\u00a0", D(2026, 3, 15)),
        # leap years
        ("29/2/2024", D(2024, 2, 29)),
        ("29/2/2000", D(2000, 2, 29)),
        # range limits
        ("1/1/1900", D(1900, 1, 1)),
        ("31/12/2100", D(2100, 12, 31)),
        # real dates from calamine/openpyxl
        (D(2026, 3, 15), D(2026, 3, 15)),
        (datetime.datetime(2026, 3, 15, 13, 45), D(2026, 3, 15)),
        (datetime.datetime(2021, 1, 4), D(2021, 1, 4)),
        # Excel serials (1900 date system)
        (45000, D(2023, 3, 15)),
        (45000.0, D(2023, 3, 15)),
        (45000.5, D(2023, 3, 15)),
        (45000.999, D(2023, 3, 15)),
        (Decimal("45000"), D(2023, 3, 15)),
        (1, D(1900, 1, 1)),
        (59, D(1900, 2, 28)),
        (61, D(1900, 3, 1)),
        (44197, D(2021, 1, 1)),
        (73415, D(2100, 12, 31)),
    ],
)
def test_parse_date(value: object, expected: datetime.date) -> None:
    result = parse_date(value)
    assert result == expected
    assert type(result) is datetime.date


@pytest.mark.parametrize(
    "value",
    [
        NAN, INF, -INF, -1, -45000.0, 0, 0.5, 2958466, 10**9, 1e300, Decimal("NaN"),
        True, False,
        "abc", "15/3", "2026", "45000", "15/3/26", "١٥/٣/٢٦", "15/3/202", "15/3/20266",
        "15/3-2026", "2026/3/15/1", "15//3/2026", "yesterday",
        "1/1/1899", "1/1/2101", "2101-01-01",
        D(1850, 1, 1), datetime.datetime(2200, 1, 1),
        2958465,  # a real Excel serial (9999-12-31) but outside 1900..2100
        [2026, 3, 15], datetime.time(10, 0),
    ],
)
def test_parse_date_bad(value: object) -> None:
    problem(parse_date, value, "bad-date")


@pytest.mark.parametrize(
    "value",
    ["31/2/2026", "٣١/٢/٢٠٢٦", "29/2/2025", "۲۹/۲/۲۰۲۵", "2026/2/30", "2026-02-31",
     "31/4/2026", "0/3/2026", "15/13/2026", "3/15/2026", "29/2/1900", 60],
)
def test_parse_date_impossible(value: object) -> None:
    problem(parse_date, value, "impossible-date")


def test_impossible_date_message_names_value() -> None:
    exc = problem(parse_date, "31/2/2026", "impossible-date")
    assert "31/2/2026" in exc.message_ar
    assert "التقويم" in exc.message_ar
    assert "31/2/2026" in exc.message_en


def test_bad_date_message_says_expected_form() -> None:
    exc = problem(parse_date, "أمس", "bad-date")
    assert "يوم/شهر/سنة" in exc.message_ar
    assert "أمس" in exc.message_ar
    exc = problem(parse_date, "15/3/26", "bad-date")
    assert "أربعة" in exc.message_ar


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D(2026, 3, 15), "15/3/2026"), (D(2021, 1, 4), "4/1/2021"), (D(2025, 12, 31), "31/12/2025")],
)
def test_format_date(value: datetime.date, expected: str) -> None:
    assert format_date(value) == expected
    assert parse_date(format_date(value)) == value

# ------------------------------------------------------------------ parse_month

LEVANTINE = [
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
    "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
]
EGYPTIAN = [
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
]
VARIANTS = [
    ("ابريل", 4), ("إبريل", 4), ("يونيه", 6), ("يوليه", 7), ("اغسطس", 8), ("اكتوبر", 10),
    ("اذار", 3), ("ايار", 5), ("اب", 8), ("ايلول", 9), ("تشرين الاول", 10),
    ("كانون الاول", 12), ("تشرين اول", 10), ("تشرين ثاني", 11), ("كانون ثاني", 1),
    ("آذار", 3), ("أيـــار", 5), ("آذَار", 3), ("تشرين  الأول", 10),
]


def test_arabic_months_table() -> None:
    assert ARABIC_MONTHS == dict(enumerate(LEVANTINE, start=1))


@pytest.mark.parametrize(("month", "name"), list(enumerate(LEVANTINE, start=1)))
def test_parse_month_levantine(month: int, name: str) -> None:
    expected = D(2026, month, 1)
    for text in (f"{name} 2026", f"2026 {name}", f"{name}-2026", f"{name}/2026",
                 f"{name} - 2026", f"2026/{name}", f"{name} ٢٠٢٦", f"{name} ۲۰۲۶",
                 f"{name}2026", f"شهر {name} 2026"):
        assert parse_month(text) == expected, text


@pytest.mark.parametrize(("month", "name"), list(enumerate(EGYPTIAN, start=1)))
def test_parse_month_egyptian(month: int, name: str) -> None:
    expected = D(2025, month, 1)
    for text in (f"{name} 2025", f"2025 {name}", f"{name}-2025", f"{name} / ٢٠٢٥",
                 f"{name} ۲۰۲۵"):
        assert parse_month(text) == expected, text


@pytest.mark.parametrize(("name", "month"), VARIANTS)
def test_parse_month_variants(name: str, month: int) -> None:
    assert parse_month(f"{name} 2026") == D(2026, month, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3/2026", D(2026, 3, 1)),
        ("03/2026", D(2026, 3, 1)),
        ("3-2026", D(2026, 3, 1)),
        ("12-2025", D(2025, 12, 1)),
        ("2026/3", D(2026, 3, 1)),
        ("2026-3", D(2026, 3, 1)),
        ("2026-03", D(2026, 3, 1)),
        ("٣/٢٠٢٦", D(2026, 3, 1)),
        ("٢٠٢٦-٣", D(2026, 3, 1)),
        ("۳/۲۰۲۶", D(2026, 3, 1)),
        ("۲۰۲۶/۱۲", D(2026, 12, 1)),
        ("\u200f3/2026\u200f", D(2026, 3, 1)),
        ("15/3/2026", D(2026, 3, 1)),
        ("١٥/٣/٢٠٢٦", D(2026, 3, 1)),
        ("2026-03-15", D(2026, 3, 1)),
        ("2026-03-15 00:00:00", D(2026, 3, 1)),
        (D(2026, 3, 15), D(2026, 3, 1)),
        (datetime.datetime(2026, 3, 31, 8, 0), D(2026, 3, 1)),
        (45000, D(2023, 3, 1)),
        (45000.5, D(2023, 3, 1)),
        ("آذار (مارس) 2026", D(2026, 3, 1)),
        ("آذار/مارس 2026", D(2026, 3, 1)),
        ("2026 كانون الثاني - يناير", D(2026, 1, 1)),
    ],
)
def test_parse_month_forms(value: object, expected: datetime.date) -> None:
    assert parse_month(value) == expected


@pytest.mark.parametrize(
    "value",
    ["آذار", "اذار", "مارس", "كانون الثاني", "شهر أيار", "abc", "13/2026", "0/2026",
     "2026/13", "آذار 26", "3/26", "3/202", "2026", "فبراير 2025 2026", "آذار نيسان 2026",
     "سنة 2026", "آذار 1899", "3/2101", True, NAN, [3, 2026]],
)
def test_parse_month_bad(value: object) -> None:
    problem(parse_month, value, "bad-month")


def test_parse_month_without_year_says_year_needed() -> None:
    exc = problem(parse_month, "آذار", "bad-month")
    assert "سنة" in exc.message_ar
    assert "year" in exc.message_en


def test_parse_month_bad_date_codes_pass_through() -> None:
    problem(parse_month, "31/2/2026", "impossible-date")
    problem(parse_month, 60, "impossible-date")
    problem(parse_month, -1, "bad-month")
    problem(parse_month, 0, "bad-month")
    problem(parse_month, 10**9, "bad-month")
    problem(parse_month, "15/3/26", "bad-month")
    problem(parse_month, "1/1/1800", "bad-month")
    problem(parse_month, D(1800, 1, 1), "bad-month")

# ------------------------------------------------------------------- parse_year


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025/2026", "2025/2026"),
        ("2025-2026", "2025/2026"),
        ("2025 / 2026", "2025/2026"),
        ("2025/26", "2025/2026"),
        ("2025-26", "2025/2026"),
        ("2099/00", "2099/2100"),
        ("٢٠٢٥/٢٠٢٦", "2025/2026"),
        ("٢٠٢٥/٢٦", "2025/2026"),
        ("۲۰۲۵-۲۰۲۶", "2025/2026"),
        ("\u200f2025/2026\u200f", "2025/2026"),
        (2026, "2026"),
        (2026.0, "2026"),
        (Decimal("2026"), "2026"),
        ("2026", "2026"),
        ("2026.0", "2026"),
        (" ٢٠٢٦ ", "2026"),
        ("۲۰۲۶", "2026"),
        (1990, "1990"),
        (2100, "2100"),
    ],
)
def test_parse_year(value: object, expected: str) -> None:
    assert parse_year(value) == expected


@pytest.mark.parametrize(
    "value",
    ["2025/2027", "2026/2025", "2025/25", "2025/2025", "25/26", "2025/202", "abc", "1989",
     "2101", 1989, 2101, 2026.5, NAN, INF, True, D(2026, 1, 1), "2025/2026/2027", "26"],
)
def test_parse_year_bad(value: object) -> None:
    problem(parse_year, value, "bad-year")


def test_parse_year_not_consecutive_message() -> None:
    exc = problem(parse_year, "2025/2027", "bad-year")
    assert "2025/2027" in exc.message_ar


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        ("2026", (D(2026, 1, 1), D(2026, 12, 31))),
        ("2024", (D(2024, 1, 1), D(2024, 12, 31))),
        ("2025/2026", (D(2025, 9, 1), D(2026, 8, 31))),
        ("2023/2024", (D(2023, 9, 1), D(2024, 8, 31))),
        ("2025-26", (D(2025, 9, 1), D(2026, 8, 31))),
    ],
)
def test_year_span(year: str, expected: tuple[datetime.date, datetime.date]) -> None:
    assert year_span(year) == expected


def test_year_span_bad() -> None:
    problem(year_span, "2025/2027", "bad-year")
