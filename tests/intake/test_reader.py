"""Reading well-formed and retyped form workbooks into a Submission."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import openpyxl
import pytest

from automation.catalog.forms import CATALOG
from automation.core.errors import UnreadableWorkbook
from automation.core.problems import Problem
from automation.intake.reader import label_key, read_workbook, sha256_of
from automation.intake.submission import Submission
from tests.hostile_cases import (
    SAMPLE_HEADER,
    SAMPLE_ROWS,
    SHEET1,
    patch_part,
    replace_cell,
    write_form,
)

ROW = {"device_type": "حاسوب", "asset_no": "X-1", "quantity": 1, "fault": "عطل", "priority": "عادي"}


def read(path: Path) -> tuple[Submission, list[Problem]]:
    return read_workbook(path)


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def test_generated_form_with_meta(tmp_path: Path) -> None:
    written = write_form(tmp_path / "f.xlsx", workbook_id="wb-42")
    sub, problems = read(written.path)
    assert problems == []
    assert (sub.form, sub.sheet, sub.header_row) == ("QF70-2-7", "QF70-2-7", 8)
    assert (sub.workbook_id, sub.catalog_version) == ("wb-42", CATALOG.version)
    assert sub.meta_school == SAMPLE_HEADER["school"]
    assert sub.header["school"].value == SAMPLE_HEADER["school"]
    assert [sub.header[k].cell for k in ("school", "request_date", "requested_by")] == [
        "B4",
        "B5",
        "B6",
    ]
    assert str(sub.header["request_date"].value)[:10] == "2024-03-05"
    assert isinstance(sub.header["request_date"].value, datetime.date)
    assert sub.column_of == {
        "device_type": "A",
        "asset_no": "B",
        "quantity": "C",
        "fault": "D",
        "priority": "E",
    }
    assert [r.number for r in sub.rows] == [9, 10]
    first = sub.rows[0].values
    assert first["device_type"].value == "حاسوب مكتبي" and first["device_type"].cell == "A9"
    assert first["quantity"].value == 2  # calamine gives numbers as float
    assert set(first) == set(sub.column_of)
    assert (
        SAMPLE_ROWS[1] is not None and sub.rows[1].values["fault"].value == SAMPLE_ROWS[1]["fault"]
    )


def test_identified_by_retyped_labels_without_meta(tmp_path: Path) -> None:
    labels = {
        "school": "المدرسه :",
        "request_date": "تاريخ   الطلب",
        "requested_by": "مُقَدِّم الطلب",
        "device_type": "  نوع   الجهاز ",
        "quantity": "العـــدد",
        "fault": "وصف العطل *",
        "priority": "الاولويه",
    }
    written = write_form(tmp_path / "retyped.xlsx", meta=False, labels=labels, start_row=7)
    sub, problems = read(written.path)
    assert problems == []
    assert sub.form == "QF70-2-7" and sub.workbook_id == "" and sub.meta_school == ""
    assert sub.header["school"].cell == "B7"
    assert sub.header_row == written.header_row == 11
    assert [r.number for r in sub.rows] == [12, 13]
    assert sub.rows[0].values["priority"].value == "عاجل"


@pytest.mark.parametrize("meta", [True, False])
def test_renamed_sheet_after_another_sheet(tmp_path: Path, meta: bool) -> None:
    written = write_form(
        tmp_path / "renamed.xlsx", meta=meta, sheet_title="طلب الصيانة", leading_sheet=True
    )
    sub, problems = read(written.path)
    assert problems == []
    assert (sub.form, sub.sheet) == ("QF70-2-7", "طلب الصيانة")
    assert len(sub.rows) == 2


def test_merged_label_cells_put_values_after_the_merge(tmp_path: Path) -> None:
    sub, problems = read(write_form(tmp_path / "merged.xlsx", merge_labels=True).path)
    assert problems == []
    assert sub.header["school"] == sub.header["school"].__class__(SAMPLE_HEADER["school"], "C4")
    assert sub.header["requested_by"].cell == "C6"


def test_hidden_and_empty_rows(tmp_path: Path) -> None:
    other = dict(ROW, asset_no="X-2")
    written = write_form(tmp_path / "rows.xlsx", rows=[ROW, None, None, other], hidden_rows=[0])
    sub, _ = read(written.path)
    assert [r.number for r in sub.rows] == [9, 12]
    assert sub.rows[0].values["asset_no"].value == "X-1"  # a hidden row is read like the others
    assert sub.rows[1].values["asset_no"].cell == "B12"


def test_only_mapped_columns_count_for_emptiness(tmp_path: Path) -> None:
    written = write_form(tmp_path / "extra.xlsx", rows=[ROW], extra_columns=["عمود إضافي"])
    patch_part(written.path, SHEET1, lambda x: x.replace("</sheetData>", _row(15, "F", "x")))
    sub, problems = read(written.path)
    assert [r.number for r in sub.rows] == [9]
    (extra,) = problems
    assert (extra.code, extra.severity, extra.field, extra.cell) == (
        "extra-column",
        "warning",
        "عمود إضافي",
        "F8",
    )
    assert "عمود إضافي" in extra.message


def _row(number: int, col: str, text: str) -> str:
    cell = f'<c r="{col}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
    return f'<row r="{number}">{cell}</row></sheetData>'


def test_missing_columns_and_fields(tmp_path: Path) -> None:
    labels = {"fault": "شيء آخر", "asset_no": "رقم ما", "requested_by": "اسم ما"}
    sub, problems = read(write_form(tmp_path / "missing.xlsx", labels=labels).path)
    assert sub.form == "QF70-2-7"
    found = {(p.code, p.field): p.severity for p in problems}
    assert found[("missing-column", "fault")] == "error"
    assert found[("missing-column", "asset_no")] == "warning"
    assert found[("missing-field", "requested_by")] == "error"
    assert found[("extra-column", "شيء آخر")] == "warning"
    assert "fault" not in sub.rows[0].values and "requested_by" not in sub.header


def test_formula_with_and_without_cached_value(tmp_path: Path) -> None:
    rows = [dict(ROW, quantity="=1+1")]
    bare = write_form(tmp_path / "bare.xlsx", rows=rows).path
    sub, problems = read(bare)
    assert sub.rows[0].values["quantity"].value is None
    (problem,) = problems
    assert (problem.code, problem.cell, problem.field, problem.row) == (
        "formula-no-value",
        "C9",
        "quantity",
        9,
    )
    cached = write_form(tmp_path / "cached.xlsx", rows=rows).path
    patch_part(cached, SHEET1, lambda x: replace_cell(x, "C9", '<c r="C9"><f>1+1</f><v>2</v></c>'))
    sub, problems = read(cached)
    assert problems == [] and sub.rows[0].values["quantity"].value == 2


def test_row_with_only_a_formula_without_value_is_kept(tmp_path: Path) -> None:
    path = write_form(tmp_path / "lonely.xlsx", rows=[{"quantity": "=2*3"}]).path
    sub, problems = read(path)
    assert [r.number for r in sub.rows] == [9]
    assert codes(problems) == ["formula-no-value"]


def test_values_are_kept_raw(tmp_path: Path) -> None:
    header = dict(SAMPLE_HEADER, request_date="٢٠٢٤/٣/٥", requested_by="  أحمد  ")
    rows = [dict(ROW, quantity="٣", asset_no="=not a formula")]
    path = write_form(tmp_path / "raw.xlsx", header=header, rows=rows).path
    patch_part(path, SHEET1, lambda x: replace_cell(x, "B9", _inline("B9", "=not a formula")))
    sub, _ = read(path)
    assert sub.header["request_date"].value == "٢٠٢٤/٣/٥"
    assert sub.header["requested_by"].value == "  أحمد  "
    assert sub.rows[0].values["quantity"].value == "٣"
    assert sub.rows[0].values["asset_no"].value == "=not a formula"


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_unknown_form_names_the_closest(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["المدرسة", "تاريخ الطلب", "نوع الجهاز", "شيء"])
    wb.save(tmp_path / "partial.xlsx")
    with pytest.raises(UnreadableWorkbook) as caught:
        read(tmp_path / "partial.xlsx")
    error = caught.value
    assert error.code == "unknown-form"
    assert error.message_ar.startswith("لم يُتعرَّف على النموذج")
    closest = error.message_ar.split("أقرب النماذج إليه: ")[1].split(" المطلوب:")[0]
    assert closest.startswith("QF70-2-7 (طلب صيانة الأجهزة التعليمية، 3 من")
    assert "QF75-11" in closest
    assert 1 <= len(closest.split("؛ ")) <= 3
    assert "Closest: QF70-2-7 (3 of" in error.message_en
    assert "workbooks/forms" in error.message_ar and "workbooks/forms/" in error.message_en


def test_unknown_form_sharing_no_labels_lists_the_forms(tmp_path: Path) -> None:
    """One common label («المدرسة») is no likeness: no form is called close; the message
    says which forms exist and where the blank ones are."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["المدرسة", "الاسم", "العمر", "اللون"])
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(UnreadableWorkbook) as caught:
        read(tmp_path / "other.xlsx")
    error = caught.value
    assert error.code == "unknown-form"
    assert "أقرب" not in error.message_ar and "Closest" not in error.message_en
    assert f"النماذج المعروفة ({len(CATALOG.codes)})" in error.message_ar
    assert all(code in error.message_ar and code in error.message_en for code in CATALOG.codes)
    assert "workbooks/forms" in error.message_ar and "eti forms" in error.message_en
    assert "الخلايا" not in error.message_ar and "red cells" not in error.message_en


def test_two_forms_in_one_workbook_are_ambiguous(tmp_path: Path) -> None:
    path = write_form(tmp_path / "two.xlsx", "QF70-2-9", meta=False).path
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("lab")
    for i, spec in enumerate(CATALOG.form("QF70-2-17").fields, start=1):
        ws.cell(i, 1, spec.label)
    wb.save(path)
    with pytest.raises(UnreadableWorkbook) as caught:
        read(path)
    assert caught.value.code == "unknown-form"
    assert "QF70-2-9" in caught.value.message_ar and "QF70-2-17" in caught.value.message_ar


@pytest.mark.parametrize("code", CATALOG.codes)
def test_every_form_is_identified_by_its_labels(code: str, tmp_path: Path) -> None:
    sub, problems = read(write_form(tmp_path / "f.xlsx", code, meta=False).path)
    assert sub.form == code
    assert [p for p in problems if p.severity == "error"] == []
    assert set(sub.header) == {spec.key for spec in CATALOG.form(code).header}


def test_meta_naming_an_unknown_form_falls_back_to_labels(tmp_path: Path) -> None:
    sub, _ = read(write_form(tmp_path / "f.xlsx", meta_code="QF99-9").path)
    assert sub.form == "QF70-2-7"


def test_meta_wins_over_labels(tmp_path: Path) -> None:
    path = write_form(tmp_path / "f.xlsx", meta_code="QF70-2-12").path
    sub, problems = read(path)
    assert sub.form == "QF70-2-12"
    assert "missing-column" in codes(problems)


def test_header_only_form(tmp_path: Path) -> None:
    form = CATALOG.form("QF70-2-3")
    header = {spec.key: f"قيمة {i}" for i, spec in enumerate(form.header)}
    sub, problems = read(write_form(tmp_path / "lib.xlsx", "QF70-2-3", header=header).path)
    assert problems == []
    assert sub.rows == [] and sub.header_row == 0 and sub.column_of == {}
    assert sub.header[form.header[0].key].value == "قيمة 0"


def test_label_key_folds_what_staff_retype() -> None:
    assert label_key("  تاريخ   الإنجاز :") == label_key("تاريخ الانجاز")
    assert label_key("الكلفة (دينار)") == label_key("الكلفه ( دينار )")
    assert label_key(3) == ""


def test_sha256_of(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    data = bytes(range(256)) * 10_000
    path.write_bytes(data)
    assert sha256_of(path) == (hashlib.sha256(data).hexdigest(), len(data))


def test_blank_workbook_of_the_generator(tmp_path: Path) -> None:
    """A workbook from automation.catalog.blank, filled, reads back."""
    blank = pytest.importorskip("automation.catalog.blank")
    form = CATALOG.form("QF70-2-7")
    wb = blank.build_form_workbook(
        form, CATALOG, schools=[SAMPLE_HEADER["school"]], device_types=["حاسوب مكتبي", "طابعة"]
    )
    rows = [r for r in SAMPLE_ROWS if r is not None]
    blank.fill_form(wb, form, SAMPLE_HEADER, rows)
    wb.save(tmp_path / "blank.xlsx")
    sub, problems = read(tmp_path / "blank.xlsx")
    assert [p for p in problems if p.severity == "error"] == []
    assert sub.form == "QF70-2-7" and sub.workbook_id
    assert sub.header["requested_by"].value == SAMPLE_HEADER["requested_by"]
    assert [r.values["asset_no"].value for r in sub.rows] == ["PC-1", "PR-7"]
