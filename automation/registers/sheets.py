"""Writing a register's sheets: a table per form (typed cells, text never a formula) and
the summary sheet's small tables, through :mod:`automation.registers.xlsx_stream`."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from automation.catalog.model import FormSpec
from automation.ledger.store import LedgerRow
from automation.processes.definition import Block, Column
from automation.processes.figures import DASH, RowSource, as_date, as_decimal
from automation.registers import xlsx_stream as xs
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
    A value that is not of its type (an unreadable date) is written as text."""
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


def _width(column: Column, rows: Sequence[LedgerRow]) -> float:
    fixed = {"date": 12.0, "month": 10.0, "stamp": 16.0, "int": 10.0, "jod": 13.0, "pct": 10.0,
             "yesno": 9.0}
    longest = max((len(str(column.get(r) or "")) for r in rows[:300]), default=0)
    guess = fixed.get(column.kind) or min(50.0, max(12.0, longest * 1.1 + 2))
    return max(guess, min(30.0, len(column.label) * 0.9 + 4))


_NO_MORE: tuple[Sequence[Any], ...] = ()


def write_table(
    book: xs.XlsxStream, name: str, columns: list[Column], rows: Sequence[Any],
    more: Iterable[Sequence[Any]] = _NO_MORE, total: int | None = None,
) -> int:
    """One sheet: a header row of the labels (frozen, filtered, printed on every page),
    then a row per ledger row, each cell converted once per distinct value. ``more``
    gives further rows a chunk at a time after ``rows``, ``total`` of them in all
    (None: counted as they come). Returns the number of rows written."""
    sheet = book.add_sheet(
        name,
        [xs.Column(c.label, _width(c, rows), _WRITER_KIND.get(c.kind, "text"),
                   _converter(c.kind)) for c in columns],
        rows=len(rows) if more is _NO_MORE else total, landscape=True,
        header_height=32,
    )
    keyed = next((i for i, c in enumerate(columns) if c.key is None), len(columns))
    keys = [c.key for c in columns[:keyed]]
    getters = [c.get for c in columns[keyed:]]
    write = sheet.write_row
    written = 0
    for chunk in itertools.chain([rows], more):
        written += len(chunk)
        if keys:  # ledger rows: the data keys first, then the other columns
            for row in chunk:
                values = list(map(row.data.get, keys))
                if getters:
                    values += [get(row) for get in getters]
                write(values)
        else:
            for row in chunk:
                write([get(row) for get in getters])
    sheet.close()
    return written


# -- the summary sheet -------------------------------------------------------------------------


def write_summary(book: xs.XlsxStream, heading: list[str], blocks: list[Block]) -> None:
    widest = max((len(b.headers) for b in blocks), default=2)
    sheet = book.add_sheet(
        SUMMARY, [xs.Column(width=48)] + [xs.Column(width=15)] * max(widest, 2),
        header=False, landscape=False,
    )
    sheet.write_cells([(heading[0], "title")])
    for line in heading[1:]:
        sheet.write_cells([(line, "note")])
    for block in blocks:
        sheet.skip_row()
        sheet.write_cells([(block.title, "subtitle")])
        for line in block.note.splitlines():
            sheet.write_cells([(line, "note")])
        tall = any(len(label) > 14 for label in block.headers[1:])
        sheet.write_cells([(label, "header") for label in block.headers],
                          height=32 if tall else None)
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
            sheet.write_cells(cells)
    sheet.close()



def _summary_cell(value: object, kind: str) -> tuple[object, str] | None:
    """A summary cell: a percentage that does not exist (a mean over nothing) reads «—»."""
    if value is None and kind == "pct":
        return DASH, "text"
    return _convert(value, kind)


def derived_columns(spec: Iterable[tuple[str, str, str]]) -> list[Column]:
    """Columns of a derived list: (label, key of the derived dict, cell kind) each."""
    return [Column(label, kind, lambda d, k=key: d.get(k)) for label, key, kind in spec]
