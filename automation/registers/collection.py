"""The collection register (سجل متابعة ورود النماذج): ``workbooks/registers/COLLECTION.xlsx``.

Who has not sent (issue 25): a summary sheet with the rate of schools sending on time per
form and period, then one sheet per form schools owe, schools down and the periods of the
current school year across. A cell shows the day a copy arrived on time, the day it arrived
late (shaded), «لم يرد» in red past its due day (with the day of the last reminder beside
it), «مرفوض — بانتظار التصحيح», nothing when not yet due, «غير مطلوب» for a school that
does not owe it. Rewritten whole from the ledger with the other registers (and after
reminders), swapped in like them; right to left, landscape A4, one page wide.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from automation.catalog.forms import CATALOG
from automation.catalog.reference import References, load_references
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import ExcelBusy
from automation.core.locks import exclusive
from automation.ledger.store import Ledger
from automation.processes import collection as coll
from automation.registers.layout import print_like_a_register
from automation.registers.swap import ExcelAdapter, Replace, swap_in

log = logging.getLogger(__name__)

FILE_NAME = "COLLECTION.xlsx"
TITLE_AR = "سجل متابعة ورود النماذج من المدارس"
SUMMARY_AR = "ملخص"
SCHOOL_AR = "المدرسة"
SUMMARY_HEADERS_AR = ("الفترة", "تاريخ الاستحقاق", "المطلوب", "في موعده", "متأخر", "لم يرد",
                      "مرفوض", "لم يحن موعده", "نسبة الالتزام بالموعد")
REMINDER_AR = "تذكير"

_BOLD = Font(name="Arial", size=11, bold=True)
_FONT = Font(name="Arial", size=10)
_TITLE = Font(name="Arial", size=13, bold=True)
_HEADER = PatternFill("solid", fgColor="DDEBF7")
FILLS: dict[str, PatternFill] = {
    coll.LATE: PatternFill("solid", fgColor="FCE4D6"),
    coll.MISSING: PatternFill("solid", fgColor="FF9999"),
    coll.REJECTED: PatternFill("solid", fgColor="FFD966"),
    coll.NOT_OWED: PatternFill("solid", fgColor="E7E6E6"),
}
"""The shading of a cell by state (on time and not yet due are left white)."""
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True, readingOrder=2)


def collection_path(dept: Department) -> Path:
    return dept.registers / FILE_NAME


def _day(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def cell_text(entry: coll.Entry) -> str:
    """What a form sheet's cell says of one (school, period)."""
    if entry.state in (coll.ON_TIME, coll.LATE) and entry.received is not None:
        return _day(entry.received)
    if entry.state == coll.NOT_DUE:
        return ""
    text = entry.state_ar
    if entry.owing and entry.reminders:
        text += f" — {REMINDER_AR} {_day(entry.reminders[-1])}"
    return text


def _print_setup(sheet: Worksheet, caption: str, header_rows: int) -> None:
    """Printed as every register is (:func:`print_like_a_register`), right to left."""
    sheet.sheet_view.rightToLeft = True
    print_like_a_register(sheet, TITLE_AR, caption, header_rows)


def _heading(sheet: Worksheet, lines: list[str], width: int) -> None:
    for index, line in enumerate(lines, start=1):
        cell = sheet.cell(index, 1, line)
        cell.font = _TITLE if index == 1 else _FONT
        cell.alignment = Alignment(horizontal="right", readingOrder=2)
        if width > 1:
            sheet.merge_cells(start_row=index, start_column=1, end_row=index, end_column=width)


def _header_row(sheet: Worksheet, row: int, labels: list[str]) -> None:
    for col, label in enumerate(labels, start=1):
        cell = sheet.cell(row, col, label)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEADER, _BORDER, _CENTER


def summary_rows(entries: list[coll.Entry], today: dt.date) -> dict[str, list[list[object]]]:
    """Per form: one row per period (label, due day, owed, on time, late, missing, rejected,
    not yet due, rate %), as the summary sheet shows them."""
    by_form: dict[str, dict[str, list[coll.Entry]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        by_form[entry.form][entry.slot.slug].append(entry)
    out: dict[str, list[list[object]]] = {}
    for form, per_slot in by_form.items():
        rows = []
        for group in per_slot.values():
            slot = group[0].slot
            count = defaultdict(int)
            for entry in group:
                count[entry.state] += 1
            rate = coll.rate(group, today)
            rows.append([slot.label_ar, _day(slot.due), len(group) - count[coll.NOT_OWED],
                         count[coll.ON_TIME], count[coll.LATE], count[coll.MISSING],
                         count[coll.REJECTED], count[coll.NOT_DUE],
                         "—" if rate.pct is None else f"{rate.pct}%"])
        out[form] = rows
    return out


def _write_summary(sheet: Worksheet, entries: list[coll.Entry], today: dt.date,
                   now: dt.datetime) -> None:
    _heading(sheet, [TITLE_AR, f"{coll.RATE_AR}: في موعده ÷ المطلوب الذي حلّ موعده",
                     f"أُنشئ في {now:%d/%m/%Y %H:%M} من قاعدة بيانات القسم؛ يُعاد إنشاؤه "
                     "تلقائياً، فلا تُدخل بيانات في هذا الملف"], len(SUMMARY_HEADERS_AR))
    row = 5
    for form, rows in summary_rows(entries, today).items():
        spec = CATALOG.form(form)
        cell = sheet.cell(row, 1, f"{form} {spec.name_ar}")
        cell.font = _BOLD
        sheet.merge_cells(start_row=row, start_column=1, end_row=row,
                          end_column=len(SUMMARY_HEADERS_AR))
        row += 1
        _header_row(sheet, row, list(SUMMARY_HEADERS_AR))
        sheet.row_dimensions[row].height = 30
        for values in rows:
            row += 1
            for col, value in enumerate(values, start=1):
                cell = sheet.cell(row, col, value)
                cell.font, cell.border, cell.alignment = _FONT, _BORDER, _CENTER
        row += 2
    for col, width in enumerate((16, 14, 10, 10, 10, 10, 10, 12, 16), start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    _print_setup(sheet, SUMMARY_AR, 0)


def _write_form(sheet: Worksheet, form: str, entries: list[coll.Entry],
                schools: list[str], now: dt.datetime) -> None:
    spec = CATALOG.form(form)
    slots = list({e.slot.slug: e.slot for e in entries}.values())
    expected = spec.expected
    owed = expected.owed_by_ar if expected else ""
    _heading(sheet, [f"{form} — {spec.name_ar}",
                     f"{expected.frequency_ar if expected else ''} — {owed}؛ "
                     f"أُنشئ في {now:%d/%m/%Y}"], len(slots) + 1)
    header = 4
    _header_row(sheet, header, [SCHOOL_AR, *(s.label_ar for s in slots)])
    for col, slot in enumerate(slots, start=2):
        cell = sheet.cell(header + 1, col, f"الموعد {_day(slot.due)}")
        cell.font, cell.border, cell.alignment = _FONT, _BORDER, _CENTER
    sheet.cell(header + 1, 1).border = _BORDER
    cells = {(e.school, e.slot.slug): e for e in entries}
    for index, school in enumerate(schools):
        row = header + 2 + index
        name = sheet.cell(row, 1, school)
        name.font, name.border = _FONT, _BORDER
        longest = 0
        for col, slot in enumerate(slots, start=2):
            entry = cells.get((school, slot.slug))
            text = cell_text(entry) if entry else ""
            longest = max(longest, len(text))
            cell = sheet.cell(row, col, text)
            cell.font, cell.border, cell.alignment = _FONT, _BORDER, _CENTER
            if entry is not None and entry.state in FILLS:
                cell.fill = FILLS[entry.state]
        if longest > 14:  # a rejection or a reminder wraps to two lines
            sheet.row_dimensions[row].height = 30
    sheet.row_dimensions[header].height = 18
    sheet.column_dimensions["A"].width = 44
    for col in range(2, len(slots) + 2):
        sheet.column_dimensions[get_column_letter(col)].width = 15
    _print_setup(sheet, f"{form} {spec.name_ar}", header + 1)
    sheet.freeze_panes = sheet.cell(header + 2, 2)  # the schools' names stay in view


def write_collection_register(
    dept: Department,
    ledger: Ledger,
    *,
    clock: Clock,
    references: References | None = None,
    excel: ExcelAdapter | None = None,
    replace: Replace = os.replace,
) -> str:
    """Rewrite COLLECTION.xlsx for the current school year; returns what :func:`swap_in`
    did (``not-written`` when Excel holds both it and its pending copy)."""
    now = clock.now()
    today = now.date()
    rules = coll.load_rules(dept)
    refs = references if references is not None else load_references(dept)
    period = rules.calendar.school_year(coll.school_year_of(today, rules.calendar))
    entries = coll.entries_of(dept, ledger, today, period, references=refs, rules=rules)
    dept.registers.mkdir(parents=True, exist_ok=True)
    target = collection_path(dept)
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = SUMMARY_AR
    _write_summary(summary, entries, today, now)
    by_form: dict[str, list[coll.Entry]] = defaultdict(list)
    for entry in entries:
        by_form[entry.form].append(entry)
    schools = refs.school_names
    for form, found in by_form.items():
        _write_form(book.create_sheet(form[:31]), form, found, schools, now)
    with exclusive(dept.data / "collection.lock"):
        tmp = dept.registers / f".{uuid.uuid4().hex}.tmp.xlsx"
        try:
            book.save(tmp)
            status = swap_in(tmp, target, excel=excel, replace=replace)
        except ExcelBusy as exc:
            log.warning("%s", exc.message_en)
            status = "not-written"
        finally:
            tmp.unlink(missing_ok=True)
    log.info("register %s: %s (%d entries)", target.name, status, len(entries))
    return status
