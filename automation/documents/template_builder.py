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
by :data:`automation.documents.samples.SAMPLES`.

Builds are byte-for-byte reproducible (fixed dates in the package and the zip)
so a test can check the shipped copies against a fresh build.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from automation.documents.docx_xml import (
    BIDI_LANG,
    FONT,
    NOTE_COLOR,
    Align,
    Col,
    Run,
    cell_xml,
    element,
    layout_table_xml,
    page_number_paragraph,
    paragraph_xml,
    row_xml,
    table_xml,
    tag_row,
    tbl_pr,
    twips,
)
from automation.forms import CATALOG

ASSET_TEMPLATES = Path(__file__).resolve().parent.parent / "assets" / "templates_docx"
"""Where the package ships the built templates."""

BUILD_DATE = dt.datetime(2026, 1, 1, 0, 0, 0)
"""The date written into every template's properties (reproducible builds)."""

HD_CATEGORIES: tuple[str, ...] = CATALOG.form("HD-EXPORT").field("category").choices
EMIS_STATUSES: tuple[str, ...] = CATALOG.form("EMIS-ISSUES").field("status").choices
WIDTH_MM = 174.0
"""Text width of an A4 page with 18 mm side margins."""

QP_LINES = (
    "الإجراء: QP-70-2 — الإصدار {{ issue }}",
    "رمز الوثيقة: {{ doc_code }}",
    "التاريخ: {{ date }}",
)


class TemplateDoc:
    """One template being built: A4, right-to-left, Arial, footer with page numbers."""

    def __init__(self, title: str) -> None:
        self.doc = Document()
        self.body = self.doc.element.body
        self._setup_styles()
        self._setup_section()
        props = self.doc.core_properties
        props.title = title
        props.author = "ETI automation"
        props.last_modified_by = "ETI automation"
        props.created = BUILD_DATE
        props.modified = BUILD_DATE
        props.revision = 1
        props.comments = "قالب قابل للتعديل في Word: يُحافظ على الوسوم بين الأقواس المعقوفة كما هي."

    # -- document setup ------------------------------------------------------------

    def _setup_styles(self) -> None:
        styles = self.doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        for child in list(rpr):
            rpr.remove(child)
        rpr.append(
            element(
                f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
            )
        )
        rpr.append(element('<w:sz w:val="24"/>'))
        rpr.append(element('<w:szCs w:val="24"/>'))
        rpr.append(element(f'<w:lang w:val="en-US" w:eastAsia="en-US" w:bidi="{BIDI_LANG}"/>'))
        ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        for child in list(ppr):
            ppr.remove(child)
        ppr.append(element("<w:bidi/>"))
        ppr.append(element('<w:spacing w:after="80" w:line="264" w:lineRule="auto"/>'))

    def _setup_section(self) -> None:
        section = self.doc.sections[0]
        section.page_width = Mm(210)
        section.page_height = Mm(297)
        section.left_margin = section.right_margin = Mm(18)
        section.top_margin = Mm(15)
        section.bottom_margin = Mm(18)
        section.header_distance = Mm(8)
        section.footer_distance = Mm(8)
        sect_pr = section._sectPr
        sect_pr.find(qn("w:docGrid")).addprevious(element("<w:bidi/>"))
        footer = section.footer
        footer.is_linked_to_previous = False
        holder = footer._element
        for child in list(holder):
            holder.remove(child)
        holder.append(element(page_number_paragraph("{{ doc_code }} — ")))

    # -- content -------------------------------------------------------------------

    def add(self, xml: str) -> None:
        self.body.sectPr.addprevious(element(xml))

    def p(
        self,
        *parts: str | Run,
        align: Align = "start",
        size: float = 12,
        bold: bool = False,
        before: int = 0,
        after: int = 4,
        keep_next: bool = False,
    ) -> None:
        self.add(
            paragraph_xml(
                parts,
                align=align,
                size=size,
                bold=bold,
                before=before,
                after=after,
                keep_next=keep_next,
            )
        )

    def tag(self, tag: str) -> None:
        """A paragraph holding only a ``{%p ... %}`` tag (removed when rendered)."""
        self.p(tag, after=0)

    def heading(self, text: str, *, size: float = 13) -> None:
        self.p(Run(text, bold=True, color="1F3864"), size=size, before=8, after=4, keep_next=True)

    def page_break(self) -> None:
        self.add('<w:p><w:pPr><w:bidi/></w:pPr><w:r><w:br w:type="page"/></w:r></w:p>')

    def table(self, columns: Sequence[Col], loop: str | None, **kw: object) -> None:
        scale = WIDTH_MM / sum(c.width_mm for c in columns)
        scaled = [Col(c.label, c.cell, c.width_mm * scale, c.align) for c in columns]
        self.add(table_xml(scaled, loop=loop, **kw))  # type: ignore[arg-type]
        self.p("", size=4, after=0)

    def letterhead(self, left: Sequence[str] = QP_LINES) -> None:
        """Directorate block (right), logo (centre), QP-70-2 / number block (left)."""
        right = (
            Run("المملكة الأردنية الهاشمية", bold=True),
            Run("وزارة التربية والتعليم", bold=True),
            Run("{{ directorate.name }}", bold=True),
            Run("{{ department }}"),
        )
        self.add(
            layout_table_xml(
                [right, ["{{ logo }}"], list(left)],
                (70.0, 44.0, 60.0),
                size=10.5,
                align=("start", "center", "start"),
            )
        )
        self.add(paragraph_xml([""], size=4, after=6, border_bottom=True))

    def title(self, text: str, subtitle: str | None = None) -> None:
        self.p(Run(text, bold=True, size=16, color="1F3864"), align="center", before=6, after=2)
        if subtitle:
            self.p(Run(subtitle, bold=True, size=13), align="center", after=8)

    def figures(self, loop: str = "f in figures") -> None:
        self.table(
            [Col("البيان", "{{ f.label }}", 120), Col("القيمة", "{{ f.value }}", 54, "center")],
            loop,
        )

    def head_signature(self) -> None:
        """The head of department signs at the left of the page."""
        self.p("", after=6)
        self.add(
            layout_table_xml(
                [
                    [],
                    [
                        Run("رئيس قسم تكنولوجيا التعليم والمعلومات", bold=True),
                        "{{ directorate.head }}",
                        "التوقيع: ..............................",
                    ],
                ],
                (94.0, 80.0),
                align=("start", "center"),
            )
        )

    def signatures(self, loop: str = "s in signatures") -> None:
        """A signature line for each signer (role, name, signature)."""
        var = loop.split(" in ", 1)[0].strip()
        self.table(
            [
                Col("الصفة", "{{ " + var + ".role }}", 45),
                Col("الاسم", "{{ " + var + ".name }}", 65),
                Col("التوقيع", "..............................", 64, "center"),
            ],
            loop,
            empty=None,
            size=11,
        )

    def save(self, path: Path) -> Path:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_reproducible_zip(buffer.getvalue()))
        return path


def _reproducible_zip(data: bytes) -> bytes:
    """The same package with fixed entry dates, so equal builds give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# -- the templates -------------------------------------------------------------------


def decision_disposal() -> TemplateDoc:
    t = TemplateDoc("قرار لجنة الإتلاف")
    t.letterhead(("رقم القرار: {{ number }}", "التاريخ: {{ date }}", *QP_LINES[:2]))
    t.title("قرار لجنة الإتلاف", "رقم القرار: {{ number }} — بتاريخ {{ date }}")
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
    t.page_break()
    t.heading("ملحق القرار رقم {{ number }}: كشف بالمواد المراد إتلافها", size=13)
    t.table(
        [
            Col("م", "{{ i.n }}", 7, "center"),
            Col("الفئة", "{{ i.category }}", 18),
            Col("الوصف", "{{ i.description }}", 30),
            Col("رقم اللوازم أو ردمك", "{{ i.asset_no }}", 22),
            Col("الكمية", "{{ i.quantity }}", 13, "center"),
            Col("سبب الإتلاف", "{{ i.reason }}", 24),
            Col("تقرير الصيانة QF75-11", "{{ i.maintenance_ref }}", 18, "center"),
            Col("الجهة", "{{ i.source }}", 20),
            Col("ملاحظات", [Run("{{ i.note }}", bold=True, color=NOTE_COLOR)], 22),
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
            Col("العملية", "{{ l.process }}", 28),
            Col("النشاط", "{{ l.activity }}", 30),
            Col("مؤشر الأداء", "{{ l.indicator }}", 32),
            Col("المستهدف", "{{ l.target }}", 18, "center"),
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
    t.heading("رابعاً: الزيارات الميدانية ({{ visit_count }})", size=14)
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
    t.table(
        [
            Col("م", "{{ e.n }}", 8, "center"),
            Col("الخلية", "{{ e.cell }}", 18, "center"),
            Col("الحقل", "{{ e.field }}", 40),
            Col("الملاحظة", "{{ e.message }}", 108),
        ],
        "e in problems",
        size=10,
    )
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
