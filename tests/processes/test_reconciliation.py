"""One demo year, every process and every quarter: the registers, the PLAN register, the
quarterly reports, ``eti figures`` and the ledger read the same numbers.

The demo year (``eti demo``, seed 7, 12 schools) is made once; then for P1–P10 and each
quarter of 2026 and the year:
- ``eti figures --json`` is the library's own result (``compute_figures``);
- each register's «أرقام رئيسية» table shows, quarter by quarter, those numbers;
- the PLAN register's indicator table shows the indicators, quarter by quarter;
- each quarterly report prints, process by process, the same figures;
- the ledger, queried directly in SQL, gives the same counts for the simple flows;
- every flow figure's four quarters add up to the year.
"""

from __future__ import annotations

import json
import os
import sqlite3
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from ledger_factory import backend_ledger

from automation.catalog.forms import CATALOG
from automation.cli import main
from automation.core.periods import Calendar, Period, parse_period
from automation.demo.run import run_demo
from automation.processes import INDICATORS as COMPUTED
from automation.processes import FigureSet, compute_figures
from automation.processes.figures import ADDITIVE
from automation.registers.builder import register_path
from automation.registers.sheets import SUMMARY
from tests.documents.test_documents_helpers import tables

YEAR = 2026
CAL = Calendar()
PERIODS = [f"{YEAR}-Q{n}" for n in (1, 2, 3, 4)] + [str(YEAR)]
PROCESSES = [p.code for p in CATALOG.processes if p.code != "PLAN"]


@pytest.fixture(scope="module")
def dept(module_ledger: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reconcile") / "dept"
    summary = run_demo(root, schools=12, seed=7)
    assert not summary.failures
    return root


@pytest.fixture(scope="module")
def figures(dept: Path) -> dict[str, FigureSet]:
    from automation.catalog.reference import load_references
    from automation.core.department import Department

    refs = load_references(Department.at(dept))
    with backend_ledger(dept / "data" / "ledger.sqlite") as ledger:
        return {text: compute_figures(ledger, parse_period(text, CAL), refs, CAL)
                for text in PERIODS}


def _summary_table(path: Path, title_start: str) -> dict[str, list[object]]:
    """The rows of the summary sheet's table whose title starts with ``title_start``:
    label → the values of its five period columns."""
    ws = openpyxl.load_workbook(path, read_only=True)[SUMMARY]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if str(r[0] or "").startswith(title_start))
    out: dict[str, list[object]] = {}
    for row in rows[start + 2:]:
        if row[0] is None:
            break
        out[str(row[0])] = row[1:6]
    return out


def _same(cell: object, value: object) -> bool:
    """A register cell shows a figure's value: a number, or «—» where there is none."""
    if value is None:
        return cell == "—"
    if isinstance(cell, str):
        return False
    return Decimal(str(cell)).quantize(Decimal("0.001")) == Decimal(value).quantize(
        Decimal("0.001"))


def test_the_demo_year_has_something_in_every_process(figures: dict[str, FigureSet]) -> None:
    year = figures[str(YEAR)]
    for code in PROCESSES:
        assert any(f.value for f in year.figures(code)), code


def test_eti_figures_json_is_the_library_result(dept: Path,
                                                 figures: dict[str, FigureSet]) -> None:
    for text in PERIODS:
        result = CliRunner().invoke(main, ["figures", "--root", str(dept), "--period", text,
                                           "--json"])
        assert result.exit_code == 0, result.output
        printed = json.loads(result.output)
        assert printed == json.loads(json.dumps(figures[text].to_json()))
        # the plan's dropdown, and the indicator a line may type (issue 25): all computed
        assert set(printed["indicators"]) == set(COMPUTED) >= {n for n, _ in CATALOG.indicators}


def test_registers_show_the_figures_of_every_quarter(dept: Path,
                                                     figures: dict[str, FigureSet]) -> None:
    from automation.core.department import Department

    for code in PROCESSES:
        shown = _summary_table(register_path(Department.at(dept), code), "أرقام رئيسية")
        expected = figures[PERIODS[0]].figures(code)
        assert list(shown) == [f.label for f in expected], code
        for column, text in enumerate(PERIODS):
            for figure in figures[text].figures(code):
                cell = shown[figure.label][column]
                if figure.kind == "days":
                    assert cell == figure.text, (code, text, figure.label)
                else:
                    assert _same(cell, figure.value), (code, text, figure.label, cell, figure)


def test_the_plan_register_shows_every_indicator_of_every_quarter(
        dept: Path, figures: dict[str, FigureSet]) -> None:
    from automation.core.department import Department

    shown = _summary_table(register_path(Department.at(dept), "PLAN"), "المؤشرات")
    assert list(shown) == list(COMPUTED)  # the dropdown's, then the typed one (issue 25)
    for column, text in enumerate(PERIODS):
        for name, value in figures[text].indicators.items():
            assert _same(shown[name][column], value), (text, name, shown[name][column], value)


def test_quarterly_reports_print_the_same_figures(dept: Path,
                                                  figures: dict[str, FigureSet]) -> None:
    for n in (1, 2, 3, 4):
        text = f"{YEAR}-Q{n}"
        report = dept / "outbox" / "reports" / f"تقرير-ربعي-{text}.docx"
        printed = [t for t in tables(report) if t and t[0] == ["البيان", "القيمة"]]
        assert len(printed) == len(PROCESSES)
        for code, table in zip(PROCESSES, printed, strict=True):
            assert table[1:] == [[f.label, f.text] for f in figures[text].figures(code)], (
                code, text)


def test_flow_figures_of_the_quarters_add_up_to_the_year(
        figures: dict[str, FigureSet]) -> None:
    year = figures[str(YEAR)]
    for code in PROCESSES:
        for index, total in enumerate(year.figures(code)):
            if total.kind not in ADDITIVE:
                continue
            parts = [figures[text].figures(code)[index].value for text in PERIODS[:4]]
            assert sum(parts) == total.value, (code, total.label, parts, total.value)  # type: ignore[arg-type]


_LEDGER_COUNTS: list[tuple[str, str, str, str]] = [
    # process, figure label, form, SQL condition on its current rows (json field d)
    ("P1", "الأجهزة التي تم إصلاحها", "QF75-11",
     "d->>'status' = 'تم الإصلاح' AND COALESCE(d->>'done_date', d->>'request_date') "
     "BETWEEN :start AND :end"),
    ("P2", "الطلبات المنفذة", "HD-EXPORT",
     "d->>'status' = 'منفذ' AND d->>'closed' BETWEEN :start AND :end"),
    ("P3", "الأعطال المعالجة", "FO-FAULTS",
     "d->>'status' = 'تمت المعالجة' AND d->>'resolved' BETWEEN :start AND :end"),
    ("P6", "المشكلات المحلولة", "EMIS-ISSUES",
     "d->>'status' = 'محلولة' AND d->>'resolved_on' BETWEEN :start AND :end"),
    ("P10", "التقارير الشهرية للمكتبات", "QF70-2-3", "d->>'month' BETWEEN :start AND :end"),
    ("P10", "إعارات الأشرطة والوسائل", "QF70-2-8", "d->>'loan_date' BETWEEN :start AND :end"),
]


def _ledger_count(dept: Path, form: str, condition: str, period: Period) -> int:
    url = os.environ.get("ETI_LEDGER_URL")
    if url:  # the same count in PostgreSQL's SQL, straight on its database
        return _postgres_count(url, form, condition, period)
    conn = sqlite3.connect(dept / "data" / "ledger.sqlite")
    try:
        sql = (f"SELECT COUNT(*) FROM (SELECT json(data) AS d FROM rows WHERE form = :form "
               f"AND current = 1 AND archived_at IS NULL) WHERE {condition}")
        params = {"form": form, "start": period.start.isoformat(), "end": period.end.isoformat()}
        return int(conn.execute(sql, params).fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize(("code", "label", "form", "condition"), _LEDGER_COUNTS)
def test_the_ledger_counts_the_same(dept: Path, figures: dict[str, FigureSet], code: str,
                                    label: str, form: str, condition: str) -> None:
    for text in PERIODS:
        counted = _ledger_count(dept, form, condition, figures[text].period)
        assert figures[text].value(code, label) == counted, (code, label, text)


def _postgres_count(url: str, form: str, condition: str, period: Period) -> int:
    import psycopg

    sql = ("SELECT COUNT(*) FROM (SELECT data::json AS d FROM rows WHERE form = %(form)s "
           "AND current = 1 AND archived_at IS NULL) AS live WHERE "
           + condition.replace(":start", "%(start)s").replace(":end", "%(end)s"))
    params = {"form": form, "start": period.start.isoformat(), "end": period.end.isoformat()}
    with psycopg.connect(url) as conn:
        return int(conn.execute(sql, params).fetchone()[0])  # type: ignore[index]
