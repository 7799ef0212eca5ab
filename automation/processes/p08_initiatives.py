"""P8 — follow-up of approved creative educational initiatives and projects
(QP-70-2 §5.2/8).

Inputs: letters and internal memos. Outputs: official correspondence, the list of
active initiatives (INITIATIVES) and initiative activation reports.
"""

from __future__ import annotations

from automation.catalog.forms import CATALOG
from automation.core.periods import Period
from automation.ledger.store import LedgerRow
from automation.processes.definition import (
    Block,
    Indicator,
    ProcessDef,
    SummaryContext,
    status_table,
)
from automation.processes.figures import Figure, RowSource, as_int, rows_in, up_to

INITIATIVES = "INITIATIVES"
STATUSES = CATALOG.form(INITIATIVES).field("status").choices
ACTIVE, STOPPED, ENDED = STATUSES

ACTIVE_COUNT = "المبادرات الفعالة"


def _by_start(r: LedgerRow) -> tuple[str, int]:
    return (str(r.data.get("start_date") or ""), r.id)


def started_by_end(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Initiatives started by the period's end (their status as it stands), oldest first."""
    return sorted((r for r, day in zip(src.rows(INITIATIVES),
                                       src.dates(INITIATIVES, "start_date"), strict=True)
                   if up_to(period, day)), key=_by_start)


def by_status(src: RowSource, period: Period | None) -> dict[str, int]:
    """Initiatives started by the end of the period, by their current status."""
    counts = dict.fromkeys(STATUSES, 0)
    for r in started_by_end(src, period):
        status = str(r.data.get("status") or "")
        counts[status] = counts.get(status, 0) + 1
    return counts


def active(src: RowSource, period: Period | None) -> list[LedgerRow]:
    return [r for r in started_by_end(src, period) if r.data.get("status") == ACTIVE]


def started(src: RowSource, period: Period | None) -> list[LedgerRow]:
    return sorted(rows_in(src, INITIATIVES, "start_date", period), key=_by_start)


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    counts = by_status(src, period)
    return [
        Figure(ACTIVE_COUNT, "stock", counts[ACTIVE]),
        Figure("المبادرات المتوقفة", "stock", counts[STOPPED]),
        Figure("المبادرات المنتهية", "stock", counts[ENDED]),
        Figure("مبادرات بدأت في الفترة", "flow", len(started(src, period))),
        Figure("المشاركون في المبادرات الفعالة", "stock",
               sum(as_int(r.data.get("participants")) for r in active(src, period))),
    ]


def summary(ctx: SummaryContext) -> list[Block]:
    return [status_table(ctx.fed[INITIATIVES], "school", "المبادرات حسب المدرسة والحالة")]


PROCESS = ProcessDef(
    code="P8",
    forms=(INITIATIVES,),
    figures=figures,
    indicators=(Indicator("عدد المبادرات الفعالة", ACTIVE_COUNT, "stock", (INITIATIVES,)),),
    summary=summary,
)
