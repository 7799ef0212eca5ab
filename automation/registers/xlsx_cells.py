"""Encoding one cell of the streaming .xlsx writer (:mod:`automation.registers.xlsx_stream`):
everything after ``<c r="A1``, as bytes, by the cell's *kind*.

- text kinds ``text`` ``header`` ``title`` ``subtitle`` ``note`` ``total``: an
  inline string (never a formula, so ``=1+2`` stays text; a ``text`` cell
  starting with ``= + - @`` also gets Excel's quote prefix), XML-escaped,
  with the characters XML 1.0 cannot hold removed
  (:func:`automation.text.cells.cell_text`);
- number kinds ``number`` (General) ``int`` (#,##0) ``jod`` (#,##0.000)
  ``pct`` (0.0): int, float or Decimal;
- date kinds ``date`` (d/m/yyyy) ``month`` (m/yyyy) ``stamp`` (d/m/yyyy h:mm):
  a date or datetime, written as an Excel serial number (1900 date system);
- ``struck`` and ``struck_date``: text and a date in grey, struck through (a voided
  entry of the outgoing register).

Text wraps within its column (rows grow to fit it), so a column's width never cuts
its text off when printed.

A value that does not fit its kind (text in a number column, a date before
1900, NaN) is written as text rather than lost; None and "" leave the cell
empty. A :class:`Column` may carry a ``convert`` function that turns raw values
into ``(value, kind)`` (or None for an empty cell); :func:`column_encoder` encodes
a column's values, and :func:`may_remember` says which encoded cells a sheet may
keep by value.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from automation.text.cells import cell_text

__all__ = ["KINDS", "XF", "Column", "column_encoder", "encode_cell", "encoder", "excel_serial",
           "may_remember", "xml_escape"]

Convert = Callable[[Any], "tuple[object, str] | None"]

CACHE_BYTES = 512
"""Encoded cells longer than this are not remembered."""

# kind -> cellXfs index in styles.xml (index 0 is the default style of empty cells)
XF = {
    "text": 1, "quoted": 2, "date": 3, "month": 4, "stamp": 5, "int": 6, "jod": 7, "pct": 8,
    "number": 9, "header": 10, "title": 11, "subtitle": 12, "note": 13, "total": 14,
    "struck": 15, "struck_date": 16,
}
_TEXT_KINDS = frozenset({"text", "header", "title", "subtitle", "note", "total", "struck"})
_NUMBER_KINDS = frozenset({"number", "int", "jod", "pct"})
_DATE_KINDS = frozenset({"date", "month", "stamp", "struck_date"})
KINDS = _TEXT_KINDS | _NUMBER_KINDS | _DATE_KINDS

# Excel reads _xHHHH_ in a string as an escaped character; a literal one is escaped itself.
_EXCEL_ESCAPE = re.compile("(_x[0-9A-Fa-f]{4}_)")
_FORMULA_START = ("=", "+", "-", "@")
_EPOCH = dt.date(1899, 12, 30)
_EPOCH_TIME = dt.datetime(1899, 12, 30)
_LEAP_BUG = dt.date(1900, 3, 1)
"""Excel counts a 29 February 1900; serials before 1 March 1900 are one less."""


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header ``title``, ``width`` in characters (None: Excel's
    default), and how :meth:`~automation.registers.xlsx_sheet.Sheet.write_row` writes its
    values: as ``kind``, or, when ``convert`` is given, as the ``(value, kind)`` it returns
    (None: an empty cell)."""

    title: str = ""
    width: float | None = None
    kind: str = "text"
    convert: Convert | None = None


def excel_serial(value: dt.date) -> int | float | None:
    """A date or datetime as an Excel serial number (1900 system); None before 1900."""
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - _EPOCH_TIME
        serial: int | float = delta.days
        if delta.seconds or delta.microseconds:
            serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
        day = value.date()
    else:
        serial = (value - _EPOCH).days
        day = value
    if day < _LEAP_BUG:
        serial -= 1
    return serial if serial >= 1 else None


def xml_escape(text: str) -> str:
    """Text escaped for XML content or an attribute value."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _cell_text(text: str) -> str:
    """Text escaped for a cell: XML, and a literal ``_xHHHH_`` kept from Excel's unescaping."""
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
    return xml_escape(text)


def _text_cell(value: object, kind: str) -> bytes | None:
    text = cell_text(value if type(value) is str else str(value))
    if not text:
        return None
    xf = XF[kind]
    if kind == "text" and text.startswith(_FORMULA_START):
        xf = XF["quoted"]
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f'" s="{xf}" t="inlineStr"><is><t{space}>{_cell_text(text)}</t></is></c>'.encode()


def _number_text(value: object) -> str | None:
    if type(value) is int and -(2**53) < value < 2**53:
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    if number.is_integer() and abs(number) < 2**53:
        return str(int(number))
    return repr(number).upper()


def _number_cell(value: object, kind: str) -> bytes | None:
    text = _number_text(value)
    if text is None:
        return _text_cell(value, "text")
    return f'" s="{XF[kind]}"><v>{text}</v></c>'.encode()


def _date_cell(value: object, kind: str) -> bytes | None:
    serial = excel_serial(value) if isinstance(value, dt.date) else None
    if serial is None:
        return _text_cell(value, "text")
    return f'" s="{XF[kind]}"><v>{_number_text(serial)}</v></c>'.encode()


def encoder(kind: str) -> Callable[[object, str], bytes | None]:
    """The function that encodes ``(value, kind)`` for a cell of ``kind``; ValueError for
    an unknown kind."""
    if kind in _TEXT_KINDS:
        return _text_cell
    if kind in _NUMBER_KINDS:
        return _number_cell
    if kind in _DATE_KINDS:
        return _date_cell
    raise ValueError(f"unknown cell kind {kind!r} (one of {', '.join(sorted(KINDS))})")


def encode_cell(value: object, kind: str) -> bytes | None:
    """The XML of one cell after its reference (``" s="1" t="inlineStr">…</c>``); None
    when the cell stays empty."""
    if value is None or value == "":
        return None
    return encoder(kind)(value, kind)


def may_remember(value: object, cell: bytes | None) -> bool:
    """Whether a column's encoded cell may be remembered for ``value``: only types whose
    equal values always encode alike (not Decimal: 1.0 == 1; not float: -0.0 == 0.0;
    not aware datetimes: equal instants, different wall times), and short cells. Keys of
    values other than text are (type, value), so True and 1 never meet."""
    kind = type(value)
    return (kind is str or kind is int or kind is bool or kind is dt.date
            or (kind is dt.datetime and value.tzinfo is None)  # type: ignore[attr-defined]
            ) and (cell is None or len(cell) <= CACHE_BYTES)


def column_encoder(column: Column) -> Callable[[object], bytes | None]:
    """How a value of ``column`` is encoded: by its kind, or through its ``convert``."""
    convert = column.convert
    if convert is None:
        encode, kind = encoder(column.kind), column.kind

        def plain(value: object) -> bytes | None:
            return None if value == "" else encode(value, kind)

        return plain

    def converted(value: object) -> bytes | None:
        how = convert(value)
        return None if how is None else encode_cell(how[0], how[1])

    return converted
