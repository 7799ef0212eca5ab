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
from automation.documents.kinds import TEMPLATES, resolve
from automation.templates.blocks import (
    C,
    chart,
    each,
    numbered,
    record_document,
    record_signatures,
    table,
    titled,
    when,
)
from automation.templates.doc import QP_LINES, TemplateDoc
from automation.templates.docx_xml import (
    NOTE_COLOR,
    Run,
    cell_xml,
    layout_table_xml,
    row_xml,
    tag_row,
    tbl_pr,
    twips,
)
from automation.templates.reports import reissued


def decision_disposal() -> TemplateDoc:
    t = TemplateDoc("قرار لجنة الإتلاف")
    shown = "{% if draft %}مسودة{% else %}{{ number }}{% endif %}"
    t.letterhead((f"رقم القرار: {shown}{{% if void %}} — ملغى{{% endif %}}",
                  "التاريخ: {{ date }}", *QP_LINES[:2]))
    with when(t, "void"):  # issue 24: a voided decision, regenerated, says so at its head
        t.p(Run("ملغى", bold=True, size=20, color=NOTE_COLOR), align="center", before=4,
            after=0)
        t.p(Run("ألغي هذا القرار بالإشعار رقم {{ void_number }} بتاريخ {{ void_date }}: "
                "{{ void_reason }}", bold=True, size=10, color=NOTE_COLOR), align="center",
            after=2)
    with when(t, "draft"):
        t.p(Run("مسودة", bold=True, size=20, color=NOTE_COLOR), align="center", before=4,
            after=0)
        t.p(Run("مسودة للمراجعة: لا رقم لها ولا تُعتمد قبل إصدار القرار بالرقم الصادر.",
                size=9, color=NOTE_COLOR), align="center", after=2)
    t.title("قرار لجنة الإتلاف", f"رقم القرار: {shown} — بتاريخ {{{{ date }}}}")
    t.p(
        "اجتمعت لجنة الإتلاف المشكلة في {{ directorate.name }} بتاريخ {{ date }}، "
        "بعضوية كل من:"
    )
    numbered(t, "m in committee", ("الصفة", "role", 35), ("الاسم", "name", 65),
             ("الوظيفة", "title", 64), size=10, number_width=10)
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
    with when(t, "warning_count"):
        t.p(Run("تنبيه: {{ warning_count }} من بنود الأجهزة لا يوجد لها تقرير صيانة يثبت عدم "
                "قابلية الجهاز للإصلاح، وهي مؤشرة في الكشف المرفق.",
                bold=True, color=NOTE_COLOR))
    t.heading("الإجمالي حسب الفئة")
    table(
        t, "c in totals",
        ("الفئة", "category", 90), ("عدد البنود", "count", 40, C), ("الكمية", "quantity", 44, C),
        totals=("المجموع", "{{ item_count }}", "{{ total_quantity }}"),
    )
    t.heading("تواقيع أعضاء اللجنة")
    t.signatures("m in committee")
    t.keep_with_next()  # the director's approval never starts a page alone
    t.p("", after=6, keep_next=True)
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
    table(
        t, "i in items",
        ("م", "n", 8, C), ("الفئة", "category", 24), ("الوصف", "description", 52),
        ("رقم اللوازم أو الرقم المتسلسل أو ردمك", "asset_no", 32), ("الكمية", "quantity", 14, C),
        ("سبب الإتلاف", "reason", 38), ("تقرير الصيانة QF75-11", "maintenance_ref", 24, C),
        ("الجهة", "source", 30),
        ("ملاحظات", [Run("{{ i.note }}", bold=True, color=NOTE_COLOR)], 39),
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
    t = record_document("تقرير زيارة", "{{ form_name }}", "({{ form_code }})", "بيانات الزيارة")
    t.heading("نتائج الزيارة")
    _visit_rows_table(t)
    t.heading("التوصيات")
    with each(t, "r in recommendations"):
        t.p("• {{ r }}")
    with when(t, "not recommendations"):
        t.p("لا توجد توصيات.")
    t.p(Run("{{ visitors_label }}: ", bold=True), "{{ visitors }}", before=6)
    record_signatures(t)
    return t


def quarterly_report() -> TemplateDoc:
    t = titled("تقرير ربعي بإنجازات القسم",
               "تقرير ربعي بإنجازات قسم تكنولوجيا التعليم والمعلومات", "{{ period }}")
    reissued(t)
    t.p(
        "يعرض هذا التقرير ما أنجزه القسم خلال {{ period }} (من {{ period_start }} إلى "
        "{{ period_end }}) في عمليات الإجراء QP-70-2، مقارنة بالمستهدف في الخطة السنوية "
        "للقسم (QF12-1)."
    )
    t.heading("أولاً: إنجازات العمليات", size=14)
    with each(t, "p in processes"):
        t.p(Run("{% if p.code %}{{ p.code }} — {% endif %}{{ p.title }}", bold=True), before=4,
            keep_next=True)
        t.figures("f in p.figures")
    t.heading("ثانياً: الخطة السنوية — المستهدف والمنجز", size=14)
    numbered(
        t, "l in plan",
        ("العملية", "process", 14, C), ("النشاط", "activity", 34),
        ("مؤشر الأداء", "indicator", 38), ("المستهدف", "target", 20, C),
        ("المنجز", "achieved", 15, C), ("النسبة", "pct", 15, C), ("المسؤول", "responsible", 24),
    )
    t.heading("ثالثاً: الرسوم البيانية", size=14)
    with each(t, "c in charts"):
        chart(t, "{{ c.image }}", "{{ c.title }}", after=0, keep_next=True)
    with when(t, "not charts"):
        t.p("لا توجد بيانات كافية لرسم المخططات في هذه الفترة.")
    t.heading("رابعاً: تقارير الزيارات الميدانية ({{ visit_count }})", size=14)
    numbered(
        t, "v in visits",
        ("التاريخ", "date", 22, C), ("النموذج", "form", 58), ("المدرسة / الموقع", "school", 50),
        ("الزائر", "visitor", 36),
        size=10,
    )
    t.heading("خامساً: النماذج المعادة إلى المدارس ({{ rejections_total }})", size=14)
    numbered(
        t, "r in rejections",
        ("المدرسة", "school", 120), ("عدد النماذج المعادة", "count", 44, C),
        size=10, number_width=10, totals=("", "المجموع", "{{ rejections_total }}"),
    )
    t.head_signature()
    return t


def _letter_opening(title: str, to: str, subject: str) -> TemplateDoc:
    """An official letter down to its subject: number and date, addressee, greeting."""
    t = TemplateDoc(title)
    t.letterhead(("الرقم: {{ number }}", "التاريخ: {{ date }}", "رمز الوثيقة: {{ doc_code }}"))
    t.p(Run(to, bold=True), before=6)
    t.p("تحية طيبة وبعد،", after=6)
    t.p(Run(f"الموضوع: {subject}", bold=True), after=6)
    return t


def _letter_closing(t: TemplateDoc) -> None:
    """The end of an official letter: the courtesy, the head's signature, the copy line."""
    t.p("وتفضلوا بقبول فائق الاحترام،", before=6)
    t.head_signature()
    t.p("نسخة / الملف", size=9, before=10)


def rejection_letter() -> TemplateDoc:
    t = _letter_opening("كتاب إعادة نموذج", "حضرة مدير/ة {{ school }} المحترم/ة",
                        "إعادة نموذج {{ form_name }}{% if form_code %} ({{ form_code }})"
                        "{% endif %}")
    t.p(
        "نعيد إليكم النموذج المرسل في الملف «{{ file_name }}» والوارد إلى القسم بتاريخ "
        "{{ received }}، لوجود {{ problem_count }} ملاحظة مبينة في الجدول أدناه، "
        "راجين تصويبها وإعادة إرسال النموذج."
    )
    table(
        t, "e in problems",
        ("م", "n", 8, C), ("الخلية", "cell", 18, C), ("الحقل", "field", 40),
        ("الملاحظة", "message", 108),
        size=10,
    )
    t.p(Run("المطلوب: {{ action_ar }}", bold=True), before=4, after=6)
    with when(t, "more_count"):
        t.p(Run("وهناك {{ more_count }} ملاحظة أخرى لم تُدرج في هذا الكتاب، وهي مبينة في ملف "
                "الأخطاء المرفق.", bold=True))
    _letter_closing(t)
    return t


def _letter(title: str, to: str, paragraphs: Sequence[str], *, loop: str = "") -> TemplateDoc:
    """An official letter: number and date, addressee, subject, body, the head's signature."""
    t = _letter_opening(title, to, "{{ subject }}")
    for text in paragraphs:
        t.p(text, after=4)
    if loop:
        with each(t, loop):
            t.p("{{ line }}", after=4)
    _letter_closing(t)
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
    t = titled("الملخص اليومي", "الملخص اليومي لرئيس القسم", "{{ weekday }} {{ day }}")
    t.heading("ما ورد اليوم: {{ arrived_total }} ملفاً")
    table(t, "o in by_outcome", ("النتيجة", "outcome", 120), ("العدد", "count", 54, C))
    t.heading("النماذج المقبولة ({{ accepted_count }})")
    numbered(
        t, "a in accepted",
        ("الوقت", "time", 14, C), ("النموذج", "form", 46), ("المدرسة", "school", 40),
        ("الملف", "file", 50), ("الصفوف", "rows", 16, C),
    )
    t.heading("النماذج المرفوضة ({{ rejected_count }})")
    numbered(
        t, "r in rejected",
        ("الوقت", "time", 14, C), ("النموذج", "form", 34), ("المدرسة", "school", 34),
        ("الملف", "file", 36), ("أول ملاحظة", "problem", 48),
    )
    t.heading("ملفات تنتظر المعالجة في صندوق الوارد ({{ waiting_count }})")
    numbered(t, "w in waiting", ("الملف", "name", 110), ("الحجم", "size", 26, C),
             ("منذ", "since", 30, C))
    t.heading("السجلات التي تغيّرت")
    numbered(t, "g in registers", ("السجل", "register", 96), ("العملية", "process", 24, C),
             ("الحالة", "status", 46, C))
    t.heading("الوثائق المنتجة اليوم ({{ document_count }})")
    numbered(t, "d in documents", ("الوثيقة", "kind", 46), ("الملف", "path", 100),
             ("الوقت", "time", 20, C))
    t.heading("المهام المتأخرة ({{ overdue_count }}) لدى {{ overdue_staff }} من العاملين")
    numbered(
        t, "o in overdue",
        ("الموظف", "staff", 40), ("المهمة", "task", 70), ("تاريخ الاستحقاق", "due", 24, C),
        ("أيام التأخير", "days", 18, C), ("المصدر", "source", 34),
    )
    t.heading("لم ترد بعد ({{ missing_count }}): النماذج التي حلّ موعدها ولم ترسلها المدارس")
    numbered(t, "m in missing_forms", ("النموذج", "form", 110), ("لم يرد", "missing", 24, C),
             ("مرفوض بانتظار التصحيح", "rejected", 32, C))
    numbered(t, "m in missing_longest", ("الأطول تأخراً: المدرسة", "school", 80),
             ("النموذج", "form", 30, C), ("الفترة", "period", 22, C),
             ("أيام التأخير", "days", 22, C))
    return t


def _builder(ref: str) -> Callable[[], TemplateDoc]:
    """The function a declaration names (this module's own, or another's)."""
    module, _, name = ref.partition(":")
    return globals()[name] if module == __name__ else resolve(ref)  # type: ignore[no-any-return]


BUILDERS: dict[str, Callable[[], TemplateDoc]] = {t.file: _builder(t.build) for t in TEMPLATES}
"""Every template, by file name: one per template the declarations name
(:data:`automation.documents.kinds.TEMPLATES`)."""

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
