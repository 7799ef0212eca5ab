"""`eti status`: watcher, waiting files, today's intake, registers, jobs, backups."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from ledger_factory import add_submission, backend_ledger

from automation.cli.service import register
from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.ledger.store import Ledger, SubmissionRecord
from automation.service.jobs import backup_ledger
from automation.service.status import status, write_state

NOW = dt.datetime(2026, 3, 10, 14, 0)  # a Tuesday


@pytest.fixture
def dept(tmp_path: Path) -> Department:
    dept = Department.at(tmp_path / "قسم")
    dept.ensure()
    dept.config_path.write_text("", encoding="utf-8")  # a department: eti.toml and inbox/
    return dept


def _maintenance(ledger: Ledger, received: dt.datetime, reference: str = "1") -> int:
    return add_submission(
        ledger, "QF75-11",
        {"school": "مدرسة الأمل", "request_date": dt.date(2026, 3, 1), "channel": "هاتف",
         "reference": reference},
        [{"device_type": "حاسوب", "location": "مختبر حاسوب", "fault": "لا يعمل",
          "status": "قيد المعالجة"}],
        received_at=received,
    )


def _rejected(ledger: Ledger, received: dt.datetime, outcome: str = "rejected") -> None:
    ledger.record(SubmissionRecord(f"{outcome}.xlsx", f"sha-{outcome}-{received}", 10,
                                   received, outcome))


def _populate(dept: Department) -> None:
    with backend_ledger(dept.ledger_path) as ledger:
        _maintenance(ledger, NOW.replace(hour=8), "1")
        _maintenance(ledger, NOW.replace(hour=9), "1")  # supersedes the 08:00 one
        _maintenance(ledger, NOW - dt.timedelta(days=1), "2")  # yesterday
        _rejected(ledger, NOW.replace(hour=10))
        _rejected(ledger, NOW.replace(hour=11), "duplicate")
        backup_ledger(ledger, dept.backups, when=NOW.replace(hour=2), keep=3)
        ledger.record_job("backup", NOW.replace(hour=2))
    for name in ("طلب 1.xlsx", "طلب 2.xlsx", "~$طلب 1.xlsx"):
        (dept.inbox / name).write_bytes(b"x")
    (dept.claimed / "20260310-abc.xlsx").write_bytes(b"x")
    (dept.claimed / "20260310-abc.json").write_text("{}", encoding="utf-8")
    (dept.registers / "P1.pending.xlsx").write_bytes(b"x")


def test_status_report(dept: Department) -> None:
    _populate(dept)
    write_state(dept, {"running": True, "seen_at": NOW.isoformat(), "pid": 1,
                       "waiting_locked": ["طلب 2.xlsx"]})
    with backend_ledger(dept.ledger_path) as ledger:
        report = status(dept, ledger, clock=FakeClock(NOW))
    assert report.watcher_running
    assert sorted(report.waiting) == ["طلب 1.xlsx", "طلب 2.xlsx"]
    assert report.locked == ["طلب 2.xlsx"]
    assert report.claimed == 1
    assert report.today == {"accepted": 2, "rejected": 1, "duplicate": 1}
    assert report.last_intake == NOW.replace(hour=11)
    assert report.dirty_registers == ["P1"]
    assert report.pending_registers == ["workbooks/registers/P1.pending.xlsx"]
    assert not report.registers_up_to_date
    assert report.last_backup == "data/backups/ledger-20260310-0200.sqlite"
    jobs = {j.name: j for j in report.jobs}
    assert jobs["backup"].next_run == dt.datetime(2026, 3, 11, 2, 0)
    assert jobs["digest"].due_now  # never ran, and 13:00 has passed
    assert report.next_jobs[0].due_now
    data = report.to_json()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["registers_up_to_date"] is False


def test_quiet_department(dept: Department) -> None:
    write_state(dept, {"running": True, "seen_at": (NOW - dt.timedelta(hours=2)).isoformat()})
    with backend_ledger(dept.ledger_path) as ledger:
        report = status(dept, ledger, clock=FakeClock(NOW))
    assert not report.watcher_running  # its last heartbeat is two hours old
    assert report.waiting == [] and report.claimed == 0
    assert report.today == {"accepted": 0, "rejected": 0, "duplicate": 0}
    assert report.last_intake is None
    assert report.registers_up_to_date
    assert report.last_backup == "" and report.last_backup_at is None


def _cli() -> click.Group:
    @click.group()
    def eti() -> None:
        """test group"""

    register(eti)
    return eti


def _invoke(args: list[str]) -> Result:
    return CliRunner().invoke(_cli(), args, obj={"clock": FakeClock(NOW)})


def test_eti_status_text_and_json(dept: Department) -> None:
    _populate(dept)
    text = _invoke(["status", "--root", str(dept.root)])
    assert text.exit_code == 0, text.output
    assert "waiting in inbox: 2" in text.output
    assert "waiting for Excel: workbooks/registers/P1.pending.xlsx" in text.output
    assert "to regenerate: P1" in text.output
    as_json = _invoke(["status", "--root", str(dept.root), "--json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    with backend_ledger(dept.ledger_path) as ledger:
        library = status(dept, ledger, clock=FakeClock(NOW)).to_json()
    assert data == json.loads(json.dumps(library, ensure_ascii=False))


@pytest.mark.parametrize("command", ["status", "watch", "jobs", "retention"])
def test_outside_a_department_is_a_clean_error(tmp_path: Path, command: str) -> None:
    result = _invoke([command, "--root", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "eti init" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "nowhere").exists()


def test_eti_jobs_and_retention_commands(dept: Department) -> None:
    _populate(dept)
    jobs = _invoke(["jobs", "--root", str(dept.root), "--json"])
    assert jobs.exit_code == 0, jobs.output
    names = [j["name"] for j in json.loads(jobs.output)]
    assert names == ["backup", "retention", "registers", "quarterly-report", "helpdesk-report",
                     "systems-report", "activation-report", "initiatives-report",
                     "webpages-report", "digest"]
    listing = _invoke(["jobs", "--root", str(dept.root)])
    assert "التقرير الربعي" in listing.output
    dry = _invoke(["retention", "--root", str(dept.root), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output)["dry_run"] is True


def test_a_dead_watcher_is_seen_at_once_by_its_process_id(dept: Department) -> None:
    import socket
    import subprocess
    import sys

    from automation.service.status import read_state, watcher_alive

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()  # its id now names no process (reused ids are rare within a test)
    beat = {"running": True, "seen_at": NOW.isoformat(), "host": socket.gethostname()}
    write_state(dept, beat | {"pid": ended.pid})
    assert not watcher_alive(read_state(dept), NOW)  # a fresh heartbeat, a dead process
    with backend_ledger(dept.ledger_path) as ledger:
        assert status(dept, ledger, clock=FakeClock(NOW)).watcher_running is False
    assert "not running" in _invoke(["status", "--root", str(dept.root)]).output
    write_state(dept, beat | {"pid": os.getpid()})
    assert watcher_alive(read_state(dept), NOW)
    assert not watcher_alive(read_state(dept), NOW + dt.timedelta(minutes=5))  # silent
    # a watcher on another machine (a shared folder): its heartbeat is all there is
    write_state(dept, beat | {"pid": ended.pid, "host": "another-pc"})
    assert watcher_alive(read_state(dept), NOW)
