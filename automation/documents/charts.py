"""Charts for the reports: native Word charts (DrawingML ``c:chartSpace``).

A chart travels in a document's context as a :class:`Chart` value (categories and
series, nothing drawn). The render child turns it into an :class:`InlineChart`,
which docxtpl places where ``{{ chart }}`` stands, like its ``InlineImage``: a chart
part (``word/charts/chartN.xml``) related from the document, with its numbers as an
embedded workbook (``word/embeddings/…xlsx``, so «تحرير البيانات» in Word works).
Word and LibreOffice lay the chart out and shape its Arabic themselves; nothing is
drawn here, so no plotting library is loaded and a chart takes about a millisecond
to write.

Right-to-left, as the page reads: a column chart's first category is at the right
with the value axis beside it; a horizontal bar chart's bars grow from the right,
first line at the top. Every text names Arial for Latin and complex script, like the
templates (:data:`automation.templates.docx_xml.FONT`). LibreOffice reverses the digits
of a chart standing in a right-to-left paragraph, so the render child makes the
paragraphs holding charts left-to-right (:func:`ltr_chart_paragraphs`).
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

BAR = "2F5597"
TARGET = "A5A5A5"
GRID = "D9D9D9"
AXIS = "BFBFBF"
TEXT = "404040"
FONT = "Arial"
"""The chart's font for Latin and Arabic, as in the templates."""
LANG = "ar-JO"
WIDTH_MM = 150.0
MAX_COLUMNS = 10
"""More labels than this lie as horizontal bars (their text would not fit under columns)."""
MAX_HEIGHT_MM = 220.0
"""The tallest chart: with its caption it still fits on one A4 page."""
EMU_PER_MM = 36000
SHEET = "Sheet1"
_ONE_PLACE = Decimal("0.1")

_CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_CHART_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
_PACKAGE_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
_CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NOT_XML = str.maketrans({c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C,
                                             *range(0x0E, 0x20), 0xFFFE, 0xFFFF]})


@dataclass(frozen=True)
class Series:
    """One series of a chart: its name (the legend) and a value per category."""

    name: str
    values: tuple[float, ...]
    color: str = BAR


@dataclass(frozen=True)
class Chart:
    """A bar chart to place in a Word document, ``width_mm`` × ``height_mm``.

    ``direction`` ``column``: vertical bars; ``bar``: horizontal bars. ``legend``: where
    the series names are shown, ``t`` above the chart, ``b`` below it, ``""`` nowhere.
    """

    direction: Literal["column", "bar"]
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    legend: Literal["", "t", "b"] = ""
    width_mm: float = WIDTH_MM
    height_mm: float = WIDTH_MM * 3 / 7

    def with_texts(self, clean: Callable[[str], str]) -> Chart:
        """The same chart with every text passed through ``clean``."""
        return replace(
            self,
            categories=tuple(clean(c) for c in self.categories),
            series=tuple(replace(s, name=clean(s.name)) for s in self.series),
        )


def bar_chart(
    labels: Sequence[str], values: Sequence[float | Decimal], *, ylabel: str = "",
    width_mm: float = WIDTH_MM,
) -> Chart:
    """Vertical bars, first label at the right, each bar with its value on top;
    ``ylabel``, what the values count, is the legend above the bars. Beyond
    :data:`MAX_COLUMNS` labels (schools, pages) the bars lie horizontally, a line
    each, first at the top, so that every label stays readable."""
    columns = len(labels) <= MAX_COLUMNS
    return Chart(
        "column" if columns else "bar",
        tuple(str(label) for label in labels),
        (Series(ylabel, _numbers(values), BAR),),
        legend="t" if ylabel else "",
        width_mm=width_mm,
        height_mm=width_mm * 3 / 7 if columns else _height(width_mm, 1.0, 0.32 * len(labels)),
    )


def _height(width_mm: float, margin: float, lines: float) -> float:
    """A horizontal chart's height for ``lines`` plus ``margin`` units, a unit being a
    seventh of the width (an inch of a 7-inch-wide chart); at least 2.4 units, at most
    :data:`MAX_HEIGHT_MM`."""
    return min(MAX_HEIGHT_MM, width_mm * max(2.4, lines + margin) / 7)


def target_chart(
    labels: Sequence[str],
    targets: Sequence[float | Decimal],
    achieved: Sequence[float | Decimal],
    *,
    target_label: str = "المستهدف",
    achieved_label: str = "المنجز",
    width_mm: float = WIDTH_MM,
) -> Chart:
    """Horizontal paired bars (target and achieved) per line, labels at the right,
    first line at the top; taller the more lines there are."""
    lines = len(labels)
    return Chart(
        "bar",
        tuple(str(label) for label in labels),
        (Series(target_label, _numbers(targets), TARGET),
         Series(achieved_label, _numbers(achieved), BAR)),
        legend="b",
        width_mm=width_mm,
        height_mm=_height(width_mm, 1.0, 0.55 * lines),
    )


def _numbers(values: Sequence[float | Decimal]) -> tuple[float, ...]:
    """Values as the chart shows them: one decimal at most, rounded half up like the
    report's tables (12.25 → 12.3); NaN for a value that is not a finite number."""
    shown = []
    for value in values:
        number = float(value)
        if math.isfinite(number):
            number = float(Decimal(str(value)).quantize(_ONE_PLACE, rounding=ROUND_HALF_UP))
        shown.append(number if math.isfinite(number) else math.nan)
    return tuple(shown)


# -- the chart part -----------------------------------------------------------------------


def _text(value: str) -> str:
    """Text for XML content: characters XML cannot hold removed, ``& < >`` escaped."""
    text = str(value).translate(_NOT_XML)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    """Text for a double-quoted XML attribute."""
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _fill(color: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{color}"/></a:solidFill>'


def _line(color: str | None, width: int = 9525) -> str:
    inner = _fill(color) if color else "<a:noFill/>"
    return f'<a:ln w="{width}">{inner}</a:ln>'


def _text_props(size: int = 900) -> str:
    """A chart element's text: ``size`` in hundredths of a point, Arial for every script."""
    return ('<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>'
            f'<a:defRPr sz="{size}" b="0">{_fill(TEXT)}<a:latin typeface="{FONT}"/>'
            f'<a:cs typeface="{FONT}"/></a:defRPr></a:pPr><a:endParaRPr lang="{LANG}"/></a:p>'
            '</c:txPr>')


def _column(index: int) -> str:
    return chr(ord("A") + index)


def _series(chart: Chart, index: int, series: Series) -> str:
    count = len(chart.categories)
    col = _column(index + 1)
    cats = "".join(f'<c:pt idx="{i}"><c:v>{_text(c)}</c:v></c:pt>'
                   for i, c in enumerate(chart.categories))
    vals = "".join(f'<c:pt idx="{i}"><c:v>{_number(v)}</c:v></c:pt>'
                   for i, v in enumerate(series.values) if math.isfinite(v))
    return (
        f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>'
        f'<c:tx><c:strRef><c:f>{SHEET}!${col}$1</c:f><c:strCache><c:ptCount val="1"/>'
        f'<c:pt idx="0"><c:v>{_text(series.name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
        f'<c:spPr>{_fill(series.color)}{_line(None)}</c:spPr><c:invertIfNegative val="0"/>'
        f'<c:dLbls><c:spPr><a:noFill/>{_line(None)}</c:spPr>{_text_props(900)}'
        '<c:dLblPos val="outEnd"/><c:showLegendKey val="0"/><c:showVal val="1"/>'
        '<c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/>'
        '<c:showBubbleSize val="0"/></c:dLbls>'
        f'<c:cat><c:strRef><c:f>{SHEET}!$A$2:$A${count + 1}</c:f><c:strCache>'
        f'<c:ptCount val="{count}"/>{cats}</c:strCache></c:strRef></c:cat>'
        f'<c:val><c:numRef><c:f>{SHEET}!${col}$2:${col}${count + 1}</c:f><c:numCache>'
        f'<c:formatCode>General</c:formatCode><c:ptCount val="{count}"/>{vals}'
        '</c:numCache></c:numRef></c:val></c:ser>'
    )


def _major_unit(chart: Chart) -> str:
    """Whole steps for small counts (an axis of 0, 0.5, 1… would suggest half a request)."""
    values = [v for s in chart.series for v in s.values if math.isfinite(v)]
    if values and all(v.is_integer() for v in values) and max(values) <= 10:
        return '<c:majorUnit val="1"/>'
    return ""


def chart_xml(chart: Chart, workbook_rid: str | None = None) -> bytes:
    """The ``c:chartSpace`` part of ``chart``; ``workbook_rid`` relates its embedded data."""
    column = chart.direction == "column"
    # A column chart's categories run right to left with the value axis at the right
    # (it crosses at the first category); a bar chart's lines run top to bottom with
    # bars growing leftwards, so its value axis is reversed and sits at the last line.
    cat_pos, val_pos = ("b", "r") if column else ("r", "b")
    val_orientation = "minMax" if column else "maxMin"
    val_crosses = "autoZero" if column else "max"
    series = "".join(_series(chart, i, s) for i, s in enumerate(chart.series))
    overlap = "" if len(chart.series) == 1 else '<c:overlap val="-5"/>'
    legend = (f'<c:legend><c:legendPos val="{chart.legend}"/><c:overlay val="0"/>'
              f'{_text_props(900)}</c:legend>' if chart.legend else "")
    external = (f'<c:externalData r:id="{workbook_rid}"><c:autoUpdate val="0"/>'
                "</c:externalData>" if workbook_rid else "")
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{_CHART_NS}" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<c:date1904 val="0"/><c:lang val="{LANG}"/><c:roundedCorners val="0"/>'
        '<c:chart><c:autoTitleDeleted val="1"/><c:plotArea><c:layout/>'
        f'<c:barChart><c:barDir val="{"col" if column else "bar"}"/>'
        '<c:grouping val="clustered"/><c:varyColors val="0"/>'
        f'{series}<c:gapWidth val="60"/>{overlap}<c:axId val="1001"/><c:axId val="1002"/>'
        '</c:barChart>'
        '<c:catAx><c:axId val="1001"/><c:scaling><c:orientation val="maxMin"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{cat_pos}"/>'
        '<c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="none"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'<c:spPr>{_line(AXIS)}</c:spPr>{_text_props(900)}'
        '<c:crossAx val="1002"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="1002"/><c:scaling><c:orientation val="{val_orientation}"/>'
        f'<c:min val="0"/></c:scaling><c:delete val="0"/><c:axPos val="{val_pos}"/>'
        f'<c:majorGridlines><c:spPr>{_line(GRID, 6350)}</c:spPr></c:majorGridlines>'
        '<c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/>'
        f'<c:tickLblPos val="nextTo"/><c:spPr>{_line(None)}</c:spPr>{_text_props(900)}'
        f'<c:crossAx val="1001"/><c:crosses val="{val_crosses}"/>'
        f'<c:crossBetween val="between"/>{_major_unit(chart)}</c:valAx>'
        f'<c:spPr><a:noFill/>{_line(None)}</c:spPr></c:plotArea>{legend}'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        f'<c:spPr><a:noFill/>{_line(None)}</c:spPr>{_text_props(900)}{external}'
        '</c:chartSpace>'
    )
    return xml.encode("utf-8")


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/></Relationships>'),
    "xl/styles.xml": (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<fonts count="1"><font><sz val="11"/><name val="{FONT}"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" '
        'xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}
"""The fixed parts of a chart's embedded workbook (one sheet, one cell style)."""


def chart_workbook(chart: Chart) -> bytes:
    """The chart's numbers as a workbook, as the chart's formulas point at them: the series
    names in row 1, categories in column A, a series per column (right-to-left sheet)."""
    rows = [[""] + [s.name for s in chart.series]]
    rows += [[c, *(s.values[i] for s in chart.series)] for i, c in enumerate(chart.categories)]
    xml = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_column(c)}{r}"
            if isinstance(value, str):
                if value:
                    cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">'
                                 f"{_text(value)}</t></is></c>")
            elif math.isfinite(value):
                cells.append(f'<c r="{ref}"><v>{_number(value)}</v></c>')
        xml.append(f'<row r="{r}">{"".join(cells)}</row>')
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetViews><sheetView rightToLeft="1" workbookViewId="0"/></sheetViews>'
             '<cols><col min="1" max="1" width="40" customWidth="1"/></cols>'
             f'<sheetData>{"".join(xml)}</sheetData></worksheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, part in (*_XLSX_PARTS.items(), ("xl/worksheets/sheet1.xml", sheet)):
            zf.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        + part)
    return buffer.getvalue()


# -- placing a chart ----------------------------------------------------------------------


class InlineChart:
    """:class:`Chart` as docxtpl places it (like its ``InlineImage``): rendering the tag
    adds the chart part and its workbook to the package, related from the part being
    rendered, and puts a ``w:drawing`` run holding ``c:chart`` in the tag's place."""

    def __init__(self, tpl: Any, chart: Chart) -> None:
        self.tpl, self.chart = tpl, chart

    def _insert(self) -> str:
        from docx.opc.part import Part

        part = self.tpl.current_rendering_part
        package = part.package
        workbook = Part(package.next_partname("/word/embeddings/Microsoft_Excel_Sheet%d.xlsx"),
                        _XLSX_CT, chart_workbook(self.chart), package)
        name = package.next_partname("/word/charts/chart%d.xml")
        chart_part = Part(name, _CHART_CT, chart_xml(self.chart, "rId1"), package)
        if chart_part.relate_to(workbook, _PACKAGE_RT) != "rId1":
            raise RuntimeError("a new chart part's first relationship is not rId1")
        rid = part.relate_to(chart_part, _CHART_RT)
        cx = round(self.chart.width_mm * EMU_PER_MM)
        cy = round(self.chart.height_mm * EMU_PER_MM)
        label = " / ".join(s.name for s in self.chart.series)
        drawing = (
            '<wp:inline distT="0" distB="0" distL="0" distR="0" xmlns:wp='
            '"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="1" name="Chart {name.idx}" descr="{_attribute(label)}"/>'
            '<wp:cNvGraphicFramePr/>'
            '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            f'<a:graphicData uri="{_CHART_NS}"><c:chart xmlns:c="{_CHART_NS}" xmlns:r='
            '"http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            f'r:id="{rid}"/></a:graphicData></a:graphic></wp:inline>'
        )
        return (f'</w:t></w:r><w:r><w:drawing>{drawing}</w:drawing></w:r><w:r>'
                '<w:t xml:space="preserve">')

    def __str__(self) -> str:
        return self._insert()

    def __html__(self) -> str:
        return self._insert()


_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
               "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
               "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
               "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
"""What follows ``w:bidi`` in a paragraph's properties (the schema's order)."""


def ltr_chart_paragraphs(body: Any) -> int:
    """Make every paragraph holding a chart left-to-right; returns how many there are.

    LibreOffice draws the numbers of a chart that stands in a right-to-left paragraph
    with their digits reversed (17 as «71»), so the PDF would misreport every value.
    A centred paragraph holding only a chart looks the same either way, and Word draws
    the chart alike in both.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraphs: list[Any] = []
    for chart in body.iter(qn("c:chart")):
        paragraph = next(chart.iterancestors(qn("w:p")), None)
        if paragraph is not None and not any(paragraph is p for p in paragraphs):
            paragraphs.append(paragraph)
    for paragraph in paragraphs:
        ppr = paragraph.get_or_add_pPr()
        bidi = ppr.find(qn("w:bidi"))
        if bidi is None:
            bidi = OxmlElement("w:bidi")
            ppr.insert_element_before(bidi, *_AFTER_BIDI)
        bidi.set(qn("w:val"), "0")
    return len(paragraphs)
