"""Bound a worksheet before calamine builds its dense cell matrix.

:func:`scan_sheet` finds the real extent of a sheet's values (not its declared
dimension) and what calamine does not report: formulas without a cached value,
error cells and merged ranges. A sheet of a few MB is looked at by regular
expressions (:func:`_quick_scan`); anything unusual, or larger, is streamed through
an lxml target without entities, DTDs or network (:func:`full_scan`), after a
pass in C that refuses at once a value far past the limits (so a million rows
are refused in milliseconds, not after a hundred thousand of them were parsed).
The part's bytes come from :func:`automation.intake.zip_reader.stream`, which never
inflates past the size the archive declares.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from lxml import etree

from automation.core.errors import UnreadableWorkbook
from automation.core.messages import unreadable
from automation.intake.limits import Deadline, Limits
from automation.intake.zip_reader import inflate, stream
from automation.text.byte_patterns import re2_search
from automation.text.cells import column_letter

__all__ = [
    "SMALL_BOX",
    "XML_OPTIONS",
    "SheetScan",
    "full_scan",
    "parse_ref",
    "scan_sheet",
]

_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def parse_ref(ref: str) -> tuple[int, int]:
    """``"B5"`` -> ``(5, 2)`` (1-based row, column); ValueError when malformed."""
    match = _REF_RE.match(ref.strip())
    if match is None:
        raise ValueError(f"bad cell reference {ref!r}")
    col = 0
    for letter in match.group(1).upper():
        col = col * 26 + ord(letter) - 64
    return int(match.group(2)), col


@dataclass
class SheetScan:
    """Where a sheet's values lie, and what calamine does not report.

    Rows and columns are 1-based; ``max_row`` is 0 for a sheet with no cell. The
    streaming pass gives the exact box of the cells holding a value (``cells`` of
    them); the fast path of :func:`scan_sheet` a box around every cell, empty ones
    too (``cells`` counts them all, or stays 0 for :data:`SMALL_BOX`): either way no
    value lies outside the box.
    """

    min_row: int = 0
    min_col: int = 0
    max_row: int = 0
    max_col: int = 0
    cells: int = 0
    formulas_without_value: dict[tuple[int, int], str] = field(default_factory=dict)
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def area(self) -> int:
        """Cells of the matrix from A1 to the last value (what the reader materialises)."""
        return self.max_row * self.max_col


XML_OPTIONS: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
}
"""lxml parser options for every part we parse ourselves: no entities, DTDs or network."""

_RECORDED_MAX = 10_000  # formulas/error cells/merges kept per sheet
_DIGITS = "0123456789"
_COLUMNS: dict[str, int] = {}


def _fast_ref(ref: str) -> tuple[int, int]:
    """``parse_ref`` for the hot loop (cached column letters)."""
    letters = ref.rstrip(_DIGITS)
    col = _COLUMNS.get(letters)
    if col is None:
        row, col = parse_ref(ref)
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = col
        return row, col
    digits = ref[len(letters) :]
    if not digits or len(digits) > 7:
        raise ValueError(f"bad cell reference {ref!r}")
    return int(digits), col


class _SheetTarget:
    """lxml parser target: sees every start/end/text of a sheet, builds no tree.

    Rows and cells are numbered the way calamine numbers them: a row without
    ``r`` follows the previous row, a cell without ``r`` follows the previous
    cell of its row, a cell with ``r`` is where ``r`` says, even in another row
    than its ``<row>``. A cell outside any row is refused (Excel never writes
    one; calamine reads it, numbered in ways of its own).
    """

    def __init__(self, part: str, sheet: str, limits: Limits, deadline: Deadline | None) -> None:
        self.part = part
        self.sheet = sheet
        self.limits = limits
        self.deadline = deadline
        self.scan = SheetScan()
        self.elements = 0
        self.depth = 0
        self.in_data = self.in_row = self.in_cell = self.in_v = False
        self.row_no = 0
        self.prev_col = 0
        self.cell_row = self.cell_col = 0
        self.cell_type: str | None = None
        self.has_value = self.has_formula = self.saw_v = False
        self.text = ""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        local = tag[tag.rfind("}") + 1 :]
        self.elements += 1
        self.depth += 1
        if self.elements & 0xFFFF == 0:
            self._budget()
        if self.depth > self.limits.max_depth:
            raise unreadable("too-deep", f"{self.part} nests elements over "
                             f"{self.limits.max_depth} deep", sheet=self.sheet,
                             limit=self.limits.max_depth)
        if self.in_cell:
            if local == "v":
                self.in_v = self.saw_v = True
            elif local == "f":
                self.has_formula = True
            elif local == "is":
                self.has_value = True
        elif self.in_data and local == "c":
            if not self.in_row:  # calamine reads it, numbered its own way
                raise ValueError("a cell outside any row")
            self._start_cell(attrib.get("r"), attrib.get("t"))
        elif self.in_data and local == "row":
            number = attrib.get("r")
            self.row_no = int(number) if number is not None else self.row_no + 1
            if self.row_no < 1:
                raise ValueError(f"bad row number {number!r}")
            self.prev_col = 0
            self.in_row = True
        elif local == "sheetData":
            self.in_data = True
        elif local == "mergeCell":
            _add_merge(self.scan, attrib.get("ref") or "")

    def _start_cell(self, ref: str | None, cell_type: str | None) -> None:
        if ref is None:
            row, col = self.row_no, self.prev_col + 1
        else:
            row, col = _fast_ref(ref)
            if row < 1:
                raise ValueError(f"bad cell reference {ref!r}")
        self.prev_col = col
        self.cell_row, self.cell_col, self.cell_type = row, col, cell_type
        self.in_cell = True
        self.has_value = self.has_formula = self.saw_v = False
        self.text = ""

    def end(self, tag: str) -> None:
        self.depth -= 1
        local = tag[tag.rfind("}") + 1 :]
        if local == "v":
            self.in_v = False
        elif local == "c" and self.in_cell:
            self.in_cell = False
            self._end_cell()
        elif local == "row":
            self.in_row = False
        elif local == "sheetData":
            self.in_data = False

    def data(self, text: str) -> None:
        if self.in_v and text:
            self.has_value = True
            if len(self.text) < 64:
                self.text += text[:64]

    def close(self) -> SheetScan:
        return self.scan

    def _budget(self) -> None:
        if self.deadline is not None:
            self.deadline.check()
        if self.elements > 2 * self.limits.max_cells:
            raise unreadable("too-many-cells", f"{self.part} has over {self.elements} elements",
                             sheet=self.sheet, cells=f"{self.elements:,}",
                             limit=f"{self.limits.max_cells:,}")

    def _end_cell(self) -> None:
        scan, limits = self.scan, self.limits
        row, col = self.cell_row, self.cell_col
        if self.has_formula and not self.has_value and self.saw_v and self.cell_type == "str":
            self.has_value = True  # a formula whose cached result is ""
        if self.has_formula and not self.has_value:
            if row <= limits.max_rows and col <= limits.max_columns:
                if len(scan.formulas_without_value) < _RECORDED_MAX:
                    scan.formulas_without_value[(row, col)] = f"{column_letter(col)}{row}"
            return
        if not self.has_value:
            return
        if row > limits.max_rows or col > limits.max_columns:
            raise _beyond(self.part, self.sheet, row, col, limits)
        if self.cell_type == "e" and len(scan.error_cells) < _RECORDED_MAX:
            scan.error_cells[(row, col)] = self.text.strip()
        scan.cells += 1
        if not scan.max_row:
            scan.min_row = scan.max_row = row
            scan.min_col = scan.max_col = col
            return
        if row < scan.min_row:
            scan.min_row = row
        if row > scan.max_row:
            scan.max_row = row
        if col < scan.min_col:
            scan.min_col = col
        if col > scan.max_col:
            scan.max_col = col


def scan_sheet(
    data: bytes, info: zipfile.ZipInfo, limits: Limits, deadline: Deadline | None = None,
    sheet: str = "",
) -> SheetScan:
    """Bound one worksheet part (``info`` in the archive ``data``) before calamine loads it.

    Raises ``too-many-rows`` / ``too-many-columns`` as soon as a value lies beyond the
    limits, ``too-many-cells`` when the dense matrix calamine would build (or the number
    of XML elements) exceeds ``max_cells``, ``too-deep`` past ``max_depth``, ``corrupt``
    on bad XML, ``hostile-zip`` when the part inflates past its declared size. No tree
    is built: memory stays flat whatever the sheet holds. ``sheet`` is its name, for the
    messages.
    """
    quick = _quick_scan(data, info, limits, sheet)
    return quick if quick is not None else full_scan(data, info, limits, deadline, sheet)


def full_scan(
    data: bytes, info: zipfile.ZipInfo, limits: Limits, deadline: Deadline | None = None,
    sheet: str = "",
) -> SheetScan:
    """The streaming pass of :func:`scan_sheet`: every element seen by an lxml target,
    after :func:`_refuse_far_values` looked for a value far out."""
    part, sheet = info.filename, sheet or info.filename
    _refuse_far_values(stream(data, info), part, sheet, limits)
    target = _SheetTarget(part, sheet, limits, deadline)
    parser = etree.XMLParser(target=target, **XML_OPTIONS)
    try:
        for chunk in stream(data, info):
            parser.feed(chunk)
        scan: SheetScan = parser.close()
    except UnreadableWorkbook:
        raise
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():
            raise unreadable("too-deep", f"{part}: {exc}", sheet=sheet,
                             limit=limits.max_depth) from exc
        raise unreadable("corrupt", f"bad XML in {part}: {exc}") from exc
    except ValueError as exc:
        raise unreadable("corrupt", f"bad XML in {part}: {exc}") from exc
    if scan.area > limits.max_cells:
        raise unreadable("too-many-cells", f"{part} spans {scan.area} cells", sheet=sheet,
                         cells=f"{scan.area:,}", limit=f"{limits.max_cells:,}")
    return scan


def _beyond(part: str, sheet: str, row: int, col: int, limits: Limits) -> UnreadableWorkbook:
    """``too-many-rows`` or ``too-many-columns`` for a value at (row, col)."""
    if row > limits.max_rows:
        return unreadable("too-many-rows", f"{part} has a value in row {row}",
                          sheet=sheet, row=f"{row:,}", limit=f"{limits.max_rows:,}")
    return unreadable("too-many-columns", f"{part} has a value in column {col}",
                      sheet=sheet, column=column_letter(col), limit=limits.max_columns)


@cache
def _far_value(max_rows: int, max_columns: int) -> re.Pattern[bytes]:
    """A cell holding a value (a ``<v>`` with text, an inline string, perhaps after a
    formula) whose reference has at least as many digits as ``max_rows`` or as many
    letters as the last column allowed: the candidates past the limits, few in a sheet
    within them."""
    digits, letters = len(str(max_rows)), len(column_letter(max_columns))
    return re.compile(
        rb'<c r="([A-Z]{%d,3}[0-9]{1,7}|[A-Z]{1,3}[0-9]{%d,7})"[^>/]*>' % (letters, digits)
        + rb"(?:<f(?:\s[^>]*)?>[^<]*</f>|<f(?:\s[^>]*)?/>)?<(?:v>[^<]|is[\s>])"
    )


def _refuse_far_values(chunks: Iterable[bytes], part: str, sheet: str, limits: Limits) -> None:
    """One pass in C over the sheet's XML: a value past the limits inside ``<sheetData>``
    is refused before any of it is parsed. Where comments or CDATA could hide or fake a
    cell (``<!``), the pass stops and leaves the sheet to the parser; a hit is never
    wrong, a miss only means the parser decides."""
    pattern = _far_value(limits.max_rows, limits.max_columns)
    tail, inside = b"", False
    for chunk in chunks:
        window = tail + chunk
        tail = window[-512:]  # a cell cut by the chunk's end is whole in the next window
        if not inside:
            start = window.find(b"<sheetData")
            if start < 0:
                continue
            window, inside = window[start:], True
        stop = window.find(b"</sheetData")
        if b"<!" in window:
            return
        for match in pattern.finditer(window, 0, len(window) if stop < 0 else stop):
            row, col = _fast_ref(match.group(1).decode())
            if row > limits.max_rows or col > limits.max_columns:
                raise _beyond(part, sheet, row, col, limits)
        if stop >= 0:
            return


_QUICK_MAX_BYTES = 4 << 20
_QUICK_COLUMNS: dict[bytes, int] = {}
_NOT_FOLLOWED = (
    rb"<(?:!"  # a comment or CDATA, which may hide or fake elements from the patterns below
    rb"|\w+:(?:row|c|f|v|sheetData)[\s>/]"  # a namespace prefix on the elements we count
    rb"|(?:/row>|sheetData>|row\s[^>]*/>)\s*<c[\s>/]"  # a cell outside any row
    rb'|c(?=[\s>/])(?! r="%s"))'  # a cell not starting with a reference of this shape
)
_UNUSUAL = re.compile(_NOT_FOLLOWED % rb"[A-Z]{1,3}[1-9][0-9]{0,6}")
"""What the fast path does not follow (or a reference past column ZZZ or row 9,999,999)."""
_PAST_SMALL_BOX = re.compile(_NOT_FOLLOWED % rb"[A-Z][1-9][0-9]{0,2}")
SMALL_BOX = (999, 26)
"""Rows and columns (A1:Z999) holding every cell whose reference is one letter and at
most three digits: the forms' sheets, checked by one search."""
_FORMULA = re.compile(rb"<f[\s>/]")
_SPACE = rb"[\t\n\v\f\r ]"  # what Python's bytes patterns call \s, spelled out for RE2
_NOT_SMALL_REF = (  # not followed by [A-Z][1-9][0-9]{0,2}" (RE2 has no lookahead)
    rb'(?:[^A-Z]|\z|[A-Z](?:[^1-9]|\z|[1-9](?:[^0-9"]|\z|[0-9](?:[^0-9"]|\z'
    rb'|[0-9](?:[^"]|\z)))))'
)
_SMALL_AND_PLAIN = (
    rb"<f[\t\n\v\f\r />]"  # _FORMULA
    rb"|\"e\"|'e'"  # perhaps an error value
    rb"|<!"  # then what _PAST_SMALL_BOX finds, alternative by alternative
    rb"|<[0-9A-Za-z_]+:(?:row|c|f|v|sheetData)[\t\n\v\f\r />]"
    rb"|<(?:/row>|sheetData>|row" + _SPACE + rb"[^>]*/>)" + _SPACE + rb"*<c[\t\n\v\f\r />]"
    rb"|<c[\t\n\v\f\r>/]"
    rb'|<c (?:[^r]|\z|r(?:[^=]|\z|=(?:[^"]|\z|"' + _NOT_SMALL_REF + rb")))"
)
"""Everything that sends a sheet off the one-search path of :func:`_quick_scan`, for
RE2 (linear time, one pass in C): no match means no formula, no error value and every
cell within :data:`SMALL_BOX`. A match only means the Python patterns look closer."""
_SMALL_AND_PLAIN_SEARCH = re2_search(_SMALL_AND_PLAIN)
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_MERGE = re.compile(rb'<mergeCell\s[^>]*?\bref="([A-Z0-9:]+)"')


def _quick_scan(
    data: bytes, info: zipfile.ZipInfo, limits: Limits, sheet: str = ""
) -> SheetScan | None:
    """The common case in a fraction of the streaming pass's time, or None.

    A sheet of a few MB where every cell carries a plain reference first and no
    cell holds a formula or an error value is bounded by :data:`SMALL_BOX` when its
    references are that short, else by the box around all its cells, found by
    regular expressions: empty cells count too. The box may be larger than the
    values' (harmless: the reader reads values, not the box).
    Anything unusual (comments or CDATA, namespace prefixes, other spacing or
    quoting, formulas, errors), or a box past the limits, falls back to the
    streaming pass, which is the reference behaviour (and refuses what it must).
    """
    if info.file_size > _QUICK_MAX_BYTES:
        return None
    xml = inflate(data, info)  # never past its declared size
    small = _SMALL_AND_PLAIN_SEARCH is not None and _SMALL_AND_PLAIN_SEARCH(xml) is None
    if not small:  # the closer look, a pattern at a time
        if _FORMULA.search(xml):
            return None
        if b'"e"' in xml or b"'e'" in xml:
            return None  # perhaps an error value (t="e"): the streaming pass records them
        small = _PAST_SMALL_BOX.search(xml) is None
    scan = SheetScan()
    if small:
        if b'<c r="' in xml:
            scan.min_row = scan.min_col = 1
            scan.max_row, scan.max_col = SMALL_BOX
    elif _UNUSUAL.search(xml):
        return None
    else:
        _refuse_far_values((xml,), info.filename, sheet or info.filename, limits)
    if not small and (refs := _CELL_REF.findall(xml)):
        letters, digits = zip(*refs, strict=True)
        cols = []
        for name in set(letters):
            col = _QUICK_COLUMNS.get(name)
            if col is None:
                col = parse_ref(name.decode() + "1")[1]
                if len(_QUICK_COLUMNS) < 20_000:
                    _QUICK_COLUMNS[name] = col
            cols.append(col)
        rows = [int(number) for number in set(digits)]
        scan.min_row, scan.max_row = min(rows), max(rows)
        scan.min_col, scan.max_col = min(cols), max(cols)
        scan.cells = len(refs)
    if (scan.max_row > limits.max_rows or scan.max_col > limits.max_columns
            or scan.area > limits.max_cells):
        return None  # perhaps only empty cells out there: the streaming pass decides
    if (merges := xml.find(b"<mergeCell")) >= 0:
        for ref in _MERGE.findall(xml, merges):
            _add_merge(scan, ref.decode())
    return scan


def _add_merge(scan: SheetScan, ref: str) -> None:
    if len(scan.merges) >= _RECORDED_MAX or ":" not in ref:
        return
    first, _, last = ref.partition(":")
    try:
        r1, c1 = parse_ref(first)
        r2, c2 = parse_ref(last)
    except ValueError:
        return
    scan.merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
