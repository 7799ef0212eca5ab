"""Bound a legacy ``.xls`` or an ``.ods`` workbook before the fallback reader opens it.

calamine reads both, but unlike an ``.xlsx`` it builds the dense matrix of *every*
sheet as it opens the file: two cells far apart in a 6 KB ``.xls``, or one value
repeated a hundred thousand times down and a thousand across in an ``.ods``, would
ask it for gigabytes (and a failed allocation aborts the process). So the extent
of every sheet's values is found here first, cheaply:

- ``.xls``: the OLE2 compound file is walked (:class:`OleFile`) to its ``Workbook``
  stream, whose BIFF records name each sheet (``BOUNDSHEET``) and each value
  (``NUMBER``, ``LABELSST``, ``RK``, ``MULRK``, ``FORMULA`` …: blanks are formats,
  not values); ``FILEPASS`` means a password.
- ``.ods``: ``content.xml`` is streamed through an lxml target (no entities, DTDs or
  network), rows and cells counted with their ``number-*-repeated`` attributes.

The sheets' extents are checked against the one table of limits (rows, columns,
and their cells together, counted twice where formulas keep a second matrix).
"""

from __future__ import annotations

import struct
import zipfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from automation.core.errors import UnreadableWorkbook
from automation.core.messages import unreadable
from automation.intake.limits import Deadline, Limits
from automation.intake.sheet_scan import XML_OPTIONS, SheetScan
from automation.intake.sniff import OLE_SIGNATURE
from automation.intake.zip_reader import stream
from automation.text.cells import column_letter

__all__ = ["OLE_SIGNATURE", "LegacyScan", "OleFile", "scan_ods", "scan_xls"]

_END_OF_CHAIN = 0xFFFFFFFE
_LAST_SECTOR = 0xFFFFFFFA


@dataclass
class LegacyScan:
    """Every sheet of a legacy workbook, by name and in order, with its scan."""

    sheets: list[tuple[str, SheetScan]]

    def find(self, name: str, index: int) -> SheetScan | None:
        """The scan of sheet ``name`` (else the ``index``-th worksheet's)."""
        for found, scan in self.sheets:
            if found == name:
                return scan
        return self.sheets[index][1] if 0 <= index < len(self.sheets) else None


# ------------------------------------------------------------------- OLE2


class OleFile:
    """The streams of an OLE2 compound file (the container of ``.xls``, ``.doc`` and of a
    password-protected ``.xlsx``). Every chain is followed with a bound on its length, so
    a looping or lying file costs no more than its own size; ValueError when it is not
    a well-formed compound file."""

    def __init__(self, data: bytes) -> None:
        if not data.startswith(OLE_SIGNATURE) or len(data) < 512:
            raise ValueError("no OLE2 header")
        self.data = data
        shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise ValueError(f"odd sector sizes 2**{shift}, 2**{mini_shift}")
        self.size = 1 << shift
        (self.first_dir,) = struct.unpack_from("<I", data, 48)
        self.cutoff, self.first_minifat, _, first_difat, difat_count = struct.unpack_from(
            "<IIIII", data, 56
        )
        self.sectors = max(0, len(data) // self.size - 1)
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s < _LAST_SECTOR]
        sector, hops = first_difat, 0
        per_difat = self.size // 4 - 1
        while sector < _LAST_SECTOR and hops < min(difat_count, self.sectors) + 1:
            words = struct.unpack_from(f"<{per_difat + 1}I", self._sector(sector))
            fat_sectors += [s for s in words[:per_difat] if s < _LAST_SECTOR]
            sector, hops = words[per_difat], hops + 1
        self.fat = array("I")
        for sector in fat_sectors[: self.sectors]:
            self.fat.frombytes(self._sector(sector))
        if array("I").itemsize != 4:  # pragma: no cover - every platform we run on
            raise ValueError("unsigned int is not 32 bits here")
        self.entries = self._directory()

    def _sector(self, index: int) -> bytes:
        start = (index + 1) * self.size
        if index >= self.sectors or start + self.size > len(self.data):
            raise ValueError(f"sector {index} lies past the end of the file")
        return self.data[start : start + self.size]

    def _chain(self, first: int, fat: array, limit: int) -> list[int]:
        chain, sector = [], first
        while sector < _LAST_SECTOR:
            if len(chain) >= limit or sector >= len(fat):
                raise ValueError("a sector chain loops or leaves the table")
            chain.append(sector)
            sector = fat[sector]
        if sector != _END_OF_CHAIN:
            raise ValueError(f"a sector chain ends on {sector:#x}")
        return chain

    def _directory(self) -> dict[str, tuple[int, int, int]]:
        """(type, first sector, size) of every entry, by name; the root entry as ""."""
        raw = b"".join(self._sector(s) for s in self._chain(self.first_dir, self.fat,
                                                              self.sectors))
        entries: dict[str, tuple[int, int, int]] = {}
        for offset in range(0, len(raw) - 127, 128):
            (length,) = struct.unpack_from("<H", raw, offset + 64)
            kind = raw[offset + 66]
            if kind not in (1, 2, 5) or not 2 <= length <= 64:
                continue
            name = raw[offset : offset + length - 2].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<IQ", raw, offset + 116)
            if self.size == 512:
                size &= 0xFFFFFFFF  # version 3 files leave the high half undefined
            entries.setdefault("" if kind == 5 else name, (kind, start, size))
        if "" not in entries:
            raise ValueError("no root entry")
        return entries

    def has(self, *names: str) -> bool:
        return any(name in self.entries for name in names)

    def read(self, name: str) -> bytes:
        """A stream's bytes (never more than the file holds)."""
        kind, start, size = self.entries[name]
        if size > len(self.data):
            raise ValueError(f"stream {name!r} claims {size} bytes")
        if size >= self.cutoff:
            sectors = self._chain(start, self.fat, self.sectors)
            return b"".join(self._sector(s) for s in sectors)[:size]
        _, root_start, root_size = self.entries[""]
        container = b"".join(self._sector(s) for s in self._chain(root_start, self.fat,
                                                                    self.sectors))
        minifat = array("I", b"".join(
            self._sector(s) for s in self._chain(self.first_minifat, self.fat, self.sectors)))
        pieces = [container[s * 64 : s * 64 + 64]
                  for s in self._chain(start, minifat, len(container) // 64 + 1)]
        return b"".join(pieces)[:size]


# ------------------------------------------------------------------- BIFF

_BOF, _EOF, _BOUNDSHEET, _FILEPASS, _MERGED = 0x0809, 0x000A, 0x0085, 0x002F, 0x00E5
_FORMULAS = frozenset({0x0006, 0x0206, 0x0406})
_VALUES = frozenset({0x0203, 0x0003, 0x0204, 0x0004, 0x00FD, 0x027E, 0x007E, 0x0205, 0x0005,
                     0x00D6}) | _FORMULAS
_MULRK, _BOOLERR = 0x00BD, 0x0205
ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
          0x24: "#NUM!", 0x2A: "#N/A"}


def scan_xls(ole: OleFile, limits: Limits, deadline: Deadline | None = None) -> LegacyScan:
    """The extent of every worksheet of the ``Workbook`` stream; ``encrypted`` when the
    workbook has a password, ``cannot-read`` when its records make no sense."""
    name = "Workbook" if ole.has("Workbook") else "Book"
    try:
        book = ole.read(name)
    except (ValueError, KeyError) as exc:
        raise unreadable("corrupt", f"xls: cannot read the {name} stream: {exc}") from exc
    sheets: list[tuple[str, int]] = []
    for rid, body in _records(book, 0):
        if rid == _FILEPASS:
            raise unreadable("encrypted", "legacy .xls with a password (FILEPASS record)")
        if rid == _BOUNDSHEET and len(body) >= 8:
            (position,) = struct.unpack_from("<I", body, 0)
            if body[5] == 0:  # a worksheet (not a chart, macro or module sheet)
                sheets.append((_sheet_name(body[6:]), position))
        elif rid == _EOF:
            break
    if not sheets:
        raise unreadable("cannot-read", f"xls: no worksheet in the {name} stream",
                         format="Excel 97-2003 (.xls)")
    found = [(sheet, _scan_substream(book, position, sheet, limits, deadline))
             for sheet, position in sheets]
    _check_total(found, limits)
    return LegacyScan([(sheet, scan) for sheet, (scan, _) in found])


def _records(book: bytes, position: int) -> Iterator[tuple[int, bytes]]:
    """(record id, body) of the BIFF records from ``position`` to the stream's end."""
    end = len(book)
    while position + 4 <= end:
        rid, size = struct.unpack_from("<HH", book, position)
        yield rid, book[position + 4 : position + 4 + size]
        position += 4 + size


def _sheet_name(raw: bytes) -> str:
    """A BOUNDSHEET's name: BIFF8's short Unicode string, else BIFF5's bytes."""
    if not raw:
        return ""
    count = raw[0]
    if len(raw) >= 2 + count and raw[1] in (0, 1) and len(raw) in (2 + count, 2 + 2 * count):
        if raw[1] == 1:
            return raw[2 : 2 + 2 * count].decode("utf-16-le", "replace")
        return raw[2 : 2 + count].decode("latin-1")
    return raw[1 : 1 + count].decode("cp1256", "replace")


def _scan_substream(
    book: bytes, position: int, sheet: str, limits: Limits, deadline: Deadline | None
) -> tuple[SheetScan, bool]:
    """(scan, holds formulas) of the worksheet whose BOF is at ``position``."""
    scan, formulas, depth, seen = SheetScan(), False, 0, 0
    for rid, body in _records(book, position):
        seen += 1
        if seen & 0xFFFF == 0 and deadline is not None:
            deadline.check()
        if rid == _BOF:
            depth += 1
            continue
        if rid == _EOF:
            depth -= 1
            if depth <= 0:
                break
            continue
        if depth != 1 or len(body) < 4:
            continue
        if rid == _MERGED:
            (count,) = struct.unpack_from("<H", body, 0)
            for i in range(min(count, (len(body) - 2) // 8)):
                r1, r2, c1, c2 = struct.unpack_from("<HHHH", body, 2 + 8 * i)
                if len(scan.merges) < 10_000:
                    scan.merges.append((r1 + 1, c1 + 1, r2 + 1, c2 + 1))
            continue
        if rid == _MULRK and len(body) >= 6:
            row, first = struct.unpack_from("<HH", body, 0)
            (last,) = struct.unpack_from("<H", body, len(body) - 2)
            _extend(scan, row + 1, first + 1, sheet, limits)
            _extend(scan, row + 1, max(first, last) + 1, sheet, limits)
            continue
        if rid not in _VALUES:
            continue
        row, col = struct.unpack_from("<HH", body, 0)
        _extend(scan, row + 1, col + 1, sheet, limits)
        if rid in _FORMULAS:
            formulas = True
            if len(body) >= 14 and body[12:14] == b"\xff\xff" and body[6] == 2:
                _error(scan, row + 1, col + 1, body[8])
        elif rid == _BOOLERR and len(body) >= 8 and body[7] == 1:
            _error(scan, row + 1, col + 1, body[6])
    return scan, formulas


def _error(scan: SheetScan, row: int, col: int, code: int) -> None:
    if len(scan.error_cells) < 10_000:
        scan.error_cells[(row, col)] = ERRORS.get(code, "#ERROR")


def _extend(scan: SheetScan, row: int, col: int, sheet: str, limits: Limits,
            cells: int = 1) -> None:
    """Count ``cells`` values ending at (row, col), 1-based; refuse them past the limits."""
    if row > limits.max_rows:
        raise unreadable("too-many-rows", f"{sheet}: a value in row {row}", sheet=sheet,
                         row=f"{row:,}", limit=f"{limits.max_rows:,}")
    if col > limits.max_columns:
        raise unreadable("too-many-columns", f"{sheet}: a value in column {col}", sheet=sheet,
                         column=column_letter(col), limit=limits.max_columns)
    scan.cells += cells
    if not scan.max_row:
        scan.min_row = scan.max_row = row
        scan.min_col = scan.max_col = col
        return
    scan.min_row, scan.max_row = min(scan.min_row, row), max(scan.max_row, row)
    scan.min_col, scan.max_col = min(scan.min_col, col), max(scan.max_col, col)


def _check_total(found: list[tuple[str, tuple[SheetScan, bool]]], limits: Limits) -> None:
    """The matrices the fallback reader builds at once, for all sheets: within
    ``max_cells`` together (a sheet with formulas counts twice: it keeps them in a
    second matrix)."""
    total = 0
    for sheet, (scan, formulas) in found:
        total += scan.area * (2 if formulas else 1)
        if total > limits.max_cells:
            raise unreadable("too-many-cells", f"{sheet}: {total} cells with the sheets before",
                             sheet=sheet, cells=f"{total:,}", limit=f"{limits.max_cells:,}")


# ------------------------------------------------------------------- ODS

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT_P = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
_CELLS = (_TABLE + "table-cell", _TABLE + "covered-table-cell")


def _count(value: str | None) -> int:
    if value is None:
        return 1
    number = int(value)
    if number < 1:
        raise ValueError(f"a repeat count of {value!r}")
    return number


class _OdsTarget:
    """Counts rows and cells of every table of ``content.xml`` as calamine numbers them
    (repeats included), and keeps the box of the cells holding a value."""

    def __init__(self, limits: Limits, deadline: Deadline | None) -> None:
        self.limits, self.deadline = limits, deadline
        self.found: list[tuple[str, tuple[SheetScan, bool]]] = []
        self.depth = self.elements = self.tables = 0
        self.row = self.row_first = self.col = 0
        self.cell: tuple[int, int, int, int] | None = None
        self.valued = False

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.depth += 1
        self.elements += 1
        if self.elements & 0xFFFF == 0:
            self._budget()
        if self.depth > self.limits.max_depth:
            raise unreadable("too-deep", "content.xml nests elements too deep",
                             sheet=self._sheet(), limit=self.limits.max_depth)
        if tag == _TABLE + "table":
            self.tables += 1
            if self.tables == 1:
                self.found.append((attrib.get(_TABLE + "name", ""), (SheetScan(), False)))
                self.row = 0
        elif self.tables != 1:
            return
        elif tag == _TABLE + "table-row":
            self.row_first = self.row + 1
            self.row += _count(attrib.get(_TABLE + "number-rows-repeated"))
            self.col = 0
        elif tag in _CELLS:
            first = self.col + 1
            self.col += _count(attrib.get(_TABLE + "number-columns-repeated"))
            self.cell = (self.row_first, first, self.row, self.col)
            self.valued = _OFFICE + "value-type" in attrib
            scan, formulas = self.found[-1][1]
            if _TABLE + "formula" in attrib and not formulas:
                self.found[-1] = (self.found[-1][0], (scan, True))
            across = _count(attrib.get(_TABLE + "number-columns-spanned"))
            down = _count(attrib.get(_TABLE + "number-rows-spanned"))
            if (across > 1 or down > 1) and len(scan.merges) < 10_000:
                scan.merges.append((self.row_first, first, self.row_first + down - 1,
                                    first + across - 1))
        elif tag == _TEXT_P and self.cell is not None:
            self.valued = True

    def end(self, tag: str) -> None:
        self.depth -= 1
        if tag == _TABLE + "table":
            self.tables -= 1
        elif self.tables == 1 and tag in _CELLS and self.cell is not None:
            if self.valued:
                row, col, last_row, last_col = self.cell
                scan = self.found[-1][1][0]
                _extend(scan, last_row, last_col, self._sheet(), self.limits,
                        (last_row - row + 1) * (last_col - col + 1))
                _extend(scan, row, col, self._sheet(), self.limits, 0)
            self.cell = None

    def data(self, text: str) -> None:
        return None

    def close(self) -> list[tuple[str, tuple[SheetScan, bool]]]:
        return self.found

    def _sheet(self) -> str:
        return self.found[-1][0] if self.found else "content.xml"

    def _budget(self) -> None:
        if self.deadline is not None:
            self.deadline.check()
        if self.elements > 2 * self.limits.max_cells:
            raise unreadable("too-many-cells", f"content.xml has over {self.elements} elements",
                             sheet=self._sheet(), cells=f"{self.elements:,}",
                             limit=f"{self.limits.max_cells:,}")


def scan_ods(
    data: bytes, archive: zipfile.ZipFile, limits: Limits, deadline: Deadline | None = None
) -> LegacyScan:
    """The extent of every table of an OpenDocument spreadsheet's ``content.xml``."""
    names = {info.filename.lower(): info for info in archive.infolist()}
    info = names.get("content.xml")
    if info is None:
        raise unreadable("cannot-read", "ods without content.xml", format="OpenDocument (.ods)")
    target = _OdsTarget(limits, deadline)
    parser = etree.XMLParser(target=target, **XML_OPTIONS)
    try:
        for chunk in stream(data, info):
            parser.feed(chunk)
        found: list[tuple[str, tuple[SheetScan, bool]]] = parser.close()
    except UnreadableWorkbook:
        raise
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise unreadable("corrupt", f"bad XML in content.xml: {exc}") from exc
    if not found:
        raise unreadable("no-sheet", "ods without a table")
    _check_total(found, limits)
    return LegacyScan([(sheet, scan) for sheet, (scan, _) in found])
