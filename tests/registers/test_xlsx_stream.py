"""The streaming .xlsx writer, read back with openpyxl, python-calamine and LibreOffice."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import time
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.utils.datetime import to_excel
from python_calamine import CalamineWorkbook

from automation.registers.xlsx_cells import excel_serial
from automation.registers.xlsx_stream import Column, XlsxStream

D = dt.date
STAMP = dt.datetime(2026, 5, 2, 9, 30)
SHEET = "سجل الصيانة"
HOSTILE = ["=1+2", "+966", "-1", "@SUM(A1)", '=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0"]
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
WORKSHEET_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
]
"""CT_Worksheet's sequence (ECMA-376 sml.xsd), as far as it matters here."""

COLUMNS = [
    Column("نص", 20), Column("عدد", 10, "int"), Column("دينار", 13, "jod"),
    Column("نسبة", 8, "pct"), Column("رقم", 10, "number"), Column("تاريخ", 12, "date"),
    Column("شهر", 10, "month"), Column("وقت الاستلام", 16, "stamp"),
]
ROWS: list[list[object]] = [
    ["مدرسة الأمل", 7, Decimal("12.500"), 85.5, 3.25, D(2026, 3, 15), D(2026, 3, 1), STAMP],
    ['a & b <c> "d" \'e\'', 1234567, 0.001, 0, -2, dt.datetime(2026, 1, 31), D(1900, 1, 1),
     dt.datetime(1900, 3, 1, 12)],
    [None] * 8,
    ["", True, "نص", None, float("nan"), "ليس تاريخاً", D(1899, 12, 1), None],
]


def write_sample(path: Path, *, rows_known: bool = True) -> Path:
    with XlsxStream(path, title="تجربة", author="ETI", created=STAMP) as book:
        sheet = book.add_sheet(SHEET, COLUMNS, rows=len(ROWS) if rows_known else None,
                               header_height=30)
        for row in ROWS:
            sheet.write_row(row)
        write_summary(book)
    return path


def write_summary(book: XlsxStream) -> None:
    """The sample's second sheet, «ملخص»: cells of every summary kind."""
    summary = book.add_sheet("ملخص", [Column(width=40), Column(width=12)], header=False,
                             landscape=False)
    summary.write_cells([("العنوان", "title")])
    summary.write_cells([("ملاحظة", "note")])
    summary.skip_row()
    summary.write_cells([("قسم", "subtitle")])
    summary.write_cells([("البند", "header"), ("القيمة", "header")], height=32)
    summary.write_cells([("المجموع", "total"), (Decimal("10.5"), "jod")])


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample(tmp_path_factory.mktemp("xs") / "sample.xlsx")


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name).decode()


def test_every_cell_kind_round_trips(sample: Path) -> None:
    wb = openpyxl.load_workbook(sample)
    assert wb.sheetnames == [SHEET, "ملخص"]
    ws = wb[SHEET]
    assert [c.value for c in ws[1]] == [c.title for c in COLUMNS]
    first = {c.column_letter: c for c in ws[2]}
    assert first["A"].value == "مدرسة الأمل" and first["A"].data_type == "s"
    expected = {"B": (7, "#,##0"), "C": (12.5, "#,##0.000"), "D": (85.5, "0.0"),
                "E": (3.25, "General")}
    for letter, (value, number_format) in expected.items():
        cell = first[letter]
        assert (cell.value, cell.data_type, cell.number_format) == (value, "n", number_format)
    for letter, value, number_format in (("F", dt.datetime(2026, 3, 15), "d/m/yyyy"),
                                         ("G", dt.datetime(2026, 3, 1), "m/yyyy"),
                                         ("H", STAMP, "d/m/yyyy h:mm")):
        cell = first[letter]
        assert cell.is_date and cell.value == value and cell.number_format == number_format
    second = [c.value for c in ws[3]]
    assert second == ['a & b <c> "d" \'e\'', 1234567, 0.001, 0, -2, dt.datetime(2026, 1, 31),
                      dt.datetime(1900, 1, 1), dt.datetime(1900, 3, 1, 12)]
    assert all(c.value is None for c in ws[4])
    # values that do not fit their column are kept as text; "" and None stay empty
    assert [c.value for c in ws[5]] == [None, "True", "نص", None, "nan", "ليس تاريخاً",
                                        "1899-12-01", None]
    assert ws["B5"].data_type == "s"


def test_sheet_layout_and_print_setup(sample: Path) -> None:
    wb = openpyxl.load_workbook(sample)
    ws = wb[SHEET]
    assert ws.sheet_view.rightToLeft
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:H5"
    assert ws.dimensions == "A1:H5"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["A"].width == pytest.approx(20.71, abs=0.01)
    assert ws.row_dimensions[1].height == 30
    head = ws["A1"]
    assert head.font.b and head.font.name == "Arial" and head.font.sz == 11
    assert head.fill.fgColor.rgb.endswith("D9E1F2") and head.alignment.wrap_text
    assert ws["A2"].font.name == "Arial" and not ws["A2"].font.b
    summary = wb["ملخص"]
    assert summary.sheet_view.rightToLeft and summary.freeze_panes is None
    assert summary.auto_filter.ref is None and summary.print_title_rows is None
    assert summary.page_setup.orientation == "portrait"
    assert summary["A1"].font.b and summary["A1"].font.sz == 14
    assert summary["A2"].font.i and summary["A3"].value is None
    assert summary["A4"].font.b and summary["A4"].font.sz == 12
    assert summary.row_dimensions[5].height == 32 and summary["B5"].fill.fgColor.rgb.endswith(
        "D9E1F2")
    assert summary["A6"].font.b and summary["A6"].border.top.style == "thin"
    assert summary["B6"].value == 10.5 and summary["B6"].number_format == "#,##0.000"
    assert wb.properties.title == "تجربة" and wb.properties.creator == "ETI"


def test_package_parts_are_well_formed_and_ordered(sample: Path) -> None:
    with zipfile.ZipFile(sample) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        for name in names:
            ElementTree.fromstring(zf.read(name))
    assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/styles.xml",
            "xl/_rels/workbook.xml.rels", "docProps/core.xml", "docProps/app.xml",
            "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} == set(names)
    types = part(sample, "[Content_Types].xml")
    assert types.count("spreadsheetml.worksheet+xml") == 2
    for sheet in ("sheet1", "sheet2"):
        root = ElementTree.fromstring(part(sample, f"xl/worksheets/{sheet}.xml"))
        tags = [child.tag.removeprefix(MAIN) for child in root]
        assert tags == sorted(tags, key=WORKSHEET_ORDER.index), tags
    workbook = part(sample, "xl/workbook.xml")
    assert (f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"'{SHEET}'!$A$1:$H$5</definedName>") in workbook
    assert (f'<definedName name="_xlnm.Print_Titles" localSheetId="0">'
            f"'{SHEET}'!$1:$1</definedName>") in workbook
    assert 'tabSelected="1"' in part(sample, "xl/worksheets/sheet1.xml")
    assert 'tabSelected="1"' not in part(sample, "xl/worksheets/sheet2.xml")
    assert "2026-05-02T" in part(sample, "docProps/core.xml")


def test_calamine_reads_it(sample: Path) -> None:
    wb = CalamineWorkbook.from_path(str(sample))
    assert wb.sheet_names == [SHEET, "ملخص"]
    rows = wb.get_sheet_by_name(SHEET).to_python()
    assert rows[0] == [c.title for c in COLUMNS]
    assert rows[1][:5] == ["مدرسة الأمل", 7, 12.5, 85.5, 3.25]
    assert rows[1][5] == D(2026, 3, 15) and rows[1][7] == STAMP
    assert wb.get_sheet_by_name("ملخص").to_python()[5] == ["المجموع", 10.5]


def test_a_sheet_of_unknown_length_is_the_same(sample: Path, tmp_path: Path) -> None:
    spooled = write_sample(tmp_path / "spooled.xlsx", rows_known=False)
    for name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/workbook.xml"):
        assert part(spooled, name) == part(sample, name)


def test_a_reserved_sheet_written_after_a_detach_is_the_same(
    sample: Path, tmp_path: Path
) -> None:
    """A sheet's place kept, the others written and the file detached (as a worker
    does), then the reserved sheet written by resuming it in another process: the
    same workbook, part for part, as written in one go."""
    import multiprocessing
    import pickle

    path = tmp_path / "detached.xlsx"
    book = XlsxStream(path, title="تجربة", author="ETI", created=STAMP)
    sheet = book.add_sheet(SHEET, COLUMNS, rows=len(ROWS), header_height=30)
    for row in ROWS:
        sheet.write_row(row)
    book.reserve_sheet("ملخص")
    detached = pickle.loads(pickle.dumps(book.detach()))
    with pytest.raises(ValueError, match="closed"):
        book.add_sheet("بعد")
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(1) as pool:
        pool.apply(_write_reserved_summary, (detached,))
    with zipfile.ZipFile(path) as zf, zipfile.ZipFile(sample) as whole:
        assert zf.testzip() is None
        assert sorted(zf.namelist()) == sorted(whole.namelist())
        for name in whole.namelist():
            if name != "docProps/core.xml":
                assert zf.read(name) == whole.read(name), name
    reserved_first = tmp_path / "reserved-first.xlsx"
    book = XlsxStream(reserved_first)
    book.reserve_sheet("ملخص")
    book.add_sheet(SHEET, COLUMNS).write_row(ROWS[0])
    with XlsxStream.resume(book.detach()) as again:
        again.add_sheet("ملخص", header=False).write_cells([("العنوان", "title")])
    assert CalamineWorkbook.from_path(str(reserved_first)).sheet_names == ["ملخص", SHEET]
    assert 'tabSelected="1"' in part(reserved_first, "xl/worksheets/sheet1.xml")
    assert 'localSheetId="1"' in part(reserved_first, "xl/workbook.xml")


def _write_reserved_summary(detached: object) -> None:
    with XlsxStream.resume(detached) as book:  # type: ignore[arg-type]
        write_summary(book)


def test_a_reserved_sheet_never_written_is_an_error(tmp_path: Path) -> None:
    book = XlsxStream(tmp_path / "x.xlsx")
    book.reserve_sheet("ملخص")
    book.add_sheet(SHEET, COLUMNS).write_row(ROWS[0])
    with pytest.raises(ValueError, match="reserved"):
        book.close()


def test_formula_like_text_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "hostile.xlsx"
    with XlsxStream(path) as book:
        sheet = book.add_sheet("x", [Column("a"), Column("b", kind="header")], rows=len(HOSTILE))
        for value in HOSTILE:
            sheet.write_row([value, value])
    ws = openpyxl.load_workbook(path)["x"]
    for index, value in enumerate(HOSTILE, start=2):
        for cell in (ws.cell(index, 1), ws.cell(index, 2)):
            assert cell.value == value and cell.data_type == "s"
        assert ws.cell(index, 1).quotePrefix  # Excel keeps it text even when edited
    xml = part(path, "xl/worksheets/sheet1.xml")
    assert "<f>" not in xml and "<f " not in xml
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("x").to_python()
    assert [r[0] for r in rows[1:]] == HOSTILE


def test_control_characters_are_stripped(tmp_path: Path) -> None:
    dirty = "a\x00b\x01c\x08d\x0b\x0c\x1fe\x7f\x85f\ufffe\uffffg\ud800h\udfffi"
    kept = ["x\ty\nz", "  padded  ", "سطر\r\nثان\rثالث", "_x0041_ literal", "😀" * 3]
    path = tmp_path / "control.xlsx"
    with XlsxStream(path) as book:
        sheet = book.add_sheet("x", [Column("a")])
        sheet.write_row([dirty])
        for value in kept:
            sheet.write_row([value])
        sheet.write_row(["\x00\x01"])  # nothing left: an empty cell
    ws = openpyxl.load_workbook(path)["x"]
    assert ws["A2"].value == "abcdefghi"
    assert [ws.cell(i, 1).value for i in (3, 4, 5, 7)] == [
        "x\ty\nz", "  padded  ", "سطر\nثان\nثالث", "😀" * 3]
    assert ws["A8"].value is None
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("x").to_python()
    assert rows[5][0] == "_x0041_ literal"  # Excel's _xHHHH_ escape is itself escaped
    assert "_x005F_x0041_" in part(path, "xl/worksheets/sheet1.xml")


def test_a_blank_header_cell_keeps_its_style(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    with XlsxStream(path) as book:
        sheet = book.add_sheet("x", [Column(width=20)] * 3, header=False)
        sheet.write_cells([("", "header"), ("الحالة", "header"), None])
        sheet.write_cells([None, (None, "int"), ("", "text")])
    ws = openpyxl.load_workbook(path)["x"]
    assert ws["A1"].value is None and ws["A1"].fill.fgColor.rgb.endswith("D9E1F2")
    assert ws["A1"].border.top.style == "thin" and ws["B1"].value == "الحالة"
    assert '<c r="C1"' not in part(path, "xl/worksheets/sheet1.xml")
    assert ws["B2"].value is None and ws.max_row == 2


def test_sheet_names_are_made_valid_and_unique(tmp_path: Path) -> None:
    path = tmp_path / "names.xlsx"
    asked = ["ملخص", "it's", "a/b:c*d?[e]", "ج" * 40, "ج" * 40, "ملخص", "MLX", "mlx", "",
             "'quoted'", "History"]
    with XlsxStream(path) as book:
        used = []
        for name in asked:
            sheet = book.add_sheet(name, [Column("عمود", 10)], rows=1)
            sheet.write_row(["قيمة"])
            used.append(sheet.name)
    assert used == ["ملخص", "it's", "a_b_c_d__e_", "ج" * 31, "ج" * 27 + " (2)", "ملخص (2)",
                    "MLX", "mlx (2)", "Sheet9", "quoted", "History (2)"]
    assert all(len(name) <= 31 for name in used)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == used
    assert wb["it's"]["A2"].value == "قيمة"
    workbook = part(path, "xl/workbook.xml")
    assert "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"1\">'it''s'!$1:$1" in workbook
    assert wb["it's"].print_title_rows == "$1:$1"


def test_repeated_values_are_encoded_by_type(tmp_path: Path) -> None:
    """The per-column memory never confuses 1, True, 1.0 and Decimal("1.0")."""
    calls: list[object] = []

    def convert(value: object) -> tuple[object, str]:
        calls.append(value)
        return value, "text"

    values = [1, True, 1.0, Decimal("1.0"), "1", D(2026, 1, 1), dt.datetime(2026, 1, 1)]
    path = tmp_path / "memory.xlsx"
    with XlsxStream(path) as book:
        sheet = book.add_sheet("x", [Column("plain"), Column("converted", convert=convert)])
        for _ in range(3):
            for value in values:
                sheet.write_row([value, value])
    ws = openpyxl.load_workbook(path)["x"]
    texts = ["1", "True", "1.0", "1.0", "1", "2026-01-01", "2026-01-01 00:00:00"]
    assert [ws.cell(r, 1).value for r in range(2, 2 + 3 * len(values))] == texts * 3
    assert [ws.cell(r, 2).value for r in range(2, 2 + 3 * len(values))] == texts * 3
    # int, bool, str, date and datetime are converted once; float and Decimal every time
    assert len(calls) == len(values) + 2 * 2


def test_wrong_use_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="3 rows announced, 2 written"), \
            XlsxStream(tmp_path / "short.xlsx") as book:
        sheet = book.add_sheet("x", [Column("a")], rows=2)  # and the header
        sheet.write_row(["only one"])
    with pytest.raises(ValueError, match="2 rows announced, 3 written"), \
            XlsxStream(tmp_path / "long.xlsx") as book:
        sheet = book.add_sheet("x", [Column("a")], rows=1)
        sheet.write_row(["one"])
        sheet.write_row(["too many"])
    with XlsxStream(tmp_path / "wide.xlsx") as book:
        sheet = book.add_sheet("x", [Column("a")])
        with pytest.raises(ValueError, match="2 values for 1 columns"):
            sheet.write_row(["a", "b"])
        with pytest.raises(ValueError, match="unknown cell kind"):
            sheet.write_cells([("a", "bold")])
        book.add_sheet("y")
        with pytest.raises(ValueError, match="closed"):
            sheet.write_row(["late"])
    assert openpyxl.load_workbook(tmp_path / "wide.xlsx").sheetnames == ["x", "y"]


def test_a_cell_beyond_excels_last_column_is_an_error(tmp_path: Path) -> None:
    with XlsxStream(tmp_path / "wide.xlsx") as book:
        sheet = book.add_sheet("x", header=False)  # unknown length: any width up to XFD
        sheet.write_cells([None] * 16_383 + [("last", "text")])
        with pytest.raises(ValueError, match="column 16385 is outside Excel's 16384 columns"):
            sheet.write_cells([None] * 16_384 + [("one too far", "text")])
    ws = openpyxl.load_workbook(tmp_path / "wide.xlsx")["x"]
    assert ws["XFD1"].value == "last" and ws.max_column == 16_384


def test_excel_serials() -> None:
    for day in (D(1900, 1, 1), D(1900, 2, 28), D(1900, 3, 1), D(2026, 3, 15), D(9999, 12, 31)):
        assert excel_serial(day) == to_excel(day)
    assert excel_serial(STAMP) == pytest.approx(to_excel(STAMP))
    assert excel_serial(D(1899, 12, 31)) is None
    aware = dt.datetime(2026, 5, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert excel_serial(aware) == excel_serial(STAMP)  # the wall time is written


def test_an_empty_workbook_still_has_a_sheet(tmp_path: Path) -> None:
    with XlsxStream(tmp_path / "empty.xlsx"):
        pass
    assert openpyxl.load_workbook(tmp_path / "empty.xlsx").sheetnames == ["Sheet1"]


def test_hundred_thousand_rows_of_eighteen_columns(tmp_path: Path) -> None:
    kinds = ["text", "date", "text", "text", "text", "text", "text", "text", "text", "text",
             "text", "jod", "text", "text", "date", "text", "stamp", "int"]
    columns = [Column(f"عمود {i}", 14, kind) for i, kind in enumerate(kinds)]
    schools = [f"مدرسة رقم {i} الثانوية" for i in range(60)]
    days = [D(2026, 1 + i % 12, 1 + i % 28) for i in range(336)]
    stamps = [dt.datetime(2026, 5, 2, 9) + dt.timedelta(minutes=i) for i in range(1000)]
    rows = 100_000

    def row(i: int) -> list[object]:
        return [schools[i % 60], days[i % 336], "هاتف", f"م/{i // 100}", "حاسوب",
                f"A-{i:07d}", "مختبر حاسوب", f"لا يعمل الجهاز رقم {i % 997}",
                f"تشخيص {i % 313}", "استبدال" if i % 2 else None, None,
                Decimal(i % 5000) / 8 if i % 2 == 0 else None, None, "تم الإصلاح",
                days[(i + 7) % 336] if i % 3 else None, f"صيانة {i // 100}.xlsx",
                stamps[i // 100], i // 100]

    data = [row(i) for i in range(rows)]
    path = tmp_path / "big.xlsx"
    started = time.perf_counter()
    with XlsxStream(path) as book:
        sheet = book.add_sheet("QF75-11", columns, rows=rows)
        for values in data:
            sheet.write_row(values)
    elapsed = time.perf_counter() - started
    print(f"\n{rows:,} rows x {len(columns)} columns in {elapsed:.2f} s: "
          f"{rows / elapsed:,.0f} rows/s, {path.stat().st_size / 1e6:.1f} MB")
    assert elapsed < 15, elapsed
    ws = openpyxl.load_workbook(path, read_only=True)["QF75-11"]
    assert ws.max_row == rows + 1 and ws.max_column == 18  # the dimension
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("QF75-11")
    assert (sheet.height, sheet.width) == (rows + 1, 18)
    *_, last = sheet.iter_rows()
    assert last[0] == schools[(rows - 1) % 60] and last[5] == f"A-{rows - 1:07d}"
    assert last[16] == stamps[(rows - 1) // 100] and last[17] == (rows - 1) // 100


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                    reason="LibreOffice or poppler-utils is not installed")
def test_libreoffice_converts_it(sample: Path, tmp_path: Path) -> None:
    command = ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
               "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path),
               str(sample)]
    done = subprocess.run(command, capture_output=True, timeout=180, check=False)
    pdf = tmp_path / "sample.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    text = re.sub(r"\s+", "", re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text))
    for expected in ("15/3/2026", "2/5/20269:30", "12.500", "85.5", "1,234,567", "دينار",
                     "نسبة", "مدرسة"):
        assert expected in text, expected


def test_every_sheet_prints_titled_one_page_wide(tmp_path: Path) -> None:
    """The print setup is the writer's, not the caller's: any sheet (a register's, or a
    new module's) prints on A4 one page wide under the workbook's title and its caption,
    and a banner row is merged across the sheet's columns at the height asked."""
    path = tmp_path / "printed.xlsx"
    with XlsxStream(path, title="سجل A&B") as book:
        sheet = book.add_sheet("x", [Column("أ", 10), Column("ب", 10), Column("ج", 10)],
                               header=False, caption="ورقة التجربة")
        sheet.write_banner("عنوان طويل", height=26)
        sheet.write_cells([("نص", "text")])
    ws = openpyxl.load_workbook(path)["x"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert "سجل A&&B" in ws.oddHeader.center.text and "ورقة التجربة" in ws.oddHeader.center.text
    assert "&amp;P" in part(path, "xl/worksheets/sheet1.xml")  # «1 / 3» at the foot
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:C1"]
    assert ws.row_dimensions[1].height == 26 and ws["A1"].alignment.wrap_text
