"""The rules of docs/FIGURES.md on small ledgers whose figures are counted by hand.

Every expected number below was counted from the rows of its scenario, never by
running the code; the comment beside each assertion says which rows count and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_factory import add_submission, backend_ledger

from automation.core.periods import Calendar, parse_period, quarter
from automation.ledger.store import Ledger
from automation.processes import compute_figures

D = dt.date
AT = dt.datetime(2026, 9, 1, 9)  # when the workbooks arrived; figures never count by it
CAL = Calendar(quarter_start_month=1, school_year_start_month=9)

A = "مدرسة الأمل"
B = "مدرسة النور"
C = "مدرسة الفجر"

PROCESSES = tuple(f"P{n}" for n in range(1, 11))

# QF12-1 indicators
CORRECTIVE = "عدد الإجراءات التصحيحية المنفذة"
PROVIDED = "عدد الاحتياجات الموفرة"
FULFILMENT = "نسبة تلبية الاحتياجات"
ACTIVATION = "متوسط نسبة تفعيل الوظائف"
PAGES = "متوسط نسبة تحقق معايير الصفحات"
VISITS = "عدد الزيارات الميدانية المنفذة"

# figure labels
REQUESTS = "طلبات الصيانة المستلمة"
REPAIRED = "الأجهزة التي تم إصلاحها"
UNREPAIRABLE = "الأجهزة غير القابلة للإصلاح"
PENDING = "أجهزة قيد المعالجة أو بانتظار قطع غيار"
SPARES_COST = "كلفة قطع الغيار في الفترة (دينار)"
FIELD_VISITS = "الزيارات الميدانية"
IDENTIFIED = "الاحتياجات المحددة (أجهزة ناقصة)"
NEEDS_PROVIDED = "الاحتياجات الموفرة"
MATCHED = "الموفر منها مطابقاً للاحتياجات المحددة"
RATIO = "نسبة تلبية الاحتياجات"
FOLLOW_UPS = "زيارات المتابعة"
SCHOOLS_VISITED = "المدارس التي تمت زيارتها"
FUNCTIONS = "الوظائف المتابعة"
ACTIVATED = "الوظائف المفعلة"
MEAN_COMPLETION = "متوسط نسبة الإنجاز"
MEAN_CRITERIA = "متوسط نسبة تحقق المعايير"
P10_VISITS = "الزيارات الميدانية المنفذة"

P1_AR = "الإشراف الفني على صيانة الأجهزة والشبكات الداخلية"


@pytest.fixture()
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with backend_ledger(tmp_path / "ledger.sqlite") as led:
        yield led


def figures(ledger: Ledger, text: str, calendar: Calendar = CAL):
    return compute_figures(ledger, parse_period(text, calendar), references=None,
                           calendar=calendar)


# -- scenario builders (also used by the additivity test at the end) ------------


def repair(status: str, done: D | None, cost: str | None = None) -> dict:
    action = "إصلاح" if status in ("تم الإصلاح", "غير قابل للإصلاح") else None
    return {"device_type": "حاسوب", "location": "مختبر حاسوب", "fault": "عطل",
            "status": status, "done_date": done, "cost_jod": cost, "action": action}


def p1_scenario(ledger: Ledger) -> None:
    """Two QF75-11 requests in Q1 and one QF70-2-7 request in Q2.

    r1 repaired 15/2 (12.5 JD) · r2 unrepairable 1/3 · r3 requested 10/2, repaired 5/4
    (30 JD) · r4 in progress · r5 waiting for parts · r6 repaired 31/3.
    """
    add_submission(
        ledger, "QF75-11",
        {"school": A, "request_date": D(2026, 2, 10), "channel": "هاتف", "reference": "1"},
        [
            repair("تم الإصلاح", D(2026, 2, 15), "12.5"),  # r1
            repair("غير قابل للإصلاح", D(2026, 3, 1)),  # r2
            repair("تم الإصلاح", D(2026, 4, 5), "30"),  # r3
            repair("قيد المعالجة", None),  # r4
        ],
        received_at=AT,
    )
    add_submission(
        ledger, "QF75-11",
        {"school": B, "request_date": D(2026, 3, 31), "channel": "كتاب رسمي", "reference": "2"},
        [
            repair("بانتظار قطع غيار", None),  # r5
            repair("تم الإصلاح", D(2026, 3, 31)),  # r6
        ],
        received_at=AT,
    )
    add_submission(
        ledger, "QF70-2-7",
        {"school": B, "request_date": D(2026, 5, 2), "requested_by": "مدير المدرسة"},
        [{"device_type": "مجهر", "quantity": 2, "fault": "عدسة مكسورة", "priority": "عادي"}],
        received_at=AT,
    )


def shortage_list(ledger: Ledger, school: str, day: D, rows: list[tuple[str, int, int]]) -> None:
    """A QF70-2-12 list; rows are (device type, required, working), available = working."""
    add_submission(
        ledger, "QF70-2-12", {"school": school, "date": day},
        [{"device_type": device, "required": required, "available": working, "working": working}
         for device, required, working in rows],
        received_at=AT,
    )


def prj(school: str, device: str, quantity: int, received: D | None, status: str,
        tender: str = "ع/1") -> dict:
    return {"tender_no": tender, "title": "توريد أجهزة", "school": school,
            "device_type": device, "quantity": quantity, "received_on": received,
            "status": status}


def p4_scenario(ledger: Ledger) -> None:
    """A's need of 4 computers (list of 10/2), 3 received 10/5, 2 more received 1/8."""
    shortage_list(ledger, A, D(2026, 2, 10), [("حاسوب", 5, 1)])  # shortage 5 - 1 = 4
    add_submission(ledger, "PRJ", {}, [
        prj(A, "حاسوب", 3, D(2026, 5, 10), "تم الاستلام"),
        prj(A, "حاسوب", 2, D(2026, 8, 1), "تم الاستلام", tender="ع/2"),
        prj(A, "حاسوب", 7, None, "قيد التنفيذ", tender="ع/3"),
    ], received_at=AT)


def activation(ledger: Ledger, school: str, day: D,
               functions: list[tuple[bool, int]]) -> None:
    """An EMIS-ACTIVATION visit; functions are (activated, completion %)."""
    add_submission(
        ledger, "EMIS-ACTIVATION", {"school": school, "visit_date": day, "visitor": "المتابع"},
        [{"function": f"وظيفة {i}", "activated": on, "completion": pct}
         for i, (on, pct) in enumerate(functions, 1)],
        received_at=AT,
    )


def p7_scenario(ledger: Ledger) -> None:
    activation(ledger, A, D(2026, 2, 1), [(True, 100), (True, 100)])  # A, 1st visit
    activation(ledger, A, D(2026, 3, 10), [(True, 90), (True, 70), (False, 20)])  # A, 2nd
    activation(ledger, B, D(2026, 3, 20), [(True, 100), (False, 20)])
    activation(ledger, C, D(2026, 4, 5), [(True, 60)])
    activation(ledger, A, D(2026, 6, 1), [(True, 60)])  # A, 3rd visit (Q2)


def field_visit(ledger: Ledger, site: str, day: D, purpose: str) -> None:
    add_submission(
        ledger, "QF75-13",
        {"site": site, "visit_date": day, "purpose": purpose, "visitors": "رئيس القسم"},
        [{"item": "بند", "finding": "ملاحظة"}],
        received_at=AT,
    )


def ratings() -> list[dict]:
    return [{"criterion": "التنظيم", "rating": "جيد"}, {"criterion": "النظافة", "rating": "ممتاز"}]


def p10_issue_scenario(ledger: Ledger) -> None:
    """Five things recorded for three visits of the head, plus visits of other processes.

    Visit 1 = (A, 3/2): programme line + QF70-2-9.
    Visit 2 = (B, 17/2): QF70-2-40 + QF75-13 «موارد التعلم».
    Visit 3 = (C, 5/3): QF75-13 «موارد التعلم».
    """
    add_submission(ledger, "QF70-2-1", {}, [
        {"planned_date": D(2026, 2, 1), "school": A, "purpose": "متابعة المكتبة",
         "visitor": "رئيس القسم", "status": "منفذة", "actual_date": D(2026, 2, 3)},
        {"planned_date": D(2026, 2, 10), "school": B, "purpose": "متابعة المختبر",
         "visitor": "رئيس القسم", "status": "مخططة"},  # planned only: no visit
    ], received_at=AT)
    add_submission(ledger, "QF70-2-9",
                   {"school": A, "visit_date": D(2026, 2, 3), "officer": "مسؤول المكتبات"},
                   ratings(), received_at=AT)
    add_submission(ledger, "QF70-2-40",
                   {"school": B, "visit_date": D(2026, 2, 17), "visitor": "رئيس القسم"},
                   [{"aid": "خريطة", "available": True, "used": True}], received_at=AT)
    field_visit(ledger, B, D(2026, 2, 17), "موارد التعلم")
    field_visit(ledger, C, D(2026, 3, 5), "موارد التعلم")
    # QF75-13 visits of other processes
    field_visit(ledger, A, D(2026, 3, 10), "شبكة الألياف الضوئية")  # P3
    field_visit(ledger, B, D(2026, 3, 11), "العطاءات والمشاريع")  # P4
    field_visit(ledger, C, D(2026, 3, 12), "الصيانة")  # P1
    field_visit(ledger, A, D(2026, 3, 15), "الأنظمة التربوية")  # P7
    field_visit(ledger, B, D(2026, 3, 16), "أخرى")  # counted nowhere
    field_visit(ledger, C, D(2026, 5, 20), "شبكة الألياف الضوئية")  # P3, in Q2


def plan_row(indicator: str, target: int, quarter_ar: str) -> dict:
    return {"process": P1_AR, "goal": "هدف", "activity": "نشاط", "indicator": indicator,
            "target": target, "quarter": quarter_ar, "responsible": "رئيس القسم"}


def plan_scenario(ledger: Ledger) -> None:
    """A school-year plan (2025/2026, line «الأول», target 4) and a calendar-year plan
    (2026, line «الثاني», target 5), with repairs on both sides of each line's span."""
    add_submission(
        ledger, "QF75-11",
        {"school": A, "request_date": D(2025, 8, 20), "channel": "هاتف", "reference": "p"},
        [repair("تم الإصلاح", D(2025, 8, 31)),  # before Sep 2025
         repair("تم الإصلاح", D(2025, 9, 1)),  # first day of Sep–Nov
         repair("تم الإصلاح", D(2025, 11, 30)),  # last day of Sep–Nov
         repair("تم الإصلاح", D(2025, 12, 1))],  # after Sep–Nov
        received_at=AT,
    )
    add_submission(
        ledger, "QF75-11",
        {"school": A, "request_date": D(2026, 3, 1), "channel": "هاتف", "reference": "q"},
        [repair("تم الإصلاح", D(2026, 3, 31)),  # before Apr–Jun
         repair("تم الإصلاح", D(2026, 4, 1)),  # first day of Apr–Jun
         repair("تم الإصلاح", D(2026, 6, 30)),  # last day of Apr–Jun
         repair("تم الإصلاح", D(2026, 7, 1))],  # after Apr–Jun
        received_at=AT,
    )
    add_submission(ledger, "QF12-1", {"year": "2025/2026"},
                   [plan_row(CORRECTIVE, 4, "الأول")], received_at=AT)
    add_submission(ledger, "QF12-1", {"year": "2026"},
                   [plan_row(CORRECTIVE, 5, "الثاني")], received_at=AT)


# -- 1. P1 ------------------------------------------------------------------------


def test_p1_repairs_are_corrective_actions_by_done_date(ledger: Ledger) -> None:
    p1_scenario(ledger)
    q1, q2 = figures(ledger, "2026-Q1"), figures(ledger, "2026-Q2")
    # Q1: r1 (done 15/2) and r6 (done 31/3); r2 is unrepairable, r3 is done 5/4 (Q2)
    assert q1.value("P1", REPAIRED) == 2
    assert q1.indicators[CORRECTIVE] == 2
    # Q2: r3 only (requested 10/2 in Q1, repaired 5/4 in Q2)
    assert q2.value("P1", REPAIRED) == 1
    assert q2.indicators[CORRECTIVE] == 1
    # the year: r1, r6, r3
    assert figures(ledger, "2026").indicators[CORRECTIVE] == 3


def test_p1_unrepairable_devices_are_their_own_figure(ledger: Ledger) -> None:
    p1_scenario(ledger)
    q1, q2 = figures(ledger, "2026-Q1"), figures(ledger, "2026-Q2")
    assert q1.value("P1", UNREPAIRABLE) == 1  # r2 (done 1/3); never among the repaired
    assert q2.value("P1", UNREPAIRABLE) == 0  # no unrepairable device done in Apr–Jun


def test_p1_requests_pending_stock_and_spare_parts(ledger: Ledger) -> None:
    p1_scenario(ledger)
    q1, q2 = figures(ledger, "2026-Q1"), figures(ledger, "2026-Q2")
    # requests by request date: Q1 = A's QF75-11 (10/2) + B's QF75-11 (31/3); Q2 = QF70-2-7 (2/5)
    assert q1.value("P1", REQUESTS) == 2
    assert q2.value("P1", REQUESTS) == 1
    # at 30/6 the devices still in progress or waiting for parts: r4 and r5
    # (r1, r3, r6 repaired and r2 unrepairable by then)
    assert q2.value("P1", PENDING) == 2
    # spare parts by done date: Q1 = r1's 12.5 (r6 has no cost); Q2 = r3's 30
    assert q1.value("P1", SPARES_COST) == Decimal("12.5")
    assert q2.value("P1", SPARES_COST) == Decimal("30")


# -- 2. P4 ------------------------------------------------------------------------


def test_p4_need_of_q1_provided_in_q2_is_matched(ledger: Ledger) -> None:
    shortage_list(ledger, A, D(2026, 2, 10), [("حاسوب", 5, 1)])  # shortage 5 - 1 = 4
    add_submission(ledger, "PRJ", {}, [prj(A, "حاسوب", 3, D(2026, 5, 10), "تم الاستلام")],
                   received_at=AT)
    q1, q2 = figures(ledger, "2026-Q1"), figures(ledger, "2026-Q2")
    # Q1: A's list of 10/2 gives a need of 4; nothing received in Q1
    assert q1.value("P4", IDENTIFIED) == 4
    assert q1.value("P4", NEEDS_PROVIDED) == 0
    assert q1.value("P4", MATCHED) == 0
    assert q1.value("P4", RATIO) == Decimal("0.0")  # 0 matched / 4 identified
    assert q1.indicators[FULFILMENT] == Decimal("0.0")
    assert q1.indicators[PROVIDED] == 0
    # Q2: the 3 computers received 10/5 at A meet A's list of 10/2 (dated before the receipt)
    assert q2.value("P4", NEEDS_PROVIDED) == 3
    assert q2.indicators[PROVIDED] == 3
    assert q2.value("P4", MATCHED) == 3  # min(3 received, 4 needed)
    assert q2.value("P4", IDENTIFIED) == 4  # stock at 30/6: A's latest list still says 4
    assert q2.value("P4", RATIO) == Decimal("75.0")  # 3 / 4
    assert q2.indicators[FULFILMENT] == Decimal("75.0")


def test_p4_receipt_without_a_need_is_provided_not_matched(ledger: Ledger) -> None:
    shortage_list(ledger, A, D(2026, 2, 10), [("حاسوب", 5, 1)])  # A needs 4 computers
    add_submission(ledger, "PRJ", {}, [
        prj(A, "حاسوب", 3, D(2026, 5, 10), "تم الاستلام"),  # matches A's computers
        prj(B, "حاسوب", 2, D(2026, 5, 11), "تم الاستلام"),  # B has no list at all
        prj(A, "طابعة", 1, D(2026, 5, 12), "تم الاستلام"),  # A's list needs no printer
        prj(A, "حاسوب", 9, None, "قيد التنفيذ"),  # not received: not provided
        prj(A, "حاسوب", 9, None, "ملغى"),  # cancelled: not provided
    ], received_at=AT)
    q2 = figures(ledger, "2026-Q2")
    assert q2.value("P4", NEEDS_PROVIDED) == 6  # 3 + 2 + 1 received in Q2
    assert q2.value("P4", MATCHED) == 3  # only A's 3 computers meet a need
    assert q2.value("P4", IDENTIFIED) == 4  # A's computers; B has no list
    assert q2.value("P4", RATIO) == Decimal("75.0")  # 3 / 4


def test_p4_receipt_dated_before_the_list_is_not_matched_to_it(ledger: Ledger) -> None:
    shortage_list(ledger, C, D(2026, 3, 15), [("حاسوب", 4, 2)])  # shortage 4 - 2 = 2
    add_submission(ledger, "PRJ", {}, [prj(C, "حاسوب", 2, D(2026, 3, 1), "تم الاستلام")],
                   received_at=AT)
    q1, q2 = figures(ledger, "2026-Q1"), figures(ledger, "2026-Q2")
    # received 1/3, C's only list is dated 15/3: no list on or before the receipt
    assert q1.value("P4", NEEDS_PROVIDED) == 2
    assert q1.value("P4", MATCHED) == 0
    assert q1.value("P4", IDENTIFIED) == 2
    assert q1.value("P4", RATIO) == Decimal("0.0")  # 0 / 2
    # still unmatched at the end of Q2 (nothing received in Q2, the need of 2 stands)
    assert q2.value("P4", NEEDS_PROVIDED) == 0
    assert q2.value("P4", IDENTIFIED) == 2
    assert q2.value("P4", RATIO) == Decimal("0.0")


def test_p4_receipts_meet_a_need_in_order_of_receipt(ledger: Ledger) -> None:
    p4_scenario(ledger)  # need 4; 3 received 10/5, 2 received 1/8, 7 still in progress
    q2, q3 = figures(ledger, "2026-Q2"), figures(ledger, "2026-Q3")
    year = figures(ledger, "2026")
    assert q2.value("P4", MATCHED) == 3  # 3 of the 4
    assert q3.value("P4", NEEDS_PROVIDED) == 2  # the receipt of 1/8
    assert q3.value("P4", MATCHED) == 1  # only 4 - 3 = 1 of the need is left for it
    assert q3.value("P4", RATIO) == Decimal("100.0")  # (3 + 1) matched up to 30/9 / 4
    assert q2.value("P4", RATIO) == Decimal("75.0")  # the Q3 receipt is after 30/6
    assert year.value("P4", NEEDS_PROVIDED) == 5  # 3 + 2
    assert year.value("P4", MATCHED) == 4  # 3 + 1
    assert year.value("P4", RATIO) == Decimal("100.0")  # 4 / 4


# -- 3. P10 and the QF75-13 purposes ----------------------------------------------


def test_p10_programme_line_and_report_of_the_same_day_are_one_visit(ledger: Ledger) -> None:
    add_submission(ledger, "QF70-2-1", {}, [
        {"planned_date": D(2026, 2, 1), "school": A, "purpose": "متابعة المكتبة",
         "visitor": "رئيس القسم", "status": "منفذة", "actual_date": D(2026, 2, 3)},
        # planned in Dec 2025, made on 8/1/2026: a Q1 2026 visit
        {"planned_date": D(2025, 12, 20), "school": B, "purpose": "متابعة المختبر",
         "visitor": "رئيس القسم", "status": "منفذة", "actual_date": D(2026, 1, 8)},
    ], received_at=AT)
    add_submission(ledger, "QF70-2-9",
                   {"school": A, "visit_date": D(2026, 2, 3), "officer": "مسؤول المكتبات"},
                   ratings(), received_at=AT)
    add_submission(ledger, "QF70-2-17",
                   {"school": A, "visit_date": D(2026, 2, 4), "lab": "فيزياء",
                    "visitor": "رئيس القسم"},
                   ratings(), received_at=AT)
    q1 = figures(ledger, "2026-Q1")
    # (A, 3/2) line + QF70-2-9 = 1 visit; (A, 4/2) QF70-2-17 = 1; (B, 8/1) line = 1
    assert q1.value("P10", P10_VISITS) == 3
    assert q1.indicators[VISITS] == 3
    # B's line was planned in Dec 2025 but made in Jan 2026: nothing in 2025-Q4
    assert figures(ledger, "2025-Q4").indicators[VISITS] == 0


def test_p10_issue_example_five_records_three_visits(ledger: Ledger) -> None:
    p10_issue_scenario(ledger)
    q1 = figures(ledger, "2026-Q1")
    # 5 records: line (A, 3/2), QF70-2-9 (A, 3/2), QF70-2-40 (B, 17/2),
    # QF75-13 learning (B, 17/2), QF75-13 learning (C, 5/3) -> visits (A,3/2) (B,17/2) (C,5/3);
    # QF75-13 fibre / projects / maintenance / systems / other are not P10 visits
    assert q1.value("P10", P10_VISITS) == 3
    assert q1.indicators[VISITS] == 3


def test_qf75_13_visits_count_under_the_process_of_their_purpose(ledger: Ledger) -> None:
    p10_issue_scenario(ledger)
    q1, q2 = figures(ledger, "2026-Q1"), figures(ledger, "2026-Q2")
    # each process's label names the purpose: no two processes print the same words
    assert q1.value("P3", f"{FIELD_VISITS} (شبكة الألياف الضوئية)") == 1  # (A, 10/3)
    assert q2.value("P3", f"{FIELD_VISITS} (شبكة الألياف الضوئية)") == 1  # (C, 20/5)
    assert q1.value("P4", f"{FIELD_VISITS} (العطاءات والمشاريع)") == 1  # (B, 11/3)
    assert q1.value("P1", f"{FIELD_VISITS} (الصيانة)") == 1  # maintenance: (C, 12/3)
    assert q1.value("P7", f"{FIELD_VISITS} (الأنظمة التربوية)") == 1  # systems: (A, 15/3)
    labels = [f.label for figures in q1.processes.values() for f in figures]
    assert len(labels) == len(set(labels))  # no label printed by two processes
    # «أخرى» (B, 16/3) counts nowhere: P1+P3+P4+P7 = 4 and P10 has its 3
    assert q2.value("P10", P10_VISITS) == 0  # no learning-resources visit in Q2


# -- 4. P7 ------------------------------------------------------------------------


def test_p7_schools_counted_once_at_their_latest_visit(ledger: Ledger) -> None:
    p7_scenario(ledger)
    q1 = figures(ledger, "2026-Q1")
    assert q1.value("P7", FOLLOW_UPS) == 3  # A 1/2, A 10/3, B 20/3
    assert q1.value("P7", SCHOOLS_VISITED) == 2  # A and B, not 3 visits nor 7 rows
    # latest visit in Q1: A's of 10/3 (3 functions), B's of 20/3 (2 functions)
    assert q1.value("P7", FUNCTIONS) == 5
    assert q1.value("P7", ACTIVATED) == 3  # A: 90 and 70 yes, 20 no; B: 100 yes, 20 no
    # (90 + 70 + 20 + 100 + 20) / 5 = 60 (per school: A 60, B 60 -> 60 as well);
    # counting A's first visit too would give 500 / 7 = 71.4
    assert q1.value("P7", MEAN_COMPLETION) == Decimal("60")
    assert q1.indicators[ACTIVATION] == Decimal("60")


def test_p7_latest_visit_inside_the_period(ledger: Ledger) -> None:
    p7_scenario(ledger)
    q2, year = figures(ledger, "2026-Q2"), figures(ledger, "2026")
    # Q2: C 5/4 and A 1/6, one function each (60 and 60)
    assert q2.value("P7", FOLLOW_UPS) == 2
    assert q2.value("P7", SCHOOLS_VISITED) == 2
    assert q2.value("P7", FUNCTIONS) == 2
    assert q2.value("P7", ACTIVATED) == 2
    assert q2.value("P7", MEAN_COMPLETION) == Decimal("60")
    # the year: 5 visits of 3 schools; latest visits A 1/6 (1 function), B 20/3 (2), C 5/4 (1)
    assert year.value("P7", FOLLOW_UPS) == 5
    assert year.value("P7", SCHOOLS_VISITED) == 3
    assert year.value("P7", FUNCTIONS) == 4
    assert year.value("P7", ACTIVATED) == 3  # A's 60 yes, B's 100 yes, C's 60 yes
    assert year.value("P7", MEAN_COMPLETION) == Decimal("60")  # (60 + 100 + 20 + 60) / 4
    # the schools never outnumber the visits
    for result in (q2, year, figures(ledger, "2026-Q1")):
        assert result.value("P7", SCHOOLS_VISITED) <= result.value("P7", FOLLOW_UPS)


# -- 5. means over nothing ----------------------------------------------------------


def _json_figure(data: dict, process: str, label: str) -> object:
    matches = [fig["value"] for fig in data["processes"][process] if fig["label"] == label]
    assert len(matches) == 1, (process, label, data["processes"][process])
    return matches[0]


def test_means_over_nothing_are_null(ledger: Ledger) -> None:
    activation(ledger, A, D(2026, 2, 1), [(True, 80)])
    add_submission(ledger, "WEB-REVIEW", {"page": A, "review_date": D(2026, 2, 2)},
                   [{"criterion": f"معيار {i}", "met": met}
                    for i, met in enumerate((True, True, True, False), 1)],
                   received_at=AT)
    q1, q2 = figures(ledger, "2026-Q1"), figures(ledger, "2026-Q2")
    assert q1.indicators[ACTIVATION] == Decimal("80")  # A's one function, 80
    assert q1.indicators[PAGES] == Decimal("75")  # 3 of 4 criteria met
    assert q1.value("P9", MEAN_CRITERIA) == Decimal("75")
    # Q2: no EMIS-ACTIVATION and no WEB-REVIEW dated Apr–Jun
    assert q2.indicators[ACTIVATION] is None
    assert q2.indicators[PAGES] is None
    assert q2.value("P7", MEAN_COMPLETION) is None
    assert q2.value("P9", MEAN_CRITERIA) is None
    assert q2.value("P7", SCHOOLS_VISITED) == 0  # a count of nothing is 0, not null
    # no QF70-2-12 list at all: nothing to divide by
    assert q2.value("P4", RATIO) is None
    assert q2.indicators[FULFILMENT] is None
    data = q2.to_json()
    assert data["period"] == {"start": "2026-04-01", "end": "2026-06-30"}
    assert data["indicators"][ACTIVATION] is None
    assert data["indicators"][PAGES] is None
    assert _json_figure(data, "P7", MEAN_COMPLETION) is None
    assert _json_figure(data, "P9", MEAN_CRITERIA) is None
    assert _json_figure(q1.to_json(), "P9", MEAN_CRITERIA) == 75


def test_means_over_an_empty_ledger_are_null(ledger: Ledger) -> None:
    data = figures(ledger, "2026-Q1").to_json()
    assert data["indicators"][ACTIVATION] is None
    assert data["indicators"][PAGES] is None
    assert _json_figure(data, "P7", MEAN_COMPLETION) is None
    assert _json_figure(data, "P9", MEAN_CRITERIA) is None


# -- 6. the QF12-1 plan year --------------------------------------------------------


def _line(result: object, target: int):
    lines = [line for line in result.plan if line.target == target]  # type: ignore[attr-defined]
    assert len(lines) == 1, [(ln.indicator, ln.target) for ln in result.plan]  # type: ignore
    return lines[0]


def test_school_year_period_spans_september_to_august() -> None:
    period = parse_period("2025/2026", CAL)
    assert (period.start, period.end) == (D(2025, 9, 1), D(2026, 8, 31))


def test_school_year_plan_first_quarter_is_september_to_november(ledger: Ledger) -> None:
    plan_scenario(ledger)
    result = figures(ledger, "2025/2026")
    # both lines lie inside Sep 2025 – Aug 2026 (Sep–Nov 2025 and Apr–Jun 2026)
    assert sorted(line.target for line in result.plan) == [4, 5]
    line = _line(result, 4)
    assert line.indicator == CORRECTIVE
    assert (line.period.start, line.period.end) == (D(2025, 9, 1), D(2025, 11, 30))
    assert line.achieved == 2  # 1/9 and 30/11; not 31/8 nor 1/12
    assert line.pct == Decimal("50.0")  # 2 / 4
    # the school year's own indicator: 1/9, 30/11, 1/12, 31/3, 1/4, 30/6, 1/7 (not 31/8)
    assert result.indicators[CORRECTIVE] == 7
    entries = [e for e in result.to_json()["plan"] if e["target"] == 4]
    assert len(entries) == 1
    assert entries[0]["year"] == "2025/2026"
    assert entries[0]["achieved"] == 2


def test_calendar_year_plan_second_quarter_is_april_to_june(ledger: Ledger) -> None:
    plan_scenario(ledger)
    result = figures(ledger, "2026")
    # Sep–Nov 2025 is not inside 2026: only the 2026 line
    assert [line.target for line in result.plan] == [5]
    line = _line(result, 5)
    assert (line.period.start, line.period.end) == (D(2026, 4, 1), D(2026, 6, 30))
    assert line.achieved == 2  # 1/4 and 30/6; not 31/3 nor 1/7
    assert line.pct == Decimal("40.0")  # 2 / 5
    q2 = figures(ledger, "2026-Q2")
    assert [(ln.target, ln.achieved) for ln in q2.plan] == [(5, 2)]
    # Jan–Mar 2026 holds neither line's span, and neither plan has a «طوال العام» line
    assert figures(ledger, "2026-Q1").plan == []


# -- 7. quarter_start_month ----------------------------------------------------------


def test_quarters_follow_quarter_start_month(ledger: Ledger) -> None:
    april = Calendar(quarter_start_month=4, school_year_start_month=9)
    q1 = parse_period("2026-Q1", april)
    assert (q1.start, q1.end) == (D(2026, 4, 1), D(2026, 6, 30))
    q4 = parse_period("2026-Q4", april)
    assert (q4.start, q4.end) == (D(2027, 1, 1), D(2027, 3, 31))
    q1_fn = quarter(2026, 1, 4)
    assert (q1_fn.start, q1_fn.end) == (D(2026, 4, 1), D(2026, 6, 30))
    # the school year does not move with the quarters
    school = parse_period("2025/2026", april)
    assert (school.start, school.end) == (D(2025, 9, 1), D(2026, 8, 31))
    # with calendar quarters Q1 is Jan–Mar
    jan = parse_period("2026-Q1", CAL)
    assert (jan.start, jan.end) == (D(2026, 1, 1), D(2026, 3, 31))
    # figures with April quarters: Apr–Jun 2026 holds r3 (done 5/4) only
    p1_scenario(ledger)
    assert figures(ledger, "2026-Q1", april).indicators[CORRECTIVE] == 1
    # and the P1 QF70-2-7 request of 2/5
    assert figures(ledger, "2026-Q1", april).value("P1", REQUESTS) == 1


# -- 8. flows add up ----------------------------------------------------------------


SCENARIOS: dict[str, Callable[[Ledger], None]] = {
    "p1": p1_scenario,
    "p4": p4_scenario,
    "p7": p7_scenario,
    "p10": p10_issue_scenario,
    "plan": plan_scenario,
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_flow_and_money_figures_of_the_quarters_add_up_to_the_year(
    ledger: Ledger, name: str
) -> None:
    SCENARIOS[name](ledger)
    year = figures(ledger, "2026")
    quarters = [figures(ledger, f"2026-Q{n}") for n in range(1, 5)]
    checked = 0
    nonzero = 0
    for process in PROCESSES:
        for figure in year.figures(process):
            if figure.kind not in ("flow", "money"):
                continue
            values = [q.value(process, figure.label) for q in quarters]
            assert None not in values, (process, figure.label, values)
            assert figure.value is not None, (process, figure.label)
            assert sum(values) == figure.value, (process, figure.label, values, figure.value)
            checked += 1
            nonzero += figure.value != 0
    assert checked > 0
    assert nonzero > 0  # the scenario put something into at least one flow of 2026
