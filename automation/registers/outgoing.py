"""The outgoing register (سجل الصادر): ``workbooks/registers/OUTGOING.xlsx``.

One row per number the department gave (rejection letters, committee decisions,
letters of thanks, covering letters, free letters), oldest first, rewritten whole from
the ledger's ``outgoing`` table and swapped in like every register (Excel holding it
open leaves the new version pending). A lock in ``data/`` keeps two commands from
writing it at once: each reads the ledger while holding it, so the last one written
has every number.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from automation.core.department import Department
from automation.core.locks import exclusive
from automation.ledger.store import Ledger
from automation.registers.swap import ExcelAdapter, Replace, swap_in

log = logging.getLogger(__name__)

FILE_NAME = "OUTGOING.xlsx"
SHEET_AR = "سجل الصادر"
HEADERS_AR = ("الرقم", "التاريخ", "المرسل إليه", "الموضوع", "العملية", "الوثيقة", "الحالة")
VOID_AR = "ملغى"
WIDTHS = (18, 12, 34, 48, 9, 52, 24)


@dataclass(frozen=True)
class OutgoingEntry:
    """One number of the outgoing register."""

    number: str
    date: str
    kind: str
    to: str
    subject: str
    process: str
    document: str
    void: bool
    void_reason: str


def outgoing_entries(ledger: Ledger) -> list[OutgoingEntry]:
    """Every number given, in the order given."""
    return [
        OutgoingEntry(str(r["number"]), str(r["issued_on"]), str(r["kind"]),
                      str(r["addressee"]), str(r["subject"]), str(r["process"]),
                      str(r["document"]), bool(r["void"]), str(r["void_reason"]))
        for r in ledger.conn.execute(
            "SELECT number, issued_on, kind, addressee, subject, process, document, void, "
            "void_reason FROM outgoing ORDER BY year, sequence, id"
        )
    ]


def outgoing_path(dept: Department) -> Path:
    return dept.registers / FILE_NAME


def _status(entry: OutgoingEntry) -> str:
    if not entry.void:
        return ""
    return f"{VOID_AR}: {entry.void_reason}" if entry.void_reason else VOID_AR


def _day(text: str) -> dt.date | str:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return text


def write_outgoing_register(
    dept: Department,
    ledger: Ledger,
    *,
    excel: ExcelAdapter | None = None,
    replace: Replace = os.replace,
) -> str:
    """Rewrite OUTGOING.xlsx from the ledger; returns what :func:`swap_in` did."""
    dept.registers.mkdir(parents=True, exist_ok=True)
    target = outgoing_path(dept)
    with exclusive(dept.data / "outgoing.lock"):
        entries = outgoing_entries(ledger)
        book = Workbook()
        sheet = book.active
        sheet.title = SHEET_AR
        sheet.sheet_view.rightToLeft = True
        sheet.append(HEADERS_AR)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        grey = Font(color="808080", strike=True)
        for entry in entries:
            sheet.append([entry.number, _day(entry.date), entry.to, entry.subject,
                          entry.process, entry.document, _status(entry)])
            sheet.cell(sheet.max_row, 2).number_format = "dd/mm/yyyy"
            if entry.void:
                for cell in sheet[sheet.max_row][:6]:
                    cell.font = grey
        for index, width in enumerate(WIDTHS, start=1):
            sheet.column_dimensions[chr(ord("A") + index - 1)].width = width
        sheet.freeze_panes = "A2"
        if entries:
            sheet.auto_filter.ref = f"A1:G{sheet.max_row}"
        tmp = dept.registers / f".{uuid.uuid4().hex}.tmp.xlsx"
        try:
            book.save(tmp)
            status = swap_in(tmp, target, excel=excel, replace=replace)
        finally:
            tmp.unlink(missing_ok=True)
    log.info("register %s: %s (%d numbers)", target.name, status, len(entries))
    return status
