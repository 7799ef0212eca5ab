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
from automation.processes.figures import (
    Figure,
    RowSource,
    as_int,
    field_date,
    record_of,
    rows_in,
    up_to,
)

INITIATIVES = "INITIATIVES"
STATUSES = CATALOG.form(INITIATIVES).field("status").choices
ACTIVE, STOPPED, ENDED = STATUSES

ACTIVE_COUNT = "المبادرات الفعالة"


def _by_start(r: LedgerRow) -> tuple[str, int]:
    return (str(r.data.get("start_date") or ""), r.id)


INITIATIVE = record_of("initiative", "school")
"""One initiative across the copies of the register: its name and school."""


def started_by_end(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Initiatives started by the period's end, each as the register stood then (the copy
    current at the period's end: docs/FIGURES.md, "as of the period's end"), oldest first;
    as the register stands when ``period`` is None."""
    rows = src.rows_as_of(INITIATIVES, period.end if period else None, INITIATIVE,
                           "start_date")
    return sorted((r for r in rows if up_to(period, field_date(r, "start_date"))),
                  key=_by_start)


def by_status(src: RowSource, period: Period | None) -> dict[str, int]:
    """Initiatives started by the end of the period, by their status then."""
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
        Figure.keyed("p8.active", ACTIVE_COUNT, "stock", counts[ACTIVE]),
        Figure.keyed("p8.stopped", "المبادرات المتوقفة", "stock", counts[STOPPED]),
        Figure.keyed("p8.ended", "المبادرات المنتهية", "stock", counts[ENDED]),
        Figure.keyed("p8.started", "مبادرات بدأت في الفترة", "flow", len(started(src, period))),
        Figure.keyed("p8.participants_active", "المشاركون في المبادرات الفعالة", "stock",
               sum(as_int(r.data.get("participants")) for r in active(src, period))),
    ]


def summary(ctx: SummaryContext) -> list[Block]:
    return [status_table(ctx.fed[INITIATIVES], "school", "المبادرات حسب المدرسة والحالة")]


PROCESS = ProcessDef(
    code="P8",
    forms=(INITIATIVES,),
    figures=figures,
    indicators=(Indicator("عدد المبادرات الفعالة", "p8.active", "stock", (INITIATIVES,)),),
    summary=summary,
)
