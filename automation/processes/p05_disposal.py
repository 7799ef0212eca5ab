"""P5 — disposal (write-off) of computers and accessories, lab and scientific devices,
and library books (QP-70-2 §5.2/5).

Inputs: correspondence, the maintenance request / technical report (QF75-11) that
found a device unrepairable, and the list of items to dispose (DISPOSAL).
Outputs: the committee's decision and the list of items to dispose.
"""

from __future__ import annotations

from collections import defaultdict

from automation.catalog.forms import BOOKS, CATALOG
from automation.core.periods import Period
from automation.ledger.store import LedgerRow
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
        ids = {int(r[0]) for r in src.ledger.conn.execute(
            "SELECT id FROM decisions WHERE state = 'approved'")}
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
        Figure("المواد المدرجة في كشوف الإتلاف", "flow",
               quantity(rows_in(src, ITEMS, "date", period))),
        Figure(DISPOSED, "flow", quantity(taken)),
        Figure("قرارات لجنة الإتلاف", "flow", len({r.decision_id for r in taken})),
        Figure("مواد بانتظار قرار اللجنة", "stock", quantity(pending(src, period))),
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


PROCESS = ProcessDef(
    code="P5",
    forms=(ITEMS,),
    reads=(p01_maintenance.REQUEST,),
    figures=figures,
    indicators=(Indicator("عدد المواد المتلفة بقرار", DISPOSED, "flow", (ITEMS,)),),
    summary=summary,
    columns=columns,
)
