"""Sample data for every template: the contract of its context variables.

``check_templates`` renders each template with these values, and the tests
check that the contexts the product builds have exactly these top-level keys.
A staff member editing a template in Word may use any variable listed here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from automation.documents.kinds import TEMPLATES, resolve
from automation.documents.render import ImageRef
from automation.processes import p01_maintenance, p03_fibre, p10_learning

Context = dict[str, Any]


def common(doc_code: str, title: str, image: ImageRef | str = "") -> Context:
    """Variables every template has: letterhead, QP-70-2 block, footer."""
    return {
        "directorate": {
            "name": "مديرية التربية والتعليم للواء الجامعة",
            "head": "م. سامر الخطيب",
            "director": "د. ليلى الحسن",
            "address": "عمّان — شارع الجامعة",
            "letter_prefix": "ت ت",
        },
        "department": "قسم تكنولوجيا التعليم والمعلومات",
        "logo": image,
        "doc_code": doc_code,
        "doc_title": title,
        "issue": "1/1",
        "date": "15/3/2026",
    }


def _figures() -> list[dict[str, str]]:
    return [{"label": "عدد الطلبات المنفذة", "value": "12"}, {"label": "النسبة", "value": "80%"}]


def decision_disposal(image: ImageRef | str = "") -> Context:
    return common("QP-70-2 / P5", "قرار لجنة الإتلاف", image) | {
        "number": "ت ت/2026/1",
        "draft": False,
        "void": False,
        "void_number": "ت ت/2026/9",
        "void_date": "20/4/2026",
        "void_reason": "أُدرجت في الكشف مواد ما زالت صالحة للاستعمال",
        "source_text": "جميع الجهات",
        "range_text": "",
        "committee": [
            {"role": "رئيس اللجنة", "name": "أحمد علي", "title": "رئيس قسم اللوازم"},
            {"role": "عضو", "name": "منى سالم", "title": "مشرفة حاسوب"},
        ],
        "items": [
            {
                "n": 1,
                "category": "حاسوب وملحقاته",
                "description": "جهاز حاسوب مكتبي",
                "asset_no": "PC-001",
                "quantity": 2,
                "reason": "تالف",
                "maintenance_ref": "م/15",
                "source": "مدرسة الأمل",
                "note": "",
            }
        ],
        "totals": [{"category": "حاسوب وملحقاته", "count": 1, "quantity": 2}],
        "item_count": 1,
        "total_quantity": 2,
        "warning_count": 0,
    }


def visit_report(image: ImageRef | str = "") -> Context:
    return common(p03_fibre.VISIT, "تقرير زيارة ميدانية", image) | {
        "form_code": p03_fibre.VISIT,
        "form_name": "تقرير زيارة ميدانية",
        "header_fields": [
            {"label": "الموقع / المدرسة", "value": "مدرسة الأمل"},
            {"label": "تاريخ الزيارة", "value": "10/3/2026"},
        ],
        "columns": ["البند", "الملاحظة", "التوصية"],
        "rows": [{"n": 1, "cells": ["الشبكة", "تعمل", "لا شيء"]}],
        "span_all": 4,
        "recommendations": ["متابعة الصيانة"],
        "visitors_label": "أسماء الزائرين",
        "visitors": "أحمد علي",
        "records": "مكان الحفظ: القسم — مدة الحفظ: سنة واحدة",
        "signatures": [{"role": "الزائر", "name": "أحمد علي"}],
    }


REISSUED = ("أُعيد إصدار هذا التقرير بتاريخ 20/4/2026، وكان قد صدر أول مرة بتاريخ 1/4/2026؛ "
            "وردت بعد إصداره الأول 3 من السجلات المؤرخة داخل الفترة، وهي محسوبة فيه.")
"""What a past period's report written again says ("" the first time: issue 24)."""


def quarterly_report(image: ImageRef | str = "") -> Context:
    return common("QP-70-2", "تقرير ربعي بإنجازات القسم", image) | {
        "reissued": REISSUED,
        "period": "الربع الأول من عام 2026",
        "period_start": "1/1/2026",
        "period_end": "31/3/2026",
        "processes": [
            {"code": "P2", "title": "الإشراف الفني على مشروع الربط", "figures": _figures()}
        ],
        "plan": [
            {
                "process": "P2",
                "activity": "متابعة الطلبات",
                "indicator": "عدد طلبات الدعم الفني المنفذة",
                "target": 10,
                "achieved": "12",
                "pct": "120%",
                "responsible": "القسم",
            }
        ],
        "charts": [{"title": "المستهدف والمنجز", "image": image}] if image else [],
        "visits": [
            {"date": "10/3/2026", "form": "تقرير زيارة ميدانية", "school": "مدرسة الأمل",
             "visitor": "أحمد علي"}
        ],
        "visit_count": 1,
        "rejections": [{"school": "مدرسة الأمل", "count": 2}],
        "rejections_total": 2,
    }


def ministry_report(image: ImageRef | str = "") -> Context:
    return common("QP-70-2", "تقرير ربعي بإنجازات أقسام تكنولوجيا التعليم والمعلومات في "
                  "المديريات", image) | {
        "period": "الربع الأول من عام 2026",
        "period_start": "1/1/2026",
        "period_end": "31/3/2026",
        "scope": "المديريات (2)",
        "directorates": ["مديرية التربية والتعليم للواء الجامعة",
                         "مديرية التربية والتعليم لمنطقة عمّان الأولى"],
        "weighted_note": "المجموع محسوب من سجلات المديريات جميعها معاً.",
        "indicators": [
            {"number": 1, "name": "عدد طلبات الدعم الفني المنفذة", "process": "P2",
             "rows": [{"name": "مديرية التربية والتعليم للواء الجامعة", "value": "12"},
                      {"name": "مديرية التربية والتعليم لمنطقة عمّان الأولى", "value": "8"}],
             "total": "20"},
        ],
        "charts": [{"title": "المؤشرات العددية حسب المديرية", "image": image}] if image else [],
    }


def _period(title: str, image: ImageRef | str) -> Context:
    return common("QP-70-2", title, image) | {"reissued": REISSUED,
                                               "period": "الربع الأول من عام 2026",
                                               "figures": _figures()}


def helpdesk_report(image: ImageRef | str = "") -> Context:
    return _period("التقرير الفني لطلبات الدعم الفني", image) | {
        "total": 3,
        "by_category": [{"category": "شبكة", "count": 3, "pct": "100%"}],
        "by_school": [{"school": "مدرسة الأمل", "counts": [3, 0, 0, 0, 0], "total": 3}],
        "category_totals": [3, 0, 0, 0, 0],
        "chart": image,
        "chart_title": "الطلبات المنفذة حسب التصنيف",
    }


def systems_report(image: ImageRef | str = "") -> Context:
    return _period("تقرير حالة الأنظمة التربوية", image) | {
        "by_system": [{"system": "OpenEMIS", "total": 2, "counts": [1, 1, 0]}],
        "status_totals": [1, 1, 0],
        "issues_total": 2,
        "open_issues": [
            {"date": "2/3/2026", "school": "مدرسة الأمل", "system": "OpenEMIS",
             "problem": "تعذر الدخول", "status": "قيد المعالجة"}
        ],
        "updates": [
            {"date": "5/3/2026", "system": "OpenEMIS", "change": "إضافة شاشة الحضور",
             "source": "مركز الملكة رانيا", "notes": ""}
        ],
        "systems": [{"system": "OpenEMIS", "problems": 2, "open": 1, "updates": 1,
                     "tested": 3, "passed": 2, "failed": 1}],
        "systems_total": {"problems": 2, "open": 1, "updates": 1, "tested": 3, "passed": 2,
                          "failed": 1},
        "failed_tests": [{"date": "8/3/2026", "system": "OpenEMIS", "user_level": "مديرية",
                          "function": "نقل الطلبة", "notes": "رسالة خطأ"}],
    }


def activation_report(image: ImageRef | str = "") -> Context:
    return _period("تقرير تفعيل وظائف الأنظمة", image) | {
        "overall_pct": "75%",
        "schools": [
            {"school": "مدرسة الأمل", "visit_date": "3/3/2026", "visitor": "منى سالم",
             "functions": 4, "activated": 3, "avg_completion": "75%"}
        ],
        "functions": [
            {"function": "الحضور والغياب", "schools": 1, "activated": 1,
             "avg_completion": "100%"}
        ],
        "chart": image,
        "chart_title": "متوسط نسبة الإنجاز حسب المدرسة",
        "qrc": [{"system": "OpenEMIS", "function": "الحضور والغياب", "target": "80%",
                 "by_date": "30/6/2026", "activated": 1, "schools": 3, "achieved": "33.3%",
                 "status": "لم يتحقق بعد"}],
        "qrc_met": 0,
        "qrc_total": 1,
        "qrc_pct": "0.0%",
    }


def initiatives_report(image: ImageRef | str = "") -> Context:
    return _period("تقرير المبادرات", image) | {
        "active_count": 1,
        "total_count": 2,
        "activation_pct": "50%",
        "by_status": [{"status": "فعالة", "count": 1}, {"status": "متوقفة", "count": 1}],
        "active": [
            {"initiative": "نادي البرمجة", "school": "مدرسة الأمل", "start_date": "1/2/2026",
             "participants": 25, "notes": ""}
        ],
        "started": [
            {"initiative": "نادي البرمجة", "school": "مدرسة الأمل", "start_date": "1/2/2026",
             "status": "فعالة"}
        ],
    }


def webpages_report(image: ImageRef | str = "") -> Context:
    return _period("تقرير الصفحات الإلكترونية", image) | {
        "average_score": "67%",
        "pages": [
            {"page": "مدرسة الأمل", "review_date": "4/3/2026", "last_news_date": "1/3/2026",
             "met": 2, "total": 3, "score": "67%"}
        ],
        "unmet": [{"page": "مدرسة الأمل", "criterion": "تحديث الأخبار", "notes": ""}],
        "chart": image,
        "chart_title": "نسبة تحقق المعايير حسب الصفحة",
        "criteria_met": 2,
        "criteria_total": 3,
        "services": [{"page": "مدرسة الأمل", "services": 2, "activated": 1, "in_period": 1,
                      "pct": "50.0%"}],
        "services_total": {"services": 2, "activated": 1, "in_period": 1, "pct": "50.0%"},
        "feedback": [{"kind": "شكوى", "received": 1, "handled": 1, "open": 0}],
        "feedback_total": {"received": 1, "handled": 1, "open": 0},
        "feedback_open": [{"date": "9/3/2026", "page": "مدرسة الأمل", "kind": "استفسار",
                           "text": "رابط التسجيل لا يعمل", "status": "جديدة"}],
    }


def rejection_letter(image: ImageRef | str = "") -> Context:
    return common("QP-70-2", "كتاب إعادة نموذج", image) | {
        "number": "ت ت/2026/7",
        "school": "مدرسة الأمل",
        "form_code": p10_learning.LIBRARY,
        "form_name": "نموذج التقرير الشهري للمكتبة المدرسية",
        "file_name": "مكتبة-آذار.xlsx",
        "received": "14/3/2026",
        "problem_count": 1,
        "problems": [{"n": 1, "cell": "C5", "field": "عدد الكتب الكلي", "message": "مطلوب"}],
        "more_count": 0,
        "action_ar": "صحّح الخلايا الملوّنة بالأحمر في ملف الأخطاء، ثم أرسله من جديد.",
    }


def daily_digest(image: ImageRef | str = "") -> Context:
    return common("QP-70-2", "الملخص اليومي", image) | {
        "day": "15/3/2026",
        "weekday": "الأحد",
        "arrived_total": 2,
        "by_outcome": [{"outcome": "مقبول", "count": 1}, {"outcome": "مرفوض", "count": 1}],
        "accepted": [
            {"time": "09:15", "form": p01_maintenance.REQUEST, "school": "مدرسة الأمل",
             "file": "صيانة.xlsx",
             "rows": 3}
        ],
        "accepted_count": 1,
        "rejected": [
            {"time": "10:02", "form": p10_learning.LIBRARY, "school": "مدرسة النور",
             "file": "مكتبة.xlsx",
             "problem": "C5: مطلوب"}
        ],
        "rejected_count": 1,
        "waiting": [{"name": "جديد.xlsx", "size": "12 ك.ب", "since": "11:40"}],
        "waiting_count": 1,
        "registers": [{"register": "سجل الإجراءات التصحيحية", "process": "P1",
                       "status": "بانتظار التحديث"}],
        "documents": [{"kind": "تقرير زيارة", "path": "outbox/visits/x.docx", "time": "09:16"}],
        "document_count": 1,
        "overdue": [{"staff": "عمر مصطفى القضاة", "task": "تحديث قائمة المدارس",
                     "due": "10/3/2026", "days": 5, "source": "محضر اجتماع 2026-03-01"}],
        "overdue_count": 1,
        "overdue_staff": 1,
        "missing_count": 3,  # issue 25: «لم ترد بعد»
        "missing_forms": [{"form": "نموذج التقرير الشهري للمكتبة المدرسية",
                           "missing": 2, "rejected": 1}],
        "missing_longest": [{"school": "مدرسة الأمل", "form": "التقرير الشهري للمكتبة",
                             "period": "11/2026", "days": 12}],
    }


def _letter(title: str, process: str, image: ImageRef | str) -> Context:
    return common(f"QP-70-2 / {process}".removesuffix(" / "), title, image) | {
        "number": "ت ت/2026/12",
        "to": "مدير/ة مدرسة الأمل",
        "subject": "شكر وتشجيع على مبادرة «نادي البرمجة»",
    }


def letter_thanks(image: ImageRef | str = "") -> Context:
    return _letter("كتاب شكر وتشجيع", "P8", image) | {
        "school": "مدرسة الأمل", "initiative": "نادي البرمجة"}


def letter_qrc(image: ImageRef | str = "") -> Context:
    return _letter("كتاب تغطية", "P10", image) | {
        "report_name": "تقرير ربعي بإنجازات قسم تكنولوجيا التعليم والمعلومات — "
                       "الربع الأول من عام 2026"}


def letter_free(image: ImageRef | str = "") -> Context:
    return _letter("كتاب", "", image) | {"body": ["الفقرة الأولى.", "الفقرة الثانية."]}


def meeting_minutes(image: ImageRef | str = "") -> Context:
    return common("QP-70-2", "محضر اجتماع", image) | {
        "kind": "اجتماع القسم",
        "meeting_day": "1/3/2026",
        "header_fields": [{"label": "تاريخ الاجتماع", "value": "1/3/2026"},
                          {"label": "الحضور", "value": "عمر القضاة، دعاء الزعبي"}],
        "decisions": [{"decision": "تحديث قائمة المدارس", "owner": "عمر مصطفى القضاة",
                       "due": "15/3/2026", "notes": ""}],
        "decision_count": 1,
        "signatures": [{"role": "رئيس الاجتماع", "name": "م. سامر الخطيب"},
                       {"role": "عضو", "name": "عمر مصطفى القضاة"}],
        "records": "مكان الحفظ: القسم — مدة الحفظ: سنة واحدة",
    }


def staff_report(image: ImageRef | str = "") -> Context:
    return common("QP-70-2", "شواهد أداء الموظف", image) | {
        "year": 2026,
        "staff": {"name": "عمر مصطفى القضاة", "job_title": "مهندس صيانة حاسوب"},
        "identity": [{"label": "الاسم", "value": "عمر مصطفى القضاة"},
                     {"label": "المسمى الوظيفي", "value": "مهندس صيانة حاسوب"}],
        "task_figures": [{"label": "المهام المكلف بها", "value": "3"}],
        "tasks": [{"task": "تحديث قائمة المدارس", "assigned": "1/3/2026", "due": "15/3/2026",
                   "state": "متأخرة", "source": "محضر اجتماع 2026-03-01"}],
        "visits": [{"day": "5/2/2026", "form": "QF75-13 تقرير زيارة ميدانية",
                    "place": "مدرسة الأمل", "role": "الزائر"}],
        "visit_count": 1,
        "repairs": [{"label": "الأجهزة التي أصلحها", "value": "4"}],
        "repair_count": 4,
        "meetings": [{"day": "1/3/2026", "kind": "اجتماع القسم", "role": "عضو"}],
        "meeting_count": 1,
        "inspections": [{"day": "9/3/2026", "official": "نعم", "aspect": "الانضباط",
                         "finding": "ملتزم بالدوام", "rating": "ممتاز"}],
        "inspection_count": 1,
    }


def technical_report(image: ImageRef | str = "") -> Context:
    return common(p01_maintenance.REQUEST, "تقرير فني", image) | {
        "form_code": p01_maintenance.REQUEST,
        "form_name": "نموذج طلب صيانة (أجهزة، شبكة) تقرير فني",
        "header_fields": [{"label": "المدرسة", "value": "مدرسة الأمل"},
                          {"label": "تاريخ الطلب", "value": "15/1/2026"}],
        "devices": [{"n": 1, "title": "حاسوب مكتبي — SN-0001",
                     "fields": [{"label": "وصف العطل", "value": "لا يقلع النظام"},
                                {"label": "التشخيص الفني", "value": "تلف القرص الصلب"},
                                {"label": "الكلفة (دينار)", "value": "25.500"}]}],
        "device_count": 1,
        "total_cost": "25.500",
        "signatures": [{"role": "الفني المنفذ", "name": "عمر مصطفى القضاة"},
                       {"role": "رئيس القسم", "name": "م. سامر الخطيب"}],
        "records": "مكان الحفظ: القسم — مدة الحفظ: سنة واحدة",
    }


def _sample(ref: str) -> Callable[..., Context]:
    module, _, name = ref.partition(":")
    return globals()[name] if module == __name__ else resolve(ref)  # type: ignore[no-any-return]


SAMPLES: dict[str, Callable[..., Context]] = {t.file: _sample(t.sample) for t in TEMPLATES}
"""Sample context of each template, by template file name, as the declarations name it
(:data:`automation.documents.kinds.TEMPLATES`; a declared template without its sample
fails here, on import)."""


def sample_context(name: str, image: ImageRef | str = "") -> Context:
    return SAMPLES[name](image)
