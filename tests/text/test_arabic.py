"""Tests for automation.text.arabic: cleaning, digits and folding what staff type."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from automation.text.arabic import clean_text, is_blank, normalize_name, to_ascii_digits

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


# ------------------------------------------------------------------------ blanks


_ODD_SPACES = "".join(chr(c) for c in (*range(0, 33), 0x85, 0xA0, 0x200B, 0x200E, 0x200F,
                                        0x2028, 0x202F, 0x2060, 0x3000, 0xFEFF, 0x061C))


@settings(max_examples=2000)
@given(st.text(alphabet=st.sampled_from(_ODD_SPACES + "aب ")) | st.text())
def test_a_blank_value_is_one_that_cleans_to_nothing(text: str) -> None:
    assert is_blank(text) == (clean_text(text) == "")


def test_blank_values() -> None:
    assert is_blank(None) and is_blank("") and is_blank(" \u00a0\u200f\t")
    assert not is_blank(0) and not is_blank("٠") and not is_blank(" x ")
