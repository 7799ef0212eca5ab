"""Reference workbooks: created with header rows, read by labels, loaded as values."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl

from automation.catalog.forms import CATALOG
from automation.catalog.reference import (
    DIRECTORATE_DEFAULTS,
    load_references,
    read_reference,
    with_school_flags,
)
from automation.catalog.reference_books import create_reference_workbook, write_reference_rows
from automation.core.department import Department
from automation.demo.references import demo_references, write_demo_references


def test_created_workbook_has_header_row(tmp_path: Path) -> None:
    for ref in CATALOG.references:
        path = tmp_path / ref.file
        create_reference_workbook(path, ref)
        wb = openpyxl.load_workbook(path)
        ws = wb.worksheets[0]
        assert ws.sheet_view.rightToLeft
        shown = with_school_flags(ref).columns  # schools.xlsx: «مكتبة», «مختبر» (issue 25)
        assert [c.value for c in ws[1]] == [spec.label for spec in shown]
        assert ws["A1"].font.b
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref
        assert read_reference(path, ref) == []


def test_read_by_labels_skips_empty_rows_and_cleans_values(tmp_path: Path) -> None:
    ref = CATALOG.reference("schools")
    path = tmp_path / "schools.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["قائمة المدارس"])  # a title row above the header
    # columns reordered, labels with stray spaces, and a column of the staff's own
    ws.append([" اسم  المدرسة ", "ملاحظة", "الرقم الوطني للمدرسة", "اللواء"])
    ws.append(["مدرسة النصر الأساسية للبنين ", "x", 12345678.0, "ماركا"])
    ws.append([None, None, None, None])
    ws.append(["مدرسة طارق الثانوية للبنات", None, 87654321, None])
    wb.save(path)
    rows = read_reference(path, ref)
    assert rows == [
        {
            "school_no": "12345678",
            "name": "مدرسة النصر الأساسية للبنين",
            "district": "ماركا",
            "level": "",
            "gender": "",
            "fibre_site_code": "",
        },
        {
            "school_no": "87654321",
            "name": "مدرسة طارق الثانوية للبنات",
            "district": "",
            "level": "",
            "gender": "",
            "fibre_site_code": "",
        },
    ]


def test_missing_file_reads_empty(tmp_path: Path) -> None:
    assert read_reference(tmp_path / "none.xlsx", CATALOG.reference("budget")) == []


def test_write_then_read_round_trip(tmp_path: Path) -> None:
    ref = CATALOG.reference("budget")
    path = tmp_path / "budget.xlsx"
    write_reference_rows(
        path, ref, [{"year": "2026", "item": "قطع الغيار", "amount_jod": "1500.250"}]
    )
    assert read_reference(path, ref) == [
        {"year": "2026", "item": "قطع الغيار", "amount_jod": "1500.25"}
    ]


def test_load_references_defaults_for_empty_department(tmp_path: Path) -> None:
    refs = load_references(Department.at(tmp_path), CATALOG)
    assert refs.schools == [] and refs.device_types == [] and refs.budget == []
    assert refs.directorate.name == DIRECTORATE_DEFAULTS["name"]
    assert refs.directorate.letter_prefix


def test_demo_references_realistic_and_deterministic(tmp_path: Path) -> None:
    data = demo_references()
    schools = data["schools"]
    assert len(schools) >= 30
    assert len({s["name"] for s in schools}) == len(schools)
    assert len({s["school_no"] for s in schools}) == len(schools)
    assert all(s["name"].startswith("مدرسة ") for s in schools)
    assert demo_references() == data
    assert len(demo_references(n_schools=250)["schools"]) == 250
    categories = {d["category"] for d in data["device_types"]}
    assert len(data["device_types"]) >= 20
    assert categories == set(CATALOG.reference("device_types").columns[1].choices)
    assert [m["role"] for m in data["committee"]].count("عضو") == 3
    for ref in CATALOG.references:
        keys = {spec.key for spec in with_school_flags(ref).columns}
        assert all(set(row) == keys for row in data[ref.key]), ref.key

    dept = Department.at(tmp_path)
    dept.ensure()
    write_demo_references(dept, 40, 7)
    refs = load_references(dept, CATALOG)
    assert [s.name for s in refs.schools] == [s["name"] for s in schools]
    assert refs.schools[0].school_no == schools[0]["school_no"]
    assert {b.year for b in refs.budget} == {"2025", "2026"}
    devices = {d["name"] for d in data["device_types"]}
    assert refs.spec_texts == [s["spec"] for s in data["device_specs"]]
    assert all(s.device_type in devices and s.approved_on for s in refs.device_specs)
    assert all(isinstance(b.amount_jod, Decimal) and b.amount_jod > 0 for b in refs.budget)
    assert len(refs.committee) == 5
    assert refs.directorate.name == "مديرية التربية والتعليم للواء قصبة عمان"
    assert refs.directorate.letter_prefix == "ت ت/70"
