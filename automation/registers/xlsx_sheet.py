"""One worksheet of the streaming .xlsx writer (:mod:`automation.registers.xlsx_stream`):
its rows, written as XML text straight into the workbook's zip entry, and the XML
around them (dimension, frozen header, column widths, autofilter, A4 print setup).

A sheet whose row count is known streams straight into its zip entry, compressed in
a background thread (:class:`_Pipe`); another waits in a temporary file until closed,
since ``<dimension>`` comes before the rows. Worksheet entries are ZIP64-capable
(``force_zip64``: local header version 4.5 with the real sizes filled in, as Excel
wants them).
"""

from __future__ import annotations

import queue
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Sequence
from typing import IO

from automation.registers.xlsx_cells import (
    XF,
    Column,
    column_encoder,
    encode_cell,
    encoder,
    may_remember,
    xml_escape,
)
from automation.text.cells import MAX_COLUMNS, column_letter

__all__ = ["DECL", "MAIN", "REL", "Sheet", "page_header", "print_setup"]

MAX_ROWS = 1_048_576
CACHE_LIMIT = 8_192
"""Distinct values per column whose encoded cell is remembered (the cache restarts when full)."""
CHUNK = 1 << 20
"""Bytes copied at a time from a waiting sheet into the zip entry."""
ROWS_PER_CHUNK = 512
"""Rows gathered before they are written (compressed) together."""
SPOOL = 8 << 20
"""A sheet of unknown length is held in memory up to this size, then in a temporary file."""

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


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


_HEADER_LIMIT = 255
"""Characters Excel allows in a page header or footer."""


def page_header(*lines: str) -> str:
    """The printed page header of a sheet: ``lines`` centred, the first in bold (an
    ``&`` doubled, as Excel's header codes want), within Excel's 255 characters."""
    shown = [" ".join(line.split()).replace("&", "&&") for line in lines if line.strip()]
    if not shown:
        return ""
    text = '&C&"Arial,Bold"&12 ' + shown[0]
    if len(shown) > 1:
        text += '\n&"Arial,Regular"&11 ' + " — ".join(shown[1:])
    return text[:_HEADER_LIMIT]


_FOOTER = "&C&P / &N"
"""«1 / 3»: digits only (LibreOffice drops the spaces around a field inside Arabic words)."""


def print_setup(*, landscape: bool = True, header: str = "") -> str:
    """How every sheet of a register prints, as the XML that ends a worksheet: A4,
    landscape (unless told), fitted to one page wide and as many tall as it takes
    (``fitToHeight="0"``; the sheet's ``<pageSetUpPr fitToPage="1"/>`` turns it on),
    narrow margins, ``header`` (:func:`page_header`) on every page and «N / M» at the
    foot. The header rows printed on every page are the workbook's
    ``_xlnm.Print_Titles`` (:meth:`Sheet.defined_names`)."""
    orientation = "landscape" if landscape else "portrait"
    head = f"<oddHeader>{xml_escape(header)}</oddHeader>" if header else ""
    return (
        '<pageMargins left="0.3" right="0.3" top="0.75" bottom="0.6" header="0.3" '
        'footer="0.3"/>'
        f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" '
        'fitToHeight="0"/>'
        f"<headerFooter>{head}"
        f"<oddFooter>{xml_escape(_FOOTER)}</oddFooter></headerFooter>"
    )


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
    """One worksheet being written into ``zf``; made by
    :meth:`~automation.registers.xlsx_stream.XlsxStream.add_sheet`, told by ``on_close``
    when the sheet is finished.

    ``write_row`` writes values through the columns (their kinds and ``convert``);
    ``write_cells`` writes ``(value, kind)`` pairs as given. Rows follow each other
    from the top; ``close`` (or the next ``add_sheet``) finishes the sheet.
    """

    def __init__(
        self, zf: zipfile.ZipFile, on_close: Callable[[Sheet], None], name: str, index: int,
        columns: Sequence[Column], *,
        header: bool, rtl: bool, landscape: bool, rows: int | None,
        header_height: float | None, caption: str = "",
    ) -> None:
        if len(columns) > MAX_COLUMNS:
            raise ValueError(f"{len(columns)} columns: Excel has {MAX_COLUMNS}")
        self.name = name
        self.index = index
        self.part = f"xl/worksheets/sheet{index + 1}.xml"
        self._zf = zf
        self._on_close = on_close
        self._columns = list(columns)
        self._header = header
        self._rtl = rtl
        self._landscape = landscape
        self._caption = caption
        self._merged: list[str] = []
        self._width = len(columns)
        self._widest = len(columns)
        self._row = 0
        self._rows: list[bytes] = []
        self._closed = False
        # per column: the start of its cells, the cells remembered by value, the encoder
        self._cells: list[_ColumnWriter] = [
            (f'<c r="{column_letter(i + 1)}'.encode(), {}, column_encoder(c))
            for i, c in enumerate(columns)
        ]
        self._expected = None if rows is None else rows + (1 if header else 0)
        if self._expected is not None and self._expected > MAX_ROWS:
            raise ValueError(f"{self._expected} rows: Excel has {MAX_ROWS}")
        self._out: _Pipe | IO[bytes]
        if self._expected is not None:  # the size is known: stream straight into the zip
            self._out = _Pipe(zf.open(self.part, "w", force_zip64=True))
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
                if may_remember(value, tail):
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
                encoder(kind)
                tail: bytes | None = b'" s="%d"/>' % XF[kind]
            else:
                tail = encode_cell(value, kind)
            if tail is None:
                continue
            if col >= self._width and self._expected is not None:
                raise ValueError(f"cell beyond the {self._width} columns of {self.name!r}")
            if col >= MAX_COLUMNS:
                raise ValueError(f"column {col + 1} is outside Excel's {MAX_COLUMNS} columns")
            self._widest = max(self._widest, col + 1)
            out += (f'<c r="{column_letter(col + 1)}'.encode(), n, tail)
        if len(out) == 1 and height is None:
            return  # an empty row needs no element
        out.append(b"</row>")
        self._rows.append(b"".join(out))

    def write_banner(self, text: str, kind: str = "title", *,
                     height: float | None = None) -> None:
        """One row of ``text`` in the first cell, merged across the sheet's columns so that
        it wraps within the printed width (a title, a note); ``height`` in points (a
        merged cell does not grow to fit its text by itself)."""
        self.write_cells([(text, kind)], height=height)
        if self._width > 1:
            self._merged.append(f"A{self._row}:{column_letter(self._width)}{self._row}")

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
        return column_letter(max(self._widest, 1))

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
            f'{DECL}<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
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
        autofilter = f'<autoFilter ref="{self._filter_ref()}"/>' if self._header else ""
        merged = "".join(f'<mergeCell ref="{ref}"/>' for ref in self._merged)
        if merged:
            merged = f'<mergeCells count="{len(self._merged)}">{merged}</mergeCells>'
        return (
            f"</sheetData>{autofilter}{merged}"
            f"{print_setup(landscape=self._landscape, header=self._caption)}"
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
                with self._zf.open(self.part, "w", force_zip64=True) as entry:
                    entry.write(self._head(self._row).encode())
                    self._out.seek(0)
                    shutil.copyfileobj(self._out, entry, CHUNK)
                    entry.write(self._tail().encode())
        finally:
            self._out.close()
            self._on_close(self)

    def abandon(self) -> None:
        """Let go of the sheet's output without finishing it (the workbook failed)."""
        self._closed = True
        self._out.close()
