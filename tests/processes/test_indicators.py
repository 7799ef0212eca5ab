"""The QF12-1 indicators, plan lines and process figures on small hand-made ledgers.

Ported to the figures API of docs/FIGURES.md (``automation.processes``). Where the
rules of docs/FIGURES.md changed an expectation, the number was recounted by hand
from the scenario's rows; the comment beside the assertion says which rows count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_factory import add_decision, add_submission, backend_ledger

from automation.catalog.forms import INDICATORS
from automation.core.periods import Calendar, Period, date_range, parse_period, quarter
from automation.ledger.store import Ledger
from automation.processes import compute_figures, figures_of, indicator_value
from automation.processes.figures import RowSource
from automation.processes.p04_projects import fulfilment, receipts, shortages
from automation.processes.plan import PlanLine, plan_lines

D = dt.date
AT = dt.datetime(2026, 6, 1, 9)
A = "مدرسة الأمل"
B = "مدرسة النور"
Q1, Q2 = quarter(2026, 1), quarter(2026, 2)
CAL = Calendar()
NAMES = [name for name, _ in INDICATORS]
(
    CORRECTIVE,
    HELPDESK,
    SITES,
    FAULTS,
    PROVIDED,
    FULFILMENT,
    DISPOSED,
    SOLVED,
    ACTIVATION,
    INITIATIVES,
    PAGES,
    VISITS,
    FAIRS,
) = NAMES[:13]  # issue 25 adds its own after these
MEANS_AND_RATIOS = (FULFILMENT, ACTIVATION, PAGES)
"""The indicators that are a share in % (null over nothing); the rest are counts."""


@pytest.fixture()
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with backend_ledger(tmp_path / "ledger.sqlite") as led:
        yield led


def texts(ledger: Ledger | RowSource, code: str, period: Period,
          references: object = None) -> dict[str, str]:
    """A process's figures as they print, by label."""
    return {f.label: f.text for f in figures_of(ledger, code, period, references)}


def values(ledger: Ledger | RowSource, code: str, period: Period) -> dict[str, object]:
    """A process's figures' values, by label."""
    return {f.label: f.value for f in figures_of(ledger, code, period)}


def lines(ledger: Ledger, period: Period | None, calendar: Calendar = CAL) -> list[PlanLine]:
    """The plan lines covering ``period`` (docs/FIGURES.md, "The annual plan")."""
    return plan_lines(RowSource(ledger), period, calendar)


def repair(status: str, done: D | None, cost: str | None = None) -> dict:
    return {"device_type": "حاسوب", "location": "مختبر حاسوب", "fault": "عطل", "status": status,
            "done_date": done, "cost_jod": cost, "action": "إصلاح"}


def test_p1_corrective_actions_by_done_date(ledger: Ledger) -> None:
    head = {"school": A, "request_date": D(2026, 1, 15), "channel": "هاتف", "reference": "1"}
    add_submission(ledger, "QF75-11", head, [repair("تم الإصلاح", D(2026, 1, 20))] * 5,
                   received_at=AT)  # superseded by the next one
    add_submission(
        ledger, "QF75-11", head,
        [
            repair("تم الإصلاح", D(2026, 3, 31)),
            repair("غير قابل للإصلاح", D(2026, 4, 1)),
            repair("تم الإصلاح", None),  # no done date: counted at its request date
            repair("قيد المعالجة", None),
            repair("بانتظار قطع غيار", None),
        ],
        received_at=AT,
    )
    add_submission(ledger, "QF70-2-7",
                   {"school": A, "request_date": D(2026, 2, 1), "requested_by": "س"},
                   [{"device_type": "مجهر", "quantity": 3, "fault": "x", "priority": "عادي"}],
                   received_at=AT)
    # Q1: repaired 31/3 + repaired without done date (request 15/1); the superseded
    # five repairs of 20/1 and the QF70-2-7 request are not corrective actions
    assert indicator_value(ledger, CORRECTIVE, Q1) == 2
    # recounted (docs/FIGURES.md, P1): the only Q2 row is the device found unrepairable
    # on 1/4, which is a disposal candidate, never a corrective action: 0 (was 1)
    assert indicator_value(ledger, CORRECTIVE, Q2) == 0
    assert values(ledger, "P1", Q2)["الأجهزة غير القابلة للإصلاح"] == 1  # that device, 1/4
    assert values(ledger, "P1", Q1)["الأجهزة غير القابلة للإصلاح"] == 0
    assert indicator_value(ledger, CORRECTIVE, quarter(2026, 3)) == 0
    # a count is a whole number (int); only means, ratios and money are Decimal
    assert isinstance(indicator_value(ledger, CORRECTIVE, Q1), int)


def test_p2_helpdesk_executed_by_closing_date(ledger: Ledger) -> None:
    def ticket(no: str, status: str, closed: D | None) -> dict:
        return {"ticket_no": no, "school": A, "opened": D(2026, 1, 2), "closed": closed,
                "category": "شبكة", "status": status}

    add_submission(ledger, "HD-EXPORT", {}, [
        ticket("T1", "منفذ", D(2026, 3, 31)),
        ticket("T2", "منفذ", D(2026, 4, 1)),
        ticket("T3", "مفتوح", None),
        ticket("T4", "منفذ", D(2026, 2, 1)),
    ], received_at=AT)
    # a later export (its latest date 10/4, after the first's 1/4) updates T4 by its
    # ticket number: it was cancelled; T5, opened 10/4, is open
    add_submission(ledger, "HD-EXPORT", {}, [
        ticket("T4", "ملغى", None),
        {**ticket("T5", "مفتوح", None), "opened": D(2026, 4, 10)},
    ], received_at=AT)
    assert indicator_value(ledger, HELPDESK, Q1) == 1
    assert indicator_value(ledger, HELPDESK, Q2) == 1


def test_p3_sites_cumulative_and_faults_in_period(ledger: Ledger) -> None:
    def site(code: str, connected: bool, on: D | None) -> dict:
        return {"site_code": code, "site_name": code, "site_type": "مدرسة", "connected": connected,
                "connected_on": on}

    add_submission(ledger, "FO-SITES", {}, [
        site("S1", True, D(2026, 2, 1)),
        site("S2", True, D(2026, 5, 1)),
        site("S3", True, None),  # connected, date unknown: counted
        site("S4", False, None),
    ], received_at=AT)
    add_submission(ledger, "FO-FAULTS", {}, [
        {"site_code": "S1", "reported": D(2026, 3, 1), "fault": "قطع", "handled_by": "الشركة",
         "resolved": D(2026, 3, 2), "status": "تمت المعالجة"},
        {"site_code": "S1", "reported": D(2026, 3, 30), "fault": "قطع", "handled_by": "الشركة",
         "resolved": D(2026, 4, 2), "status": "تمت المعالجة"},
        {"site_code": "S2", "reported": D(2026, 3, 5), "fault": "بطء", "handled_by": "القسم",
         "status": "مفتوح"},
    ], received_at=AT)
    assert indicator_value(ledger, SITES, Q1) == 2
    assert indicator_value(ledger, SITES, Q2) == 3
    assert indicator_value(ledger, FAULTS, Q1) == 1
    assert indicator_value(ledger, FAULTS, Q2) == 1


def prj(school: str, device: str, quantity: int, received: D | None, status: str) -> dict:
    return {"tender_no": "ع/1", "title": "توريد", "school": school, "device_type": device,
            "quantity": quantity, "received_on": received, "status": status}


def test_p4_needs_provided_sum_quantities(ledger: Ledger) -> None:
    add_submission(ledger, "PRJ", {}, [
        prj(A, "حاسوب", 3, D(2026, 1, 5), "تم الاستلام"),
        prj(A, "حاسوب", 2, D(2026, 3, 31), "تم الاستلام"),
        prj(B, "طابعة", 4, D(2026, 4, 1), "تم الاستلام"),
        prj(B, "طابعة", 9, None, "قيد التنفيذ"),
    ], received_at=AT)
    assert indicator_value(ledger, PROVIDED, Q1) == 5
    assert indicator_value(ledger, PROVIDED, Q2) == 4
    # no QF70-2-12 list at all: no need identified, nothing to divide by
    assert indicator_value(ledger, FULFILMENT, Q1) is None
    assert indicator_value(ledger, FULFILMENT, Q2) is None


def test_p5_items_disposed_by_decision_date(ledger: Ledger) -> None:
    sub = add_submission(
        ledger, "DISPOSAL", {"source": A, "date": D(2026, 1, 10)},
        [{"category": "حاسوب وملحقاته", "description": "x", "quantity": 2, "reason": "تالف"},
         {"category": "كتب مكتبة", "description": "y", "quantity": 40, "reason": "قديم"},
         {"category": "جهاز علمي", "description": "z", "quantity": 1, "reason": "مكسور"}],
        received_at=AT,
    )
    rows = ledger.rows_of_submission(sub)
    add_decision(ledger, "1/2026", D(2026, 3, 31), [rows[0].id])
    add_decision(ledger, "2/2026", D(2026, 4, 2), [rows[1].id])
    assert indicator_value(ledger, DISPOSED, Q1) == 2
    assert indicator_value(ledger, DISPOSED, Q2) == 40
    figures = texts(ledger, "P5", Q2)
    assert figures["المواد المتلفة بقرار"] == "40"
    assert figures["قرارات لجنة الإتلاف"] == "1"
    assert figures["مواد بانتظار قرار اللجنة"] == "1"  # at 30/6: only the 1 «جهاز علمي»
    # a stock at 31/3: the 40 books are in decision 2/2026, but it was taken on 2/4,
    # after the quarter; with the 1 «جهاز علمي» (in no decision) 40 + 1 = 41 were waiting
    assert texts(ledger, "P5", Q1)["مواد بانتظار قرار اللجنة"] == "41"


def test_p6_problems_solved(ledger: Ledger) -> None:
    def issue(status: str, resolved: D | None) -> dict:
        return {"date": D(2026, 1, 5), "school": A, "system": "OpenEMIS", "user_level": "مدرسة",
                "problem": "p", "status": status, "resolved_on": resolved}

    add_submission(ledger, "EMIS-ISSUES", {}, [
        issue("محلولة", D(2026, 1, 6)),
        issue("محلولة", D(2026, 3, 31)),
        issue("محلولة", D(2026, 4, 1)),
        issue("محولة إلى مركز الملكة رانيا", None),
        issue("قيد المعالجة", None),
    ], received_at=AT)
    assert indicator_value(ledger, SOLVED, Q1) == 2
    assert indicator_value(ledger, SOLVED, Q2) == 1
    figures = texts(ledger, "P6", Q1)
    assert figures["المشكلات المسجلة"] == "5"
    assert figures["المحولة إلى مركز الملكة رانيا"] == "1"
    # a stock at 31/3: the one solved on 1/4 (not yet by 31/3), the referred one and
    # the one in progress; the two solved on 6/1 and 31/3 are closed by then
    assert figures["مشكلات لم تُحل حتى نهاية الفترة"] == "3"
    # at 30/6: the referred one and the one in progress
    assert texts(ledger, "P6", Q2)["مشكلات لم تُحل حتى نهاية الفترة"] == "2"


def test_p7_mean_completion_one_decimal(ledger: Ledger) -> None:
    for school, day, values_ in ((A, D(2026, 3, 9), (80, 45)), (B, D(2026, 3, 31), (100,)),
                                 (A, D(2026, 4, 1), (33.33,))):
        add_submission(
            ledger, "EMIS-ACTIVATION", {"school": school, "visit_date": day, "visitor": "س"},
            [{"function": f"f{i}", "activated": v > 50, "completion": v}
             for i, v in enumerate(values_)],
            received_at=AT,
        )
    # Q1: latest visits A 9/3 (80, 45) and B 31/3 (100): (80 + 45 + 100) / 3 = 75.0
    assert indicator_value(ledger, ACTIVATION, Q1) == Decimal("75.0")
    assert indicator_value(ledger, ACTIVATION, Q2) == Decimal("33.3")  # A 1/4: 33.33
    # recounted (docs/FIGURES.md, means): no visit dated Jul–Sep, a mean over nothing
    # is null (was 0.0)
    assert indicator_value(ledger, ACTIVATION, quarter(2026, 3)) is None
    assert texts(ledger, "P7", quarter(2026, 3))["متوسط نسبة الإنجاز"] == "—"
    figures = texts(ledger, "P7", Q1)
    assert figures["زيارات المتابعة"] == "2"  # A 9/3, B 31/3
    assert figures["المدارس التي تمت زيارتها"] == "2"  # A, B
    assert figures["الوظائف المفعلة"] == "2"  # 80 and 100 (> 50); 45 is not
    assert figures["متوسط نسبة الإنجاز"] == "75.0%"
    # the year: 3 visits of 2 schools; each school at its latest visit (docs/FIGURES.md, P7):
    # A 1/4 (33.33, not activated) and B 31/3 (100, activated), not A's visit of 9/3
    year = values(ledger, "P7", parse_period("2026"))
    assert year["زيارات المتابعة"] == 3
    assert year["المدارس التي تمت زيارتها"] == 2
    assert year["الوظائف المتابعة"] == 2
    assert year["الوظائف المفعلة"] == 1
    # (33.33 + 100) / 2 = 66.665 -> 66.7 (all four rows would give 258.33 / 4 = 64.6)
    assert year["متوسط نسبة الإنجاز"] == Decimal("66.7")
    assert indicator_value(ledger, ACTIVATION, parse_period("2026")) == Decimal("66.7")


def test_p8_active_initiatives_started_by_period_end(ledger: Ledger) -> None:
    add_submission(ledger, "INITIATIVES", {}, [
        {"initiative": "a", "school": A, "start_date": D(2026, 1, 10), "status": "فعالة"},
        {"initiative": "b", "school": A, "start_date": D(2026, 4, 1), "status": "فعالة"},
        {"initiative": "c", "school": B, "start_date": D(2026, 1, 1), "status": "متوقفة"},
    ], received_at=AT)
    assert indicator_value(ledger, INITIATIVES, Q1) == 1
    assert indicator_value(ledger, INITIATIVES, Q2) == 2


def test_p9_mean_page_score_from_exact_shares(ledger: Ledger) -> None:
    def review(page: str, day: D, met: list[bool]) -> None:
        add_submission(ledger, "WEB-REVIEW", {"page": page, "review_date": day},
                       [{"criterion": f"c{i}", "met": m} for i, m in enumerate(met)],
                       received_at=AT)

    review(A, D(2026, 2, 1), [True, True, False])  # 66.67
    review(B, D(2026, 3, 1), [True])  # 100
    review(A, D(2026, 4, 1), [False, False])  # 0, in Q2
    assert indicator_value(ledger, PAGES, Q1) == Decimal("83.3")
    assert indicator_value(ledger, PAGES, Q2) == Decimal("0.0")  # a real 0: A met none
    # recounted (docs/FIGURES.md, means): no review dated Jul–Sep: null, not 0.0
    assert indicator_value(ledger, PAGES, quarter(2026, 3)) is None
    assert texts(ledger, "P9", Q1)["الصفحات التي تمت مراجعتها"] == "2"


def test_p10_visits_programme_plus_reports(ledger: Ledger) -> None:
    add_submission(ledger, "QF70-2-1", {}, [
        {"planned_date": D(2026, 3, 1), "school": A, "purpose": "مكتبة", "visitor": "س",
         "status": "منفذة", "actual_date": D(2026, 3, 10)},
        {"planned_date": D(2026, 3, 1), "school": B, "purpose": "مختبر", "visitor": "س",
         "status": "منفذة", "actual_date": D(2026, 4, 10)},
        {"planned_date": D(2026, 3, 1), "school": B, "purpose": "مختبر", "visitor": "س",
         "status": "مخططة"},
    ], received_at=AT)
    rating = [{"criterion": "c1", "rating": "جيد"}, {"criterion": "c2", "rating": "ممتاز"}]
    add_submission(ledger, "QF70-2-9", {"school": A, "visit_date": D(2026, 2, 1), "officer": "م"},
                   rating, received_at=AT)
    add_submission(ledger, "QF70-2-17",
                   {"school": B, "visit_date": D(2026, 3, 31), "lab": "فيزياء", "visitor": "م"},
                   rating, received_at=AT)
    add_submission(ledger, "QF70-2-40", {"school": B, "visit_date": D(2026, 4, 1), "visitor": "م"},
                   [{"aid": "خريطة", "available": True, "used": False}], received_at=AT)
    add_submission(ledger, "QF75-13",
                   {"site": A, "visit_date": D(2026, 1, 2), "purpose": "الصيانة", "visitors": "م"},
                   [{"item": "i", "finding": "f"}], received_at=AT)
    # recounted (docs/FIGURES.md, P10): one school on one day is one visit, and a QF75-13
    # report counts for P10 only when its purpose is «موارد التعلم».
    # Q1: (A, 1/2) QF70-2-9, (A, 10/3) programme line, (B, 31/3) QF70-2-17 = 3;
    # the QF75-13 «الصيانة» visit (A, 2/1) is a P1 visit (was 4 with it)
    assert indicator_value(ledger, VISITS, Q1) == 3
    assert values(ledger, "P1", Q1)["الزيارات الميدانية (الصيانة)"] == 1  # (A, 2/1)
    # Q2: (B, 1/4) QF70-2-40 and (B, 10/4) programme line; the «مخططة» line is no visit
    assert indicator_value(ledger, VISITS, Q2) == 2


def test_unknown_indicator(ledger: Ledger) -> None:
    # the new API gives None for a name the product does not compute (no KeyError)
    assert indicator_value(ledger, "مؤشر غير موجود", Q1) is None
    assert len(NAMES) == 13  # the twelve of QF12-1, and the science fairs held (issue 16)
    for name in NAMES:  # every indicator works on an empty ledger
        if name in MEANS_AND_RATIOS:
            # recounted (docs/FIGURES.md): a mean or a share over nothing is null (was 0)
            assert indicator_value(ledger, name, Q1) is None, name
        else:
            assert indicator_value(ledger, name, Q1) == 0, name


def plan_row(process: str, indicator: str, target: int, quarter_ar: str) -> dict:
    return {"process": process, "goal": "هدف", "activity": f"نشاط {indicator}",
            "indicator": indicator, "target": target, "quarter": quarter_ar,
            "responsible": "رئيس القسم"}


P1_AR = "الإشراف الفني على صيانة الأجهزة والشبكات الداخلية"
P2_AR = "الإشراف الفني على مشروع الربط والحماية الإلكترونية"
P7_AR = "متابعة تفعيل وظائف أنظمة المعلومات التربوية"


def plan_ledger(ledger: Ledger) -> None:
    head = {"school": A, "request_date": D(2026, 1, 15), "channel": "هاتف"}
    add_submission(ledger, "QF75-11", head, [
        repair("تم الإصلاح", D(2026, 2, 1)),
        repair("تم الإصلاح", D(2026, 3, 1)),
        repair("تم الإصلاح", D(2026, 5, 1)),
        repair("تم الإصلاح", D(2026, 8, 1)),
    ], received_at=AT)
    add_submission(ledger, "QF12-1", {"year": "2026"},
                   [plan_row(P1_AR, CORRECTIVE, 99, "الأول")], received_at=AT)  # superseded
    add_submission(ledger, "QF12-1", {"year": "2026"}, [
        plan_row(P7_AR, ACTIVATION, 80, "الثاني"),
        plan_row(P1_AR, CORRECTIVE, 4, "الأول"),
        plan_row(P1_AR, CORRECTIVE, 10, "طوال العام"),
        plan_row(P2_AR, HELPDESK, 0, "الثاني"),
    ], received_at=AT)
    add_submission(ledger, "QF12-1", {"year": "2025"},
                   [plan_row(P1_AR, CORRECTIVE, 7, "الأول")], received_at=AT)


def test_plan_lines_of_a_quarter(ledger: Ledger) -> None:
    plan_ledger(ledger)
    q1 = lines(ledger, Q1)
    assert [(ln.process, ln.quarter, ln.target) for ln in q1] == [
        ("P1", "الأول", 4), ("P1", "طوال العام", 10)
    ]
    assert q1[0].achieved == 2 and q1[0].pct == Decimal("50.0")  # repairs 1/2, 1/3
    assert q1[1].achieved == 2 and q1[1].pct == Decimal("20.0")  # year to the end of Q1
    assert q1[0].process_ar == P1_AR and q1[0].responsible == "رئيس القسم"
    q2 = lines(ledger, Q2)
    assert [(ln.process, ln.quarter) for ln in q2] == [
        ("P1", "طوال العام"), ("P2", "الثاني"), ("P7", "الثاني")
    ]
    assert q2[0].achieved == 3 and q2[0].pct == Decimal("30.0")  # 1/2, 1/3, 1/5
    assert q2[0].period == date_range(D(2026, 1, 1), D(2026, 6, 30))
    assert q2[1].target == 0 and q2[1].pct is None
    # recounted (docs/FIGURES.md, means): no EMIS-ACTIVATION visit in Apr–Jun, so the
    # P7 line's mean is over nothing: null and «—», and so is its % (was 0.0 and 0.0)
    assert q2[2].achieved is None and q2[2].pct is None
    assert q2[2].achieved_text == "—"


def test_plan_lines_of_the_year(ledger: Ledger) -> None:
    plan_ledger(ledger)
    year = lines(ledger, parse_period("2026"))
    assert [(ln.process, ln.quarter) for ln in year] == [
        ("P1", "الأول"), ("P1", "طوال العام"), ("P2", "الثاني"), ("P7", "الثاني")
    ]
    # the Q1 line: 1/2, 1/3; the all-year line: 1/2, 1/3, 1/5, 1/8
    assert year[0].achieved == 2 and year[1].achieved == 4
    assert year[1].pct == Decimal("40.0")
    assert lines(ledger, quarter(2025, 1))[0].target == 7
    assert lines(ledger, parse_period("2024")) == []


def test_plan_of_a_school_year(ledger: Ledger) -> None:
    add_submission(ledger, "QF12-1", {"year": "2025/2026"},
                   [plan_row(P1_AR, CORRECTIVE, 5, "الأول")], received_at=AT)
    # recounted (docs/FIGURES.md, the annual plan): a school year's quarters are counted
    # from September, so «الأول» of 2025/2026 is Sep–Nov 2025; the line covers a period
    # only when that span lies inside it. Jan–Mar 2026 does not hold it (was [5]).
    assert lines(ledger, Q1) == []
    assert lines(ledger, quarter(2026, 4)) == []  # Oct 2026 belongs to 2026/2027
    # the school year 2025/2026 and the calendar year 2025 hold Sep–Nov 2025
    school_year = lines(ledger, parse_period("2025/2026"))
    assert [ln.target for ln in school_year] == [5]
    assert (school_year[0].period.start, school_year[0].period.end) == (
        D(2025, 9, 1), D(2025, 11, 30))
    assert [ln.target for ln in lines(ledger, parse_period("2025"))] == [5]
    # quarters starting in September: 2025 Q1 is Sep–Nov 2025
    september = Calendar(quarter_start_month=9)
    found = lines(ledger, quarter(2025, 1, 9), september)
    assert [ln.target for ln in found] == [5]
    assert (found[0].period.start, found[0].period.end) == (
        quarter(2025, 1, 9).start, quarter(2025, 1, 9).end)


def test_quarter_boundaries_are_inclusive(ledger: Ledger) -> None:
    head = {"school": A, "request_date": D(2025, 12, 31), "channel": "هاتف"}
    add_submission(ledger, "QF75-11", head, [
        repair("تم الإصلاح", D(2025, 12, 31)),
        repair("تم الإصلاح", D(2026, 1, 1)),
        repair("تم الإصلاح", D(2026, 6, 30)),
        repair("تم الإصلاح", D(2026, 7, 1)),
    ], received_at=AT)
    assert indicator_value(ledger, CORRECTIVE, quarter(2025, 4)) == 1
    assert indicator_value(ledger, CORRECTIVE, Q1) == 1
    assert indicator_value(ledger, CORRECTIVE, Q2) == 1
    assert indicator_value(ledger, CORRECTIVE, quarter(2026, 3)) == 1
    assert indicator_value(ledger, CORRECTIVE, date_range(D(2026, 1, 1), D(2026, 12, 31))) == 3


def test_shortages_needs_provided_and_fulfilment(ledger: Ledger) -> None:
    def shortage_list(school: str, day: D, rows: list[tuple[str, int, int]]) -> None:
        add_submission(ledger, "QF70-2-12", {"school": school, "date": day},
                       [{"device_type": d, "required": r, "available": w, "working": w}
                        for d, r, w in rows], received_at=AT)

    shortage_list(A, D(2026, 1, 5), [("حاسوب", 10, 2)])  # replaced by A's later list
    shortage_list(A, D(2026, 2, 5), [("حاسوب", 10, 6), ("طابعة", 1, 3)])
    shortage_list(B, D(2026, 5, 5), [("حاسوب", 3, 0)])
    add_submission(ledger, "PRJ", {}, [
        prj(A, "حاسوب", 3, D(2026, 3, 1), "تم الاستلام"),
        prj(A, "حاسوب", 2, D(2026, 3, 2), "تم الاستلام"),
        prj(A, "طابعة", 1, D(2026, 3, 3), "تم الاستلام"),
    ], received_at=AT)
    src = RowSource(ledger)
    # at 31/3: A's latest list (5/2) is short of 10 - 6 = 4 computers (printers 1 < 3);
    # B's list of 5/5 is after the quarter
    needs = shortages(src, Q1)
    assert [(n.school, n.device_type, n.shortage) for n in needs] == [(A, "حاسوب", 4)]
    assert sum(n.shortage for n in shortages(src)) == 7  # A's 4 + B's 3 - 0
    # in order of receipt, against A's list of 5/2: 3 of the 4, then 1 of the 2 (4 - 3 left),
    # the printer meets no need
    provided = [r for r in receipts(src) if r.received_on in Q1]
    assert [r.matched for r in provided] == [3, 1, 0]
    result = fulfilment(src, Q1)
    assert (result.identified, result.provided, result.matched, result.pct) == (
        4, 6, 4, Decimal("100.0")  # 3 + 2 + 1 received; 4 matched / 4
    )
    assert result.met == 4
    figures = texts(ledger, "P4", Q1)
    assert figures["الاحتياجات المحددة (أجهزة ناقصة)"] == "4"
    assert figures["الاحتياجات الموفرة"] == "6"
    assert figures["الموفر منها مطابقاً للاحتياجات المحددة"] == "4"
    assert figures["نسبة تلبية الاحتياجات"] == "100.0%"
    assert figures["المشاريع المنفذة (عطاءات تم استلامها)"] == "1"  # tender ع/1
    assert indicator_value(ledger, FULFILMENT, Q1) == Decimal("100.0")
    # Q2 (docs/FIGURES.md, P4: matched across quarters): at 30/6 the needs are A's 4
    # (list of 5/2) and B's 3 (list of 5/5) = 7; nothing received in Q2, but the 3 + 1
    # matched in March against A's list still count: 4 / 7 = 57.1%
    q2 = fulfilment(src, Q2)
    assert (q2.identified, q2.provided, q2.matched, q2.met) == (7, 0, 0, 4)
    assert q2.pct == Decimal("57.1")
    assert texts(ledger, "P4", Q2)["نسبة تلبية الاحتياجات"] == "57.1%"
    assert indicator_value(ledger, FULFILMENT, Q2) == Decimal("57.1")


def test_p1_figures_spend_against_budget(ledger: Ledger) -> None:
    from automation.catalog.reference import BudgetLine, References

    head = {"school": A, "request_date": D(2026, 1, 15), "channel": "هاتف"}
    add_submission(ledger, "QF75-11", head, [
        repair("تم الإصلاح", D(2026, 2, 1), "100.125"),
        repair("تم الإصلاح", D(2026, 5, 1), "50"),
        repair("قيد المعالجة", None),
    ], received_at=AT)
    refs = References(budget=[
        BudgetLine("2026", "صيانه الاجهزة", Decimal("600")),  # spelled loosely: still matched
        BudgetLine("2026", "شراء قطع الغيار", Decimal("400")),
        BudgetLine("2026", "قرطاسية", Decimal("999")),
        BudgetLine("2027", "صيانة", Decimal("5000")),
    ])
    figures = texts(ledger, "P1", Q2, refs)
    assert figures["كلفة قطع الغيار في الفترة (دينار)"] == "50.000"
    assert figures["موازنة الصيانة وقطع الغيار للسنة (دينار)"] == "1,000.000"
    assert figures["المصروف منذ بداية السنة (دينار)"] == "150.125"
    assert figures["المتبقي من الموازنة (دينار)"] == "849.875"
    assert figures["نسبة الصرف من الموازنة"] == "15.0%"
    assert figures["أجهزة قيد المعالجة أو بانتظار قطع غيار"] == "1"  # requested 15/1, open
    assert figures["طلبات الصيانة المستلمة"] == "0"  # requested in Q1
    without = texts(ledger, "P1", Q2, None)
    assert without["موازنة الصيانة وقطع الغيار للسنة (دينار)"] == "غير محددة في ملف الموازنة"
    assert without["نسبة الصرف من الموازنة"] == "غير محددة في ملف الموازنة"
    # the same figures, in the same order, with a budget and without (issue 24)
    assert list(without) == list(figures)


def test_every_process_has_figures(ledger: Ledger) -> None:
    plan_ledger(ledger)
    src = RowSource(ledger)
    for process in ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10"):
        figures = figures_of(src, process, Q1)
        assert figures and all(f.label and isinstance(f.text, str) for f in figures)
    # the plan has no figures of its own: its register shows every indicator
    assert figures_of(src, "PLAN", Q1) == []
    result = compute_figures(src, Q1)
    # the dropdown's indicators and the one a plan line may type (issue 25)
    on_time = "نسبة المدارس الملتزمة بإرسال التقارير في موعدها"
    assert set(result.indicators) == set(NAMES) | {on_time}
    assert result.indicators[CORRECTIVE] == 2  # repairs 1/2, 1/3
    with pytest.raises(KeyError):
        figures_of(src, "P11", Q1)
