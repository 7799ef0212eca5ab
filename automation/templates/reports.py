"""The templates of the period reports (P2, P6, P7, P8, P9): the tables each report's
context (:mod:`automation.documents.reports`) fills."""

from __future__ import annotations

from automation.processes import p02_helpdesk, p06_systems
from automation.templates.blocks import C, chart, each, numbered, table, titled, when
from automation.templates.doc import TemplateDoc
from automation.templates.docx_xml import NOTE_COLOR, Run

HD_CATEGORIES: tuple[str, ...] = p02_helpdesk.CATEGORIES
EMIS_STATUSES: tuple[str, ...] = p06_systems.STATUSES


def _period_report(title: str) -> TemplateDoc:
    t = titled(title, title, "{{ period }}")
    reissued(t)
    t.heading("ملخص الفترة")
    t.figures()
    return t


def reissued(t: TemplateDoc) -> None:
    """A past period's report written again says so under its title, with the records
    that arrived late (issue 24; :mod:`automation.documents.reissue`)."""
    with when(t, "reissued"):
        t.p(Run("{{ reissued }}", bold=True, size=10, color=NOTE_COLOR), align="center",
            after=6)


def _chart(t: TemplateDoc) -> None:
    with when(t, "chart"):
        chart(t, "{{ chart }}", "{{ chart_title }}")


def helpdesk_report() -> TemplateDoc:
    t = _period_report("التقرير الفني لطلبات الدعم الفني المنفذة")
    t.p("بلغ عدد طلبات الدعم الفني المنفذة خلال الفترة {{ total }} طلباً.")
    t.heading("الطلبات المنفذة حسب التصنيف")
    table(
        t, "c in by_category",
        ("التصنيف", "category", 90), ("العدد", "count", 42, C), ("النسبة", "pct", 42, C),
        totals=("المجموع", "{{ total }}", ""),
    )
    _chart(t)
    t.heading("الطلبات المنفذة حسب المدرسة والتصنيف")
    numbered(
        t, "s in by_school",
        ("المدرسة", "school", 56),
        *[(name, f"counts[{i}]", 16, C) for i, name in enumerate(HD_CATEGORIES)],
        ("المجموع", "total", 18, C),
        totals=("", "المجموع",
                *["{{ category_totals[" + str(i) + "] }}" for i in range(len(HD_CATEGORIES))],
                "{{ total }}"),
    )
    t.head_signature()
    return t


def systems_report() -> TemplateDoc:
    t = _period_report("تقرير حالة الأنظمة التربوية والتحديثات الجديدة")
    t.heading("المشكلات حسب النظام")
    table(
        t, "s in by_system",
        ("النظام", "system", 60), ("المجموع", "total", 20, C),
        *[(name, f"counts[{i}]", 24, C) for i, name in enumerate(EMIS_STATUSES)],
        totals=("المجموع", "{{ issues_total }}",
                *["{{ status_totals[" + str(i) + "] }}" for i in range(len(EMIS_STATUSES))]),
    )
    t.heading("حالة كل نظام: المشكلات والتحديثات واختبار الوظائف")
    table(
        t, "s in systems",
        ("النظام", "system", 44), ("المشكلات المسجلة", "problems", 20, C),
        ("لم تُحل", "open", 16, C), ("التحديثات", "updates", 18, C),
        ("الوظائف المختبرة", "tested", 20, C), ("ناجحة", "passed", 16, C),
        ("فاشلة", "failed", 16, C),
        size=9,
        totals=("المجموع", *("{{ systems_total." + k + " }}" for k in (
            "problems", "open", "updates", "tested", "passed", "failed"))),
    )
    t.p("الوظيفة المختبرة: وظيفة نظام عند مستوى مستخدم؛ تُحسب مرة واحدة في الفترة بنتيجة "
        "آخر اختبار لها.", size=9)
    t.heading("الوظائف التي فشل اختبارها")
    numbered(
        t, "f in failed_tests",
        ("تاريخ الاختبار", "date", 22, C), ("النظام", "system", 30),
        ("مستوى المستخدم", "user_level", 22, C), ("الوظيفة", "function", 50),
        ("ملاحظات", "notes", 42),
    )
    t.heading("المشكلات التي لم تُحل بعد")
    numbered(
        t, "i in open_issues",
        ("التاريخ", "date", 20, C), ("المدرسة", "school", 32), ("النظام", "system", 26),
        ("المشكلة", "problem", 52), ("الحالة", "status", 36),
    )
    t.heading("التحديثات الجديدة على الأنظمة")
    numbered(
        t, "u in updates",
        ("التاريخ", "date", 20, C), ("النظام", "system", 28), ("التحديث", "change", 60),
        ("الجهة", "source", 28), ("ملاحظات", "notes", 30),
    )
    t.head_signature()
    return t


def activation_report() -> TemplateDoc:
    t = _period_report("تقرير نتائج زيارات متابعة تفعيل وظائف الأنظمة ونسب الإنجاز")
    t.p(Run("متوسط نسبة الإنجاز في الفترة: {{ overall_pct }}", bold=True))
    t.heading("النتائج حسب المدرسة")
    numbered(
        t, "s in schools",
        ("المدرسة", "school", 46), ("تاريخ الزيارة", "visit_date", 22, C),
        ("الزائر", "visitor", 32), ("عدد الوظائف", "functions", 20, C),
        ("المفعلة", "activated", 18, C), ("متوسط الإنجاز", "avg_completion", 28, C),
    )
    _chart(t)  # it draws the table above
    t.heading("النتائج حسب الوظيفة")
    table(
        t, "f in functions",
        ("الوظيفة", "function", 74), ("عدد المدارس", "schools", 30, C),
        ("مفعلة في", "activated", 30, C), ("متوسط الإنجاز", "avg_completion", 40, C),
    )
    t.heading("الإنجاز مقابل خطة عمل مركز الملكة رانيا")
    with when(t, "qrc"):
        t.p("تحقق {{ qrc_met }} من أصل {{ qrc_total }} من أهداف خطة المركز حتى نهاية الفترة "
            "({{ qrc_pct }}).")
    numbered(
        t, "q in qrc",
        ("النظام", "system", 28), ("الوظيفة", "function", 36), ("المستهدف", "target", 18, C),
        ("الموعد", "by_date", 20, C),
        ("المدارس المفعلة", "{{ q.activated }} من {{ q.schools }}", 22, C),
        ("المنجز", "achieved", 16, C), ("الحالة", "status", 26, C),
    )
    with when(t, "not qrc"):
        t.p("لا توجد خطة عمل لمركز الملكة رانيا تغطي هذه الفترة.")
    t.p("المنجز = المدارس التي وُجدت الوظيفة مفعلة فيها في آخر زيارة متابعة حتى نهاية الفترة "
        "÷ مدارس المديرية.", size=9)
    t.head_signature()
    return t


def initiatives_report() -> TemplateDoc:
    t = _period_report("تقرير المبادرات والمشاريع الإبداعية")
    t.p(
        "عدد المبادرات الفعالة {{ active_count }} من أصل {{ total_count }} مبادرة، "
        "ونسبة التفعيل {{ activation_pct }}."
    )
    t.heading("المبادرات حسب الحالة")
    table(t, "s in by_status", ("الحالة", "status", 120), ("العدد", "count", 54, C),
          totals=("المجموع", "{{ total_count }}"))
    t.heading("قائمة المبادرات الفعالة")
    numbered(
        t, "i in active",
        ("المبادرة", "initiative", 50), ("المدرسة", "school", 40),
        ("تاريخ البدء", "start_date", 22, C), ("المشاركون", "participants", 18, C),
        ("ملاحظات", "notes", 36),
    )
    t.heading("تقرير التفعيل: المبادرات التي بدأت خلال الفترة")
    numbered(
        t, "i in started",
        ("المبادرة", "initiative", 56), ("المدرسة", "school", 46),
        ("تاريخ البدء", "start_date", 28, C), ("الحالة", "status", 36, C),
    )
    t.head_signature()
    return t


def webpages_report() -> TemplateDoc:
    t = _period_report("تقرير مدى تحقق معايير الصفحات الإلكترونية للمديرية والمدارس")
    t.p(Run("متوسط نسبة تحقق المعايير: {{ average_score }}", bold=True))
    t.p("تحقق {{ criteria_met }} معياراً من أصل {{ criteria_total }} في مراجعات الفترة، "
        "والخدمات الإلكترونية المفعلة {{ services_total.activated }} من أصل "
        "{{ services_total.services }}، وعولجت {{ feedback_total.handled }} من التغذية "
        "الراجعة.")
    t.heading("النتائج حسب الصفحة")
    numbered(
        t, "p in pages",
        ("الصفحة", "page", 48), ("تاريخ المراجعة", "review_date", 22, C),
        ("آخر خبر منشور", "last_news_date", 22, C), ("المعايير المتحققة", "met", 22, C),
        ("عدد المعايير", "total", 22, C), ("النسبة", "score", 20, C),
    )
    _chart(t)
    t.heading("المعايير غير المتحققة")
    numbered(
        t, "u in unmet",
        ("الصفحة", "page", 50), ("المعيار", "criterion", 66), ("ملاحظات", "notes", 50),
    )
    t.heading("الخدمات الإلكترونية المفعلة")
    numbered(
        t, "s in services",
        ("الصفحة", "page", 60), ("الخدمات", "services", 24, C), ("المفعلة", "activated", 24, C),
        ("فُعّلت خلال الفترة", "in_period", 28, C), ("نسبة التفعيل", "pct", 24, C),
        totals=("", "المجموع", *("{{ services_total." + k + " }}" for k in (
            "services", "activated", "in_period", "pct"))),
    )
    t.heading("التغذية الراجعة: الواردة والمعالجة")
    table(
        t, "f in feedback",
        ("النوع", "kind", 60), ("الواردة خلال الفترة", "received", 38, C),
        ("المعالجة (مغلقة) خلال الفترة", "handled", 40, C),
        ("غير مغلقة في نهاية الفترة", "open", 36, C),
        totals=("المجموع", *("{{ feedback_total." + k + " }}" for k in (
            "received", "handled", "open"))),
    )
    t.heading("التغذية الراجعة غير المغلقة")
    numbered(
        t, "f in feedback_open",
        ("التاريخ", "date", 20, C), ("الصفحة أو النظام", "page", 40), ("النوع", "kind", 18, C),
        ("النص", "text", 60), ("الحالة", "status", 22, C),
    )
    t.head_signature()
    return t


def ministry_report() -> TemplateDoc:
    """The ministry's quarterly report across directorates: the letterhead, a table per
    QF12-1 indicator (a row per directorate and the total), the charts."""
    t = TemplateDoc("تقرير ربعي على مستوى المديريات")
    t.letterhead()
    t.title("تقرير ربعي بإنجازات أقسام تكنولوجيا التعليم والمعلومات في المديريات",
            "{{ period }}")
    t.p("يعرض هذا التقرير مؤشرات الخطة السنوية (QF12-1) في كل مديرية خلال {{ period }} "
        "(من {{ period_start }} إلى {{ period_end }})، ومجموعها في {{ scope }}.")
    t.p(Run("{{ weighted_note }}", color="595959"), size=10, after=6)
    t.heading("أولاً: المؤشرات حسب المديرية", size=14)
    with each(t, "i in indicators"):
        t.p(Run("{{ i.number }}. {{ i.name }} ({{ i.process }})", bold=True), before=4,
            keep_next=True)
        table(t, "d in i.rows", ("المديرية", "name", 120), ("القيمة", "value", 54, C),
              totals=("المجموع", "{{ i.total }}"), empty=None)
    t.heading("ثانياً: الرسوم البيانية", size=14)
    with each(t, "c in charts"):
        chart(t, "{{ c.image }}", "{{ c.title }}", after=0, keep_next=True)
    with when(t, "not charts"):
        t.p("لا توجد قيم في هذه الفترة لرسم المخططات.")
    return t
