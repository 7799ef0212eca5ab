"""Retention: old records move to the archive (table, workbook, files); nothing is deleted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from ledger_factory import add_submission, backend_ledger

from automation.catalog.forms import CATALOG
from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.ledger.store import Ledger
from automation.service import retention as R
from automation.service.retention import sweep

D = dt.datetime
NOW = D(2026, 4, 15, 3, 0)
SCHOOL = "مدرسة الأمل الأساسية"


@pytest.fixture
def dept(tmp_path: Path) -> Department:
    dept = Department.at(tmp_path / "قسم")
    dept.ensure()
    return dept


def _stored(dept: Department, ledger: Ledger, sub_id: int, received: dt.date) -> Path:
    """Give a submission an original file in inbox/processed/<yyyy-mm>/."""
    rel = f"inbox/processed/{received:%Y-%m}/{received}_{sub_id:06d}_طلب صيانة {sub_id}.xlsx"
    path = dept.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(f"workbook {sub_id}".encode())
    ledger.set_stored_path(sub_id, rel)
    return path


def _maintenance(ledger: Ledger, day: dt.date, fault: str = "لا يعمل") -> int:
    return add_submission(
        ledger, "QF75-11",
        {"school": SCHOOL, "request_date": day, "channel": "هاتف", "reference": f"ref {day}"},
        [{"device_type": "حاسوب", "location": "مختبر حاسوب", "fault": fault,
          "status": "قيد المعالجة"}],
        received_at=D.combine(day, dt.time(9, 0)) + dt.timedelta(days=2),
    )


def _lending(ledger: Ledger, day: dt.date) -> int:
    return add_submission(
        ledger, "QF70-2-8", {},
        [{"title": "شريط تعليمي", "media_type": "شريط فيديو", "borrower": "أحمد",
          "loan_date": day}],
        received_at=D.combine(day, dt.time(10, 0)),
    )


@pytest.fixture
def populated(dept: Department) -> dict[str, object]:
    with backend_ledger(dept.ledger_path) as ledger:
        old = _maintenance(ledger, dt.date(2025, 3, 10), fault="=SUM(A1:A9) الشاشة لا تعمل")
        recent = _maintenance(ledger, dt.date(2026, 2, 1))
        permanent = _lending(ledger, dt.date(2019, 1, 5))
        files = {
            "old": _stored(dept, ledger, old, dt.date(2025, 3, 12)),
            "recent": _stored(dept, ledger, recent, dt.date(2026, 2, 3)),
            "permanent": _stored(dept, ledger, permanent, dt.date(2019, 1, 5)),
        }
        ledger.clear_dirty(ledger.dirty_processes())
    return {"old": old, "recent": recent, "permanent": permanent, "files": files}


def _snapshot(ledger: Ledger) -> tuple[int, int]:
    rows = ledger.conn.execute("SELECT COUNT(*) FROM rows").fetchone()[0]
    subs = ledger.conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
    return rows, subs


def test_old_record_moves_permanent_never(dept: Department, populated: dict) -> None:
    files: dict[str, Path] = populated["files"]  # type: ignore[assignment]
    with backend_ledger(dept.ledger_path) as ledger:
        before = _snapshot(ledger)
        result = sweep(dept, ledger, clock=FakeClock(NOW))
        assert result.moved == {"QF75-11": 1}
        assert not result.dry_run and not result.waiting

        # the ledger: archived_at and the archive table; nothing deleted
        assert _snapshot(ledger) == before
        archived = ledger.archived_rows("QF75-11")
        assert [r.submission_id for r in archived] == [populated["old"]]
        assert [r.submission_id for r in ledger.current_rows("QF75-11")] == [populated["recent"]]
        entry = ledger.conn.execute("SELECT * FROM archive").fetchall()
        assert len(entry) == 1
        assert entry[0]["form"] == "QF75-11"
        assert entry[0]["record_date"] == "2025-03-10"
        assert entry[0]["archived_at"] == "2026-04-15T03:00:00"
        assert entry[0]["workbook"] == "workbooks/registers/archive/2025/QF75-11.xlsx"
        assert set(ledger.dirty_processes()) == {"P1", "PLAN"}

        # the permanent record of 2019 stays live
        assert len(ledger.current_rows("QF70-2-8")) == 1
        assert ledger.archived_rows("QF70-2-8") == []

        # the original file moved into data/archive/2025/, its path recorded
        old_sub = ledger.submission(populated["old"])
        assert old_sub["stored_path"] == f"data/archive/2025/{files['old'].name}"
        content = (dept.root / old_sub["stored_path"]).read_bytes()
        assert content == f"workbook {populated['old']}".encode()
        assert not files["old"].exists()
        assert files["recent"].exists() and files["permanent"].exists()
        assert result.files == [(
            files["old"].relative_to(dept.root).as_posix(), old_sub["stored_path"]
        )]

    # the archive workbook: RTL, Arabic headers, the row, text kept as text
    book = dept.root / "workbooks/registers/archive/2025/QF75-11.xlsx"
    assert result.workbooks == [book]
    wb = openpyxl.load_workbook(book)
    ws = wb.active
    assert ws.sheet_view.rightToLeft
    header = [c.value for c in ws[1]]
    form = CATALOG.form("QF75-11")
    assert header[0] == R.ROW_ID
    assert [spec.label for spec in form.fields] == header[1 : 1 + len(form.fields)]
    assert ws.max_row == 2
    values = dict(zip(header, [c for c in ws[2]], strict=True))
    assert values["المدرسة"].value == SCHOOL
    assert values["تاريخ الطلب"].value == "2025-03-10"
    assert values["وصف العطل"].value == "=SUM(A1:A9) الشاشة لا تعمل"
    assert values["وصف العطل"].data_type == "s"
    assert values[R.STATE].value == R.LIVE_AR


def test_second_sweep_appends_and_repeats_nothing(dept: Department, populated: dict) -> None:
    with backend_ledger(dept.ledger_path) as ledger:
        sweep(dept, ledger, clock=FakeClock(NOW))
        later = _maintenance(ledger, dt.date(2025, 4, 2))
        assert sweep(dept, ledger, clock=FakeClock(NOW)).moved == {"QF75-11": 1}
        assert sweep(dept, ledger, clock=FakeClock(NOW)).total == 0
        assert ledger.conn.execute("SELECT COUNT(*) FROM archive").fetchone()[0] == 2
        assert len(ledger.archived_rows("QF75-11")) == 2
        assert later in {r.submission_id for r in ledger.archived_rows("QF75-11")}
    _, rows = R.read_archive(dept.root / "workbooks/registers/archive/2025/QF75-11.xlsx")
    assert [r["تاريخ الطلب"] for r in rows] == ["2025-03-10", "2025-04-02"]
    assert len({r[R.ROW_ID] for r in rows}) == 2


def test_dry_run_moves_nothing_but_reports_the_same(dept: Department, populated: dict) -> None:
    files: dict[str, Path] = populated["files"]  # type: ignore[assignment]
    with backend_ledger(dept.ledger_path) as ledger:
        before = _snapshot(ledger)
        preview = sweep(dept, ledger, clock=FakeClock(NOW), dry_run=True)
        assert preview.dry_run
        assert preview.moved == {"QF75-11": 1}
        assert preview.files == [(
            files["old"].relative_to(dept.root).as_posix(),
            f"data/archive/2025/{files['old'].name}",
        )]
        assert _snapshot(ledger) == before
        assert ledger.conn.execute("SELECT COUNT(*) FROM archive").fetchone()[0] == 0
        assert ledger.archived_rows("QF75-11") == []
        assert ledger.dirty_processes() == []
        assert files["old"].exists()
        assert not dept.archive.exists() and not dept.files_archive.exists()
        done = sweep(dept, ledger, clock=FakeClock(NOW))
        assert (done.moved, done.files) == (preview.moved, preview.files)


def test_file_moves_only_when_all_its_rows_are_archived(dept: Department) -> None:
    with backend_ledger(dept.ledger_path) as ledger:
        sub = add_submission(
            ledger, "EMIS-UPDATES", {},
            [{"date": dt.date(2024, 12, 1), "system": "OpenEMIS", "update": "إصدار 1"},
             {"date": dt.date(2026, 3, 1), "system": "OpenEMIS", "update": "إصدار 2"}],
            received_at=D(2026, 3, 2, 9, 0),
        )
        original = _stored(dept, ledger, sub, dt.date(2026, 3, 2))
        first = sweep(dept, ledger, clock=FakeClock(NOW))
        assert first.moved == {"EMIS-UPDATES": 1} and first.files == []
        assert original.exists()
        assert (dept.archive / "2024" / "EMIS-UPDATES.xlsx").exists()
        second = sweep(dept, ledger, clock=FakeClock(D(2027, 3, 5)))
        assert second.moved == {"EMIS-UPDATES": 1}
        assert not original.exists()
        assert ledger.submission(sub)["stored_path"] == f"data/archive/2026/{original.name}"
        assert (dept.archive / "2026" / "EMIS-UPDATES.xlsx").exists()


def test_year_end_forms_count_from_the_end_of_their_year(dept: Department) -> None:
    plan = {"process": CATALOG.form("QF12-1").field("process").choices[0], "goal": "هدف",
            "activity": "نشاط", "indicator": CATALOG.indicators[0][0], "target": 10,
            "quarter": "الأول", "responsible": "رئيس القسم"}
    with backend_ledger(dept.ledger_path) as ledger:
        add_submission(ledger, "QF12-1", {"year": "2024"}, [plan], received_at=D(2024, 1, 5))
        add_submission(ledger, "QF12-1", {"year": "2025"}, [plan], received_at=D(2025, 1, 5))
        result = sweep(dept, ledger, clock=FakeClock(NOW))
        assert result.moved == {"QF12-1": 1}
        assert [r.data["year"] for r in ledger.current_rows("QF12-1")] == ["2025"]


def test_counted_from_rules() -> None:
    maint = CATALOG.form("QF75-11")
    plan = CATALOG.form("QF12-1")
    assert R.counted_from(maint, "2025-03-10", "2025-03-12T09:00:00") == dt.date(2025, 3, 10)
    assert R.counted_from(maint, None, "2025-03-12T09:00:00") == dt.date(2025, 3, 12)
    assert R.counted_from(plan, "2025-12-31", "2025-01-05T09:00:00") == dt.date(2025, 12, 31)
    assert R.is_expired(maint, dt.date(2025, 3, 10), dt.date(2026, 3, 10)) is False
    assert R.is_expired(maint, dt.date(2025, 3, 10), dt.date(2026, 3, 11)) is True
    assert R.is_expired(CATALOG.form("QF70-2-8"), dt.date(1990, 1, 1), dt.date(2026, 1, 1)) is False
    assert R.is_expired(CATALOG.form("FO-SITES"), dt.date(1990, 1, 1), dt.date(2026, 1, 1)) is False
    assert R.add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_archive_open_in_excel_waits(dept: Department, populated: dict,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    real = R.save_atomic

    def locked(wb: object, path: Path) -> None:
        raise PermissionError(13, "used by another process", str(path))

    monkeypatch.setattr(R, "save_atomic", locked)
    with backend_ledger(dept.ledger_path) as ledger:
        waiting = sweep(dept, ledger, clock=FakeClock(NOW))
        assert waiting.total == 0 and len(waiting.waiting) == 1
        assert ledger.archived_rows("QF75-11") == []
        assert populated["files"]["old"].exists()  # type: ignore[index]
        monkeypatch.setattr(R, "save_atomic", real)
        assert sweep(dept, ledger, clock=FakeClock(NOW)).moved == {"QF75-11": 1}


def test_interrupted_after_moving_a_file_is_finished(dept: Department, populated: dict) -> None:
    files: dict[str, Path] = populated["files"]  # type: ignore[assignment]
    with backend_ledger(dept.ledger_path) as ledger:
        sweep(dept, ledger, clock=FakeClock(NOW))
        # simulate a crash between the file move and the stored_path update
        moved = dept.root / ledger.submission(populated["old"])["stored_path"]
        ledger.set_stored_path(populated["old"], files["old"].relative_to(dept.root).as_posix())
        again = sweep(dept, ledger, clock=FakeClock(NOW))
        assert again.total == 0
        assert ledger.submission(populated["old"])["stored_path"] == (
            moved.relative_to(dept.root).as_posix())
        assert moved.exists()
