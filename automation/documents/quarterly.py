"""The quarterly achievements report of the department (تقرير ربعي بإنجازات القسم).

For each process P1–P10 its figures for the quarter, the QF12-1 plan lines of
the quarter (target, achieved, %), charts, the field visits of the quarter and
the forms returned to schools. Every number comes from
:mod:`automation.indicators` or the ledger; this module only arranges them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from automation.clock import Clock
from automation.department import Department
from automation.documents.charts import bar_chart, target_chart
from automation.documents.context import (
    UNKNOWN_SCHOOL,
    common_context,
    figure_rows,
    references_of,
    show_date,
)
from automation.documents.outbox import period_folder, produce
from automation.documents.render import DEFAULT_TIMEOUT, ImageRef
from automation.documents.visits import VISIT_FORMS, VISITOR_FIELD
from automation.forms import CATALOG
from automation.ledger import Ledger
from automation.periods import Period
from automation.periods import quarter as quarter_period
from automation.reference import References

DOCUMENT_KIND = "quarterly-report"
TEMPLATE = "quarterly_report.docx"
CHART_WIDTH_MM = 150.0


def achieved_text(indicator: str, value: Any) -> str:
    """An indicator's value as printed: a mean as a percentage, a count as a number."""
    from automation import indicators as ind

    return ind.fmt_pct(value) if indicator in ind.MEAN_INDICATORS else ind.fmt_int(value)


def visits_in(src: Any, period: Period) -> list[dict[str, str]]:
    """Field visit reports dated in the period (one per submission), oldest first."""
    from automation import indicators as ind

    seen: dict[int, dict[str, str]] = {}
    for code in VISIT_FORMS:
        name = CATALOG.form(code).name_ar
        for row in src.rows(code):
            day = ind.field_date(row, "visit_date")
            if row.submission_id in seen or not ind.within(period, day):
                continue
            seen[row.submission_id] = {
                "sort": f"{day}-{row.submission_id:09d}",
                "date": show_date(day),
                "form": f"{code} {name}",
                "school": ind.subject_of(row),
                "visitor": str(row.data.get(VISITOR_FIELD[code]) or ""),
            }
    visits = sorted(seen.values(), key=lambda v: v["sort"])
    for visit in visits:
        del visit["sort"]
    return visits


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
    charts_dir: Path,
    *,
    day: Any,
    start_month: int = 1,
) -> dict[str, Any]:
    """The context of quarterly_report.docx; chart PNGs are written into ``charts_dir``."""
    from automation import indicators as ind

    period = quarter_period(year, number, start_month)
    src = ind.RowSource(ledger)
    processes = [
        {
            "code": p.code,
            "title": p.title_ar,
            "figures": figure_rows(ind.process_figures(src, p.code, period, refs)),
        }
        for p in CATALOG.processes
        if p.code != "PLAN"
    ]
    lines = ind.plan_lines(src, year, number, start_month)
    plan = [
        {
            "process": line.process,
            "activity": line.activity,
            "indicator": line.indicator,
            "target": line.target,
            "achieved": achieved_text(line.indicator, line.achieved),
            "pct": ind.fmt_pct(line.pct),
            "responsible": line.responsible,
        }
        for line in lines
    ]
    charts = []
    executed = ind.rows_in(src, "HD-EXPORT", "closed", period, status=ind.HD_DONE)
    if executed:
        counts = ind.count_by(executed, "category")
        path = bar_chart(charts_dir / "helpdesk.png", list(counts), list(counts.values()),
                         ylabel="عدد الطلبات")
        charts.append({"title": "طلبات الدعم الفني المنفذة حسب التصنيف",
                       "image": ImageRef(str(path), CHART_WIDTH_MM)})
    maintenance = ind.rows_in(src, "QF75-11", "request_date", period)
    if maintenance:
        counts = ind.count_by(maintenance, "status")
        path = bar_chart(charts_dir / "maintenance.png", list(counts), list(counts.values()),
                         ylabel="عدد الأجهزة")
        charts.append({"title": "الأجهزة في طلبات الصيانة QF75-11 حسب الحالة",
                       "image": ImageRef(str(path), CHART_WIDTH_MM)})
    if lines:
        path = target_chart(
            charts_dir / "plan.png",
            [line.indicator for line in lines],
            [float(line.target) for line in lines],
            [float(line.achieved) for line in lines],
        )
        charts.append({"title": "الخطة السنوية: المستهدف والمنجز في الربع",
                       "image": ImageRef(str(path), CHART_WIDTH_MM)})
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
    start_month: int = 1,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """``outbox/<year>-Q<n>/تقرير-ربعي-<year>-Q<n>.docx`` (``-2``… when made again)."""
    refs = references_of(dept, references)
    slug = quarter_period(year, quarter, start_month).slug
    with tempfile.TemporaryDirectory(prefix="eti-charts-") as tmp:
        context = quarterly_context(
            dept, ledger, year, quarter, refs, Path(tmp),
            day=clock.now().date(), start_month=start_month,
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
