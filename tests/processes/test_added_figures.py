"""The figures of the forms issue 16 added, on small ledgers counted by hand (the comment
beside each assertion says which rows count and why): functions tested (P6), QRC's
targets (P7), e-services and feedback (P9), science fairs and multipurpose rooms (P10),
and the tenders' committees and specifications (P4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_factory import add_submission, backend_ledger

from automation.catalog.reference import DeviceSpec, References, School
from automation.core.periods import Calendar, parse_period
from automation.ledger.store import Ledger
from automation.processes import compute_figures, figures_of, p04_projects, p07_activation
from automation.processes.figures import RowSource

D = dt.date
AT = dt.datetime(2026, 9, 1, 9)
CAL = Calendar()
A, B, C = "مدرسة الأمل", "مدرسة النور", "مدرسة الفجر"
QUARTERS = [f"2026-Q{n}" for n in (1, 2, 3, 4)]


@pytest.fixture()
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with backend_ledger(tmp_path / "ledger.sqlite") as led:
        yield led


def values(ledger: Ledger | RowSource, code: str, period: str,
           references: object = None) -> dict[str, object]:
    return {f.label: f.value for f in figures_of(ledger, code, parse_period(period, CAL),
                                                 references)}


def test_p6_a_function_counts_once_with_its_latest_result(ledger: Ledger) -> None:
    def test(day: D, level: str, function: str, result: str) -> dict[str, object]:
        return {"test_date": day, "system": "OpenEMIS", "user_level": level,
                "function": function, "result": result}

    add_submission(ledger, "EMIS-TESTS", {}, [
        test(D(2026, 1, 10), "مدرسة", "إدخال العلامات", "ناجح"),   # t1
        test(D(2026, 2, 10), "مدرسة", "ادخال العلامات", "فاشل"),    # t2: t1 again (no hamza)
        test(D(2026, 2, 10), "مديرية", "إدخال العلامات", "ناجح"),  # t3: another level
        test(D(2026, 5, 3), "مدرسة", "إدخال العلامات", "ناجح"),    # t4: t1 again, in Q2
        test(D(2026, 5, 4), "وزارة", "نقل الطلبة", "فاشل"),         # t5
    ], received_at=AT)
    tested, passed, failed = ("الوظائف المختبرة", "الوظائف الناجحة في آخر اختبار",
                              "الوظائف الفاشلة في آخر اختبار")
    q1 = values(ledger, "P6", "2026-Q1")
    assert (q1[tested], q1[passed], q1[failed]) == (2, 1, 1)  # (t1→t2 failed), t3 passed
    q2 = values(ledger, "P6", "2026-Q2")
    assert (q2[tested], q2[passed], q2[failed]) == (2, 1, 1)  # t4 passed, t5 failed
    year = values(ledger, "P6", "2026")
    assert (year[tested], year[passed], year[failed]) == (3, 2, 1)  # t4, t3 passed; t5
    assert values(ledger, "P6", "2026-Q3")[tested] == 0


def activation(ledger: Ledger, school: str, day: D, marks: bool, attendance: bool) -> None:
    add_submission(ledger, "EMIS-ACTIVATION",
                   {"school": school, "visit_date": day, "visitor": "منى سالم"},
                   [{"function": "إدخال العلامات", "activated": marks, "completion": 80},
                    {"function": "الحضور والغياب", "activated": attendance, "completion": 50}],
                   received_at=AT)


def qrc_ledger(ledger: Ledger) -> None:
    """A QRC plan for the school year 2025/2026 (1/9/2025–31/8/2026): marks entry in 40% of
    schools by 31/3/2026, attendance in 60% by 30/6/2026; and one for 2026/2027.

    A is visited 10/2 (marks on) and 10/5 (marks off: its latest); B 20/3 (marks, attendance
    on); C 15/5 (attendance on)."""
    add_submission(ledger, "QRC-PLAN", {"year": "2025/2026"}, [
        {"system": "OpenEMIS", "function": "إدخال العلامات", "target_pct": 40,
         "by_date": D(2026, 3, 31)},
        {"system": "OpenEMIS", "function": "الحضور والغياب", "target_pct": 60,
         "by_date": D(2026, 6, 30)},
    ], received_at=AT)
    add_submission(ledger, "QRC-PLAN", {"year": "2026/2027"}, [
        {"system": "OpenEMIS", "function": "الجدول المدرسي", "target_pct": 10,
         "by_date": D(2027, 6, 30)},
    ], received_at=AT)
    activation(ledger, A, D(2026, 2, 10), marks=True, attendance=False)
    activation(ledger, B, D(2026, 3, 20), marks=True, attendance=True)
    activation(ledger, A, D(2026, 5, 10), marks=False, attendance=False)
    activation(ledger, C, D(2026, 5, 15), marks=False, attendance=True)


def test_p7_qrc_targets_over_the_directorates_schools(ledger: Ledger) -> None:
    qrc_ledger(ledger)
    refs = References(schools=[School(str(n), f"مدرسة {n}") for n in range(5)])
    lines, met, share = ("أهداف خطة مركز الملكة رانيا", "أهداف خطة المركز المتحققة",
                         "نسبة تحقق أهداف خطة المركز")
    q1 = values(ledger, "P7", "2026-Q1", refs)
    # at 31/3: marks on in A and B = 2 of 5 schools = 40% ≥ 40% (met); attendance 1/5 = 20%
    assert (q1[lines], q1[met], q1[share]) == (2, 1, Decimal("50.0"))
    q2 = values(ledger, "P7", "2026-Q2", refs)
    # at 30/6: marks on in B only (A's latest is off) = 20%; attendance B, C = 40% < 60%
    assert (q2[lines], q2[met], q2[share]) == (2, 0, Decimal("0.0"))
    # at 31/12 the plan of 2026/2027 holds the day: its one line, no school has it
    q4 = values(ledger, "P7", "2026-Q4", refs)
    assert (q4[lines], q4[met], q4[share]) == (1, 0, Decimal("0.0"))
    targets = p07_activation.qrc_targets(RowSource(ledger), D(2026, 6, 30), refs)
    assert [(t.function, t.activated, t.schools, t.achieved_pct, t.status) for t in targets] == [
        ("إدخال العلامات", 1, 5, Decimal("20.0"), "متأخر عن موعده"),  # due 31/3
        ("الحضور والغياب", 2, 5, Decimal("40.0"), "متأخر عن موعده"),  # due 30/6, that day
    ]
    early = p07_activation.qrc_targets(RowSource(ledger), D(2026, 3, 31), refs)
    assert [t.status for t in early] == ["متحقق", "لم يتحقق بعد"]


def test_p7_qrc_targets_without_a_schools_list_count_the_schools_followed(
        ledger: Ledger) -> None:
    qrc_ledger(ledger)
    q1 = values(ledger, "P7", "2026-Q1")
    # at 31/3 two schools were followed (A, B): marks 2/2 = 100% (met), attendance 1/2 = 50%
    assert q1["أهداف خطة المركز المتحققة"] == 1
    targets = p07_activation.qrc_targets(RowSource(ledger), D(2026, 3, 31), None)
    assert [(t.activated, t.schools) for t in targets] == [(2, 2), (1, 2)]
    assert values(ledger, "P7", "2025-Q2")["نسبة تحقق أهداف خطة المركز"] is None  # no plan


def test_p9_services_and_feedback(ledger: Ledger) -> None:
    add_submission(ledger, "E-SERVICES", {}, [
        {"page": A, "service": "التسجيل", "activated": True, "activated_on": D(2026, 2, 1)},
        {"page": A, "service": "كشف علامات", "activated": True, "activated_on": D(2026, 5, 1)},
        {"page": A, "service": "مصدقة", "activated": False},
        {"page": B, "service": "حجز موعد", "activated": True},  # undated: counted as before
    ], received_at=AT)
    add_submission(ledger, "FEEDBACK", {}, [
        {"date": D(2026, 1, 5), "page": A, "kind": "شكوى", "text": "x", "status": "مغلقة",
         "closed_on": D(2026, 1, 9)},                                                  # f1
        {"date": D(2026, 3, 25), "page": A, "kind": "اقتراح", "text": "x", "status": "مغلقة",
         "closed_on": D(2026, 4, 2)},                                                  # f2
        {"date": D(2026, 3, 28), "page": B, "kind": "استفسار", "text": "x",
         "status": "قيد المعالجة"},                                                    # f3
        {"date": D(2026, 5, 1), "page": B, "kind": "شكر", "text": "x", "status": "جديدة"},
    ], received_at=AT)
    listed, activated, in_period = ("الخدمات الإلكترونية المدرجة", "الخدمات الإلكترونية المفعلة",
                                    "الخدمات المفعلة خلال الفترة")
    received, handled, still_open = ("التغذية الراجعة الواردة", "التغذية الراجعة المعالجة",
                                     "التغذية الراجعة غير المغلقة حتى نهاية الفترة")
    q1, q2 = values(ledger, "P9", "2026-Q1"), values(ledger, "P9", "2026-Q2")
    assert (q1[listed], q1[activated], q1[in_period]) == (4, 2, 1)  # 1/2 and B's undated
    assert (q2[listed], q2[activated], q2[in_period]) == (4, 3, 1)  # and 1/5
    assert (q1[received], q1[handled], q1[still_open]) == (3, 1, 2)  # f1 closed; f2, f3 open
    assert (q2[received], q2[handled], q2[still_open]) == (1, 1, 2)  # f2 closed 2/4; f3, f4
    flows = [values(ledger, "P9", q) for q in QUARTERS]
    year = values(ledger, "P9", "2026")
    for label in (in_period, received, handled):
        assert sum(f[label] for f in flows) == year[label], label  # type: ignore[misc]


def test_p10_fairs_and_rooms(ledger: Ledger) -> None:
    add_submission(ledger, "SCIENCE-FAIR", {"school": A, "fair_date": D(2026, 3, 1),
                                            "level": "مدرسة"},
                   [{"project": "p1", "students": 3}, {"project": "p2", "students": 2}],
                   received_at=AT)
    add_submission(ledger, "SCIENCE-FAIR", {"school": B, "fair_date": D(2026, 4, 20),
                                            "level": "مديرية"},
                   [{"project": "p3", "students": 5}], received_at=AT)
    rooms = [{"room": "قاعة", "available": True, "condition": "جيدة", "uses_per_week": 4},
             {"room": "غرفة المصادر", "available": True, "condition": "جيدة"},  # not used
             {"room": "مستودع", "available": False, "condition": "سيئة", "uses_per_week": 3}]
    add_submission(ledger, "MP-ROOMS", {"school": A, "year": "2025/2026"}, rooms,
                   received_at=AT)
    add_submission(ledger, "MP-ROOMS", {"school": A, "year": "2026/2027"},
                   [{"room": "قاعة", "available": True, "condition": "جيدة",
                     "uses_per_week": 6}], received_at=AT)
    add_submission(ledger, "QF70-2-7", {"school": C, "request_date": D(2026, 2, 2),
                                        "requested_by": "المدير"},
                   [{"device_type": "مجهر", "quantity": 3, "fault": "x", "priority": "عادي"}],
                   received_at=AT)
    fairs, projects, students = ("المعارض العلمية المنفذة", "مشاريع المعارض العلمية",
                                 "الطلبة المشاركون في المعارض العلمية")
    available, used = "الغرف متعددة الأغراض المتوفرة", "الغرف متعددة الأغراض المستخدمة"
    q1, q2 = values(ledger, "P10", "2026-Q1"), values(ledger, "P10", "2026-Q2")
    assert (q1[fairs], q1[projects], q1[students]) == (1, 2, 5)
    assert (q2[fairs], q2[projects], q2[students]) == (1, 1, 5)
    # 2025/2026 is A's list in Q1 (2 available, 1 used); 2026/2027 from 1/9/2026 (1 and 1)
    assert (q1[available], q1[used]) == (2, 1)
    q4 = values(ledger, "P10", "2026-Q4")
    assert (q4[available], q4[used]) == (1, 1)
    assert q1["الأجهزة التعليمية المطلوب صيانتها"] == 3
    result = compute_figures(ledger, parse_period("2026", CAL), None, CAL)
    assert result.indicators["عدد المعارض العلمية المنفذة"] == 2
    assert result.value("P10", fairs) == 2


def test_p4_tenders_with_their_committees_and_specifications(ledger: Ledger) -> None:
    def item(tender: str, follow: str | None, spec: str | None, status: str) -> dict:
        return {"tender_no": tender, "title": "توريد", "school": A, "device_type": "حاسوب",
                "quantity": 2, "committee": "لجنة الاستلام", "follow_committee": follow,
                "spec_ref": spec, "status": status,
                "received_on": D(2026, 3, 1) if status == "تم الاستلام" else None}

    add_submission(ledger, "PRJ", {}, [
        item("ع/1", "لجنة المتابعة", "حاسوب: Core i5", "تم الاستلام"),
        item("ع/1", "لجنة المتابعة", "حاسوب: core  i5", "قيد التنفيذ"),  # the same, retyped
        item("ع/2", None, "طابعة: 40 صفحة", "تم الاستلام"),
        item("ع/2", None, None, "ملغى"),
    ], received_at=AT)
    approved = References(device_specs=[DeviceSpec("حاسوب", "حاسوب: Core i5", "1/1/2026")])
    found = p04_projects.projects(RowSource(ledger), p04_projects.approved_specs(approved))
    assert [(p.tender_no, p.committee, p.follow_committee, p.items, p.quantity, p.received,
             p.unapproved) for p in found] == [
        ("ع/1", "لجنة الاستلام", "لجنة المتابعة", 2, 4, 2, 0),
        ("ع/2", "لجنة الاستلام", "", 2, 4, 2, 1),  # «طابعة: 40 صفحة» is not approved
    ]
    assert found[0].specs == ["حاسوب: Core i5", "حاسوب: core  i5"]
    unlisted = p04_projects.projects(RowSource(ledger), p04_projects.approved_specs(None))
    assert [p.unapproved for p in unlisted] == [0, 0]  # no list: nothing to check against
