"""P6 — management of educational information systems, e-content and e-learning, with
the Queen Rania Center (QP-70-2 §5.2/6).

Inputs: feedback and letters: problems received from users and solved within the
granted permissions (EMIS-ISSUES), updates received (EMIS-UPDATES). Outputs:
reports of new updates, system status reports, and the quarterly reports of the
department's achievements.
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
from automation.processes.figures import Figure, RowSource, field_date, rows_in, up_to

ISSUES = "EMIS-ISSUES"
UPDATES = "EMIS-UPDATES"
STATUSES = CATALOG.form(ISSUES).field("status").choices
SOLVED, PENDING, REFERRED = STATUSES
SYSTEMS = CATALOG.form(ISSUES).field("system").choices

RESOLVED = "المشكلات المحلولة"


def logged(src: RowSource, period: Period | None) -> list[LedgerRow]:
    return rows_in(src, ISSUES, "date", period)


def open_at_end(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Problems logged by the period's end and not solved by then, oldest first."""
    rows = [
        r for r in src.rows(ISSUES)
        if up_to(period, field_date(r, "date"))
        and not (r.data.get("status") == SOLVED and up_to(period, field_date(r, "resolved_on")))
    ]
    return sorted(rows, key=lambda r: (str(r.data.get("date") or ""), r.id))


def updates(src: RowSource, period: Period | None) -> list[LedgerRow]:
    return sorted(rows_in(src, UPDATES, "date", period),
                  key=lambda r: (str(r.data.get("date") or ""), r.id))


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    issues = logged(src, period)
    return [
        Figure("المشكلات المسجلة", "flow", len(issues)),
        Figure(RESOLVED, "flow", len(rows_in(src, ISSUES, "resolved_on", period,
                                             status=SOLVED))),
        Figure("المحولة إلى مركز الملكة رانيا", "flow",
               sum(1 for r in issues if r.data.get("status") == REFERRED)),
        Figure("مشكلات لم تُحل حتى نهاية الفترة", "stock", len(open_at_end(src, period))),
        Figure("تحديثات الأنظمة", "flow", len(updates(src, period))),
    ]


def summary(ctx: SummaryContext) -> list[Block]:
    return [status_table(ctx.fed[ISSUES], "system", "المشكلات حسب النظام والحالة")]


PROCESS = ProcessDef(
    code="P6",
    forms=(ISSUES, UPDATES),
    figures=figures,
    indicators=(Indicator("عدد مشكلات الأنظمة المحلولة", RESOLVED, "flow", (ISSUES,)),),
    summary=summary,
)
