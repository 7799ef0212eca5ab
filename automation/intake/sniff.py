"""What a dropped file is, decided from its bytes, never from its name.

Staff rename files (an ``.xlsx`` saved as ``.xls`` or ``.csv``), web systems export
HTML called ``.xls``, phones send photos of forms. :func:`sniff` looks at the first
bytes only: a zip (an Excel or OpenDocument workbook, or something else: the
package check decides), an OLE2 compound file (a legacy ``.xls``, a password-
protected workbook, a Word ``.doc``: the compound file's directory decides),
an Excel 2.1–4.0 worksheet or workbook (a bare BIFF stream, no compound file: a format
the product does not read, named as such), or one of the formats that are not workbooks
at all, each with its own message.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OLE_SIGNATURE", "Sniffed", "sniff"]

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of an OLE2 compound file (:mod:`~automation.intake.legacy` reads it)."""


@dataclass(frozen=True)
class Sniffed:
    """``kind`` is ``zip`` or ``ole`` (containers looked into next), or the rejection code
    of a file that is no workbook (``empty-file``, ``csv``, ``web-page``, ``pdf``, ``image``,
    ``word``, ``old-excel``, ``other-format``, ``not-a-workbook``); ``format`` names it for
    people, in English (:func:`automation.core.messages.format_ar` words it in Arabic)."""

    kind: str
    format: str = ""


_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_OLD_EXCEL = (  # the BOF record that starts a bare BIFF stream: id, then its length
    (b"\x09\x00\x04\x00", "Excel 2.1"),
    (b"\x09\x02\x06\x00", "Excel 3.0"),
    (b"\x09\x04\x06\x00", "Excel 4.0"),
)
_LOTUS = (b"\x00\x00\x02\x00\x04\x04", b"\x00\x00\x02\x00\x05\x04",
          b"\x00\x00\x02\x00\x06\x04", b"\x00\x00\x1a\x00\x00\x10",
          b"\x00\x00\x1a\x00\x02\x10", b"\x00\x00\x1a\x00\x03\x10")
"""The BOF records of Lotus 1-2-3 (.wks, .wk1, .wk3, .wk4)."""
_TEXT_CONTROLS = frozenset(range(0, 32)) - {9, 10, 12, 13}
_SAMPLE = 8192


def sniff(data: bytes) -> Sniffed:
    """The kind of file ``data`` holds (see :class:`Sniffed`)."""
    if not data:
        return Sniffed("empty-file")
    head = data[:_SAMPLE]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return Sniffed("zip", "ZIP")
    if head.startswith(OLE_SIGNATURE):
        return Sniffed("ole", "OLE2")
    for magic, name in _OLD_EXCEL:
        if head.startswith(magic):
            return Sniffed("old-excel", name)
    if head.startswith(_LOTUS):
        return Sniffed("other-format", "Lotus 1-2-3")
    if head.startswith(b"%PDF"):
        return Sniffed("pdf", "PDF")
    for magic, name in _IMAGES:
        if head.startswith(magic):
            return Sniffed("image", name)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "WebP")
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return Sniffed("image", "HEIC")
    if head.startswith(b"BM") and len(head) > 26 and head[6:10] == b"\x00\x00\x00\x00":
        return Sniffed("image", "BMP")
    if head.startswith(b"{\\rtf"):
        return Sniffed("word", "RTF")
    text = _as_text(head)
    if text is None:
        return Sniffed("not-a-workbook")
    return _text_kind(text)


def _as_text(head: bytes) -> str | None:
    """The sample decoded, when it is text (UTF-8/16 or a one-byte Windows code page)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[2 : len(head) // 2 * 2].decode(
            "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be", "replace"
        )
        return text if text.count("\ufffd") <= len(text) // 100 + 1 else None
    if sum(1 for byte in head if byte in _TEXT_CONTROLS) > len(head) // 200:
        return None  # binary: NUL and other controls do not occur in text
    try:
        return head.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut by the end of the sample
            return head[: exc.start].removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    return head.decode("cp1256", "replace")  # Excel's "CSV" on an Arabic Windows


def _text_kind(text: str) -> Sniffed:
    start = text.lstrip(" \t\r\n\ufeff")[:2048].lower()
    if start.startswith(("<!doctype html", "<html", "<table", "<head", "<body", "<meta",
                         "<style")) or "<html" in start[:512]:
        return Sniffed("web-page", "HTML")
    if start.startswith("id;p"):  # SYLK, Excel's old symbolic link text format
        return Sniffed("other-format", "SYLK")
    if start.startswith("mime-version:") and "multipart/related" in start:
        return Sniffed("web-page", "MHTML")
    if start.startswith("<?xml") or start.startswith("<"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in text[:_SAMPLE].lower():
            return Sniffed("other-format", "Excel 2003 XML")
        if "urn:oasis:names:tc:opendocument" in text[:_SAMPLE].lower():
            return Sniffed("other-format", "OpenDocument flat XML (.fods)")
        return Sniffed("other-format", "XML")
    return Sniffed("csv", "CSV")
