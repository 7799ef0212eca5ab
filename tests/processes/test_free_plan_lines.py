"""Free plan lines (issue 16): a QF12-1 line naming an indicator the product does not
compute, its achieved value typed by hand in «المنجز (يدوي)» — through intake of filled
workbooks, ``eti figures`` (plain and JSON), the quarterly report and the blank form."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from department_factory import clock, drop, make_department, school_names

from automation.catalog.blank import build_form_workbook, layout
from automation.catalog.forms import CATALOG
from automation.cli import main
from automation.intake.pipeline import run_batch

HELPDESK_AR = CATALOG.process("P2").title_ar
LEARNING_AR = CATALOG.process("P10").title_ar
EXECUTED = "عدد طلبات الدعم الفني المنفذة"
FREE = "عدد الدورات التدريبية المنفذة للمعلمين"


def _line(process: str, indicator: str, target: int, manual: int | None = None) -> dict:
    row: dict[str, object] = {
        "process": process, "goal": "تحسين الخدمة", "activity": "نشاط", "indicator": indicator,
        "target": target, "quarter": "الأول", "responsible": "رئيس القسم"}
    if manual is not None:
        row["manual_achieved"] = manual
    return row


@pytest.fixture(scope="module")
def root(module_ledger: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dept = make_department(tmp_path_factory.mktemp("free") / "dept")
    school = school_names(dept)[0]
    drop(dept, "الدعم الفني.xlsx", "HD-EXPORT", {}, [
        {"ticket_no": "1", "school": school, "opened": "1/2/2026", "closed": "10/2/2026",
         "category": "شبكة", "status": "منفذ"},
        {"ticket_no": "2", "school": school, "opened": "1/3/2026", "closed": "12/3/2026",
         "category": "حماية", "status": "منفذ"},
    ])
    drop(dept, "الخطة.xlsx", "QF12-1", {"year": "2026"}, [
        _line(LEARNING_AR, FREE, 8, manual=6),      # a free line: typed by hand
        _line(HELPDESK_AR, EXECUTED, 4, manual=9),  # computed: the typed 9 is set aside
        _line(LEARNING_AR, "عدد النشرات التوعوية", 3),  # free, nothing typed yet
    ])
    batch = run_batch(dept, clock=clock("2026-04-05 10:00"), documents=False)
    outcomes = {r.file: (r.outcome, [p.code for p in r.problems if p.severity == "error"])
                for r in batch.files}
    assert outcomes == {"الدعم الفني.xlsx": ("accepted", []), "الخطة.xlsx": ("accepted", [])}
    return dept.root


def _plan(root: Path) -> dict[str, dict]:
    shown = CliRunner().invoke(main, ["figures", "--root", str(root), "--period", "2026-Q1",
                                      "--json"])
    assert shown.exit_code == 0, shown.output
    return {line["indicator"]: line for line in json.loads(shown.output)["plan"]}


def test_a_free_line_shows_its_hand_typed_achievement(root: Path) -> None:
    free = _plan(root)[FREE]
    assert (free["achieved"], free["manual"], free["target"], free["pct"]) == (6, True, 8, 75.0)
    assert free["warning"] is None
    empty = _plan(root)["عدد النشرات التوعوية"]
    assert (empty["achieved"], empty["manual"], empty["pct"]) == (None, False, None)


def test_a_value_typed_for_a_computed_indicator_is_a_warning_naming_the_computed_value(
    root: Path,
) -> None:
    line = _plan(root)[EXECUTED]
    assert (line["achieved"], line["manual"], line["pct"]) == (2, False, 50.0)  # not 9
    assert "المنجز المحسوب: 2" in line["warning"] and "(9)" in line["warning"]
    shown = CliRunner().invoke(main, ["figures", "--root", str(root), "--period", "2026-Q1"])
    assert shown.exit_code == 0, shown.output
    assert f"{FREE}: 6 (يدوي) / 8 (75.0%)" in shown.output
    assert f"{EXECUTED}: 2 (المكتوب يدوياً 9 لم يُستخدم) / 4" in shown.output
    assert "تنبيه: المؤشر «عدد طلبات الدعم الفني المنفذة» يُحسب من السجلات" in shown.output


def test_the_quarterly_report_marks_the_hand_typed_value(root: Path) -> None:
    from tests.documents.test_documents_helpers import all_text

    made = CliRunner().invoke(main, ["report", "quarterly", "--root", str(root), "--year",
                                     "2026", "--quarter", "1"])
    assert made.exit_code == 0, made.output
    cells = all_text(Path(made.output.strip().splitlines()[-1])).splitlines()
    at = cells.index(FREE)  # the plan table: indicator, target, achieved, %
    assert cells[at + 1:at + 4] == ["8", "6 (يدوي)", "75.0%"]
    at = len(cells) - 1 - cells[::-1].index(EXECUTED)  # its plan line, after the indicators
    # computed: the typed 9 not used, and said so beside the line (issue 24)
    assert cells[at + 1:at + 4] == ["4", "2 (المكتوب يدوياً 9 لم يُستخدم)", "50.0%"]


def test_the_plan_register_shows_the_warning_beside_the_line(root: Path) -> None:
    from automation.core.department import Department
    from automation.registers.builder import register_path
    from automation.registers.sheets import SUMMARY

    ws = openpyxl.load_workbook(register_path(Department.at(root), "PLAN", CATALOG),
                                read_only=True)[SUMMARY]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = next(r for r in rows if r[:2] == ["العملية", "الهدف"])
    line = next(r for r in rows if len(r) > 3 and r[3] == EXECUTED)
    note = line[header.index("ملاحظة")]
    assert "المنجز المحسوب: 2" in note and "(9)" in note
    free = next(r for r in rows if len(r) > 3 and r[3] == FREE)
    assert free[header.index("ملاحظة")] in (None, "")


def test_the_blank_plan_offers_the_list_but_accepts_free_text(tmp_path: Path) -> None:
    form = CATALOG.form("QF12-1")
    assert form.field("manual_achieved").label == "المنجز (يدوي)"
    wb = build_form_workbook(form, CATALOG, schools=[], device_types=[])
    wb.save(tmp_path / "plan.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "plan.xlsx").worksheets[0]
    column = layout(form).columns["indicator"]
    found = [dv for dv in ws.data_validations.dataValidation
             if any(str(r).startswith(column) for r in dv.sqref.ranges)]
    assert [(dv.type, dv.errorStyle) for dv in found] == [("list", "warning")]
    process = layout(form).columns["process"]
    strict = [dv for dv in ws.data_validations.dataValidation
              if any(str(r).startswith(process) for r in dv.sqref.ranges)]
    assert [(dv.type, dv.errorStyle) for dv in strict] == [("list", "stop")]
