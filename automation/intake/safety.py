"""Check a dropped file before any parser touches it: the one place of the safety checks.

A file in ``inbox/`` may be anything: an ``.xlsx`` renamed ``.xls`` or ``.csv``, a
real legacy ``.xls`` or an ``.ods``, a password-protected workbook, a CSV, a photo
of a form, a truncated download or a hostile archive (zip bomb, entries lying about
their size, XML entity tricks, a sheet claiming a million rows). :func:`check_workbook`
decides what the file is from its bytes (:mod:`~automation.intake.sniff`), checks
its container (:mod:`~automation.intake.zip_reader`, :mod:`~automation.intake.legacy`)
and the prologs of its XML parts here, all with bounded memory and time and against
the one table of limits (:mod:`~automation.intake.limits`). What fails raises
:class:`UnreadableWorkbook` carrying the table's messages
(:mod:`automation.core.messages`): what is wrong and what to do, in Arabic and in
English. The sheets themselves are bounded as they are read
(:mod:`~automation.intake.sheet_scan`).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from automation.core.errors import UnreadableWorkbook
from automation.core.messages import unreadable
from automation.intake.limits import DEFAULT_LIMITS, MB, Deadline, Limits, size_text
from automation.intake.sheet_scan import (
    XML_OPTIONS,
    SheetScan,
    full_scan,
    parse_ref,
    scan_sheet,
)
from automation.intake.sniff import sniff
from automation.intake.zip_reader import (
    PartMemo,
    foreign_entry,
    forward_slashes,
    inflate_head,
    open_zip,
    read_head,
    verify_entries,
)
from automation.text.arabic import clean_text

if TYPE_CHECKING:  # the legacy reader is imported by the few .xls / .ods files only
    from automation.intake.legacy import LegacyScan

__all__ = [
    "DEFAULT_LIMITS",
    "MB",
    "XML_OPTIONS",
    "CheckedWorkbook",
    "Deadline",
    "Limits",
    "PartMemo",
    "SheetScan",
    "check_workbook",
    "full_scan",
    "inspect_file",
    "parse_ref",
    "prolog_is_safe",
    "read_bounded",
    "read_small_xml",
    "scan_sheet",
    "unreadable",
]

_ODS_MIMETYPES = (b"application/vnd.oasis.opendocument.spreadsheet",)
_OTHER_ZIPS = (  # a part that tells what else a zip is
    ("word/document.xml", "word", "Word"),
    ("ppt/presentation.xml", "other-format", "PowerPoint"),
    ("visio/document.xml", "other-format", "Visio"),
)


@dataclass
class CheckedWorkbook:
    """A dropped file that passed every check: its bytes, its kind (``xlsx``, ``xlsm``,
    ``xltx``, ``xltm``, or ``xls`` / ``ods`` for the fallback reader), its open archive
    (none for ``xls``) and, for ``xls`` / ``ods``, the extent of every sheet."""

    path: Path
    data: bytes
    kind: str
    archive: zipfile.ZipFile | None
    legacy: LegacyScan | None = None

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()


def inspect_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """Check a dropped file before parsing; return its kind (see :class:`CheckedWorkbook`).

    Raises :class:`UnreadableWorkbook` with a code of the table of messages.
    """
    checked = check_workbook(path, limits)
    checked.close()
    return checked.kind


def check_workbook(
    path: Path, limits: Limits = DEFAULT_LIMITS, data: bytes | None = None,
    deadline: Deadline | None = None,
) -> CheckedWorkbook:
    """Read ``path`` once (bounded) and check it; keep the bytes for the reader.
    ``data`` is the file's content when the caller has already read it."""
    path = Path(path)
    if data is None:
        data = read_bounded(path, limits)
    if len(data) > limits.max_file_bytes:
        raise _too_large(len(data), limits)
    found = sniff(data)
    suffix = clean_text(path.suffix).lower()
    if found.kind == "ole":
        return _check_ole(path, data, limits, deadline)
    if found.kind != "zip":
        raise unreadable(found.kind, f"the content is {found.format or found.kind}, "
                         f"named {suffix or 'without extension'}", format=found.format)
    archive = open_zip(data, limits)
    mended = forward_slashes(data, archive)
    if mended is not None:  # `xl\workbook.xml`: read as the workbook it is
        archive.close()
        data = mended
        archive = open_zip(data, limits)
    try:
        kind = _check_package(archive, limits, data)
        if kind == "ods":
            from automation.intake.legacy import scan_ods

            verify_entries(data, archive, skip=lambda name: name.lower() == "content.xml")
            legacy = scan_ods(data, archive, limits, deadline)  # streams content.xml itself
            return CheckedWorkbook(path, data, kind, archive, legacy)
        verify_entries(data, archive, skip=_worksheet_part)  # sheets: streamed by their scan
    except BaseException:
        archive.close()
        raise
    return CheckedWorkbook(path, data, kind, archive)


def _worksheet_part(name: str) -> bool:
    lower = name.lower()
    return lower.startswith("xl/worksheets/") and lower.endswith(".xml")


def _too_large(size: int, limits: Limits) -> UnreadableWorkbook:
    return unreadable("too-large", f"file is {size} bytes, over {limits.max_file_bytes}",
                      size=size_text(size), limit=size_text(limits.max_file_bytes))


def read_bounded(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """A dropped file's bytes; ``too-large`` past the size limit, ``corrupt`` when
    it cannot be read."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise _too_large(size, limits)
        with path.open("rb") as handle:
            return handle.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise unreadable("corrupt", f"cannot read the file: {exc}") from exc


def _check_ole(path: Path, data: bytes, limits: Limits, deadline: Deadline | None
               ) -> CheckedWorkbook:
    """An OLE2 compound file: a legacy workbook (bounded for the fallback reader), a
    password-protected one, or another Office file."""
    from automation.intake.legacy import OleFile, scan_xls

    try:
        ole = OleFile(data)
    except ValueError as exc:
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise unreadable("encrypted", f"password-protected workbook ({exc})") from exc
        raise unreadable("corrupt", f"damaged OLE2 compound file: {exc}") from exc
    if ole.has("EncryptionInfo", "EncryptedPackage"):
        raise unreadable("encrypted", "password-protected workbook (OLE EncryptedPackage)")
    if ole.has("Workbook", "Book"):
        return CheckedWorkbook(path, data, "xls", None, scan_xls(ole, limits, deadline))
    if ole.has("WordDocument"):
        raise unreadable("word", "an OLE2 Word document (WordDocument stream)")
    if ole.has("PowerPoint Document"):
        raise unreadable("other-format", "an OLE2 PowerPoint file", format="PowerPoint")
    if any(name.startswith("__substg1.0_") for name in ole.entries):
        raise unreadable("other-format", "an Outlook message", format="Outlook (.msg)")
    raise unreadable("other-format", f"an OLE2 file with {sorted(ole.entries)[:8]}",
                     format="OLE2 (Office)")


def _check_package(archive: zipfile.ZipFile, limits: Limits, data: bytes) -> str:
    """What the zip holds (a spreadsheet package, or what else it is); its XML parts
    declare no DTD (their first bytes are inflated straight from ``data``). Entries no
    spreadsheet program wrote (``__MACOSX/._*``: :func:`foreign_entry`) are not judged."""
    names = {info.filename.lower(): info.filename for info in archive.infolist()
             if not foreign_entry(info.filename)}
    kind = ""
    if "mimetype" in names:
        head = read_head(archive, names["mimetype"], 256)
        if head.startswith(_ODS_MIMETYPES):
            kind = "ods"
        elif head.startswith(b"application/vnd.oasis.opendocument."):
            raise unreadable("other-format", f"OpenDocument {head[35:80]!r}",
                             format="OpenDocument " + head[35:60].decode("ascii", "replace"))
    if not kind and "xl/workbook.bin" in names:
        raise unreadable("xlsb", "binary workbook (xl/workbook.bin)")
    if not kind and "xl/workbook.xml" not in names:
        for part, code, name in _OTHER_ZIPS:
            if part in names:
                raise unreadable(code, f"a zip holding {part}", format=name)
        if "[content_types].xml" in names:
            raise unreadable("not-a-workbook", "an Open XML package without a workbook")
        raise unreadable("zip-archive", f"a zip of {len(names)} entries, no workbook")
    for lower, name in names.items():
        if lower.endswith((".xml", ".rels", ".vml")):
            info = archive.getinfo(name)
            seen = _SAFE_PARTS.key(data, info)
            if seen is not None and seen in _SAFE_PARTS:
                continue
            head = inflate_head(data, info, limits.head_bytes)
            if head is None:
                head = read_head(archive, name, limits.head_bytes)
            if not prolog_is_safe(head):
                raise unreadable("hostile-xml", f"{name} declares a DTD or has an odd prolog")
            if seen is not None:
                _SAFE_PARTS.add(seen, True)
    if kind:
        return kind
    types = names.get("[content_types].xml")
    if types is None:
        return "xlsx"
    content = read_small_xml(archive, types, limits)
    if b"sheet.binary" in content:
        raise unreadable("xlsb", "content types declare a binary workbook")
    template = b"spreadsheetml.template.main" in content or b"template.macroEnabled" in content
    macros = b"macroEnabled.main" in content or b"addin.macroEnabled" in content
    return ("xltm" if macros else "xltx") if template else ("xlsm" if macros else "xlsx")


_SAFE_PARTS = PartMemo()
"""Parts whose prolog was found safe."""


def read_small_xml(archive: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    """A whole structural part (workbook, rels, content types), bounded in size."""
    info = archive.getinfo(name)
    if info.file_size > limits.max_small_xml:
        raise unreadable("content-too-large", f"{name} is {info.file_size} bytes",
                         limit=size_text(limits.max_small_xml))
    return read_head(archive, name, limits.max_small_xml + 1)


def _name_starts(text: str, pos: int) -> bool:
    """An element's name starts at ``pos``: an ASCII letter, ``_``, ``:`` or a character
    from U+00C0 to U+FFFF (a comparison: the same class as a regex costs ~15 ms at start)."""
    if pos >= len(text):
        return False
    char = text[pos]
    return ("a" <= char <= "z" or "A" <= char <= "Z" or char in "_:"
            or "\u00c0" <= char <= "\uffff")


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
        elif text.startswith("<", pos) and _name_starts(text, pos + 1):
            return True
        else:
            return False
        end = text.find(closing, pos + 2)
        if end < 0:
            return False
        pos = end + len(closing)
