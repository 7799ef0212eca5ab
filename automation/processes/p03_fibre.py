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
    record_of,
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


def visit_label(purpose: str) -> str:
    """The label of a process's QF75-13 visits: it names their purpose, so that no two
    processes print the same words (P10 prints «الزيارات الميدانية المنفذة»)."""
    return f"{VISITS} ({purpose})"


def visit_figure(src: RowSource, period: Period, purpose: str) -> Figure:
    return Figure.keyed(f"{PURPOSE_PROCESS[purpose].lower()}.field_visits", visit_label(purpose),
                        "flow", len(site_visits(src, period, purpose)))


SITE = record_of("site_code")
"""One site across the copies of the sites list: its code."""


def sites_listed(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Every site of the list as it stood at the period's end (the copy current then:
    docs/FIGURES.md, "as of the period's end"), whatever its connection date."""
    return src.rows_as_of(SITES, period.end if period else None, SITE, "connected_on")


def sites_connected(src: RowSource, period: Period | None) -> int:
    """Sites of the list at the period's end marked connected, whose connection date is not
    after it (an undated connection counts)."""
    return sum(1 for r in sites_listed(src, period)
               if r.data.get("connected") is True and up_to(period, field_date(r, "connected_on")))


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
        Figure.keyed("p3.sites_connected", CONNECTED, "stock", sites_connected(src, period)),
        Figure.keyed("p3.sites_total", "إجمالي مواقع المشروع", "stock",
                     len(sites_listed(src, period))),
        Figure.keyed("p3.faults_reported", "الأعطال المبلّغ عنها", "flow", len(reported)),
        Figure.keyed("p3.faults_handled", HANDLED, "flow",
            len(rows_in(src, FAULTS, "resolved", period,
                                            status=FAULT_HANDLED))),
        Figure.keyed("p3.faults_open", "الأعطال المفتوحة", "stock", len(open_at_end)),
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
        Indicator("عدد المواقع الموصولة بالألياف", "p3.sites_connected", "stock", (SITES,)),
        Indicator("عدد أعطال الألياف المعالجة", "p3.faults_handled", "flow", (FAULTS,)),
    ),
    summary=summary,
)
