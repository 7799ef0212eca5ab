"""The department's outgoing correspondence (الصادر): one numbering, and its letters.

Everything the department sends takes its number from one sequence per calendar
year (``outgoing-<year>`` in the ledger), formatted by ``[correspondence]
number_format`` in ``eti.toml``: rejection letters, committee decisions, letters of
thanks (P8), covering letters to the Queen Rania Center (P7/P10) and free letters.
A number is given inside the ledger's write transaction (an immediate one), so two
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
from automation.documents.context import common_context, document_title, references_of
from automation.documents.kinds import LETTER_FREE, LETTER_QRC, LETTER_THANKS, DocumentSpec
from automation.documents.outbox import (
    letters_folder,
    name_parts,
    place,
    relative,
    render_into,
    temporary,
)
from automation.documents.render import DEFAULT_TIMEOUT
from automation.ledger import outgoing
from automation.ledger.store import Ledger
from automation.registers.outgoing import outgoing_entries, write_outgoing_register

log = logging.getLogger(__name__)

DEFAULT_FORMAT = "{prefix}/{year}/{sequence}"
QRC_AR = "مركز الملكة رانيا العبدالله لتكنولوجيا التعليم والمعلومات"


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
        if not outgoing.number_taken(conn, number):
            break
    return Issued(outgoing.record_number(
        conn, number=number, year=day.year, sequence=sequence, issued_on=day.isoformat(),
        kind=kind, addressee=to, subject=subject, process=process, document=document,
        created_at=now.isoformat(timespec="seconds")), number)


def attach_document(conn: sqlite3.Connection, issued: Issued, document: str) -> None:
    outgoing.attach_document(conn, issued.id, document)


def void_number(conn: sqlite3.Connection, number: str, reason: str) -> None:
    """Mark a number void: it stays in the register, never given again."""
    outgoing.void_number(conn, number, reason)


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
        except Exception as exc:  # what was saved stays saved; the registers kept dirty
            log.warning("لم تُكتب السجلات %s؛ تُكتب في الدفعة التالية (eti process) — "
                        "registers %s not written (the next batch, eti process, writes "
                        "them): %s", ", ".join(dirty), ", ".join(dirty), exc)
        else:
            done = [o.process for o in outcomes if o.status != "not-written"]
            ledger.clear_dirty(done)
            written += done
    try:
        write_outgoing_register(dept, ledger)
        written.append("OUTGOING")
    except Exception as exc:  # what was saved stays saved
        log.warning("لم يُكتب سجل الصادر؛ يُكتب مع الدفعة التالية (eti process) — "
                    "the outgoing register was not written (eti outgoing or the next "
                    "batch writes it): %s", exc)
    return written


# -- letters ------------------------------------------------------------------------------


def _send(
    dept: Department,
    ledger: Ledger,
    spec: DocumentSpec,
    *,
    process: str,
    to: str,
    subject: str,
    extra: dict[str, Any],
    stem: str,
    clock: Clock,
    references: References | None,
    timeout: float,
) -> Sent:
    """Number, render and record one letter of the declared kind ``spec`` (its key, its
    template and its title come from the declaration)."""
    kind = spec.key
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
            context = common_context(dept, refs, doc_code=code, title=spec.title_ar,
                                     day=day) | {
                "number": issued.number, "to": to, "subject": subject} | extra
            path = render_into(dept, spec.template.file, context, letters_folder(dept),
                               name_parts(day.isoformat(), stem, issued.number),
                               timeout=timeout, ledger=ledger)
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


def listed_school(dept: Department, refs: References, school: str) -> str:
    """The school of the schools list (``workbooks/reference/``) that ``school`` names (by
    name, spelled loosely, or national number); raises EtiError naming the closest one
    otherwise: a letter is addressed to a school the directorate has."""
    from automation.catalog.schools import SchoolIndex

    index = SchoolIndex(refs.schools)
    found = index.find(school)
    if found is not None:
        return found.name
    close = index.suggest(school)
    hint_ar = f" هل تقصد «{close}»؟" if close else ""
    hint_en = f" (did you mean {close!r}?)" if close else ""
    raise EtiError(
        f"{school!r} is not a school of the schools list in {dept.reference}{hint_en}; "
        "no letter was written. Give a school as the list names it, or add the school to "
        "the list first.",
        f"«{school}» ليست مدرسة في قائمة المدارس (workbooks/reference).{hint_ar} "
        "لم يُكتب الكتاب: اكتب اسم المدرسة كما في القائمة، أو أضفها إلى القائمة أولاً.",
        code="unknown-school",
    )


def department_document(dept: Department, document: Path) -> Path:
    """``document`` when it is a document the department made: a file under ``outbox/``
    (given as a path, or relative to the department folder as the ledger lists it), not
    reached through a link out of it. Raises EtiError otherwise: a covering letter
    forwards the department's own reports, never any other file of the computer."""
    outbox = dept.outbox.resolve()
    tried = [document] if document.is_absolute() else [Path.cwd() / document,
                                                         dept.root / document]
    for candidate in tried:
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if resolved.is_relative_to(outbox) and resolved.is_file():
            return resolved
    raise EtiError(
        f"{document} is not a document of this department's outbox ({dept.outbox}); "
        "no letter was written. Give a report from outbox/ (eti report … writes one).",
        f"«{document}» ليس وثيقة من مجلد outbox في مجلد القسم، فلم يُكتب الكتاب: اختر "
        "تقريراً من مجلد outbox (يُنشئه الأمر eti report).",
        code="no-document",
    )


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
    """P8: a letter of thanks and encouragement to a school of the schools list for an
    active initiative (the school's name as the list spells it)."""
    school = _required(school, "the school", "اسم المدرسة")
    initiative = _required(initiative, "the initiative", "اسم المبادرة")
    school = listed_school(dept, references_of(dept, references), school)
    return _send(dept, ledger, LETTER_THANKS, process="P8", to=f"مدير/ة {school}",
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
    source = department_document(dept, Path(document))
    report = document_title(source)
    sent = _send(dept, ledger, LETTER_QRC, process=process, to=f"مدير {QRC_AR}",
                 subject=f"إرسال تقرير: {report}",
                 extra={"report_name": report},
                 stem="كتاب-تغطية-مركز-الملكة-رانيا", clock=clock, references=references,
                 timeout=timeout)
    written = temporary(sent.path.parent)
    try:
        shutil.copyfile(source, written)
        attachment = place(written, sent.path.parent, f"{sent.path.stem}-مرفق", source.suffix)
    finally:
        written.unlink(missing_ok=True)
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
    return _send(dept, ledger, LETTER_FREE, process="", to=to, subject=subject,
                 extra={"body": paragraphs}, stem="كتاب", clock=clock,
                 references=references, timeout=timeout)
