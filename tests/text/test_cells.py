"""Tests for automation.text.cells and automation.text.characters: what a cell (or a
Word document) may hold, and Excel's column letters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from automation.text.cells import MAX_CELL_TEXT, cell_text, column_letter, inert_text
from automation.text.characters import CONTROL_RE, DOCUMENT_CONTROL_RE, XML_ILLEGAL_RE


def _xml_char(code: int) -> bool:
    """XML 1.0's ``Char`` production."""
    return (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def test_xml_illegal_is_the_complement_of_xml_char() -> None:
    for code in range(0x11000):
        assert bool(XML_ILLEGAL_RE.fullmatch(chr(code))) == (not _xml_char(code)), hex(code)


def test_control_adds_del_and_c1_only() -> None:
    extra = {chr(c) for c in range(0x11000)
             if CONTROL_RE.fullmatch(chr(c)) and not XML_ILLEGAL_RE.fullmatch(chr(c))}
    assert extra == {chr(c) for c in range(0x7F, 0xA0)}


def test_a_document_loses_bidi_overrides_but_keeps_arabic_joiners() -> None:
    removed = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\x85\x00\ufffe"
    kept = "\u200c\u200d\u200e\u200f\t\n\r"
    assert DOCUMENT_CONTROL_RE.sub("", removed + kept + "مدرسة") == kept + "مدرسة"


@pytest.mark.parametrize(("number", "letters"), [
    (1, "A"), (26, "Z"), (27, "AA"), (28, "AB"), (52, "AZ"), (53, "BA"), (702, "ZZ"),
    (703, "AAA"), (16384, "XFD"),
])
def test_column_letter(number: int, letters: str) -> None:
    assert column_letter(number) == letters


def test_column_letter_agrees_with_openpyxl_on_every_column() -> None:
    assert all(column_letter(n) == get_column_letter(n) for n in range(1, 16385))


def test_column_letter_beyond_excel_spells_the_reference() -> None:
    assert [column_letter(n) for n in (16385, 18278, 18279)] == ["XFE", "ZZZ", "AAAA"]


@pytest.mark.parametrize("number", [0, -1])
def test_column_letter_below_one(number: int) -> None:
    with pytest.raises(ValueError, match="counted from 1"):
        column_letter(number)


def test_long_text_is_cut_to_excel_limit() -> None:
    assert len(cell_text("ب" * 40_000)) == MAX_CELL_TEXT
    cut = cell_text("😀" * 20_000)  # two UTF-16 units each
    assert len(cut.encode("utf-16-le")) == 2 * 32_766 and len(cut) == 16_383


def test_cell_text_keeps_lines_and_drops_controls() -> None:
    assert cell_text("a\r\nb\rc\td\x00e\x85f\ud800g") == "a\nb\nc\tdefg"
    assert cell_text("  padded  ") == "  padded  "


def test_inert_text_is_one_clean_line() -> None:
    assert inert_text("قطعة\x01\x02 جديدة\nسطر\x7f ثان") == "قطعة جديدة سطر ثان"
    assert inert_text("  a\t\t\nb  ") == "a b"
    assert inert_text(12) == "12"
    assert len(inert_text("x" * 40_000)) == MAX_CELL_TEXT


@given(st.text())
def test_cleaned_text_holds_nothing_a_cell_cannot(text: str) -> None:
    for cleaned in (cell_text(text), inert_text(text)):
        assert not CONTROL_RE.search(cleaned) and "\r" not in cleaned
    assert not any(c in inert_text(text) for c in "\t\n")
