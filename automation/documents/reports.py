"""The contexts of the period reports of P2, P6, P7, P8 and P9 (a quarter or any date
range), each declared in :mod:`automation.documents.kinds` and made by
:func:`automation.documents.making.make` (``make(HELPDESK_REPORT.key, …)``):

    helpdesk_context     P2  Help Desk requests executed, by category and school
    systems_context      P6  system status per system (problems, updates, functions
                             tested, passed and failed), open problems, new updates
    activation_context   P7  activation visits: results and achievement %, against
                             the department's plan and QRC's action plan
    initiatives_context  P8  active initiatives and the activation report
    webpages_context     P9  criteria met per page, score %, e-services activated,
                             feedback received and handled

Each goes to ``outbox/reports/<title>-<period slug>.docx``. The figures and
the rows come from the process modules (:mod:`automation.processes`); this module
only groups them for the tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from automation.catalog.reference import References
from automation.core.department import Department
from automation.core.periods import Period
from automation.documents.charts import Chart, bar_chart
from automation.documents.context import (
    common_context,
    figure_rows,
    show_date,
)
from automation.documents.kinds import (
    ACTIVATION_REPORT,
    HELPDESK_REPORT,
    INITIATIVES_REPORT,
    SYSTEMS_REPORT,
    WEBPAGES_REPORT,
    period_reports,
)
from automation.documents.making import make_of
from automation.ledger.store import Ledger
from automation.processes import (
    figure,
    figures_of,
    p02_helpdesk,
    p06_systems,
    p07_activation,
    p08_initiatives,
    p09_webpages,
)
from automation.processes.figures import RowSource, fmt_pct, ratio_pct, subject_of

CHART_WIDTH_MM = 150.0

Builder = Callable[[RowSource, Period, References], dict[str, Any]]
"""A report's own context: from the rows, the period and the reference lists."""


def _chart(labels: list[str], values: list[float], ylabel: str) -> Chart | str:
    """A column chart, or "" (the template leaves the chart out) when there is nothing."""
    if not labels:
        return ""
    return bar_chart(labels, values, ylabel=ylabel, width_mm=CHART_WIDTH_MM)


# -- P2 -----------------------------------------------------------------------------------


def helpdesk_context(src: RowSource, period: Period, refs: References) -> dict[str, Any]:
    categories = p02_helpdesk.CATEGORIES
    total = int(figure(src, "p2.executed", period, refs).value or 0)
    per_category = [int(figure(src, p02_helpdesk.category_key(c), period, refs).value or 0)
                    for c in categories]
    shown = [(c, n) for c, n in zip(categories, per_category, strict=True) if n]
    return {
        "total": total,
        "by_category": [
            {"category": c, "count": n, "pct": fmt_pct(ratio_pct(n, total))}
            for c, n in zip(categories, per_category, strict=True)
        ],
        "by_school": [{"school": e.name, "counts": e.counts, "total": e.total}
                      for e in p02_helpdesk.BY_SCHOOL.of(src, period)],
        "category_totals": per_category,
        "chart": _chart([c for c, _ in shown], [n for _, n in shown], "عدد الطلبات"),
        "chart_title": "طلبات الدعم الفني المنفذة حسب التصنيف",
    }


# -- P6 -----------------------------------------------------------------------------------


def system_status(src: RowSource, period: Period) -> list[dict[str, Any]]:
    """Per system: problems logged in the period and not solved at its end, updates, and the
    functions tested in it with their latest results (the P6 system-status table)."""
    return p06_systems.STATUS.of(src, period)


def systems_context(src: RowSource, period: Period, refs: References) -> dict[str, Any]:
    def value(key: str) -> int:
        return int(figure(src, key, period, refs).value or 0)

    statuses = p06_systems.STATUSES
    by_system = [{"system": e.name, "total": e.total, "counts": e.counts}
                 for e in p06_systems.PROBLEMS.of(src, period)]
    return {
        "systems": p06_systems.STATUS.of(src, period),
        "systems_total": {
            "problems": value("p6.problems_logged"), "open": value("p6.problems_open"),
            "updates": value("p6.updates"), "tested": value("p6.functions_tested"),
            "passed": value("p6.functions_passed"), "failed": value("p6.functions_failed"),
        },
        "failed_tests": [
            {"date": show_date(t.tested_on), "system": t.system, "user_level": t.user_level,
             "function": t.function, "notes": t.notes}
            for t in p06_systems.function_tests(src, period) if not t.passed
        ],
        "by_system": by_system,
        "status_totals": [sum(e["counts"][i] for e in by_system)
                          for i in range(len(statuses))],
        "issues_total": value("p6.problems_logged"),
        "open_issues": [
            {
                "date": show_date(r.data.get("date")),
                "school": subject_of(r),
                "system": str(r.data.get("system") or ""),
                "problem": str(r.data.get("problem") or ""),
                "status": str(r.data.get("status") or ""),
            }
            for r in p06_systems.open_at_end(src, period)
        ],
        "updates": [
            {
                "date": show_date(r.data.get("date")),
                "system": str(r.data.get("system") or ""),
                "change": str(r.data.get("update") or ""),
                "source": str(r.data.get("source") or ""),
                "notes": str(r.data.get("notes") or ""),
            }
            for r in p06_systems.updates(src, period)
        ],
    }


# -- P7 -----------------------------------------------------------------------------------


def qrc_context(src: RowSource, period: Period, refs: References) -> dict[str, Any]:
    """QRC's action plan for the period, each line against what was achieved at its end."""
    targets = p07_activation.qrc_targets(src, period.end, refs)
    return {
        "qrc": [
            {"system": t.system, "function": t.function, "target": fmt_pct(t.target_pct),
             "by_date": show_date(t.by_date), "activated": t.activated, "schools": t.schools,
             "achieved": fmt_pct(t.achieved_pct), "status": t.status}
            for t in targets
        ],
        "qrc_met": int(figure(src, "p7.qrc_lines_met", period, refs).value or 0),
        "qrc_total": int(figure(src, "p7.qrc_lines", period, refs).value or 0),
        "qrc_pct": figure(src, "p7.qrc_plan_pct", period, refs).text,
    }


def activation_context(src: RowSource, period: Period, refs: References) -> dict[str, Any]:
    results = p07_activation.SCHOOLS.of(src, period)
    return {
        "overall_pct": figure(src, "p7.mean_completion", period, refs).text,
        "schools": [
            {"school": s.school, "visit_date": show_date(s.visit_date), "visitor": s.visitor,
             "functions": s.functions, "activated": s.activated,
             "avg_completion": fmt_pct(s.completion)}
            for s in results
        ],
        "functions": [
            {"function": f.function, "schools": f.schools, "activated": f.activated,
             "avg_completion": fmt_pct(f.completion)}
            for f in p07_activation.FUNCTIONS.of(src, period)
        ],
        "chart": _chart([s.school for s in results],  # «—» in the table: no bar, not 0
                        [math.nan if s.completion is None else float(s.completion)
                         for s in results], "متوسط نسبة الإنجاز %"),
        "chart_title": "متوسط نسبة الإنجاز في آخر زيارة لكل مدرسة",
    } | qrc_context(src, period, refs)


# -- P8 -----------------------------------------------------------------------------------


def initiatives_context(src: RowSource, period: Period, refs: References) -> dict[str, Any]:
    counts = p08_initiatives.by_status(src, period)
    total = sum(counts.values())
    active_count = int(figure(src, "p8.active", period, refs).value or 0)

    def item(r: Any) -> dict[str, Any]:
        return {
            "initiative": str(r.data.get("initiative") or ""),
            "school": subject_of(r),
            "start_date": show_date(r.data.get("start_date")),
            "participants": r.data.get("participants") if r.data.get("participants") is not None
            else "",
            "notes": str(r.data.get("notes") or ""),
            "status": str(r.data.get("status") or ""),
        }

    return {
        "active_count": active_count,
        "total_count": total,
        "activation_pct": fmt_pct(ratio_pct(active_count, total)),
        "by_status": [{"status": s, "count": n} for s, n in counts.items()],
        "active": [{k: v for k, v in item(r).items() if k != "status"}
                   for r in p08_initiatives.active(src, period)],
        "started": [
            {k: v for k, v in item(r).items() if k not in ("notes", "participants")}
            for r in p08_initiatives.started(src, period)
        ],
    }


# -- P9 -----------------------------------------------------------------------------------


def feedback_context(src: RowSource, period: Period) -> dict[str, Any]:
    """Feedback received, handled (closed) in the period and still open at its end, by kind."""
    by_kind = [{"kind": k.kind, "received": k.received, "handled": k.handled, "open": k.open}
               for k in p09_webpages.FEEDBACK_BY_KIND.of(src, period)]
    return {
        "feedback": by_kind,
        "feedback_total": {k: sum(e[k] for e in by_kind) for k in ("received", "handled",
                                                                    "open")},
        "feedback_open": [
            {"date": show_date(r.data.get("date")), "page": str(r.data.get("page") or ""),
             "kind": str(r.data.get("kind") or ""), "text": str(r.data.get("text") or ""),
             "status": str(r.data.get("status") or "")}
            for r in p09_webpages.feedback_open(src, period)
        ],
    }


def webpages_context(src: RowSource, period: Period, refs: References) -> dict[str, Any]:
    def value(key: str) -> int:
        return int(figure(src, key, period, refs).value or 0)

    reviews = p09_webpages.page_reviews(src, period)
    scored = [e for e in reviews if e.score is not None]
    listed, activated = value("p9.services_listed"), value("p9.services_activated")
    return feedback_context(src, period) | {
        "criteria_met": value("p9.criteria_met"),
        "criteria_total": sum(e.criteria for e in reviews),
        "services": [
            {"page": e.page, "services": e.services, "activated": e.activated,
             "in_period": e.activated_in_period, "pct": fmt_pct(e.pct)}
            for e in p09_webpages.services_by_page(src, period)
        ],
        "services_total": {
            "services": listed,
            "activated": activated,
            "in_period": value("p9.services_activated_in_period"),
            "pct": fmt_pct(ratio_pct(activated, listed)),
        },
        "average_score": figure(src, "p9.mean_score", period, refs).text,
        "pages": [
            {
                "page": e.page,
                "review_date": show_date(e.review_date),
                "last_news_date": show_date(e.last_news_date),
                "met": e.met,
                "total": e.criteria,
                "score": fmt_pct(e.score),
            }
            for e in reviews
        ],
        "unmet": [
            {
                "page": str(r.data.get("page") or ""),
                "criterion": str(r.data.get("criterion") or ""),
                "notes": str(r.data.get("notes") or ""),
            }
            for r in p09_webpages.unmet(src, period)
        ],
        "chart": _chart([e.page for e in scored], [float(e.score) for e in scored],
                        "نسبة تحقق المعايير %"),
        "chart_title": "نسبة تحقق المعايير حسب الصفحة",
    }


# -- producing them -----------------------------------------------------------------------


def _declared() -> dict[str, tuple[str, str, str, str, Builder]]:
    """:data:`REPORTS` from the declarations (:mod:`automation.documents.kinds`)."""
    return {
        spec.command.split()[-1]: (spec.key, spec.template.file, spec.process,
                                   spec.file.removesuffix("-{period}"),
                                   globals()[spec.context.partition(":")[2]])
        for spec in period_reports()
    }


REPORTS: dict[str, tuple[str, str, str, str, Builder]] = _declared()
"""Each report by its command (``helpdesk``): document kind, template, process, file name,
context builder — as declared in :mod:`automation.documents.kinds`."""

TITLES = {spec.command.split()[-1]: spec.title_ar for spec in period_reports()}
"""The title on each report, as declared."""


def report_context(
    dept: Department,
    ledger: Ledger,
    report: str,
    period: Period,
    refs: References,
    *,
    day: Any,
) -> dict[str, Any]:
    """The context of one period report (see :data:`REPORTS`)."""
    _, _, process, _, build = REPORTS[report]
    src = RowSource(ledger)
    common = common_context(dept, refs, doc_code=f"QP-70-2 / {process}", title=TITLES[report],
                            day=day)
    return common | {
        "period": period.label_ar,
        "figures": figure_rows(figures_of(src, process, period, refs)),
    } | build(src, period, refs)


# The names callers have always used: ``make`` of each report, ``(dept, ledger, period, *,
# clock, references=None)``.
make_helpdesk_report = make_of(HELPDESK_REPORT.key)
make_systems_report = make_of(SYSTEMS_REPORT.key)
make_activation_report = make_of(ACTIVATION_REPORT.key)
make_initiatives_report = make_of(INITIATIVES_REPORT.key)
make_webpages_report = make_of(WEBPAGES_REPORT.key)
