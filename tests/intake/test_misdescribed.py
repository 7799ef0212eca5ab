"""Rejections that describe the file as it is (issue 23, point 6), with real small files
made here: a workbook a Mac zipped again (``__MACOSX/._*.xml`` AppleDouble blobs) or a
Windows tool zipped with backslash part names is read like the workbook it is; an
Excel 4.0 worksheet, a Lotus 1-2-3 file and a SYLK file are named as such; the Arabic
line words the format in Arabic (the English line keeps its English name)."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
from pathlib import Path

import pytest

from automation.core.department import Department
from automation.core.errors import UnreadableWorkbook
from automation.core.messages import format_ar
from automation.intake.pipeline import run_batch
from automation.intake.reader import read_workbook
from automation.intake.safety import check_workbook
from tests.department_factory import clock, filled_workbook, make_department, school_names
from tests.department_factory import maintenance_rows as rows_of

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
APPLE_DOUBLE = (  # what a Mac writes beside each file: a binary header, then attributes
    b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02\x00\x00\x00\x09\x00\x00\x00"
    b"\x32\x00\x00\x0e\xb0\x00\x00\x00\x02\x00\x00\x0e\xe2\x00\x00\x01\x1e" + b"\x00" * 64
    + b"ATTR\x00\x00\x00\x00com.apple.quarantine\x00<!DOCTYPE-like junk & <!ENTITY x>"
)


@pytest.fixture(scope="module")
def dept(tmp_path_factory: pytest.TempPathFactory) -> Department:
    return make_department(tmp_path_factory.mktemp("misdescribed") / "dept")


def _form(dept: Department, reference: str) -> bytes:
    header = {"school": school_names(dept)[0], "request_date": dt.date(2026, 3, 1),
              "channel": "كتاب رسمي", "reference": reference}
    buffer = io.BytesIO()
    filled_workbook(dept, "QF75-11", header, rows_of(2)).save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, rename: object = None, extra: dict[str, bytes] | None = None) -> bytes:
    """``data``'s entries zipped again, names passed through ``rename``, ``extra`` added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w",
                                                                   zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            name = rename(info.filename) if callable(rename) else info.filename
            entry = zipfile.ZipInfo(name, info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info))
        for name, blob in (extra or {}).items():
            dst.writestr(name, blob)
    return out.getvalue()


def _backslashed(data: bytes) -> bytes:
    """The zip with every ``/`` of its entry names written as ``\\`` (a byte for a byte:
    Python's zipfile would keep slashes on Windows, so the bytes are patched here)."""
    fixed = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        position = archive.start_dir
        for info in archive.infolist():
            offset = info.header_offset
            (length,) = struct.unpack_from("<H", data, offset + 26)
            fixed[offset + 30: offset + 30 + length] = data[offset + 30: offset + 30 + length
                                                            ].replace(b"/", b"\\")
            length, extra, comment = struct.unpack_from("<HHH", data, position + 28)
            fixed[position + 46: position + 46 + length] = data[
                position + 46: position + 46 + length].replace(b"/", b"\\")
            position += 46 + length + extra + comment
    return bytes(fixed)


def test_a_workbook_zipped_again_on_a_mac_or_with_backslashes_is_read(
    dept: Department,
) -> None:
    mac = _rezip(_form(dept, "MAC-1"), extra={
        "__MACOSX/._xl": APPLE_DOUBLE,
        "__MACOSX/xl/worksheets/._sheet1.xml": APPLE_DOUBLE,
        "__MACOSX/xl/._workbook.xml": APPLE_DOUBLE,
        ".DS_Store": b"\x00\x00\x00\x01Bud1" + b"\x00" * 32,
    })
    backslashed = _backslashed(_form(dept, "WIN-1"))
    with zipfile.ZipFile(io.BytesIO(backslashed)) as archive:  # the file really has them
        assert any("\\" in name for name in archive.namelist())
        assert "xl/workbook.xml" not in archive.namelist()
    (dept.inbox / "صيانة ماك.xlsx").write_bytes(mac)
    (dept.inbox / "صيانة ويندوز.xlsx").write_bytes(backslashed)
    batch = run_batch(dept, clock=clock(), documents=False)
    assert sorted((f.file, f.outcome, f.rows) for f in batch.files) == [
        ("صيانة ماك.xlsx", "accepted", 2), ("صيانة ويندوز.xlsx", "accepted", 2)]


def test_a_hostile_part_of_the_workbook_itself_is_still_refused(
    dept: Department, tmp_path: Path
) -> None:
    """Ignoring ``__MACOSX/`` does not open a door: a DOCTYPE in a part of the workbook
    (named with or without a ``._``-free path) is still hostile."""
    hostile = _rezip(_form(dept, "H-1"), extra={
        "xl/extra.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'})
    path = tmp_path / "h.xlsx"
    path.write_bytes(hostile)
    with pytest.raises(UnreadableWorkbook) as caught:
        check_workbook(path)
    assert caught.value.code == "hostile-xml"


def _rejected(tmp_path: Path, name: str, data: bytes) -> UnreadableWorkbook:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableWorkbook) as caught:
        read_workbook(path)
    return caught.value


def _biff(bof: int, version: int, kind: int = 0x0010) -> bytes:
    """A bare BIFF2–4 worksheet: BOF, a number in A1, EOF (as Excel 2.1–4.0 saved it)."""
    body = struct.pack("<HH", version, kind) + (b"\x00\x00" if bof != 0x0009 else b"")
    number = struct.pack("<HHHHHd", 0x0203, 14, 0, 0, 0x0F, 12.5)
    return struct.pack("<HH", bof, len(body)) + body + number + struct.pack("<HH", 0x000A, 0)


@pytest.mark.parametrize(("bof", "version"), [(0x0409, "4.0"), (0x0209, "3.0"),
                                              (0x0009, "2.1")])
def test_an_old_excel_file_is_named_as_such(tmp_path: Path, bof: int, version: str) -> None:
    error = _rejected(tmp_path, "قديم.xls", _biff(bof, 0x0000))
    assert error.code == "old-excel"
    assert f"Excel {version}" in error.message_en and ".xls" in error.message_en
    assert "قديم" in error.message_ar and version in error.message_ar
    assert "Save As" in error.message_en and "حفظ باسم" in error.message_ar


def test_other_legacy_formats_are_named(tmp_path: Path) -> None:
    lotus = _rejected(tmp_path, "lotus.wk1", b"\x00\x00\x02\x00\x06\x04" + b"\x00" * 40)
    assert lotus.code == "other-format" and "Lotus 1-2-3" in lotus.message_en
    assert "لوتس" in lotus.message_ar
    sylk = _rejected(tmp_path, "sylk.xls", b"ID;PWXL;N;E\r\nC;Y1;X1;K12\r\nE\r\n")
    assert sylk.code == "other-format" and "SYLK" in sylk.message_en


def _opendocument(mimetype: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
    return out.getvalue()


@pytest.mark.parametrize(("mimetype", "arabic"), [
    ("application/vnd.oasis.opendocument.presentation-template", "قالب عرض تقديمي"),
    ("application/vnd.oasis.opendocument.text", "مستند نصي"),
])
def test_the_arabic_line_words_the_format_in_arabic(
    tmp_path: Path, mimetype: str, arabic: str
) -> None:
    error = _rejected(tmp_path, "عرض.xlsx", _opendocument(mimetype))
    assert error.code == "other-format"
    english_name = "OpenDocument " + mimetype.rsplit(".", 1)[1]
    assert english_name in error.message_en
    assert arabic in error.message_ar
    what = error.message_ar.split("المطلوب:")[0]
    assert not [w for w in LATIN_WORD.findall(what) if w != "Excel"], what


@pytest.mark.parametrize("name", [
    "HTML", "MHTML", "PNG", "HEIC", "Excel 2003 XML", "OpenDocument flat XML (.fods)", "XML",
    "PowerPoint", "Visio", "Outlook (.msg)", "OLE2 (Office)", "Excel 97-2003 (.xls)",
    "OpenDocument (.ods)", "Excel (.xlsx)", "ZIP (method 14)", "Excel 4.0", "Lotus 1-2-3",
    "SYLK", "OpenDocument graphics-template", "something new"])
def test_every_format_the_intake_names_has_arabic_words(name: str) -> None:
    worded = format_ar(name)
    assert re.search("[\u0600-\u06ff]", worded)
    assert not [w for w in LATIN_WORD.findall(worded) if w != "Excel"], (name, worded)
