"""The forms issue 16 gave a home, filled from the product's own blank forms and dropped
into a department's inbox: each accepted or rejected as it should be, its rows in its
process's register, its figures in ``eti figures`` (counted by hand below).

EMIS-TESTS (P6), QRC-PLAN (P7), E-SERVICES and FEEDBACK (P9), SCIENCE-FAIR and MP-ROOMS
(P10), and PRJ's two new columns (P4); QF70-2-7 and QF70-2-12 show in P10's register.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from automation.catalog.blank import layout
from automation.catalog.forms import CATALOG
from automation.cli import main
from automation.core.department import Department
from automation.intake.inbox import FileResult
from automation.intake.pipeline import run_batch
from automation.registers.builder import register_path
from automation.registers.sheets import SUMMARY
from tests.department_factory import clock, drop, filled_workbook, make_department, school_names

D = dt.date
PRJ_SPEC = "حاسوب مكتبي: معالج Core i5، ذاكرة 8 غيغا"


def _tests_rows(result: str = "فاشل") -> list[dict[str, object]]:
    return [
        {"test_date": D(2026, 2, 10), "system": "OpenEMIS", "user_level": "مدرسة",
         "function": "إدخال العلامات", "result": "ناجح"},
        {"test_date": D(2026, 2, 10), "system": "OpenEMIS", "user_level": "مديرية",
         "function": "نقل الطلبة", "result": "ناجح"},
        # the school level's marks entry again, later: its latest result counts
        {"test_date": D(2026, 3, 1), "system": "OpenEMIS", "user_level": "مدرسة",
         "function": "إدخال العلامات", "result": result, "notes": "رسالة خطأ عند الحفظ"},
        {"test_date": D(2026, 3, 2), "system": "البريد الإلكتروني الرسمي", "user_level": "وزارة",
         "function": "إنشاء حساب مستخدم", "result": "ناجح"},
    ]


@pytest.fixture(scope="module")
def world(
    module_ledger: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Department, dict[str, FileResult]]:
    dept = make_department(tmp_path_factory.mktemp("added") / "dept")
    a, b, c = school_names(dept)[:3]
    files: dict[str, tuple[str, dict[str, object], list[dict[str, object]]]] = {
        # -- accepted ---------------------------------------------------------------------
        "اختبار الوظائف.xlsx": ("EMIS-TESTS", {}, _tests_rows()),
        "خطة المركز.xlsx": ("QRC-PLAN", {"year": "2026"}, [
            {"system": "OpenEMIS", "function": "إدخال العلامات", "target_pct": 50,
             "by_date": D(2026, 3, 15)},
            {"system": "OpenEMIS", "function": "الحضور والغياب", "target_pct": "25",
             "by_date": "31/12/2026"},
        ]),
        "تفعيل أ.xlsx": ("EMIS-ACTIVATION", {"school": a, "visit_date": D(2026, 2, 5),
                                              "visitor": "منى سالم"}, [
            {"function": "إدخال العلامات", "activated": "نعم", "completion": 90},
            {"function": "الحضور والغياب", "activated": "لا", "completion": 20},
        ]),
        "الخدمات.xlsx": ("E-SERVICES", {}, [
            {"page": a, "service": "التسجيل الإلكتروني", "activated": "نعم",
             "activated_on": D(2026, 3, 1)},
            {"page": a, "service": "طلب كشف علامات", "activated": "لا"},
            {"page": "موقع المديرية", "service": "حجز موعد", "activated": "نعم"},
        ]),
        "التغذية الراجعة.xlsx": ("FEEDBACK", {}, [
            {"date": D(2026, 1, 5), "page": a, "kind": "شكوى", "text": "رابط لا يعمل",
             "action": "أصلح الرابط", "status": "مغلقة", "closed_on": D(2026, 1, 8)},
            {"date": D(2026, 2, 10), "page": "OpenEMIS", "kind": "استفسار",
             "text": "موعد التسجيل", "status": "جديدة"},
            {"date": D(2026, 3, 20), "page": a, "kind": "اقتراح", "text": "إضافة التقويم",
             "action": "أضيف", "status": "مغلقة", "closed_on": D(2026, 4, 2)},
        ]),
        "المعرض العلمي.xlsx": ("SCIENCE-FAIR", {"school": a, "fair_date": D(2026, 3, 15),
                                                 "level": "مدرسة"}, [
            {"project": "الري الذكي", "students": 3, "supervisor": "أحمد علي",
             "prize": "المركز الأول"},
            {"project": "تنقية المياه", "students": 4},
            {"project": "البيت الموفر للطاقة", "students": 2},
        ]),
        "الغرف.xlsx": ("MP-ROOMS", {"school": b, "year": "2025/2026"}, [
            {"room": "قاعة الأنشطة", "available": "نعم", "condition": "جيدة",
             "uses_per_week": 6, "equipment": "جهاز عرض"},
            {"room": "غرفة المصادر", "available": "نعم", "condition": "متوسطة",
             "uses_per_week": 0},
            {"room": "الغرفة متعددة الأغراض", "available": "لا", "condition": "سيئة"},
        ]),
        "المشاريع.xlsx": ("PRJ", {}, [
            {"tender_no": "ع/1/2026", "title": "توريد حواسيب", "school": c,
             "device_type": "حاسوب مكتبي", "quantity": 5, "committee": "لجنة الاستلام",
             "follow_committee": "لجنة المتابعة الفرعية", "spec_ref": PRJ_SPEC,
             "received_on": D(2026, 2, 20), "status": "تم الاستلام"},
        ]),
        "طلب صيانة تعليمية.xlsx": ("QF70-2-7", {"school": c, "request_date": D(2026, 1, 20),
                                                "requested_by": "مدير المدرسة"}, [
            {"device_type": "مجهر ضوئي", "quantity": 2, "fault": "عدسة مكسورة",
             "priority": "عادي"},
        ]),
        "النقص.xlsx": ("QF70-2-12", {"school": c, "date": D(2026, 1, 10)}, [
            {"device_type": "حاسوب مكتبي", "required": 10, "available": 6, "working": 5},
        ]),
        # -- rejected ---------------------------------------------------------------------
        "اختبار خاطئ.xlsx": ("EMIS-TESTS", {}, _tests_rows(result="نجح تقريباً")),
        "خطة خاطئة.xlsx": ("QRC-PLAN", {"year": "2027"}, [
            {"system": "OpenEMIS", "function": "إدخال العلامات", "target_pct": 150,
             "by_date": D(2027, 6, 30)},
        ]),
        "خدمات خاطئة.xlsx": ("E-SERVICES", {}, [
            {"page": a, "service": "طلب مصدقة", "activated": "ربما"},
        ]),
        "تغذية خاطئة.xlsx": ("FEEDBACK", {}, [
            {"date": D(2026, 5, 5), "page": a, "kind": "شكوى", "text": "بطء",
             "status": "مغلقة"},
            {"date": D(2026, 5, 9), "page": a, "kind": "شكوى", "text": "بطء",
             "status": "مغلقة", "closed_on": D(2026, 5, 1)},
        ]),
        "معرض خاطئ.xlsx": ("SCIENCE-FAIR", {"school": b, "fair_date": D(2026, 4, 1),
                                            "level": "محافظة"}, [
            {"project": "الذراع الآلية", "students": 2},
        ]),
        "غرف خاطئة.xlsx": ("MP-ROOMS", {"school": c, "year": "2025/2026"}, [
            {"room": "قاعة", "available": "نعم", "condition": "ممتازة"},
        ]),
    }
    for name, (code, header, rows) in files.items():
        drop(dept, name, code, header, rows)
    # a projects list in the old layout: no follow-up committee, no specification column
    old = filled_workbook(dept, "PRJ", {}, [
        {"tender_no": "ع/2/2026", "title": "توريد طابعات", "school": b,
         "device_type": "طابعة ليزرية", "quantity": 2, "committee": "لجنة الاستلام",
         "status": "قيد التنفيذ"}], workbook_id="00000000-0000-4000-8000-000000000016")
    columns = layout(CATALOG.form("PRJ")).columns
    ws = old.worksheets[0]
    for key in ("spec_ref", "follow_committee"):  # the right-most first
        ws.delete_cols(openpyxl.utils.column_index_from_string(columns[key]))
    old.save(dept.inbox / "مشاريع بالشكل القديم.xlsx")
    batch = run_batch(dept, clock=clock("2026-04-05 10:00"), documents=False)
    return dept, {r.file: r for r in batch.files}


def errors(result: FileResult) -> set[tuple[str, str | None]]:
    return {(p.code, p.field) for p in result.problems if p.severity == "error"}


def test_each_new_form_is_accepted_with_its_rows(world: tuple) -> None:
    _, results = world
    accepted = {name: (r.form, r.rows) for name, r in results.items() if r.outcome == "accepted"}
    assert accepted == {
        "اختبار الوظائف.xlsx": ("EMIS-TESTS", 4),
        "خطة المركز.xlsx": ("QRC-PLAN", 2),
        "تفعيل أ.xlsx": ("EMIS-ACTIVATION", 2),
        "الخدمات.xlsx": ("E-SERVICES", 3),
        "التغذية الراجعة.xlsx": ("FEEDBACK", 3),
        "المعرض العلمي.xlsx": ("SCIENCE-FAIR", 3),
        "الغرف.xlsx": ("MP-ROOMS", 3),
        "المشاريع.xlsx": ("PRJ", 1),
        "طلب صيانة تعليمية.xlsx": ("QF70-2-7", 1),
        "النقص.xlsx": ("QF70-2-12", 1),
        "مشاريع بالشكل القديم.xlsx": ("PRJ", 1),
    }
    # PRJ_SPEC is not in device_specs.xlsx: accepted, with a warning saying so
    assert [(p.code, p.severity) for p in results["المشاريع.xlsx"].problems] == [
        ("unknown-spec", "warning")]
    for name in accepted:
        if name not in ("مشاريع بالشكل القديم.xlsx", "المشاريع.xlsx"):
            assert not results[name].problems, (name, results[name].problems)


def test_an_old_projects_list_is_accepted_with_a_warning_per_new_column(world: tuple) -> None:
    _, results = world
    old = results["مشاريع بالشكل القديم.xlsx"]
    assert {(p.code, p.severity, p.field) for p in old.problems} == {
        ("missing-column", "warning", "follow_committee"),
        ("missing-column", "warning", "spec_ref"),
    }
    assert sorted(p.message.split(" المطلوب")[0] for p in old.problems) == [
        "العمود «المواصفات المعتمدة» غير موجود في جدول النموذج.",
        "العمود «لجنة المتابعة» غير موجود في جدول النموذج."]


def test_each_new_form_is_rejected_with_an_arabic_reason(world: tuple) -> None:
    _, results = world
    rejected = {name: errors(r) for name, r in results.items() if r.outcome == "rejected"}
    assert rejected == {
        "اختبار خاطئ.xlsx": {("bad-choice", "النتيجة")},
        "خطة خاطئة.xlsx": {("out-of-range", "النسبة المستهدفة من المدارس")},
        "خدمات خاطئة.xlsx": {("bad-yesno", "مفعلة")},
        # closed without a closing date; closed before it was received
        "تغذية خاطئة.xlsx": {("needs-value", "تاريخ الإغلاق"), ("date-order", "تاريخ الإغلاق")},
        "معرض خاطئ.xlsx": {("bad-choice", "المستوى")},
        "غرف خاطئة.xlsx": {("bad-choice", "الحالة")},
    }
    for name in rejected:
        for problem in results[name].problems:
            assert any("\u0600" <= ch <= "\u06ff" for ch in problem.message), problem
    choice = next(p for p in results["معرض خاطئ.xlsx"].problems if p.code == "bad-choice")
    assert "مدرسة، مديرية، وزارة" in choice.message


def _sheet(dept: Department, process: str, form: str) -> list[dict[str, object]]:
    wb = openpyxl.load_workbook(register_path(dept, process), read_only=True)
    rows = [list(r) for r in wb[form].iter_rows(values_only=True)]
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(r)]


def test_the_rows_are_in_their_registers(world: tuple) -> None:
    dept, _ = world
    tests = _sheet(dept, "P6", "EMIS-TESTS")
    assert [(r["الوظيفة"], r["النتيجة"]) for r in tests] == [
        ("إدخال العلامات", "ناجح"), ("نقل الطلبة", "ناجح"), ("إدخال العلامات", "فاشل"),
        ("إنشاء حساب مستخدم", "ناجح")]
    assert [r["النسبة المستهدفة من المدارس"] for r in _sheet(dept, "P7", "QRC-PLAN")] == [50, 25]
    assert len(_sheet(dept, "P9", "E-SERVICES")) == 3
    assert [r["الحالة"] for r in _sheet(dept, "P9", "FEEDBACK")] == ["مغلقة", "جديدة", "مغلقة"]
    assert [r["المشروع"] for r in _sheet(dept, "P10", "SCIENCE-FAIR")] == [
        "الري الذكي", "تنقية المياه", "البيت الموفر للطاقة"]
    assert len(_sheet(dept, "P10", "MP-ROOMS")) == 3
    # the educational devices' requests and the shortage lists show in P10 too
    assert [r["نوع الجهاز"] for r in _sheet(dept, "P10", "QF70-2-7")] == ["مجهر ضوئي"]
    assert [r["العدد المطلوب"] for r in _sheet(dept, "P10", "QF70-2-12")] == [10]
    projects = _sheet(dept, "P4", "PRJ")
    assert [(r["لجنة الاستلام"], r["لجنة المتابعة"], r["المواصفات المعتمدة"])
            for r in projects] == [("لجنة الاستلام", "لجنة المتابعة الفرعية", PRJ_SPEC),
                                   ("لجنة الاستلام", None, None)]


def _summary(dept: Department, process: str, title: str, header: str) -> list[list[object]]:
    """The rows of the summary table whose title starts with ``title``, from its header row
    (whose first cell is ``header``; the notes between are skipped), empty cells left out."""
    ws = openpyxl.load_workbook(register_path(dept, process), read_only=True)[SUMMARY]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if str(r[0] or "").startswith(title))
    start = next(i for i in range(start, len(rows)) if rows[i][0] == header)
    out = []
    for row in rows[start:]:
        if row[0] is None:
            break
        out.append([c for c in row if c is not None])
    return out


def test_the_registers_summaries(world: tuple) -> None:
    dept, _ = world
    # P4: both committees and the specification each tender follows; PRJ_SPEC is not in
    # the department's device_specs.xlsx (the demo's list), so its row is counted unapproved;
    # the old-layout tender names no specification (nothing to approve)
    assert _summary(dept, "P4", "المشاريع والعطاءات", "رقم العطاء")[1:] == [
        ["ع/1/2026", "توريد حواسيب", "لجنة الاستلام", "لجنة المتابعة الفرعية", PRJ_SPEC,
         1, 5, 5, 1],
        ["ع/2/2026", "توريد طابعات", "لجنة الاستلام", 1, 2, 0, 0],
    ]
    # P7: QRC's targets on the day the register was written (5/4/2026): marks entry in 1 of
    # the department's 12 schools (8.3% < 50%, due 15/3: late); attendance in none
    qrc = _summary(dept, "P7", "خطة عمل مركز", "السنة")
    assert [r[2:] for r in qrc[1:]] == [
        ["إدخال العلامات", 50, dt.datetime(2026, 3, 15), 1, 12, 8.3, "متأخر عن موعده"],
        ["الحضور والغياب", 25, dt.datetime(2026, 12, 31), 0, 12, 0, "لم يتحقق بعد"],
    ]
    # P6: the latest result of each function at each level
    tests = _summary(dept, "P6", "اختبار الوظائف", "النظام")
    assert tests[1:] == [["OpenEMIS", "مدرسة", 0, 1, 1], ["OpenEMIS", "مديرية", 1, 0, 1],
                         ["البريد الإلكتروني الرسمي", "وزارة", 1, 0, 1], ["المجموع", 2, 1, 3]]
    # every register says where its records are kept and for how long
    records = _summary(dept, "P10", "جدول السجلات", "النموذج")
    assert ["MP-ROOMS الغرف متعددة الأغراض", "المدرسة", "سنة واحدة"] in records
    assert ["SCIENCE-FAIR المعرض العلمي", "القسم", "سنة واحدة"] in records


def test_eti_figures_show_the_new_figures(world: tuple) -> None:
    dept, _ = world
    result = CliRunner().invoke(main, ["figures", "--root", str(dept.root), "--period",
                                       "2026-Q1", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    figures = {code: {f["label"]: f["value"] for f in items}
               for code, items in printed["processes"].items()}
    assert printed["indicators"]["عدد المعارض العلمية المنفذة"] == 1
    p10 = figures["P10"]
    assert (p10["المعارض العلمية المنفذة"], p10["مشاريع المعارض العلمية"],
            p10["الطلبة المشاركون في المعارض العلمية"]) == (1, 3, 9)
    # the school year 2025/2026 is in progress: its list's 2 rooms there, 1 used weekly
    assert (p10["الغرف متعددة الأغراض المتوفرة"], p10["الغرف متعددة الأغراض المستخدمة"]) == (2, 1)
    assert p10["الأجهزة التعليمية المطلوب صيانتها"] == 2
    p6 = figures["P6"]
    assert (p6["الوظائف المختبرة"], p6["الوظائف الناجحة في آخر اختبار"],
            p6["الوظائف الفاشلة في آخر اختبار"]) == (3, 2, 1)
    p7 = figures["P7"]  # at 31/3: marks entry 1 of 12 schools (8.3% < 50%), attendance 0
    assert (p7["أهداف خطة مركز الملكة رانيا"], p7["أهداف خطة المركز المتحققة"],
            p7["نسبة تحقق أهداف خطة المركز"]) == (2, 0, 0.0)
    p9 = figures["P9"]
    assert (p9["الخدمات الإلكترونية المدرجة"], p9["الخدمات الإلكترونية المفعلة"],
            p9["الخدمات المفعلة خلال الفترة"]) == (3, 2, 1)
    assert (p9["التغذية الراجعة الواردة"], p9["التغذية الراجعة المعالجة"],
            p9["التغذية الراجعة غير المغلقة حتى نهاية الفترة"]) == (3, 1, 2)
    before = CliRunner().invoke(main, ["figures", "--root", str(dept.root), "--period",
                                       "2025-Q2", "--json"])
    p10_before = {f["label"]: f["value"] for f in json.loads(before.output)["processes"]["P10"]}
    # before the school year 2025/2026 began (1/9/2025) its list says nothing
    assert (p10_before["الغرف متعددة الأغراض المتوفرة"],
            p10_before["الغرف متعددة الأغراض المستخدمة"]) == (0, 0)


def test_the_blank_forms_say_where_they_are_kept(world: tuple) -> None:
    dept, _ = world
    for code, line in (("MP-ROOMS", "مكان الحفظ: المدرسة — مدة الحفظ: سنة واحدة"),
                       ("QRC-PLAN", "مكان الحفظ: القسم — مدة الحفظ: سنة واحدة بعد انتهاء سنتها"),
                       ("QF70-2-8", "مكان الحفظ: القسم — مدة الحفظ: دائم")):
        ws = openpyxl.load_workbook(Path(dept.forms) / f"{code}.xlsx").worksheets[0]
        assert ws["A3"].value == line
