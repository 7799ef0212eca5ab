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

from automation.core.department import Department
from automation.core.locks import exclusive
from automation.ledger.outgoing import outgoing_records
from automation.ledger.store import Ledger
from automation.registers.layout import column_width, fit_to_page, header_height, row_height
from automation.registers.swap import ExcelAdapter, Replace, swap_in
from automation.registers.xlsx_stream import Column, XlsxStream

log = logging.getLogger(__name__)

FILE_NAME = "OUTGOING.xlsx"
SHEET_AR = "سجل الصادر"
HEADERS_AR = ("الرقم", "التاريخ", "المرسل إليه", "الموضوع", "العملية", "الوثيقة", "الحالة")
VOID_AR = "ملغى"
KINDS = ("text", "date", "text", "text", "text", "text", "text")
"""Each column's kind (:mod:`automation.registers.layout`)."""


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
    return [OutgoingEntry(*r) for r in outgoing_records(ledger.conn)]


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
        tmp = dept.registers / f".{uuid.uuid4().hex}.tmp.xlsx"
        try:
            _write(tmp, entries)
            status = swap_in(tmp, target, excel=excel, replace=replace)
        finally:
            tmp.unlink(missing_ok=True)
    log.info("register %s: %s (%d numbers)", target.name, status, len(entries))
    return status


def _write(path: Path, entries: list[OutgoingEntry]) -> None:
    """The register's one sheet, printed like every register (title in the page header,
    header row on every page, one landscape page wide); a voided number greyed and
    struck through."""
    rows = [[e.number, _day(e.date), e.to, e.subject, e.process, e.document, _status(e)]
            for e in entries]
    widths = fit_to_page(
        [column_width(kind, title, (row[i] for row in rows))
         for i, (kind, title) in enumerate(zip(KINDS, HEADERS_AR, strict=True))],
        [kind == "text" for kind in KINDS])
    with XlsxStream(path, title=f"OUTGOING — {SHEET_AR}", author="ETI automation") as book:
        sheet = book.add_sheet(
            SHEET_AR, [Column(t, w, k) for t, w, k in zip(HEADERS_AR, widths, KINDS,
                                                        strict=True)],
            rows=len(rows), header_height=header_height(HEADERS_AR, widths),
            caption="الأرقام الصادرة عن القسم بترتيب إعطائها")
        wrapped = [(i, w) for i, (k, w) in enumerate(zip(KINDS, widths, strict=True))
                   if k == "text"]
        for entry, row in zip(entries, rows, strict=True):
            height = row_height(row, wrapped)
            if entry.void:
                kinds = ["struck", "struck_date"] + ["struck"] * 4 + ["text"]
                sheet.write_cells([(value, kind) for value, kind in zip(row, kinds,
                                                                        strict=True)],
                                  height=height)
            else:
                sheet.write_row(row, height=height)
