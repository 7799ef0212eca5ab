"""Text and references as a spreadsheet cell holds them: Excel's column letters, the
text a cell can hold, and one inert line of it.

Standard library only.
"""

from __future__ import annotations

import re

from automation.text.characters import CONTROL_RE

__all__ = ["MAX_CELL_TEXT", "MAX_COLUMNS", "cell_text", "column_letter", "inert_text"]

MAX_COLUMNS = 16_384
"""Columns of an Excel sheet (A … XFD)."""
MAX_CELL_TEXT = 32_767
"""Characters (UTF-16 code units) a cell can hold."""

_BREAKS_RE = re.compile("[\t\n\r]+")


def column_letter(number: int) -> str:
    """The letters of column ``number``, counted from 1: 1 → ``A``, 28 → ``AB``, 16384 →
    ``XFD`` (Excel's last column); beyond it, as a reference spells it (18278 → ``ZZZ``,
    which a hostile file may name). ValueError below 1."""
    if number < 1:
        raise ValueError(f"column {number}: columns are counted from 1")
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(text: str) -> str:
    """Text a cell can hold: control characters and what XML cannot hold removed
    (:data:`~automation.text.characters.CONTROL_RE`), CR and CRLF as LF, at most
    32,767 UTF-16 units (a character beyond U+FFFF is never split)."""
    text = CONTROL_RE.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_CELL_TEXT // 2:  # characters beyond U+FFFF count two units
        units = text.encode("utf-16-le")
        if len(units) > 2 * MAX_CELL_TEXT:  # cut, without splitting a surrogate pair
            text = units[: 2 * MAX_CELL_TEXT].decode("utf-16-le", "ignore")
    return text


def inert_text(value: object) -> str:
    """``value`` as one line safe to write into a cell: line breaks and tabs become
    spaces, control characters go, the ends are stripped, at most 32,767 characters."""
    text = CONTROL_RE.sub("", _BREAKS_RE.sub(" ", str(value))).strip()
    return text[:MAX_CELL_TEXT]
