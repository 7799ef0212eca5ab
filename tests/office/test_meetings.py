"""Meeting minutes (MEETING): each decision becomes a task of the follow-up without anyone
retyping it, a printable minutes document goes into outbox/minutes/, and the daily digest
lists the tasks overdue on its day, by staff member. A meeting row with no owner is
rejected with an Arabic message, and the file is kept.
"""

from __future__ import annotations

import datetime as dt

import pytest
from ledger_factory import backend_ledger

from automation.catalog.reference import load_references
from automation.core.department import Department
from automation.core.periods import Calendar
from automation.documents.letters import make_digest
from automation.intake.inbox import FileResult
from automation.intake.pipeline import run_batch
from automation.processes import compute_figures
from automation.processes.figures import RowSource
from automation.processes.office import tasks
from tests.department_factory import clock, drop, make_department
from tests.documents.test_documents_helpers import all_text, tables

D = dt.date
DEPARTMENT = "اجتماع القسم"


@pytest.fixture(scope="module")
def world(
    module_ledger: str, tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Department, dict[str, FileResult]]:
    dept = make_department(tmp_path_factory.mktemp("meetings") / "dept")
    head, s1, s2 = load_references(dept).staff_names[:3]
    header = {"meeting_date": D(2026, 3, 1), "kind": DEPARTMENT, "chair": head,
              "attendees": f"{head}، {s1}، {s2}", "agenda": "متابعة خطة الربع الأول"}
    drop(dept, "اجتماع آذار.xlsx", "MEETING", header, [
        {"decision": "تحديث قائمة المدارس", "owner": s1, "due_on": D(2026, 3, 15)},
        {"decision": "تدريب المعلمين على المنصة", "owner": s2, "due_on": D(2026, 4, 30)},
        {"decision": "مراجعة صفحات المدارس", "owner": s2, "notes": "دون موعد"},
    ])
    # the follow-up of one decision: done on 10/3 (on time); it is not counted twice
    drop(dept, "متابعة.xlsx", "TASKS", {}, [
        {"task": "تحديث قائمة المدارس", "staff": s1, "assigned_on": D(2026, 3, 1),
         "due_on": D(2026, 3, 15), "status": "منجزة", "done_on": D(2026, 3, 10),
         "source": "محضر اجتماع 2026-03-01"},
    ])
    drop(dept, "اجتماع بلا مكلف.xlsx", "MEETING",
         {**header, "meeting_date": D(2026, 3, 8)}, [
             {"decision": "شراء طابعة", "owner": None, "due_on": D(2026, 3, 20)}])
    batch = run_batch(dept, clock=clock("2026-03-20 10:00"))
    return dept, {r.file: r for r in batch.files}


def test_a_meeting_row_with_no_owner_is_rejected_in_arabic(world: tuple) -> None:
    dept, results = world
    assert results["اجتماع آذار.xlsx"].outcome == "accepted"
    bad = results["اجتماع بلا مكلف.xlsx"]
    assert bad.outcome == "rejected"
    problems = [(p.code, p.field) for p in bad.problems if p.severity == "error"]
    assert problems == [("required", "المكلف بالتنفيذ")]
    assert "«المكلف بالتنفيذ» مطلوب" in bad.problems[0].message
    assert (dept.root / bad.stored_path).is_file()  # the file is kept, not lost


def test_each_decision_is_a_task_of_its_owner(world: tuple) -> None:
    dept, _ = world
    _head, s1, s2 = load_references(dept).staff_names[:3]
    with backend_ledger(dept.ledger_path) as ledger:
        found = [(t.staff, t.task, t.status, t.due_on, t.source)
                 for t in tasks(RowSource(ledger))]
        q1 = compute_figures(ledger, Calendar().quarter(2026, 1)).figures("OFFICE")
    assert sorted(found) == sorted([
        (s1, "تحديث قائمة المدارس", "منجزة", D(2026, 3, 15), "محضر اجتماع 2026-03-01"),
        (s2, "تدريب المعلمين على المنصة", "جديدة", D(2026, 4, 30), "محضر اجتماع 2026-03-01"),
        (s2, "مراجعة صفحات المدارس", "جديدة", None, "محضر اجتماع 2026-03-01"),
    ])
    # 3 assigned (the followed-up decision once), 1 done on time, none late or overdue
    # at 31/3 (the training is due 30/4; the review has no due date); 1 meeting held
    assert [(f.label, f.value) for f in q1] == [
        ("المهام المكلف بها", 3), ("المهام المنجزة في موعدها", 1),
        ("المهام المنجزة بعد موعدها", 0), ("المهام المتأخرة في نهاية الفترة", 0),
        ("الاجتماعات المعقودة", 1), ("الزيارات التفقدية", 0)]


def test_the_minutes_are_in_the_outbox_with_signature_lines(world: tuple) -> None:
    dept, _ = world
    head, s1, s2 = load_references(dept).staff_names[:3]
    made = list((dept.outbox / "minutes").glob("*.docx"))
    assert [p.name for p in made] == ["2026-03-01-محضر-اجتماع-اجتماع-القسم.docx"]
    text = all_text(made[0])
    assert "محضر اجتماع" in text and "متابعة خطة الربع الأول" in text
    found = tables(made[0])
    decisions = next(t for t in found if t and t[0][:3] == ["م", "القرار أو التوصية",
                                                            "المكلف بالتنفيذ"])
    assert [r[1:4] for r in decisions[1:]] == [
        ["تحديث قائمة المدارس", s1, "15/3/2026"],
        ["تدريب المعلمين على المنصة", s2, "30/4/2026"],
        ["مراجعة صفحات المدارس", s2, ""]]
    signatures = next(t for t in found if t and t[0] == ["الصفة", "الاسم", "التوقيع"])
    assert [r[:2] for r in signatures[1:]] == [["رئيس الاجتماع", head], ["عضو", s1],
                                               ["عضو", s2]]


def test_the_digest_lists_overdue_tasks_by_staff_member(world: tuple) -> None:
    dept, _ = world
    _head, _s1, s2 = load_references(dept).staff_names[:3]
    with backend_ledger(dept.ledger_path) as ledger:
        on_time = make_digest(dept, ledger, D(2026, 4, 30), clock=clock("2026-04-30 18:00"))
        late = make_digest(dept, ledger, D(2026, 5, 3), clock=clock("2026-05-03 18:00"))
    assert "المهام المتأخرة (0)" in all_text(on_time)
    assert "المهام المتأخرة (1) لدى 1 من العاملين" in all_text(late)
    table = next(t for t in tables(late) if t and t[0][:3] == ["م", "الموظف", "المهمة"])
    assert table[1][1:5] == [s2, "تدريب المعلمين على المنصة", "30/4/2026", "3"]
