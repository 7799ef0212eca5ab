"""A lost, emptied or damaged ledger: refused with the backup and the command named;
`eti ledger check|backup|restore`; registers never rewritten from an empty ledger."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from department_factory import drop, maintenance_rows, make_department, school_names

from automation.cli.main import main
from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.intake.pipeline import run_batch
from automation.ledger.backup import backups
from automation.ledger.check import check_ledger
from automation.ledger.guard import LedgerLost
from automation.ledger.store import Ledger
from automation.service.status import write_state

pytestmark = pytest.mark.sqlite_only  # the SQLite file lost, emptied or damaged

NOW = dt.datetime(2026, 3, 10, 14, 0)


def _eti(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), obj={"clock": FakeClock(NOW)})


def _snapshot(dept: Department) -> dict[str, object]:
    """Everything the ledger holds that a restore must bring back."""
    with Ledger(dept.ledger_path) as ledger:
        return {
            "submissions": [tuple(r) for r in ledger.conn.execute(
                "SELECT id, original_name, sha256, outcome, stored_path FROM submissions "
                "ORDER BY id")],
            "rows": [tuple(r) for r in ledger.conn.execute(
                "SELECT id, submission_id, data, current FROM rows ORDER BY id")],
        }


@pytest.fixture
def history(tmp_path: Path) -> Department:
    """A department that handled three forms (one rejected) and was backed up."""
    dept = make_department(tmp_path / "قسم")
    school = school_names(dept)[0]
    for i in range(2):
        drop(dept, f"صيانة {i}.xlsx", "QF75-11",
             {"school": school, "request_date": dt.date(2026, 3, 1), "channel": "هاتف",
              "reference": f"ك/{i}"}, maintenance_rows(3))
    (dept.inbox / "ليس نموذجاً.xlsx").write_bytes(b"not a workbook")
    batch = run_batch(dept, clock=FakeClock(NOW), documents=False)
    assert sorted(batch.count().items()) == [("accepted", 2), ("rejected", 1)]
    backup = _eti("ledger", "backup", "--root", str(dept.root))
    assert backup.exit_code == 0, backup.output
    return dept


def _lose(dept: Department, how: str) -> None:
    for side in ("-wal", "-shm"):
        Path(f"{dept.ledger_path}{side}").unlink(missing_ok=True)
    if how == "emptied":
        dept.ledger_path.write_bytes(b"")
    else:
        dept.ledger_path.unlink()


@pytest.mark.parametrize("how", ["emptied", "deleted"])
def test_a_lost_ledger_is_refused_and_restored(history: Department, how: str) -> None:
    dept = history
    before = _snapshot(dept)
    registers = {p.name: p.read_bytes() for p in dept.registers.glob("*.xlsx")}
    assert registers
    latest = backups(dept.backups)[-1].relative_to(dept.root).as_posix()
    _lose(dept, how)
    drop(dept, "وصل بعد الضياع.xlsx", "QF75-11",
         {"school": school_names(dept)[0], "request_date": dt.date(2026, 3, 2),
          "channel": "هاتف", "reference": "ك/9"}, maintenance_rows(1))

    for command in (["process"], ["status"], ["digest", "--date", "2026-03-10"],
                    ["report", "quarterly", "--year", "2026", "--quarter", "1"],
                    ["retention", "--dry-run"], ["jobs"], ["ledger", "backup"]):
        result = _eti(*command, "--root", str(dept.root))
        assert result.exit_code == 1, (command, result.output)
        assert "Traceback" not in result.output
        assert latest in result.output, (command, result.output)
        assert "eti ledger restore --latest" in result.output, (command, result.output)
    # nothing was made in its place, nothing rewritten, the new file still waits
    assert dept.ledger_path.exists() is (how == "emptied")
    assert not dept.ledger_path.exists() or dept.ledger_path.stat().st_size == 0
    assert {p.name: p.read_bytes() for p in dept.registers.glob("*.xlsx")} == registers
    assert (dept.inbox / "وصل بعد الضياع.xlsx").is_file()
    assert len(backups(dept.backups)) == 1
    check = _eti("ledger", "check", "--root", str(dept.root), "--json")
    assert check.exit_code == 1 and json.loads(check.output)["state"] == "lost"

    restored = _eti("ledger", "restore", "--latest", "--root", str(dept.root))
    assert restored.exit_code == 0, restored.output
    assert _snapshot(dept) == before
    kept = sorted((dept.data / "replaced").iterdir()) if how == "emptied" else []
    assert [p.stat().st_size for p in kept if p.suffix == ".sqlite"] == ([0] if kept else [])
    assert _eti("ledger", "check", "--root", str(dept.root)).exit_code == 0
    after = _eti("process", "--root", str(dept.root))
    assert after.exit_code == 0, after.output
    assert "1 accepted" in after.output


def test_a_ledger_emptied_of_its_submissions_is_refused(history: Department) -> None:
    dept = history
    _lose(dept, "deleted")
    sqlite3.connect(dept.ledger_path).close()  # an empty database, as a new ledger would be
    with pytest.raises(LedgerLost) as caught:
        Ledger(dept.ledger_path)
    assert "eti ledger restore --latest" in caught.value.message_ar
    assert "inbox/processed/" in caught.value.message_en


def test_a_new_department_makes_its_ledger(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "جديد")
    assert not dept.ledger_path.exists()
    assert run_batch(dept, clock=FakeClock(NOW)).files == []
    assert dept.ledger_path.is_file()
    with Ledger(dept.ledger_path):  # no submission yet and no history: opened as it is
        pass
    assert check_ledger(dept).state == "ok"


def test_a_damaged_ledger_is_a_clean_message_everywhere(history: Department) -> None:
    dept = history
    _lose(dept, "deleted")
    dept.ledger_path.write_bytes(b"this is not a database, it was damaged" * 200)
    for command in (["process"], ["status"], ["digest", "--date", "2026-03-10"],
                    ["report", "helpdesk", "--year", "2026", "--quarter", "1"],
                    ["figures", "--period", "2026-Q1"], ["ledger", "check"]):
        result = _eti(*command, "--root", str(dept.root))
        assert result.exit_code == 1, (command, result.output)
        assert "Traceback" not in result.output, (command, result.output)
        assert "تالفة" in result.output and "eti ledger restore --latest" in result.output, (
            command, result.output)
    assert _eti("ledger", "restore", "--latest", "--root", str(dept.root)).exit_code == 0
    assert _eti("status", "--root", str(dept.root)).exit_code == 0


def test_check_counts_the_ledger_against_the_filed_files(history: Department) -> None:
    dept = history
    good = check_ledger(dept)
    assert good.ok and good.integrity == "ok"
    assert good.submissions == {"accepted": 2, "rejected": 1}
    assert good.files == {"processed": 2, "rejected": 1} and good.rows == 6
    stray = dept.processed / "2026-03" / "وضعه أحد يدوياً.xlsx"
    stray.write_bytes(b"x")
    moved = next(p for p in dept.rejected.iterdir() if not p.name.endswith(".errors.xlsx"))
    moved.unlink()
    bad = check_ledger(dept)
    assert bad.state == "problems"
    assert bad.unrecorded == [stray.relative_to(dept.root).as_posix()]
    assert bad.missing == [moved.relative_to(dept.root).as_posix()]
    result = _eti("ledger", "check", "--root", str(dept.root))
    assert result.exit_code == 1 and stray.name in result.output


def test_restore_refuses_a_bad_copy_and_a_running_watcher(history: Department,
                                                          tmp_path: Path) -> None:
    dept = history
    before = _snapshot(dept)
    bad = tmp_path / "ليست نسخة.sqlite"
    bad.write_bytes(b"garbage" * 100)
    result = _eti("ledger", "restore", "--from", str(bad), "--root", str(dept.root))
    assert result.exit_code == 1 and "ليس نسخة سليمة" in result.output
    write_state(dept, {"running": True, "pid": os.getpid(), "seen_at": NOW.isoformat()})
    result = _eti("ledger", "restore", "--latest", "--root", str(dept.root))
    assert result.exit_code == 1 and "Ctrl+C" in result.output
    assert _snapshot(dept) == before
    assert not (dept.data / "replaced").exists()
    assert _eti("ledger", "restore", "--root", str(dept.root)).exit_code == 2  # which copy?
