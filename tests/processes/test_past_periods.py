"""Issue 24: a past period's figures stay true. School-year budgets in calendar periods,
stocks read as they stood at the period's end, labels that cannot be confused.

Every expected number is counted by hand from the rows written here; the comment beside
each assertion says which rows count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_factory import add_submission, backend_ledger

from automation.catalog.reference import BudgetLine, References
from automation.core.periods import Calendar, parse_period
from automation.ledger.store import Ledger
from automation.processes import figures_of
from automation.processes.figures import RowSource

D = dt.date
A = "مدرسة الأمل"
CAL = Calendar()
NO_BUDGET = "غير محددة في ملف الموازنة"


@pytest.fixture()
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with backend_ledger(tmp_path / "ledger.sqlite") as led:
        yield led


def texts(src: Ledger | RowSource, code: str, period: str,
          references: object = None) -> dict[str, str]:
    return {f.label: f.text
            for f in figures_of(src, code, parse_period(period, CAL), references)}


def _repair(done: D, cost: str) -> dict[str, object]:
    return {"device_type": "حاسوب", "location": "مختبر حاسوب", "fault": "عطل",
            "status": "تم الإصلاح", "done_date": done, "cost_jod": cost, "action": "إصلاح"}


# -- 1, 3: a school year's budget --------------------------------------------------------------


def test_school_year_budget_serves_every_calendar_period_inside_it(ledger: Ledger) -> None:
    """Budget «2025/2026 | صيانة وقطع غيار | 500»; 100 JOD spent on 1/2/2026 and 60 on
    2/7/2026 (the issue's scenario), one device still «قيد المعالجة»."""
    add_submission(ledger, "QF75-11", {"school": A, "request_date": D(2026, 2, 1),
                                       "channel": "هاتف", "reference": "1"},
                   [_repair(D(2026, 2, 1), "100"),
                    {"device_type": "حاسوب", "location": "مختبر حاسوب", "fault": "عطل",
                     "status": "قيد المعالجة"}], received_at=D(2026, 2, 2))
    add_submission(ledger, "QF75-11", {"school": A, "request_date": D(2026, 7, 1),
                                       "channel": "هاتف", "reference": "2"},
                   [_repair(D(2026, 7, 2), "60")], received_at=D(2026, 7, 3))
    refs = References(budget=[BudgetLine("2025/2026", "صيانة وقطع غيار", Decimal("500"))])
    src = RowSource(ledger)
    periods = ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026", "2025/2026"]
    # the same figures, in the same order, for every period (no IndexError in a register)
    for code in ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "OFFICE"):
        labels = {tuple(f.label for f in figures_of(src, code, parse_period(p, CAL), refs))
                  for p in periods}
        assert len(labels) == 1, code
    spent = {p: texts(src, "P1", p, refs)["المصروف منذ بداية السنة (دينار)"] for p in periods}
    # spend against the 2025/2026 line from 1/9/2025 to the period's end (or 31/8/2026)
    assert spent == {"2025-Q4": "0.000", "2026-Q1": "100.000", "2026-Q2": "100.000",
                     "2026-Q3": "160.000",  # 100 + 60 (2/7/2026, inside the school year)
                     "2026-Q4": NO_BUDGET,  # Oct–Dec 2026: no line covers it
                     "2026": "160.000", "2025/2026": "160.000"}
    q3 = texts(src, "P1", "2026-Q3", refs)
    assert q3["موازنة الصيانة وقطع الغيار للسنة (دينار)"] == "500.000"
    assert q3["المتبقي من الموازنة (دينار)"] == "340.000"  # 500 - 160
    assert q3["نسبة الصرف من الموازنة"] == "32.0%"  # 160 / 500
    assert texts(src, "P1", "2026-Q4", refs)["نسبة الصرف من الموازنة"] == NO_BUDGET
    # a calendar line and a school-year line both covering a period: the one holding its end
    both = References(budget=[BudgetLine("2025/2026", "صيانة", Decimal("500")),
                              BudgetLine("2026", "قطع غيار", Decimal("1000"))])
    assert texts(ledger, "P1", "2026-Q3", both)[
        "موازنة الصيانة وقطع الغيار للسنة (دينار)"] == "1,000.000"  # 30/9 is in 2026 only
    assert texts(ledger, "P1", "2025-Q4", both)[
        "موازنة الصيانة وقطع الغيار للسنة (دينار)"] == "500.000"


# -- 2: stocks as they stood at the period's end -----------------------------------------------


def _initiative(name: str, school: str, start: D, status: str,
                participants: int) -> dict[str, object]:
    return {"initiative": name, "school": school, "start_date": start, "status": status,
            "participants": participants}


B = "مدرسة النور"
ACTIVE, STOPPED, ENDED = "فعالة", "متوقفة", "منتهية"


def _register(ledger: Ledger, received: D, rows: list[dict[str, object]]) -> None:
    """A copy of the one initiatives register (the same workbook: it supersedes the last)."""
    add_submission(ledger, "INITIATIVES", {}, rows, received_at=received, identity="wb:init")


def _p8(ledger: Ledger, period: str) -> tuple[str, str, str, str]:
    t = texts(RowSource(ledger), "P8", period)
    return (t["المبادرات الفعالة"], t["المبادرات المتوقفة"], t["المبادرات المنتهية"],
            t["المشاركون في المبادرات الفعالة"])


def test_initiatives_as_the_register_stood_at_each_periods_end(ledger: Ledger) -> None:
    """One register sent three times over the school year 2025/2026 (resubmitted twice);
    «برمجة» changes status twice (فعالة → متوقفة → منتهية); «روبوت» and «مكتبة رقمية»
    are dated inside a quarter whose end passed before any copy showed them."""
    x = ("برمجة", A, D(2025, 9, 15))
    y = ("مسرح", B, D(2025, 10, 1))
    z = ("روبوت", A, D(2025, 12, 20))  # first shown by the copy of 10/1/2026
    w = ("مكتبة رقمية", B, D(2026, 3, 1))  # first shown by the copy of 5/4/2026
    _register(ledger, D(2025, 10, 5), [_initiative(*x, ACTIVE, 10), _initiative(*y, ACTIVE, 20)])
    _register(ledger, D(2026, 1, 10), [_initiative(*x, STOPPED, 10), _initiative(*y, ACTIVE, 20),
                                       _initiative(*z, ACTIVE, 30)])
    _register(ledger, D(2026, 4, 5), [_initiative(*x, ENDED, 10), _initiative(*y, ACTIVE, 20),
                                      _initiative(*z, ACTIVE, 30), _initiative(*w, ACTIVE, 40)])
    # 30/9/2025: no copy yet; the first copy shows «برمجة» (started 15/9) active: 1, 10
    # (the register as it stands today would say «منتهية»)
    assert _p8(ledger, "2025-Q3") == ("1", "0", "0", "10")
    # 31/12/2025: the copy of 5/10 (برمجة, مسرح active) and «روبوت», dated 20/12, shown
    # late by the copy of 10/1: 3 active, 10 + 20 + 30 participants
    assert _p8(ledger, "2025-Q4") == ("3", "0", "0", "60")
    # 31/3/2026: the copy of 10/1 (برمجة stopped; مسرح, روبوت active) and «مكتبة رقمية»,
    # dated 1/3, shown late by the copy of 5/4: 3 active (20 + 30 + 40), 1 stopped
    assert _p8(ledger, "2026-Q1") == ("3", "1", "0", "90")
    # 30/6/2026 and the school year's end: the copy of 5/4: 3 active, «برمجة» ended
    assert _p8(ledger, "2026-Q2") == ("3", "0", "1", "90")
    assert _p8(ledger, "2025/2026") == ("3", "0", "1", "90")
    # a copy sent after the year changes nothing already past: «مسرح» stopped in September
    _register(ledger, D(2026, 9, 10), [_initiative(*x, ENDED, 10), _initiative(*y, STOPPED, 20),
                                       _initiative(*z, ACTIVE, 30), _initiative(*w, ACTIVE, 40)])
    assert _p8(ledger, "2026-Q1") == ("3", "1", "0", "90")
    assert _p8(ledger, "2025/2026") == ("3", "0", "1", "90")
    assert _p8(ledger, "2026-Q3") == ("2", "1", "1", "70")  # 30/9: روبوت, مكتبة رقمية


def _site(code: str, connected: bool, on: D | None) -> dict[str, object]:
    return {"site_code": code, "site_name": f"موقع {code}", "site_type": "مدرسة",
            "connected": connected, "connected_on": on}


def test_fibre_sites_as_the_list_stood_and_every_listed_site_counted(ledger: Ledger) -> None:
    """FO-SITES sent on 4/1/2026 (S1 connected 1/6/2025, S2 not, S3 connected undated) and
    again on 15/6/2026 (S2 connected 10/5/2026; S4 added, not connected; S5 added,
    connected 20/3/2026: a site dated inside Q1 that no copy showed by 31/3)."""
    add_submission(ledger, "FO-SITES", {}, [_site("S1", True, D(2025, 6, 1)),
                                            _site("S2", False, None), _site("S3", True, None)],
                   received_at=D(2026, 1, 4))
    add_submission(ledger, "FO-SITES", {}, [
        _site("S1", True, D(2025, 6, 1)), _site("S2", True, D(2026, 5, 10)),
        _site("S3", True, None), _site("S4", False, None), _site("S5", True, D(2026, 3, 20))],
        received_at=D(2026, 6, 15))
    connected, total = "المواقع الموصولة بالألياف", "إجمالي مواقع المشروع"

    def p3(period: str) -> tuple[str, str]:
        t = texts(RowSource(ledger), "P3", period)
        return t[connected], t[total]

    # 31/12/2025, before any copy: the list as first sent (S1, S2, S3; S5 is dated
    # 20/3/2026, S4 undated). Connected by then: S1 (1/6/2025) and S3 (undated) = 2 of 3
    assert p3("2025-Q4") == ("2", "3")
    # 31/3/2026: the copy of 4/1 (S1, S2, S3) and S5 (connected 20/3, shown late): S4 was
    # added on 15/6 with no date, so not yet. Connected S1, S3, S5 = 3 of 4
    assert p3("2026-Q1") == ("3", "4")
    # 30/6/2026: the copy of 15/6, every listed site whatever its connection date: 5;
    # connected S1, S2 (10/5), S3, S5 = 4
    assert p3("2026-Q2") == ("4", "5")


def test_rooms_and_services_as_their_lists_stood(ledger: Ledger) -> None:
    """MP-ROOMS of A for 2025/2026 sent on 5/10/2025 (R1 available, 2 periods a week; R2
    available, unused) and again on 10/2/2026 (R1 no longer available). E-SERVICES sent on
    1/10/2025 (S1 activated 20/9/2025, S2 not) and on 1/3/2026 (S2 activated 15/2/2026,
    S3 added, not activated)."""
    def rooms(received: D, r1: bool) -> None:
        add_submission(ledger, "MP-ROOMS", {"school": A, "year": "2025/2026"}, [
            {"room": "R1", "available": r1, "condition": "جيدة", "uses_per_week": 2},
            {"room": "R2", "available": True, "condition": "جيدة", "uses_per_week": 0}],
            received_at=received)

    def services(received: D, rows: list[tuple[str, bool, D | None]]) -> None:
        add_submission(ledger, "E-SERVICES", {}, [
            {"page": A, "service": name, "activated": on, "activated_on": day}
            for name, on, day in rows], received_at=received, identity="wb:services")

    rooms(D(2025, 10, 5), True)
    rooms(D(2026, 2, 10), False)
    services(D(2025, 10, 1), [("S1", True, D(2025, 9, 20)), ("S2", False, None)])
    services(D(2026, 3, 1), [("S1", True, D(2025, 9, 20)), ("S2", True, D(2026, 2, 15)),
                             ("S3", False, None)])

    def p10(period: str) -> tuple[str, str]:
        t = texts(RowSource(ledger), "P10", period)
        return t["الغرف متعددة الأغراض المتوفرة"], t["الغرف متعددة الأغراض المستخدمة"]

    def p9(period: str) -> tuple[str, str]:
        t = texts(RowSource(ledger), "P9", period)
        return t["الخدمات الإلكترونية المدرجة"], t["الخدمات الإلكترونية المفعلة"]

    # 31/12/2025: the list of 5/10: R1 and R2 available, R1 in use
    assert p10("2025-Q4") == ("2", "1")
    # 31/3/2026: the list of 10/2: R2 only available, nothing in use (today's list alike)
    assert p10("2026-Q1") == ("1", "0")
    # 31/12/2025: the list of 1/10: S1, S2 listed, S1 activated (20/9)
    assert p9("2025-Q4") == ("2", "1")
    # 31/3/2026: the list of 1/3: S1, S2 (15/2), S3 listed; S1 and S2 activated
    assert p9("2026-Q1") == ("3", "2")


def test_p9_mean_takes_each_pages_latest_review(ledger: Ledger) -> None:
    """Page P reviewed twice in Q1 (1 of 2 criteria met on 10/1, then 2 of 2 on 20/3),
    page Q once (3 of 3 on 15/2): the mean is over the pages, each by its latest review:
    (100 + 100) / 2 = 100.0 %, where the reviews would give (50 + 100 + 100) / 3 = 83.3 %.
    The review count stays 3."""
    def review(page: str, day: D, met: list[bool]) -> None:
        add_submission(ledger, "WEB-REVIEW", {"page": page, "review_date": day},
                       [{"criterion": f"c{i}", "met": m} for i, m in enumerate(met)],
                       received_at=day)

    review("صفحة المديرية", D(2026, 1, 10), [True, False])
    review("صفحة المديرية", D(2026, 3, 20), [True, True])
    review(A, D(2026, 2, 15), [True, True, True])
    t = texts(ledger, "P9", "2026-Q1")
    assert t["متوسط نسبة تحقق المعايير"] == "100.0%"
    assert t["المراجعات"] == "3"
    assert t["الصفحات التي تمت مراجعتها"] == "2"


# -- 1: the reproduction, through the commands -------------------------------------------


def _budget_department(tmp_path: Path) -> Path:
    """`eti init`; budget «2025/2026 | صيانة وقطع غيار | 500»; one QF75-11 dated 1/2/2026
    with one device «قيد المعالجة», waiting in the inbox."""
    from department_factory import drop, make_department, school_names

    from automation.catalog.forms import CATALOG
    from automation.catalog.reference_books import write_reference_rows

    dept = make_department(tmp_path / "dept")
    ref = CATALOG.reference("budget")
    write_reference_rows(dept.reference_file(ref.file), ref, [
        {"year": "2025/2026", "item": "صيانة وقطع غيار", "amount_jod": 500}])
    drop(dept, "صيانة.xlsx", "QF75-11", {"school": school_names(dept)[0],
                                         "request_date": "1/2/2026", "channel": "هاتف"},
         [{"device_type": "حاسوب مكتبي", "location": "مختبر حاسوب", "fault": "لا يعمل",
           "status": "قيد المعالجة"}])
    return dept.root


def test_a_school_year_budget_stops_no_register(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from automation.cli import main

    root = _budget_department(tmp_path)
    done = CliRunner().invoke(main, ["process", "--root", str(root), "--json"])
    assert done.exit_code == 0, done.output
    from automation.core.department import Department
    from automation.registers.builder import register_path

    assert register_path(Department.at(root), "P1").exists()


def test_a_decision_command_never_reports_failure_after_it_has_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    """The registers fail after the draft is saved: the command prints what it saved and
    warns that the next batch (`eti process`) writes the registers."""
    from click.testing import CliRunner

    from automation.cli import main
    from automation.registers import builder
    from tests.documents.test_documents_decision import fill
    from tests.documents.test_documents_helpers import AMAL, department, open_ledger

    dept = department(tmp_path)
    with open_ledger(dept) as led:
        fill(led)

    def broken(*args: object, **kwargs: object) -> object:
        raise IndexError("a register that cannot be written")

    monkeypatch.setattr(builder, "write_registers", broken)
    made = CliRunner().invoke(main, ["decision", "disposal", "--root", str(dept.root),
                                     "--source", AMAL])
    assert made.exit_code == 0, made.output
    assert made.output.startswith("draft decision ")  # what it saved
    assert any("eti process" in r.getMessage() and "لم تُكتب السجلات" in r.getMessage()
               for r in caplog.records)
    with open_ledger(dept) as led:
        assert "P5" in led.dirty_processes()  # kept for the next batch


# -- 6, 9: a school year's plan in the calendar quarters, and in the PLAN register ---------------


def _school_year_plan(ledger: Ledger) -> None:
    """Plan 2025/2026, one line in its second quarter (Dec–Feb): «عدد الإجراءات التصحيحية
    المنفذة», target 4, 9 typed by hand (set aside: computed). Repairs done 10/12/2025,
    15/1/2026, 20/2/2026 and 5/3/2026."""
    for n, done in enumerate((D(2025, 12, 10), D(2026, 1, 15), D(2026, 2, 20), D(2026, 3, 5))):
        add_submission(ledger, "QF75-11", {"school": A, "request_date": done,
                                           "channel": "هاتف", "reference": str(n)},
                       [_repair(done, "1")], received_at=done)
    add_submission(ledger, "QF12-1", {"year": "2025/2026"}, [{
        "process": "الإشراف الفني على صيانة الأجهزة والشبكات الداخلية", "goal": "g",
        "activity": "صيانة", "indicator": "عدد الإجراءات التصحيحية المنفذة", "target": 4,
        "quarter": "الثاني", "responsible": "ر", "manual_achieved": 9}],
        received_at=D(2025, 9, 10))


def test_a_school_quarter_line_in_every_calendar_quarter_it_overlaps(ledger: Ledger) -> None:
    from automation.processes import compute_figures

    _school_year_plan(ledger)

    def line(period: str) -> tuple[object, ...]:
        found = compute_figures(ledger, parse_period(period, CAL), None, CAL).plan
        return tuple((ln.achieved, str(ln.pct), ln.achieved_text) for ln in found)

    # 2025-Q4 (Oct–Dec): measured 1/12–31/12/2025: the repair of 10/12 = 1 of 4
    assert line("2025-Q4") == ((1, "25.0", "1 (المكتوب يدوياً 9 لم يُستخدم)"),)
    # 2026-Q1 (Jan–Mar): the line's whole span Dec–Feb: 10/12, 15/1, 20/2 = 3 (not 5/3)
    assert line("2026-Q1") == ((3, "75.0", "3 (المكتوب يدوياً 9 لم يُستخدم)"),)
    assert line("2025/2026")[0][0] == 3  # inside the school year: its span
    assert line("2025-Q3") == () and line("2026-Q2") == ()  # no overlap


def test_the_plan_register_keeps_a_school_years_plan_until_its_year_ends(
    ledger: Ledger,
) -> None:
    from automation.processes.definition import SummaryContext
    from automation.processes.plan import PREVIOUS_YEAR, previous_year, summary

    _school_year_plan(ledger)

    def tables(today: D) -> dict[str, list[list[object]]]:
        """The summary's tables, and the previous year's sheet (tests/processes/
        test_plan_previous_year.py writes the register) as if one more."""
        ctx = SummaryContext(RowSource(ledger), {}, today, None, CAL)
        sheet = [list(r.values()) for r in previous_year(ctx)]
        return {b.title: b.rows for b in summary(ctx)} | ({previous: sheet} if sheet else {})

    current, previous = "الخطة السنوية: المستهدف والمنجز", PREVIOUS_YEAR
    on_31_august = tables(D(2026, 8, 31))
    (row,) = on_31_august[current]
    assert row[4:6] == ["2025/2026", "الثاني"] and row[6] in (4, (4, "int"))  # target
    assert row[7] == (3, "int")  # achieved: 10/12, 15/1, 20/2
    assert "(9)" in row[-1] and "المنجز المحسوب: 3" in row[-1]  # the warning beside it
    assert previous not in on_31_august
    on_15_september = tables(D(2026, 9, 15))  # the school year is over: a sheet of its own
    assert on_15_september[current] == []
    assert [r[4] for r in on_15_september[previous]] == ["2025/2026"]
    assert previous not in tables(D(2027, 10, 1))  # a year later it is gone
