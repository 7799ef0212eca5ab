"""Issue 24, point 6: the PLAN register shows a school year's plan until its year has
ended, then the previous year's plan on a sheet of its own («خطة العام السابق»), and a
year later not at all. Registers written with a fake clock on each day asked.

Hand counts: plan 2025/2026, one line in its second quarter (Dec–Feb) «عدد الإجراءات
التصحيحية المنفذة», target 4; repairs done 10/12/2025, 15/1/2026, 20/2/2026 and 5/3/2026:
three inside Dec–Feb, so achieved 3 = 75.0 %. Plan 2026/2027, one «طوال العام» line,
target 10; the one repair of 2026/2027 done 1/10/2026: achieved 1 = 10.0 %.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import openpyxl
import pytest
from ledger_factory import add_submission, backend_ledger

from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.processes.plan import PREVIOUS_YEAR
from automation.registers.builder import register_path, write_registers
from automation.registers.sheets import SUMMARY

pytestmark = pytest.mark.usefixtures("ledger_backend")  # on SQLite and on PostgreSQL

D = dt.date
A = "مدرسة الأمل"
INDICATOR = "عدد الإجراءات التصحيحية المنفذة"
PROCESS_AR = "الإشراف الفني على صيانة الأجهزة والشبكات الداخلية"
CURRENT = "الخطة السنوية: المستهدف والمنجز"
HEADERS = ["العملية", "الهدف", "النشاط", "مؤشر الأداء", "السنة", "الربع", "المستهدف",
           "المنجز", "نسبة الإنجاز (%)", "المسؤول", "ملاحظة"]


def _repair(done: D, n: int) -> tuple[dict[str, object], list[dict[str, object]]]:
    return ({"school": A, "request_date": done, "channel": "هاتف", "reference": str(n)},
            [{"device_type": "حاسوب", "location": "مختبر حاسوب", "fault": "عطل",
              "status": "تم الإصلاح", "done_date": done, "cost_jod": "1", "action": "إصلاح"}])


def _line(quarter: str, target: int) -> dict[str, object]:
    return {"process": PROCESS_AR, "goal": "g", "activity": "صيانة", "indicator": INDICATOR,
            "target": target, "quarter": quarter, "responsible": "ر"}


@pytest.fixture()
def dept(tmp_path: Path) -> Department:
    dept = Department(tmp_path / "dept")
    dept.ensure()
    with backend_ledger(dept.ledger_path) as ledger:
        for n, done in enumerate((D(2025, 12, 10), D(2026, 1, 15), D(2026, 2, 20),
                                  D(2026, 3, 5), D(2026, 10, 1))):
            header, rows = _repair(done, n)
            add_submission(ledger, "QF75-11", header, rows, received_at=done)
        add_submission(ledger, "QF12-1", {"year": "2025/2026"}, [_line("الثاني", 4)],
                       received_at=D(2025, 9, 10))
        add_submission(ledger, "QF12-1", {"year": "2026/2027"}, [_line("طوال العام", 10)],
                       received_at=D(2026, 8, 20))  # next year's plan, made early
    return dept


def _plan_register(dept: Department, day: D, executor: object = None) -> openpyxl.Workbook:
    with backend_ledger(dept.ledger_path) as ledger:
        (outcome,) = write_registers(dept, ledger, ["PLAN"], clock=FakeClock(
            dt.datetime.combine(day, dt.time(10))), executor=executor)  # type: ignore[arg-type]
    assert outcome.status == "written"
    return openpyxl.load_workbook(register_path(dept, "PLAN"))


def _current_years(book: openpyxl.Workbook) -> list[str]:
    """The «السنة» of each line of the summary's current plan table."""
    cells = [[c.value for c in row] for row in book[SUMMARY].iter_rows()]
    start = next(i for i, row in enumerate(cells) if row[0] == CURRENT)
    assert cells[start + 1][:len(HEADERS)] == HEADERS
    years = []
    for row in cells[start + 2:]:
        if not any(v is not None for v in row) or row[0] == CURRENT:
            break
        years.append(row[4])
    return years


def _previous(book: openpyxl.Workbook) -> list[list[object]]:
    rows = [[c.value for c in row] for row in book[PREVIOUS_YEAR].iter_rows()]
    assert rows[0] == HEADERS
    return rows[1:]


def test_a_school_years_plan_moves_to_its_own_sheet_when_its_year_ends(
    dept: Department,
) -> None:
    on_31_august = _plan_register(dept, D(2026, 8, 31))  # the school year's last day
    assert PREVIOUS_YEAR not in on_31_august.sheetnames
    assert _current_years(on_31_august) == ["2025/2026", "2026/2027"]
    text = " ".join(str(c.value) for row in on_31_august[SUMMARY].iter_rows() for c in row)
    assert "خطة العام السابق" not in text  # no longer a table of the summary

    on_1_september = _plan_register(dept, D(2026, 9, 1))
    assert on_1_september.sheetnames[-1] == PREVIOUS_YEAR  # after the form sheet
    assert _current_years(on_1_september) == ["2026/2027"]
    (line,) = _previous(on_1_september)
    assert line[3:6] == [INDICATOR, "2025/2026", "الثاني"]
    assert line[6:9] == [4, 3, 75]  # target 4; 10/12, 15/1, 20/2 (not 5/3); 3 of 4
    assert on_1_september[PREVIOUS_YEAR]["H2"].data_type == "n"  # typed numbers


def test_the_previous_years_plan_is_gone_a_year_later(dept: Department) -> None:
    # 1/9/2027: 2026/2027 has just ended; it, not 2025/2026 (ended a year and a day ago)
    on_1_september = _plan_register(dept, D(2027, 9, 1))
    (line,) = _previous(on_1_september)
    assert line[4:9] == ["2026/2027", "طوال العام", 10, 1, 10]  # the repair of 1/10/2026
    assert _current_years(on_1_september) == []
    later = _plan_register(dept, D(2028, 9, 15))  # both plans ended over a year ago
    assert PREVIOUS_YEAR not in later.sheetnames
    assert _current_years(later) == []


def test_the_worker_writes_the_same_previous_year_sheet(dept: Department) -> None:
    """A batch's worker processes write the register's sheets: the same sheet, same day."""
    alone = _previous(_plan_register(dept, D(2026, 9, 1)))
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        together = _previous(_plan_register(dept, D(2026, 9, 1), pool))
    assert together == alone and len(alone) == 1
