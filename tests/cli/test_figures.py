"""``eti figures``: periods as staff write them, the department's calendar, plain and JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner
from department_factory import make_department
from ledger_factory import add_submission, backend_ledger

from automation.cli import main

AT = dt.datetime(2026, 7, 1, 9)


def _department(tmp_path: Path, toml: str = "") -> Path:
    dept = make_department(tmp_path / "dept")
    if toml:
        (dept.root / "eti.toml").write_text(toml, encoding="utf-8")
    school = "مدرسة الأمل"
    with backend_ledger(dept.ledger_path) as ledger:
        # two Help Desk requests executed: 10 Feb (Q1) and 20 May (Q2)
        add_submission(ledger, "HD-EXPORT", {}, [
            {"ticket_no": "1", "school": school, "opened": dt.date(2026, 2, 1),
             "closed": dt.date(2026, 2, 10), "category": "شبكة", "status": "منفذ"},
            {"ticket_no": "2", "school": school, "opened": dt.date(2026, 5, 1),
             "closed": dt.date(2026, 5, 20), "category": "حماية", "status": "منفذ"},
        ], received_at=AT)
    return dept.root


def _json(root: Path, period: str) -> dict:
    result = CliRunner().invoke(main, ["figures", "--root", str(root), "--period", period,
                                       "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_quarters_follow_the_departments_calendar(tmp_path: Path) -> None:
    root = _department(tmp_path)
    q1 = _json(root, "2026-Q1")
    assert q1["period"] == {"start": "2026-01-01", "end": "2026-03-31"}
    assert q1["indicators"]["عدد طلبات الدعم الفني المنفذة"] == 1  # 10 Feb
    assert q1["indicators"]["متوسط نسبة تفعيل الوظائف"] is None  # nothing to average
    assert _json(root, "2026")["indicators"]["عدد طلبات الدعم الفني المنفذة"] == 2
    later = _department(tmp_path / "april", "[department]\nquarter_start_month = 4\n")
    q1 = _json(later, "2026-Q1")  # April to June: the request closed on 20 May
    assert q1["period"] == {"start": "2026-04-01", "end": "2026-06-30"}
    assert q1["indicators"]["عدد طلبات الدعم الفني المنفذة"] == 1
    school_year = _json(root, "2025/2026")
    assert school_year["period"] == {"start": "2025-09-01", "end": "2026-08-31"}
    assert school_year["processes"]["P2"][1] == {"label": "الطلبات المنفذة", "value": 2,
                                                 "key": "p2.executed"}


def test_plain_output_and_a_period_it_cannot_read(tmp_path: Path) -> None:
    root = _department(tmp_path)
    shown = CliRunner().invoke(main, ["figures", "--root", str(root), "--period", "2026-Q2"])
    assert shown.exit_code == 0, shown.output
    assert "الطلبات المنفذة: 1" in shown.output
    assert "متوسط نسبة تفعيل الوظائف: —" in shown.output
    bad = CliRunner().invoke(main, ["figures", "--root", str(root), "--period", "Q5 2026"])
    assert bad.exit_code == 2
    assert "2026-Q1" in bad.output and "2025/2026" in bad.output


def test_report_quarterly_follows_quarter_start_month(tmp_path: Path) -> None:
    from tests.documents.test_documents_helpers import all_text

    root = _department(tmp_path, "[department]\nquarter_start_month = 4\n")
    made = CliRunner().invoke(main, ["report", "quarterly", "--root", str(root), "--year",
                                     "2026", "--quarter", "1"])
    assert made.exit_code == 0, made.output
    text = all_text(Path(made.output.strip().splitlines()[-1]))
    assert "1/4/2026" in text and "30/6/2026" in text  # April to June, not January to March
    assert "الطلبات المنفذة\n1" in text  # the request closed on 20 May
