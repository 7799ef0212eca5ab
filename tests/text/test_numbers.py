"""Tests for automation.text.numbers: whole numbers, amounts, percentages, yes/no."""

from __future__ import annotations

from decimal import Decimal

import pytest

from automation.text.numbers import parse_decimal, parse_int, parse_pct, parse_yesno
from tests.text.expect import INF, NAN, problem

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
