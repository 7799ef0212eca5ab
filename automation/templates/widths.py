"""Column widths from what a column holds: a date column never narrower than a date, a
header column never narrower than the longest word of its header.

A template declares each column's share of the page; :func:`fitted_widths` scales the
shares to the text width, raises every column to its minimum and takes the difference
from the columns that have room to spare. The minimum is estimated from fixed character
widths (em fractions) of the widest fonts the documents are printed with: DejaVu Sans,
which LibreOffice uses for Arabic and for the digits inside Arabic text, is wider than
Arial, which Word uses on Windows. Fixed numbers, not a font read at build time, so a
build gives the same bytes on every machine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from automation.templates.docx_xml import Col, Run

PT_MM = 25.4 / 72
CELL_PADDING_MM = 2 * 70 / 56.6929
"""The table's left and right cell margins (70 twips each, :func:`~automation.templates.
docx_xml.tbl_pr`)."""
SLACK_MM = 1.5
"""What a line needs beyond its glyphs before LibreOffice or Word breaks it."""

DATE_SAMPLE = "28/12/2026"
"""The widest date a document prints (``d/m/yyyy``)."""
PERIOD_SAMPLE = "2026/2027"
"""The widest period a column «الفترة» prints (a school year; a month is ``11/2026``)."""

_TAG_RE = re.compile(r"\{[{%#].*?[}%#]\}", re.S)
_DATE_CELL_RE = re.compile(
    r"\{\{\s*\w+\.(?:\w*_)?(?:date|day|due|assigned|received)\s*\}\}")
"""A cell printing a date field (``{{ v.date }}``, ``{{ s.visit_date }}``, ``{{ k.due }}``)."""
_DATE_LABEL_RE = re.compile(r"تاريخ|موعد")
_PERIOD_CELL_RE = re.compile(r"\{\{\s*\w+\.period\s*\}\}")


def _em(char: str, bold: bool) -> float:
    """A character's advance in em (DejaVu Sans, shaped Arabic), rounded up."""
    if char.isdigit():
        return 0.64
    if char in " \u00a0":
        return 0.32
    if char in "/.,:;!|()[]«»-،":
        return 0.42
    if "\u0600" <= char <= "\u06ff":
        return 0.66 if bold else 0.60
    if char.isupper():
        return 0.78 if bold else 0.72
    return 0.66 if bold else 0.60


def text_mm(text: str, size: float, *, bold: bool = False) -> float:
    """The estimated printed width of one unbroken line of ``text`` at ``size`` points."""
    return sum(_em(c, bold) for c in text) * size * PT_MM


def _cell_text(cell: str | Sequence[str | Run]) -> str:
    if isinstance(cell, str):
        return cell
    return "".join(p if isinstance(p, str) else p.text for p in cell)


def is_date_column(col: Col) -> bool:
    """A column printing dates: named as one («تاريخ…», «…موعد…») or filled from a date field."""
    return bool(_DATE_LABEL_RE.search(col.label) or _DATE_CELL_RE.search(_cell_text(col.cell)))


def min_width_mm(col: Col, size: float) -> float:
    """The narrowest the column may be: its header's longest word whole (bold), and a date
    whole in a date column."""
    words = _TAG_RE.sub(" ", col.label).split()
    need = max((text_mm(w, size, bold=True) for w in words), default=0.0)
    if is_date_column(col):
        need = max(need, text_mm(DATE_SAMPLE, size))
    if col.label == "الفترة" or _PERIOD_CELL_RE.search(_cell_text(col.cell)):
        need = max(need, text_mm(PERIOD_SAMPLE, size))
    return need + CELL_PADDING_MM + SLACK_MM


def fitted_widths(columns: Sequence[Col], total_mm: float, size: float) -> list[float]:
    """Each column's width: its share of ``total_mm``, at least its minimum, the extra taken
    from the columns above their minimum in proportion to their room. Where the minimums
    alone exceed the width, they are scaled down together."""
    shares = sum(c.width_mm for c in columns)
    widths = [c.width_mm * total_mm / shares for c in columns]
    mins = [min_width_mm(c, size) for c in columns]
    if sum(mins) >= total_mm:
        return [m * total_mm / sum(mins) for m in mins]
    for _ in range(len(columns)):
        short = sum(m - w for w, m in zip(widths, mins, strict=True) if w < m)
        if short <= 1e-9:
            break
        widths = [max(w, m) for w, m in zip(widths, mins, strict=True)]
        room = [w - m for w, m in zip(widths, mins, strict=True)]
        spare = sum(room)
        widths = [w - short * r / spare for w, r in zip(widths, room, strict=True)]
    return [round(w, 2) for w in widths]
