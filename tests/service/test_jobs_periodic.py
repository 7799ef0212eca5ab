"""The periodic reports QP-70-2 names, one scheduled job each: written after every quarter
into outbox/, caught up when the PC was off, listed by ``eti jobs``."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from ledger_factory import add_submission, backend_ledger

from automation.cli.main import main
from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.core.periods import quarter
from automation.core.settings import Settings, settings_from
from automation.documents.kinds import document
from automation.service import jobs as J
from automation.service.jobs import JobRun, JobRunner
from tests.documents.test_documents_helpers import AMAL, NOOR, all_text, department, no_tags_left

D = dt.datetime
QP_REPORT_JOBS = ["quarterly-report", "helpdesk-report", "systems-report", "activation-report",
                  "initiatives-report", "webpages-report"]
"""The reports QP-70-2 asks for after each quarter (a report declared later is added to
them: automation/documents/kinds.py)."""
REPORT_JOBS = [r.job for r in J.PERIODIC_REPORTS]
STEM_OF = {  # the file name each report starts with (automation/documents)
    "quarterly-report": "تقرير-ربعي",
    "helpdesk-report": "تقرير-الدعم-الفني",
    "systems-report": "تقرير-حالة-الأنظمة",
    "activation-report": "تقرير-تفعيل-الوظائف",
    "initiatives-report": "تقرير-المبادرات",
    "webpages-report": "تقرير-الصفحات-الإلكترونية",
}


def _record(dept: Department, when: dt.datetime, *names: str) -> None:
    with backend_ledger(dept.ledger_path) as ledger:
        for name in names:
            ledger.record_job(name, when)


def _report_runner(dept: Department, clock: FakeClock) -> JobRunner:
    """The product's own report jobs (not the backup, registers or digest)."""
    jobs = {n: f for n, f in J.default_jobs().items() if n in J.PERIODIC_BY_JOB}
    return JobRunner(dept, Settings(), clock=clock, jobs=jobs)


# -- the table ------------------------------------------------------------------------------


def test_every_periodic_report_has_its_job_on_the_quarterly_moment() -> None:
    assert [job for job in REPORT_JOBS if job in QP_REPORT_JOBS] == QP_REPORT_JOBS
    names = [s.name for s in J.SCHEDULES]
    assert names == ["backup", "retention", "registers", *REPORT_JOBS, "digest"]
    jobs = J.default_jobs()
    assert set(jobs) == set(names)
    for name in REPORT_JOBS:
        spec = J.SCHEDULE_BY_NAME[name]
        assert spec.title_ar and spec.title_en
        assert spec.last_due is J.quarterly_last and spec.next_due is J.quarterly_next
        assert jobs[name] is J.run_periodic_report
    assert len({J.SCHEDULE_BY_NAME[n].title_ar for n in REPORT_JOBS}) == len(REPORT_JOBS)


def test_reported_quarters_catch_up_every_missed_quarter() -> None:
    s = Settings()
    due = D(2026, 7, 1, 8, 0)
    assert J.reported_quarters(due, None, s) == [(2026, 2)]  # first run: the latest only
    assert J.reported_quarters(due, D(2026, 4, 1, 8, 0), s) == [(2026, 2)]
    assert J.reported_quarters(due, D(2026, 4, 1, 7, 0), s) == [(2026, 1), (2026, 2)]
    # off since the Q3 2025 report: Q4 2025 (due 1/1), Q1 (due 1/4) and Q2 (due 1/7) missed
    assert J.reported_quarters(due, D(2025, 10, 1, 8, 0), s) == [
        (2025, 4), (2026, 1), (2026, 2)]
    # off for years: a year's worth, oldest first
    assert J.reported_quarters(due, D(2020, 1, 1), s) == [
        (2025, 3), (2025, 4), (2026, 1), (2026, 2)]
    # quarters starting in September: the quarter Dec-Feb is Q2 of 2026
    sep = settings_from({"department": {"quarter_start_month": 9}})
    assert J.reported_quarters(D(2027, 3, 1, 8, 0), D(2026, 9, 1, 8, 0), sep) == [
        (2026, 1), (2026, 2)]


def test_all_six_are_due_at_once_after_a_quarter(tmp_path: Path) -> None:
    dept = department(tmp_path)
    _record(dept, D(2026, 1, 1, 8, 0), *REPORT_JOBS)
    ran: list[tuple[str, dt.datetime, dt.datetime | None]] = []

    def fake(run: JobRun) -> None:
        ran.append((run.name, run.due, run.last_ok))

    clock = FakeClock(D(2026, 4, 1, 7, 59))
    runner = JobRunner(dept, Settings(), clock=clock, jobs=dict.fromkeys(REPORT_JOBS, fake))
    assert runner.tick() == []
    clock.set(D(2026, 4, 1, 8, 0))
    assert [o.name for o in runner.tick()] == REPORT_JOBS
    assert ran == [(n, D(2026, 4, 1, 8, 0), D(2026, 1, 1, 8, 0)) for n in REPORT_JOBS]
    clock.set(D(2026, 4, 1, 8, 1))
    assert runner.tick() == []


# -- the real reports --------------------------------------------------------------------------


def _fill(dept: Department) -> None:
    """An initiative and a system update in Q1 2026, others in Q2 2026, all sent before Q1's
    reports are written (a record of Q1 that arrived later would have them written again:
    tests/service/test_reissue.py)."""
    with backend_ledger(dept.ledger_path) as ledger:
        add_submission(
            ledger, "INITIATIVES", {},
            [{"initiative": "نادي البرمجة", "school": AMAL, "start_date": dt.date(2026, 2, 1),
              "status": "فعالة", "participants": 25},
             {"initiative": "مبادرة الروبوت", "school": NOOR,
              "start_date": dt.date(2026, 5, 3), "status": "فعالة"}],
            received_at=D(2026, 3, 31),
        )
        add_submission(
            ledger, "EMIS-UPDATES", {},
            [{"date": dt.date(2026, 3, 3), "system": "OpenEMIS", "update": "شاشة الحضور",
              "source": "مركز الملكة رانيا"},
             {"date": dt.date(2026, 5, 10), "system": "OpenEMIS", "update": "شاشة العلامات",
              "source": "مركز الملكة رانيا"}],
            received_at=D(2026, 3, 31),
        )


def _outbox(dept: Department) -> dict[str, int]:
    return {p.relative_to(dept.outbox).as_posix(): p.stat().st_mtime_ns
            for p in dept.outbox.rglob("*") if p.is_file()}


def _check_report(dept: Department, path: Path, job: str, year: int, number: int) -> str:
    period = quarter(year, number)
    assert path.is_file() and path.is_relative_to(dept.outbox)
    stem = STEM_OF.get(job) or document(job).file.removesuffix("-{period}")
    assert path.name == f"{stem}-{period.slug}.docx"
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        assert "word/document.xml" in zf.namelist()
    no_tags_left(path)
    text = all_text(path)
    assert period.label_ar in text, (job, period.label_ar)
    return text


def test_after_a_quarter_and_after_the_pc_was_off(tmp_path: Path) -> None:
    dept = department(tmp_path)
    _fill(dept)
    _record(dept, D(2026, 1, 1, 8, 0), *REPORT_JOBS)  # the Q4 2025 reports were written
    clock = FakeClock(D(2026, 4, 1, 8, 0))
    runner = _report_runner(dept, clock)

    # on time: the first working day after Q1, each report of Q1
    outcomes = runner.tick()
    assert [(o.name, o.ok, o.error) for o in outcomes] == [(n, True, "") for n in REPORT_JOBS]
    written = {o.name: [Path(p) for p in o.result] for o in outcomes}  # type: ignore[attr-defined]
    for job in REPORT_JOBS:
        assert len(written[job]) == 1
        _check_report(dept, written[job][0], job, 2026, 1)
    assert "نادي البرمجة" in all_text(written["initiatives-report"][0])
    assert "مبادرة الروبوت" not in all_text(written["initiatives-report"][0])
    assert "شاشة الحضور" in all_text(written["systems-report"][0])
    after_q1 = _outbox(dept)
    clock.advance(minutes=1)
    assert runner.tick() == []
    assert _outbox(dept) == after_q1  # nothing written again

    # the PC is off from mid-June to mid-October: Q2's and Q3's reports are both written
    clock.set(D(2026, 10, 12, 10, 0))
    outcomes = runner.tick()
    assert [(o.name, o.ok, o.due) for o in outcomes] == [
        (n, True, D(2026, 10, 1, 8, 0)) for n in REPORT_JOBS]
    for o in outcomes:
        q2, q3 = (Path(p) for p in o.result)  # type: ignore[attr-defined]
        text = _check_report(dept, q2, o.name, 2026, 2)
        _check_report(dept, q3, o.name, 2026, 3)
        if o.name == "initiatives-report":
            assert "مبادرة الروبوت" in text and "نادي البرمجة" in text  # active in Q2
        if o.name == "systems-report":
            assert "شاشة العلامات" in text and "شاشة الحضور" not in text
    files = _outbox(dept)
    assert len(files) == 3 * len(REPORT_JOBS)
    assert {k: v for k, v in files.items() if k in after_q1} == after_q1  # Q1's untouched
    clock.advance(minutes=5)
    assert runner.tick() == []
    assert _outbox(dept) == files

    # eti jobs lists each report with its last and next run
    result = CliRunner().invoke(main, ["jobs", "--root", str(dept.root), "--json"],
                                obj={"clock": clock})
    assert result.exit_code == 0, result.output
    listed = {j["name"]: j for j in json.loads(result.output)}
    assert list(listed) == ["backup", "retention", "registers", *REPORT_JOBS, "digest"]
    for job in REPORT_JOBS:
        assert listed[job]["last_ok"] == "2026-10-12T10:00"
        assert listed[job]["last_error"] == ""
        assert listed[job]["next_run"] == "2027-01-03T08:00"  # 1/1/2027 is a Friday
        assert listed[job]["due_now"] is False
    text = CliRunner().invoke(main, ["jobs", "--root", str(dept.root)], obj={"clock": clock})
    assert text.exit_code == 0, text.output
    for job in REPORT_JOBS:
        line = next(line for line in text.output.splitlines() if line.startswith(job + " "))
        assert "2027-01-03 08:00" in line and J.SCHEDULE_BY_NAME[job].title_ar in line


def test_a_report_that_fails_is_retried_for_every_quarter_it_owes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dept = department(tmp_path)
    _record(dept, D(2026, 1, 1, 8, 0), "systems-report")
    written: list[tuple[int, int]] = []
    failures = [OSError("disk full")]

    def flaky(run: JobRun, year: int, number: int) -> Path:
        if (year, number) == (2026, 2) and failures:
            raise failures.pop()
        written.append((year, number))
        return dept.outbox / f"{year}-Q{number}.docx"

    report = J.PERIODIC_BY_JOB["systems-report"]
    monkeypatch.setitem(J.PERIODIC_BY_JOB, "systems-report",
                        J.PeriodicReport(report.job, report.title_ar, report.title_en, flaky))
    clock = FakeClock(D(2026, 7, 5, 9, 0))  # off over the Q1 and Q2 report days
    runner = JobRunner(dept, Settings(), clock=clock,
                       jobs={"systems-report": J.run_periodic_report})
    first = runner.tick()
    assert [(o.ok, o.error) for o in first] == [(False, "OSError: disk full")]
    clock.advance(minutes=1)
    second = runner.tick()  # still owes Q1 and Q2: the failed run did not count
    assert [o.ok for o in second] == [True]
    assert second[0].result == [str(dept.outbox / "2026-Q1.docx"),
                                str(dept.outbox / "2026-Q2.docx")]
    assert written == [(2026, 1), (2026, 1), (2026, 2)]
