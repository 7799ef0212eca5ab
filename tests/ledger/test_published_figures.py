"""Published figures (issue 26, point 4): after a batch the directorate's figures of the
current and previous quarter and year are in ``eti_figures``, on both backends; the
ministry's login reads every directorate's there with plain psql."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from department_factory import clock, drop, maintenance_rows, make_department, own_directorate
from department_factory import school_names as schools

from automation.cli.main import main
from automation.core.department import Department
from automation.intake.pipeline import run_batch
from automation.ledger.open import open_ledger
from automation.ledger.published import published

pytestmark = pytest.mark.usefixtures("ledger_backend")

PERIODS = ["2025", "2025-Q4", "2026", "2026-Q1"]
"""What a batch on 10 March 2026 publishes (quarters from January)."""


def _header(dept: Department, school: int, day: dt.date, reference: str) -> dict[str, object]:
    return {"school": schools(dept)[school], "request_date": day, "channel": "هاتف",
            "reference": reference}


def _two_requests(dept: Department) -> None:
    """Counted by hand: one request of 3 devices in 2026-Q1, one of 2 in 2025-Q4."""
    drop(dept, "آذار.xlsx", "QF75-11", _header(dept, 0, dt.date(2026, 3, 1), "ك/1"),
         maintenance_rows(3))
    drop(dept, "كانون الأول.xlsx", "QF75-11", _header(dept, 1, dt.date(2025, 12, 15), "ك/2"),
         maintenance_rows(2))


def _values(lines: list[tuple[object, ...]], key: str) -> dict[str, object]:
    return {str(line[1]): line[5] for line in lines if line[3] == key}


def test_a_batch_publishes_the_quarters_and_years_around_it(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "d")
    _two_requests(dept)
    batch = run_batch(dept, clock=clock(), documents=False)
    assert sorted(f.outcome for f in batch.files) == ["accepted", "accepted"]
    with open_ledger(dept) as ledger:
        lines = published(ledger)
    assert sorted({str(line[1]) for line in lines}) == PERIODS
    assert _values(lines, "p1.requests_received") == {
        "2026-Q1": 1, "2025-Q4": 1, "2026": 1, "2025": 1}
    assert _values(lines, "p1.devices_reported") == {
        "2026-Q1": 3, "2025-Q4": 2, "2026": 3, "2025": 2}
    line = next(line for line in lines if line[3] == "p1.devices_reported")
    assert line[2] == "P1" and line[4] == "الأجهزة المبلّغ عن أعطالها"
    assert str(line[6]).startswith("2026-03-10")
    # a later batch replaces the lines, never adds a second copy
    drop(dept, "آذار 2.xlsx", "QF75-11", _header(dept, 2, dt.date(2026, 3, 5), "ك/3"),
         maintenance_rows(1))
    run_batch(dept, clock=clock("2026-03-11 10:00"), documents=False)
    with open_ledger(dept) as ledger:
        again = published(ledger, "2026-Q1")
    assert _values(again, "p1.devices_reported") == {"2026-Q1": 4}
    assert len(again) == len([x for x in lines if x[1] == "2026-Q1"])
    assert all(str(x[6]).startswith("2026-03-11") for x in again)


@pytest.mark.postgres
@pytest.mark.skipif(shutil.which("psql") is None, reason="psql is not installed")
def test_the_ministry_reads_every_directorates_figures_with_psql(
        tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ETI_LEDGER_URL", postgres_url)
    for name in ("قصبة عمان", "لواء ماركا"):
        dept = own_directorate(make_department(tmp_path / name), name)
        _two_requests(dept)
        run_batch(dept, clock=clock(), documents=False)
    ministry = f"ministry_{uuid.uuid4().hex[:8]}"
    granted = CliRunner().invoke(main, ["ledger", "grant", ministry, "--ministry",
                                        "--url", postgres_url])
    assert granted.exit_code == 0, granted.output
    scheme, rest = postgres_url.split("://", 1)
    as_ministry = f"{scheme}://{ministry}@{rest.split('@', 1)[1]}"
    done = subprocess.run(
        ["psql", as_ministry, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c",
         "SELECT directorate, value FROM eti_figures WHERE period = '2026-Q1' "
         "AND figure_key = 'p1.devices_reported' ORDER BY directorate"],
        capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["قصبة عمان|3", "لواء ماركا|3"]
