"""P5: the disposal committee's decision (قرار لجنة الإتلاف) with its annexed list.

The decision takes the DISPOSAL items not yet in a decision (optionally of one
source and/or a date range of their lists), gives them a number from the
ledger (``<letter prefix>/<year>/<sequence>``), and in one transaction records
the decision, attaches the items to it (so the P5 register shows it and the
next decision does not offer them again) and marks the P5 register for
regeneration. The document is rendered inside that transaction: if it fails,
nothing is recorded.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from automation.catalog.forms import BOOKS, DISPOSAL_CATEGORIES, UNREPAIRABLE
from automation.catalog.reference import References
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.documents.context import common_context, official_number, references_of
from automation.documents.outbox import decisions_folder, relative, render_into
from automation.documents.render import DEFAULT_TIMEOUT
from automation.ledger.store import Ledger, LedgerRow
from automation.processes import p01_maintenance, p05_disposal, processes_fed_by
from automation.text.normalize import format_date, normalize_name

log = logging.getLogger(__name__)

KIND = "disposal"
DOCUMENT_KIND = "decision-disposal"
TEMPLATE = "decision_disposal.docx"
NO_REPORT_NOTE = "لا يوجد تقرير صيانة يثبت عدم قابلية الجهاز للإصلاح"
ROLE_ORDER = ("رئيس اللجنة", "عضو", "مقرر")
BLANK_COMMITTEE = (("رئيس اللجنة", "", ""), ("عضو", "", ""), ("عضو", "", ""))
"""Signature lines printed when committee.xlsx lists nobody (names written by hand)."""


@dataclass(frozen=True)
class DisposalItem:
    """One DISPOSAL row as the decision lists it."""

    row_id: int
    category: str
    description: str
    asset_no: str
    quantity: int
    reason: str
    maintenance_ref: str
    source: str
    date: str
    note: str


@dataclass(frozen=True)
class DecisionResult:
    number: str
    path: Path
    items: tuple[DisposalItem, ...]
    decision_id: int = 0


def _text(row: LedgerRow, key: str) -> str:
    value = row.data.get(key)
    return "" if value is None else str(value)


def unrepairable_references(ledger: Ledger) -> set[str]:
    """Normalized references of current QF75-11 reports with a device found unrepairable."""
    return {
        normalize_name(r.data.get("reference"))
        for r in ledger.current_rows(p01_maintenance.REQUEST)
        if r.data.get("status") == UNREPAIRABLE and r.data.get("reference")
    }


def pending_items(
    ledger: Ledger,
    *,
    source: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[DisposalItem]:
    """Current DISPOSAL items not in a decision, filtered by source and list date."""
    proven = unrepairable_references(ledger)
    wanted = normalize_name(source) if source else None
    items = []
    for row in ledger.current_rows(p05_disposal.ITEMS):
        if row.decision_id is not None:
            continue
        if wanted is not None and normalize_name(row.data.get("source")) != wanted:
            continue
        day = _text(row, "date")[:10]
        if date_from and (not day or day < date_from.isoformat()):
            continue
        if date_to and (not day or day > date_to.isoformat()):
            continue
        category = _text(row, "category")
        ref = _text(row, "maintenance_ref")
        note = ""
        if category != BOOKS and (not ref or normalize_name(ref) not in proven):
            note = NO_REPORT_NOTE
        quantity = row.data.get("quantity")
        items.append(
            DisposalItem(
                row_id=row.id,
                category=category,
                description=_text(row, "description"),
                asset_no=_text(row, "asset_no"),
                quantity=int(quantity) if isinstance(quantity, int | float) else 0,
                reason=_text(row, "reason"),
                maintenance_ref=ref,
                source=_text(row, "source"),
                date=day,
                note=note,
            )
        )
    return items


def _committee(refs: References) -> list[dict[str, str]]:
    members = sorted(
        refs.committee,
        key=lambda m: ROLE_ORDER.index(m.role) if m.role in ROLE_ORDER else len(ROLE_ORDER),
    )
    if not members:
        log.warning("committee.xlsx lists no members: the decision has blank signature lines")
        return [{"role": r, "name": n, "title": t} for r, n, t in BLANK_COMMITTEE]
    return [{"role": m.role, "name": m.name, "title": m.title} for m in members]


def _totals(items: list[DisposalItem]) -> list[dict[str, object]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        counts[item.category][0] += 1
        counts[item.category][1] += item.quantity
    order = {c: i for i, c in enumerate(DISPOSAL_CATEGORIES)}
    return [
        {"category": category, "count": n, "quantity": q}
        for category, (n, q) in sorted(counts.items(), key=lambda kv: order.get(kv[0], 99))
    ]


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
) -> dict[str, object]:
    """The context of decision_disposal.docx (see samples.decision_disposal)."""
    range_text = ""
    if date_from and date_to:
        range_text = f" عن الفترة من {format_date(date_from)} إلى {format_date(date_to)}"
    elif date_from:
        range_text = f" منذ {format_date(date_from)}"
    elif date_to:
        range_text = f" حتى {format_date(date_to)}"
    return common_context(dept, refs, doc_code="QP-70-2 / P5", title="قرار لجنة الإتلاف",
                          day=day) | {
        "number": number,
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
        "totals": _totals(items),
        "item_count": len(items),
        "total_quantity": sum(i.quantity for i in items),
        "warning_count": sum(1 for i in items if i.note),
    }


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
    """Make the committee's decision for the pending items selected; see the module doc.

    Raises :class:`EtiError` (Arabic and English) when no item is selected.
    """
    refs = references_of(dept, references)
    now = clock.now()
    day = now.date()
    path: Path | None = None
    try:
        with ledger.transaction() as conn:
            items = pending_items(ledger, source=source, date_from=date_from, date_to=date_to)
            if not items:
                raise _no_items(source, date_from, date_to)
            while True:
                sequence = ledger.next_sequence(conn, f"decision-disposal-{day.year}")
                number = official_number(refs.directorate.letter_prefix, day.year, sequence)
                taken = conn.execute("SELECT 1 FROM decisions WHERE number = ?", (number,))
                if taken.fetchone() is None:
                    break
            decision_id = int(
                conn.execute(
                    "INSERT INTO decisions (kind, number, decided_on, created_at) "
                    "VALUES (?, ?, ?, ?)",
                    (KIND, number, day.isoformat(), now.isoformat(timespec="seconds")),
                ).lastrowid
                or 0
            )
            attached = conn.executemany(
                "UPDATE rows SET decision_id = ? WHERE id = ? AND decision_id IS NULL",
                [(decision_id, i.row_id) for i in items],
            ).rowcount
            if attached != len(items):
                raise EtiError(
                    "some items were taken by another decision meanwhile; try again",
                    "أُدرجت بعض المواد في قرار آخر أثناء العمل؛ أعد المحاولة.",
                )
            ledger.mark_dirty(conn, processes_fed_by(p05_disposal.ITEMS))
            context = decision_context(
                dept, refs, number, day, items, date_from=date_from, date_to=date_to
            )
            stem = f"قرار-إتلاف-{number}"
            path = render_into(dept, TEMPLATE, context, decisions_folder(dept), stem,
                               timeout=timeout)
            rel = relative(dept, path)
            conn.execute("UPDATE decisions SET document = ? WHERE id = ?", (rel, decision_id))
            ledger.record_document(DOCUMENT_KIND, rel, now)
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    log.info("disposal decision %s: %d items, %s", number, len(items), path)
    return DecisionResult(number, path, tuple(items), decision_id)


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
