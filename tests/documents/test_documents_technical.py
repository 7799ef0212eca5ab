"""The printable technical report of a maintenance request (QF75-11): made on intake for
every accepted request, and on demand by ``eti report technical`` for an id or the file."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from department_factory import clock, drop, filled_workbook, make_department, school_names
from ledger_factory import backend_ledger

from automation.cli import main
from automation.core.department import Department
from automation.documents.technical import DOCUMENT_KIND
from automation.intake.pipeline import run_batch
from tests.documents.test_documents_helpers import all_text, assert_rtl

ROWS = [
    {"device_type": "حاسوب مكتبي", "asset_no": "SN-0001", "location": "مختبر حاسوب",
     "fault": "لا يقلع النظام", "diagnosis": "تلف القرص الصلب", "action": "استبدال القرص",
     "spare_parts": "قرص صلب 500GB", "cost_jod": 25.5, "technician": "أحمد سالم",
     "status": "تم الإصلاح", "done_date": dt.date(2026, 3, 5)},
    {"device_type": "طابعة ليزرية", "asset_no": "PR-7", "location": "مكتبة",
     "fault": "لا تطبع", "diagnosis": "تلف وحدة التسخين", "action": "استبدال الوحدة",
     "spare_parts": "وحدة تسخين", "cost_jod": 40, "technician": "منى خالد",
     "status": "تم الإصلاح", "done_date": dt.date(2026, 3, 6)},
]


def _header(school: str) -> dict[str, object]:
    return {"school": school, "request_date": dt.date(2026, 3, 1), "channel": "كتاب رسمي",
            "reference": "ت ت/70/15"}


@pytest.fixture()
def accepted(tmp_path: Path) -> tuple[Path, Path]:
    """A department whose inbox held one maintenance request, now accepted (with its
    documents), and a copy of the filled workbook kept aside."""
    dept = make_department(tmp_path / "dept")
    school = school_names(dept)[0]
    path = drop(dept, "طلب صيانة.xlsx", "QF75-11", _header(school), ROWS)
    kept = tmp_path / "الطلب.xlsx"
    shutil.copyfile(path, kept)
    batch = run_batch(dept, clock=clock("2026-03-10 09:00"))
    assert [(r.outcome, r.form) for r in batch.files] == [("accepted", "QF75-11")]
    return dept.root, kept


def _reports(root: Path) -> list[Path]:
    return sorted((root / "outbox" / "technical").glob("*.docx"))


def test_intake_makes_the_technical_report_once(accepted: tuple[Path, Path]) -> None:
    root, _ = accepted
    [report] = _reports(root)
    assert_rtl(report)
    lines = all_text(report).splitlines()
    assert "تقرير فني عن طلب صيانة" in lines
    for label, value in (("التشخيص الفني", "تلف القرص الصلب"), ("الإجراء التصحيحي",
                         "استبدال القرص"), ("قطع الغيار المستخدمة", "قرص صلب 500GB"),
                         ("الكلفة (دينار)", "25.500"), ("الكلفة (دينار)", "40.000")):
        assert any(lines[i] == label and lines[i + 1] == value for i in range(len(lines) - 1))
    assert "1. حاسوب مكتبي — SN-0001" in lines and "2. طابعة ليزرية — PR-7" in lines
    assert "مجموع الكلفة: 65.500 دينار" in lines
    assert "أحمد سالم" in lines and "منى خالد" in lines  # each technician signs
    with backend_ledger(root / "data" / "ledger.sqlite") as ledger:
        kinds = [r[0] for r in ledger.conn.execute("SELECT kind FROM documents")]
    assert kinds.count(DOCUMENT_KIND) == 1
    run_batch(Department.at(root), clock=clock("2026-03-11 09:00"))
    assert len(_reports(root)) == 1  # never written again


def test_report_technical_on_demand_by_id_and_by_file(accepted: tuple[Path, Path]) -> None:
    root, kept = accepted
    with backend_ledger(Department.at(root).ledger_path) as ledger:
        [(sub_id,)] = ledger.conn.execute("SELECT id FROM submissions").fetchall()
    by_id = CliRunner().invoke(main, ["report", "technical", "--root", str(root), str(sub_id)])
    assert by_id.exit_code == 0, by_id.output
    by_file = CliRunner().invoke(main, ["report", "technical", "--root", str(root), str(kept)])
    assert by_file.exit_code == 0, by_file.output
    path = Path(by_file.output.strip().splitlines()[-1])
    assert path.parent == root / "outbox" / "technical" and path.is_file()
    assert "مجموع الكلفة: 65.500 دينار" in all_text(path)
    assert len(_reports(root)) == 1  # made again in place; the earlier copy set aside


def test_report_technical_refuses_what_is_not_an_accepted_request(
    accepted: tuple[Path, Path], tmp_path: Path,
) -> None:
    root, _ = accepted
    dept = Department.at(root)
    other = tmp_path / "لم يصل.xlsx"
    filled_workbook(dept, "QF75-11", _header(school_names(dept)[1]), ROWS[:1]).save(other)
    for request, said in ((str(other), "لم يُقبل بعد"), ("99", "لا يوجد نموذج وارد برقم 99")):
        result = CliRunner().invoke(main, ["report", "technical", "--root", str(root), request])
        assert result.exit_code != 0 and said in result.output, result.output
