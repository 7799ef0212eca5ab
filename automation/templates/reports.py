"""The templates of the period reports (P2, P6, P7, P8, P9): the tables each report's
context (:mod:`automation.documents.reports`) fills."""

from __future__ import annotations

from automation.processes import p02_helpdesk, p06_systems
from automation.templates.doc import TemplateDoc
from automation.templates.docx_xml import Col, Run

HD_CATEGORIES: tuple[str, ...] = p02_helpdesk.CATEGORIES
EMIS_STATUSES: tuple[str, ...] = p06_systems.STATUSES


def _period_report(title: str) -> TemplateDoc:
    t = TemplateDoc(title)
    t.letterhead()
    t.title(title, "{{ period }}")
    t.heading("ملخص الفترة")
    t.figures()
    return t


def _chart(t: TemplateDoc) -> None:
    t.tag("{%p if chart %}")
    t.p("{{ chart }}", align="center", after=2)
    t.p(Run("{{ chart_title }}", bold=True), align="center", size=10, after=8)
    t.tag("{%p endif %}")


def helpdesk_report() -> TemplateDoc:
    t = _period_report("التقرير الفني لطلبات الدعم الفني المنفذة")
    t.p("بلغ عدد طلبات الدعم الفني المنفذة خلال الفترة {{ total }} طلباً.")
    t.heading("الطلبات المنفذة حسب التصنيف")
    t.table(
        [
            Col("التصنيف", "{{ c.category }}", 90),
            Col("العدد", "{{ c.count }}", 42, "center"),
            Col("النسبة", "{{ c.pct }}", 42, "center"),
        ],
        "c in by_category",
        totals=("المجموع", "{{ total }}", ""),
    )
    _chart(t)
    t.heading("الطلبات المنفذة حسب المدرسة والتصنيف")
    cat_cols = [
        Col(name, "{{ s.counts[" + str(i) + "] }}", 16, "center")
        for i, name in enumerate(HD_CATEGORIES)
    ]
    t.table(
        [Col("م", "{{ loop.index }}", 8, "center"), Col("المدرسة", "{{ s.school }}", 56),
         *cat_cols, Col("المجموع", "{{ s.total }}", 18, "center")],
        "s in by_school",
        size=9,
        totals=("", "المجموع",
                *["{{ category_totals[" + str(i) + "] }}" for i in range(len(HD_CATEGORIES))],
                "{{ total }}"),
    )
    t.head_signature()
    return t


def systems_report() -> TemplateDoc:
    t = _period_report("تقرير حالة الأنظمة التربوية والتحديثات الجديدة")
    t.heading("المشكلات حسب النظام")
    status_cols = [
        Col(name, "{{ s.counts[" + str(i) + "] }}", 24, "center")
        for i, name in enumerate(EMIS_STATUSES)
    ]
    t.table(
        [Col("النظام", "{{ s.system }}", 60), Col("المجموع", "{{ s.total }}", 20, "center"),
         *status_cols],
        "s in by_system",
        totals=("المجموع", "{{ issues_total }}",
                *["{{ status_totals[" + str(i) + "] }}" for i in range(len(EMIS_STATUSES))]),
    )
    t.heading("حالة كل نظام: المشكلات والتحديثات واختبار الوظائف")
    t.table(
        [
            Col("النظام", "{{ s.system }}", 44),
            Col("المشكلات المسجلة", "{{ s.problems }}", 20, "center"),
            Col("لم تُحل", "{{ s.open }}", 16, "center"),
            Col("التحديثات", "{{ s.updates }}", 18, "center"),
            Col("الوظائف المختبرة", "{{ s.tested }}", 20, "center"),
            Col("ناجحة", "{{ s.passed }}", 16, "center"),
            Col("فاشلة", "{{ s.failed }}", 16, "center"),
        ],
        "s in systems",
        size=9,
        totals=("المجموع", *("{{ systems_total." + k + " }}" for k in (
            "problems", "open", "updates", "tested", "passed", "failed"))),
    )
    t.p("الوظيفة المختبرة: وظيفة نظام عند مستوى مستخدم؛ تُحسب مرة واحدة في الفترة بنتيجة "
        "آخر اختبار لها.", size=9)
    t.heading("الوظائف التي فشل اختبارها")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("تاريخ الاختبار", "{{ f.date }}", 22, "center"),
            Col("النظام", "{{ f.system }}", 30),
            Col("مستوى المستخدم", "{{ f.user_level }}", 22, "center"),
            Col("الوظيفة", "{{ f.function }}", 50),
            Col("ملاحظات", "{{ f.notes }}", 42),
        ],
        "f in failed_tests",
        size=9,
    )
    t.heading("المشكلات التي لم تُحل بعد")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("التاريخ", "{{ i.date }}", 20, "center"),
            Col("المدرسة", "{{ i.school }}", 32),
            Col("النظام", "{{ i.system }}", 26),
            Col("المشكلة", "{{ i.problem }}", 52),
            Col("الحالة", "{{ i.status }}", 36),
        ],
        "i in open_issues",
        size=9,
    )
    t.heading("التحديثات الجديدة على الأنظمة")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("التاريخ", "{{ u.date }}", 20, "center"),
            Col("النظام", "{{ u.system }}", 28),
            Col("التحديث", "{{ u.change }}", 60),
            Col("الجهة", "{{ u.source }}", 28),
            Col("ملاحظات", "{{ u.notes }}", 30),
        ],
        "u in updates",
        size=9,
    )
    t.head_signature()
    return t


def activation_report() -> TemplateDoc:
    t = _period_report("تقرير نتائج زيارات متابعة تفعيل وظائف الأنظمة ونسب الإنجاز")
    t.p(Run("متوسط نسبة الإنجاز في الفترة: {{ overall_pct }}", bold=True))
    t.heading("النتائج حسب المدرسة")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("المدرسة", "{{ s.school }}", 46),
            Col("تاريخ الزيارة", "{{ s.visit_date }}", 22, "center"),
            Col("الزائر", "{{ s.visitor }}", 32),
            Col("عدد الوظائف", "{{ s.functions }}", 20, "center"),
            Col("المفعلة", "{{ s.activated }}", 18, "center"),
            Col("متوسط الإنجاز", "{{ s.avg_completion }}", 28, "center"),
        ],
        "s in schools",
        size=9,
    )
    t.heading("النتائج حسب الوظيفة")
    t.table(
        [
            Col("الوظيفة", "{{ f.function }}", 74),
            Col("عدد المدارس", "{{ f.schools }}", 30, "center"),
            Col("مفعلة في", "{{ f.activated }}", 30, "center"),
            Col("متوسط الإنجاز", "{{ f.avg_completion }}", 40, "center"),
        ],
        "f in functions",
    )
    _chart(t)
    t.heading("الإنجاز مقابل خطة عمل مركز الملكة رانيا")
    t.tag("{%p if qrc %}")
    t.p("تحقق {{ qrc_met }} من أصل {{ qrc_total }} من أهداف خطة المركز حتى نهاية الفترة "
        "({{ qrc_pct }}).")
    t.tag("{%p endif %}")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("النظام", "{{ q.system }}", 28),
            Col("الوظيفة", "{{ q.function }}", 36),
            Col("المستهدف", "{{ q.target }}", 18, "center"),
            Col("الموعد", "{{ q.by_date }}", 20, "center"),
            Col("المدارس المفعلة", "{{ q.activated }} من {{ q.schools }}", 22, "center"),
            Col("المنجز", "{{ q.achieved }}", 16, "center"),
            Col("الحالة", "{{ q.status }}", 26, "center"),
        ],
        "q in qrc",
        size=9,
    )
    t.tag("{%p if not qrc %}")
    t.p("لا توجد خطة عمل لمركز الملكة رانيا تغطي هذه الفترة.")
    t.tag("{%p endif %}")
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
    t.table(
        [Col("الحالة", "{{ s.status }}", 120), Col("العدد", "{{ s.count }}", 54, "center")],
        "s in by_status",
        totals=("المجموع", "{{ total_count }}"),
    )
    t.heading("قائمة المبادرات الفعالة")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("المبادرة", "{{ i.initiative }}", 50),
            Col("المدرسة", "{{ i.school }}", 40),
            Col("تاريخ البدء", "{{ i.start_date }}", 22, "center"),
            Col("المشاركون", "{{ i.participants }}", 18, "center"),
            Col("ملاحظات", "{{ i.notes }}", 36),
        ],
        "i in active",
        size=9,
    )
    t.heading("تقرير التفعيل: المبادرات التي بدأت خلال الفترة")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("المبادرة", "{{ i.initiative }}", 56),
            Col("المدرسة", "{{ i.school }}", 46),
            Col("تاريخ البدء", "{{ i.start_date }}", 28, "center"),
            Col("الحالة", "{{ i.status }}", 36, "center"),
        ],
        "i in started",
        size=9,
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
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("الصفحة", "{{ p.page }}", 48),
            Col("تاريخ المراجعة", "{{ p.review_date }}", 22, "center"),
            Col("آخر خبر منشور", "{{ p.last_news_date }}", 22, "center"),
            Col("المعايير المتحققة", "{{ p.met }}", 22, "center"),
            Col("عدد المعايير", "{{ p.total }}", 22, "center"),
            Col("النسبة", "{{ p.score }}", 20, "center"),
        ],
        "p in pages",
        size=9,
    )
    _chart(t)
    t.heading("المعايير غير المتحققة")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("الصفحة", "{{ u.page }}", 50),
            Col("المعيار", "{{ u.criterion }}", 66),
            Col("ملاحظات", "{{ u.notes }}", 50),
        ],
        "u in unmet",
        size=9,
    )
    t.heading("الخدمات الإلكترونية المفعلة")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("الصفحة", "{{ s.page }}", 60),
            Col("الخدمات", "{{ s.services }}", 24, "center"),
            Col("المفعلة", "{{ s.activated }}", 24, "center"),
            Col("فُعّلت خلال الفترة", "{{ s.in_period }}", 28, "center"),
            Col("نسبة التفعيل", "{{ s.pct }}", 24, "center"),
        ],
        "s in services",
        size=9,
        totals=("", "المجموع", "{{ services_total.services }}",
                "{{ services_total.activated }}", "{{ services_total.in_period }}",
                "{{ services_total.pct }}"),
    )
    t.heading("التغذية الراجعة: الواردة والمعالجة")
    t.table(
        [
            Col("النوع", "{{ f.kind }}", 60),
            Col("الواردة خلال الفترة", "{{ f.received }}", 38, "center"),
            Col("المعالجة (مغلقة) خلال الفترة", "{{ f.handled }}", 40, "center"),
            Col("غير مغلقة في نهاية الفترة", "{{ f.open }}", 36, "center"),
        ],
        "f in feedback",
        totals=("المجموع", "{{ feedback_total.received }}", "{{ feedback_total.handled }}",
                "{{ feedback_total.open }}"),
    )
    t.heading("التغذية الراجعة غير المغلقة")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("التاريخ", "{{ f.date }}", 20, "center"),
            Col("الصفحة أو النظام", "{{ f.page }}", 40),
            Col("النوع", "{{ f.kind }}", 18, "center"),
            Col("النص", "{{ f.text }}", 60),
            Col("الحالة", "{{ f.status }}", 22, "center"),
        ],
        "f in feedback_open",
        size=9,
    )
    t.head_signature()
    return t
