"""A batch read by worker processes (issue 22, point 3): its registers and its published
figures are worked out by the workers while the batch process makes the documents; the
outcome is the one a batch without workers reaches (counted by hand), and a registers
folder that cannot be written holds back the registers only."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

import pytest
from department_factory import clock, drop, maintenance_rows, make_department, school_names

from automation.core.department import Department
from automation.intake import pipeline
from automation.ledger.open import open_ledger
from automation.ledger.published import published
from automation.processes import publish
from automation.registers.builder import register_path

pytestmark = pytest.mark.usefixtures("ledger_backend")


def _requests(dept: Department, devices: list[int]) -> None:
    """One maintenance request per entry, of that many devices, all in 2026-Q1."""
    for i, count in enumerate(devices):
        drop(dept, f"طلب {i}.xlsx", "QF75-11",
             {"school": school_names(dept)[i % 3], "request_date": dt.date(2026, 2, 1 + i),
              "channel": "هاتف", "reference": f"ك/{i}"},
             maintenance_rows(count), workbook_id=f"wb-{i}")


def _quarter(dept: Department, key: str) -> object:
    with open_ledger(dept) as ledger:
        return next(line[5] for line in published(ledger, "2026-Q1") if line[3] == key)


def test_registers_and_figures_are_worked_out_by_the_workers_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    dept = make_department(tmp_path / "d")
    _requests(dept, [2, 3, 1, 4])  # by hand: 4 requests, 10 devices
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 2)  # read by worker processes
    here: list[object] = []
    real = publish.lines_around

    def lines_here(*args: object, **kwargs: object) -> object:
        here.append(args)  # a worker's call is recorded in the worker, not here
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(publish, "lines_around", lines_here)
    with caplog.at_level(logging.WARNING):
        batch = pipeline.run_batch(dept, clock=clock("2026-03-10 10:00"))
    assert [f.outcome for f in batch.files] == ["accepted"] * 4
    assert batch.held == []
    assert len(batch.documents) == 4 and all(p.is_file() for p in batch.documents)
    assert {o.process: o.status for o in batch.registers}["P1"] == "written"
    assert register_path(dept, "P1").is_file()
    assert here == []  # worked out by a worker
    assert "did not work out" not in caplog.text
    assert _quarter(dept, "p1.requests_received") == 4
    assert _quarter(dept, "p1.devices_reported") == 10
    with open_ledger(dept) as ledger:
        assert ledger.dirty_processes() == []


def test_without_workers_the_batch_process_works_them_out(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "d")
    _requests(dept, [2, 3, 1, 4])
    batch = pipeline.run_batch(dept, clock=clock("2026-03-10 10:00"))  # 4 < PARALLEL_FROM
    assert len(batch.documents) == 4 and batch.held == []
    assert _quarter(dept, "p1.devices_reported") == 10


def test_registers_that_cannot_be_written_hold_back_only_the_registers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dept = make_department(tmp_path / "d")
    _requests(dept, [2, 3, 1])
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 2)
    blocked = dept.registers
    shutil.rmtree(blocked, ignore_errors=True)
    blocked.write_text("a file where the registers folder should be")  # cannot be made
    batch = pipeline.run_batch(dept, clock=clock("2026-03-10 10:00"))
    assert [f.outcome for f in batch.files] == ["accepted"] * 3
    assert len(batch.documents) == 3  # the documents were made all the same
    assert [h.what for h in batch.held] == ["registers"]
    with open_ledger(dept) as ledger:
        assert "P1" in ledger.dirty_processes()  # owed to a later batch
    assert _quarter(dept, "p1.devices_reported") == 6  # the figures were published
    blocked.unlink()
    later = pipeline.run_batch(dept, clock=clock("2026-03-10 11:00"))
    assert later.held == [] and register_path(dept, "P1").is_file()
