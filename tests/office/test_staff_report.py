"""Inspection visits (HEAD-VISIT) and the staff members' performance evidence
(``eti report staff``): every number of one employee's document counted by hand on a
small scenario of forms filled from the product's own blanks, names matched after Arabic
normalization.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from ledger_factory import backend_ledger

from automation.catalog.reference import load_references
from automation.cli import main
from automation.core.department import Department
from automation.core.periods import Calendar, Period
from automation.documents.staff_report import make_staff_reports
from automation.intake.inbox import FileResult
from automation.intake.pipeline import run_batch
from automation.processes import compute_figures
from automation.processes.figures import RowSource
from automation.processes.staff import staff_year
from tests.department_factory import clock, drop, make_department, school_names
from tests.documents.test_documents_helpers import all_text, tables

D = dt.date


def _repair(technician: str, status: str, done: dt.date | None, n: int) -> dict[str, object]:
    return {"device_type": "حاسوب مكتبي", "asset_no": f"SN-{n}", "location": "مختبر حاسوب",
            "fault": "لا يعمل", "action": "إصلاح" if done else None, "technician": technician,
            "status": status, "done_date": done}


@pytest.fixture(scope="module")
def world(
    module_ledger: str, tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Department, dict[str, FileResult]]:
    dept = make_department(tmp_path_factory.mktemp("staff") / "dept")
    head, s1, s2 = load_references(dept).staff_names[:3]
    variant = s1.replace("ة", "ه")  # the same name, written otherwise
    a, b = school_names(dept)[:2]
    drop(dept, "مهام.xlsx", "TASKS", {}, [
        {"task": "جرد المختبر", "staff": s1, "assigned_on": D(2026, 1, 5),
         "due_on": D(2026, 1, 20), "status": "منجزة", "done_on": D(2026, 1, 18)},
        {"task": "تقرير الشبكة", "staff": variant, "assigned_on": D(2026, 2, 1),
         "due_on": D(2026, 2, 10), "status": "منجزة", "done_on": D(2026, 2, 12)},
        {"task": "تحديث القائمة", "staff": s1, "assigned_on": D(2026, 3, 1),
         "due_on": D(2026, 3, 20), "status": "قيد التنفيذ"},
        {"task": "مهمة زميله", "staff": s2, "assigned_on": D(2026, 3, 1),
         "due_on": D(2026, 3, 20), "status": "جديدة"},
    ])
    drop(dept, "صيانة.xlsx", "QF75-11", {"school": a, "request_date": D(2026, 2, 1),
                                         "channel": "هاتف"}, [
        _repair(variant, "تم الإصلاح", D(2026, 2, 3), 1),
        _repair(s1, "تم الإصلاح", D(2026, 2, 4), 2),
        _repair(s1, "قيد المعالجة", None, 3),  # not repaired (yet)
        _repair(s2, "تم الإصلاح", D(2026, 2, 4), 4),  # his colleague's
    ])
    drop(dept, "زيارة.xlsx", "QF75-13", {"site": a, "visit_date": D(2026, 2, 8),
                                         "purpose": "الصيانة", "visitors": f"{s1}، {s2}"}, [
        {"item": "الشبكة", "finding": "تعمل"}])
    drop(dept, "تفعيل.xlsx", "EMIS-ACTIVATION", {"school": b, "visit_date": D(2026, 3, 2),
                                                  "visitor": s2}, [
        {"function": "إدخال العلامات", "activated": "نعم", "completion": 90}])
    drop(dept, "اجتماع.xlsx", "MEETING", {
        "meeting_date": D(2026, 3, 3), "kind": "اجتماع القسم", "chair": head,
        "attendees": f"{head}، {variant}"}, [
        {"decision": "متابعة الصيانة", "owner": s2, "due_on": D(2026, 3, 30)}])
    drop(dept, "تفقدية.xlsx", "HEAD-VISIT", {"visit_date": D(2026, 3, 9), "staff": s1,
                                             "workplace": "مختبر الحاسوب",
                                             "official_hours": "نعم"}, [
        {"aspect": "الانضباط", "finding": "ملتزم بالدوام", "rating": "ممتاز"},
        {"aspect": "السجلات", "finding": "سجل الصيانة محدث"},
    ])
    drop(dept, "تفقدية خاطئة.xlsx", "HEAD-VISIT", {"visit_date": D(2026, 3, 9), "staff": s2,
                                                   "workplace": "المكتب",
                                                   "official_hours": "أحياناً"}, [
        {"aspect": "الانضباط", "finding": "—"}])
    batch = run_batch(dept, clock=clock("2026-04-05 10:00"), documents=False)
    return dept, {r.file: r for r in batch.files}


def test_every_form_is_accepted_and_a_bad_visit_rejected(world: tuple) -> None:
    _, results = world
    rejected = {n: r for n, r in results.items() if r.outcome != "accepted"}
    assert list(rejected) == ["تفقدية خاطئة.xlsx"]
    problems = [(p.code, p.field) for p in rejected["تفقدية خاطئة.xlsx"].problems]
    assert problems == [("bad-yesno", "خلال الدوام الرسمي")]


def test_one_employees_year_counted_by_hand(world: tuple) -> None:
    dept, _ = world
    head, s1, s2 = load_references(dept).staff_names[:3]
    with backend_ledger(dept.ledger_path) as ledger:
        src = RowSource(ledger)
        office_year = compute_figures(ledger, _year()).figures("OFFICE")
        mine = staff_year(src, s1, _year(), D(2026, 4, 5))
        colleague = staff_year(src, s2, _year(), D(2026, 4, 5))
        chair = staff_year(src, head, _year(), D(2026, 4, 5))
    # s1: 3 tasks (one in the variant spelling); on time: the inventory; late: the
    # network report (12/2 > 10/2); overdue on 5/4: the list (due 20/3)
    assert (mine.assigned, mine.on_time, mine.late, mine.overdue) == (3, 1, 1, 1)
    assert [(v.form, v.role) for v in mine.visits] == [("QF75-13", "الزائر")]
    assert mine.repairs == 2  # the third is still in progress; the fourth is s2's
    assert [(m[1], m[2]) for m in mine.meetings] == [("اجتماع القسم", "عضو")]
    assert [(i.aspect, i.rating, i.official_hours) for i in mine.inspections] == [
        ("الانضباط", "ممتاز", True), ("السجلات", "", True)]
    # s2: his task and the meeting's decision (due 30/3) both overdue; two visits
    assert (colleague.assigned, colleague.overdue) == (2, 2)
    assert [v.form for v in colleague.visits] == ["QF75-13", "EMIS-ACTIVATION"]
    assert (colleague.repairs, colleague.meetings, colleague.inspections) == (1, [], [])
    assert [(m[2]) for m in chair.meetings] == ["رئيس الاجتماع"]
    assert {f.label: f.value for f in office_year}["الزيارات التفقدية"] == 1


def _year() -> Period:
    return Calendar().year(2026)


def test_the_staff_report_documents(world: tuple) -> None:
    dept, _ = world
    names = load_references(dept).staff_names
    s1 = names[1]
    with backend_ledger(dept.ledger_path) as ledger:
        made = make_staff_reports(dept, ledger, 2026, clock=clock("2026-04-05 12:00"))
    assert [p.name for p in made] == [f"{n.replace(' ', '-')}.docx" for n in names]
    assert [p.parent.name for p in made] == ["2026"] * len(names)
    doc = made[1]
    text = all_text(doc)
    assert s1 in text and "عام 2026" in text and "حتى تاريخ" in text
    found = tables(doc)
    figures = next(t for t in found if t and t[0] == ["البيان", "القيمة"]
                   and any(r[0] == "المهام المكلف بها" for r in t))
    assert [r[1] for r in figures[1:]] == ["3", "1", "1", "1"]
    task_rows = next(t for t in found if t and t[0][:2] == ["م", "المهمة"])
    assert [(r[1], r[4]) for r in task_rows[1:]] == [
        ("جرد المختبر", "منجزة في موعدها"), ("تقرير الشبكة", "منجزة بعد موعدها"),
        ("تحديث القائمة", "متأخرة (16 يوماً)")]
    visits = next(t for t in found if t and t[0][:3] == ["م", "التاريخ", "النموذج"])
    assert [r[2:] for r in visits[1:]] == [
        ["QF75-13 تقرير زيارة ميدانية", school_names(dept)[0], "الزائر"]]
    repairs = next(t for t in found if t and t[0] == ["البيان", "القيمة"]
                   and any(r[0] == "حاسوب مكتبي" for r in t))
    assert repairs[1:] == [["حاسوب مكتبي", "2"]]
    inspections = next(t for t in found if t and "خلال الدوام" in t[0])
    assert [r[3:] for r in inspections[1:]] == [["الانضباط", "ملتزم بالدوام", "ممتاز"],
                                                ["السجلات", "سجل الصيانة محدث", ""]]


def test_eti_report_staff_for_one_name_and_an_unknown_one(world: tuple, tmp_path: Path) -> None:
    dept, _ = world
    s2 = load_references(dept).staff_names[2]
    runner = CliRunner()
    one = runner.invoke(main, ["report", "staff", "--root", str(dept.root), "--year", "2026",
                               "--staff", s2.replace("ة", "ه")])
    assert one.exit_code == 0, one.output
    assert one.output.strip().endswith(f"{s2.replace(' ', '-')}.docx")
    unknown = runner.invoke(main, ["report", "staff", "--root", str(dept.root), "--year",
                                   "2026", "--staff", "شخص غير موجود"])
    assert unknown.exit_code != 0
    assert "غير موجود في قائمة العاملين" in unknown.output
