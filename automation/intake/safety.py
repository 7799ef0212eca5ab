"""Check a dropped file before any parser touches it.

A file in ``inbox/`` may be anything: a legacy ``.xls``, a password-protected
workbook, a CSV renamed ``.xlsx``, a truncated download or a hostile archive
(zip bomb, XML entity tricks, a sheet claiming a million rows). Everything here
looks at bytes, the zip central directory and the first few kilobytes of XML
parts, with bounded memory and time, and raises :class:`UnreadableWorkbook`
with an Arabic message staff can act on.

:func:`scan_sheet` streams one worksheet's XML (``lxml.etree.iterparse``
without entities, DTDs or network) to bound the real extent of its data before
calamine builds its dense cell matrix, and collects what calamine does not
report: formulas without a cached value, error cells and merged ranges.
"""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from automation.core.errors import UnreadableWorkbook
from automation.text.byte_patterns import re2_search
from automation.text.normalize import clean_text

__all__ = [
    "MESSAGES_AR",
    "XML_OPTIONS",
    "DEFAULT_LIMITS",
    "CheckedWorkbook",
    "Deadline",
    "Limits",
    "PartMemo",
    "SheetScan",
    "check_workbook",
    "col_letter",
    "inspect_file",
    "parse_ref",
    "prolog_is_safe",
    "read_small_xml",
    "scan_sheet",
    "unreadable",
]

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on what a dropped workbook may cost to read.

    ``max_ratio`` applies to every zip entry over ``ratio_floor`` bytes
    uncompressed, and to the whole archive once it is over ``ratio_floor``.
    ``max_columns`` and ``max_rows`` bound the cells that hold a value (not the
    declared dimension). ``max_cells`` bounds the dense matrix calamine builds
    (height x width of the cells holding a value) and the number of cell
    elements streamed per sheet.
    """

    max_file_bytes: int = 50 * MB
    max_uncompressed: int = 200 * MB
    max_ratio: int = 200
    max_entries: int = 2000
    max_rows: int = 100_000
    max_columns: int = 500
    max_seconds: float = 30.0
    max_cells: int = 5_000_000
    ratio_floor: int = 1 * MB
    head_bytes: int = 4096
    max_small_xml: int = 16 * MB


DEFAULT_LIMITS = Limits()

_SAVE_AS_XLSX = "احفظ الملف بصيغة xlsx (مصنف Excel) ثم أرسله من جديد"

MESSAGES_AR: dict[str, str] = {
    "empty": "الملف فارغ",
    "xls": _SAVE_AS_XLSX,
    "encrypted": "الملف محمي بكلمة مرور، أزل كلمة المرور واحفظه ثم أرسله من جديد",
    "xlsb": "الملف بصيغة xlsb (مصنف ثنائي)؛ " + _SAVE_AS_XLSX,
    "csv": "الملف بصيغة CSV وليس مصنف Excel؛ افتحه في Excel ثم " + _SAVE_AS_XLSX,
    "ods": "الملف بصيغة ODS (جدول LibreOffice)؛ " + _SAVE_AS_XLSX,
    "not-xlsx": "الملف ليس مصنف Excel؛ " + _SAVE_AS_XLSX,
    "corrupt": "الملف تالف أو غير مكتمل ولا يمكن قراءته؛ افتحه في Excel واحفظه من جديد ثم أرسله",
    "too-large": (
        "الملف كبير جداً أو محتواه أكبر من المسموح به؛ قسّمه إلى ملفات أصغر ثم أرسله من جديد"
    ),
    "hostile-xml": "الملف يحتوي على بنية غير مسموح بها",
    "hostile-zip": "الملف يحتوي على بنية غير مسموح بها",
    "too-many-rows": "الملف يحتوي على عدد كبير جداً من الصفوف",
    "too-many-columns": "الملف يحتوي على عدد كبير جداً من الأعمدة",
    "too-slow": "استغرقت قراءة الملف وقتاً أطول من المسموح؛ تأكد من أنه نموذج صحيح ثم أرسله من جديد",
}


def unreadable(code: str, message_en: str, message_ar: str = "") -> UnreadableWorkbook:
    """An :class:`UnreadableWorkbook` with the staff message of ``code``."""
    return UnreadableWorkbook(message_en, message_ar or MESSAGES_AR[code], code=code)


class Deadline:
    """A wall-clock budget; :meth:`check` raises ``too-slow`` once it is spent."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise unreadable("too-slow", "reading the workbook took longer than allowed")


# ------------------------------------------------------------------ the file


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAMS = (
    "EncryptionInfo".encode("utf-16-le") + b"\x00\x00",
    "EncryptedPackage".encode("utf-16-le") + b"\x00\x00",
)
_EXTENSION_CODES = {
    ".xls": "xls",
    ".xlt": "xls",
    ".xlsb": "xlsb",
    ".csv": "csv",
    ".tsv": "csv",
    ".ods": "ods",
    ".fods": "ods",
}
_KINDS = {".xlsx": "xlsx", ".xlsm": "xlsm"}
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass
class CheckedWorkbook:
    """A dropped file that passed every check: its bytes, kind and open archive."""

    path: Path
    data: bytes
    kind: str
    archive: zipfile.ZipFile

    def close(self) -> None:
        self.archive.close()


def inspect_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """Check a dropped file before parsing; return its kind (``xlsx``/``xlsm``).

    Raises :class:`UnreadableWorkbook` (codes: empty, xls, encrypted, xlsb,
    csv, ods, not-xlsx, corrupt, too-large, hostile-zip, hostile-xml).
    """
    checked = check_workbook(path, limits)
    checked.close()
    return checked.kind


def check_workbook(
    path: Path, limits: Limits = DEFAULT_LIMITS, data: bytes | None = None
) -> CheckedWorkbook:
    """Read ``path`` once (bounded) and check it; keep the bytes for the reader.
    ``data`` is the file's content when the caller has already read it."""
    path = Path(path)
    if data is None:
        data = read_bounded(path, limits)
    if len(data) > limits.max_file_bytes:
        raise unreadable("too-large", f"file is over {limits.max_file_bytes} bytes")
    if not data:
        raise unreadable("empty", "the file is empty")
    if data.startswith(OLE_SIGNATURE):
        if any(name in data for name in _ENCRYPTED_STREAMS):
            raise unreadable("encrypted", "password-protected workbook (OLE EncryptedPackage)")
        raise unreadable("xls", "legacy .xls workbook (OLE2 compound file)")
    suffix = clean_text(path.suffix).lower()
    if suffix not in _KINDS:
        code = _EXTENSION_CODES.get(suffix, "not-xlsx")
        raise unreadable(code, f"unsupported file extension {suffix!r}")
    archive = _open_zip(data, limits)
    try:
        kind = _check_package(archive, limits, default_kind=_KINDS[suffix], data=data)
    except BaseException:
        archive.close()
        raise
    return CheckedWorkbook(path=path, data=data, kind=kind, archive=archive)


def read_bounded(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """A dropped file's bytes; ``too-large`` past the size limit, ``corrupt`` when
    it cannot be read."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise unreadable("too-large", f"file is {size} bytes, over {limits.max_file_bytes}")
        with path.open("rb") as handle:
            return handle.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise unreadable("corrupt", f"cannot read the file: {exc}") from exc


def _end_of_central_directory(data: bytes) -> int:
    """Offset of the end-of-central-directory record, or -1."""
    return data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))


def _declared_entries(data: bytes, eocd: int) -> tuple[int, int]:
    """(entry count, central directory size) as the archive declares them."""
    if eocd + 22 > len(data):
        raise unreadable("corrupt", "truncated end of central directory")
    entries, cd_size = struct.unpack_from("<HI", data, eocd + 10)
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        locator = eocd - 20
        if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
            (offset,) = struct.unpack_from("<Q", data, locator + 8)
            if offset + 56 <= len(data) and data[offset : offset + 4] == b"PK\x06\x06":
                entries, cd_size = struct.unpack_from("<QQ", data, offset + 32)
    return entries, cd_size


def _open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    if not data.startswith(b"PK"):
        raise unreadable("not-xlsx", "not a zip archive (no PK signature)")
    eocd = _end_of_central_directory(data)
    if eocd < 0:
        raise unreadable("corrupt", "zip archive without a central directory (truncated?)")
    entries, cd_size = _declared_entries(data, eocd)
    if entries > limits.max_entries or cd_size > limits.max_entries * 1024:
        raise unreadable("too-large", f"zip declares {entries} entries ({cd_size} bytes)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise unreadable("corrupt", f"bad zip archive: {exc}") from exc
    try:
        _check_entries(archive.infolist(), limits)
    except BaseException:
        archive.close()
        raise
    return archive


_DRIVE_RE = re.compile(r"^[A-Za-z]:")


def _check_entries(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Zip bomb and structure checks on the central directory (nothing is inflated)."""
    if len(infos) > limits.max_entries:
        raise unreadable("too-large", f"zip has {len(infos)} entries")
    total = compressed = 0
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or _DRIVE_RE.match(name) or "\x00" in name:
            raise unreadable("hostile-zip", f"zip entry with an unsafe name {name!r}")
        if name.lower() in seen:
            raise unreadable("hostile-zip", f"duplicate zip entry {name!r}")
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            raise unreadable("corrupt", f"zip entry {name!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise unreadable("corrupt", f"zip entry {name!r} uses method {info.compress_type}")
        if info.file_size > limits.ratio_floor and (
            info.file_size > limits.max_ratio * max(info.compress_size, 1)
        ):
            raise unreadable(
                "too-large",
                f"zip entry {name!r} inflates {info.compress_size} -> {info.file_size} bytes",
            )
        total += info.file_size
        compressed += info.compress_size
        if total > limits.max_uncompressed:
            raise unreadable("too-large", f"zip inflates to over {limits.max_uncompressed} bytes")
    if total > limits.ratio_floor and total > limits.max_ratio * max(compressed, 1):
        raise unreadable("too-large", f"zip inflates {compressed} -> {total} bytes in total")


def _check_package(
    archive: zipfile.ZipFile, limits: Limits, default_kind: str, data: bytes
) -> str:
    """The zip holds a spreadsheet package whose XML parts declare no DTD. The parts'
    first bytes are inflated straight from the archive's ``data``."""
    names = {info.filename.lower(): info.filename for info in archive.infolist()}
    if "mimetype" in names:
        head = _read_head(archive, names["mimetype"], 256)
        if head.startswith(_ODS_MIMETYPE):
            raise unreadable("ods", "OpenDocument spreadsheet renamed .xlsx")
    if "xl/workbook.bin" in names:
        raise unreadable("xlsb", "binary workbook (xl/workbook.bin)")
    if "xl/workbook.xml" not in names:
        raise unreadable("not-xlsx", "zip without xl/workbook.xml")
    for lower, name in names.items():
        if lower.endswith((".xml", ".rels", ".vml")):
            info = archive.getinfo(name)
            seen = _SAFE_PARTS.key(data, info)
            if seen is not None and seen in _SAFE_PARTS:
                continue
            head = _inflate_head(data, info, limits.head_bytes)
            if head is None:
                head = _read_head(archive, name, limits.head_bytes)
            if not prolog_is_safe(head):
                raise unreadable("hostile-xml", f"{name} declares a DTD or has an odd prolog")
            if seen is not None:
                _SAFE_PARTS.add(seen, True)
    kind = default_kind
    types = names.get("[content_types].xml")
    if types is not None:
        content = read_small_xml(archive, types, limits)
        if b"sheet.binary" in content:
            raise unreadable("xlsb", "content types declare a binary workbook")
        kind = "xlsm" if b"macroEnabled.main" in content else "xlsx"
    return kind


class PartMemo:
    """What was found in a small part, remembered by its exact stored bytes (:meth:`key`,
    or other exact bytes as the key): copies of one blank form share their styles, theme,
    ``_meta`` and workbook parts byte for byte. Bounded: when full it starts again (parts
    seen once, such as a file's own properties, would otherwise keep out the blank forms
    of later months)."""

    def __init__(self, max_stored: int = 4_096, max_entries: int = 2_000) -> None:
        self._found: dict[Hashable, object] = {}
        self._max_stored = max_stored
        self._max_entries = max_entries

    def key(self, data: bytes, info: zipfile.ZipInfo) -> tuple[int, bytes] | None:
        """The part's key (its compression and stored bytes), None when too large to keep."""
        if info.compress_size > self._max_stored:
            return None
        raw = _raw_entry(data, info)
        return None if raw is None else (info.compress_type, bytes(raw))

    def __contains__(self, key: Hashable) -> bool:
        return key in self._found

    def get(self, key: Hashable) -> object:
        return self._found[key]

    def add(self, key: Hashable, found: object) -> None:
        if len(self._found) >= self._max_entries:
            self._found.clear()
        self._found[key] = found


_SAFE_PARTS = PartMemo()
"""Parts whose prolog was found safe."""


def _read_head(archive: zipfile.ZipFile, name: str, size: int) -> bytes:
    try:
        with archive.open(name) as stream:
            return stream.read(size)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
        raise unreadable("corrupt", f"cannot inflate {name}: {exc}") from exc
    except Exception as exc:  # zlib.error and friends
        raise unreadable("corrupt", f"cannot inflate {name}: {exc!r}") from exc


def _raw_entry(data: bytes, info: zipfile.ZipInfo) -> memoryview | None:
    """An entry's bytes as stored in the archive (compressed), or None when its local
    header is not where the central directory says."""
    offset = info.header_offset
    if data[offset : offset + 4] != b"PK\x03\x04" or offset + 30 > len(data):
        return None
    name_length, extra_length = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_length + extra_length
    return memoryview(data)[start : start + info.compress_size]


def _inflate_head(data: bytes, info: zipfile.ZipInfo, size: int) -> bytes | None:
    """The first ``size`` bytes of an entry, inflated from the archive's bytes without
    the zipfile machinery; None when the entry is not a plain stored or deflated one
    (zipfile then reads it, and reports what is wrong)."""
    raw = _raw_entry(data, info)
    if raw is None:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        return bytes(raw[:size])
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return None
    try:
        return zlib.decompressobj(-15).decompress(raw, size)
    except zlib.error as exc:
        raise unreadable("corrupt", f"cannot inflate {info.filename}: {exc}") from exc


def read_small_xml(archive: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    """A whole structural part (workbook, rels, content types), bounded in size."""
    info = archive.getinfo(name)
    if info.file_size > limits.max_small_xml:
        raise unreadable("too-large", f"{name} is {info.file_size} bytes")
    return _read_head(archive, name, limits.max_small_xml + 1)


_NAME_START_RE = re.compile(r"[A-Za-z_:\u00c0-\uffff]")


def _decode_head(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:].decode("utf-8", errors="ignore")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        little = head.startswith(b"\xff\xfe") or head[:1] == b"<"
        body = head[2:] if head[:2] in (b"\xff\xfe", b"\xfe\xff") else head
        body = body[: len(body) // 2 * 2]
        return body.decode("utf-16-le" if little else "utf-16-be", errors="ignore")
    return head.decode("utf-8", errors="ignore")


def prolog_is_safe(head: bytes) -> bool:
    """Whether an XML part's first bytes reach its root element with no DTD.

    Real Excel parts are ``<?xml …?>`` then the root element. A ``<!DOCTYPE``
    (entity tricks), or a prolog too long to see the root in ``head``, is not
    safe.
    """
    if not head.strip():
        return True  # an empty part is the parser's problem (corrupt), not hostile
    text = _decode_head(head)
    if "<!" in text and ("<!DOCTYPE" in (upper := text.upper()) or "<!ENTITY" in upper):
        return False
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n\ufeff":
            pos += 1
        if text.startswith("<?", pos):
            closing = "?>"
        elif text.startswith("<!--", pos):
            closing = "-->"
        elif text.startswith("<", pos) and _NAME_START_RE.match(text, pos + 1):
            return True
        else:
            return False
        end = text.find(closing, pos + 2)
        if end < 0:
            return False
        pos = end + len(closing)


# ---------------------------------------------------------------- the sheets


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


def col_letter(col: int) -> str:
    """1 -> ``A``, 28 -> ``AB``."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


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

    def __init__(self, part: str, limits: Limits, deadline: Deadline | None) -> None:
        self.part = part
        self.limits = limits
        self.deadline = deadline
        self.scan = SheetScan()
        self.elements = 0
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
        if self.elements & 0xFFFF == 0:
            self._budget()
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
            raise unreadable("too-large", f"{self.part} has over {self.elements} elements")

    def _end_cell(self) -> None:
        scan, limits = self.scan, self.limits
        row, col = self.cell_row, self.cell_col
        if self.has_formula and not self.has_value and self.saw_v and self.cell_type == "str":
            self.has_value = True  # a formula whose cached result is ""
        if self.has_formula and not self.has_value:
            if row <= limits.max_rows and col <= limits.max_columns:
                if len(scan.formulas_without_value) < _RECORDED_MAX:
                    scan.formulas_without_value[(row, col)] = f"{col_letter(col)}{row}"
            return
        if not self.has_value:
            return
        if row > limits.max_rows:
            raise unreadable("too-many-rows", f"{self.part} has a value in row {row}")
        if col > limits.max_columns:
            raise unreadable("too-many-columns", f"{self.part} has a value in column {col}")
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
    archive: zipfile.ZipFile, part: str, limits: Limits, deadline: Deadline | None = None
) -> SheetScan:
    """Stream one worksheet part and bound it before calamine loads it.

    Raises ``too-many-rows`` / ``too-many-columns`` as soon as a value lies
    beyond the limits, ``too-large`` when the dense matrix calamine would
    build (or the number of XML elements) exceeds ``max_cells``, ``corrupt``
    on bad XML. No tree is built: memory stays flat whatever the sheet holds.
    """
    quick = _quick_scan(archive, part, limits)
    return quick if quick is not None else full_scan(archive, part, limits, deadline)


def full_scan(
    archive: zipfile.ZipFile, part: str, limits: Limits, deadline: Deadline | None = None
) -> SheetScan:
    """The streaming pass of :func:`scan_sheet`: every element seen by an lxml target."""
    target = _SheetTarget(part, limits, deadline)
    parser = etree.XMLParser(target=target, **XML_OPTIONS)
    try:
        with archive.open(part) as stream:
            while True:
                chunk = stream.read(1 << 16)
                if not chunk:
                    break
                parser.feed(chunk)
            scan: SheetScan = parser.close()
    except UnreadableWorkbook:
        raise
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise unreadable("corrupt", f"bad XML in {part}: {exc}") from exc
    except Exception as exc:  # zlib/zipfile errors while streaming
        raise unreadable("corrupt", f"cannot stream {part}: {exc!r}") from exc
    if scan.area > limits.max_cells:
        raise unreadable("too-large", f"{part} spans {scan.area} cells")
    return scan


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


def _quick_scan(archive: zipfile.ZipFile, part: str, limits: Limits) -> SheetScan | None:
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
    try:
        if archive.getinfo(part).file_size > _QUICK_MAX_BYTES:
            return None
        data = archive.read(part)
    except (KeyError, OSError, zipfile.BadZipFile, EOFError, RuntimeError):
        return None
    if len(data) > _QUICK_MAX_BYTES:
        return None
    small = _SMALL_AND_PLAIN_SEARCH is not None and _SMALL_AND_PLAIN_SEARCH(data) is None
    if not small:  # the closer look, a pattern at a time
        if _FORMULA.search(data):
            return None
        if b'"e"' in data or b"'e'" in data:
            return None  # perhaps an error value (t="e"): the streaming pass records them
        small = _PAST_SMALL_BOX.search(data) is None
    scan = SheetScan()
    if small:
        if b'<c r="' in data:
            scan.min_row = scan.min_col = 1
            scan.max_row, scan.max_col = SMALL_BOX
    elif _UNUSUAL.search(data):
        return None
    elif refs := _CELL_REF.findall(data):
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
    if (merges := data.find(b"<mergeCell")) >= 0:
        for ref in _MERGE.findall(data, merges):
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
