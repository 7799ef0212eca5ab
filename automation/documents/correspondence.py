"""The department's outgoing correspondence (الصادر): one numbering, and its letters.

Everything the department sends takes its number from one sequence per calendar
year (``outgoing-<year>`` in the ledger), formatted by ``[correspondence]
number_format`` in ``eti.toml``: rejection letters, committee decisions, letters of
thanks (P8), covering letters to the Queen Rania Center (P7/P10) and free letters.
A number is given inside the ledger's write transaction (``BEGIN IMMEDIATE``), so two
commands running at once wait for each other and never get the same number; a number
is recorded in the ``outgoing`` table with its document, and one given is never given
again (a void decision keeps its number, marked void). The register
``workbooks/registers/OUTGOING.xlsx`` is rewritten from that table
(:mod:`automation.registers.outgoing`).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automation.catalog.reference import References
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.core.settings import load_settings
from automation.documents.context import common_context, references_of
from automation.documents.outbox import letters_folder, name_parts, relative, render_into, reserve
from automation.documents.render import DEFAULT_TIMEOUT
from automation.ledger.store import Ledger
from automation.registers.outgoing import outgoing_entries, write_outgoing_register

log = logging.getLogger(__name__)

DEFAULT_FORMAT = "{prefix}/{year}/{sequence}"
THANKS_KIND = "letter-thanks"
QRC_KIND = "letter-qrc"
FREE_KIND = "letter-free"
QRC_AR = "مركز الملكة رانيا العبدالله لتكنولوجيا التعليم والمعلومات"
KINDS_AR = {
    "rejection-letter": "كتاب إعادة نموذج",
    "decision-disposal": "قرار لجنة الإتلاف",
    THANKS_KIND: "كتاب شكر وتشجيع",
    QRC_KIND: "كتاب تغطية إلى مركز الملكة رانيا",
    FREE_KIND: "كتاب",
}


@dataclass(frozen=True)
class Issued:
    """A number given: its row in ``outgoing`` and its text."""

    id: int
    number: str


@dataclass(frozen=True)
class Sent:
    """A numbered letter written into the outbox."""

    number: str
    path: Path
    attachment: Path | None = None


def format_number(number_format: str, prefix: str, year: int, sequence: int) -> str:
    """``number_format`` filled in; separators left at either end by an empty prefix go."""
    text = number_format.format(prefix=prefix.strip().strip("/"), year=year, sequence=sequence)
    return text.strip().strip("/-").strip()


def number_format_of(dept: Department) -> str:
    """``[correspondence] number_format`` of the department (a bad one raises ConfigError)."""
    return load_settings(dept).correspondence.number_format


def issue_number(
    ledger: Ledger,
    conn: sqlite3.Connection,
    *,
    prefix: str,
    number_format: str,
    day: dt.date,
    now: dt.datetime,
    kind: str,
    to: str,
    subject: str,
    process: str,
    document: str = "",
) -> Issued:
    """Give the next outgoing number of ``day``'s year, inside ``conn``'s transaction.

    The sequence counts every number the department gave that year; a format changed
    mid-year that would repeat an earlier text skips to the next free one.
    """
    while True:
        sequence = ledger.next_sequence(conn, f"outgoing-{day.year}")
        number = format_number(number_format, prefix, day.year, sequence)
        if conn.execute("SELECT 1 FROM outgoing WHERE number = ?", (number,)).fetchone() is None:
            break
    cursor = conn.execute(
        "INSERT INTO outgoing (number, year, sequence, issued_on, kind, addressee, subject, "
        "process, document, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (number, day.year, sequence, day.isoformat(), kind, to, subject, process, document,
         now.isoformat(timespec="seconds")),
    )
    return Issued(int(cursor.lastrowid or 0), number)


def attach_document(conn: sqlite3.Connection, issued: Issued, document: str) -> None:
    conn.execute("UPDATE outgoing SET document = ? WHERE id = ?", (document, issued.id))


def void_number(conn: sqlite3.Connection, number: str, reason: str) -> None:
    """Mark a number void: it stays in the register, never given again."""
    conn.execute("UPDATE outgoing SET void = 1, void_reason = ? WHERE number = ?",
                 (reason, number))


def outgoing_list(ledger: Ledger) -> list[dict[str, Any]]:
    """What ``eti outgoing list --json`` prints, oldest first."""
    return [
        {"number": e.number, "date": e.date, "kind": e.kind, "to": e.to,
         "subject": e.subject, "document": e.document, "void": e.void}
        for e in outgoing_entries(ledger)
    ]


def refresh_registers(dept: Department, ledger: Ledger, *, clock: Clock) -> list[str]:
    """Write the registers a command left dirty (as ``eti process`` does) and the outgoing
    register; returns the registers written. A register held open waits as pending."""
    from automation.registers.builder import write_registers

    written = []
    dirty = ledger.dirty_processes()
    if dirty:
        try:
            outcomes = write_registers(dept, ledger, dirty, clock=clock,
                                       calendar=load_settings(dept).department.calendar)
        except OSError as exc:  # the folder read-only or unreachable: kept dirty
            log.warning("registers %s not written (the next batch writes them): %s",
                        ", ".join(dirty), exc)
        else:
            done = [o.process for o in outcomes if o.status != "not-written"]
            ledger.clear_dirty(done)
            written += done
    try:
        write_outgoing_register(dept, ledger)
        written.append("OUTGOING")
    except (OSError, EtiError) as exc:
        log.warning("the outgoing register was not written: %s", exc)
    return written


# -- letters ------------------------------------------------------------------------------


def _send(
    dept: Department,
    ledger: Ledger,
    *,
    kind: str,
    template: str,
    title: str,
    process: str,
    to: str,
    subject: str,
    extra: dict[str, Any],
    stem: str,
    clock: Clock,
    references: References | None,
    timeout: float,
) -> Sent:
    refs = references_of(dept, references)
    number_format = number_format_of(dept)
    now = clock.now()
    day = now.date()
    path: Path | None = None
    try:
        with ledger.transaction() as conn:
            issued = issue_number(ledger, conn, prefix=refs.directorate.letter_prefix,
                                  number_format=number_format, day=day, now=now, kind=kind,
                                  to=to, subject=subject, process=process)
            code = f"QP-70-2 / {process}" if process else "QP-70-2"
            context = common_context(dept, refs, doc_code=code, title=title, day=day) | {
                "number": issued.number, "to": to, "subject": subject} | extra
            path = render_into(dept, template, context, letters_folder(dept),
                               name_parts(day.isoformat(), stem, issued.number),
                               timeout=timeout)
            rel = relative(dept, path)
            attach_document(conn, issued, rel)
            ledger.record_document(kind, rel, now)
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    log.info("%s %s: %s", kind, issued.number, path)
    return Sent(issued.number, path)


def _required(value: str, en: str, ar: str) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise EtiError(f"{en} is empty; no letter was written.",
                       f"{ar} فارغ، فلم يُكتب الكتاب.", code="empty-field")
    return text


def make_thanks_letter(
    dept: Department,
    ledger: Ledger,
    *,
    school: str,
    initiative: str,
    clock: Clock,
    references: References | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Sent:
    """P8: a letter of thanks and encouragement to a school for an active initiative."""
    school = _required(school, "the school", "اسم المدرسة")
    initiative = _required(initiative, "the initiative", "اسم المبادرة")
    return _send(dept, ledger, kind=THANKS_KIND, template="letter_thanks.docx",
                 title="كتاب شكر وتشجيع", process="P8", to=f"مدير/ة {school}",
                 subject=f"شكر وتشجيع على مبادرة «{initiative}»",
                 extra={"school": school, "initiative": initiative},
                 stem="كتاب-شكر", clock=clock, references=references, timeout=timeout)


def make_qrc_letter(
    dept: Department,
    ledger: Ledger,
    *,
    document: Path,
    clock: Clock,
    process: str = "P10",
    references: References | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Sent:
    """P7/P10: a covering letter forwarding a report to the Queen Rania Center; a copy of
    the report is put beside the letter (``<letter name>-مرفق.<ext>``)."""
    source = Path(document)
    if not source.is_file():
        raise EtiError(
            f"the report to forward, {source}, is not a file; no letter was written.",
            f"التقرير المراد إرساله «{source}» غير موجود أو ليس ملفاً، فلم يُكتب الكتاب.",
            code="no-document",
        )
    sent = _send(dept, ledger, kind=QRC_KIND, template="letter_qrc.docx",
                 title="كتاب تغطية", process=process, to=f"مدير {QRC_AR}",
                 subject=f"إرسال تقرير: {source.stem}",
                 extra={"report_name": source.name},
                 stem="كتاب-تغطية-مركز-الملكة-رانيا", clock=clock, references=references,
                 timeout=timeout)
    attachment = reserve(sent.path.parent, f"{sent.path.stem}-مرفق", source.suffix)
    try:
        shutil.copyfile(source, attachment)
    except OSError:
        attachment.unlink(missing_ok=True)
        raise
    return Sent(sent.number, sent.path, attachment)


def make_free_letter(
    dept: Department,
    ledger: Ledger,
    *,
    to: str,
    subject: str,
    body: str,
    clock: Clock,
    references: References | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Sent:
    """A letter with the addressee, subject and body staff give (paragraphs by line)."""
    to = _required(to, "the addressee", "المرسل إليه")
    subject = _required(subject, "the subject", "الموضوع")
    paragraphs = [" ".join(line.split()) for line in str(body or "").splitlines()]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        _required("", "the body", "نص الكتاب")
    return _send(dept, ledger, kind=FREE_KIND, template="letter_free.docx", title="كتاب",
                 process="", to=to, subject=subject, extra={"body": paragraphs},
                 stem="كتاب", clock=clock, references=references, timeout=timeout)
