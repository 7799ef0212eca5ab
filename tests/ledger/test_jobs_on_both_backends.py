"""Every scheduled job, one test each, on the department's SQLite file and on a shared
PostgreSQL ledger (issue 26, point 5): ``eti retention`` failed on PostgreSQL
(``function sum(boolean) does not exist``) and nothing there was ever archived."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from department_factory import drop, maintenance_rows, make_department, school_names

from automation.cli.main import main
from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.core.settings import load_settings
from automation.intake.pipeline import run_batch
from automation.ledger.open import open_ledger
from automation.service import jobs as J
from automation.service.jobs import JobRunner

NOW = dt.datetime(2026, 4, 12, 10, 0)
"""A Sunday after 2026-Q1 ended: every job is due on a first start."""


@pytest.fixture(scope="module")
def dept(module_ledger: str, tmp_path_factory: pytest.TempPathFactory) -> Department:
    """A department with a maintenance request of March 2026 (3 devices) and one of
    June 2024 (2 devices: past QF75-11's one year, due to be archived)."""
    dept = make_department(tmp_path_factory.mktemp("jobs") / "قسم")
    for name, day, ref, rows in (("آذار.xlsx", dt.date(2026, 3, 1), "ك/1", 3),
                                 ("قديم.xlsx", dt.date(2024, 6, 2), "ك/2", 2)):
        drop(dept, name, "QF75-11", {"school": school_names(dept)[0], "request_date": day,
                                      "channel": "هاتف", "reference": ref},
             maintenance_rows(rows))
    batch = run_batch(dept, clock=FakeClock(dt.datetime(2026, 3, 10, 9, 0)), documents=False)
    assert sorted(f.outcome for f in batch.files) == ["accepted", "accepted"]
    return dept


def _run(dept: Department, name: str) -> J.JobOutcome:
    runner = JobRunner(dept, load_settings(dept), clock=FakeClock(NOW),
                       jobs={name: J.default_jobs()[name]})
    [outcome] = runner.tick()
    assert outcome.ok, outcome.error
    return outcome


@pytest.mark.parametrize("name", [s.name for s in J.SCHEDULES if s.name != "retention"])
def test_each_scheduled_job_runs(dept: Department, ledger_backend: str, name: str) -> None:
    outcome = _run(dept, name)
    with open_ledger(dept) as ledger:
        run = ledger.job_run(name)
        assert run is not None and run["last_ok"] == NOW.isoformat(timespec="seconds")
    if name == "backup":
        assert (ledger_backend == "postgresql") == ("server" in str(outcome.result))
    elif name == "registers":
        assert outcome.result  # each register's outcome
    elif name == "digest":
        assert outcome.result
    else:  # a periodic report: the quarter that just ended
        [written] = outcome.result  # type: ignore[misc]
        assert Path(written).is_file() and "2026-Q1" in Path(written).name


def test_retention_archives_on_both_backends(dept: Department) -> None:
    dry = CliRunner().invoke(main, ["retention", "--root", str(dept.root), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    outcome = _run(dept, "retention")
    assert "QF75-11" in str(outcome.result) or "2" in str(outcome.result)
    with open_ledger(dept) as ledger:
        archived = ledger.conn.execute(
            "SELECT COUNT(*) FROM rows WHERE archived_at IS NOT NULL").fetchone()[0]
        stored = [str(r[0]) for r in ledger.conn.execute(
            "SELECT stored_path FROM submissions ORDER BY received_at")]
    assert archived == 2  # the June 2024 request's two devices; March 2026's stay live
    assert sum(p.startswith("data/archive/") for p in stored) == 1
    assert (dept.files_archive / "2024").is_dir()
