"""P3 — administrative supervision of the fibre-optic network project (QP-70-2 §5.2/3).

Inputs: letters, e-mail and calls from schools. Outputs: the database of the
directorate's sites on the network (FO-SITES), the list of faults handled
(FO-FAULTS) and field visit reports (QF75-13). The field visit report is this
process's form, but a visit counts under the process of its purpose
(:data:`PURPOSE_PROCESS`): each of those shows and counts its own visits.
"""

from __future__ import annotations

from automation.catalog.forms import CATALOG
from automation.core.periods import Period
from automation.ledger.store import LedgerRow
from automation.processes.definition import (
    Block,
    Indicator,
    ProcessDef,
    RowFilter,
    SummaryContext,
    status_table,
)
from automation.processes.figures import (
    FieldVisit,
    Figure,
    RowSource,
    distinct_visits,
    field_date,
    rows_in,
    subject_of,
    up_to,
)

SITES = "FO-SITES"
FAULTS = "FO-FAULTS"
VISIT = "QF75-13"
VISIT_REPORTS = {VISIT: "visitors"}
"""Visit reports of this process and the field naming who visited."""

FAULT_OPEN, FAULT_HANDLED = CATALOG.form(FAULTS).field("status").choices
FIBRE, PROJECTS, MAINTENANCE, SYSTEMS, LEARNING, OTHER = CATALOG.form(VISIT).field(
    "purpose").choices
PURPOSE_PROCESS = {FIBRE: "P3", PROJECTS: "P4", MAINTENANCE: "P1", SYSTEMS: "P7",
                   LEARNING: "P10"}
"""The process a field visit counts under, by its purpose (docs/FIGURES.md)."""

CONNECTED = "المواقع الموصولة بالألياف"
HANDLED = "الأعطال المعالجة"
VISITS = "الزيارات الميدانية"


def purpose_is(purpose: str) -> RowFilter:
    """The QF75-13 rows of one purpose (for the register of the process it counts under)."""
    return lambda r: r.data.get("purpose") == purpose


def site_visits(src: RowSource, period: Period | None, purpose: str) -> list[FieldVisit]:
    """QF75-13 visits of one purpose dated in the period, one per site and day."""
    return distinct_visits(
        FieldVisit(subject_of(r), day, VISIT, r.submission_id, str(r.data.get("visitors") or ""))
        for r in rows_in(src, VISIT, "visit_date", period, purpose=purpose)
        if (day := field_date(r, "visit_date")) is not None
    )


def visit_figure(src: RowSource, period: Period, purpose: str) -> Figure:
    return Figure(VISITS, "flow", len(site_visits(src, period, purpose)))


def sites_connected(src: RowSource, period: Period | None) -> int:
    """Sites marked connected whose connection date is not after the period (undated count)."""
    return sum(
        1 for r, day in zip(src.rows(SITES), src.dates(SITES, "connected_on"), strict=True)
        if r.data.get("connected") is True and up_to(period, day)
    )


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    reported = rows_in(src, FAULTS, "reported", period)
    open_at_end = [
        r for r, reported_on, resolved_on in zip(
            src.rows(FAULTS), src.dates(FAULTS, "reported"), src.dates(FAULTS, "resolved"),
            strict=True)
        if up_to(period, reported_on)
        and not (r.data.get("status") == FAULT_HANDLED and up_to(period, resolved_on))
    ]
    return [
        Figure(CONNECTED, "stock", sites_connected(src, period)),
        Figure("إجمالي مواقع المشروع", "stock", sum(
            1 for day in src.dates(SITES, "connected_on") if up_to(period, day))),
        Figure("الأعطال المبلّغ عنها", "flow", len(reported)),
        Figure(HANDLED, "flow", len(rows_in(src, FAULTS, "resolved", period,
                                            status=FAULT_HANDLED))),
        Figure("الأعطال المفتوحة", "stock", len(open_at_end)),
        visit_figure(src, period, FIBRE),
    ]


def summary(ctx: SummaryContext) -> list[Block]:
    return [status_table(ctx.fed[FAULTS], "site_code", "أعطال الألياف حسب الموقع والحالة")]


def _own_visit(row: LedgerRow) -> bool:
    return PURPOSE_PROCESS.get(str(row.data.get("purpose") or ""), "P3") == "P3"


PROCESS = ProcessDef(
    code="P3",
    forms=(SITES, FAULTS, VISIT),
    keep={VISIT: _own_visit},
    figures=figures,
    indicators=(
        Indicator("عدد المواقع الموصولة بالألياف", CONNECTED, "stock", (SITES,)),
        Indicator("عدد أعطال الألياف المعالجة", HANDLED, "flow", (FAULTS,)),
    ),
    summary=summary,
)
