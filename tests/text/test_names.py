"""Tests for automation.text.names: names Windows and Excel accept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.text.names import (
    INVISIBLE_IN_NAMES_RE,
    SHEET_FORBIDDEN,
    WINDOWS_FORBIDDEN,
    reserved_on_windows,
    sheet_name,
    windows_name,
)


@pytest.mark.parametrize("name", ["CON", "con.xlsx", "Lpt1.txt", "NUL", "com9", "CLOCK$"])
def test_reserved_on_windows(name: str) -> None:
    assert reserved_on_windows(name)


@pytest.mark.parametrize("name", ["CONSOLE", "مدرسة", "LPT", "com10.xlsx", "x.CON"])
def test_not_reserved_on_windows(name: str) -> None:
    assert not reserved_on_windows(name)


@pytest.mark.parametrize(("text", "expected"), [
    ("مدرسة الأمل الثانوية", "مدرسة الأمل الثانوية"),
    ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
    ("\u200fمدرسة\u202e النور\ufeff\x00\u061c", "مدرسة النور"),
    ("  مدرسة. . ", "مدرسة"),
    ("...", "school"),
    ("\u200f\u200e", "school"),
    ("CON", "_CON"),
    ("aux.txt", "_aux.txt"),
])
def test_windows_name(text: str, expected: str) -> None:
    assert windows_name(text, fallback="school") == expected


def test_windows_name_replacement() -> None:
    assert windows_name("تقرير: ربعي", replace="-", fallback="x") == "تقرير- ربعي"


@given(st.text())
def test_a_windows_name_is_always_safe(text: str) -> None:
    name = windows_name(text, fallback="ملف")
    assert name and not name.endswith((" ", "."))
    assert not any(c in WINDOWS_FORBIDDEN for c in name)
    assert not INVISIBLE_IN_NAMES_RE.search(name)
    assert not reserved_on_windows(name) or name.startswith("_")


@pytest.mark.parametrize(("name", "expected"), [
    ("ملخص", "ملخص"),
    ("a/b:c*d?[e]", "a_b_c_d__e_"),
    ("'quoted'", "quoted"),
    ("  it's  ", "it's"),
    ("tab\there", "tab_here"),
    ("\x00\x7f\x85", ""),
    ("ج" * 40, "ج" * 31),
])
def test_sheet_name(name: str, expected: str) -> None:
    assert sheet_name(name) == expected


@given(st.text())
def test_a_sheet_name_is_always_valid(name: str) -> None:
    base = sheet_name(name)
    assert len(base) <= 31 and base == base.strip()
    assert not base.startswith("'") and not base.endswith("'")
    assert not any(c in SHEET_FORBIDDEN or c in "\t\n\r" for c in base)
