"""The forms of P6 (information systems) to P9 (web pages): the systems side of the
department's work (with QP-70-2's step 3 of P6, QRC's action plan, the e-services
and the feedback the pages receive)."""

from __future__ import annotations

from automation.catalog.forms.vocabulary import (
    DIRECTORATE,
    SYSTEMS,
    dept,
    f,
    notes,
    school,
)
from automation.catalog.model import FormSpec, Rule

TEST_LEVELS = ("مدرسة", "مديرية", "وزارة")
"""The user levels whose functions are tested (P6 step 3)."""
TEST_RESULTS = ("ناجح", "فاشل")
FEEDBACK_KINDS = ("شكوى", "اقتراح", "استفسار", "شكر")
FEEDBACK_STATUSES = ("جديدة", "قيد المعالجة", "مغلقة")
PLAN_RETENTION = "سنة واحدة بعد انتهاء سنتها"

FORMS: tuple[FormSpec, ...] = (
    # -- P6, P7 -------------------------------------------------------------------
    dept(
        "EMIS-ISSUES",
        "سجل مشكلات الأنظمة التربوية",
        "System problems log",
        "P6",
        rows=(
            f("date", "التاريخ", "date", True),
            school(extra_choices=(DIRECTORATE,)),
            f("system", "النظام", "choice", True, choices=SYSTEMS),
            f("user_level", "مستوى المستخدم", "choice", True, choices=("مدرسة", "مديرية")),
            f("problem", "المشكلة", req=True),
            f("action", "الإجراء"),
            f(
                "status",
                "الحالة",
                "choice",
                True,
                choices=("محلولة", "قيد المعالجة", "محولة إلى مركز الملكة رانيا"),
            ),
            f("resolved_on", "تاريخ الحل", "date"),
        ),
        rules=(
            Rule("not_before", ("resolved_on", "date")),
            Rule("needs", ("resolved_on",), when="status", values=("محلولة",)),
        ),
        record_date="date",
    ),
    dept(
        "EMIS-UPDATES",
        "سجل تحديثات الأنظمة",
        "System updates log",
        "P6",
        rows=(
            f("date", "التاريخ", "date", True),
            f("system", "النظام", req=True),
            f("update", "التحديث", req=True),
            f("source", "الجهة"),
            notes(),
        ),
        record_date="date",
    ),
    dept(
        "EMIS-TESTS",
        "اختبار وظائف الأنظمة حسب مستوى المستخدم",
        "Function tests by user level",
        "P6",
        rows=(
            f("test_date", "تاريخ الاختبار", "date", True),
            f("system", "النظام", "choice", True, choices=SYSTEMS),
            f("user_level", "مستوى المستخدم", "choice", True, choices=TEST_LEVELS),
            f("function", "الوظيفة", req=True),
            f("result", "النتيجة", "choice", True, choices=TEST_RESULTS),
            notes(),
        ),
        record_date="test_date",
    ),
    dept(
        "EMIS-ACTIVATION",
        "متابعة تفعيل وظائف الأنظمة",
        "Function activation follow-up",
        "P7",
        header=(
            school(),
            f("visit_date", "تاريخ الزيارة", "date", True),
            f("visitor", "الزائر", req=True),
        ),
        rows=(
            f("function", "الوظيفة", req=True),
            f("activated", "مفعلة", "yesno", True),
            f("completion", "نسبة الإنجاز", "pct", True),
            notes(),
        ),
        identity=("school", "visit_date"),
        record_date="visit_date",
    ),
    dept(
        "QRC-PLAN",
        "خطة عمل مركز الملكة رانيا",
        "QRC action plan",
        "P7",
        retention_ar=PLAN_RETENTION,
        retention_from_year_end=True,
        header=(f("year", "السنة", "year", True),),
        rows=(
            f("system", "النظام", req=True),
            f("function", "الوظيفة", req=True),
            f("target_pct", "النسبة المستهدفة من المدارس", "pct", True),
            f("by_date", "الموعد", "date", True),
        ),
        identity=("year",),
        record_date="year",
    ),
    # -- P8 ---------------------------------------------------------------------
    dept(
        "INITIATIVES",
        "سجل المبادرات والمشاريع الإبداعية",
        "Initiatives register",
        "P8",
        rows=(
            f("initiative", "المبادرة", req=True),
            school(),
            f("start_date", "تاريخ البدء", "date", True),
            f("status", "الحالة", "choice", True, choices=("فعالة", "متوقفة", "منتهية")),
            f("participants", "عدد المشاركين", "int"),
            notes(),
        ),
        record_date="start_date",
    ),
    # -- P9 ---------------------------------------------------------------------
    dept(
        "WEB-REVIEW",
        "مراجعة الصفحة الإلكترونية",
        "Web page review",
        "P9",
        header=(
            f("page", "الصفحة", req=True),
            f("review_date", "تاريخ المراجعة", "date", True),
            f("last_news_date", "تاريخ آخر خبر منشور", "date"),
        ),
        rows=(
            f("criterion", "المعيار", req=True),
            f("met", "متحقق", "yesno", True),
            notes(),
        ),
        identity=("page", "review_date"),
        record_date="review_date",
    ),
    dept(
        "E-SERVICES",
        "الخدمات الإلكترونية",
        "E-services per page",
        "P9",
        rows=(
            f("page", "الصفحة", req=True),
            f("service", "الخدمة", req=True),
            f("activated", "مفعلة", "yesno", True),
            f("activated_on", "تاريخ التفعيل", "date"),
            notes(),
        ),
        record_date="activated_on",
    ),
    dept(
        "FEEDBACK",
        "التغذية الراجعة",
        "Feedback received",
        "P9",
        rows=(
            f("date", "التاريخ", "date", True),
            f("page", "الصفحة أو النظام", req=True),
            f("sender", "المرسل"),
            f("kind", "النوع", "choice", True, choices=FEEDBACK_KINDS),
            f("text", "النص", req=True),
            f("action", "الإجراء المتخذ"),
            f("status", "الحالة", "choice", True, choices=FEEDBACK_STATUSES),
            f("closed_on", "تاريخ الإغلاق", "date"),
        ),
        rules=(
            Rule("not_before", ("closed_on", "date")),
            Rule("needs", ("closed_on",), when="status", values=(FEEDBACK_STATUSES[2],)),
        ),
        record_date="date",
    ),
)
