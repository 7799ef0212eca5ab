"""The quarterly achievements report of the department (تقرير ربعي بإنجازات القسم).

For each process P1–P10 its figures for the quarter, the QF12-1 plan lines of
the quarter (target, achieved, %), charts, the field visits of the quarter and
the forms returned to schools. Every number comes from :mod:`automation.processes`
(:func:`~automation.processes.compute_figures`) or the ledger; this module only
arranges them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from automation.catalog.forms import CATALOG
from automation.catalog.reference import References
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.periods import DEFAULT_CALENDAR, Calendar, Period
from automation.documents.context import (
    UNKNOWN_SCHOOL,
    common_context,
    figure_rows,
    form_text,
    is_official_code,
    show_date,
)
from automation.documents.kinds import QUARTERLY_REPORT
from automation.documents.quarterly_charts import quarterly_charts
from automation.documents.render import DEFAULT_TIMEOUT
from automation.ledger.store import Ledger
from automation.processes import (
    compute_figures,
    returned,
    visit_reports,
)
from automation.processes.figures import RowSource, fmt_pct

DOCUMENT_KIND = QUARTERLY_REPORT.key
TEMPLATE = QUARTERLY_REPORT.template.file
CHART_WIDTH_MM = 150.0


def visits_in(src: RowSource, period: Period) -> list[dict[str, str]]:
    """Field visit reports dated in the period (one per filled form), oldest first."""
    return [
        {
            "date": show_date(v.day),
            "form": form_text(v.form),
            "school": v.school,
            "visitor": v.visitor,
        }
        for v in visit_reports(src, period)
    ]


def quarterly_context(
    dept: Department,
    ledger: Ledger,
    year: int,
    number: int,
    refs: References,
    *,
    day: Any,
    calendar: Calendar = DEFAULT_CALENDAR,
) -> dict[str, Any]:
    """The context of quarterly_report.docx (its charts are
    :class:`~automation.documents.charts.Chart` values)."""
    period = calendar.quarter(year, number)
    src = RowSource(ledger)
    result = compute_figures(src, period, refs, calendar)
    processes = [
        {"code": p.code if is_official_code(p.code) else "",  # never «OFFICE»
         "title": p.title_ar, "figures": figure_rows(result.figures(p.code))}
        for p in CATALOG.processes
        if p.code != "PLAN"
    ]
    lines = result.plan
    plan = [
        {
            "process": line.process,
            "activity": line.activity,
            "indicator": line.indicator,
            "target": line.target_text,
            "achieved": line.achieved_text,
            "pct": fmt_pct(line.pct),
            "responsible": line.responsible,
        }
        for line in lines
    ]
    charts = quarterly_charts(result, lines)  # each draws a table's figures
    visits = visits_in(src, period)
    rejections = [{"school": r.school or UNKNOWN_SCHOOL, "count": r.count}
                  for r in returned.rejected_by_school(src, period)]
    common = common_context(dept, refs, doc_code="QP-70-2",
                            title="تقرير ربعي بإنجازات القسم", day=day)
    return common | {
        "period": period.label_ar,
        "period_start": show_date(period.start),
        "period_end": show_date(period.end),
        "processes": processes,
        "plan": plan,
        "charts": charts,
        "visits": visits,
        "visit_count": len(visits),
        "rejections": rejections,
        "rejections_total": sum(int(r["count"]) for r in rejections),  # type: ignore[call-overload]
    }


def make_quarterly_report(
    dept: Department,
    ledger: Ledger,
    year: int,
    quarter: int,
    *,
    clock: Clock,
    references: References | None = None,
    calendar: Calendar = DEFAULT_CALENDAR,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """``outbox/reports/تقرير-ربعي-<year>-Q<n>.docx`` (made again, it replaces the
    earlier one, which moves to ``outbox/.previous/``)."""
    from automation.documents.making import make

    path = make(QUARTERLY_REPORT.key, dept, ledger, calendar.quarter(year, quarter),
                clock=clock, references=references, calendar=calendar, timeout=timeout)
    assert path is not None
    return path
