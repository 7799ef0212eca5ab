"""The templates of the period reports (P2, P6, P7, P8, P9)."""

from __future__ import annotations

from automation.catalog.forms import CATALOG
from automation.templates.doc import TemplateDoc
from automation.templates.docx_xml import Col, Run

HD_CATEGORIES: tuple[str, ...] = CATALOG.form("HD-EXPORT").field("category").choices
EMIS_STATUSES: tuple[str, ...] = CATALOG.form("EMIS-ISSUES").field("status").choices


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
    t.head_signature()
    return t
