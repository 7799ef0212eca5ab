"""The annotated error workbook handed back with a rejected file.

A copy of the staff's own workbook with every bad cell filled red and an Arabic
comment saying what is wrong and what is expected, plus a first sheet «الأخطاء»
listing every problem, including those that have no cell.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook import Workbook

from automation.core.problems import Problem
from automation.text.normalize import clean_text

log = logging.getLogger(__name__)

ERRORS_SHEET = "الأخطاء"
RED = PatternFill("solid", fgColor="FFC7CE")
AMBER = PatternFill("solid", fgColor="FFEB9C")
HEAD = PatternFill("solid", fgColor="D9E1F2")
COLUMNS = (("الخلية", 8), ("الصف", 6), ("الحقل", 22), ("المشكلة", 70), ("النوع", 8),
           ("الورقة", 12))


def _open_copy(original: Path | None) -> Workbook:
    """The staff's workbook to annotate, or a new one when it cannot be opened."""
    if original is not None:
        try:
            return openpyxl.load_workbook(original, keep_vba=False, keep_links=False)
        except Exception as exc:  # a file the reader accepted but openpyxl cannot load
            log.warning("cannot open %s to annotate it: %s", original.name, exc)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    return wb


def _errors_sheet(wb: Workbook, problems: list[Problem], title: str) -> None:
    ws = wb.create_sheet(ERRORS_SHEET, 0)
    ws.sheet_view.rightToLeft = True
    last = len(COLUMNS)
    notes = (
        "صحّح الخلايا الملوّنة بالأحمر في ورقة النموذج (مرّر المؤشر فوق الخلية لقراءة "
        "الملاحظة)، ثم احفظ الملف وأرسله من جديد."
    )
    for row, (text, font, height) in enumerate(
        ((title, Font(bold=True, size=13), 36), (notes, Font(size=11), 32)), start=1
    ):
        ws.cell(row=row, column=1, value=clean_text(text)).font = font
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="center",
                                                         readingOrder=2)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        ws.row_dimensions[row].height = height
    for index, (name, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=3, column=index, value=name)
        cell.font = Font(bold=True)
        cell.fill = HEAD
        ws.column_dimensions[cell.column_letter].width = width
    for p in problems:
        ws.append([
            p.cell,
            p.row if p.row is not None else "",
            clean_text(p.field),
            clean_text(p.message),
            "خطأ" if p.severity == "error" else "تنبيه",
            clean_text(p.sheet),
        ])
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


def _mark_cells(wb: Workbook, problems: list[Problem]) -> None:
    notes: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for p in problems:
        if p.cell and p.sheet in wb.sheetnames:
            notes[(p.sheet, p.cell)].append(p)
    for (sheet, ref), found in notes.items():
        ws = wb[sheet]
        try:
            cell = ws[ref]
        except (ValueError, KeyError):
            continue
        if type(cell).__name__ == "MergedCell":
            continue
        errors = any(p.severity == "error" for p in found)
        cell.fill = RED if errors else AMBER
        text = "\n".join(clean_text(p.message) for p in found)
        comment = Comment(text, "ETI")
        comment.width, comment.height = 320, 40 + 30 * len(found)
        cell.comment = comment


def write_errors_workbook(
    dest: Path, problems: list[Problem], *, original: Path | None, title: str
) -> Path:
    """Write the annotated copy to ``dest`` (through a temporary file, swapped in)."""
    wb = _open_copy(original)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = False
    _mark_cells(wb, problems)
    _errors_sheet(wb, problems, title)
    wb.template = False
    tmp = dest.with_name(dest.name + ".tmp")  # a fixed name (not blank.save_atomic's):
    # a run killed while saving leaves it for the retry to overwrite, not a stray file
    wb.save(tmp)
    os.replace(tmp, dest)
    return dest
