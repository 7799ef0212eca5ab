"""``parse_period``: the one spelling of a period every command takes (``--period``)."""

from __future__ import annotations

import datetime as dt

import pytest

from automation.core.periods import Calendar, parse_day, parse_period

D = dt.date


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
    ("2026q4", D(2026, 10, 1), D(2026, 12, 31)),
    ("2026", D(2026, 1, 1), D(2026, 12, 31)),
    ("2025/2026", D(2025, 9, 1), D(2026, 8, 31)),
    ("2025/26", D(2025, 9, 1), D(2026, 8, 31)),
    ("2026-01-01..2026-03-31", D(2026, 1, 1), D(2026, 3, 31)),
    (" 2026-02-10 .. 2026-02-10 ", D(2026, 2, 10), D(2026, 2, 10)),
    ("15/10/2026..31/12/2026", D(2026, 10, 15), D(2026, 12, 31)),
    ("2026-1-5..2026-2-28", D(2026, 1, 5), D(2026, 2, 28)),
    ("2026-11", D(2026, 11, 1), D(2026, 11, 30)),
    ("2026-2", D(2026, 2, 1), D(2026, 2, 28)),
])
def test_every_spelling(text: str, start: dt.date, end: dt.date) -> None:
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


def test_a_range_of_days_is_labelled_and_named_for_files() -> None:
    period = parse_period("2026-01-01..2026-03-31")
    assert period.label_ar == "من 01/01/2026 إلى 31/03/2026"
    assert period.slug == "2026-01-01_2026-03-31"
    assert D(2026, 3, 31) in period and D(2026, 4, 1) not in period


def test_the_calendar_moves_quarters_not_ranges() -> None:
    april = Calendar(quarter_start_month=4)
    assert parse_period("2026-Q1", april).start == D(2026, 4, 1)
    assert parse_period("2026-01-01..2026-01-31", april).start == D(2026, 1, 1)


@pytest.mark.parametrize("text", [
    "2026-03-31..2026-01-01",  # ends before it starts
    "2026-02-30..2026-03-01",  # no such day
    "2026-01-01..",
    "..2026-01-01",
    "2026-01-01...2026-02-01",
    "yesterday..today",
    "2026-Q5",
    "2026-13",
    "2025/2027",
    "",
])
def test_wrong_spellings_name_the_right_ones(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_period(text)
    message = str(caught.value)
    assert any(s in message for s in ("2026-01-01..2026-03-31", "ends before", "no such date",
                                      "not a date"))


def test_parse_day() -> None:
    assert parse_day("2026-03-31") == parse_day("31/03/2026") == D(2026, 3, 31)
    with pytest.raises(ValueError):
        parse_day("03/31/2026")
