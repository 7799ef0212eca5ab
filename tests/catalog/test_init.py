"""``eti init`` and per-school copies."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import openpyxl
import pytest

from automation.catalog.blank import layout, read_meta
from automation.catalog.department_init import init_department
from automation.catalog.forms import CATALOG
from automation.catalog.issue_forms import issue_forms, school_forms
from automation.catalog.reference import read_reference
from automation.catalog.reference_books import write_reference_rows
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.demo.references import demo_references, write_demo_references


def _age(paths: list[Path]) -> None:
    """Set mtimes in the past so a rewrite shows."""
    for path in paths:
        os.utime(path, (1_000_000_000, 1_000_000_000))


def test_init_creates_layout(tmp_path: Path) -> None:
    result = init_department(tmp_path)
    dept = Department.at(tmp_path)
    forms = sorted(dept.forms.glob("*.xlsx"))
    assert [p.stem for p in forms] == sorted(CATALOG.codes)
    assert len(forms) == len(CATALOG.forms) == 36
    refs = sorted(p.name for p in dept.reference.glob("*.xlsx"))
    assert refs == sorted(r.file for r in CATALOG.references) and len(refs) == 7
    for folder in (dept.inbox, dept.processed, dept.rejected, dept.outbox, dept.registers):
        assert folder.is_dir()
    assert dept.config_path.exists()
    assert tomllib.loads(dept.config_path.read_text(encoding="utf-8")) == {}
    assert "stability_seconds = 5" in dept.config_path.read_text(encoding="utf-8")
    assert len(result.created) == 36 + 7 + 1 + len(list(dept.templates.glob("*.docx")))
    assert not result.regenerated


def test_rerun_keeps_reference_rows_and_unchanged_forms(tmp_path: Path) -> None:
    init_department(tmp_path)
    dept = Department.at(tmp_path)
    ref = CATALOG.reference("committee")
    path = dept.reference_file(ref.file)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0].append(["عضو", "سامي علي النسور", "مهندس"])
    wb.save(path)
    dept.config_path.write_text("[intake]\nstability_seconds = 9\n", encoding="utf-8")
    forms = sorted(dept.forms.glob("*.xlsx"))
    ids = {p: read_meta(p)["workbook_id"] for p in forms}
    _age(forms)

    result = init_department(tmp_path)
    assert not result.regenerated and not result.created
    assert read_reference(path, ref) == [
        {"role": "عضو", "name": "سامي علي النسور", "title": "مهندس"}
    ]
    assert "9" in dept.config_path.read_text(encoding="utf-8")
    for p in forms:
        assert p.stat().st_mtime == 1_000_000_000
        assert read_meta(p)["workbook_id"] == ids[p]


def test_rerun_regenerates_on_version_or_list_change(tmp_path: Path) -> None:
    init_department(tmp_path)
    dept = Department.at(tmp_path)
    target = dept.forms / "QF75-11.xlsx"
    wb = openpyxl.load_workbook(target)
    wb["_meta"]["B2"] = "oldvers"
    wb.save(target)
    result = init_department(tmp_path)
    assert result.regenerated == [target]
    assert read_meta(target)["catalog_version"] == CATALOG.version

    # new schools in the reference list: every form is regenerated with them
    write_demo_references(dept, 30, 7)
    result = init_department(tmp_path)
    assert len(result.regenerated) == 36
    wb = openpyxl.load_workbook(target)
    dest = next(wb.defined_names["list_school_QF75_11"].destinations)
    names = [c[0].value for c in wb[dest[0]][dest[1].replace("$", "")]]
    assert names == [s["name"] for s in demo_references(30, 7)["schools"]]

    assert len(init_department(tmp_path, force_forms=True).regenerated) == 36

    # a new approved specification: the forms are regenerated, PRJ offers it
    ref = CATALOG.reference("device_specs")
    specs = [{"device_type": "حاسوب مكتبي", "spec": "معالج Core i7، ذاكرة 16 غيغا",
              "approved_on": "1/2/2026"}]
    write_reference_rows(dept.reference_file(ref.file), ref, specs)
    assert len(init_department(tmp_path).regenerated) == 36
    wb = openpyxl.load_workbook(dept.forms / "PRJ.xlsx")
    dest = next(wb.defined_names["list_spec_ref_PRJ"].destinations)
    assert [c[0].value for c in wb[dest[0]][dest[1].replace("$", "")]] == [specs[0]["spec"]]
    assert init_department(tmp_path).regenerated == []


def test_issue_forms_per_school(tmp_path: Path) -> None:
    init_department(tmp_path)
    dept = Department.at(tmp_path)
    write_demo_references(dept, 30, 7)
    school = demo_references(30, 7)["schools"][3]
    paths = issue_forms(dept, "  " + school["name"].replace(" ", "  ") + " ", None)
    assert [p.stem for p in paths] == [f.code for f in school_forms()]
    assert all(p.parent == dept.outbox / "forms" / school["name"] for p in paths)
    ids = set()
    for path in paths:
        form = CATALOG.form(path.stem)
        meta = read_meta(path)
        assert meta["school"] == school["name"]
        ids.add(meta["workbook_id"])
        ws = openpyxl.load_workbook(path).worksheets[0]
        assert school["name"] in ws["A1"].value
        if form.school_field is not None:
            cell = ws[layout(form).header_cells[form.school_field.key][1]]
            assert cell.value == school["name"]
            assert cell.protection.locked
    assert len(ids) == len(paths)

    by_number = issue_forms(dept, school["school_no"], ["QF75-11", "QF12-1"])
    assert [p.stem for p in by_number] == ["QF75-11", "QF12-1"]
    assert read_meta(by_number[1])["school"] == school["name"]


def test_issue_forms_unknown_school(tmp_path: Path) -> None:
    init_department(tmp_path)
    dept = Department.at(tmp_path)
    with pytest.raises(EtiError) as info:
        issue_forms(dept, "مدرسة لا وجود لها", None)
    assert "غير موجودة" in info.value.message_ar
    assert "not in" in info.value.message_en
    write_demo_references(dept, 30, 7)
    with pytest.raises(EtiError):
        issue_forms(dept, demo_references(30, 7)["schools"][0]["name"], ["QF99-9"])


def test_copies_shipped_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import automation.catalog.department_init as init_module

    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "a.docx").write_bytes(b"new")
    (assets / "b.docx").write_bytes(b"new")
    monkeypatch.setattr(init_module, "ASSET_TEMPLATES", assets)
    root = tmp_path / "dept"
    (root / "templates_docx").mkdir(parents=True)
    (root / "templates_docx" / "a.docx").write_bytes(b"edited by staff")
    init_department(root)
    assert (root / "templates_docx" / "a.docx").read_bytes() == b"edited by staff"
    assert (root / "templates_docx" / "b.docx").read_bytes() == b"new"
