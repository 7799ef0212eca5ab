"""Swapping a register in while Excel holds it open (the lock is faked through ``replace``)."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import pytest
from ledger_factory import add_submission, backend_ledger

from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.core.errors import ExcelBusy
from automation.registers import swap as register_swap
from automation.registers.builder import register_path, write_registers
from automation.registers.swap import (
    WAITING_AR,
    XlwingsExcel,
    pending_path,
    retry_pending,
    swap_in,
)

pytestmark = pytest.mark.usefixtures("ledger_backend")


class FakeLock:
    """``os.replace`` that fails with PermissionError on locked destinations."""

    def __init__(self) -> None:
        self.locked: set[Path] = set()
        self.calls: list[tuple[Path, Path]] = []

    def __call__(self, src: Path, dst: Path) -> None:
        self.calls.append((Path(src), Path(dst)))
        if Path(dst) in self.locked:
            raise PermissionError(13, "The process cannot access the file", str(dst))
        os.replace(src, dst)


class FakeExcel:
    def __init__(self, available: bool = True, works: bool = True) -> None:
        self.available = available
        self.works = works
        self.updates: list[tuple[Path, bytes]] = []

    def is_available(self) -> bool:
        return self.available

    def update_open_workbook(self, target: Path, new_file: Path) -> bool:
        if not self.works:
            return False
        self.updates.append((target, new_file.read_bytes()))
        target.write_bytes(new_file.read_bytes())  # what saving in Excel amounts to
        return True


@pytest.fixture(autouse=True)
def fresh_announcements() -> None:
    register_swap._announced.clear()


@pytest.fixture()
def dept(tmp_path: Path) -> Department:
    department = Department(tmp_path)
    department.ensure()
    return department


def files(dept: Department) -> tuple[Path, Path]:
    target = dept.registers / "P1 - سجل.xlsx"
    target.write_bytes(b"old")
    tmp = dept.registers / ".P1 - سجل.1234.tmp.xlsx"
    tmp.write_bytes(b"new")
    return target, tmp


def test_unlocked_register_is_replaced(dept: Department) -> None:
    target, tmp = files(dept)
    assert swap_in(tmp, target, excel=None) == "written"
    assert target.read_bytes() == b"new" and not tmp.exists()


def test_locked_register_waits_as_pending_then_is_swapped_in(
    dept: Department, caplog: pytest.LogCaptureFixture
) -> None:
    target, tmp = files(dept)
    lock = FakeLock()
    lock.locked.add(target)
    caplog.set_level(logging.INFO, logger="automation.registers.swap")
    assert swap_in(tmp, target, excel=None, replace=lock) == "waiting-for-excel"
    assert target.read_bytes() == b"old"  # untouched
    pending = pending_path(target)
    assert pending.name == "P1 - سجل.pending.xlsx" and pending.read_bytes() == b"new"
    assert not tmp.exists()
    # a newer version replaces the older pending one; still locked, nothing logged again
    tmp.write_bytes(b"newer")
    assert swap_in(tmp, target, excel=None, replace=lock) == "waiting-for-excel"
    assert pending.read_bytes() == b"newer"
    assert retry_pending(dept, excel=None, replace=lock) == [(target, "waiting-for-excel")]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert WAITING_AR in warnings[0].getMessage() and "open in Excel" in warnings[0].getMessage()
    # Excel closed the workbook: the next batch swaps it in
    lock.locked.clear()
    assert retry_pending(dept, excel=None, replace=lock) == [(target, "written")]
    assert target.read_bytes() == b"newer" and not pending.exists()
    assert retry_pending(dept, excel=None, replace=lock) == []
    # a later lock is announced again
    lock.locked.add(target)
    tmp.write_bytes(b"third")
    swap_in(tmp, target, excel=None, replace=lock)
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2


def test_excel_adapter_updates_the_open_workbook(dept: Department) -> None:
    target, tmp = files(dept)
    lock = FakeLock()
    lock.locked.add(target)
    excel = FakeExcel()
    assert swap_in(tmp, target, excel=excel, replace=lock) == "updated-in-excel"
    assert excel.updates == [(target, b"new")]
    assert target.read_bytes() == b"new"
    assert not tmp.exists() and not pending_path(target).exists()


def test_unavailable_or_failing_excel_falls_back_to_pending(dept: Department) -> None:
    target, tmp = files(dept)
    lock = FakeLock()
    lock.locked.add(target)
    unavailable = FakeExcel(available=False)
    assert swap_in(tmp, target, excel=unavailable, replace=lock) == "waiting-for-excel"
    assert unavailable.updates == []
    tmp.write_bytes(b"again")
    assert swap_in(tmp, target, excel=FakeExcel(works=False), replace=lock) == "waiting-for-excel"
    assert pending_path(target).read_bytes() == b"again"
    # Excel becomes reachable: the retry updates the open workbook from the pending file
    excel = FakeExcel()
    assert retry_pending(dept, excel=excel, replace=lock) == [(target, "updated-in-excel")]
    assert excel.updates == [(target, b"again")] and not pending_path(target).exists()


def test_pending_file_locked_too_raises_excel_busy(dept: Department) -> None:
    target, tmp = files(dept)
    lock = FakeLock()
    lock.locked.update({target, pending_path(target)})
    with pytest.raises(ExcelBusy) as info:
        swap_in(tmp, target, excel=None, replace=lock)
    assert info.value.message_ar and not tmp.exists()


def test_write_registers_reports_waiting_register(dept: Department) -> None:
    lock = FakeLock()
    target = register_path(dept, "P8")
    lock.locked.add(target)
    clock = FakeClock(dt.datetime(2026, 5, 20, 10))
    with backend_ledger(dept.ledger_path) as ledger:
        add_submission(
            ledger, "INITIATIVES", {},
            [{"initiative": "x", "school": "مدرسة", "start_date": dt.date(2026, 1, 1),
              "status": "فعالة"}],
            received_at=dt.datetime(2026, 1, 2),
        )
        [outcome] = write_registers(
            dept, ledger, ["P8"], references=object(), clock=clock, replace=lock
        )
        assert outcome.status == "waiting-for-excel"
        assert pending_path(target).exists() and not target.exists()
        assert [p.name for p in dept.registers.iterdir()] == [pending_path(target).name]
        # both locked: the outcome says so and the caller keeps P8 dirty
        lock.locked.add(pending_path(target))
        [outcome] = write_registers(
            dept, ledger, ["P8"], references=object(), clock=clock, replace=lock
        )
        assert outcome.status == "not-written"
        lock.locked.clear()
        assert retry_pending(dept, excel=None, replace=lock) == [(target, "written")]
    assert [p.name for p in dept.registers.iterdir()] == [target.name]


def test_xlwings_adapter_is_honest_here() -> None:
    excel = XlwingsExcel()
    if os.name != "nt" and not os.uname().sysname == "Darwin":
        assert excel.is_available() is False
    assert register_swap._inert("=SUM(A1)") == "'=SUM(A1)"
    assert register_swap._inert("نص") == "نص" and register_swap._inert(5) == 5
