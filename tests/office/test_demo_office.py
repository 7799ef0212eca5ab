"""The head's office in the demo year: the tasks list sent each month, two meetings, two
inspection visits, all accepted; the minutes and every staff member's report in outbox/,
and the OFFICE figures the registers show. The people the year's forms name (visitors,
technicians, the head) are the staff list's, so their reports are not empty."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ledger_factory import backend_ledger

from automation.catalog.reference import load_references
from automation.core.department import Department
from automation.core.periods import Calendar
from automation.demo.run import DemoSummary, run_demo
from automation.demo.year import plan_year
from automation.processes import VISIT_REPORTS, compute_figures, p01_maintenance
from automation.processes.figures import RowSource
from automation.processes.staff import names_in, staff_year
from automation.registers.builder import register_path
from automation.text.arabic import normalize_name


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    summary = run_demo(tmp_path_factory.mktemp("office-demo") / "dept", schools=12, seed=7)
    assert not summary.failures
    return summary


def test_the_plan_has_the_offices_files(demo: DemoSummary) -> None:
    plan = plan_year(load_references(demo.dept), year=2026, seed=7)
    office = [p for p in plan if p.form in ("TASKS", "MEETING", "HEAD-VISIT")]
    counts = {code: sum(p.form == code for p in office) for code in ("TASKS", "MEETING",
                                                                     "HEAD-VISIT")}
    assert counts == {"TASKS": 12, "MEETING": 2, "HEAD-VISIT": 2}
    # each month's list replaces the one before (the same workbook, sent again)
    tasks = [p.expected for p in office if p.form == "TASKS"]
    assert tasks == ["accepted"] + ["superseded"] * 11
    assert {p.expected for p in office if p.form != "TASKS"} == {"accepted"}
    assert len({p.workbook_id for p in office if p.form == "TASKS"}) == 1  # one running list


def test_the_demo_years_office(demo: DemoSummary) -> None:
    dept: Department = demo.dept
    staff = load_references(dept).staff_names
    reports = sorted(p.name for p in (dept.outbox / "staff" / "2026").glob("*.docx"))
    assert reports == sorted(f"{n.replace(' ', '-')}.docx" for n in staff)
    assert len(list((dept.outbox / "minutes").glob("*.docx"))) == 2
    assert register_path(dept, "OFFICE").is_file()
    with backend_ledger(dept.ledger_path) as ledger:
        year = {f.label: f.value for f in
                compute_figures(ledger, Calendar().year(2026)).figures("OFFICE")}
    assert year["الاجتماعات المعقودة"] == 2 and year["الزيارات التفقدية"] == 2
    assert year["المهام المكلف بها"] > 0
    assert year["المهام المنجزة في موعدها"] + year["المهام المنجزة بعد موعدها"] > 0


def test_no_file_of_the_office_was_lost(demo: DemoSummary) -> None:
    processed = Path(demo.dept.processed)
    names = [p.name for p in processed.rglob("*.xlsx")]
    assert sum("محضر اجتماع" in n for n in names) == 2
    assert sum("زيارة تفقدية" in n for n in names) == 2


NAMING = {**VISIT_REPORTS, "QF75-11": "technician", "QF70-2-1": "visitor",
          "EMIS-ACTIVATION": "visitor", "MEETING": "chair"}
"""The fields of the demo's forms that name a member of the department's staff."""


def test_the_forms_name_the_people_of_the_staff_list(demo: DemoSummary) -> None:
    refs = load_references(demo.dept)
    staff = {normalize_name(n) for n in refs.staff_names}
    named: set[str] = set()
    with backend_ledger(demo.dept.ledger_path) as ledger:
        for form, key in NAMING.items():
            rows = ledger.current_rows(form)
            assert rows, form
            named |= {normalize_name(n) for r in rows for n in names_in(r.data.get(key))}
    assert named and named <= staff, named - staff
    # the head who signs the documents is the staff list's head, not a stranger
    assert normalize_name(refs.directorate.head.removeprefix("م. ")) in staff


def test_the_staff_reports_show_visits_and_repairs(demo: DemoSummary) -> None:
    refs = load_references(demo.dept)
    year = Calendar().year(2026)
    with backend_ledger(demo.dept.ledger_path) as ledger:
        repaired = [r for r in ledger.current_rows(p01_maintenance.REQUEST)
                    if r.data.get("status") == p01_maintenance.REPAIRED
                    and str(r.data.get("done_date") or "").startswith("2026")]
        src = RowSource(ledger)
        people = {e.job_title: staff_year(src, e.name, year, dt.date(2026, 12, 31))
                  for e in refs.staff}
    repairs = {title: y.repairs for title, y in people.items()}
    # every device repaired in the year is credited to one of the two maintenance staff
    assert repaired and sum(repairs.values()) == len(repaired)
    assert repairs["مهندس صيانة حاسوب"] > 0 and repairs["فني صيانة حاسوب"] > 0
    for title in ("مشرف أنظمة معلومات", "مشرفة مختبرات", "مشرفة مصادر تعلم"):
        assert people[title].visits, title
    assert people["رئيس قسم تكنولوجيا التعليم والمعلومات"].meetings
