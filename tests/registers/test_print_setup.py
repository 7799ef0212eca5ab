"""Every register prints (issue 23, point 5): read from the written xlsx's XML, each sheet
of P1–P10, PLAN, OFFICE and OUTGOING is landscape A4 fitted to one page wide, titled in
its page header, its header row frozen and printed on every page, its columns adding up
to a width that stays readable on one page, dates never narrower than a date, headers
wrapping at spaces; each summary's title row is merged across the page and tall enough
for its 14-point title."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from ledger_factory import backend_ledger

from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.documents.correspondence import issue_number, void_number
from automation.registers.builder import register_path, write_registers
from automation.registers.layout import PAGE_WIDTH, column_width, header_width, text_lines
from automation.registers.outgoing import outgoing_path, write_outgoing_register
from automation.registers.sheets import SUMMARY

from .test_registers import ALL, NOW, build_ledger, references

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REGISTERS = (*ALL, "OFFICE")
SLACK = 40.0
"""Widths a sheet may take beyond :data:`PAGE_WIDTH` where fixed columns (dates, numbers,
headers' longest words: P10's summary has a column per form) leave no text column to
narrow: still printed at about 60% (before issue 23: 30%, with sheets 487 wide)."""
PADDING = 0.72
"""What Excel adds to each column's width in the file (5 pixels)."""


@pytest.fixture(scope="module")
def books(module_ledger: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    dept = Department(tmp_path_factory.mktemp("dept"))
    dept.ensure()
    with backend_ledger(dept.ledger_path) as ledger:
        build_ledger(ledger)
        write_registers(dept, ledger, REGISTERS, references=references(),
                        clock=FakeClock(NOW))
        with ledger.transaction() as conn:
            for day, to in ((dt.date(2026, 3, 1), "مدرسة الأمل الثانوية للبنات"),
                            (dt.date(2026, 4, 12), "مستودع المديرية")):
                issue_number(ledger, conn, prefix="ت ت/70", number_format="{prefix}/{year}/"
                             "{sequence}", day=day, now=NOW, kind="letter", to=to,
                             subject="إعادة نموذج طلب صيانة (أجهزة، شبكة) تقرير فني",
                             process="P1", document="outbox/letters/كتاب-إعادة.docx")
            void_number(conn, "ت ت/70/2026/2", "خطأ في الكشف")
        write_outgoing_register(dept, ledger)
    paths = {code: register_path(dept, code) for code in REGISTERS}
    paths["OUTGOING"] = outgoing_path(dept)
    return paths


def _sheets(path: Path) -> list[tuple[str, ElementTree.Element, str]]:
    """(name, worksheet XML, print titles) of every sheet of the workbook."""
    with zipfile.ZipFile(path) as zf:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        titles = {int(d.get("localSheetId", -1)): d.text or ""
                  for d in book.iterfind(".//m:definedName", NS)
                  if d.get("name") == "_xlnm.Print_Titles"}
        return [(s.get("name", ""), ElementTree.fromstring(
                    zf.read(f"xl/worksheets/sheet{i + 1}.xml")), titles.get(i, ""))
                for i, s in enumerate(book.iterfind(".//m:sheet", NS))]


def _widths(sheet: ElementTree.Element) -> list[float]:
    out: list[float] = []
    for col in sheet.iterfind(".//m:col", NS):
        out += [float(col.get("width", 0))] * (int(col.get("max", 0)) - int(col.get("min", 0))
                                                + 1)
    return out


@pytest.mark.parametrize("code", [*REGISTERS, "OUTGOING"])
def test_every_sheet_prints_landscape_one_page_wide_and_titled(
    books: dict[str, Path], code: str
) -> None:
    sheets = _sheets(books[code])
    assert sheets
    for name, sheet, print_titles in sheets:
        setup = sheet.find("m:pageSetup", NS)
        assert setup is not None, (code, name)
        assert (setup.get("paperSize"), setup.get("orientation"), setup.get("fitToWidth"),
                setup.get("fitToHeight")) == ("9", "landscape", "1", "0"), (code, name)
        fit = sheet.find("m:sheetPr/m:pageSetUpPr", NS)
        assert fit is not None and fit.get("fitToPage") == "1", (code, name)
        header = sheet.findtext("m:headerFooter/m:oddHeader", "", NS)
        assert "&C" in header and re.search("[\u0600-\u06ff]", header), (code, name, header)
        assert "&P" in sheet.findtext("m:headerFooter/m:oddFooter", "", NS)
        widths = _widths(sheet)
        assert sum(widths) - PADDING * len(widths) <= PAGE_WIDTH + SLACK, (code, name, widths)
        if name == SUMMARY:
            continue
        # a data sheet: its header row frozen and printed on every page
        pane = sheet.find("m:sheetViews/m:sheetView/m:pane", NS)
        assert pane is not None and pane.get("state") == "frozen", (code, name)
        assert pane.get("ySplit") == "1" and pane.get("topLeftCell") == "A2"
        assert print_titles.endswith("!$1:$1"), (code, name, print_titles)
        _check_columns(code, name, sheet, widths)


def _check_columns(code: str, name: str, sheet: ElementTree.Element,
                   widths: list[float]) -> None:
    """No header word split; a date column at least as wide as «15/10/2026»; a header
    that wraps has a row tall enough for its lines."""
    cells = sheet.findall("m:sheetData/m:row[@r='1']/m:c", NS)
    titles = ["".join(c.itertext()) for c in cells]
    assert len(titles) == len(widths), (code, name)
    lines = 1
    for title, width in zip(titles, widths, strict=True):
        assert width >= header_width(title) - 0.01, (code, name, title, width)
        if "تاريخ" in title:
            assert width >= column_width("date", "") >= len("15/10/2026"), (code, name, title)
        lines = max(lines, text_lines(title, width, 1.1))
    row = sheet.find("m:sheetData/m:row[@r='1']", NS)
    assert row is not None
    if lines > 1:
        assert float(row.get("ht", 0)) >= 15 * lines, (code, name, titles)


@pytest.mark.parametrize("code", REGISTERS)
def test_the_summary_title_row_fits(books: dict[str, Path], code: str) -> None:
    name, sheet, _ = _sheets(books[code])[0]
    assert name == SUMMARY
    first = sheet.find("m:sheetData/m:row[@r='1']", NS)
    assert first is not None
    title = "".join(first.itertext())
    assert title.startswith(f"{code} — ")
    assert float(first.get("ht", 0)) >= 22  # a 14-point title in a 15-point row is clipped
    last = len(_widths(sheet))
    merged = [m.get("ref") for m in sheet.iterfind("m:mergeCells/m:mergeCell", NS)]
    letter = chr(ord("A") + last - 1) if last <= 26 else "A" + chr(ord("A") + last - 27)
    assert f"A1:{letter}1" in merged, (code, merged)
    assert "A2:" + letter + "2" in merged  # the lines under it too


def test_outgoing_is_one_titled_sheet_with_its_void_number_struck(
    books: dict[str, Path]
) -> None:
    [(name, sheet, titles)] = _sheets(books["OUTGOING"])
    assert name == "سجل الصادر" and titles.endswith("!$1:$1")
    assert "سجل الصادر" in sheet.findtext("m:headerFooter/m:oddHeader", "", NS)
    with zipfile.ZipFile(books["OUTGOING"]) as zf:
        styles = zf.read("xl/styles.xml").decode()
    fonts = re.findall(r"<font>.*?</font>", styles)
    xfs = re.findall(r"<xf [^>]*>", styles.split("<cellXfs")[1])
    rows = sheet.findall("m:sheetData/m:row", NS)
    assert len(rows) == 3

    def struck(row: ElementTree.Element) -> bool:
        cell = row.find("m:c", NS)
        assert cell is not None
        font = int(re.search(r'fontId="(\d+)"', xfs[int(cell.get("s", 0))]).group(1))
        return "<strike/>" in fonts[font]

    assert [struck(r) for r in rows[1:]] == [False, True]


def test_a_register_written_with_openpyxl_can_print_the_same(tmp_path: Path) -> None:
    import openpyxl

    from automation.registers.layout import print_like_a_register

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["المدرسة", "الموعد"])
    ws.append(["مدرسة الأمل", "30/9/2026"])
    print_like_a_register(ws, "سجل المتابعة", "المدارس")
    wb.save(tmp_path / "c.xlsx")
    [(_, sheet, titles)] = _sheets(tmp_path / "c.xlsx")
    setup = sheet.find("m:pageSetup", NS)
    assert setup is not None and (setup.get("orientation"), setup.get("fitToWidth"),
                                  setup.get("fitToHeight")) == ("landscape", "1", "0")
    assert titles.endswith("$1:$1")
    assert "سجل المتابعة" in sheet.findtext("m:headerFooter/m:oddHeader", "", NS)
