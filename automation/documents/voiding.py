"""Voiding a disposal committee decision (issue 24): its items released; an approved one
keeps its number, marked void in the outgoing register, and gets a void notice
(:data:`~automation.documents.kinds.VOID_NOTICE`: the next outgoing number, naming the
decision's number and the reason); its document is written again headed «ملغى», the copy
first issued moving to ``outbox/.previous/decisions/``. One transaction with its documents
rendered inside it: if anything fails nothing is recorded and the files are as they were.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import zipfile
from pathlib import Path

from automation.catalog.reference import References
from automation.core.assets import ASSET_TEMPLATES
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.documents.context import common_context, references_of, template_for
from automation.documents.correspondence import (
    attach_document,
    issue_number,
    number_format_of,
    void_number,
)
from automation.documents.decision import (
    APPROVED,
    DOCUMENT_KIND,
    TEMPLATE,
    VOID,
    DecisionInfo,
    DisposalItem,
    _decision,
    _not_a_draft,
    _scope_dates,
    _sources_text,
    decision_context,
    decision_items,
    list_decisions,
)
from automation.documents.kinds import DISPOSAL_DECISION, VOID_NOTICE
from automation.documents.making import file_stem
from automation.documents.outbox import (
    PREVIOUS,
    decisions_folder,
    place,
    relative,
    render_into,
    reserve,
    temporary,
)
from automation.documents.render import DEFAULT_TIMEOUT, render_document
from automation.ledger import decisions
from automation.ledger.store import Ledger
from automation.processes import p05_disposal, processes_fed_by
from automation.text.dates import format_date

log = logging.getLogger(__name__)


def void_decision(
    dept: Department,
    ledger: Ledger,
    decision_id: int,
    *,
    reason: str,
    clock: Clock,
    references: References | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> DecisionInfo:
    """Void a draft or approved decision: its items are released (offered to the next
    draft, no longer disposed). An approved one keeps its number, marked void, and gets its
    void notice (the next outgoing number) and its document written again headed «ملغى»,
    the copy first issued kept in ``outbox/.previous/decisions/``. All of it or nothing:
    one transaction, the documents rendered under temporary names inside it, and the files
    put back as they were if it fails. Voiding a void decision, or without a reason, is
    refused."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise EtiError("a reason is needed to void a decision; nothing was changed.",
                       "يلزم ذكر سبب إلغاء القرار؛ لم يُغيَّر شيء.", code="no-reason")
    now = clock.now()
    files = _VoidFiles()
    notice = ""
    issued_number = ""
    try:
        with ledger.transaction() as conn:
            decision = _decision(conn, decision_id)
            if decision["state"] == VOID:
                raise _not_a_draft(decision, voiding=True)
            approved = decision["state"] == APPROVED
            if approved:
                items = decision_items(ledger, decision)
            decisions.void(conn, decision_id, state=VOID, reason=reason,
                           voided_at=now.isoformat(timespec="seconds"))
            if approved:
                void_number(conn, str(decision["number"]), reason)
                notice, issued_number = _write_void_notice(
                    dept, ledger, conn, decision, items, reason, now, files,
                    references=references, timeout=timeout)
            ledger.mark_dirty(conn, processes_fed_by(p05_disposal.ITEMS))
    except BaseException:
        files.undo()
        raise
    files.done()
    log.info("decision %s voided: %s%s", decision_id, reason,
             f" (notice {issued_number}: {notice})" if notice else "")
    info = next(d for d in list_decisions(ledger) if d.id == decision_id)
    return DecisionInfo(**{**info.__dict__, "notice": notice, "notice_number": issued_number})


class _VoidFiles:
    """What voiding did to files, undone if its transaction fails: the notice placed, the
    decision's first copy moved to ``.previous/``, its new copy placed."""

    def __init__(self) -> None:
        self.made: list[Path] = []
        self.moved: list[tuple[Path, Path]] = []  # (where it was, where it went)
        self.temporary: list[Path] = []

    def undo(self) -> None:
        for path in self.made:
            path.unlink(missing_ok=True)
        for was, went in reversed(self.moved):
            try:
                os.replace(went, was)
            except OSError as exc:
                log.error("could not put %s back from %s: %s", was, went, exc)
        self.done()

    def done(self) -> None:
        for path in self.temporary:
            path.unlink(missing_ok=True)


def void_notice_context(
    dept: Department,
    refs: References,
    number: str,
    day: dt.date,
    *,
    decision_number: str,
    decision_date: str,
    reason: str,
    items: list[DisposalItem],
) -> dict[str, object]:
    """The context of void_notice.docx (see templates.void_notice.sample_void_notice)."""
    sources = _sources_text(items)
    return common_context(dept, refs, doc_code=f"QP-70-2 / {p05_disposal.PROCESS.code}",
                          title=VOID_NOTICE.title_ar, day=day) | {
        "number": number,
        "to": sources,
        "decision_number": decision_number,
        "decision_date": format_date(dt.date.fromisoformat(decision_date))
        if decision_date else "",
        "reason": reason,
        "source_text": sources,
        "item_count": len(items),
        "total_quantity": sum(i.quantity for i in items),
    }


def _write_void_notice(
    dept: Department,
    ledger: Ledger,
    conn: sqlite3.Connection,
    decision: sqlite3.Row,
    items: list[DisposalItem],
    reason: str,
    now: dt.datetime,
    files: _VoidFiles,
    *,
    references: References | None,
    timeout: float,
) -> tuple[str, str]:
    """Inside the voiding transaction: the notice numbered and written, the decision's
    document written again headed «ملغى» in place of the first copy (moved to
    ``.previous/``). Returns the notice's path (``outbox/…``) and number."""
    refs = references_of(dept, references)
    day = now.date()
    number = str(decision["number"])
    issued = issue_number(
        ledger, conn, prefix=refs.directorate.letter_prefix,
        number_format=number_format_of(dept), day=day, now=now, kind=VOID_NOTICE.key,
        to=_sources_text(items), subject=f"إلغاء قرار لجنة الإتلاف رقم {number}: {reason}",
        process=p05_disposal.PROCESS.code)
    context = void_notice_context(dept, refs, issued.number, day, decision_number=number,
                                  decision_date=str(decision["decided_on"] or ""),
                                  reason=reason, items=items)
    folder = dept.outbox / VOID_NOTICE.folder
    path = render_into(dept, VOID_NOTICE.template.file, context, folder,
                       file_stem(VOID_NOTICE.file, {"decision": number}), timeout=timeout,
                       ledger=ledger)
    files.made.append(path)
    rel = relative(dept, path)
    attach_document(conn, issued, rel)
    ledger.record_document(VOID_NOTICE.key, rel, now)
    _rewrite_voided(dept, ledger, decision, items, refs, now, files,
                    void={"number": issued.number, "date": format_date(day), "reason": reason},
                    timeout=timeout)
    return rel, issued.number


def _rewrite_voided(
    dept: Department,
    ledger: Ledger,
    decision: sqlite3.Row,
    items: list[DisposalItem],
    refs: References,
    now: dt.datetime,
    files: _VoidFiles,
    *,
    void: dict[str, str],
    timeout: float,
) -> None:
    """The decision's document written again, headed «ملغى», at its own name; the first
    copy (and its PDF) moves to ``outbox/.previous/decisions/`` and the ledger's list of
    documents follows it. Rendered under a temporary name first: nothing is moved unless
    the new copy is complete."""
    number = str(decision["number"])
    date_from, date_to = _scope_dates(json.loads(decision["scope"] or "{}"))
    decided = str(decision["decided_on"] or "")
    context = decision_context(dept, refs, number, dt.date.fromisoformat(decided)
                               if decided else now.date(), items, date_from=date_from,
                               date_to=date_to, void=void)
    folder = decisions_folder(dept)
    written = temporary(folder)
    files.temporary.append(written)
    render_document(_void_template(dept), context, written, timeout=timeout)
    original = dept.root / str(decision["document"]) if decision["document"] else None
    stem = original.stem if original is not None else \
        file_stem(DISPOSAL_DECISION.file, {"number": number})
    if original is not None:
        for old in (original, original.with_suffix(".pdf")):
            if not old.is_file():
                continue
            went = _to_previous(dept, old, now)
            if went is None:
                continue
            files.moved.append((old, went))
            ledger.move_document(relative(dept, old), relative(dept, went))
    target = place(written, folder, stem)
    files.made.append(target)
    rel = relative(dept, target)
    ledger.set_decision_document(int(decision["id"]), rel)
    ledger.record_document(DOCUMENT_KIND, rel, now)


def _to_previous(dept: Department, old: Path, now: dt.datetime) -> Path | None:
    """Move ``old`` to ``outbox/.previous/<its folder>/`` under its time; None when it
    cannot move (open in Word on Windows: the new copy goes beside it)."""
    try:
        when = dt.datetime.fromtimestamp(old.stat().st_mtime)
    except OSError:
        when = now
    try:
        sub = old.parent.resolve().relative_to(dept.outbox.resolve())
    except ValueError:
        sub = Path(old.parent.name)
    target = reserve(dept.outbox / PREVIOUS / sub, f"{old.stem}-{when:%Y%m%d-%H%M%S}",
                     old.suffix)
    try:
        os.replace(old, target)
    except OSError as exc:
        target.unlink(missing_ok=True)
        log.warning("%s could not be moved to %s (%s); the copy marked void goes beside it",
                    old.name, PREVIOUS, exc)
        return None
    return target


def _void_template(dept: Department) -> Path:
    """The decision's template that marks a void decision: the department's own copy when
    it has the mark (``void``), else the shipped one (a copy edited before issue 24 would
    print a void decision as in force)."""
    own = template_for(dept, TEMPLATE)
    try:
        with zipfile.ZipFile(own) as book:
            marked = b"void" in book.read("word/document.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        marked = False
    if not marked and own != ASSET_TEMPLATES / TEMPLATE:
        log.warning("the department's %s does not mark a void decision (no «void»); the "
                    "shipped template is used for the decision marked void", TEMPLATE)
        return ASSET_TEMPLATES / TEMPLATE
    return own
