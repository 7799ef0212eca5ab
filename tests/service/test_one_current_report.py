"""A report made again for the same period replaces the earlier one: the outbox holds one
current report per kind and period, the earlier copy is kept in outbox/.previous/ with its
time, and the ledger's list of documents points at the current one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner
from department_factory import drop, maintenance_rows, make_department, school_names
from ledger_factory import add_submission, backend_ledger

from automation.cli.main import main
from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.documents.outbox import PREVIOUS, produce
from automation.intake.pipeline import run_batch
from automation.templates.samples import sample_context

NOW = dt.datetime(2026, 4, 5, 9, 0)


def _documents(dept: Department, kind: str) -> list[str]:
    with backend_ledger(dept.ledger_path) as ledger:
        return [str(r[0]) for r in ledger.conn.execute(
            "SELECT path FROM documents WHERE kind = ? ORDER BY id", (kind,))]


def test_a_report_made_again_replaces_the_earlier_one(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "قسم")
    drop(dept, "صيانة.xlsx", "QF75-11",
         {"school": school_names(dept)[0], "request_date": dt.date(2026, 2, 1),
          "channel": "هاتف", "reference": "ك/1"}, maintenance_rows(2))
    run_batch(dept, clock=FakeClock(NOW))
    folder = dept.outbox / "reports"
    runs = []
    for _ in range(3):
        result = CliRunner().invoke(main, ["report", "quarterly", "--year", "2026",
                                           "--quarter", "1", "--root", str(dept.root)])
        assert result.exit_code == 0, result.output
        runs.append(Path(result.output.strip().splitlines()[-1]))
    assert runs == [folder / "تقرير-ربعي-2026-Q1.docx"] * 3
    assert [p.name for p in folder.iterdir()] == ["تقرير-ربعي-2026-Q1.docx"]
    earlier = sorted((dept.outbox / PREVIOUS / "reports").iterdir())
    assert len(earlier) == 2
    assert all(p.name.startswith("تقرير-ربعي-2026-Q1-") and p.suffix == ".docx"
               for p in earlier)
    listed = _documents(dept, "quarterly-report")
    assert listed[-1] == "outbox/reports/تقرير-ربعي-2026-Q1.docx"
    assert sorted(listed[:-1]) == [p.relative_to(dept.root).as_posix() for p in earlier]

    for _ in range(2):  # the day's digest too: one per day
        result = CliRunner().invoke(main, ["digest", "--date", "2026-04-05",
                                           "--root", str(dept.root)])
        assert result.exit_code == 0, result.output
    assert [p.name for p in (dept.outbox / "digest").iterdir()] == [
        "2026-04-05-الملخص-اليومي.docx"]
    assert len(_documents(dept, "daily-digest")) == 2


def test_another_documents_name_is_never_taken(tmp_path: Path) -> None:
    """Two visit reports of different submissions with the same name both stay; an
    earlier copy of the same submission's report is replaced."""
    dept = make_department(tmp_path / "قسم")
    with backend_ledger(dept.ledger_path) as ledger:
        def make(submission: int) -> Path:
            return produce(dept, ledger, kind="visit-report", template="visit_report.docx",
                           context=sample_context("visit_report.docx"),
                           folder=dept.outbox / "visits", stem="زيارة",
                           clock=FakeClock(NOW), submission_id=submission)

        one, two = (add_submission(ledger, "INITIATIVES", {}, [
            {"initiative": f"مبادرة {n}", "school": school_names(dept)[0],
             "start_date": dt.date(2026, 1, 1), "status": "فعالة"}],
            received_at=NOW) for n in (1, 2))
        first, second, again = make(one), make(two), make(one)
    assert (first.name, second.name, again.name) == ("زيارة.docx", "زيارة-2.docx", "زيارة.docx")
    assert sorted(p.name for p in (dept.outbox / "visits").iterdir()) == [
        "زيارة-2.docx", "زيارة.docx"]
    assert len(list((dept.outbox / PREVIOUS / "visits").iterdir())) == 1
