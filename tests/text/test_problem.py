"""Tests for automation.text.problem: every reader's problem speaks Arabic to staff."""

from __future__ import annotations

import pytest

from automation.text.dates import parse_date, parse_month, parse_year
from automation.text.numbers import parse_decimal, parse_int, parse_pct, parse_yesno
from automation.text.problem import ValueProblem
from tests.text.expect import problem

# ------------------------------------------------------------------ ValueProblem


def test_value_problem_is_value_error() -> None:
    exc = ValueProblem("bad-date", "رسالة", "message")
    assert isinstance(exc, ValueError)
    assert (exc.code, exc.message_ar, exc.message_en) == ("bad-date", "رسالة", "message")
    assert str(exc) == "message"


# ------------------------------------------------------------------ empty cells


@pytest.mark.parametrize("value", [None, "", "   ", "\u200f"])
def test_parse_empty(value: object) -> None:
    for func in (parse_int, parse_decimal, parse_pct, parse_date, parse_month, parse_year,
                 parse_yesno):
        problem(func, value, "empty")


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
