"""Issue 24, point 8: a catch-up report counts the forms that were waiting when the watcher
started; a quarter's report whose quarter receives records after it was written is written
again, once, saying so with the number of records that arrived late, the earlier copy kept
in outbox/.previous/. Counted by hand from the tickets written here."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from department_factory import drop, make_department, school_names
from ledger_factory import backend_ledger

from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.core.settings import Settings, settings_from
from automation.intake.pipeline import run_batch
from automation.service import jobs as J
from automation.service.jobs import JobRunner
from automation.service.watch import Watcher
from tests.documents.test_documents_helpers import all_text, no_tags_left

pytestmark = pytest.mark.usefixtures("ledger_backend")  # on SQLite and on PostgreSQL

D = dt.datetime
JOB = "helpdesk-report"
Q3 = "تقرير-الدعم-الفني-2026-Q3.docx"
RECEIVED = "الطلبات الواردة"
EXECUTED = "الطلبات المنفذة"
REISSUED = "أُعيد إصدار هذا التقرير"
_MARKS = re.compile("[\u200e\u200f\u2066-\u2069]")


def _ticket(no: str, school: str, opened: str, closed: str | None = None) -> dict:
    row: dict[str, object] = {"ticket_no": no, "school": school, "opened": opened,
                              "category": "شبكة", "status": "منفذ" if closed else "مفتوح"}
    if closed:
        row["closed"] = closed
    return row


def _q3(school: str) -> list[dict]:
    """Three tickets opened in Q3 2026 (July–September), two of them executed in it."""
    return [_ticket("T1", school, "5/7/2026", "9/7/2026"),
            _ticket("T2", school, "10/8/2026"),
            _ticket("T3", school, "20/9/2026", "25/9/2026")]


def _figures(path: Path) -> dict[str, str]:
    """The report's «ملخص الفترة» table: each label with the value in the cell after it."""
    lines = [_MARKS.sub("", line).strip() for line in all_text(path).splitlines()]
    return {label: lines[i + 1] for i, label in enumerate(lines[:-1])
            if label in (RECEIVED, EXECUTED)}


def _runner(dept: Department, clock: FakeClock, settings: Settings | None = None) -> JobRunner:
    return JobRunner(dept, settings or Settings(), clock=clock,
                     jobs={JOB: J.run_periodic_report})


def _q2_report_done(dept: Department) -> None:
    with backend_ledger(dept.ledger_path) as ledger:
        ledger.record_job(JOB, D(2026, 7, 1, 8, 0))


def _wait(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_the_catch_up_report_counts_the_forms_waiting_at_start(tmp_path: Path) -> None:
    """The PC was off from September to mid-October: the Help Desk export sent meanwhile
    waits in the inbox; the watcher reads it before it writes Q3's report."""
    dept = make_department(tmp_path / "dept")
    _q2_report_done(dept)
    drop(dept, "تصدير أيلول.xlsx", "HD-EXPORT", {}, _q3(school_names(dept)[0]),
         workbook_id="hd")
    settings = settings_from({"intake": {"stability_seconds": 0.3},
                              "watch": {"rescan_minutes": 60}})
    clock = FakeClock(D(2026, 10, 12, 10, 0))
    watcher = Watcher(dept, settings, clock=clock, jobs=_runner(dept, clock, settings))
    thread = watcher.start()
    report = dept.outbox / "reports" / Q3
    try:
        assert _wait(report.is_file, 60)
    finally:
        watcher.stop()
        thread.join(60)
    assert not list(dept.inbox.glob("*.xlsx"))  # the export was read
    no_tags_left(report)
    assert _figures(report) == {RECEIVED: "3", EXECUTED: "2"}  # not «0»: T1, T2, T3
    assert REISSUED not in all_text(report)


def test_a_late_record_has_the_report_written_again_once(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "dept")
    school = school_names(dept)[0]
    _q2_report_done(dept)
    drop(dept, "تصدير أيلول.xlsx", "HD-EXPORT", {}, _q3(school), workbook_id="hd-9")
    run_batch(dept, clock=FakeClock(D(2026, 9, 30, 14, 0)), documents=False)

    clock = FakeClock(D(2026, 10, 5, 9, 0))  # after Q3's report fell due
    runner = _runner(dept, clock)
    [first] = runner.tick()
    assert (first.name, first.ok) == (JOB, True)
    report = Path(first.result[-1])  # type: ignore[index]
    assert report == dept.outbox / "reports" / Q3
    assert _figures(report) == {RECEIVED: "3", EXECUTED: "2"}
    assert REISSUED not in all_text(report)
    issued = report.read_bytes()
    clock.advance(minutes=5)
    assert runner.tick() == []  # no new records: not written again
    assert report.read_bytes() == issued

    # a school's ticket of 28/9 comes in October's export: T1–T3 again (known), T4 in Q3
    # (late), T5 in Q4 (not Q3's)
    october = [*_q3(school), _ticket("T4", school, "28/9/2026"),
               _ticket("T5", school, "3/10/2026")]
    drop(dept, "تصدير تشرين الأول.xlsx", "HD-EXPORT", {}, october, workbook_id="hd-10")
    run_batch(dept, clock=FakeClock(D(2026, 10, 7, 10, 0)), documents=False)
    clock.set(D(2026, 10, 7, 10, 5))
    [again] = runner.tick()
    assert (again.name, again.ok, again.result) == (JOB, True, [str(report)])
    no_tags_left(report)
    assert _figures(report) == {RECEIVED: "4", EXECUTED: "2"}  # T1–T4
    text = _MARKS.sub("", all_text(report))
    assert f"{REISSUED} بتاريخ 7/10/2026، وكان قد صدر أول مرة بتاريخ 5/10/2026" in text
    assert "وردت بعد إصداره الأول 1 من السجلات المؤرخة داخل الفترة" in text  # T4
    # the copy first issued, unchanged, in outbox/.previous/reports/
    [kept] = (dept.outbox / ".previous" / "reports").glob("تقرير-الدعم-الفني-2026-Q3-*.docx")
    assert kept.read_bytes() == issued
    assert _figures(kept) == {RECEIVED: "3", EXECUTED: "2"}

    clock.advance(minutes=5)
    assert runner.tick() == []  # written again once
    # an export with nothing new for Q3 (T1–T5 again, T6 opened in October): not again
    november = [*october, _ticket("T6", school, "6/10/2026")]
    drop(dept, "تصدير لاحق.xlsx", "HD-EXPORT", {}, november, workbook_id="hd-11")
    run_batch(dept, clock=FakeClock(D(2026, 10, 8, 10, 0)), documents=False)
    clock.set(D(2026, 10, 8, 10, 5))
    assert runner.tick() == []
    assert len(list((dept.outbox / ".previous" / "reports").glob("*.docx"))) == 1
