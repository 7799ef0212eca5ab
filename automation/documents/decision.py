"""P5: the disposal committee's decision (قرار لجنة الإتلاف) with its annexed list,
from draft to approval (or voiding).

- :func:`draft_disposal_decision` takes the DISPOSAL items not yet in a decision
  (optionally of one source and/or a date range of their lists), records a *draft*
  holding them (so the next draft does not offer them again) and writes its document,
  headed «مسودة», without a number.
- :func:`approve_decision` gives the draft the next outgoing number
  (:mod:`automation.documents.correspondence`), writes the final document and dates the
  decision: its items count as disposed as of that date («عدد المواد المتلفة بقرار»).
- :func:`void_decision` releases the items; an approved decision voided keeps its
  number, marked void in the outgoing register, and gets a void notice
  (:data:`~automation.documents.kinds.VOID_NOTICE`: the next outgoing number, naming the
  decision's number and the reason); its document is written again marked «ملغى» at its
  head, the one first issued moving to ``outbox/.previous/decisions/`` (issue 24).

Each step is one transaction with its document rendered inside it: if rendering
fails nothing is recorded. Each marks the P5 register (and the plan) for rewriting.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from automation.catalog.reference import References
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.documents.context import common_context, references_of
from automation.documents.correspondence import (
    attach_document,
    issue_number,
    number_format_of,
)
from automation.documents.kinds import DISPOSAL_DECISION, DISPOSAL_DRAFT
from automation.documents.outbox import (
    decisions_folder,
    relative,
    render_into,
)
from automation.documents.render import DEFAULT_TIMEOUT
from automation.ledger import decisions
from automation.ledger.store import Ledger
from automation.processes import p05_disposal, processes_fed_by
from automation.processes.p05_disposal import DisposalItem, pending_items
from automation.text.dates import format_date

log = logging.getLogger(__name__)

KIND = "disposal"
DOCUMENT_KIND = DISPOSAL_DECISION.key
DRAFT_KIND = DISPOSAL_DRAFT.key
DRAFT, APPROVED, VOID = "draft", "approved", "void"
STATES_AR = {DRAFT: "مسودة", APPROVED: "معتمد", VOID: "ملغى"}
TEMPLATE = DISPOSAL_DECISION.template.file
NO_REPORT_NOTE = p05_disposal.NO_REPORT_NOTE
unrepairable_references = p05_disposal.unrepairable_references
"""The items, their notes and tallies are P5's (:mod:`automation.processes.p05_disposal`);
a decision prints them."""
ROLE_ORDER = ("رئيس اللجنة", "عضو", "مقرر")
BLANK_COMMITTEE = (("رئيس اللجنة", "", ""), ("عضو", "", ""), ("عضو", "", ""))
"""Signature lines printed when committee.xlsx lists nobody (names written by hand)."""


@dataclass(frozen=True)
class DecisionResult:
    number: str
    path: Path
    items: tuple[DisposalItem, ...]
    decision_id: int = 0
    state: str = APPROVED


@dataclass(frozen=True)
class DecisionInfo:
    """One decision as ``eti decision list`` shows it."""

    id: int
    state: str
    number: str | None
    date: str | None
    items: int
    document: str
    void_reason: str
    notice: str = ""
    """The void notice (``outbox/…``) of an approved decision voided by this call."""
    notice_number: str = ""


def _committee(refs: References) -> list[dict[str, str]]:
    members = sorted(
        refs.committee,
        key=lambda m: ROLE_ORDER.index(m.role) if m.role in ROLE_ORDER else len(ROLE_ORDER),
    )
    if not members:
        log.warning("committee.xlsx lists no members: the decision has blank signature lines")
        return [{"role": r, "name": n, "title": t} for r, n, t in BLANK_COMMITTEE]
    return [{"role": m.role, "name": m.name, "title": m.title} for m in members]


def _sources_text(items: list[DisposalItem]) -> str:
    sources = list(dict.fromkeys(i.source for i in items if i.source))
    if not sources:
        return "الجهات المعنية"
    if len(sources) <= 5:
        return "، ".join(sources)
    return f"{len(sources)} جهات"


def decision_context(
    dept: Department,
    refs: References,
    number: str,
    day: dt.date,
    items: list[DisposalItem],
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    draft: bool = False,
    void: dict[str, str] | None = None,
) -> dict[str, object]:
    """The context of decision_disposal.docx (see samples.decision_disposal); a draft has
    no number and is headed «مسودة»; a void one (``void``: the notice's ``number``,
    ``date`` and ``reason``) is headed «ملغى»."""
    range_text = ""
    if date_from and date_to:
        range_text = f" عن الفترة من {format_date(date_from)} إلى {format_date(date_to)}"
    elif date_from:
        range_text = f" منذ {format_date(date_from)}"
    elif date_to:
        range_text = f" حتى {format_date(date_to)}"
    return common_context(dept, refs, doc_code="QP-70-2 / P5", title="قرار لجنة الإتلاف",
                          day=day) | {
        "number": "" if draft else number,
        "draft": draft,
        "void": void is not None,
        "void_number": (void or {}).get("number", ""),
        "void_date": (void or {}).get("date", ""),
        "void_reason": (void or {}).get("reason", ""),
        "source_text": _sources_text(items),
        "range_text": range_text,
        "committee": _committee(refs),
        "items": [
            {
                "n": n,
                "category": i.category,
                "description": i.description,
                "asset_no": i.asset_no,
                "quantity": i.quantity,
                "reason": i.reason,
                "maintenance_ref": i.maintenance_ref,
                "source": i.source,
                "note": i.note,
            }
            for n, i in enumerate(items, start=1)
        ],
    } | p05_disposal.item_tallies(items)


def _scope_dates(scope: dict[str, str]) -> tuple[dt.date | None, dt.date | None]:
    first, last = scope.get("from"), scope.get("to")
    return (dt.date.fromisoformat(first) if first else None,
            dt.date.fromisoformat(last) if last else None)


def draft_disposal_decision(
    dept: Department,
    ledger: Ledger,
    *,
    clock: Clock,
    source: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    item_ids: list[int] | None = None,
    references: References | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> DecisionResult:
    """A draft decision for the pending items selected (``item_ids``: only those rows);
    see the module doc. Raises :class:`EtiError` (Arabic and English) when no item is
    selected or an id given is not a pending item."""
    refs = references_of(dept, references)
    now = clock.now()
    path: Path | None = None
    scope = {"source": source or "", "from": date_from.isoformat() if date_from else "",
             "to": date_to.isoformat() if date_to else ""}
    try:
        with ledger.transaction() as conn:
            items = pending_items(ledger, source=source, date_from=date_from, date_to=date_to)
            if item_ids is not None:
                wanted = set(item_ids)
                missing = sorted(wanted - {i.row_id for i in items})
                if missing:
                    raise _not_pending(missing)
                items = [i for i in items if i.row_id in wanted]
            if not items:
                raise _no_items(source, date_from, date_to)
            decision_id = decisions.insert_draft(
                conn, kind=KIND, placeholder=f"draft-{uuid.uuid4().hex}",
                created_at=now.isoformat(timespec="seconds"), state=DRAFT,
                item_ids=[i.row_id for i in items], scope=scope)
            attached = decisions.hold_rows(conn, decision_id, [i.row_id for i in items])
            if attached != len(items):
                raise EtiError(
                    "some items were taken by another decision meanwhile; try again",
                    "أُدرجت بعض المواد في قرار آخر أثناء العمل؛ أعد المحاولة.",
                )
            ledger.mark_dirty(conn, processes_fed_by(p05_disposal.ITEMS))
            context = decision_context(dept, refs, "", now.date(), items, date_from=date_from,
                                       date_to=date_to, draft=True)
            path = render_into(dept, TEMPLATE, context, decisions_folder(dept),
                               f"مسودة-قرار-إتلاف-{decision_id}", timeout=timeout)
            rel = relative(dept, path)
            decisions.set_document(conn, decision_id, rel)
            ledger.record_document(DRAFT_KIND, rel, now)
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    log.info("draft disposal decision %s: %d items, %s", decision_id, len(items), path)
    return DecisionResult("", path, tuple(items), decision_id, DRAFT)


def _decision(conn: sqlite3.Connection, decision_id: int) -> sqlite3.Row:
    row = decisions.decision(conn, decision_id)
    if row is None:
        raise EtiError(f"there is no decision {decision_id} (see `eti decision list`).",
                       f"لا يوجد قرار رقمه التعريفي {decision_id} (انظر eti decision list).",
                       code="unknown-decision")
    return row


def approve_decision(
    dept: Department,
    ledger: Ledger,
    decision_id: int,
    *,
    clock: Clock,
    day: dt.date | None = None,
    references: References | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> DecisionResult:
    """Approve a draft: the next outgoing number, the final document, its items disposed
    as of ``day`` (default: the clock's date). A decision not a draft is refused."""
    refs = references_of(dept, references)
    number_format = number_format_of(dept)
    now = clock.now()
    day = day or now.date()
    if day > now.date():
        raise EtiError(
            f"the decision's date {day.isoformat()} is after today; nothing was changed.",
            f"تاريخ القرار {format_date(day)} بعد تاريخ اليوم؛ لم يُغيَّر شيء.",
            code="future-date")
    path: Path | None = None
    try:
        with ledger.transaction() as conn:
            decision = _decision(conn, decision_id)
            if decision["state"] != DRAFT:
                raise _not_a_draft(decision)
            items = p05_disposal.held_items(ledger, decision_id)
            if not items:
                raise EtiError(
                    f"decision {decision_id} holds no current item any more (its lists were "
                    "replaced); void it and draft a new one.",
                    f"لم يعد في القرار {decision_id} أي مادة قائمة (استُبدلت كشوفها)؛ ألغِه "
                    "وأعدّ مسودة جديدة.", code="no-items")
            date_from, date_to = _scope_dates(json.loads(decision["scope"] or "{}"))
            issued = issue_number(
                ledger, conn, prefix=refs.directorate.letter_prefix,
                number_format=number_format, day=day, now=now, kind=DOCUMENT_KIND,
                to=_sources_text(items), subject=f"قرار لجنة الإتلاف ({len(items)} بنداً)",
                process=p05_disposal.PROCESS.code)
            context = decision_context(dept, refs, issued.number, day, items,
                                       date_from=date_from, date_to=date_to)
            path = render_into(dept, TEMPLATE, context, decisions_folder(dept),
                               f"قرار-إتلاف-{issued.number}", timeout=timeout)
            rel = relative(dept, path)
            decisions.approve(conn, decision_id, number=issued.number,
                              decided_on=day.isoformat(), document=rel,
                              item_ids=[i.row_id for i in items])
            attach_document(conn, issued, rel)
            ledger.mark_dirty(conn, processes_fed_by(p05_disposal.ITEMS))
            ledger.record_document(DOCUMENT_KIND, rel, now)
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    log.info("disposal decision %s approved as %s: %d items, %s", decision_id, issued.number,
             len(items), path)
    return DecisionResult(issued.number, path, tuple(items), decision_id, APPROVED)


def decision_items(ledger: Ledger, decision: sqlite3.Row) -> list[DisposalItem]:
    """The items an approved decision listed, as they were (their lists may since have
    been replaced: the rows it recorded, live or not)."""
    ids = [int(i) for i in json.loads(decision["item_ids"] or "[]")]
    return p05_disposal.listed_items(ledger, ids)


def list_decisions(ledger: Ledger) -> list[DecisionInfo]:
    """Every decision, oldest first."""
    out = []
    for r in decisions.all_decisions(ledger.conn):
        draft = r["state"] == DRAFT
        out.append(DecisionInfo(
            int(r["id"]), str(r["state"]), None if draft else str(r["number"]),
            None if draft else str(r["decided_on"]) or None, len(json.loads(r["item_ids"])),
            str(r["document"]), str(r["void_reason"])))
    return out


def make_disposal_decision(
    dept: Department,
    ledger: Ledger,
    *,
    clock: Clock,
    source: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    references: References | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> DecisionResult:
    """Draft and approve at once (the committee agreed on the spot): the approved result.

    Raises :class:`EtiError` (Arabic and English) when no item is selected.
    """
    refs = references_of(dept, references)
    draft = draft_disposal_decision(dept, ledger, clock=clock, source=source,
                                    date_from=date_from, date_to=date_to, references=refs,
                                    timeout=timeout)
    return approve_decision(dept, ledger, draft.decision_id, clock=clock, references=refs,
                            timeout=timeout)


def _not_a_draft(decision: sqlite3.Row, *, voiding: bool = False) -> EtiError:
    ident, state = decision["id"], str(decision["state"])
    if voiding:
        return EtiError(f"decision {ident} is already void; nothing was changed.",
                        f"القرار {ident} ملغى من قبل؛ لم يُغيَّر شيء.", code="already-void")
    if state == VOID:
        return EtiError(f"decision {ident} is void and cannot be approved; draft a new one.",
                        f"القرار {ident} ملغى فلا يمكن اعتماده؛ أعدّ مسودة جديدة.",
                        code="decision-void")
    return EtiError(
        f"decision {ident} is already approved as {decision['number']}; nothing was changed.",
        f"القرار {ident} معتمد من قبل برقم {decision['number']}؛ لم يُغيَّر شيء.",
        code="already-approved")


def _not_pending(ids: list[int]) -> EtiError:
    shown = ", ".join(str(i) for i in ids[:10])
    return EtiError(
        f"items {shown} are not disposal items waiting for a decision; no draft was made.",
        f"المواد {shown} ليست مواد إتلاف بانتظار قرار، فلم تُنشأ مسودة.", code="not-pending")


def _no_items(
    source: str | None, date_from: dt.date | None, date_to: dt.date | None
) -> EtiError:
    scope_en = []
    scope_ar = []
    if source:
        scope_en.append(f"source {source!r}")
        scope_ar.append(f"الجهة «{source}»")
    if date_from or date_to:
        first = format_date(date_from) if date_from else "…"
        last = format_date(date_to) if date_to else "…"
        scope_en.append(f"dates {first} – {last}")
        scope_ar.append(f"الفترة {first} – {last}")
    en = "no disposal items are waiting for a committee decision"
    ar = "لا توجد مواد بانتظار قرار لجنة الإتلاف"
    if scope_en:
        en += " for " + ", ".join(scope_en)
        ar += " في " + "، ".join(scope_ar)
    return EtiError(en + "; no decision was made.", ar + "، فلم يُنشأ قرار.", code="no-items")



