"""Blank form workbooks: the layout contract, dropdowns, protection, printing, rendering."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from automation.catalog.blank import (
    DATE_FORMAT,
    INPUT_ROWS,
    LISTS_SHEET,
    META_SHEET,
    fill_form,
    layout,
    lists_hash,
    read_meta,
    write_form_workbook,
)
from automation.catalog.forms import CATALOG
from automation.catalog.model import FieldSpec, FormSpec

SCHOOLS = ["مدرسة الأميرة رحمة الثانوية للبنات", "مدرسة عمر بن الخطاب الأساسية للبنين"]
DEVICES = ["حاسوب مكتبي", "طابعة ليزرية"]


def _build(tmp_path: Path, form: FormSpec, school: str | None = None) -> tuple[Path, str]:
    path = tmp_path / f"{form.code}.xlsx"
    wb_id = write_form_workbook(
        path, form, CATALOG, schools=SCHOOLS, device_types=DEVICES, school=school
    )
    return path, wb_id


def _validations(ws: Worksheet) -> dict[str, list[DataValidation]]:
    """Data validations by each cell (top-left of every range) they cover."""
    found: dict[str, list[DataValidation]] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            found.setdefault(rng.coord.split(":")[0], []).append(dv)
    return found


@pytest.mark.parametrize("form", CATALOG.forms, ids=lambda f: f.code)
def test_blank_workbook_contract(tmp_path: Path, form: FormSpec) -> None:
    path, wb_id = _build(tmp_path, form)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    lay = layout(form)

    assert ws.title == form.code
    assert ws.sheet_view.rightToLeft is True
    title = str(ws["A1"].value)
    assert form.code in title and form.name_ar in title
    # the catalog version is for the intake, in _meta only: no staff-visible cell or
    # printed header shows it (issue 23, point 4)
    for sheet in wb.worksheets:
        if sheet.sheet_state != "visible":
            continue
        shown = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
        shown += [str(part.text) for part in (sheet.oddHeader.center, sheet.oddFooter.center,
                                              sheet.oddHeader.left, sheet.oddFooter.left,
                                              sheet.oddHeader.right, sheet.oddFooter.right)]
        assert not [t for t in shown if CATALOG.version in t or "الكتالوج" in t], sheet.title
    assert ws["A2"].value
    # the records table of QP-70-2: where the record is kept and for how long
    assert ws["A3"].value == form.records_ar
    assert ("القسم" if form.kept_at == "department" else "المدرسة") in ws["A3"].value
    assert form.retention_ar in ws["A3"].value and "A3:" in str(ws.merged_cells)

    # header labels in column A, value cell in B, in order, one per row
    for offset, spec in enumerate(form.header):
        label_ref, value_ref = lay.header_cells[spec.key]
        assert label_ref == f"A{4 + offset}" and value_ref == f"B{4 + offset}"
        assert ws[label_ref].value == spec.label
        assert ws[label_ref].protection.locked
        assert not ws[value_ref].protection.locked

    # table labels in the header row, in order from column A
    if form.rows:
        hr = lay.table_header_row
        assert hr == (4 + len(form.header) + 1 if form.header else 4)
        labels = [ws.cell(row=hr, column=i + 1).value for i in range(len(form.rows))]
        assert labels == [spec.label for spec in form.rows]
        assert ws.cell(row=hr, column=1).font.b
        assert ws.freeze_panes == f"A{hr + 1}"
        assert ws.print_title_rows == f"${hr}:${hr}"
        last = hr + INPUT_ROWS
        assert lay.table_first_row == hr + 1 and lay.table_last_row == last
        for spec in form.rows:
            col = lay.columns[spec.key]
            assert ws[f"{col}{hr}"].protection.locked
            for row in (hr + 1, hr + 100, last):
                assert not ws[f"{col}{row}"].protection.locked
                assert ws[f"{col}{row}"].border.left.style == "thin"
    else:
        assert lay.table_header_row == 0

    # validations: one object per column range, lists through defined names on _lists
    dvs = _validations(ws)
    cells: list[tuple[str, str, FieldSpec]] = [
        (spec.key, lay.header_cells[spec.key][1], spec) for spec in form.header
    ] + [(spec.key, f"{lay.columns[spec.key]}{lay.table_first_row}", spec) for spec in form.rows]
    for _key, ref, spec in cells:
        assert ref in dvs, f"no validation on {ref}"
        dv = dvs[ref][0]
        assert dv.prompt and dv.promptTitle
        if spec.required:
            assert "مطلوب" in dv.prompt
        if spec.is_list:
            assert dv.type == "list"
            name = dv.formula1.lstrip("=")
            assert '"' not in name and "," not in name
            assert name in wb.defined_names
            assert LISTS_SHEET in wb.defined_names[name].attr_text
            open_list = spec.type in ("school", "text") or spec.choices_from  # QF12-1's
            expected_style = "warning" if open_list else "stop"  # indicator: free text too
            assert dv.errorStyle == expected_style
        if spec.type == "date":
            assert dv.type == "date"
            assert ws[ref].number_format == DATE_FORMAT
        if spec.type == "int":
            assert dv.type == "whole"
        if spec.type == "jod":
            assert dv.type == "decimal" and ws[ref].number_format == "#,##0.000"
    for spec in form.rows:
        dv = dvs[f"{lay.columns[spec.key]}{lay.table_first_row}"][0]
        assert str(dv.sqref) == (
            f"{lay.columns[spec.key]}{lay.table_first_row}:"
            f"{lay.columns[spec.key]}{lay.table_last_row}"
        )

    assert wb[LISTS_SHEET].sheet_state == "hidden"
    meta = wb[META_SHEET]
    assert meta.sheet_state == "hidden"
    assert meta["A1"].value == "form_code" and meta["B1"].value == form.code
    assert meta["A2"].value == "catalog_version" and meta["B2"].value == CATALOG.version
    assert meta["A3"].value == "workbook_id" and str(uuid.UUID(meta["B3"].value)) == wb_id
    assert meta["A5"].value == "header_row" and meta["B5"].value == lay.table_header_row
    assert meta["A6"].value == "lists_hash" and meta["B6"].value

    assert ws.protection.sheet
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    expected = "landscape" if len(form.rows) > 6 else "portrait"
    assert ws.page_setup.orientation == expected
    for letter, dim in ws.column_dimensions.items():
        if dim.width:
            assert 12 <= dim.width <= 40, letter


def test_lists_hold_reference_names_and_yesno(tmp_path: Path) -> None:
    form = CATALOG.form("QF75-11")
    path, _ = _build(tmp_path, form)
    wb = openpyxl.load_workbook(path)

    def values(name: str) -> list[str]:
        dest = next(wb.defined_names[name].destinations)
        return [c[0].value for c in wb[dest[0]][dest[1].replace("$", "")] if c[0].value]

    assert values("list_school_QF75_11") == SCHOOLS
    assert values("list_device_type_QF75_11") == DEVICES
    assert values("list_status_QF75_11") == list(form.field("status").choices)
    fo = CATALOG.form("FO-SITES")
    path, _ = _build(tmp_path, fo)
    wb = openpyxl.load_workbook(path)
    assert values("list_connected_FO_SITES") == ["نعم", "لا"]


def test_projects_offer_the_approved_specifications(tmp_path: Path) -> None:
    """PRJ's «المواصفات المعتمدة» offers the device-specs list, as an open list (a warning,
    any text accepted), and the specs are part of the lists hash only when there are any."""
    form = CATALOG.form("PRJ")
    specs = ["حاسوب مكتبي: Core i5، ذاكرة 8 غيغا", "طابعة ليزرية: 30 صفحة في الدقيقة"]
    path = tmp_path / "PRJ.xlsx"
    write_form_workbook(path, form, CATALOG, schools=SCHOOLS, device_types=DEVICES,
                        lists={"device_specs": specs})
    wb = openpyxl.load_workbook(path)
    dest = next(wb.defined_names["list_spec_ref_PRJ"].destinations)
    assert [c[0].value for c in wb[dest[0]][dest[1].replace("$", "")] if c[0].value] == specs
    col = layout(form).columns["spec_ref"]
    dv = _validations(wb.worksheets[0])[f"{col}{layout(form).table_first_row}"][0]
    assert dv.type == "list" and dv.errorStyle == "warning"
    assert lists_hash(SCHOOLS, DEVICES) == lists_hash(SCHOOLS, DEVICES, {"device_specs": []})
    assert lists_hash(SCHOOLS, DEVICES) != lists_hash(SCHOOLS, DEVICES, {"device_specs": specs})
    assert read_meta(path)["lists_hash"] == lists_hash(SCHOOLS, DEVICES,
                                                      {"device_specs": specs})


def test_empty_device_list_still_present(tmp_path: Path) -> None:
    form = CATALOG.form("QF70-2-7")
    path = tmp_path / "x.xlsx"
    write_form_workbook(path, form, CATALOG, schools=[], device_types=[])
    wb = openpyxl.load_workbook(path)
    assert "list_device_type_QF70_2_7" in wb.defined_names
    assert "list_school_QF70_2_7" in wb.defined_names


def test_two_copies_have_different_ids(tmp_path: Path) -> None:
    form = CATALOG.form("QF75-11")
    a = write_form_workbook(tmp_path / "a.xlsx", form, CATALOG, schools=SCHOOLS, device_types=[])
    b = write_form_workbook(tmp_path / "b.xlsx", form, CATALOG, schools=SCHOOLS, device_types=[])
    assert a != b
    assert read_meta(tmp_path / "a.xlsx")["workbook_id"] == a
    assert read_meta(tmp_path / "b.xlsx")["workbook_id"] == b
    assert not list(tmp_path.glob("*.tmp"))


def test_per_school_copy_fixes_school(tmp_path: Path) -> None:
    form = CATALOG.form("QF70-2-3")
    path, _ = _build(tmp_path, form, school=SCHOOLS[0])
    ws = openpyxl.load_workbook(path).worksheets[0]
    value_ref = layout(form).header_cells["school"][1]
    assert ws[value_ref].value == SCHOOLS[0]
    assert ws[value_ref].protection.locked
    assert SCHOOLS[0] in ws["A1"].value
    assert read_meta(path)["school"] == SCHOOLS[0]


def test_fill_form_writes_values(tmp_path: Path) -> None:
    form = CATALOG.form("QF75-11")
    path, _ = _build(tmp_path, form)
    fill_form(
        path,
        form,
        {"school": SCHOOLS[1], "request_date": date(2026, 3, 1), "channel": "هاتف"},
        [
            {"device_type": "حاسوب مكتبي", "location": "مختبر حاسوب", "fault": "=لا يعمل"},
            {"device_type": "طابعة ليزرية", "cost_jod": 12.5, "status": "تم الإصلاح"},
        ],
    )
    lay = layout(form)
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws[lay.header_cells["school"][1]].value == SCHOOLS[1]
    assert ws[lay.header_cells["request_date"][1]].value.date() == date(2026, 3, 1)
    first = lay.table_first_row
    assert ws[f"{lay.columns['fault']}{first}"].value == "=لا يعمل"
    assert ws[f"{lay.columns['fault']}{first}"].data_type == "s"
    assert ws[f"{lay.columns['cost_jod']}{first + 1}"].value == 12.5
    with pytest.raises(KeyError):
        fill_form(path, form, {"nope": 1}, [])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("code", ["QF75-11", "QF70-2-3"])
def test_renders_to_pdf(tmp_path: Path, code: str) -> None:
    form = CATALOG.form(code)
    path, _ = _build(tmp_path, form)
    out = tmp_path / "pdf"
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = out / f"{code}.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for word in form.name_ar.replace("(", " ").replace(")", " ").replace("،", " ").split():
        assert word in text, word
