"""Writing a register's sheets: a table per form (typed cells, text never a formula) and
the summary sheet's small tables, through :mod:`automation.registers.xlsx_stream`."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from automation.catalog.model import FormSpec
from automation.processes.definition import Block, Column
from automation.processes.figures import DASH, RowSource, as_date, as_decimal
from automation.registers import xlsx_stream as xs
from automation.registers.layout import (
    column_width,
    fit_to_page,
    header_height,
    row_height,
    text_height,
)
from automation.text.cells import inert_text

SUMMARY = "ملخص"
PROVENANCE = ("الملف المصدر", "تاريخ الاستلام", "رقم الإرسال")

# -- writing cells ---------------------------------------------------------------------------

_WRITER_KIND = {"date": "date", "month": "month", "stamp": "stamp", "int": "int", "jod": "jod",
                "pct": "pct"}
"""Cell kinds of :mod:`automation.registers.xlsx_stream` by field type (any other type is text)."""


def _convert(value: object, kind: str) -> tuple[object, str] | None:
    """How to write ``value`` of a field of type ``kind`` (or ``stamp``, ``text``):
    ``(value, xlsx_stream kind)`` — a date, a number or inert text; None when empty.
    A value that is not of its type (an unreadable date) is written as text; a figure's
    ``(value, kind)`` (:func:`~automation.processes.definition.figure_cell`) as its kind."""
    if isinstance(value, tuple):
        return _summary_cell(*value)
    if value is None or value == "":
        return None
    if kind in ("date", "month"):
        day = as_date(value)
        if day is not None:
            return day, kind
    elif kind == "stamp":
        try:
            return dt.datetime.fromisoformat(str(value)).replace(tzinfo=None), kind
        except ValueError:
            pass
    elif kind in ("int", "jod", "pct") and not isinstance(value, bool):
        number = as_decimal(value)
        if number is not None and number.is_finite():
            return float(number), kind
    elif kind == "yesno" and isinstance(value, bool):
        return "نعم" if value else "لا", "text"
    text = inert_text(value)
    return (text, "text") if text else None


def _converter(kind: str) -> Callable[[object], tuple[object, str] | None]:
    return lambda value: _convert(value, kind)


# -- one sheet per feeding form ---------------------------------------------------------------


def form_columns(form: FormSpec, src: RowSource, extra: list[Column]) -> list[Column]:
    """A form sheet's columns: its fields, the process's own columns, then provenance."""
    columns = [
        Column(spec.label, spec.type, lambda r, k=spec.key: r.data.get(k), spec.key)
        for spec in form.fields
    ]
    return columns + extra + [
        Column(PROVENANCE[0], "text", lambda r: r.original_name),
        Column(PROVENANCE[1], "stamp", lambda r: r.received_at),
        Column(PROVENANCE[2], "int", lambda r: r.submission_id),
    ]


def _widths(columns: Sequence[Column], rows: Sequence[Any]) -> list[float]:
    """The columns' widths from their kinds, headers and first rows, fitted to the page
    (:mod:`automation.registers.layout`)."""
    sample = rows[:300]
    widths = [column_width(c.kind, c.label, (c.get(r) for r in sample)) for c in columns]
    return fit_to_page(widths, [_WRITER_KIND.get(c.kind, "text") == "text"
                                and c.kind != "yesno" for c in columns])


_NO_MORE: tuple[Sequence[Any], ...] = ()


def write_table(
    book: xs.XlsxStream, name: str, columns: list[Column], rows: Sequence[Any],
    more: Iterable[Sequence[Any]] = _NO_MORE, total: int | None = None,
    caption: str | None = None,
) -> int:
    """One sheet: a header row of the labels (frozen, filtered, printed on every page),
    then a row per ledger row, each cell converted once per distinct value. ``more``
    gives further rows a chunk at a time after ``rows``, ``total`` of them in all
    (None: counted as they come); ``caption`` names the sheet in its printed page
    header (None: ``name``). Columns are as wide as their kinds and first rows need,
    one landscape page wide in all. Returns the number of rows written."""
    widths = _widths(columns, rows)
    sheet = book.add_sheet(
        name,
        [xs.Column(c.label, width, _WRITER_KIND.get(c.kind, "text"), _converter(c.kind))
         for c, width in zip(columns, widths, strict=True)],
        rows=len(rows) if more is _NO_MORE else total, landscape=True,
        header_height=header_height([c.label for c in columns], widths), caption=caption,
    )
    keyed = next((i for i, c in enumerate(columns) if c.key is None), len(columns))
    keys = [c.key for c in columns[:keyed]]
    getters = [c.get for c in columns[keyed:]]
    wrapped = [(i, w) for i, (c, w) in enumerate(zip(columns, widths, strict=True))
               if _WRITER_KIND.get(c.kind, "text") == "text"]
    write = sheet.write_row
    written = 0
    for chunk in itertools.chain([rows], more):
        written += len(chunk)
        if keys:  # ledger rows: the data keys first, then the other columns
            for row in chunk:
                values = list(map(row.data.get, keys))
                if getters:
                    values += [get(row) for get in getters]
                write(values, height=row_height(values, wrapped))
        else:
            for row in chunk:
                values = [get(row) for get in getters]
                write(values, height=row_height(values, wrapped))
    sheet.close()
    return written


# -- the summary sheet -------------------------------------------------------------------------


def _summary_widths(blocks: list[Block]) -> list[float]:
    """The summary's columns: each as wide as the widest of its blocks' headers and
    values needs (the first holds the rows' labels), fitted to the page."""
    count = max([len(b.headers) for b in blocks] + [2])
    widths = [24.0] + [6.0] * (count - 1)
    for block in blocks:
        kinds = block.kinds or ["text"] + ["int"] * (len(block.headers) - 1)
        for col, title in enumerate(block.headers):
            values = [row[col] for row in block.rows if col < len(row)]
            values = [v[0] if isinstance(v, tuple) else v for v in values]
            kind = kinds[col] if col < len(kinds) else "text"
            cap = 36.0 if col == 0 else 30.0
            widths[col] = max(widths[col], min(cap, column_width(kind, title, values)))
    return fit_to_page(widths, [False] + [True] * (count - 1))  # the labels keep theirs


def write_summary(book: xs.XlsxStream, heading: list[str], blocks: list[Block]) -> None:
    """The summary sheet: its heading (a title and notes, each across the printed width),
    then the blocks, each a subtitle, notes, a header row and its rows."""
    widths = _summary_widths(blocks)
    across = sum(widths)
    sheet = book.add_sheet(SUMMARY, [xs.Column(width=w) for w in widths], header=False,
                           landscape=True)
    text_columns = list(enumerate(widths))
    sheet.write_banner(heading[0], "title",
                       height=max(24.0, text_height(heading[0], across, size=14, bold=True)))
    for line in heading[1:]:
        sheet.write_banner(line, "note", height=_note_height(line, across))
    for block in blocks:
        sheet.skip_row()
        sheet.write_banner(block.title, "subtitle",
                           height=max(18.0, text_height(block.title, across, size=12,
                                                        bold=True)))
        for line in block.note.splitlines():
            sheet.write_banner(line, "note", height=_note_height(line, across))
        sheet.write_cells([(label, "header") for label in block.headers],
                          height=header_height(block.headers, widths))
        kinds = block.kinds or ["text"] + ["int"] * (len(block.headers) - 1)
        for index, values in enumerate(block.rows):
            last = block.total and index == len(block.rows) - 1
            cells: list[tuple[object, str] | None] = []
            for col, value in enumerate(values):
                kind = kinds[col] if col < len(kinds) else "text"
                if isinstance(value, tuple):
                    value, kind = value
                if last and col == 0:
                    cells.append((str(value), "total"))
                else:
                    cells.append(_summary_cell(value, kind))
            sheet.write_cells(cells, height=row_height(
                [c[0] if c and c[1] == "text" else None for c in cells], text_columns))
    sheet.close()


def _note_height(text: str, across: float) -> float | None:
    """A note's row height: None (the default) when it fits on one line."""
    height = text_height(text, across)
    return None if height <= 19 else height


def _summary_cell(value: object, kind: str) -> tuple[object, str] | None:
    """A summary cell: a percentage that does not exist (a mean over nothing) reads «—»."""
    if value is None and kind == "pct":
        return DASH, "text"
    return _convert(value, kind)


def derived_columns(spec: Iterable[tuple[str, str, str]]) -> list[Column]:
    """Columns of a derived list: (label, key of the derived dict, cell kind) each."""
    return [Column(label, kind, lambda d, k=key: d.get(k)) for label, key, kind in spec]
