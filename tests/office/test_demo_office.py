"""The head's office in the demo year: the tasks list sent each month, two meetings, two
inspection visits, all accepted; the minutes and every staff member's report in outbox/,
and the OFFICE figures the registers show."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.catalog.reference import load_references
from automation.core.department import Department
from automation.core.periods import Calendar
from automation.demo.run import DemoSummary, run_demo
from automation.demo.year import plan_year
from automation.ledger.store import Ledger
from automation.processes import compute_figures
from automation.registers.builder import register_path


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
    with Ledger(dept.ledger_path) as ledger:
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
