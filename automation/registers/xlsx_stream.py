"""A small, fast, streaming .xlsx writer, made for the master registers.

Rows go straight into the workbook as XML text, each worksheet streamed into
its own zip entry; no per-cell objects are kept. What it writes is what the
registers need and no more: right-to-left sheets, a frozen header row with an
autofilter, column widths, A4 print setup fitted to the page width with the
header repeated, and a small fixed set of cell styles (Arial 11)::

    with XlsxStream(path, title="سجل") as book:
        sheet = book.add_sheet("QF75-11", [Column("التاريخ", 12, "date"),
                                           Column("المدرسة", 30)], rows=len(rows))
        for row in rows:
            sheet.write_row([row.day, row.school])
        summary = book.add_sheet("ملخص", [Column(width=48)], header=False)
        summary.write_cells([("عنوان", "title")])

A cell's *kind* says how its value is written and styled:

- text kinds ``text`` ``header`` ``title`` ``subtitle`` ``note`` ``total``: an
  inline string (never a formula, so ``=1+2`` stays text; a ``text`` cell
  starting with ``= + - @`` also gets Excel's quote prefix), XML-escaped,
  with the characters XML 1.0 cannot hold removed;
- number kinds ``number`` (General) ``int`` (#,##0) ``jod`` (#,##0.000)
  ``pct`` (0.0): int, float or Decimal;
- date kinds ``date`` (d/m/yyyy) ``month`` (m/yyyy) ``stamp`` (d/m/yyyy h:mm):
  a date or datetime, written as an Excel serial number (1900 date system).

A value that does not fit its kind (text in a number column, a date before
1900, NaN) is written as text rather than lost; None and "" leave the cell
empty. A :class:`Column` may carry a ``convert`` function that turns raw values
into ``(value, kind)`` (or None for an empty cell); a column's cells are
converted and encoded once per distinct value (str, int, date) and remembered.

About the file: strings are inline (no shared-string table to hold in memory; the
file is about a quarter bigger); a sheet whose row count is given to
:meth:`XlsxStream.add_sheet` is compressed (deflate level 1, in a background
thread) straight into its zip entry, others wait in a temporary file until
closed, since ``<dimension>`` comes before the rows; worksheet entries are
ZIP64-capable (``force_zip64``: local header version 4.5 with the real sizes
filled in, as Excel wants them); ``[Content_Types].xml`` and the workbook parts
are written last, when the sheets are known.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import queue
import re
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from automation.intake.safety import col_letter

__all__ = ["KINDS", "Column", "Sheet", "XlsxStream", "clean_text", "column_letter",
           "encode_cell", "excel_serial"]

Convert = Callable[[Any], "tuple[object, str] | None"]

MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_TEXT = 32_767
"""Characters (UTF-16 code units) a cell can hold."""
CACHE_LIMIT = 8_192
"""Distinct values per column whose encoded cell is remembered (the cache restarts when full)."""
CACHE_BYTES = 512
"""Encoded cells longer than this are not remembered."""
CHUNK = 1 << 20
"""Bytes copied at a time from a waiting sheet into the zip entry."""
ROWS_PER_CHUNK = 512
"""Rows gathered before they are written (compressed) together."""
SPOOL = 8 << 20
"""A sheet of unknown length is held in memory up to this size, then in a temporary file."""

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# kind -> cellXfs index in styles.xml (index 0 is the default style of empty cells)
_XF = {
    "text": 1, "quoted": 2, "date": 3, "month": 4, "stamp": 5, "int": 6, "jod": 7, "pct": 8,
    "number": 9, "header": 10, "title": 11, "subtitle": 12, "note": 13, "total": 14,
}
_TEXT_KINDS = frozenset({"text", "header", "title", "subtitle", "note", "total"})
_NUMBER_KINDS = frozenset({"number", "int", "jod", "pct"})
_DATE_KINDS = frozenset({"date", "month", "stamp"})
KINDS = _TEXT_KINDS | _NUMBER_KINDS | _DATE_KINDS

# XML 1.0 forbids C0 controls but tab/LF/CR, lone surrogates, U+FFFE and U+FFFF; DEL and
# the C1 controls are allowed but invisible junk in a cell: all are removed.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Excel reads _xHHHH_ in a string as an escaped character; a literal one is escaped itself.
_EXCEL_ESCAPE = re.compile("(_x[0-9A-Fa-f]{4}_)")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
_FORMULA_START = ("=", "+", "-", "@")
_EPOCH = dt.date(1899, 12, 30)
_EPOCH_TIME = dt.datetime(1899, 12, 30)
_LEAP_BUG = dt.date(1900, 3, 1)
"""Excel counts a 29 February 1900; serials before 1 March 1900 are one less."""


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header ``title``, ``width`` in characters (None: Excel's
    default), and how :meth:`Sheet.write_row` writes its values: as ``kind``, or, when
    ``convert`` is given, as the ``(value, kind)`` it returns (None: an empty cell)."""

    title: str = ""
    width: float | None = None
    kind: str = "text"
    convert: Convert | None = None


def column_letter(index: int) -> str:
    """``0`` -> ``A``, ``27`` -> ``AB``."""
    if not 0 <= index < MAX_COLUMNS:
        raise ValueError(f"column {index} is outside Excel's {MAX_COLUMNS} columns")
    return col_letter(index + 1)


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


# -- encoding one cell (everything after ``<c r="A1``) ---------------------------------------


def clean_text(text: str) -> str:
    """Text an XML cell can hold: forbidden characters removed, CR/CRLF as LF, at most
    32,767 UTF-16 units."""
    text = _BAD_CHARS.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_TEXT // 2:  # characters beyond U+FFFF count two units
        units = text.encode("utf-16-le")
        if len(units) > 2 * MAX_TEXT:  # cut, without splitting a surrogate pair
            text = units[: 2 * MAX_TEXT].decode("utf-16-le", "ignore")
    return text


def _xml(text: str) -> str:
    """Text escaped for XML content or an attribute value."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _cell_text(text: str) -> str:
    """Text escaped for a cell: XML, and a literal ``_xHHHH_`` kept from Excel's unescaping."""
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
    return _xml(text)


def _text_cell(value: object, kind: str) -> bytes | None:
    text = clean_text(value if type(value) is str else str(value))
    if not text:
        return None
    xf = _XF[kind]
    if kind == "text" and text.startswith(_FORMULA_START):
        xf = _XF["quoted"]
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
    return f'" s="{_XF[kind]}"><v>{text}</v></c>'.encode()


def _date_cell(value: object, kind: str) -> bytes | None:
    serial = excel_serial(value) if isinstance(value, dt.date) else None
    if serial is None:
        return _text_cell(value, "text")
    return f'" s="{_XF[kind]}"><v>{_number_text(serial)}</v></c>'.encode()


def _encoder(kind: str) -> Callable[[object, str], bytes | None]:
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
    return _encoder(kind)(value, kind)


def _remember(value: object, cell: bytes | None) -> bool:
    """Whether a column's encoded cell may be remembered for ``value``: only types whose
    equal values always encode alike (not Decimal: 1.0 == 1; not float: -0.0 == 0.0;
    not aware datetimes: equal instants, different wall times), and short cells. Keys of
    values other than text are (type, value), so True and 1 never meet."""
    kind = type(value)
    return (kind is str or kind is int or kind is bool or kind is dt.date
            or (kind is dt.datetime and value.tzinfo is None)  # type: ignore[attr-defined]
            ) and (cell is None or len(cell) <= CACHE_BYTES)


def _column_encoder(column: Column) -> Callable[[object], bytes | None]:
    convert = column.convert
    if convert is None:
        encode, kind = _encoder(column.kind), column.kind

        def plain(value: object) -> bytes | None:
            return None if value == "" else encode(value, kind)

        return plain

    def converted(value: object) -> bytes | None:
        how = convert(value)
        return None if how is None else encode_cell(how[0], how[1])

    return converted


# -- sheets --------------------------------------------------------------------------------


def _stored_width(width: float) -> float:
    """Excel's stored width for ``width`` characters of Arial/Calibri 11 (7-pixel digits,
    5 pixels of padding), as Excel and xlsxwriter compute it."""
    if width <= 0:
        return 0.0
    if width < 1:
        return int(int(width * 12 + 0.5) / 12 * 256) / 256
    return int((int(width * 7 + 0.5) + 5) / 7 * 256) / 256


def _cols_xml(widths: Sequence[float | None]) -> str:
    out, index = [], 0
    while index < len(widths):
        width, end = widths[index], index
        while end + 1 < len(widths) and widths[end + 1] == width:
            end += 1
        if width is not None:
            out.append(f'<col min="{index + 1}" max="{end + 1}" '
                       f'width="{_stored_width(width):g}" customWidth="1"/>')
        index = end + 1
    return f"<cols>{''.join(out)}</cols>" if out else ""


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


class _Pipe:
    """Writes chunks to ``out`` from a background thread: zlib and crc32 let go of the
    GIL, so the compression of one chunk overlaps the building of the next."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xlsx-stream", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._out.write(chunk)
                except Exception as exc:  # reported by the next write or close
                    self._error = exc

    def write(self, chunk: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(chunk)

    def close(self) -> None:
        """Wait for the chunks written so far, then close ``out``."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self._out.close()
        if self._error is not None:
            raise self._error


_ColumnWriter = tuple[bytes, dict[object, bytes | None], Callable[[object], bytes | None]]


class Sheet:
    """One worksheet being written; made by :meth:`XlsxStream.add_sheet`.

    ``write_row`` writes values through the columns (their kinds and ``convert``);
    ``write_cells`` writes ``(value, kind)`` pairs as given. Rows follow each other
    from the top; ``close`` (or the next ``add_sheet``) finishes the sheet.
    """

    def __init__(
        self, book: XlsxStream, name: str, index: int, columns: Sequence[Column], *,
        header: bool, rtl: bool, landscape: bool, rows: int | None,
        header_height: float | None,
    ) -> None:
        if len(columns) > MAX_COLUMNS:
            raise ValueError(f"{len(columns)} columns: Excel has {MAX_COLUMNS}")
        self.name = name
        self.index = index
        self.part = f"xl/worksheets/sheet{index + 1}.xml"
        self._book = book
        self._columns = list(columns)
        self._header = header
        self._rtl = rtl
        self._landscape = landscape
        self._width = len(columns)
        self._widest = len(columns)
        self._row = 0
        self._rows: list[bytes] = []
        self._closed = False
        # per column: the start of its cells, the cells remembered by value, the encoder
        self._cells: list[_ColumnWriter] = [
            (f'<c r="{column_letter(i)}'.encode(), {}, _column_encoder(c))
            for i, c in enumerate(columns)
        ]
        self._expected = None if rows is None else rows + (1 if header else 0)
        if self._expected is not None and self._expected > MAX_ROWS:
            raise ValueError(f"{self._expected} rows: Excel has {MAX_ROWS}")
        self._out: _Pipe | IO[bytes]
        if self._expected is not None:  # the size is known: stream straight into the zip
            self._out = _Pipe(book._zf.open(self.part, "w", force_zip64=True))
            self._out.write(self._head(self._expected).encode())
        else:
            self._out = tempfile.SpooledTemporaryFile(max_size=SPOOL, mode="w+b")
        if header:
            self.write_cells([(c.title, "header") for c in columns], height=header_height)

    # -- rows

    def write_row(self, values: Sequence[object], *, height: float | None = None) -> None:
        """One row, a value per column (fewer is fine); None or "" leaves a cell empty."""
        if len(values) > self._width or self._closed:
            raise ValueError(f"{len(values)} values for {self._width} columns of {self.name!r}"
                             if not self._closed else f"{self.name!r} is closed")
        self._row += 1
        n = b"%d" % self._row
        # '<row r="' N '">' then per cell '<c r="A' N '" s=..>..</c>', then '</row>'
        pieces = [b'<row r="', n, b'">' if height is None else
                  b'" ht="%g" customHeight="1">' % height]
        add = pieces.extend
        for (pre, cache, encode), value in zip(self._cells, values, strict=False):
            if value is None:
                continue
            key = value if type(value) is str else (type(value), value)
            try:
                tail = cache[key]
            except KeyError:
                tail = encode(value)
                if _remember(value, tail):
                    if len(cache) >= CACHE_LIMIT:
                        cache.clear()
                    cache[key] = tail
            except TypeError:  # unhashable
                tail = encode(value)
            if tail is not None:
                add((pre, n, tail))
        pieces.append(b"</row>")
        self._rows.append(b"".join(pieces))
        if len(self._rows) >= ROWS_PER_CHUNK:
            self._flush()

    def write_cells(
        self, cells: Sequence[tuple[object, str] | None], *, height: float | None = None
    ) -> None:
        """One row of ``(value, kind)`` cells, from the first column. None, or a None value,
        leaves a cell empty; ``("", kind)`` is a blank cell with the kind's style. Nothing
        is remembered: for titles, headers and small tables."""
        if self._closed:
            raise ValueError(f"{self.name!r} is closed")
        self._row += 1
        n = b"%d" % self._row
        out = [b'<row r="%s"%s>' % (n, b"" if height is None else
                                    b' ht="%g" customHeight="1"' % height)]
        for col, cell in enumerate(cells):
            if cell is None:
                continue
            value, kind = cell
            if value == "":  # a blank cell in the kind's style (a header's fill and border)
                _encoder(kind)
                tail: bytes | None = b'" s="%d"/>' % _XF[kind]
            else:
                tail = encode_cell(value, kind)
            if tail is None:
                continue
            if col >= self._width and self._expected is not None:
                raise ValueError(f"cell beyond the {self._width} columns of {self.name!r}")
            self._widest = max(self._widest, col + 1)
            out += (f'<c r="{column_letter(col)}'.encode(), n, tail)
        if len(out) == 1 and height is None:
            return  # an empty row needs no element
        out.append(b"</row>")
        self._rows.append(b"".join(out))

    def skip_row(self) -> None:
        """Leave the next row empty."""
        if self._closed:
            raise ValueError(f"{self.name!r} is closed")
        self._row += 1

    # -- the sheet's XML around its rows

    def _flush(self) -> None:
        if self._rows:
            self._out.write(b"".join(self._rows))
            self._rows.clear()

    def _last_column(self) -> str:
        return column_letter(max(self._widest, 1) - 1)

    def _head(self, rows: int) -> str:
        dimension = f"A1:{self._last_column()}{rows}" if rows else "A1"
        rtl = ' rightToLeft="1"' if self._rtl else ""
        selected = ' tabSelected="1"' if self.index == 0 else ""
        if self._header:
            view = (f'<sheetView{rtl}{selected} workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>')
        else:
            view = f'<sheetView{rtl}{selected} workbookViewId="0"/>'
        return (
            f'{_DECL}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<dimension ref="{dimension}"/>'
            f"<sheetViews>{view}</sheetViews>"
            '<sheetFormatPr defaultRowHeight="15"/>'
            f"{_cols_xml([c.width for c in self._columns])}"
            "<sheetData>"
        )

    def _filter_ref(self, absolute: bool = False) -> str:
        """The autofilter's range: the header and the data (at least one row of it)."""
        last, rows, dollar = self._last_column(), max(self._row, 2), "$" if absolute else ""
        return f"{dollar}A{dollar}1:{dollar}{last}{dollar}{rows}"

    def _tail(self) -> str:
        orientation = "landscape" if self._landscape else "portrait"
        autofilter = f'<autoFilter ref="{self._filter_ref()}"/>' if self._header else ""
        return (
            f"</sheetData>{autofilter}"
            '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" '
            'footer="0.3"/>'
            f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" '
            'fitToHeight="0"/>'
            "</worksheet>"
        )

    def defined_names(self) -> list[tuple[str, int, str, bool]]:
        """(name, sheet index, reference, hidden) of the sheet's built-in names: the
        autofilter's range and the printed titles (the header row)."""
        if not self._header:
            return []
        quoted = _quote_sheet(self.name)
        return [
            ("_xlnm._FilterDatabase", self.index, f"{quoted}!{self._filter_ref(True)}", True),
            ("_xlnm.Print_Titles", self.index, f"{quoted}!$1:$1", False),
        ]

    def close(self) -> None:
        """Finish the sheet (its rows can no longer change)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._flush()
            if self._row > MAX_ROWS:
                raise ValueError(f"{self._row} rows in {self.name!r}: Excel has {MAX_ROWS}")
            if self._expected is not None:
                if self._row != self._expected:
                    raise ValueError(f"{self.name!r}: {self._expected} rows announced, "
                                     f"{self._row} written")
                self._out.write(self._tail().encode())
            else:
                with self._book._zf.open(self.part, "w", force_zip64=True) as entry:
                    entry.write(self._head(self._row).encode())
                    self._out.seek(0)
                    shutil.copyfileobj(self._out, entry, CHUNK)
                    entry.write(self._tail().encode())
        finally:
            self._out.close()
            self._book._sheet_closed(self)


# -- the workbook ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Placed:
    """A sheet already in the file, or a slot kept for one (``reserved``): what the
    workbook's own parts need to know of it."""

    name: str
    index: int
    names: tuple[tuple[str, int, str, bool], ...] = ()
    reserved: bool = False

    @property
    def part(self) -> str:
        return f"xl/worksheets/sheet{self.index + 1}.xml"

    def defined_names(self) -> list[tuple[str, int, str, bool]]:
        return list(self.names)


@dataclass(frozen=True)
class Detached:
    """A workbook whose sheets are in its file but whose workbook parts are not yet
    (:meth:`XlsxStream.detach`); another process may finish it (:meth:`XlsxStream.resume`)."""

    path: Path
    sheets: tuple[_Placed, ...]
    title: str
    subject: str
    author: str
    created: dt.datetime
    compresslevel: int


class XlsxStream:
    """An .xlsx file written sheet after sheet; use as a context manager (or call
    :meth:`close`). Only one sheet is written at a time: :meth:`add_sheet` finishes
    the previous one. ``append`` opens a detached file again (use :meth:`resume`)."""

    def __init__(
        self, path: str | Path, *, title: str = "", subject: str = "", author: str = "",
        created: dt.datetime | None = None, compresslevel: int = 1, append: bool = False,
    ) -> None:
        self.path = Path(path)
        self._compresslevel = compresslevel
        self._zf = zipfile.ZipFile(self.path, "a" if append else "w", zipfile.ZIP_DEFLATED,
                                   compresslevel=compresslevel)
        self._title, self._subject, self._author = title, subject, author
        self._created = created or dt.datetime.now(dt.UTC)
        self._sheets: list[Sheet | _Placed] = []
        self._names: set[str] = set()
        self._current: Sheet | None = None
        self._closed = False

    def __enter__(self) -> XlsxStream:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:  # leave an unfinished file for the caller to remove
            self._closed = True
            try:
                if self._current is not None:
                    with contextlib.suppress(Exception):
                        self._current._out.close()
            finally:
                self._zf.close()

    def add_sheet(
        self, name: str, columns: Sequence[Column] = (), *, header: bool = True,
        rtl: bool = True, landscape: bool | None = None, rows: int | None = None,
        header_height: float | None = None,
    ) -> Sheet:
        """A new sheet after the others.

        ``header``: row 1 holds the column titles (header style), frozen, repeated on
        printed pages, with an autofilter over the header and data; ``landscape``
        defaults to landscape beyond six columns; ``rows``: how many rows will follow
        the header, when known, lets the sheet stream straight into the file (writing
        another number is an error) — otherwise it waits in a temporary file until
        closed. The name is made valid for Excel (at most 31 characters, none of
        ``[]:*?/\\``, unique) — the sheet's ``name`` is what was used.
        """
        if self._closed:
            raise ValueError("the workbook is closed")
        if self._current is not None:
            self._current.close()
        slot = next((s for s in self._sheets
                     if isinstance(s, _Placed) and s.reserved and s.name == name), None)
        sheet = Sheet(
            self, slot.name if slot else self._sheet_name(name),
            slot.index if slot else len(self._sheets), columns, header=header, rtl=rtl,
            landscape=len(columns) > 6 if landscape is None else landscape, rows=rows,
            header_height=header_height,
        )
        if slot is not None:
            self._sheets[slot.index] = sheet
        else:
            self._sheets.append(sheet)
        self._current = sheet
        return sheet

    def reserve_sheet(self, name: str) -> None:
        """Keep the next place in the sheet order for a sheet written later, perhaps by
        another process (see :meth:`detach`), by :meth:`add_sheet` with this name."""
        if self._closed:
            raise ValueError("the workbook is closed")
        if self._current is not None:
            self._current.close()
        self._sheets.append(_Placed(self._sheet_name(name), len(self._sheets), reserved=True))

    def detach(self) -> Detached:
        """Finish the sheets written so far and close the file without the workbook's
        parts: :meth:`resume` (in this process or another) writes the reserved sheets
        and finishes it."""
        if self._closed:
            raise ValueError("the workbook is closed")
        try:
            if self._current is not None:
                self._current.close()
            sheets = tuple(s if isinstance(s, _Placed) else
                           _Placed(s.name, s.index, tuple(s.defined_names()))
                           for s in self._sheets)
        finally:
            self._closed = True
            self._zf.close()
        return Detached(self.path, sheets, self._title, self._subject, self._author,
                        self._created, self._compresslevel)

    @classmethod
    def resume(cls, detached: Detached) -> XlsxStream:
        """A detached workbook opened again to write its reserved sheets, then closed."""
        book = cls(detached.path, title=detached.title, subject=detached.subject,
                   author=detached.author, created=detached.created,
                   compresslevel=detached.compresslevel, append=True)
        book._sheets = list(detached.sheets)
        book._names = {s.name.casefold() for s in detached.sheets}
        return book

    def _sheet_closed(self, sheet: Sheet) -> None:
        if self._current is sheet:
            self._current = None

    def _sheet_name(self, name: str) -> str:
        base = _SHEET_NAME_BAD.sub("_", _BAD_CHARS.sub("", name))
        base = base.strip().strip("'").strip()[:31].strip().strip("'").strip()
        base = base or f"Sheet{len(self._sheets) + 1}"
        candidate, number = base, 1
        while candidate.casefold() in self._names or candidate.casefold() == "history":
            number += 1
            suffix = f" ({number})"
            candidate = base[: 31 - len(suffix)].rstrip() + suffix
        self._names.add(candidate.casefold())
        return candidate

    def close(self) -> None:
        """Finish the last sheet and write the workbook's parts."""
        if self._closed:
            return
        try:
            if self._current is not None:
                self._current.close()
            if not self._sheets:  # a workbook has at least one sheet
                self.add_sheet("Sheet1", header=False).close()
            missing = [s.name for s in self._sheets if isinstance(s, _Placed) and s.reserved]
            if missing:
                raise ValueError(f"reserved sheets never written: {missing}")
            self._closed = True
            for part, xml in self._package_parts():  # dated 1980 like the sheets
                self._zf.writestr(zipfile.ZipInfo(part), xml.encode(),
                                  zipfile.ZIP_DEFLATED, self._compresslevel)
        finally:
            self._closed = True
            self._zf.close()

    # -- package parts

    def _package_parts(self) -> list[tuple[str, str]]:
        sheets = self._sheets
        overrides = "".join(
            f'<Override PartName="/{s.part}" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for s in sheets
        )
        content_types = (
            f'{_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}"
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>"
        )
        root_rels = (
            f'{_DECL}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" '
            'Target="docProps/app.xml"/>'
            "</Relationships>"
        )
        sheet_rels = "".join(
            f'<Relationship Id="rId{i + 1}" Type="{_REL}/worksheet" '
            f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets))
        )
        workbook_rels = (
            f'{_DECL}<Relationships xmlns="{_PKG_REL}">{sheet_rels}'
            f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" '
            'Target="styles.xml"/></Relationships>'
        )
        names = sorted(n for s in sheets for n in s.defined_names())
        defined = "".join(
            f'<definedName name="{name}" localSheetId="{index}"'
            f'{" hidden=" + chr(34) + "1" + chr(34) if hidden else ""}>{_xml(ref)}'
            "</definedName>"
            for name, index, ref, hidden in names
        )
        sheet_list = "".join(
            f'<sheet name="{_xml(s.name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i, s in enumerate(sheets)
        )
        workbook = (
            f'{_DECL}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<workbookPr/>'
            '<bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" '
            'windowHeight="9660" activeTab="0"/></bookViews>'
            f"<sheets>{sheet_list}</sheets>"
            f"{f'<definedNames>{defined}</definedNames>' if defined else ''}"
            '<calcPr calcId="124519"/>'
            "</workbook>"
        )
        return [
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", workbook_rels),
            ("xl/styles.xml", _STYLES),
            ("docProps/core.xml", self._core_xml()),
            ("docProps/app.xml", _APP),
            ("_rels/.rels", root_rels),
            ("[Content_Types].xml", content_types),
        ]

    def _core_xml(self) -> str:
        created = self._created
        with contextlib.suppress(OverflowError, OSError, ValueError):
            created = created.astimezone(dt.UTC)  # a naive time is the computer's local time
        stamp = f"{created:%Y-%m-%dT%H:%M:%S}Z"
        text = {"title": self._title, "subject": self._subject, "creator": self._author}
        fields = "".join(f"<dc:{k}>{_xml(clean_text(v))}</dc:{k}>"
                         for k, v in text.items() if v)
        return (
            f"{_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/"
            '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"{fields}"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "</cp:coreProperties>"
        )


_APP = (
    f'{_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
    'docPropsVTypes"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity>'
    "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    "<AppVersion>12.0000</AppVersion></Properties>"
)


def _font(extra: str = "", size: int = 11) -> str:
    return f'<font>{extra}<sz val="{size}"/><name val="Arial"/><family val="2"/></font>'


def _xf(num: int = 0, font: int = 0, fill: int = 0, border: int = 0, *,
        horizontal: str = "", vertical: str = "top", wrap: bool = False,
        quote: bool = False) -> str:
    applied = "".join(
        f' {flag}="1"' for flag, on in (("applyNumberFormat", num), ("applyFont", font),
                                        ("applyFill", fill), ("applyBorder", border),
                                        ("applyAlignment", True), ("quotePrefix", quote))
        if on
    )
    alignment = "".join(
        f' {a}="{v}"' for a, v in (("horizontal", horizontal), ("vertical", vertical),
                                   ("wrapText", "1" if wrap else "")) if v
    )
    return (f'<xf numFmtId="{num}" fontId="{font}" fillId="{fill}" borderId="{border}" '
            f'xfId="0"{applied}><alignment{alignment}/></xf>')


_NUM_FORMATS = {164: "d/m/yyyy", 165: "m/yyyy", 166: "d/m/yyyy h:mm", 167: "#,##0.000", 168: "0.0"}
_CELL_XFS = [  # in the order of _XF
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
    _xf(),                                             # text
    _xf(quote=True),                                   # quoted
    _xf(164, horizontal="center"),                     # date
    _xf(165, horizontal="center"),                     # month
    _xf(166, horizontal="center"),                     # stamp
    _xf(3),                                            # int: built-in #,##0
    _xf(167),                                          # jod
    _xf(168),                                          # pct
    _xf(),                                             # number (General)
    _xf(0, 1, 2, 1, horizontal="center", vertical="center", wrap=True),  # header
    _xf(0, 2),                                         # title
    _xf(0, 3),                                         # subtitle
    _xf(0, 4),                                         # note
    _xf(0, 1, 0, 2),                                   # total
]
assert len(_CELL_XFS) == len(_XF) + 1
_STYLES = (
    f'{_DECL}<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="{len(_NUM_FORMATS)}">'
    + "".join(f'<numFmt numFmtId="{i}" formatCode="{_xml(code)}"/>'
              for i, code in _NUM_FORMATS.items())
    + "</numFmts>"
    '<fonts count="5">'
    + _font()
    + _font("<b/>")
    + _font("<b/>", 14)
    + '<font><b/><sz val="12"/><color rgb="FF1F3864"/><name val="Arial"/><family val="2"/></font>'
    + '<font><i/><sz val="11"/><color rgb="FF595959"/><name val="Arial"/><family val="2"/></font>'
    + "</fonts>"
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="3"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color indexed="64"/></left>'
    '<right style="thin"><color indexed="64"/></right>'
    '<top style="thin"><color indexed="64"/></top>'
    '<bottom style="thin"><color indexed="64"/></bottom><diagonal/></border>'
    '<border><left/><right/><top style="thin"><color indexed="64"/></top><bottom/><diagonal/>'
    "</border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    f'<cellXfs count="{len(_CELL_XFS)}">{"".join(_CELL_XFS)}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/>'
    '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
    'defaultPivotStyle="PivotStyleLight16"/>'
    "</styleSheet>"
)
