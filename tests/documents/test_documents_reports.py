"""Visit reports, the quarterly report, the period reports, letters and the digest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from ledger_factory import add_submission

from automation.core.errors import EtiError
from automation.core.periods import date_range, quarter
from automation.core.problems import Problem
from automation.documents import (
    make_activation_report,
    make_digest,
    make_helpdesk_report,
    make_initiatives_report,
    make_quarterly_report,
    make_rejection_letter,
    make_systems_report,
    make_visit_report,
    make_webpages_report,
    pending_documents,
)
from automation.ledger.store import Ledger
from automation.processes import figures_of, indicator_value
from automation.processes.figures import fmt_pct
from tests.documents.test_documents_helpers import (
    AMAL,
    NOOR,
    RAZI,
    D,
    all_text,
    assert_rtl,
    charts_in,
    clock,
    department,
    document_xml,
    find_table,
    no_tags_left,
    open_ledger,
    references,
    reject,
    visit,
)

Q1 = quarter(2026, 1)
DIRECTORATE = "المديرية"


def fill(ledger: object) -> dict[str, int]:
    ids: dict[str, int] = {}
    tickets = [
        ("T1", AMAL, D(2026, 1, 5), D(2026, 1, 7), "شبكة", "منفذ"),
        ("T2", NOOR, D(2026, 1, 9), D(2026, 1, 10), "شبكة", "منفذ"),
        ("T3", AMAL, D(2026, 2, 1), D(2026, 2, 3), "حماية", "منفذ"),
        ("T4", RAZI, D(2026, 3, 2), D(2026, 3, 9), "أجهزة", "منفذ"),
        ("T5", RAZI, D(2026, 3, 20), None, "أخرى", "مفتوح"),
        ("T6", NOOR, D(2026, 3, 25), D(2026, 4, 2), "شبكة", "منفذ"),
    ]
    add_submission(
        ledger, "HD-EXPORT", {},
        [{"ticket_no": t, "school": s, "opened": o, "closed": c, "category": k, "status": st}
         for t, s, o, c, k, st in tickets],
        received_at=D(2026, 4, 3),
    )
    add_submission(
        ledger, "QF75-11",
        {"school": AMAL, "request_date": D(2026, 2, 1), "channel": "هاتف", "reference": "ص/12"},
        [{"device_type": "حاسوب", "location": "مختبر حاسوب", "fault": "لا يعمل",
          "status": "تم الإصلاح", "done_date": D(2026, 2, 5), "action": "استبدال"},
         {"device_type": "طابعة", "location": "الإدارة", "fault": "لا تطبع",
          "status": "قيد المعالجة"}],
        received_at=D(2026, 2, 6),
    )
    add_submission(
        ledger, "QF12-1", {"year": "2026"},
        [
            {"process": "الإشراف الفني على مشروع الربط والحماية الإلكترونية",
             "goal": "تحسين الدعم", "activity": "متابعة طلبات الدعم الفني",
             "indicator": "عدد طلبات الدعم الفني المنفذة", "target": 5, "quarter": "الأول",
             "responsible": "فني الشبكات"},
            {"process": "مصادر التعلم: المختبرات والمكتبات والوسائل التعليمية",
             "goal": "متابعة المدارس", "activity": "زيارات ميدانية",
             "indicator": "عدد الزيارات الميدانية المنفذة", "target": 4, "quarter": "الأول",
             "responsible": "مشرف المختبرات"},
            {"process": "الأنظمة الإدارية والموقع الإلكتروني والحكومة الإلكترونية",
             "goal": "صفحات محدثة", "activity": "مراجعة الصفحات",
             "indicator": "متوسط نسبة تحقق معايير الصفحات", "target": 80, "quarter": "الأول",
             "responsible": "مسؤول الموقع"},
        ],
        received_at=D(2026, 1, 2),
    )
    ids["QF75-13"] = visit(
        ledger, "QF75-13",
        {"site": AMAL, "visit_date": D(2026, 3, 10), "purpose": "شبكة الألياف الضوئية",
         "visitors": "أحمد علي، منى سالم"},
        [{"item": "الكابل", "finding": "مقطوع", "recommendation": "استبدال الكابل",
          "responsible": "الشركة المنفذة", "due_date": D(2026, 3, 20)},
         {"item": "الخزانة", "finding": "سليمة"}],
        D(2026, 3, 10),
    )
    ids["QF70-2-9"] = visit(
        ledger, "QF70-2-9",
        {"school": NOOR, "visit_date": D(2026, 2, 15), "officer": "سعاد حسن",
         "recommendations": "تنظيم الرفوف\nزيادة الحصص المكتبية"},
        [{"criterion": "تنظيم المكتبة", "rating": "جيد جداً", "notes": "مرتبة"},
         {"criterion": "سجل الإعارة", "rating": "مقبول"}],
        D(2026, 2, 15),
    )
    ids["QF70-2-17"] = visit(
        ledger, "QF70-2-17",
        {"school": RAZI, "visit_date": D(2026, 3, 1), "lab": "كيمياء", "visitor": "منى سالم",
         "recommendations": "تحديث أدوات السلامة"},
        [{"criterion": "السلامة", "rating": "ضعيف", "notes": "لا يوجد طفاية"}],
        D(2026, 3, 1),
    )
    ids["QF70-2-40"] = visit(
        ledger, "QF70-2-40",
        {"school": AMAL, "visit_date": D(2026, 1, 20), "visitor": "خالد يوسف"},
        [{"aid": "جهاز عرض", "available": True, "used": False, "condition": "تحتاج صيانة"}],
        D(2026, 1, 20),
    )
    add_submission(
        ledger, "WEB-REVIEW", {"page": AMAL, "review_date": D(2026, 3, 5),
                               "last_news_date": D(2026, 2, 20)},
        [{"criterion": "تحديث الأخبار", "met": True}, {"criterion": "روابط الخدمات", "met": True},
         {"criterion": "بيانات التواصل", "met": False, "notes": "الهاتف قديم"}],
        received_at=D(2026, 3, 5),
    )
    add_submission(
        ledger, "WEB-REVIEW", {"page": DIRECTORATE, "review_date": D(2026, 3, 6)},
        [{"criterion": "تحديث الأخبار", "met": True}, {"criterion": "روابط الخدمات", "met": True}],
        received_at=D(2026, 3, 6),
    )
    add_submission(
        ledger, "EMIS-ISSUES", {},
        [
            {"date": D(2026, 1, 10), "school": AMAL, "system": "OpenEMIS", "user_level": "مدرسة",
             "problem": "تعذر الدخول", "status": "محلولة", "resolved_on": D(2026, 1, 12)},
            {"date": D(2026, 2, 10), "school": NOOR, "system": "OpenEMIS", "user_level": "مدرسة",
             "problem": "بطء في النظام", "status": "قيد المعالجة"},
            {"date": D(2026, 3, 1), "school": DIRECTORATE, "system": "منصة التعلم الإلكتروني",
             "user_level": "مديرية", "problem": "خطأ في الصلاحيات",
             "status": "محولة إلى مركز الملكة رانيا"},
        ],
        received_at=D(2026, 3, 2),
    )
    add_submission(
        ledger, "EMIS-UPDATES", {},
        [{"date": D(2026, 3, 3), "system": "OpenEMIS", "update": "إضافة شاشة الحضور",
          "source": "مركز الملكة رانيا"}],
        received_at=D(2026, 3, 4),
    )
    add_submission(
        ledger, "EMIS-ACTIVATION", {"school": AMAL, "visit_date": D(2026, 2, 20),
                                    "visitor": "منى سالم"},
        [{"function": "الحضور والغياب", "activated": True, "completion": "100"},
         {"function": "العلامات", "activated": True, "completion": "80"},
         {"function": "الجداول", "activated": False, "completion": "20"}],
        received_at=D(2026, 2, 21),
    )
    add_submission(
        ledger, "EMIS-ACTIVATION", {"school": NOOR, "visit_date": D(2026, 3, 15),
                                    "visitor": "خالد يوسف"},
        [{"function": "الحضور والغياب", "activated": True, "completion": "90"}],
        received_at=D(2026, 3, 16),
    )
    add_submission(
        ledger, "INITIATIVES", {},
        [{"initiative": "نادي البرمجة", "school": AMAL, "start_date": D(2026, 2, 1),
          "status": "فعالة", "participants": 25},
         {"initiative": "مبادرة القراءة", "school": NOOR, "start_date": D(2025, 10, 1),
          "status": "متوقفة"},
         {"initiative": "الروبوت", "school": RAZI, "start_date": D(2026, 5, 1),
          "status": "فعالة"}],
        received_at=D(2026, 3, 1),
    )
    reject(ledger, AMAL, "QF70-2-3", dt.datetime(2026, 2, 3, 9, 0))
    reject(ledger, AMAL, "QF70-2-3", dt.datetime(2026, 3, 3, 9, 0))
    reject(ledger, NOOR, "QF75-11", dt.datetime(2026, 1, 13, 9, 0))
    reject(ledger, "", "", dt.datetime(2026, 3, 30, 9, 0))
    reject(ledger, NOOR, "QF75-11", dt.datetime(2026, 4, 1, 9, 0))
    return ids


# -- visit reports -------------------------------------------------------------------------


def test_field_visit_report(world: tuple) -> None:
    dept, ledger, ids = world
    path = make_visit_report(dept, ledger, ids["QF75-13"], clock=clock(), references=references())
    assert path.parent == dept.outbox / "visits"
    assert path.name.startswith("2026-03-10-QF75-13-مدرسة-الأمل-الثانوية")
    assert_rtl(path)
    no_tags_left(path)
    header = find_table(path, "البيان")
    assert ["الموقع / المدرسة", AMAL] in header
    assert ["تاريخ الزيارة", "10/3/2026"] in header
    assert ["الغرض", "شبكة الألياف الضوئية"] in header
    rows = find_table(path, "البند")
    assert rows[0] == ["م", "البند", "الملاحظة", "التوصية", "الجهة المسؤولة", "موعد التنفيذ"]
    assert rows[1] == ["1", "الكابل", "مقطوع", "استبدال الكابل", "الشركة المنفذة", "20/3/2026"]
    assert rows[2][:3] == ["2", "الخزانة", "سليمة"]
    text = all_text(path)
    assert ("الكابل: استبدال الكابل (الجهة المسؤولة: الشركة المنفذة، موعد التنفيذ: 20/3/2026)"
            in text)
    signatures = find_table(path, "التوقيع")
    assert [r[:2] for r in signatures[1:]] == [
        ["الزائر", "أحمد علي"], ["الزائر", "منى سالم"], ["رئيس القسم", "م. سامر الخطيب"]
    ]
    assert "QF75-13 — صفحة" in text  # the footer: code and page numbers
    recorded = ledger.conn.execute(
        "SELECT kind, submission_id FROM documents WHERE path LIKE 'outbox/visits/%QF75-13%'"
    ).fetchall()
    assert [tuple(r) for r in recorded] == [("visit-report", ids["QF75-13"])]


def test_library_lab_and_aids_visit_reports(world: tuple) -> None:
    dept, ledger, ids = world
    library = make_visit_report(dept, ledger, ids["QF70-2-9"], clock=clock(),
                                references=references())
    text = all_text(library)
    assert "تقرير زيارة مسؤول المكتبات" in text
    assert "• تنظيم الرفوف" in text and "• زيادة الحصص المكتبية" in text
    assert "مسؤول المكتبات: سعاد حسن" in text
    rows = find_table(library, "المعيار")
    assert rows[0] == ["م", "المعيار", "التقدير", "ملاحظات"]
    assert rows[1] == ["1", "تنظيم المكتبة", "جيد جداً", "مرتبة"]
    lab = make_visit_report(dept, ledger, ids["QF70-2-17"], clock=clock(), references=references())
    assert ["المختبر", "كيمياء"] in find_table(lab, "البيان")
    aids = make_visit_report(dept, ledger, ids["QF70-2-40"], clock=clock(),
                             references=references())
    rows = find_table(aids, "الوسيلة")
    assert rows[1] == ["1", "جهاز عرض", "نعم", "لا", "تحتاج صيانة", ""]
    assert "لا توجد توصيات." in all_text(aids)
    for path in (library, lab, aids):
        assert_rtl(path)


def test_visit_report_of_another_form_is_refused(world: tuple) -> None:
    dept, ledger, _ = world
    hd = ledger.conn.execute("SELECT id FROM submissions WHERE form = 'HD-EXPORT'").fetchone()[0]
    with pytest.raises(EtiError) as info:
        make_visit_report(dept, ledger, hd, clock=clock(), references=references())
    assert "لا يُصدر له «تقرير زيارة»" in info.value.message_ar
    assert info.value.code == "not-visit-report"
    with pytest.raises(EtiError):
        make_visit_report(dept, ledger, 99999, clock=clock(), references=references())


# -- the quarterly report --------------------------------------------------------------------


def test_quarterly_report(world: tuple) -> None:
    dept, ledger, _ = world
    path = make_quarterly_report(dept, ledger, 2026, 1, clock=clock(), references=references())
    assert path == dept.outbox / "reports" / "تقرير-ربعي-2026-Q1.docx"
    assert_rtl(path)
    no_tags_left(path)
    text = all_text(path)
    assert "الربع الأول من عام 2026" in text
    for process in ("P1 — ", "P2 — ", "P5 — ", "P10 — "):
        assert process in text
    # every process's figures, as the process modules compute them
    for figure in figures_of(ledger, "P2", Q1, references()):
        assert f"{figure.label}\n{figure.text}" in text
    plan = find_table(path, "مؤشر الأداء")
    header = plan[0]
    lines = {r[header.index("مؤشر الأداء")]: r for r in plan[1:]}
    helpdesk = lines["عدد طلبات الدعم الفني المنفذة"]
    assert helpdesk[header.index("المستهدف")] == "5"
    assert helpdesk[header.index("المنجز")] == "4"
    assert helpdesk[header.index("النسبة")] == "80.0%"
    # P10 field visits of Q1, one school on one day each: NOOR 15/2 (QF70-2-9), RAZI 1/3
    # (QF70-2-17), AMAL 20/1 (QF70-2-40); AMAL 10/3 (QF75-13) is a fibre visit (P3): 3 of 4
    assert lines["عدد الزيارات الميدانية المنفذة"][header.index("المنجز")] == "3"
    assert lines["عدد الزيارات الميدانية المنفذة"][header.index("النسبة")] == "75.0%"
    pages = lines["متوسط نسبة تحقق معايير الصفحات"]
    expected = indicator_value(ledger, "متوسط نسبة تحقق معايير الصفحات", Q1)
    assert pages[header.index("المنجز")] == fmt_pct(expected)
    # help desk, maintenance devices, the plan's counts and its percentages: native charts,
    # each drawing figures a table of the report prints (issue 23)
    charts = charts_in(path)
    assert [c["direction"] for c in charts] == ["col", "col", "bar", "bar"]
    assert charts[0]["categories"] == ["شبكة", "أجهزة", "حماية"]  # most requests first
    assert charts[0]["series"] == {"عدد الطلبات": [2, 1, 1]}
    p1 = {f.key: f for f in figures_of(ledger, "P1", Q1, references())}
    devices = [p1[k] for k in ("p1.devices_reported", "p1.devices_repaired",
                               "p1.devices_unrepairable", "p1.devices_open")]
    assert charts[1]["categories"] == [f.label for f in devices]
    assert charts[1]["series"] == {"عدد الأجهزة": [int(f.value or 0) for f in devices]}
    for f in devices:  # the same figures the P1 table prints
        assert f"{f.label}\n{f.text}" in text
    percent = "متوسط نسبة تحقق معايير الصفحات"
    rows = [r for r in plan[1:] if r[header.index("مؤشر الأداء")] != percent]
    assert charts[2]["categories"] == [r[header.index("مؤشر الأداء")] for r in rows]
    assert list(charts[2]["series"]) == ["المستهدف", "المنجز"]
    assert charts[2]["series"]["المستهدف"] == [float(r[header.index("المستهدف")])
                                              for r in rows]
    assert charts[2]["series"]["المنجز"] == [float(r[header.index("المنجز")])
                                            for r in rows]  # 4 and 3: counts only
    assert charts[3]["categories"] == [percent]  # the pages' 83.3%, on an axis of its own
    assert charts[3]["series"]["المنجز"] == [float(pages[header.index("المنجز")].rstrip("%"))]
    assert charts[3]["series"]["المستهدف"] == [
        float(pages[header.index("المستهدف")].rstrip("%"))]
    assert charts[2]["legend"] == "b" and charts[0]["legend"] == "t"
    assert {c["width_mm"] for c in charts} == {150.0}
    assert charts[0]["workbook"] == [[None, "عدد الطلبات"], ["شبكة", 2], ["أجهزة", 1],
                                     ["حماية", 1]]
    visits = find_table(path, "الزائر")
    assert [r[1] for r in visits[1:]] == ["20/1/2026", "15/2/2026", "1/3/2026", "10/3/2026"]
    assert "تقارير الزيارات الميدانية (4)" in text  # every visit report, the fibre one too
    rejections = find_table(path, "عدد النماذج المعادة")
    assert rejections[1:] == [["1", AMAL, "2"], ["2", NOOR, "1"], ["3", "غير محددة", "1"],
                              ["", "المجموع", "4"]]
    again = make_quarterly_report(dept, ledger, 2026, 1, clock=clock(), references=references())
    assert again == path and path.exists()  # made again, it replaces the earlier one
    assert len(list((dept.outbox / ".previous" / path.parent.name).iterdir())) == 1


def test_quarterly_report_of_an_empty_quarter(world: tuple) -> None:
    dept, ledger, _ = world
    path = make_quarterly_report(dept, ledger, 2025, 3, clock=clock(), references=references())
    text = all_text(path)
    assert "لا توجد بيانات كافية لرسم المخططات" in text
    assert "لا توجد بيانات" in text
    assert charts_in(path) == []
    assert not Document(str(path)).inline_shapes


# -- the period reports -------------------------------------------------------------------------


def test_helpdesk_report(world: tuple) -> None:
    dept, ledger, _ = world
    path = make_helpdesk_report(dept, ledger, Q1, clock=clock(), references=references())
    assert path == dept.outbox / "reports" / "تقرير-الدعم-الفني-2026-Q1.docx"
    assert_rtl(path)
    categories = find_table(path, "التصنيف")
    assert categories[1] == ["شبكة", "2", "50.0%"]
    assert categories[2] == ["حماية", "1", "25.0%"]
    assert categories[-1][:2] == ["المجموع", "4"]
    schools = find_table(path, "المدرسة")
    assert schools[0] == ["م", "المدرسة", "شبكة", "حماية", "أجهزة", "بريد إلكتروني", "أخرى",
                          "المجموع"]
    assert schools[1] == ["1", AMAL, "1", "1", "0", "0", "0", "2"]
    assert schools[-1] == ["", "المجموع", "2", "1", "1", "0", "0", "4"]
    [chart] = charts_in(path)  # the categories with requests, in the list's order
    assert chart["categories"] == ["شبكة", "حماية", "أجهزة"]
    assert chart["series"] == {"عدد الطلبات": [2, 1, 1]}
    assert "بلغ عدد طلبات الدعم الفني المنفذة خلال الفترة 4 طلباً." in all_text(path)


def test_systems_report(world: tuple) -> None:
    dept, ledger, _ = world
    path = make_systems_report(dept, ledger, Q1, clock=clock(), references=references())
    by_system = find_table(path, "النظام")
    assert by_system[1] == ["OpenEMIS", "2", "1", "1", "0"]
    assert by_system[2] == ["منصة التعلم الإلكتروني", "1", "0", "0", "1"]
    open_issues = find_table(path, "المشكلة")
    assert [r[4] for r in open_issues[1:]] == ["بطء في النظام", "خطأ في الصلاحيات"]
    updates = find_table(path, "التحديث")
    assert updates[1][1:5] == ["3/3/2026", "OpenEMIS", "إضافة شاشة الحضور", "مركز الملكة رانيا"]


def test_activation_report(world: tuple) -> None:
    dept, ledger, _ = world
    path = make_activation_report(dept, ledger, Q1, clock=clock(), references=references())
    text = all_text(path)
    assert "متوسط نسبة الإنجاز في الفترة: 72.5%" in text
    schools = find_table(path, "تاريخ الزيارة")
    assert schools[1] == ["1", AMAL, "20/2/2026", "منى سالم", "3", "2", "66.7%"]
    assert schools[2] == ["2", NOOR, "15/3/2026", "خالد يوسف", "1", "1", "90.0%"]
    functions = find_table(path, "الوظيفة")
    assert ["الحضور والغياب", "2", "2", "95.0%"] in functions
    [chart] = charts_in(path)
    assert chart["categories"] == [AMAL, NOOR]
    assert chart["series"] == {"متوسط نسبة الإنجاز %": [66.7, 90]}


def test_initiatives_report(world: tuple) -> None:
    dept, ledger, _ = world
    path = make_initiatives_report(dept, ledger, Q1, clock=clock(), references=references())
    text = all_text(path)
    assert "عدد المبادرات الفعالة 1 من أصل 2 مبادرة، ونسبة التفعيل 50.0%." in text
    active = find_table(path, "المشاركون")
    assert active[1:] == [["1", "نادي البرمجة", AMAL, "1/2/2026", "25", ""]]
    assert "الروبوت" not in text  # starts after the quarter


def test_webpages_report_for_a_date_range(world: tuple) -> None:
    dept, ledger, _ = world
    period = date_range(D(2026, 3, 1), D(2026, 3, 31))
    path = make_webpages_report(dept, ledger, period, clock=clock(), references=references())
    assert path.parent == dept.outbox / "reports" and "2026-03-01_2026-03-31" in path.name
    pages = find_table(path, "تاريخ المراجعة")
    assert pages[1][1:] == [DIRECTORATE, "6/3/2026", "", "2", "2", "100.0%"]
    assert pages[2][1:] == [AMAL, "5/3/2026", "20/2/2026", "2", "3", "66.7%"]
    unmet = find_table(path, "المعيار")
    assert unmet[1:] == [["1", AMAL, "بيانات التواصل", "الهاتف قديم"]]
    average = fmt_pct(indicator_value(ledger, "متوسط نسبة تحقق معايير الصفحات", period))
    assert average in ("83.3%", "83.4%")  # the mean of exact scores, or of rounded ones
    assert f"متوسط نسبة تحقق المعايير: {average}" in all_text(path)
    assert f"متوسط نسبة تحقق المعايير\n{average}" in all_text(path)  # as in the figures
    [chart] = charts_in(path)
    assert chart["categories"] == [DIRECTORATE, AMAL]
    assert chart["series"] == {"نسبة تحقق المعايير %": [100, 66.7]}


# -- letters, digest, pending --------------------------------------------------------------------


def test_rejection_letter(tmp_path: Path) -> None:
    dept = department(tmp_path)
    with open_ledger(dept) as ledger:
        problems = [
            Problem("required", f"القيمة مطلوبة في الصف {n}", cell=f"C{n}", field="librarian",
                    message_en="required")
            for n in range(1, 231)
        ] + [Problem("hint", "تنبيه فقط", "warning", cell="A1")]
        sub = reject(ledger, AMAL, "QF70-2-3", dt.datetime(2026, 4, 4, 11, 0), problems,
                     name="مكتبة & آذار <نهائي>.xlsx")
        path = make_rejection_letter(dept, ledger, sub, clock=clock(), references=references())
        assert path == dept.outbox / "letters" / "2026-04-05-كتاب-إعادة-مدرسة-الأمل-الثانوية.docx"
        assert_rtl(path)
        no_tags_left(path)
        text = all_text(path)
        assert "الموضوع: إعادة نموذج التقرير الشهري للمكتبة المدرسية (QF70-2-3)" in text
        assert "الرقم: ت ت/2026/1" in text
        assert "«مكتبة & آذار <نهائي>.xlsx»" in text
        assert "بتاريخ 4/4/2026" in text
        assert f"حضرة مدير/ة {AMAL} المحترم/ة" in text
        table = find_table(path, "الملاحظة")
        assert len(table) == 1 + 200
        # a letter to a school is Arabic only: the English line stays in the errors
        # workbook, the log and --json (issue 23)
        assert table[1] == ["1", "C1", "أمين المكتبة", "القيمة مطلوبة في الصف 1"]
        assert "required" not in document_xml(path)
        assert "المطلوب: صحّح الخلايا الملوّنة بالأحمر" in text
        assert "What to do" not in text
        assert "وهناك 30 ملاحظة أخرى" in text
        assert "تنبيه فقط" not in text
        assert "م. سامر الخطيب" in text
        second = make_rejection_letter(dept, ledger, sub, clock=clock(), references=references())
        assert second.name.endswith("-2.docx")
        assert "الرقم: ت ت/2026/2" in all_text(second)
        unknown = reject(ledger, "", "", dt.datetime(2026, 4, 4, 12, 0))
        assert make_rejection_letter(dept, ledger, unknown, clock=clock()) is None
        accepted = add_submission(ledger, "INITIATIVES", {}, [
            {"initiative": "x", "school": AMAL, "start_date": D(2026, 1, 1), "status": "فعالة"}],
            received_at=D(2026, 1, 2))
        with pytest.raises(EtiError):
            make_rejection_letter(dept, ledger, accepted, clock=clock())


def test_daily_digest(tmp_path: Path) -> None:
    dept = department(tmp_path)
    day = D(2026, 4, 5)
    (dept.inbox / "وارد جديد.xlsx").write_bytes(b"x" * 3000)
    (dept.inbox / "~$lock.xlsx").write_bytes(b"x")
    with open_ledger(dept) as ledger:
        sub = add_submission(
            ledger, "QF75-13",
            {"site": RAZI, "visit_date": D(2026, 4, 2), "purpose": "الصيانة", "visitors": "علي"},
            [{"item": "الشبكة", "finding": "تعمل"}],
            received_at=dt.datetime(2026, 4, 5, 9, 15), name="زيارة الرازي.xlsx",
        )
        reject(ledger, NOOR, "QF70-2-3", dt.datetime(2026, 4, 5, 10, 2),
               [Problem("required", "عدد الكتب الكلي مطلوب", cell="C7", field="books_total"),
                Problem("bad-date", "تاريخ غير صحيح", cell="C4")], name="مكتبة النور.xlsx")
        reject(ledger, AMAL, "QF70-2-3", dt.datetime(2026, 4, 4, 10, 2))  # yesterday
        make_visit_report(dept, ledger, sub, clock=clock(), references=references())
        path = make_digest(dept, ledger, day, clock=clock(dt.datetime(2026, 4, 5, 13, 0)),
                           references=references())
        assert path == dept.outbox / "digest" / "2026-04-05-الملخص-اليومي.docx"
        assert_rtl(path)
        no_tags_left(path)
        text = all_text(path)
        assert "الأحد 5/4/2026" in text
        assert "ما ورد اليوم: 2 ملفاً" in text
        outcomes = find_table(path, "النتيجة")
        assert ["مقبول", "1"] in outcomes and ["مرفوض", "1"] in outcomes
        accepted = find_table(path, "الصفوف")
        assert accepted[1] == ["1", "09:15", "QF75-13 تقرير زيارة ميدانية", "", "زيارة الرازي.xlsx",
                               "1"]
        rejected = find_table(path, "أول ملاحظة")
        assert rejected[1][3] == NOOR
        assert rejected[1][5] == "C7: عدد الكتب الكلي مطلوب (+1)"
        waiting = find_table(path, "الحجم")
        assert [r[1] for r in waiting[1:]] == ["وارد جديد.xlsx"]
        registers = find_table(path, "السجل")
        # a field visit report shows in the registers of P1, P3, P4, P7 and P10 (each its
        # own purpose) and changes PLAN; P3's (its own process) is still marked to rewrite
        assert [r[2] for r in registers[1:]] == ["P1", "P3", "P4", "P7", "P10", "الخطة"]
        assert ["2", "سجل مواقع وأعطال الألياف الضوئية", "P3", "بانتظار التحديث"] in registers
        documents = find_table(path, "الوثيقة")
        assert documents[1][1] == "تقرير زيارة"
        assert documents[1][2].startswith("outbox/visits/2026-04-02-QF75-13-")
        assert ledger.conn.execute(
            "SELECT COUNT(*) FROM documents WHERE kind = 'daily-digest'").fetchone()[0] == 1


def owe_a_visit_report_and_a_letter(ledger: Ledger) -> tuple[int, int]:
    """An accepted visit form and a rejected form of a named school: their ids."""
    visit_id = add_submission(
        ledger, "QF70-2-40",
        {"school": AMAL, "visit_date": D(2026, 4, 1), "visitor": "خالد يوسف"},
        [{"aid": "مجسم", "available": True, "used": True}], received_at=D(2026, 4, 1))
    return visit_id, reject(ledger, NOOR, "QF70-2-3", dt.datetime(2026, 4, 4, 9, 0))


def test_pending_documents_are_made_once(tmp_path: Path) -> None:
    dept = department(tmp_path)
    with open_ledger(dept) as ledger:
        visit_id, rejected = owe_a_visit_report_and_a_letter(ledger)
        add_submission(ledger, "INITIATIVES", {}, [
            {"initiative": "x", "school": AMAL, "start_date": D(2026, 1, 1), "status": "فعالة"}],
            received_at=D(2026, 1, 2))
        reject(ledger, "", "", dt.datetime(2026, 4, 4, 9, 30))
        made = pending_documents(dept, ledger, clock=clock(), references=references())
        assert [p.parent.name for p in made] == ["visits", "letters"]
        kinds = dict(ledger.conn.execute("SELECT submission_id, kind FROM documents").fetchall())
        assert kinds == {visit_id: "visit-report", rejected: "rejection-letter"}
        assert pending_documents(dept, ledger, clock=clock(), references=references()) == []


def test_owed_documents_wait_when_the_service_stops(tmp_path: Path) -> None:
    """A stop asked for between two documents leaves the rest owed to the next batch."""
    dept = department(tmp_path)
    with open_ledger(dept) as ledger:
        visit_id, rejected = owe_a_visit_report_and_a_letter(ledger)
        asked: list[int] = []

        def stop_after_one() -> bool:
            asked.append(1)
            return len(asked) > 1

        made = pending_documents(dept, ledger, clock=clock(), references=references(),
                                 should_stop=stop_after_one)
        assert [p.parent.name for p in made] == ["visits"]  # the letter stays owed
        kinds = dict(ledger.conn.execute("SELECT submission_id, kind FROM documents").fetchall())
        assert kinds == {visit_id: "visit-report"}
        later = pending_documents(dept, ledger, clock=clock(), references=references())
        assert [p.parent.name for p in later] == ["letters"]
        kinds = dict(ledger.conn.execute("SELECT submission_id, kind FROM documents").fetchall())
        assert kinds == {visit_id: "visit-report", rejected: "rejection-letter"}


def test_pipeline_writes_visit_reports_and_letters(tmp_path: Path) -> None:
    """End to end: workbooks dropped into inbox/, one batch, the documents in outbox/."""
    from department_factory import drop, make_department, school_names

    from automation.intake.pipeline import run_batch

    dept = make_department(tmp_path / "dept")
    school = school_names(dept)[0]
    drop(dept, "زيارة مختبر.xlsx", "QF70-2-17",
         {"school": school, "visit_date": D(2026, 3, 1), "lab": "فيزياء", "visitor": "منى سالم",
          "recommendations": "تزويد المختبر بأدوات"},
         [{"criterion": "السلامة", "rating": "جيد"}])
    drop(dept, "تقرير مكتبة.xlsx", "QF70-2-3",
         {"school": school, "month": D(2026, 2, 1), "librarian": "سعاد"}, [])
    batch = run_batch(dept, clock=clock(dt.datetime(2026, 3, 10, 9, 0)))
    assert sorted(f.outcome for f in batch.files) == ["accepted", "rejected"]
    [report, letter] = batch.documents
    assert report.parent == dept.outbox / "visits"
    assert report.name.startswith(f"2026-03-01-QF70-2-17-{school.replace(' ', '-')}")
    rows = find_table(report, "المعيار")
    assert rows[1] == ["1", "السلامة", "جيد", ""]
    assert ["المختبر", "فيزياء"] in find_table(report, "البيان")
    assert "• تزويد المختبر بأدوات" in all_text(report)
    # the rejected file names its school: the letter back to it is written too
    assert letter.parent == dept.outbox / "letters"
    text = all_text(letter)
    assert "الموضوع: إعادة نموذج التقرير الشهري للمكتبة المدرسية (QF70-2-3)" in text
    assert "عدد الكتب الكلي" in text
    assert run_batch(dept, clock=clock(dt.datetime(2026, 3, 10, 11, 0))).documents == []
