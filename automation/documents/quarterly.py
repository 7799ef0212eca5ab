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
from automation.documents.charts import bar_chart, target_chart
from automation.documents.context import (
    UNKNOWN_SCHOOL,
    common_context,
    figure_rows,
    references_of,
    show_date,
)
from automation.documents.outbox import period_folder, produce
from automation.documents.render import DEFAULT_TIMEOUT
from automation.ledger.store import Ledger
from automation.processes import compute_figures, p01_maintenance, p02_helpdesk, visit_reports
from automation.processes.figures import RowSource, count_by, fmt_pct

DOCUMENT_KIND = "quarterly-report"
TEMPLATE = "quarterly_report.docx"
CHART_WIDTH_MM = 150.0


def visits_in(src: RowSource, period: Period) -> list[dict[str, str]]:
    """Field visit reports dated in the period (one per filled form), oldest first."""
    return [
        {
            "date": show_date(v.day),
            "form": f"{v.form} {CATALOG.form(v.form).name_ar}",
            "school": v.school,
            "visitor": v.visitor,
        }
        for v in visit_reports(src, period)
    ]


def rejections_by_school(ledger: Ledger, period: Period) -> list[dict[str, object]]:
    """Rejected submissions received in the period, counted by school."""
    from datetime import timedelta

    end = (period.end + timedelta(days=1)).isoformat()
    rows = ledger.conn.execute(
        "SELECT COALESCE(NULLIF(school, ''), ?) AS s, COUNT(*) AS n FROM submissions "
        "WHERE outcome = 'rejected' AND received_at >= ? AND received_at < ? "
        "GROUP BY s",
        (UNKNOWN_SCHOOL, period.start.isoformat(), end),
    ).fetchall()
    ordered = sorted(rows, key=lambda r: (-int(r[1]), r[0] == UNKNOWN_SCHOOL, r[0]))
    return [{"school": r[0], "count": int(r[1])} for r in ordered]


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
        {"code": p.code, "title": p.title_ar, "figures": figure_rows(result.figures(p.code))}
        for p in CATALOG.processes
        if p.code != "PLAN"
    ]
    lines = result.plan
    plan = [
        {
            "process": line.process,
            "activity": line.activity,
            "indicator": line.indicator,
            "target": line.target,
            "achieved": line.achieved_text,
            "pct": fmt_pct(line.pct),
            "responsible": line.responsible,
        }
        for line in lines
    ]
    charts = []
    executed = p02_helpdesk.executed(src, period)
    if executed:
        counts = count_by(executed, "category")
        charts.append({"title": "طلبات الدعم الفني المنفذة حسب التصنيف",
                       "image": bar_chart(list(counts), list(counts.values()),
                                          ylabel="عدد الطلبات", width_mm=CHART_WIDTH_MM)})
    maintenance = p01_maintenance.requested(src, period)
    if maintenance:
        counts = count_by(maintenance, "status")
        charts.append({"title": "الأجهزة في طلبات الصيانة حسب الحالة",
                       "image": bar_chart(list(counts), list(counts.values()),
                                          ylabel="عدد الأجهزة", width_mm=CHART_WIDTH_MM)})
    if lines:
        charts.append({"title": "الخطة السنوية: المستهدف والمنجز في الربع",
                       "image": target_chart(
                           [line.indicator for line in lines],
                           [float(line.target) for line in lines],
                           [float(line.achieved or 0) for line in lines],
                           width_mm=CHART_WIDTH_MM)})
    visits = visits_in(src, period)
    rejections = rejections_by_school(ledger, period)
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
    refs = references_of(dept, references)
    slug = calendar.quarter(year, quarter).slug
    context = quarterly_context(
        dept, ledger, year, quarter, refs, day=clock.now().date(), calendar=calendar,
    )
    return produce(
        dept,
        ledger,
        kind=DOCUMENT_KIND,
        template=TEMPLATE,
        context=context,
        folder=period_folder(dept, slug),
        stem=f"تقرير-ربعي-{slug}",
        clock=clock,
        timeout=timeout,
    )
