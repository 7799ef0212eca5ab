"""P5 — disposal (write-off) of computers and accessories, lab and scientific devices,
and library books (QP-70-2 §5.2/5).

Inputs: correspondence, the maintenance request / technical report (QF75-11) that
found a device unrepairable, and the list of items to dispose (DISPOSAL).
Outputs: the committee's decision and the list of items to dispose.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from automation.catalog.forms import BOOKS, CATALOG, DISPOSAL_CATEGORIES
from automation.core.periods import Period
from automation.ledger.decisions import approved_ids
from automation.ledger.store import Ledger, LedgerRow
from automation.processes import p01_maintenance
from automation.processes.definition import (
    Block,
    Column,
    Indicator,
    ProcessDef,
    SummaryContext,
    with_total,
)
from automation.processes.figures import (
    Decision,
    Figure,
    RowSource,
    as_int,
    quantity,
    rows_in,
    text_of,
    up_to,
    within,
)
from automation.text.arabic import normalize_name

ITEMS = "DISPOSAL"
CATEGORIES = CATALOG.form(ITEMS).field("category").choices
CITES_UNREPAIRABLE = "تقرير صيانة يثبت عدم الصلاحية"
DECISION_COLUMNS = ("رقم القرار", "تاريخ القرار")

DISPOSED = "المواد المتلفة بقرار"


def approved(src: RowSource) -> dict[int, Decision]:
    """The decisions approved (drafts hold their items without disposing of them; a void
    decision has released its items), read once per source."""
    key = ("P5", "approved")
    if key not in src.memo:
        ids = approved_ids(src.ledger.conn)
        src.memo[key] = {k: v for k, v in src.decisions().items() if k in ids}
    return src.memo[key]  # type: ignore[return-value]


def decided(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Items of decisions approved (dated) in the period."""
    decisions = approved(src)
    return [r for r in src.rows(ITEMS)
            if r.decision_id in decisions and within(period, decisions[r.decision_id].decided_on)]


def pending(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Items listed by the period's end and in no decision approved by then."""
    decisions = approved(src)
    return [
        r for r, day in zip(src.rows(ITEMS), src.dates(ITEMS, "date"), strict=True)
        if up_to(period, day) and not (
            r.decision_id in decisions and up_to(period, decisions[r.decision_id].decided_on))
    ]


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    taken = decided(src, period)
    return [
        Figure.keyed("p5.items_listed", "المواد المدرجة في كشوف الإتلاف", "flow",
               quantity(rows_in(src, ITEMS, "date", period))),
        Figure.keyed("p5.items_disposed", DISPOSED, "flow", quantity(taken)),
        Figure.keyed("p5.decisions", "قرارات لجنة الإتلاف", "flow",
            len({r.decision_id for r in taken})),
        Figure.keyed("p5.items_waiting", "مواد بانتظار قرار اللجنة", "stock",
            quantity(pending(src, period))),
    ]


def columns(form: str, src: RowSource) -> list[Column]:
    """The DISPOSAL sheet shows whether an item cites an unrepairable device, and its
    decision."""
    if form != ITEMS:
        return []
    decisions = approved(src)
    cited = p01_maintenance.unrepairable_references(src)
    return [
        Column(CITES_UNREPAIRABLE, "yesno",
               lambda r: None if r.data.get("category") == BOOKS
               else normalize_name(r.data.get("maintenance_ref") or "") in cited),
        Column(DECISION_COLUMNS[0], "text",
               lambda r: decisions[r.decision_id].number if r.decision_id in decisions else None),
        Column(DECISION_COLUMNS[1], "date",
               lambda r: decisions[r.decision_id].decided_on
               if r.decision_id in decisions else None),
    ]


def summary(ctx: SummaryContext) -> list[Block]:
    waiting: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_decision: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    decisions = approved(ctx.src)
    for r in ctx.fed[ITEMS]:
        qty = as_int(r.data.get("quantity"))
        if r.decision_id in decisions:
            by_decision[r.decision_id][0] += 1  # type: ignore[index]
            by_decision[r.decision_id][1] += qty  # type: ignore[index]
        else:
            waiting[text_of(r, "category")][0] += 1
            waiting[text_of(r, "category")][1] += qty
    return [
        Block("مواد بانتظار قرار اللجنة", ["الفئة", "عدد البنود", "الكمية"],
              with_total([[k, *v] for k, v in sorted(waiting.items())]), total=True),
        Block("المواد حسب القرار", ["رقم القرار", "تاريخ القرار", "عدد البنود", "الكمية"],
              [[decisions[d].number, decisions[d].decided_on, *v]
               for d, v in sorted(by_decision.items(),
                                  key=lambda kv: str(decisions[kv[0]].number))],
              ["text", "date", "int", "int"]),
    ]


# -- a committee decision's items and their tallies (documents/decision.py prints them) ------

NO_REPORT_NOTE = "لا يوجد تقرير صيانة يثبت عدم قابلية الجهاز للإصلاح"


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


def _text(row: LedgerRow, key: str) -> str:
    value = row.data.get(key)
    return "" if value is None else str(value)


def unrepairable_references(ledger: Ledger) -> set[str]:
    """Normalized references of current QF75-11 reports with a device found unrepairable."""
    return p01_maintenance.unrepairable_references(RowSource(ledger))


def disposal_item(row: LedgerRow, proven: set[str]) -> DisposalItem:
    """A DISPOSAL row as a decision lists it; ``proven``: :func:`unrepairable_references`."""
    category = _text(row, "category")
    ref = _text(row, "maintenance_ref")
    note = ""
    if category != BOOKS and (not ref or normalize_name(ref) not in proven):
        note = NO_REPORT_NOTE
    qty = row.data.get("quantity")
    return DisposalItem(
        row_id=row.id,
        category=category,
        description=_text(row, "description"),
        asset_no=_text(row, "asset_no"),
        quantity=int(qty) if isinstance(qty, int | float) else 0,
        reason=_text(row, "reason"),
        maintenance_ref=ref,
        source=_text(row, "source"),
        date=_text(row, "date")[:10],
        note=note,
    )


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
    for row in ledger.current_rows(ITEMS):
        if row.decision_id is not None:
            continue
        if wanted is not None and normalize_name(row.data.get("source")) != wanted:
            continue
        day = _text(row, "date")[:10]
        if date_from and (not day or day < date_from.isoformat()):
            continue
        if date_to and (not day or day > date_to.isoformat()):
            continue
        items.append(disposal_item(row, proven))
    return items


def held_items(ledger: Ledger, decision_id: int) -> list[DisposalItem]:
    """The current DISPOSAL items a decision holds."""
    proven = unrepairable_references(ledger)
    return [disposal_item(r, proven) for r in ledger.current_rows(ITEMS)
            if r.decision_id == decision_id]


def listed_items(ledger: Ledger, ids: list[int]) -> list[DisposalItem]:
    """The items ``ids`` as they were recorded (their lists may since have been replaced:
    the rows, live or not), in that order."""
    wanted = set(ids)
    proven = unrepairable_references(ledger)
    rows = {row.id: row for row, _ended in ledger.row_history(ITEMS) if row.id in wanted}
    rows |= {row.id: row for row in ledger.archived_rows(ITEMS) if row.id in wanted}
    return [disposal_item(rows[i], proven) for i in ids if i in rows]


def item_tallies(items: list[DisposalItem]) -> dict[str, object]:
    """A decision's tallies: items and quantity by category (in the catalog's order), the
    item count, the total quantity and the items with no maintenance report."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        counts[item.category][0] += 1
        counts[item.category][1] += item.quantity
    order = {c: i for i, c in enumerate(DISPOSAL_CATEGORIES)}
    return {
        "totals": [
            {"category": category, "count": n, "quantity": q}
            for category, (n, q) in sorted(counts.items(), key=lambda kv: order.get(kv[0], 99))
        ],
        "item_count": len(items),
        "total_quantity": sum(i.quantity for i in items),
        "warning_count": sum(1 for i in items if i.note),
    }


PROCESS = ProcessDef(
    code="P5",
    forms=(ITEMS,),
    reads=(p01_maintenance.REQUEST,),
    figures=figures,
    indicators=(Indicator("عدد المواد المتلفة بقرار", "p5.items_disposed", "flow", (ITEMS,)),),
    summary=summary,
    columns=columns,
)
