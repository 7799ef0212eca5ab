"""The staff tasks follow-up (TASKS), filled from the product's own blank form and dropped
into a department's inbox: accepted or rejected as it should be, its figures (assigned,
done on time, done late, overdue at the period's end) counted by hand below, overdue
computed on a fake clock's day, never typed.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from ledger_factory import backend_ledger

from automation.catalog.reference import load_references
from automation.core.department import Department
from automation.core.periods import Calendar
from automation.intake.inbox import FileResult
from automation.intake.pipeline import run_batch
from automation.processes import compute_figures
from automation.processes.figures import RowSource
from automation.processes.office import overdue_tasks, staff_tasks, tasks
from automation.registers.builder import register_path
from automation.registers.sheets import SUMMARY
from automation.text.arabic import normalize_name
from tests.department_factory import clock, drop, make_department

D = dt.date
CAL = Calendar()


def staff_names(dept: Department) -> list[str]:
    return load_references(dept).staff_names


def task(name: str, staff: str, assigned: dt.date, due: dt.date, status: str,
         done: dt.date | None = None) -> dict[str, object]:
    return {"task": name, "staff": staff, "assigned_on": assigned, "due_on": due,
            "status": status, "done_on": done, "process": None}


@pytest.fixture(scope="module")
def world(
    module_ledger: str, tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Department, dict[str, FileResult]]:
    dept = make_department(tmp_path_factory.mktemp("tasks") / "dept")
    _head, s1, s2 = staff_names(dept)[:3]
    variant = s1.replace("ة", "ه").replace("عمر", "عُمر")  # the same name, written otherwise
    rows = [
        task("جرد أجهزة المختبر", s1, D(2026, 1, 10), D(2026, 1, 31), "منجزة", D(2026, 1, 25)),
        task("تقرير الصيانة الشهري", variant, D(2026, 2, 1), D(2026, 2, 15), "منجزة",
             D(2026, 3, 1)),
        task("تحديث قائمة المدارس", s1, D(2026, 2, 10), D(2026, 3, 15), "قيد التنفيذ"),
        task("زيارة مدرسة", s2, D(2026, 3, 1), D(2026, 3, 20), "ملغاة"),
        task("تدريب المعلمين على المنصة", s2, D(2026, 3, 5), D(2026, 4, 30), "جديدة"),
        task("إعداد خطة التدريب", s2, D(2026, 2, 1), D(2026, 3, 10), "منجزة", D(2026, 4, 2)),
    ]
    rows[0]["process"] = "مصادر التعلم: المختبرات والمكتبات والوسائل التعليمية"
    drop(dept, "المهام.xlsx", "TASKS", {}, rows, workbook_id="00000000-0000-4000-8000-000000000151")
    drop(dept, "مهام خاطئة.xlsx", "TASKS", {}, [
        task("مهمة", s1, D(2026, 3, 10), D(2026, 3, 1), "جديدة"),  # due before assignment
        task("مهمة أخرى", s2, D(2026, 3, 10), D(2026, 3, 20), "منجزة"),  # done: when?
    ])
    drop(dept, "مهام لموظف جديد.xlsx", "TASKS", {}, [
        task("متابعة البريد", "موظف ليس في القائمة", D(2026, 3, 1), D(2026, 3, 2), "جديدة"),
    ], workbook_id="00000000-0000-4000-8000-000000000152")
    batch = run_batch(dept, clock=clock("2026-04-05 10:00"), documents=False)
    return dept, {r.file: r for r in batch.files}


def test_tasks_are_accepted_and_bad_tasks_rejected_in_arabic(world: tuple) -> None:
    _, results = world
    assert (results["المهام.xlsx"].outcome, results["المهام.xlsx"].rows) == ("accepted", 6)
    bad = results["مهام خاطئة.xlsx"]
    assert bad.outcome == "rejected"
    assert {(p.code, p.field, p.row) for p in bad.problems if p.severity == "error"} == {
        ("date-order", "تاريخ الاستحقاق", bad.problems[0].row),
        ("needs-value", "تاريخ الإنجاز", bad.problems[1].row),
    }
    order = next(p for p in bad.problems if p.code == "date-order")
    assert "«تاريخ الاستحقاق»" in order.message and "يسبق «تاريخ التكليف»" in order.message
    # a name that is not in staff.xlsx is accepted with a warning (offered, not imposed)
    newcomer = results["مهام لموظف جديد.xlsx"]
    assert newcomer.outcome == "accepted"
    assert [(p.code, p.severity, p.field) for p in newcomer.problems] == [
        ("unknown-staff", "warning", "الموظف")]
    assert "غير موجود في قائمة العاملين" in newcomer.problems[0].message
    # the variant spelling of a listed name is no warning
    assert not results["المهام.xlsx"].problems


def test_figures_of_a_quarter_counted_by_hand(world: tuple) -> None:
    dept, _ = world
    with backend_ledger(dept.ledger_path) as ledger:
        q1 = compute_figures(ledger, CAL.quarter(2026, 1)).figures("OFFICE")
        q2 = compute_figures(ledger, CAL.quarter(2026, 2)).figures("OFFICE")
    # Q1: 7 assigned (6 + the newcomer's); on time: the inventory; late: the monthly report
    # (the training plan was done on 2/4, in Q2). Overdue at 31/3: the schools list (due
    # 15/3), the training plan (due 10/3, not done by 31/3), the newcomer's mail (due 2/3);
    # the cancelled visit never is.
    assert [(f.label, f.value) for f in q1[:4]] == [
        ("المهام المكلف بها", 7), ("المهام المنجزة في موعدها", 1),
        ("المهام المنجزة بعد موعدها", 1), ("المهام المتأخرة في نهاية الفترة", 3)]
    # Q2: nothing assigned; the training plan done late; at 30/6 the schools list, the
    # teachers' training (due 30/4) and the newcomer's mail are overdue
    assert [f.value for f in q2[:4]] == [0, 0, 1, 3]


def test_each_employees_figures_match_names_after_normalization(world: tuple) -> None:
    dept, _ = world
    names = staff_names(dept)
    with backend_ledger(dept.ledger_path) as ledger:
        per = staff_tasks(tasks(RowSource(ledger)), CAL.quarter(2026, 1), names)
    rows = [e.row() for e in per.values()]
    head, s1, s2 = names[:3]
    assert rows[:3] == [[head, 0, 0, 0, 0], [s1, 3, 1, 1, 1], [s2, 3, 0, 0, 1]]
    assert rows[-1] == ["موظف ليس في القائمة", 1, 0, 0, 1]
    assert len(rows) == len(names) + 1


def test_overdue_is_computed_on_the_clocks_day(world: tuple) -> None:
    dept, _ = world
    _head, s1, s2 = staff_names(dept)[:3]
    with backend_ledger(dept.ledger_path) as ledger:
        src = RowSource(ledger)
        on = {day: [(t.staff, t.task) for t in overdue_tasks(src, day)]
              for day in (D(2026, 3, 10), D(2026, 3, 11), D(2026, 4, 30), D(2026, 5, 1))}
    # on its due day a task is not yet overdue; the next day it is
    assert ("إعداد خطة التدريب" in [t for _, t in on[D(2026, 3, 10)]]) is False
    assert (s2, "إعداد خطة التدريب") in on[D(2026, 3, 11)]
    # done on 2/4: no longer overdue; the teachers' training is due 30/4. The list is by
    # employee (their names in alphabetical order: the staff list's names may sort either
    # side of the newcomer's), then by due date
    assert on[D(2026, 4, 30)] == sorted(
        [(s1, "تحديث قائمة المدارس"), ("موظف ليس في القائمة", "متابعة البريد")],
        key=lambda entry: normalize_name(entry[0]))
    assert (s2, "تدريب المعلمين على المنصة") in on[D(2026, 5, 1)]


def test_the_office_register_shows_the_tasks_and_who_is_late(world: tuple) -> None:
    dept, _ = world
    _head, s1, _s2 = staff_names(dept)[:3]
    wb = openpyxl.load_workbook(register_path(dept, "OFFICE"), read_only=True)
    assert "TASKS" in " ".join(wb.sheetnames)
    rows = [list(r) for r in wb[SUMMARY].iter_rows(values_only=True)]
    # written on 5/4/2026: the year so far, by employee
    start = next(i for i, r in enumerate(rows) if str(r[0] or "").startswith("مهام العاملين"))
    table = [r for r in rows[start:start + 12] if r[0] == s1]
    assert [c for c in table[0] if c is not None] == [s1, 3, 1, 1, 1]
    late = next(i for i, r in enumerate(rows) if r[0] == "المهام المتأخرة")
    listed = [r[1] for r in rows[late:] if r[0] == s1]
    assert listed == ["تحديث قائمة المدارس"]
