"""The annotated error workbook handed back with a rejected file.

A copy of the staff's own workbook with every bad cell filled red and a comment
saying what is wrong and what is expected, plus a first sheet «الأخطاء» listing
every problem, including those that have no cell. Every text is in Arabic with
the English line under it (for the IT colleague who supports the department),
and the sheet's second row says the one thing to do: correct the red cells, or,
for a file rejected as a whole (not a workbook, damaged, too large …), what its
message says to do with the file (:func:`automation.core.messages.action_for`).

A file rejected as a whole has no cells to mark: its workbook is the list alone,
written straight as a small package (no openpyxl), so a flood of junk costs little.
"""

from __future__ import annotations

import io
import logging
import os
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from automation.core.messages import action_for
from automation.core.problems import Problem
from automation.text.arabic import clean_text
from automation.text.cells import cell_text

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook

log = logging.getLogger(__name__)

ERRORS_SHEET = "الأخطاء"
RED, AMBER, HEAD = "FFC7CE", "FFEB9C", "D9E1F2"
COLUMNS = (("الخلية\nCell", 8), ("الصف\nRow", 6), ("الحقل\nField", 22),
           ("المشكلة\nProblem", 80), ("النوع\nKind", 9), ("الورقة\nSheet", 12))
KINDS = {"error": "خطأ\nerror", "warning": "تنبيه\nwarning"}
ANNOTATE_MAX_BYTES = 20 * 1024 * 1024
"""A workbook whose parts inflate to more than this is not opened with openpyxl to be
annotated (its cells would cost far more in memory): its errors workbook is the list."""


def two_lines(arabic: object, english: object = "") -> str:
    """Arabic, then the English line under it (each cleaned; none when empty)."""
    lines = [clean_text(arabic), clean_text(english)]
    return cell_text("\n".join(line for line in lines if line))


def notes(problems: list[Problem]) -> str:
    """The sheet's second row: the one thing to do about this rejection."""
    action_ar, action_en = action_for(problems)
    return two_lines(action_ar, action_en)


def write_errors_workbook(
    dest: Path, problems: list[Problem], *, original: Path | None, title: str,
    title_en: str = "",
) -> Path:
    """Write the errors workbook to ``dest`` (through a temporary file, swapped in):
    ``original`` annotated when given and it can be opened, else the list alone."""
    heading = two_lines(title, title_en)
    tmp = dest.with_name(dest.name + ".tmp")  # a fixed name (not blank.save_atomic's):
    # a run killed while saving leaves it for the retry to overwrite, not a stray file
    wb = _open_copy(original) if original is not None else None
    if wb is None:
        tmp.write_bytes(list_workbook(problems, heading))
    else:
        for ws in wb.worksheets:
            ws.sheet_view.tabSelected = False
        _mark_cells(wb, problems)
        _errors_sheet(wb, problems, heading)
        wb.template = False
        wb.save(tmp)
    os.replace(tmp, dest)
    return dest


# ------------------------------------------------------------- the staff's copy


def _open_copy(original: Path) -> Workbook | None:
    """The staff's workbook to annotate (its macros dropped), or None when it cannot be
    opened: not an Office Open XML workbook whatever its name (read from its bytes, so
    an ``.xlsx`` named ``.xls`` opens), or too large to hold as openpyxl cells."""
    import openpyxl  # not in the workers, which never write an errors workbook

    try:
        data = original.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
        if inflated > ANNOTATE_MAX_BYTES:
            log.info("%s inflates to %d bytes: its errors workbook is the list alone",
                     original.name, inflated)
            return None
        return openpyxl.load_workbook(io.BytesIO(data), keep_vba=False, keep_links=False)
    except Exception as exc:  # a file the reader accepted but openpyxl cannot load
        log.warning("cannot open %s to annotate it: %s", original.name, exc)
        return None


def _errors_sheet(wb: Workbook, problems: list[Problem], heading: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(ERRORS_SHEET, 0)
    ws.sheet_view.rightToLeft = True
    last = len(COLUMNS)
    for row, (text, font, height) in enumerate(
        ((heading, Font(bold=True, size=13), 40), (notes(problems), Font(size=11), 44)),
        start=1,
    ):
        ws.cell(row=row, column=1, value=text).font = font
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="center",
                                                         readingOrder=2)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        ws.row_dimensions[row].height = height
    for index, (name, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=3, column=index, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEAD)
        cell.alignment = Alignment(wrap_text=True, vertical="center", readingOrder=2)
        ws.column_dimensions[cell.column_letter].width = width
    for values in _listed(problems):
        ws.append(values)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a message starting with "=" stays text
            cell.alignment = Alignment(wrap_text=True, vertical="top", readingOrder=2)
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.active = 0


def _listed(problems: list[Problem]) -> list[list[object]]:
    """One row of the list per problem."""
    return [
        [cell_text(p.cell), p.row if p.row is not None else "", two_lines(p.field),
         two_lines(p.message, p.message_en), KINDS.get(p.severity, p.severity),
         two_lines(p.sheet)]
        for p in problems
    ]


def _mark_cells(wb: Workbook, problems: list[Problem]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    marked: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for p in problems:
        if p.cell and p.sheet in wb.sheetnames:
            marked[(p.sheet, p.cell)].append(p)
    for (sheet, ref), found in marked.items():
        ws = wb[sheet]
        try:
            cell = ws[ref]
        except (ValueError, KeyError):
            continue
        if type(cell).__name__ == "MergedCell":
            continue
        errors = any(p.severity == "error" for p in found)
        cell.fill = PatternFill("solid", fgColor=RED if errors else AMBER)
        text = "\n".join(two_lines(p.message, p.message_en) for p in found)
        comment = Comment(text, "ETI")
        comment.width, comment.height = 360, 60 + 60 * len(found)
        cell.comment = comment


# ------------------------------------------------------------- the list alone

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_STYLE_IDS = {"heading": 1, "notes": 2, "header": 3, "body": 4}
_STYLES = (
    f'{_DECL}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="3"><font><sz val="11"/><name val="Arial"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Arial"/><family val="2"/></font>'
    '<font><b/><sz val="13"/><name val="Arial"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    f'<fill><patternFill patternType="solid"><fgColor rgb="FF{HEAD}"/></patternFill></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
    'xfId="0"/>'
    + "".join(
        f'<xf numFmtId="0" fontId="{font}" fillId="{fill}" borderId="0" xfId="0" '
        f'applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="{vertical}" '
        'wrapText="1" readingOrder="2"/></xf>'
        for font, fill, vertical in ((2, 0, "center"), (0, 0, "center"), (1, 2, "center"),
                                     (0, 0, "top"))
    )
    + '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)


def _cell(ref: str, value: object, style: str) -> str:
    s = _STYLE_IDS[style]
    if isinstance(value, int):
        return f'<c r="{ref}" s="{s}"><v>{value}</v></c>'
    text = escape(cell_text(str(value)))
    return f'<c r="{ref}" s="{s}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _row(number: int, cells: list[tuple[object, str]], height: int | None = None) -> str:
    tall = f' ht="{height}" customHeight="1"' if height else ""
    body = "".join(_cell(f"{'ABCDEF'[i]}{number}", value, style)
                   for i, (value, style) in enumerate(cells) if value != "")
    return f'<row r="{number}"{tall}>{body}</row>'


def list_workbook(problems: list[Problem], heading: str) -> bytes:
    """The errors workbook of a file with no cells to mark: the list sheet alone, laid
    out as :func:`_errors_sheet` lays it out in an annotated copy."""
    rows = [_row(1, [(heading, "heading")], 40), _row(2, [(notes(problems), "notes")], 44),
            _row(3, [(name, "header") for name, _ in COLUMNS], 30)]
    for number, values in enumerate(_listed(problems), start=4):
        rows.append(_row(number, [(value, "body") for value in values]))
    cols = "".join(f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
                   for i, (_, width) in enumerate(COLUMNS, start=1))
    sheet = (
        f'{_DECL}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:F{max(3, len(rows))}"/>'
        '<sheetViews><sheetView rightToLeft="1" tabSelected="1" workbookViewId="0">'
        '<pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A4" sqref="A4"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
        f'<sheetData>{"".join(rows)}</sheetData>'
        '<mergeCells count="2"><mergeCell ref="A1:F1"/><mergeCell ref="A2:F2"/></mergeCells>'
        '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" '
        'footer="0.3"/><pageSetup paperSize="9" orientation="landscape" fitToWidth="1" '
        'fitToHeight="0"/></worksheet>'
    )
    parts = {
        "[Content_Types].xml": (
            f'{_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            f'ContentType="{_CT}.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            f'sheet1.xml" ContentType="{_CT}.worksheet+xml"/><Override PartName="/xl/'
            f'styles.xml" ContentType="{_CT}.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'{_DECL}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{_DECL}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView '
            f'activeTab="0"/></bookViews><sheets><sheet name="{ERRORS_SHEET}" sheetId="1" '
            'r:id="rId1"/></sheets><definedNames><definedName name="_xlnm.Print_Titles" '
            f"localSheetId=\"0\">'{ERRORS_SHEET}'!$3:$3</definedName></definedNames>"
            "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_DECL}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/'
            'worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            f'Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": _STYLES,
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, text in parts.items():
            package.writestr(name, text.encode("utf-8"))
    return out.getvalue()
