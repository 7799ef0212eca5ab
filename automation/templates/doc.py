"""The builder of a Word template: an A4, right-to-left document written with python-docx.

:class:`TemplateDoc` holds one template being built: its styles (Arial for Latin
and complex script, ``w:bidi`` by default), its A4 section (``w:bidi``) with the
footer «<code> — صفحة X من Y», and methods that add the letterhead, titles,
tables with row loops, signature lines and paragraph tags. The templates
themselves are in :mod:`automation.templates.builder`.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from automation.templates.docx_xml import (
    BIDI_LANG,
    FONT,
    Align,
    Col,
    Run,
    element,
    layout_table_xml,
    page_number_paragraph,
    paragraph_xml,
    table_xml,
)
from automation.templates.widths import fitted_widths

BUILD_DATE = dt.datetime(2026, 1, 1, 0, 0, 0)
"""The date written into every template's properties (reproducible builds)."""

WIDTH_MM = 174.0
"""Text width of an A4 page with 18 mm side margins."""
LANDSCAPE_WIDTH_MM = 261.0

LETTERHEAD_WIDTHS_MM = (86.0, 30.0, 58.0)
"""The letterhead's blocks: the directorate's (its long name on one line), the logo's
(a 24 mm emblem, or nothing), the procedure's or the letter number's."""

SIGNATURE_WIDTHS_MM = (66.0, 108.0)
"""The head's signature block at the left: wide enough for «رئيس قسم تكنولوجيا التعليم
والمعلومات» on one line."""

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
        self.width_mm = WIDTH_MM
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

    def landscape_section(self) -> None:
        """End the current (portrait) section; what follows is on landscape A4 pages."""
        from docx.enum.section import WD_ORIENT, WD_SECTION

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        # python-docx moved the previous section's properties into a paragraph: keep it RTL
        for p in self.body.iter(qn("w:p")):
            ppr = p.find(qn("w:pPr"))
            if ppr is not None and ppr.find(qn("w:sectPr")) is not None:
                if ppr.find(qn("w:bidi")) is None:
                    ppr.find(qn("w:sectPr")).addprevious(element("<w:bidi/>"))
        self.width_mm = LANDSCAPE_WIDTH_MM

    def table(self, columns: Sequence[Col], loop: str | None, **kw: object) -> None:
        """A table over the text width: each column its share, but never narrower than its
        header's longest word or, for dates, a date (:mod:`automation.templates.widths`)."""
        size = float(kw.get("size", 10))  # type: ignore[arg-type]
        widths = fitted_widths(columns, self.width_mm, size)
        scaled = [Col(c.label, c.cell, w, c.align) for c, w in zip(columns, widths, strict=True)]
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
                LETTERHEAD_WIDTHS_MM,
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

    def keep_with_next(self, paragraphs: int = 3) -> None:
        """What was added last stays on the page of what follows (``w:keepNext``), so a
        signature never starts a page alone: the last ``paragraphs`` paragraphs, and when a
        table comes before them, its last rows (the rows that print last: the totals, else
        the loop's row and the «no data» row; LibreOffice and Word then keep the table's
        end with the next paragraph)."""
        element_ = self.body.sectPr.getprevious()
        while paragraphs and element_ is not None and element_.tag == qn("w:p"):
            _keep_next(element_)
            element_ = element_.getprevious()
            paragraphs -= 1
        if element_ is None or element_.tag != qn("w:tbl"):
            return
        rows = [r for r in element_.findall(qn("w:tr")) if "{%tr" not in _text(r)]
        for row in reversed(rows[1:]):  # never the header row
            for p in row.iter(qn("w:p")):
                _keep_next(p)
            if "{{" in _text(row):
                break  # the totals row, or the loop's row: it prints last

    def head_signature(self) -> None:
        """The head of department signs at the left of the page, on the page of the lines
        above the signature."""
        self.keep_with_next()
        self.p("", after=6, keep_next=True)
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
                SIGNATURE_WIDTHS_MM,
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


def _keep_next(paragraph: object) -> None:
    ppr = paragraph.find(qn("w:pPr"))  # type: ignore[attr-defined]
    if ppr is not None and ppr.find(qn("w:keepNext")) is None:
        ppr.insert(0, element("<w:keepNext/>"))


def _text(node: object) -> str:
    return "".join(t.text or "" for t in node.iter(qn("w:t")))  # type: ignore[attr-defined]


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
