"""The watcher writes the documents a failed batch left owed on its own, with a back-off,
without waiting for another file to arrive; and removes at its start what a crash left
half-written in outbox/ (issue 22, 5)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from department_factory import drop, maintenance_rows, make_department, school_names

from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.core.settings import Settings, settings_from
from automation.intake.pipeline import run_batch
from automation.service import watch as W
from automation.service.jobs import JobRunner
from automation.service.watch import Watcher

START = dt.datetime(2026, 3, 10, 9, 0)


def _settings() -> Settings:
    return settings_from({"intake": {"stability_seconds": 0.3, "max_batch": 40},
                          "watch": {"rescan_minutes": 60}})


def _watcher(dept: Department, handle: Callable[..., object] | None = None) -> Watcher:
    settings = _settings()
    return Watcher(dept, settings, handle_batch=handle, clock=FakeClock(START),
                   jobs=JobRunner(dept, settings, clock=FakeClock(START), jobs={}))


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(W, "BACKOFF_SECONDS", 0.05)
    monkeypatch.setattr(W, "OWED_RETRY_SECONDS", 0.3)


class Owed:
    """Stands in for run_batch: fails (the database connection lost) ``failures`` times,
    then writes what is owed; records when it was called."""

    def __init__(self, failures: int, left: list[int] | None = None) -> None:
        self.failures = failures
        self.left = left or []
        self.calls: list[float] = []

    def __call__(self, dept: Department, **kw: object) -> SimpleNamespace:
        self.calls.append(time.monotonic())
        if len(self.calls) <= self.failures:
            raise EtiError("the connection to the database was lost",
                           "انقطع الاتصال بقاعدة البيانات")
        documents = type("Made", (list,), {})()
        documents.left = self.left.pop(0) if self.left else 0
        return SimpleNamespace(files=[], registers=[], documents=documents, held=[],
                               interrupted="")


def test_an_idle_watcher_tries_again_with_a_growing_pause(tmp_path: Path, quick: None) -> None:
    dept = make_department(tmp_path / "dept")
    owed = Owed(failures=2)
    watcher = _watcher(dept, owed)
    thread = watcher.start()
    try:
        assert _wait(lambda: len(owed.calls) == 3, 10)  # start, then two tries on its own
        time.sleep(1.5)
        assert len(owed.calls) == 3  # written: no more tries
    finally:
        watcher.stop()
        thread.join(10)
    first, second = owed.calls[1] - owed.calls[0], owed.calls[2] - owed.calls[1]
    assert first >= 0.25 and second >= 2 * 0.3 - 0.05  # the pause doubles


def test_a_document_that_failed_is_tried_again(tmp_path: Path, quick: None) -> None:
    dept = make_department(tmp_path / "dept")
    owed = Owed(failures=0, left=[2, 1, 0])  # a template failing, then mended
    watcher = _watcher(dept, owed)
    thread = watcher.start()
    try:
        assert _wait(lambda: len(owed.calls) == 3, 10)
        time.sleep(2.5)
        assert len(owed.calls) == 3
    finally:
        watcher.stop()
        thread.join(10)


def test_owed_reports_are_written_after_a_lost_connection_with_no_new_file(
    tmp_path: Path, quick: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from automation.documents import pending

    dept = make_department(tmp_path / "dept")
    school = school_names(dept)[0]
    for n in range(2):
        drop(dept, f"طلب {n}.xlsx", "QF75-11",
             {"school": school, "request_date": dt.date(2026, 3, 1 + n),
              "channel": "كتاب رسمي", "reference": f"ت ت/70/{n}"}, maintenance_rows(2))
    run_batch(dept, clock=FakeClock(START), documents=False)  # accepted, reports owed
    lost = [0]
    original = pending._owed

    def connection_lost(ledger: object) -> object:
        if lost[0] < 2:
            lost[0] += 1
            raise sqlite3.OperationalError("disk I/O error")  # as a share that went away
        return original(ledger)  # type: ignore[arg-type]

    monkeypatch.setattr(pending, "_owed", connection_lost)
    watcher = _watcher(dept)
    thread = watcher.start()
    try:
        assert _wait(lambda: len(list((dept.outbox / "technical").glob("*.docx"))) == 2, 60)
    finally:
        watcher.stop()
        thread.join(30)
    assert lost[0] == 2 and not any(dept.inbox.glob("*.xlsx"))  # no file arrived


def test_the_watcher_removes_a_crashs_temporaries_at_start(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "dept")
    letters = dept.outbox / "letters"
    letters.mkdir(parents=True, exist_ok=True)
    import subprocess
    import sys

    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True).stdout)
    left = letters / f".~eti-{dead}-0123456789ab.part"
    left.write_bytes(b"half")
    kept = letters / "2026-03-10-كتاب-1.docx"
    kept.write_bytes(b"whole")
    watcher = _watcher(dept, Owed(failures=0))
    thread = watcher.start()
    try:
        assert _wait(lambda: not left.exists(), 10)
    finally:
        watcher.stop()
        thread.join(10)
    assert kept.exists() and os.listdir(letters) == [kept.name]
