"""The report tables issue 16 added, counted by hand: the P6 status per system (functions
tested, passed and failed beside problems and updates), the P7 activation report against
QRC's plan, the P9 web-pages report's services and feedback, and the records-table line
of every visit report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ledger_factory import add_submission

from automation.core.periods import quarter
from automation.documents import (
    make_activation_report,
    make_systems_report,
    make_visit_report,
    make_webpages_report,
)
from automation.ledger.store import Ledger
from tests.documents.test_documents_helpers import (
    AMAL,
    NOOR,
    RAZI,
    D,
    all_text,
    assert_rtl,
    clock,
    find_table,
    no_tags_left,
    references,
    visit,
)

Q1 = quarter(2026, 1)
AT = dt.datetime(2026, 4, 1, 9)


def fill(ledger: Ledger) -> dict[str, int]:
    add_submission(ledger, "EMIS-ISSUES", {}, [
        {"date": D(2026, 1, 10), "school": AMAL, "system": "OpenEMIS", "user_level": "مدرسة",
         "problem": "بطء", "status": "محلولة", "resolved_on": D(2026, 1, 12)},
        {"date": D(2026, 2, 10), "school": NOOR, "system": "OpenEMIS", "user_level": "مدرسة",
         "problem": "خطأ", "status": "قيد المعالجة"},
    ], received_at=AT)
    add_submission(ledger, "EMIS-UPDATES", {}, [
        {"date": D(2026, 3, 3), "system": "openemis", "update": "شاشة الحضور"},  # typed freely
        {"date": D(2026, 3, 4), "system": "منصة درسك", "update": "واجهة جديدة"},
    ], received_at=AT)
    add_submission(ledger, "EMIS-TESTS", {}, [
        {"test_date": D(2026, 2, 1), "system": "OpenEMIS", "user_level": "مدرسة",
         "function": "إدخال العلامات", "result": "ناجح"},
        {"test_date": D(2026, 3, 1), "system": "OpenEMIS", "user_level": "مدرسة",
         "function": "إدخال العلامات", "result": "فاشل", "notes": "لا تحفظ العلامة"},
        {"test_date": D(2026, 3, 1), "system": "OpenEMIS", "user_level": "مديرية",
         "function": "نقل الطلبة", "result": "ناجح"},
        {"test_date": D(2026, 3, 2), "system": "منصة التعلم الإلكتروني", "user_level": "وزارة",
         "function": "رفع الواجبات", "result": "ناجح"},
    ], received_at=AT)
    add_submission(ledger, "QRC-PLAN", {"year": "2026"}, [
        {"system": "OpenEMIS", "function": "إدخال العلامات", "target_pct": 60,
         "by_date": D(2026, 3, 31)},
        {"system": "OpenEMIS", "function": "الحضور والغياب", "target_pct": 30,
         "by_date": D(2026, 12, 31)},
    ], received_at=AT)
    for school, day, marks in ((AMAL, D(2026, 2, 5), True), (NOOR, D(2026, 3, 5), True)):
        add_submission(ledger, "EMIS-ACTIVATION",
                       {"school": school, "visit_date": day, "visitor": "منى سالم"},
                       [{"function": "إدخال العلامات", "activated": marks, "completion": 90},
                        {"function": "الحضور والغياب", "activated": False, "completion": 10}],
                       received_at=AT)
    add_submission(ledger, "WEB-REVIEW", {"page": AMAL, "review_date": D(2026, 3, 5)},
                   [{"criterion": "الأخبار", "met": True}, {"criterion": "التواصل", "met": False}],
                   received_at=AT)
    add_submission(ledger, "E-SERVICES", {}, [
        {"page": AMAL, "service": "التسجيل", "activated": True, "activated_on": D(2026, 1, 20)},
        {"page": AMAL, "service": "كشف علامات", "activated": False},
        {"page": NOOR, "service": "حجز موعد", "activated": True, "activated_on": D(2025, 11, 1)},
    ], received_at=AT)
    add_submission(ledger, "FEEDBACK", {}, [
        {"date": D(2026, 1, 5), "page": AMAL, "kind": "شكوى", "text": "رابط معطل",
         "status": "مغلقة", "closed_on": D(2026, 1, 7)},
        {"date": D(2026, 2, 5), "page": AMAL, "kind": "شكوى", "text": "بطء الصفحة",
         "status": "قيد المعالجة"},
        {"date": D(2026, 3, 9), "page": NOOR, "kind": "اقتراح", "text": "إضافة التقويم",
         "status": "جديدة"},
    ], received_at=AT)
    return {"QF70-2-17": visit(
        ledger, "QF70-2-17",
        {"school": RAZI, "visit_date": D(2026, 3, 1), "lab": "كيمياء", "visitor": "منى سالم"},
        [{"criterion": "السلامة", "rating": "جيد"}], D(2026, 3, 1))}


def test_the_system_status_report_per_system(world: tuple) -> None:
    dept, ledger, _ = world
    path = make_systems_report(dept, ledger, Q1, clock=clock(), references=references())
    assert_rtl(path)
    no_tags_left(path)
    status = find_table(path, "الوظائف المختبرة")
    assert status[0] == ["النظام", "المشكلات المسجلة", "لم تُحل", "التحديثات",
                         "الوظائف المختبرة", "ناجحة", "فاشلة"]
    # OpenEMIS: 2 problems (1 open), 1 update («openemis» typed freely), marks entry at
    # school level (its latest test failed) and transfers at directorate level (passed)
    assert status[1:] == [
        ["OpenEMIS", "2", "1", "1", "2", "1", "1"],
        ["منصة التعلم الإلكتروني", "0", "0", "0", "1", "1", "0"],
        ["منصة درسك", "0", "0", "1", "0", "0", "0"],
        ["المجموع", "2", "1", "2", "3", "2", "1"],
    ]
    failed = find_table(path, "تاريخ الاختبار")
    assert failed[1:] == [["1", "1/3/2026", "OpenEMIS", "مدرسة", "إدخال العلامات",
                           "لا تحفظ العلامة"]]


def test_the_activation_report_against_qrcs_plan(world: tuple) -> None:
    dept, ledger, _ = world
    path = make_activation_report(dept, ledger, Q1, clock=clock(), references=references())
    no_tags_left(path)
    qrc = find_table(path, "المستهدف")
    # at 31/3: marks entry activated in 2 of the 3 schools of the list (66.7% ≥ 60%);
    # attendance in none (0% < 30%, due 31/12)
    assert qrc[1:] == [
        ["1", "OpenEMIS", "إدخال العلامات", "60.0%", "31/3/2026", "2 من 3", "66.7%", "متحقق"],
        ["2", "OpenEMIS", "الحضور والغياب", "30.0%", "31/12/2026", "0 من 3", "0.0%",
         "لم يتحقق بعد"],
    ]
    text = all_text(path)
    assert "تحقق 1 من أصل 2 من أهداف خطة المركز حتى نهاية الفترة (50.0%)." in text
    assert "أهداف خطة مركز الملكة رانيا\n2" in text  # the figures table too


def test_an_activation_report_without_a_qrc_plan_says_so(world: tuple) -> None:
    dept, ledger, _ = world
    path = make_activation_report(dept, ledger, quarter(2025, 1), clock=clock(),
                                  references=references())
    assert "لا توجد خطة عمل لمركز الملكة رانيا تغطي هذه الفترة." in all_text(path)


def test_the_web_pages_report_shows_services_and_feedback(world: tuple) -> None:
    dept, ledger, _ = world
    path = make_webpages_report(dept, ledger, Q1, clock=clock(), references=references())
    no_tags_left(path)
    services = find_table(path, "فُعّلت خلال الفترة")
    # NOOR's service was activated in November 2025: activated, not in the period
    assert services[1:] == [
        ["1", AMAL, "2", "1", "1", "50.0%"],
        ["2", NOOR, "1", "1", "0", "100.0%"],
        ["", "المجموع", "3", "2", "1", "66.7%"],
    ]
    feedback = find_table(path, "الواردة خلال الفترة")
    assert feedback[1:] == [["شكوى", "2", "1", "1"], ["اقتراح", "1", "0", "1"],
                            ["المجموع", "3", "1", "2"]]
    still_open = find_table(path, "الصفحة أو النظام")
    assert [r[4] for r in still_open[1:]] == ["بطء الصفحة", "إضافة التقويم"]
    assert ("تحقق 1 معياراً من أصل 2 في مراجعات الفترة، والخدمات الإلكترونية المفعلة 2 من "
            "أصل 3، وعولجت 1 من التغذية الراجعة.") in all_text(path)


def test_every_visit_report_says_where_its_record_is_kept(world: tuple) -> None:
    dept, ledger, ids = world
    path = make_visit_report(dept, ledger, ids["QF70-2-17"], clock=clock(),
                             references=references())
    assert isinstance(path, Path)
    assert "مكان الحفظ: القسم — مدة الحفظ: سنة واحدة" in all_text(path).splitlines()
