"""``eti report staff --period 2026``: the one spelling of a period; the old --year still
works; ``--json`` lists the documents written."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from automation.catalog.reference import load_references
from automation.cli.main import main
from tests.department_factory import make_department


def test_staff_report_takes_period_and_prints_json(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "قسم")
    name = load_references(dept).staff_names[0]
    base = ["report", "staff", "--root", str(dept.root), "--staff", name]
    result = CliRunner().invoke(main, [*base, "--period", "2026", "--json"])
    assert result.exit_code == 0, result.output
    (document,) = json.loads(result.output)["documents"]
    assert document["kind"] == "staff-report" and document["pdf"] is None
    assert document["path"].startswith("outbox/staff/2026/")
    assert (dept.root / document["path"]).is_file()

    old = CliRunner().invoke(main, [*base, "--year", "2026"])
    assert old.exit_code == 0, old.output
    assert old.output.strip().endswith(".docx")


def test_staff_report_refuses_a_period_that_is_not_a_year(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "قسم")
    base = ["report", "staff", "--root", str(dept.root)]
    quarter = CliRunner().invoke(main, [*base, "--period", "2026-Q1"])
    assert quarter.exit_code == 2 and "تقرير العاملين عن سنة كاملة" in quarter.output
    both = CliRunner().invoke(main, [*base, "--period", "2026", "--year", "2025"])
    assert both.exit_code == 2 and "different years" in both.output
    neither = CliRunner().invoke(main, base)
    assert neither.exit_code == 2 and "--period 2026" in neither.output
    wrong = CliRunner().invoke(main, [*base, "--period", "السنة الماضية"])
    assert wrong.exit_code == 2 and "2026-01-01..2026-03-31" in wrong.output
