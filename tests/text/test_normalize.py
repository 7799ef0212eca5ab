"""Tests for automation.text.normalize: reading what staff type into Arabic forms."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from automation.text.normalize import (
    ARABIC_MONTHS,
    ValueProblem,
    clean_text,
    format_date,
    is_blank,
    normalize_name,
    parse_date,
    parse_decimal,
    parse_int,
    parse_month,
    parse_pct,
    parse_year,
    parse_yesno,
    to_ascii_digits,
    year_span,
)

D = datetime.date
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
NAN = float("nan")
INF = float("inf")


def problem(func: object, value: object, code: str, **kwargs: object) -> ValueProblem:
    """Call func(value) expecting a ValueProblem with the given code; return it."""
    assert callable(func)
    with pytest.raises(ValueProblem) as info:
        func(value, **kwargs)
    exc = info.value
    assert exc.code == code, (value, exc.code, exc.message_en)
    assert ARABIC_LETTER.search(exc.message_ar), exc.message_ar
    assert exc.message_en
    return exc


# ------------------------------------------------------------------ ValueProblem


def test_value_problem_is_value_error() -> None:
    exc = ValueProblem("bad-date", "رسالة", "message")
    assert isinstance(exc, ValueError)
    assert (exc.code, exc.message_ar, exc.message_en) == ("bad-date", "رسالة", "message")
    assert str(exc) == "message"


# ----------------------------------------------------------------------- digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("0123456789", "0123456789"),
        ("١٢٫٥", "12.5"),
        ("١٬٢٥٠", "1250"),
        ("۱۲٫۵۰۰", "12.500"),
        ("مدرسة ٣", "مدرسة 3"),
        ("", ""),
    ],
)
def test_to_ascii_digits(text: str, expected: str) -> None:
    assert to_ascii_digits(text) == expected


# ------------------------------------------------------------------- clean_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("  مدرسة  ", "مدرسة"),
        ("a\tb\nc\rd", "a b c d"),
        ("a\r\n\r\nb", "a b"),
        ("a\x00b\x07c\x1bd\x7f", "abcd"),
        ("a\x80b\x9fc", "abc"),
        ("a\u200bb\u200cc\u200dd\u200ee\u200ff", "abcdef"),
        ("\u202bمدرسة\u202c", "مدرسة"),
        ("\u202a\u202d\u202ex\u2066\u2067\u2068\u2069", "x"),
        ("\ufeffاسم", "اسم"),
        ("a\u00a0\u00a0b", "a b"),
        ("a \u2009 \u3000 b", "a b"),
        (3.0, "3"),
        (-12.0, "-12"),
        (2.5, "2.5"),
        (7, "7"),
        (True, "True"),
    ],
)
def test_clean_text(value: object, expected: str) -> None:
    assert clean_text(value) == expected


# --------------------------------------------------------------- normalize_name


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("أحمد", "احمد"),
        ("إربد", "اربد"),
        ("آمنة", "امنه"),
        ("ٱلله", "الله"),
        ("فاطمة", "فاطمه"),
        ("مصطفى", "مصطفي"),
        ("يحيى", "يحيي"),
        ("مؤتة", "مؤته"),
        ("رئيس", "رئيس"),
        ("مـــدرســـة", "مدرسه"),
        ("مُحَمَّدٌ", "محمد"),
        ("الرَّحْمٰن", "الرحمن"),
        ("مدرسة   الأولى", "مدرسه الاولي"),
        ("مدرسة\u00a0الأولى", "مدرسه الاولي"),
        ("\u200fمدرسة\u200f الأولى\u202c", "مدرسه الاولي"),
        ("عمان، الأولى", "عمان, الاولي"),
        ("عمان ، الأولى", "عمان, الاولي"),
        ("عمان,الأولى", "عمان, الاولي"),
        ("عمان , الأولى", "عمان, الاولي"),
        ("اربد - الأولى", "اربد-الاولي"),
        ("اربد/ الأولى", "اربد/الاولي"),
        ("مدرسة ( الأولى )", "مدرسه (الاولي)"),
        ("School ABC", "school abc"),
        ("STRASSE", "strasse"),
        ("مدرسة ٣", "مدرسه 3"),
        ("مدرسة ۳", "مدرسه 3"),
        ("فارسی", "فارسي"),
        (None, ""),
        (3.0, "3"),
    ],
)
def test_normalize_name(value: object, expected: str) -> None:
    assert normalize_name(value) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("مدرسة إربد الثانوية للبنات", "مدرسه اربد الثانويه للبنات"),
        ("  مدرسة  أُمّ  عمّار ", "مدرسة ام عمار"),
        ("قسم التعليم الإلكتروني، والتدريب", "قسم التعليم الالكتروني ,والتدريب"),
    ],
)
def test_normalize_name_matches_variants(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


# -------------------------------------------------------------------- parse_int


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0),
        (12, 12),
        (3.0, 3),
        (Decimal("4"), 4),
        ("12", 12),
        (" 12 ", 12),
        ("١٢", 12),
        ("۱۲", 12),
        ("1,250", 1250),
        ("1,250,000", 1250000),
        ("١٬٢٥٠", 1250),
        ("1 250", 1250),
        ("١ ٢٥٠", 1250),
        ("3.0", 3),
        ("٣٫٠", 3),
        ("+7", 7),
        ("\u200f15\u200f", 15),
    ],
)
def test_parse_int(value: object, expected: int) -> None:
    result = parse_int(value)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    "value",
    [2.5, "2.5", "٢٫٥", "abc", "12 طالب", NAN, INF, -INF, True, False, "1,25", "1 2",
     "1.2.3", "--1", Decimal("NaN"), [1], "1e5"],
)
def test_parse_int_bad_number(value: object) -> None:
    problem(parse_int, value, "bad-number")


@pytest.mark.parametrize("value", [None, "", "   ", "\u200f"])
def test_parse_empty(value: object) -> None:
    for func in (parse_int, parse_decimal, parse_pct, parse_date, parse_month, parse_year,
                 parse_yesno):
        problem(func, value, "empty")


def test_parse_int_range() -> None:
    problem(parse_int, -1, "negative")
    problem(parse_int, "-٣", "negative")
    problem(parse_int, "\u22125", "negative")
    assert parse_int(-5, minimum=None) == -5
    assert parse_int("-5", minimum=-10) == -5
    problem(parse_int, -11, "out-of-range", minimum=-10)
    problem(parse_int, 3, "out-of-range", minimum=5)
    problem(parse_int, 11, "out-of-range", maximum=10)
    problem(parse_int, 11, "out-of-range", minimum=None, maximum=10)
    assert parse_int(10, maximum=10) == 10
    exc = problem(parse_int, -1, "negative", minimum=0, maximum=10)
    assert "0" in exc.message_ar


# ---------------------------------------------------------------- parse_decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, Decimal("12.000")),
        (12.5, Decimal("12.500")),
        (0.1, Decimal("0.100")),
        (Decimal("3.14159"), Decimal("3.142")),
        ("١٢٫٥٠٠", Decimal("12.500")),
        ("۱۲٫۵", Decimal("12.500")),
        ("1,250.5", Decimal("1250.500")),
        ("١٬٢٥٠٫٥", Decimal("1250.500")),
        ("12.5", Decimal("12.500")),
        (".5", Decimal("0.500")),
        ("0.0005", Decimal("0.001")),
        ("0.0004", Decimal("0.000")),
        ("2.0005", Decimal("2.001")),
        ("  7 ", Decimal("7.000")),
    ],
)
def test_parse_decimal(value: object, expected: Decimal) -> None:
    result = parse_decimal(value)
    assert result == expected
    assert str(result) == str(expected)


def test_parse_decimal_places_and_range() -> None:
    assert str(parse_decimal("2.345", places=2)) == "2.35"
    assert str(parse_decimal("2.5", places=0)) == "3"
    assert str(parse_decimal("-0.0001", minimum=None)) == "0.000"
    assert parse_decimal("-2.5", minimum=None) == Decimal("-2.5")
    problem(parse_decimal, "-2.5", "negative")
    problem(parse_decimal, 101, "out-of-range", maximum=Decimal(100))
    problem(parse_decimal, 1, "out-of-range", minimum=Decimal(5))
    problem(parse_decimal, "1" * 40, "out-of-range")


@pytest.mark.parametrize(
    "value", ["abc", "12 دينار", NAN, INF, True, False, Decimal("Infinity"), "1,25", "١٢،٥"]
)
def test_parse_decimal_bad(value: object) -> None:
    problem(parse_decimal, value, "bad-number")


# -------------------------------------------------------------------- parse_pct


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (85, Decimal(85)),
        (85.5, Decimal("85.5")),
        (0.85, Decimal("0.85")),
        (0, Decimal(0)),
        (100, Decimal(100)),
        ("85%", Decimal(85)),
        ("85 %", Decimal(85)),
        ("%85", Decimal(85)),
        ("٨٥٪", Decimal(85)),
        ("٪٨٥", Decimal(85)),
        ("۸۵٫۵٪", Decimal("85.5")),
        ("100", Decimal(100)),
    ],
)
def test_parse_pct(value: object, expected: Decimal) -> None:
    assert parse_pct(value) == expected


def test_parse_pct_problems() -> None:
    problem(parse_pct, 101, "out-of-range")
    problem(parse_pct, "120%", "out-of-range")
    problem(parse_pct, -5, "negative")
    problem(parse_pct, "abc", "bad-number")
    problem(parse_pct, "%", "bad-number")
    problem(parse_pct, True, "bad-number")
    problem(parse_pct, NAN, "bad-number")


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


# ------------------------------------------------------------------ parse_yesno


@pytest.mark.parametrize(
    "value",
    ["نعم", " نعم ", "\u200fنعم\u200f", "ن", "✓", "✔", "✔\ufe0f", "yes", "Yes", "YES", "y",
     "Y", "true", "TRUE", "True", "1", "١", "۱", "1.0", "صح", True, 1, 1.0],
)
def test_parse_yesno_true(value: object) -> None:
    assert parse_yesno(value) is True


@pytest.mark.parametrize(
    "value",
    ["لا", " لا ", "✗", "✘", "x", "X", "no", "No", "NO", "n", "N", "false", "FALSE", "0",
     "٠", "۰", "0.0", "خطأ", "خطا", False, 0, 0.0],
)
def test_parse_yesno_false(value: object) -> None:
    assert parse_yesno(value) is False


@pytest.mark.parametrize("value", ["ربما", "maybe", "2", 2, 0.5, NAN, "نعم لا", "-", [1]])
def test_parse_yesno_bad(value: object) -> None:
    exc = problem(parse_yesno, value, "bad-yesno")
    assert "اختر نعم أو لا" in exc.message_ar


# ------------------------------------------------------------- messages overall


@pytest.mark.parametrize(
    ("func", "value", "code"),
    [
        (parse_int, "abc", "bad-number"),
        (parse_int, -3, "negative"),
        (parse_int, 50, "out-of-range"),
        (parse_decimal, "abc", "bad-number"),
        (parse_pct, 150, "out-of-range"),
        (parse_date, "abc", "bad-date"),
        (parse_date, "31/2/2026", "impossible-date"),
        (parse_month, "abc", "bad-month"),
        (parse_year, "abc", "bad-year"),
        (parse_yesno, "abc", "bad-yesno"),
        (parse_date, "", "empty"),
    ],
)
def test_messages_are_arabic_sentences(func: object, value: object, code: str) -> None:
    kwargs = {"maximum": 10} if code == "out-of-range" and func is parse_int else {}
    exc = problem(func, value, code, **kwargs)
    assert exc.message_ar.rstrip().endswith(".")
    assert len(exc.message_ar) > 15


_ODD_SPACES = "".join(chr(c) for c in (*range(0, 33), 0x85, 0xA0, 0x200B, 0x200E, 0x200F,
                                        0x2028, 0x202F, 0x2060, 0x3000, 0xFEFF, 0x061C))


@settings(max_examples=2000)
@given(st.text(alphabet=st.sampled_from(_ODD_SPACES + "aب ")) | st.text())
def test_a_blank_value_is_one_that_cleans_to_nothing(text: str) -> None:
    assert is_blank(text) == (clean_text(text) == "")


def test_blank_values() -> None:
    assert is_blank(None) and is_blank("") and is_blank(" \u00a0\u200f\t")
    assert not is_blank(0) and not is_blank("٠") and not is_blank(" x ")
