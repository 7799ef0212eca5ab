"""The Word templates of every document, built with python-docx: the single source.

``eti templates build`` (and ``scripts/build_templates.py``) regenerate the
``.docx`` files shipped in ``automation/assets/templates_docx/`` and copied to a
department's ``templates_docx/``. Staff may then edit a department's copy in
Word; the product renders whatever is there, in a sandbox.

Every template is A4, right-to-left (paragraph ``w:bidi``, table ``w:bidiVisual``,
section ``w:bidi``), Arial for Latin and complex script with complex-script size
and bold, a letterhead from the directorate's values (with its logo), the
QP-70-2 block (procedure, document code, issue, date), «صفحة X من Y» in the
footer and signature lines. The context each template expects is documented
by :data:`automation.templates.samples.SAMPLES`.

Builds are byte-for-byte reproducible (fixed dates in the package and the zip)
so a test can check the shipped copies against a fresh build.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from automation.core.assets import ASSET_TEMPLATES
from automation.templates.doc import QP_LINES, TemplateDoc
from automation.templates.docx_xml import (
    NOTE_COLOR,
    Col,
    Run,
    cell_xml,
    layout_table_xml,
    row_xml,
    tag_row,
    tbl_pr,
    twips,
)
from automation.templates.office import meeting_minutes, staff_report
from automation.templates.reports import (
    activation_report,
    helpdesk_report,
    initiatives_report,
    systems_report,
    webpages_report,
)
from automation.templates.technical import technical_report

"""Where the package ships the built templates."""


def decision_disposal() -> TemplateDoc:
    t = TemplateDoc("قرار لجنة الإتلاف")
    shown = "{% if draft %}مسودة{% else %}{{ number }}{% endif %}"
    t.letterhead((f"رقم القرار: {shown}", "التاريخ: {{ date }}", *QP_LINES[:2]))
    t.tag("{%p if draft %}")
    t.p(Run("مسودة", bold=True, size=20, color=NOTE_COLOR), align="center", before=4, after=0)
    t.p(Run("مسودة للمراجعة: لا رقم لها ولا تُعتمد قبل إصدار القرار بالرقم الصادر.",
            size=9, color=NOTE_COLOR), align="center", after=2)
    t.tag("{%p endif %}")
    t.title("قرار لجنة الإتلاف", f"رقم القرار: {shown} — بتاريخ {{{{ date }}}}")
    t.p(
        "اجتمعت لجنة الإتلاف المشكلة في {{ directorate.name }} بتاريخ {{ date }}، "
        "بعضوية كل من:"
    )
    t.table(
        [
            Col("م", "{{ loop.index }}", 10, "center"),
            Col("الصفة", "{{ m.role }}", 35),
            Col("الاسم", "{{ m.name }}", 65),
            Col("الوظيفة", "{{ m.title }}", 64),
        ],
        "m in committee",
    )
    t.p(
        "وبعد الاطلاع على كشوف المواد المراد إتلافها الواردة من {{ source_text }}"
        "{{ range_text }}، وعلى تقارير الصيانة الفنية ذات العلاقة على النموذج QF75-11، "
        "قررت اللجنة ما يلي:"
    )
    t.p(
        "1. إتلاف المواد المبينة في الكشف المرفق بهذا القرار، وعددها {{ item_count }} بنداً "
        "بكمية إجمالية مقدارها {{ total_quantity }}."
    )
    t.p("2. شطب المواد المتلفة من سجلات اللوازم والعهد وفق الأصول.")
    t.tag("{%p if warning_count %}")
    t.p(
        Run(
            "تنبيه: {{ warning_count }} من بنود الأجهزة لا يوجد لها تقرير صيانة يثبت عدم "
            "قابلية الجهاز للإصلاح، وهي مؤشرة في الكشف المرفق.",
            bold=True,
            color=NOTE_COLOR,
        )
    )
    t.tag("{%p endif %}")
    t.heading("الإجمالي حسب الفئة")
    t.table(
        [
            Col("الفئة", "{{ c.category }}", 90),
            Col("عدد البنود", "{{ c.count }}", 40, "center"),
            Col("الكمية", "{{ c.quantity }}", 44, "center"),
        ],
        "c in totals",
        totals=("المجموع", "{{ item_count }}", "{{ total_quantity }}"),
    )
    t.heading("تواقيع أعضاء اللجنة")
    t.signatures("m in committee")
    t.p("", after=6)
    t.add(
        layout_table_xml(
            [[], [Run("يعتمد،", bold=True), Run("مدير التربية والتعليم", bold=True),
                  "{{ directorate.director }}", "التوقيع: ..............................."]],
            (94.0, 80.0),
            align=("start", "center"),
        )
    )
    t.landscape_section()
    t.heading(f"ملحق القرار رقم {shown}: كشف بالمواد المراد إتلافها", size=13)
    t.table(
        [
            Col("م", "{{ i.n }}", 8, "center"),
            Col("الفئة", "{{ i.category }}", 24),
            Col("الوصف", "{{ i.description }}", 52),
            Col("رقم اللوازم أو الرقم المتسلسل أو ردمك", "{{ i.asset_no }}", 32),
            Col("الكمية", "{{ i.quantity }}", 14, "center"),
            Col("سبب الإتلاف", "{{ i.reason }}", 38),
            Col("تقرير الصيانة QF75-11", "{{ i.maintenance_ref }}", 24, "center"),
            Col("الجهة", "{{ i.source }}", 30),
            Col("ملاحظات", [Run("{{ i.note }}", bold=True, color=NOTE_COLOR)], 39),
        ],
        "i in items",
        size=9,
        totals=("", "المجموع", "", "", "{{ total_quantity }}", "", "", "", ""),
    )
    return t


def _visit_rows_table(t: TemplateDoc) -> None:
    """Rows of a visit form: the columns depend on the form (``{%tc for %}``)."""
    size = 10
    widths = (10.0, 55.0, 55.0, 54.0)
    grid = "".join(f'<w:gridCol w:w="{twips(w)}"/>' for w in widths)

    def cells(texts: Sequence[str], *, bold: bool = False, fill: str | None = None) -> list[str]:
        return [
            cell_xml(text, width_mm=None, size=size, bold=bold, fill=fill, align="center"
                     if i == 0 else "start")
            for i, text in enumerate(texts)
        ]

    rows = [
        row_xml(
            cells(["م", "{%tc for c in columns %}", "{{ c }}", "{%tc endfor %}"],
                  bold=True, fill="D9E1F2"),
            header=True,
        ),
        tag_row("{%tr for row in rows %}", 4, size),
        row_xml(cells(["{{ row.n }}", "{%tc for v in row.cells %}", "{{ v }}", "{%tc endfor %}"])),
        tag_row("{%tr endfor %}", 4, size),
        tag_row("{%tr if not rows %}", 4, size),
        row_xml(
            [cell_xml("{% colspan span_all %}لا توجد بيانات", width_mm=None, size=size,
                      align="center", span=4)]
        ),
        tag_row("{%tr endif %}", 4, size),
    ]
    t.add(f"<w:tbl>{tbl_pr(fixed=False)}<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")
    t.p("", size=4, after=0)


def visit_report() -> TemplateDoc:
    t = TemplateDoc("تقرير زيارة")
    t.letterhead()
    t.title("{{ form_name }}", "({{ form_code }})")
    t.heading("بيانات الزيارة")
    t.table(
        [Col("البيان", "{{ f.label }}", 50), Col("القيمة", "{{ f.value }}", 124)],
        "f in header_fields",
    )
    t.heading("نتائج الزيارة")
    _visit_rows_table(t)
    t.heading("التوصيات")
    t.tag("{%p for r in recommendations %}")
    t.p("• {{ r }}")
    t.tag("{%p endfor %}")
    t.tag("{%p if not recommendations %}")
    t.p("لا توجد توصيات.")
    t.tag("{%p endif %}")
    t.p(Run("{{ visitors_label }}: ", bold=True), "{{ visitors }}", before=6)
    t.heading("التواقيع")
    t.signatures()
    t.p(Run("{{ records }}", color="595959"), size=9, before=6)
    return t


def quarterly_report() -> TemplateDoc:
    t = TemplateDoc("تقرير ربعي بإنجازات القسم")
    t.letterhead()
    t.title("تقرير ربعي بإنجازات قسم تكنولوجيا التعليم والمعلومات", "{{ period }}")
    t.p(
        "يعرض هذا التقرير ما أنجزه القسم خلال {{ period }} (من {{ period_start }} إلى "
        "{{ period_end }}) في عمليات الإجراء QP-70-2، مقارنة بالمستهدف في الخطة السنوية "
        "للقسم (QF12-1)."
    )
    t.heading("أولاً: إنجازات العمليات", size=14)
    t.tag("{%p for p in processes %}")
    t.p(Run("{{ p.code }} — {{ p.title }}", bold=True), before=4, keep_next=True)
    t.figures("f in p.figures")
    t.tag("{%p endfor %}")
    t.heading("ثانياً: الخطة السنوية — المستهدف والمنجز", size=14)
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("العملية", "{{ l.process }}", 14, "center"),
            Col("النشاط", "{{ l.activity }}", 34),
            Col("مؤشر الأداء", "{{ l.indicator }}", 38),
            Col("المستهدف", "{{ l.target }}", 20, "center"),
            Col("المنجز", "{{ l.achieved }}", 15, "center"),
            Col("النسبة", "{{ l.pct }}", 15, "center"),
            Col("المسؤول", "{{ l.responsible }}", 24),
        ],
        "l in plan",
        size=9,
    )
    t.heading("ثالثاً: الرسوم البيانية", size=14)
    t.tag("{%p for c in charts %}")
    t.p("{{ c.image }}", align="center", after=0, keep_next=True)
    t.p(Run("{{ c.title }}", bold=True), align="center", size=10, after=8)
    t.tag("{%p endfor %}")
    t.tag("{%p if not charts %}")
    t.p("لا توجد بيانات كافية لرسم المخططات في هذه الفترة.")
    t.tag("{%p endif %}")
    t.heading("رابعاً: تقارير الزيارات الميدانية ({{ visit_count }})", size=14)
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("التاريخ", "{{ v.date }}", 22, "center"),
            Col("النموذج", "{{ v.form }}", 58),
            Col("المدرسة / الموقع", "{{ v.school }}", 50),
            Col("الزائر", "{{ v.visitor }}", 36),
        ],
        "v in visits",
    )
    t.heading("خامساً: النماذج المعادة إلى المدارس ({{ rejections_total }})", size=14)
    t.table(
        [
            Col("م", "{{ loop.index }}", 10, "center"),
            Col("المدرسة", "{{ r.school }}", 120),
            Col("عدد النماذج المعادة", "{{ r.count }}", 44, "center"),
        ],
        "r in rejections",
        totals=("", "المجموع", "{{ rejections_total }}"),
    )
    t.head_signature()
    return t


def rejection_letter() -> TemplateDoc:
    t = TemplateDoc("كتاب إعادة نموذج")
    t.letterhead(("الرقم: {{ number }}", "التاريخ: {{ date }}", "رمز الوثيقة: {{ doc_code }}"))
    t.p(Run("حضرة مدير/ة {{ school }} المحترم/ة", bold=True), before=6)
    t.p("تحية طيبة وبعد،", after=6)
    t.p(Run("الموضوع: إعادة نموذج {{ form_name }} ({{ form_code }})", bold=True), after=6)
    t.p(
        "نعيد إليكم النموذج المرسل في الملف «{{ file_name }}» والوارد إلى القسم بتاريخ "
        "{{ received }}، لوجود {{ problem_count }} ملاحظة مبينة في الجدول أدناه، "
        "راجين تصويبها وإعادة إرسال النموذج."
    )
    t.p(
        Run(
            "We return the form sent in the file «{{ file_name }}», received on {{ received }}: "
            "{{ problem_count }} problem(s) are listed below, each in Arabic with the English "
            "line under it.",
            size=9,
            color=NOTE_COLOR,
        ),
        after=6,
    )
    t.table(
        [
            Col("م", "{{ e.n }}", 8, "center"),
            Col("الخلية", "{{ e.cell }}", 18, "center"),
            Col("الحقل", "{{ e.field }}", 40),
            Col(
                "الملاحظة",
                [
                    Run("{{ e.message }}"),
                    Run("{% if e.message_en is defined and e.message_en %}\n{{ e.message_en }}"
                        "{% endif %}", size=8.5, color=NOTE_COLOR),
                ],
                108,
            ),
        ],
        "e in problems",
        size=10,
    )
    t.p(Run("المطلوب: {{ action_ar }}", bold=True), before=4, after=0)
    t.p(Run("What to do: {{ action_en }}", size=9, color=NOTE_COLOR), after=6)
    t.tag("{%p if more_count %}")
    t.p(
        Run(
            "وهناك {{ more_count }} ملاحظة أخرى لم تُدرج في هذا الكتاب، وهي مبينة في ملف "
            "الأخطاء المرفق.",
            bold=True,
        )
    )
    t.tag("{%p endif %}")
    t.p("وتفضلوا بقبول فائق الاحترام،", before=6)
    t.head_signature()
    t.p("نسخة / الملف", size=9, before=10)
    return t


def _letter(title: str, to: str, paragraphs: Sequence[str], *, loop: str = "") -> TemplateDoc:
    """An official letter: number and date, addressee, subject, body, the head's signature."""
    t = TemplateDoc(title)
    t.letterhead(("الرقم: {{ number }}", "التاريخ: {{ date }}", "رمز الوثيقة: {{ doc_code }}"))
    t.p(Run(to, bold=True), before=6)
    t.p("تحية طيبة وبعد،", after=6)
    t.p(Run("الموضوع: {{ subject }}", bold=True), after=6)
    for text in paragraphs:
        t.p(text, after=4)
    if loop:
        t.tag(f"{{%p for {loop} %}}")
        t.p("{{ line }}", after=4)
        t.tag("{%p endfor %}")
    t.p("وتفضلوا بقبول فائق الاحترام،", before=6)
    t.head_signature()
    t.p("نسخة / الملف", size=9, before=10)
    return t


def letter_thanks() -> TemplateDoc:
    return _letter("كتاب شكر وتشجيع", "حضرة {{ to }} المحترم/ة", (
        "يسرّ {{ department }} في {{ directorate.name }} أن يتقدم إليكم وإلى فريق المبادرة "
        "«{{ initiative }}» في {{ school }} بالشكر والتقدير على ما بذلتموه من جهد في "
        "تفعيلها، وعلى ما حققته من أثر في توظيف التكنولوجيا في التعليم.",
        "متمنين لكم دوام التميز والعطاء، ومؤكدين استعداد القسم لدعم المبادرة ومتابعتها.",
    ))


def letter_qrc() -> TemplateDoc:
    return _letter("كتاب تغطية", "حضرة {{ to }} المحترم", (
        "نرفق لكم طيه التقرير «{{ report_name }}» الصادر عن {{ department }} في "
        "{{ directorate.name }}، للاطلاع واتخاذ ما ترونه مناسباً.",
    ))


def letter_free() -> TemplateDoc:
    return _letter("كتاب", "{{ to }}", (), loop="line in body")


def daily_digest() -> TemplateDoc:
    t = TemplateDoc("الملخص اليومي")
    t.letterhead()
    t.title("الملخص اليومي لرئيس القسم", "{{ weekday }} {{ day }}")
    t.heading("ما ورد اليوم: {{ arrived_total }} ملفاً")
    t.table(
        [Col("النتيجة", "{{ o.outcome }}", 120), Col("العدد", "{{ o.count }}", 54, "center")],
        "o in by_outcome",
    )
    t.heading("النماذج المقبولة ({{ accepted_count }})")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("الوقت", "{{ a.time }}", 14, "center"),
            Col("النموذج", "{{ a.form }}", 46),
            Col("المدرسة", "{{ a.school }}", 40),
            Col("الملف", "{{ a.file }}", 50),
            Col("الصفوف", "{{ a.rows }}", 16, "center"),
        ],
        "a in accepted",
        size=9,
    )
    t.heading("النماذج المرفوضة ({{ rejected_count }})")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("الوقت", "{{ r.time }}", 14, "center"),
            Col("النموذج", "{{ r.form }}", 34),
            Col("المدرسة", "{{ r.school }}", 34),
            Col("الملف", "{{ r.file }}", 36),
            Col("أول ملاحظة", "{{ r.problem }}", 48),
        ],
        "r in rejected",
        size=9,
    )
    t.heading("ملفات تنتظر المعالجة في صندوق الوارد ({{ waiting_count }})")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("الملف", "{{ w.name }}", 110),
            Col("الحجم", "{{ w.size }}", 26, "center"),
            Col("منذ", "{{ w.since }}", 30, "center"),
        ],
        "w in waiting",
        size=9,
    )
    t.heading("السجلات التي تغيّرت")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("السجل", "{{ g.register }}", 96),
            Col("العملية", "{{ g.process }}", 24, "center"),
            Col("الحالة", "{{ g.status }}", 46, "center"),
        ],
        "g in registers",
        size=9,
    )
    t.heading("الوثائق المنتجة اليوم ({{ document_count }})")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("الوثيقة", "{{ d.kind }}", 46),
            Col("الملف", "{{ d.path }}", 100),
            Col("الوقت", "{{ d.time }}", 20, "center"),
        ],
        "d in documents",
        size=9,
    )
    t.heading("المهام المتأخرة ({{ overdue_count }}) لدى {{ overdue_staff }} من العاملين")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("الموظف", "{{ o.staff }}", 40),
            Col("المهمة", "{{ o.task }}", 70),
            Col("تاريخ الاستحقاق", "{{ o.due }}", 24, "center"),
            Col("أيام التأخير", "{{ o.days }}", 18, "center"),
            Col("المصدر", "{{ o.source }}", 34),
        ],
        "o in overdue",
        size=9,
    )
    return t


BUILDERS: dict[str, Callable[[], TemplateDoc]] = {
    "decision_disposal.docx": decision_disposal,
    "visit_report.docx": visit_report,
    "quarterly_report.docx": quarterly_report,
    "helpdesk_report.docx": helpdesk_report,
    "systems_report.docx": systems_report,
    "activation_report.docx": activation_report,
    "initiatives_report.docx": initiatives_report,
    "webpages_report.docx": webpages_report,
    "rejection_letter.docx": rejection_letter,
    "daily_digest.docx": daily_digest,
    "letter_thanks.docx": letter_thanks,
    "letter_qrc.docx": letter_qrc,
    "letter_free.docx": letter_free,
    "meeting_minutes.docx": meeting_minutes,
    "staff_report.docx": staff_report,
    "technical_report.docx": technical_report,
}
"""Every template, by file name."""

TEMPLATE_NAMES: tuple[str, ...] = tuple(BUILDERS)


def build_templates(folder: Path, names: Sequence[str] | None = None) -> list[Path]:
    """Write the templates (all, or ``names``) into ``folder``; returns their paths."""
    folder = Path(folder)
    return [BUILDERS[name]().save(folder / name) for name in (names or TEMPLATE_NAMES)]


__all__ = [
    "ASSET_TEMPLATES",
    "BUILDERS",
    "TEMPLATE_NAMES",
    "TemplateDoc",
    "build_templates",
]
