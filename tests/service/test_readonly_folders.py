"""A registers folder or outbox that cannot be written: a clean message naming it, every
file's rows committed, the work for it kept owed, and the watcher's intake never held."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from department_factory import drop, maintenance_rows, make_department, school_names
from ledger_factory import backend_ledger

from automation.cli.main import main
from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.core.settings import settings_from
from automation.intake.pipeline import run_batch
from automation.service.jobs import JobRunner
from automation.service.watch import Watcher

NOW = dt.datetime(2026, 3, 10, 14, 0)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` and everything in it read-only, for root too (the immutable flag)."""
    if os.name == "nt":
        pytest.skip("read-only folders as on POSIX")
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(
                ["chattr", "-R", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("no way to make a folder read-only for root here")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-R", "-i", str(folder)], check=True)
        return
    modes = {p: p.stat().st_mode for p in (folder, *folder.rglob("*"))}
    for path in modes:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def _drop(dept: Department, name: str, reference: str, *, wrong: bool = False) -> None:
    """A form of a known school; ``wrong``: with a status not in the list (rejected, and
    a letter to the school owed)."""
    drop(dept, name, "QF75-11",
         {"school": school_names(dept)[0], "request_date": dt.date(2026, 3, 1),
          "channel": "هاتف", "reference": reference},
         maintenance_rows(2, status="حالة لا وجود لها" if wrong else "تم الإصلاح"))


def _rows(dept: Department) -> int:
    with backend_ledger(dept.ledger_path) as ledger:
        return len(ledger.current_rows("QF75-11"))


@pytest.fixture
def dept(tmp_path: Path) -> Department:
    dept = make_department(tmp_path / "قسم")
    _drop(dept, "أول.xlsx", "ك/0")
    run_batch(dept, clock=FakeClock(NOW))  # registers and outbox folders in use
    return dept


def test_a_read_only_registers_folder(dept: Department) -> None:
    registers = {p.name: p.read_bytes() for p in dept.registers.glob("*.xlsx")}
    for i in range(3):
        _drop(dept, f"طلب {i}.xlsx", f"ك/{i + 1}")
    with read_only(dept.registers):
        result = CliRunner().invoke(main, ["process", "--root", str(dept.root)])
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert "workbooks/registers" in result.output and "تعذرت الكتابة" in result.output
        assert "3 accepted" in result.output
        assert _rows(dept) == 8
        with backend_ledger(dept.ledger_path) as ledger:
            assert "P1" in ledger.dirty_processes()  # owed, not forgotten
    assert {p.name: p.read_bytes() for p in dept.registers.glob("*.xlsx")} == registers
    later = run_batch(dept, clock=FakeClock(NOW))
    assert later.held == [] and {o.status for o in later.registers} == {"written"}
    with backend_ledger(dept.ledger_path) as ledger:
        assert ledger.dirty_processes() == []


def test_a_read_only_outbox(dept: Department) -> None:
    _drop(dept, "بلا تاريخ.xlsx", "ك/5")
    (dept.inbox / "مرفوض.xlsx").write_bytes(b"not a workbook")
    _drop(dept, "حالة خاطئة.xlsx", "ك/6", wrong=True)
    with read_only(dept.outbox):
        result = CliRunner().invoke(main, ["process", "--root", str(dept.root)])
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert "outbox" in result.output and "تعذرت الكتابة" in result.output
        assert _rows(dept) == 4
    later = run_batch(dept, clock=FakeClock(NOW))
    assert later.held == []
    assert any("كتاب-إعادة" in p.name for p in later.documents)  # the owed letter, written now


def test_the_watcher_is_not_held_back_by_a_read_only_outbox(dept: Department) -> None:
    settings = settings_from({"intake": {"stability_seconds": 0.5},
                              "watch": {"rescan_minutes": 60}})
    watcher = Watcher(dept, settings, clock=FakeClock(NOW),
                      jobs=JobRunner(dept, settings, clock=FakeClock(NOW), jobs={}))
    with read_only(dept.outbox):
        thread = watcher.start()
        try:
            _drop(dept, "حالة خاطئة.xlsx", "ك/7", wrong=True)
            deadline = time.monotonic() + 20
            while any(dept.inbox.glob("*.xlsx")) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not any(dept.inbox.glob("*.xlsx"))
            started = time.monotonic()
            _drop(dept, "بعده.xlsx", "ك/8")
            while any(dept.inbox.glob("*.xlsx")) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not any(dept.inbox.glob("*.xlsx")), "intake held back"
            assert time.monotonic() - started < 10  # not the 30 s pause after a failure
        finally:
            watcher.stop()
            thread.join(30)
    assert _rows(dept) == 4
