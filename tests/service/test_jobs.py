"""Scheduled jobs with a fake clock: due times, missed runs, failures, backups."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
import schedule
from ledger_factory import add_submission, backend_ledger

from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.core.settings import Settings, settings_from
from automation.ledger.store import Ledger
from automation.service import jobs as J
from automation.service.jobs import JobRun, JobRunner

D = dt.datetime


@pytest.fixture
def dept(tmp_path: Path) -> Department:
    dept = Department.at(tmp_path)
    dept.ensure()
    return dept


class Recorder:
    """Fake job functions that remember what they were run for."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dt.datetime, dt.datetime]] = []

    def job(self, name: str):
        def run(job: JobRun) -> str:
            self.calls.append((name, job.due, job.clock.now()))
            return "ok"

        return run

    def of(self, name: str) -> list[dt.datetime]:
        return [due for n, due, _ in self.calls if n == name]


def _record(dept: Department, job: str, when: dt.datetime) -> None:
    with backend_ledger(dept.ledger_path) as ledger:
        ledger.record_job(job, when)


def _runner(dept: Department, clock: FakeClock, rec: Recorder, *names: str,
            settings: Settings | None = None) -> JobRunner:
    return JobRunner(dept, settings or Settings(), clock=clock,
                     jobs={n: rec.job(n) for n in names})


# -- pure due-time functions ------------------------------------------------------------


def test_quarter_due_on_first_working_day() -> None:
    s = Settings()
    assert dt.date(2026, 4, 1).strftime("%A") == "Wednesday"
    assert J.quarterly_next(D(2026, 3, 15), s) == D(2026, 4, 1, 8, 0)
    assert J.quarterly_last(D(2026, 4, 1, 7, 59), s) == D(2026, 1, 1, 8, 0)
    assert J.quarterly_last(D(2026, 4, 1, 8, 0), s) == D(2026, 4, 1, 8, 0)
    assert J.reported_quarter(D(2026, 4, 1, 8, 0), s) == (2026, 1)
    # Q4 2026 ends on a Thursday: Friday and Saturday are off, the report waits for Sunday
    assert dt.date(2026, 12, 31).strftime("%A") == "Thursday"
    assert J.quarterly_next(D(2026, 12, 31, 9), s) == D(2027, 1, 3, 8, 0)
    assert J.quarterly_last(D(2027, 1, 2, 23), s) == D(2026, 10, 1, 8, 0)
    assert J.reported_quarter(D(2027, 1, 3, 8), s) == (2026, 4)


def test_quarter_start_month_moves_the_quarters() -> None:
    s = settings_from({"department": {"quarter_start_month": 9}})
    # quarters Sep-Nov, Dec-Feb, ...: 2026-12-01 is a Tuesday
    assert J.quarterly_next(D(2026, 11, 20), s) == D(2026, 12, 1, 8, 0)
    assert J.reported_quarter(D(2026, 12, 1, 8), s) == (2026, 1)


def test_digest_skips_friday_and_saturday() -> None:
    s = Settings()
    assert J.digest_last(D(2026, 4, 4, 15), s) == D(2026, 4, 2, 13)  # Saturday -> Thursday
    assert J.digest_next(D(2026, 4, 2, 14), s) == D(2026, 4, 5, 13)  # Thursday -> Sunday
    assert J.digest_last(D(2026, 4, 5, 12, 59), s) == D(2026, 4, 2, 13)


def test_retention_monthly() -> None:
    s = settings_from({"schedule": {"retention_day": 15}})
    assert J.retention_last(D(2026, 3, 10), s) == D(2026, 2, 15, 3)
    assert J.retention_next(D(2026, 3, 10), s) == D(2026, 3, 15, 3)
    assert J.retention_next(D(2026, 12, 20), s) == D(2027, 1, 15, 3)
    assert J.retention_last(D(2026, 1, 1), s) == D(2025, 12, 15, 3)


# -- the runner ---------------------------------------------------------------------


def test_missed_quarter_is_reported_once_at_start(dept: Department) -> None:
    _record(dept, "quarterly-report", D(2026, 1, 1, 8, 0))
    _record(dept, "helpdesk-report", D(2026, 1, 1, 8, 0))
    clock = FakeClock(D(2026, 4, 12, 10, 0))  # the PC was off from March until now
    rec = Recorder()
    first = _runner(dept, clock, rec, "quarterly-report", "helpdesk-report").tick()
    assert [(o.name, o.due, o.ok) for o in first] == [
        ("quarterly-report", D(2026, 4, 1, 8, 0), True),
        ("helpdesk-report", D(2026, 4, 1, 8, 0), True),
    ]
    assert J.reported_quarter(first[0].due, Settings()) == (2026, 1)
    clock.advance(minutes=5)
    again = _runner(dept, clock, rec, "quarterly-report", "helpdesk-report").tick()
    assert again == []
    assert len(rec.calls) == 2


def test_quarterly_runs_on_its_day(dept: Department) -> None:
    _record(dept, "quarterly-report", D(2026, 1, 1, 8, 0))
    clock = FakeClock(D(2026, 3, 31, 23, 0))
    rec = Recorder()
    runner = _runner(dept, clock, rec, "quarterly-report")
    for when in (D(2026, 3, 31, 23), D(2026, 4, 1, 7, 59)):
        clock.set(when)
        assert runner.tick() == []
    clock.set(D(2026, 4, 1, 8, 0))
    assert [o.due for o in runner.tick()] == [D(2026, 4, 1, 8, 0)]
    clock.set(D(2026, 4, 1, 8, 1))
    assert runner.tick() == []


def test_quarter_ending_before_friday_waits_for_sunday(dept: Department) -> None:
    _record(dept, "quarterly-report", D(2026, 10, 1, 8, 0))
    clock = FakeClock(D(2027, 1, 1, 9, 0))
    rec = Recorder()
    runner = _runner(dept, clock, rec, "quarterly-report")
    for when in (D(2027, 1, 1, 9), D(2027, 1, 2, 12), D(2027, 1, 3, 7, 59)):
        assert runner.tick(when) == []
    outcomes = runner.tick(D(2027, 1, 3, 8, 0))
    assert [o.due for o in outcomes] == [D(2027, 1, 3, 8, 0)]
    assert rec.of("quarterly-report") == [D(2027, 1, 3, 8, 0)]


def test_digest_runs_on_working_days_only(dept: Department) -> None:
    _record(dept, "digest", D(2026, 3, 31, 13, 0))
    clock = FakeClock(D(2026, 4, 1, 0, 0))
    rec = Recorder()
    runner = _runner(dept, clock, rec, "digest")
    while clock.now() < D(2026, 4, 8):
        runner.tick()
        clock.advance(minutes=30)
    days = [due.date() for due in rec.of("digest")]
    assert days == [dt.date(2026, 4, d) for d in (1, 2, 5, 6, 7)]
    assert all(due.time() == dt.time(13, 0) for due in rec.of("digest"))


def test_digest_missed_while_off_runs_once_for_its_day(dept: Department) -> None:
    _record(dept, "digest", D(2026, 4, 5, 13, 0))  # Sunday's digest was made
    rec = Recorder()
    clock = FakeClock(D(2026, 4, 8, 9, 0))  # off Monday and Tuesday; on Wednesday morning
    outcomes = _runner(dept, clock, rec, "digest").tick()
    assert [o.due for o in outcomes] == [D(2026, 4, 7, 13, 0)]  # only the latest, once


def test_first_start_runs_each_job_once(dept: Department) -> None:
    rec = Recorder()
    names = [s.name for s in J.SCHEDULES]
    clock = FakeClock(D(2026, 5, 20, 16, 0))  # a Wednesday
    runner = _runner(dept, clock, rec, *names)
    assert sorted(o.name for o in runner.tick()) == sorted(names)
    assert runner.tick() == []
    table = {i.name: i for i in runner.table()}
    assert table["digest"].next_run == D(2026, 5, 21, 13, 0)
    assert table["backup"].next_run == D(2026, 5, 21, 2, 0)
    assert table["quarterly-report"].next_run == D(2026, 7, 1, 8, 0)
    assert table["retention"].next_run == D(2026, 6, 1, 3, 0)
    assert not any(i.due_now for i in table.values())


def test_failing_job_is_recorded_and_retried_without_stopping(dept: Department) -> None:
    _record(dept, "backup", D(2026, 4, 1, 2, 0))
    _record(dept, "digest", D(2026, 4, 1, 13, 0))
    attempts: list[dt.datetime] = []

    def flaky(job: JobRun) -> None:
        attempts.append(job.clock.now())
        if len(attempts) < 3:
            raise RuntimeError("disk full")

    rec = Recorder()
    clock = FakeClock(D(2026, 4, 2, 2, 0))
    runner = JobRunner(dept, Settings(), clock=clock,
                       jobs={"backup": flaky, "digest": rec.job("digest")})
    first = runner.tick()
    assert [(o.name, o.ok) for o in first] == [("backup", False)]
    assert first[0].error == "RuntimeError: disk full"
    with backend_ledger(dept.ledger_path) as ledger:
        row = ledger.job_run("backup")
        assert row["last_error"] == "RuntimeError: disk full"
        assert row["last_ok"] == "2026-04-01T02:00:00"
        assert row["last_run"] == "2026-04-02T02:00:00"
    clock.advance(minutes=1)
    assert [o.ok for o in runner.tick()] == [False]
    clock.advance(minutes=1)
    assert [o.ok for o in runner.tick()] == [True]
    clock.advance(minutes=1)
    assert runner.tick() == []
    assert len(attempts) == 3
    with backend_ledger(dept.ledger_path) as ledger:
        row = ledger.job_run("backup")
        assert row["last_error"] == "" and row["last_ok"] == "2026-04-02T02:02:00"
    # the other job still runs on its own schedule
    clock.set(D(2026, 4, 2, 13, 0))
    assert [o.name for o in runner.tick()] == ["digest"]
    assert "backup" in {i.name for i in runner.table()}


def test_tick_survives_a_broken_ledger(dept: Department, tmp_path: Path) -> None:
    def broken() -> Ledger:
        raise sqlite3.OperationalError("database is locked")

    runner = JobRunner(dept, Settings(), clock=FakeClock(D(2026, 4, 2)), jobs={},
                       open_ledger=broken)
    runner.safe_tick()  # logged, not raised


def test_backup_keeps_n_valid_copies(dept: Department) -> None:
    with backend_ledger(dept.ledger_path) as ledger:
        add_submission(
            ledger, "QF75-11",
            {"school": "مدرسة الأمل", "request_date": dt.date(2026, 2, 3), "channel": "هاتف"},
            [{"device_type": "حاسوب", "location": "مختبر حاسوب", "fault": "لا يعمل",
              "status": "قيد المعالجة"}],
            received_at=D(2026, 2, 10, 9, 0),
        )
        ledger.record_job("backup", D(2026, 4, 1, 2, 0))
    settings = settings_from({"schedule": {"backups_kept": 3}})
    clock = FakeClock(D(2026, 4, 2, 2, 0))
    runner = JobRunner(dept, settings, clock=clock, jobs={"backup": J.run_backup})
    for _ in range(5):
        outcomes = runner.tick()
        assert [o.ok for o in outcomes] == [True], outcomes
        clock.advance(days=1)
    kept = J.backups(dept.backups)
    assert [p.name for p in kept] == [
        "ledger-20260404-0200.sqlite", "ledger-20260405-0200.sqlite",
        "ledger-20260406-0200.sqlite",
    ]
    assert not list(dept.backups.glob("*.tmp"))
    conn = sqlite3.connect(kept[-1])
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert {"submissions", "rows", "job_runs", "archive"} <= tables
        assert conn.execute("SELECT COUNT(*) FROM rows").fetchone()[0] == 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()


def test_scheduler_is_private_and_only_ticks(dept: Department) -> None:
    runner = JobRunner(dept, Settings(), clock=FakeClock(D(2026, 4, 2)), jobs={})
    before = list(schedule.jobs)
    ticks = runner.scheduler(every_seconds=60)
    assert isinstance(ticks, schedule.Scheduler)
    assert len(ticks.jobs) == 1
    assert list(schedule.jobs) == before


def test_unknown_job_name_is_refused(dept: Department) -> None:
    with pytest.raises(ValueError):
        JobRunner(dept, Settings(), clock=FakeClock(D(2026, 4, 2)), jobs={"coffee": print})


def test_real_jobs_on_a_department(tmp_path: Path) -> None:
    pytest.importorskip("automation.documents")
    pytest.importorskip("automation.registers.builder")
    from department_factory import drop, maintenance_rows, make_department, school_names

    from automation.intake.pipeline import run_batch

    dept = make_department(tmp_path / "قسم")
    clock = FakeClock(D(2026, 3, 10, 9, 0))
    drop(dept, "صيانة.xlsx", "QF75-11",
         {"school": school_names(dept)[0], "request_date": dt.date(2026, 3, 1),
          "channel": "هاتف"},
         maintenance_rows(2))
    assert run_batch(dept, clock=clock).count() == {"accepted": 1}
    clock.set(D(2026, 4, 12, 10, 0))  # a Sunday, after Q1 ended while the PC was off
    runner = JobRunner(dept, Settings(), clock=clock)
    outcomes = {o.name: o for o in runner.tick()}
    assert set(outcomes) == {s.name for s in J.SCHEDULES}
    failed = {n: o.error for n, o in outcomes.items() if not o.ok}
    assert failed == {}
    assert outcomes["quarterly-report"].due == D(2026, 4, 1, 8, 0)
    for name in ("quarterly-report", "helpdesk-report", "systems-report", "activation-report",
                 "initiatives-report", "webpages-report"):
        [written] = outcomes[name].result  # a first start: the quarter that just ended only
        assert Path(written).is_file() and "2026-Q1" in Path(written).name, name
    assert outcomes["digest"].due == D(2026, 4, 9, 13, 0)  # Thursday: Fri and Sat are off
    assert len(J.backups(dept.backups)) == 1
    assert runner.tick() == []
