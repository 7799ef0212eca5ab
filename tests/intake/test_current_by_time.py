"""Which record is current is decided by the records' own time, not by arrival (issue 24,
point 7; docs/FIGURES.md): an older Help Desk export dropped after a newer one never puts
the older statuses back; it fills gaps, and its sender is told (a warning on the file).
The numbers are counted by hand from the tickets written here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from department_factory import clock, drop, make_department, school_names

from automation.core.department import Department
from automation.core.periods import parse_period
from automation.intake.pipeline import run_batch
from automation.ledger.open import open_ledger
from automation.processes import figures_of
from automation.processes.figures import RowSource

pytestmark = pytest.mark.usefixtures("ledger_backend")  # on SQLite and on PostgreSQL

EXECUTED = "الطلبات المنفذة"
OPEN = "الطلبات المفتوحة حتى نهاية الفترة"


def _ticket(no: str, school: str, opened: str, closed: str | None, status: str) -> dict:
    row: dict[str, object] = {"ticket_no": no, "school": school, "opened": opened,
                              "category": "شبكة", "status": status}
    if closed:
        row["closed"] = closed
    return row


def _march(school: str) -> list[dict]:
    """The export of late March (its latest date: 20/3/2026)."""
    return [_ticket("T1", school, "1/3/2026", None, "مفتوح"),
            _ticket("T2", school, "5/3/2026", "20/3/2026", "منفذ"),
            _ticket("T3", school, "10/3/2026", None, "مفتوح"),
            _ticket("T9", school, "2/3/2026", "3/3/2026", "منفذ")]  # not in April's


def _april(school: str) -> list[dict]:
    """The export of mid April (its latest date: 10/4/2026)."""
    return [_ticket("T1", school, "1/3/2026", "2/4/2026", "منفذ"),
            _ticket("T2", school, "5/3/2026", "20/3/2026", "منفذ"),
            _ticket("T3", school, "10/3/2026", "25/3/2026", "منفذ"),
            _ticket("T4", school, "10/4/2026", None, "مفتوح")]


def _figures(dept: Department, period: str) -> dict[str, str]:
    with open_ledger(dept) as ledger:
        return {f.label: f.text for f in figures_of(RowSource(ledger), "P2", parse_period(period))}


def _live(dept: Department) -> dict[str, str]:
    with open_ledger(dept) as ledger:
        return {str(r.data["ticket_no"]): str(r.data["status"])
                for r in ledger.current_rows("HD-EXPORT")}


def _check_april_kept(dept: Department) -> None:
    # T1, T2, T3 and T4 as April's export says; T9 only March's knew (a gap it fills)
    assert _live(dept) == {"T1": "منفذ", "T2": "منفذ", "T3": "منفذ", "T4": "مفتوح",
                           "T9": "منفذ"}
    # Q1 executed: T9 (3/3), T2 (20/3), T3 (25/3) = 3 (March's statuses would give 2);
    # Q2: T1 (2/4) = 1 (March's: 0), T4 open at 30/6
    q1, q2 = _figures(dept, "2026-Q1"), _figures(dept, "2026-Q2")
    assert (q1[EXECUTED], q2[EXECUTED], q2[OPEN]) == ("3", "1", "1")


def test_an_older_export_dropped_late_fills_gaps_and_never_overwrites(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "dept")
    school = school_names(dept)[0]
    drop(dept, "تصدير نيسان.xlsx", "HD-EXPORT", {}, _april(school), workbook_id="hd-april")
    first = run_batch(dept, clock=clock("2026-04-12 10:00"), documents=False)
    assert [(r.outcome, r.problems) for r in first.files] == [("accepted", [])]
    drop(dept, "تصدير آذار.xlsx", "HD-EXPORT", {}, _march(school), workbook_id="hd-march")
    late = run_batch(dept, clock=clock("2026-04-13 10:00"), documents=False)
    (result,) = late.files
    assert result.outcome == "accepted"
    (warning,) = result.problems
    assert (warning.code, warning.severity) == ("older-than-current", "warning")
    assert "3 من صفوفه" in warning.message and "10/04/2026" in warning.message  # T1-T3
    assert "3 of its rows" in warning.message_en and "2026-04-10" in warning.message_en
    with open_ledger(dept) as ledger:  # kept with the file, as every warning
        kept = ledger.problems_of(result.submission_id)
        assert [p["code"] for p in kept] == ["older-than-current"]
    _check_april_kept(dept)


def test_an_older_copy_of_the_same_workbook_supersedes_nothing(tmp_path: Path) -> None:
    """The same export workbook sent in April, then its March copy: the April copy stays
    live (the March copy, recorded, fills the gap of T9 only)."""
    dept = make_department(tmp_path / "dept")
    school = school_names(dept)[0]
    drop(dept, "تصدير نيسان.xlsx", "HD-EXPORT", {}, _april(school), workbook_id="hd")
    run_batch(dept, clock=clock("2026-04-12 10:00"), documents=False)
    drop(dept, "تصدير آذار.xlsx", "HD-EXPORT", {}, _march(school), workbook_id="hd")
    (result,) = run_batch(dept, clock=clock("2026-04-13 10:00"), documents=False).files
    assert [p.code for p in result.problems] == ["older-than-current"]
    _check_april_kept(dept)
    # a newer copy of that workbook then supersedes both, as any copy does
    later = _april(school)[:3] + [_ticket("T4", school, "10/4/2026", "1/5/2026", "منفذ")]
    drop(dept, "تصدير أيار.xlsx", "HD-EXPORT", {}, later, workbook_id="hd")
    (newest,) = run_batch(dept, clock=clock("2026-05-02 10:00"), documents=False).files
    assert newest.problems == []
    assert _live(dept) == {"T1": "منفذ", "T2": "منفذ", "T3": "منفذ", "T4": "منفذ"}


@pytest.mark.parametrize("asked", [None, []], ids=["eti-process", "watcher-catch-up"])
def test_files_left_claimed_by_a_crash_wait_for_older_files_dropped_before(
    tmp_path: Path, asked: list[Path] | None,
) -> None:
    """A crash left April's export claimed; March's, dropped before it, still waits in the
    inbox: the next run takes March's first, then April's (drop order), so no warning
    is needed and April's values are current. Also when the run is asked for no file
    (the watcher finishing, at start, what a crash left)."""
    from automation.catalog.reference import load_references
    from automation.intake.inbox import Intake
    from automation.intake.workers import validation_context

    dept = make_department(tmp_path / "dept")
    school = school_names(dept)[0]
    march = drop(dept, "تصدير آذار.xlsx", "HD-EXPORT", {}, _march(school),
                 workbook_id="hd-march")
    april = drop(dept, "تصدير نيسان.xlsx", "HD-EXPORT", {}, _april(school),
                 workbook_id="hd-april")
    os.utime(march, (1_000_000, 1_000_000))
    os.utime(april, (2_000_000, 2_000_000))
    with open_ledger(dept) as ledger:  # claimed, then the process died
        intake = Intake(dept, ledger, validation_context(load_references(dept)),
                        clock=clock("2026-04-12 10:00"))
        assert [c.original for c in intake.claim_all([april])] == [april.name]
    batch = run_batch(dept, clock=clock("2026-04-12 10:05"), documents=False, paths=asked)
    assert [(r.file, r.problems) for r in batch.files] == [(march.name, []), (april.name, [])]
    _check_april_kept(dept)
