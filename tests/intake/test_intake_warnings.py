"""Warnings at intake that read what the department already knows (issue 16, items 5 and 6):
a plan line's «المنجز (يدوي)» typed for a computed indicator (named with its computed
value, from the ledger), and a PRJ row's «المواصفات المعتمدة» not in device_specs.xlsx.
Both accept the file; both go through intake of filled blank forms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from department_factory import clock, drop, make_department, school_names

from automation.catalog.blank import layout
from automation.catalog.forms import CATALOG
from automation.catalog.reference import load_references
from automation.catalog.reference_books import write_reference_rows
from automation.cli import main
from automation.core.department import Department
from automation.core.messages import MESSAGES
from automation.core.problems import Problem
from automation.demo.references import DEVICE_SPECS
from automation.intake.inbox import Intake, analyse
from automation.intake.pipeline import run_batch
from automation.intake.safety import Limits
from automation.intake.workers import validation_context
from automation.ledger.open import open_ledger
from automation.processes.plan import PLAN_FORM

pytestmark = pytest.mark.usefixtures("ledger_backend")

HELPDESK_AR = CATALOG.process("P2").title_ar
LEARNING_AR = CATALOG.process("P10").title_ar
EXECUTED = "عدد طلبات الدعم الفني المنفذة"
FREE = "عدد الدورات التدريبية المنفذة للمعلمين"
PLAN = CATALOG.form(PLAN_FORM)
PROJECTS = "PRJ"


def _ticket(no: str, school: str, opened: str, closed: str | None, status: str) -> dict:
    row: dict[str, object] = {"ticket_no": no, "school": school, "opened": opened,
                              "category": "شبكة", "status": status}
    if closed:
        row["closed"] = closed
    return row


def _line(indicator: str, quarter: str, manual: int | None = None,
          process: str = HELPDESK_AR) -> dict:
    row: dict[str, object] = {
        "process": process, "goal": "تحسين الخدمة", "activity": "نشاط", "indicator": indicator,
        "target": 4, "quarter": quarter, "responsible": "رئيس القسم"}
    if manual is not None:
        row["manual_achieved"] = manual
    return row


PLAN_LINES = [
    _line(EXECUTED, "الأول", manual=9),          # computed: Q1 executed = 2
    _line(EXECUTED, "طوال العام", manual=5),     # computed: 2026 executed = 3
    _line(EXECUTED, "الثاني"),                   # computed, nothing typed: no warning
    _line(FREE, "الأول", manual=6, process=LEARNING_AR),  # a free line: its value is used
    _line("عدد طلبات الدعم الفنى المنفذه", "الثاني", manual=7),  # the same, spelled loosely
]


def _manual_cell(index: int) -> str:
    """The «المنجز (يدوي)» cell of the plan line at ``index`` in the filled blank form."""
    at = layout(PLAN)
    return f"{at.columns['manual_achieved']}{at.table_first_row + index}"


def _helpdesk(dept: Department) -> None:
    """Five tickets; executed (منفذ, by the day closed): two in Q1 2026, one in Q2 2026."""
    school = school_names(dept)[0]
    drop(dept, "الدعم الفني.xlsx", "HD-EXPORT", {}, [
        _ticket("1", school, "1/2/2026", "10/2/2026", "منفذ"),   # Q1
        _ticket("2", school, "1/3/2026", "12/3/2026", "منفذ"),   # Q1
        _ticket("3", school, "20/3/2026", "5/4/2026", "منفذ"),   # opened Q1, executed Q2
        _ticket("4", school, "1/3/2026", None, "مفتوح"),         # not executed
        _ticket("5", school, "2/2/2026", "3/2/2026", "ملغى"),    # cancelled
    ])


def _plan_run(tmp_path: Path) -> tuple[Department, dict]:
    """The help desk committed first; then the plan handled by ``eti process --json``."""
    dept = make_department(tmp_path / "dept")
    _helpdesk(dept)
    first = run_batch(dept, clock=clock("2026-04-05 10:00"), documents=False)
    assert [(r.outcome, r.problems) for r in first.files] == [("accepted", [])]
    drop(dept, "الخطة.xlsx", PLAN_FORM, {"year": "2026"}, PLAN_LINES)
    shown = CliRunner().invoke(main, ["process", "--root", str(dept.root), "--json"])
    assert shown.exit_code == 0, shown.output
    printed = json.loads(shown.output[shown.output.index("["):])
    assert len(printed) == 1
    return dept, printed[0]


def test_a_value_typed_for_a_computed_indicator_is_a_warning_naming_the_computed_value(
    tmp_path: Path,
) -> None:
    dept, plan = _plan_run(tmp_path)
    assert (plan["outcome"], plan["rows"]) == ("accepted", 5)
    found = plan["problems"]
    assert [(p["code"], p["severity"], p["cell"], p["field"]) for p in found] == [
        ("manual-for-computed", "warning", _manual_cell(i), "المنجز (يدوي)") for i in (0, 1, 4)]
    q1, year, q2 = (p["message"] for p in found)
    # hand-counted from the five tickets: 2 executed in Q1, 3 in 2026, 1 in Q2
    assert f"«{EXECUTED}»" in q1 and "من 1/1/2026 إلى 31/3/2026 حتى الآن 2،" in q1
    assert "«المنجز (يدوي)» (9) لا تُستخدم" in q1
    assert "من 1/1/2026 إلى 31/12/2026 حتى الآن 3،" in year and "(5)" in year
    assert f"«{EXECUTED}»" in q2 and "من 1/4/2026 إلى 30/6/2026 حتى الآن 1،" in q2
    assert "(7)" in q2
    for problem in found:  # the English line for the IT colleague, and what to do
        assert problem["message"].endswith(MESSAGES["manual-for-computed"].action_ar)
        assert "is computed from the registers" in problem["message_en"]
        assert problem["message_en"].endswith(MESSAGES["manual-for-computed"].action_en)
    assert "2 from 1/1/2026 to 31/3/2026 so far" in found[0]["message_en"]
    # kept with the accepted plan in the ledger, as every warning on an accepted file
    with open_ledger(dept) as ledger:
        kept = ledger.problems_of(int(plan["submission_id"]))
        assert [(p["code"], p["severity"], p["cell"]) for p in kept] == [
            ("manual-for-computed", "warning", _manual_cell(i)) for i in (0, 1, 4)]
        assert [p["message"] for p in kept] == [p["message"] for p in plan["problems"]]
        assert len(ledger.current_rows(PLAN_FORM)) == 5  # every line committed


def test_a_plan_read_by_a_worker_is_checked_again_against_the_ledger(tmp_path: Path) -> None:
    """Workers have no ledger: a plan with a value typed for a computed indicator is left
    to the batch process (``needs_ledger``), which names the computed value."""
    dept = make_department(tmp_path / "dept")
    _helpdesk(dept)
    run_batch(dept, clock=clock("2026-04-05 10:00"), documents=False)
    typed = drop(dept, "خطة.xlsx", PLAN_FORM, {"year": "2026"}, PLAN_LINES[:1])
    untyped = drop(dept, "خطة بلا قيم.xlsx", PLAN_FORM, {"year": "2025"}, PLAN_LINES[2:4])
    context = validation_context(load_references(dept))
    in_worker = analyse(typed, CATALOG, context, Limits(), None)
    assert in_worker.needs_ledger and in_worker.rows is not None
    assert [p.code for p in in_worker.problems] == []
    plain = analyse(untyped, CATALOG, context, Limits(), None)
    assert not plain.needs_ledger and plain.problems == []  # a free line's value is used
    with open_ledger(dept) as ledger:
        intake = Intake(dept, ledger, context, clock=clock("2026-04-06 09:00"))
        claim = intake.claim_all([typed])[0]
        result = intake.handle(claim, in_worker)
    assert result.outcome == "accepted"
    assert [(p.code, p.severity, p.cell) for p in result.problems] == [
        ("manual-for-computed", "warning", _manual_cell(0))]
    assert "حتى الآن 2،" in result.problems[0].message


def test_a_plan_arriving_before_the_data_names_what_the_ledger_holds_then(
    tmp_path: Path,
) -> None:
    dept = make_department(tmp_path / "dept")
    drop(dept, "الخطة.xlsx", PLAN_FORM, {"year": "2026"}, PLAN_LINES[:1])
    batch = run_batch(dept, clock=clock("2026-01-05 10:00"), documents=False)
    (plan,) = batch.files
    assert plan.outcome == "accepted"
    assert [p.code for p in plan.problems] == ["manual-for-computed"]
    assert "حتى الآن 0،" in plan.problems[0].message  # nothing executed yet


# ------------------------------------------------------------- PRJ: approved specifications

DESKTOP, DESKTOP_SPEC = DEVICE_SPECS[0][:2]
LASER = DEVICE_SPECS[3][0]
UNKNOWN_SPEC = "حاسوب مكتبي بمواصفات المورد"


def _item(no: int, device: str, spec: str | None) -> dict:
    row: dict[str, object] = {
        "tender_no": "ع/2026/3", "title": "تجهيز مختبرات الحاسوب", "supplier": "شركة التقنية",
        "device_type": device, "quantity": no, "committee": "لجنة الاستلام الأولى",
        "follow_committee": "لجنة المتابعة", "status": "قيد التنفيذ"}
    if spec is not None:
        row["spec_ref"] = spec
    return row


PRJ_ROWS = [
    _item(1, DESKTOP, DESKTOP_SPEC),                            # approved for its type
    _item(2, DESKTOP, UNKNOWN_SPEC),                            # not in the list
    _item(3, LASER, DESKTOP_SPEC),                              # approved, for another type
    _item(4, DESKTOP, None),                                    # none named: nothing said
    _item(5, DESKTOP, "  " + DESKTOP_SPEC.replace("إنش", "انش")),  # spelled loosely: known
]


def _projects(dept: Department, name: str) -> list[Problem]:
    school = school_names(dept)[0]
    drop(dept, name, PROJECTS, {}, [{**row, "school": school} for row in PRJ_ROWS])
    (result,) = run_batch(dept, clock=clock("2026-04-05 10:00"), documents=False).files
    assert (result.outcome, result.rows) == ("accepted", 5)
    return result.problems


def test_a_specification_not_in_the_list_is_a_warning_saying_where_the_list_is(
    tmp_path: Path,
) -> None:
    dept = make_department(tmp_path / "dept")
    found = _projects(dept, "العطاء.xlsx")
    column = layout(CATALOG.form(PROJECTS)).columns["spec_ref"]
    first = layout(CATALOG.form(PROJECTS)).table_first_row
    assert [(p.code, p.severity, p.cell, p.field) for p in found] == [
        ("unknown-spec", "warning", f"{column}{first + 1}", "المواصفات المعتمدة"),
        ("spec-of-other-type", "warning", f"{column}{first + 2}", "المواصفات المعتمدة"),
    ]
    unknown, other = found
    assert f"«{UNKNOWN_SPEC}» غير موجودة في قائمة المواصفات الفنية المعتمدة" in unknown.message
    assert "workbooks/reference/device_specs.xlsx" in unknown.message
    assert unknown.message.endswith(MESSAGES["unknown-spec"].action_ar)
    assert UNKNOWN_SPEC in unknown.message_en
    assert "is not in the list of approved specifications" in unknown.message_en
    assert "workbooks/reference/device_specs.xlsx" in unknown.message_en
    assert f"لـ«{DESKTOP}»، وليس لـ«{LASER}»" in other.message
    assert f"for {DESKTOP}, not for {LASER}" in other.message_en


def test_specifications_are_not_checked_while_the_list_is_empty(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "dept")
    ref = CATALOG.reference("device_specs")
    write_reference_rows(dept.reference_file(ref.file), ref, [])
    assert _projects(dept, "العطاء.xlsx") == []


def test_a_specification_listed_for_no_type_fits_every_type(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "dept")
    ref = CATALOG.reference("device_specs")
    write_reference_rows(dept.reference_file(ref.file), ref, [
        {"device_type": DESKTOP, "spec": DESKTOP_SPEC},
        {"device_type": "", "spec": UNKNOWN_SPEC},  # a list row with no type: any type
    ])
    found = _projects(dept, "العطاء.xlsx")
    assert [(p.code, p.row) for p in found] == [("spec-of-other-type", found[0].row)]
    assert LASER in found[0].message
