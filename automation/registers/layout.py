"""How wide a register's columns are and how tall its wrapped rows, from what they hold.

Every register prints landscape on A4, one page wide (:func:`automation.registers.
xlsx_sheet.print_setup`); what keeps it readable is that its columns add up to no more
than :data:`PAGE_WIDTH` characters. A column is as wide as its kind needs — a date never
narrower than a date, a number as wide as its longest value — and its header wraps at
spaces, so a column is never narrower than the header's longest word. Text columns take
what their content needs up to :data:`TEXT_CAP` and wrap beyond it; when the columns
still do not fit the page, the text columns give up width first, down to
:data:`TEXT_FLOOR`.

Widths are in Excel's characters (the width of a digit of Arial 11).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["PAGE_WIDTH", "TEXT_CAP", "TEXT_FLOOR", "column_width", "fit_to_page",
           "header_height", "print_like_a_register", "row_height", "text_height",
           "text_lines"]

PAGE_WIDTH = 200.0
"""Characters across a landscape A4 page (narrow margins) at a print scale of about 70%."""
TEXT_CAP = 30.0
"""A text column wider than its content needs wraps at this width."""
TEXT_FLOOR = 12.0
"""The narrowest a text column is made to fit the page."""

_FIXED = {
    "date": 11.5,         # 15/10/2026
    "struck_date": 11.5,
    "month": 9.0,         # 10/2026
    "stamp": 16.5,        # 15/10/2026 13:29
    "yesno": 6.0,
}
_NUMBERS = frozenset({"int", "jod", "pct", "number"})
_CHAR = 0.8
"""Width of an average Arabic letter in Arial 11, in digits (a Latin letter, a digit or a
sign counts as one)."""
_BOLD = 1.1
"""Width of a character of a bold header."""
_LINE = 15.0
"""Points per line of Arial 11."""


def _size(text: str) -> float:
    """How wide ``text`` is in Arial 11, in digits."""
    if text.isascii():
        return float(len(text))
    ascii_count = len(text.encode("ascii", "ignore"))  # in C: registers hold 10⁵ cells
    return ascii_count + _CHAR * (len(text) - ascii_count)


def _longest_word(text: str) -> float:
    return max((_size(word) for word in text.split()), default=0.0)


def header_width(title: str) -> float:
    """The narrowest column whose header, wrapped at spaces, splits no word."""
    return max(6.0, _longest_word(title) * _BOLD + 2)


def _shown(value: object, kind: str) -> str:
    if kind == "int" and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.0f}"
    if kind == "jod" and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.3f}"
    return "" if value is None else str(value)


def column_width(kind: str, title: str, values: Iterable[object] = ()) -> float:
    """A column's width from its ``kind`` (a cell kind or a field type), its header
    ``title`` and (a sample of) its ``values``."""
    head = header_width(title)
    if kind in _FIXED:
        return max(_FIXED[kind], head)
    longest = max((_size(_shown(v, kind)) for v in values), default=0.0)
    if kind in _NUMBERS:
        return max(head, min(16.0, longest + 2.0), 6.0)
    return max(head, min(TEXT_CAP, longest + 2.0), 8.0)


def fit_to_page(widths: Sequence[float], flexible: Sequence[bool],
                page: float = PAGE_WIDTH) -> list[float]:
    """``widths`` narrowed to add up to ``page`` where they can: only the ``flexible``
    (text) columns give up width, evenly from the widest, none below
    :data:`TEXT_FLOOR` (nor below what it had when it was narrower)."""
    out = list(widths)
    excess = sum(out) - page
    if excess <= 0:
        return out
    movable = sorted((i for i, f in enumerate(flexible) if f and out[i] > TEXT_FLOOR),
                     key=lambda i: -out[i])
    # lower a common ceiling until the columns above it have given up the excess
    for _ in range(200):
        if excess <= 0 or not movable:
            break
        ceiling = max(out[i] for i in movable)
        above = [i for i in movable if out[i] >= ceiling - 1e-9]
        below = max([out[i] for i in movable if out[i] < ceiling - 1e-9] + [TEXT_FLOOR])
        step = min(ceiling - below, excess / len(above))
        for i in above:
            out[i] -= step
        excess -= step * len(above)
        movable = [i for i in movable if out[i] > TEXT_FLOOR + 1e-9]
    return [round(w, 1) for w in out]


@functools.lru_cache(maxsize=1 << 16)
def text_lines(text: str, width: float, scale: float = 1.0) -> int:
    """How many lines ``text`` takes wrapped at spaces in a column ``width`` wide, its
    characters ``scale`` times as wide as Arial 11's (remembered: a register repeats its
    schools, statuses and notes row after row)."""
    room = max(1.0, width - 1.5)
    if text.isprintable() and _size(text) * scale <= room:
        return 1  # the common case: it fits on one line
    space = 0.3 * scale
    lines = 0
    for paragraph in str(text).splitlines() or [""]:
        used, count = 0.0, 1
        for word in paragraph.split():
            size = _size(word) * scale
            if used and used + space + size > room:
                count += 1
                used = 0.0
            used += (space if used else 0.0) + size
            count += max(0, math.ceil(size / room) - 1)
        lines += count
    return max(1, lines)


def text_height(text: str, width: float, *, size: float = 11, bold: bool = False) -> float:
    """The height in points of a row holding ``text`` wrapped in ``width`` characters, in
    Arial of ``size`` points."""
    scale = size / 11
    lines = text_lines(text, width, scale * (_BOLD if bold else 1.0))
    return round(lines * _LINE * scale + 4, 1)


def header_height(titles: Sequence[str], widths: Sequence[float]) -> float | None:
    """The header row's height for ``titles`` wrapped in their columns; None when every
    header fits on one line (the default height)."""
    lines = max((text_lines(t, w, _BOLD) for t, w in zip(titles, widths, strict=False)),
                default=1)
    return None if lines <= 1 else lines * _LINE + 3


def row_height(values: Sequence[object], wrapped: Sequence[tuple[int, float]]) -> float | None:
    """The height of a row whose text in the ``wrapped`` columns (index, width) wraps
    onto more than one line; None when it fits on one (Excel's default height).
    Written rather than left to the spreadsheet, which does not grow rows when it
    opens a file."""
    lines = 1
    for index, width in wrapped:
        if index >= len(values):
            continue
        value = values[index]
        if type(value) is not str or len(value) <= width - 1.5:
            continue  # the common case, cheaply: it fits
        lines = max(lines, text_lines(value, width))
    return None if lines == 1 else lines * _LINE + 2


def print_like_a_register(ws: Any, title: str, caption: str = "", header_rows: int = 1) -> None:
    """An openpyxl worksheet set to print as the streamed registers do
    (:func:`automation.registers.xlsx_sheet.print_setup`): A4 landscape, one page wide,
    ``title`` and ``caption`` in the page header, «N / M» at the foot, its first
    ``header_rows`` rows frozen and printed on every page (none when 0)."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    margins = ws.page_margins
    margins.left = margins.right = 0.3
    margins.top, margins.bottom, margins.header, margins.footer = 0.75, 0.6, 0.3, 0.3
    ws.oddHeader.center.text = "\n".join(t.replace("&", "&&") for t in (title, caption) if t)
    ws.oddHeader.center.font = "Arial,Bold"
    ws.oddHeader.center.size = 12
    ws.oddFooter.center.text = "&P / &N"
    if header_rows:
        ws.freeze_panes = f"A{header_rows + 1}"
        ws.print_title_rows = f"1:{header_rows}"
