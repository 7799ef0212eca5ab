"""Expecting a :class:`ValueProblem` from a reader of :mod:`automation.text`."""

from __future__ import annotations

import re

import pytest

from automation.text.problem import ValueProblem

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
