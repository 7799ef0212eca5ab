"""The period reports of P2, P6, P7, P8 and P9 (a quarter or any date range).

    make_helpdesk_report     P2  Help Desk requests executed, by category and school
    make_systems_report      P6  system status (open problems) and new updates
    make_activation_report   P7  activation visits: results and achievement %
    make_initiatives_report  P8  active initiatives and the activation report
    make_webpages_report     P9  criteria met per page, score %

Each goes to ``outbox/<period slug>/<title>-<period slug>.docx``. The figures and
the rows come from the process modules (:mod:`automation.processes`); this module
only groups them for the tables.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from automation.catalog.reference import References
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.periods import Period
from automation.documents.charts import bar_chart
from automation.documents.context import (
    common_context,
    figure_rows,
    references_of,
    show_date,
)
from automation.documents.outbox import period_folder, produce
from automation.documents.render import DEFAULT_TIMEOUT, ImageRef
from automation.ledger.store import Ledger
from automation.processes import (
    figures_of,
    p02_helpdesk,
    p06_systems,
    p07_activation,
    p08_initiatives,
    p09_webpages,
)
from automation.processes.figures import RowSource, fmt_pct, ratio_pct, subject_of

CHART_WIDTH_MM = 150.0

Builder = Callable[[RowSource, Period, Path], dict[str, Any]]


def _chart(path: Path, labels: list[str], values: list[float], ylabel: str) -> ImageRef | str:
    if not labels:
        return ""
    return ImageRef(str(bar_chart(path, labels, values, ylabel=ylabel)), CHART_WIDTH_MM)


# -- P2 -----------------------------------------------------------------------------------


def helpdesk_context(src: RowSource, period: Period, charts: Path) -> dict[str, Any]:
    categories = p02_helpdesk.CATEGORIES
    executed = p02_helpdesk.executed(src, period)
    total = len(executed)
    per_category = [sum(1 for r in executed if r.data.get("category") == c) for c in categories]
    other = total - sum(per_category)
    if other:  # a category outside the list counts as «أخرى»
        per_category[categories.index("أخرى")] += other
    schools: dict[str, list[int]] = defaultdict(lambda: [0] * len(categories))
    for r in executed:
        category = r.data.get("category")
        index = categories.index(category if category in categories else "أخرى")
        schools[subject_of(r)][index] += 1
    by_school = sorted(
        ({"school": s, "counts": c, "total": sum(c)} for s, c in schools.items()),
        key=lambda e: (-e["total"], e["school"]),
    )
    shown = [(c, n) for c, n in zip(categories, per_category, strict=True) if n]
    return {
        "total": total,
        "by_category": [
            {"category": c, "count": n, "pct": fmt_pct(ratio_pct(n, total))}
            for c, n in zip(categories, per_category, strict=True)
        ],
        "by_school": by_school,
        "category_totals": per_category,
        "chart": _chart(charts / "helpdesk.png", [c for c, _ in shown], [n for _, n in shown],
                        "عدد الطلبات"),
        "chart_title": "طلبات الدعم الفني المنفذة حسب التصنيف",
    }


# -- P6 -----------------------------------------------------------------------------------


def systems_context(src: RowSource, period: Period, charts: Path) -> dict[str, Any]:
    statuses = p06_systems.STATUSES
    issues = p06_systems.logged(src, period)
    systems: dict[str, list[int]] = {}
    for r in issues:
        system = str(r.data.get("system") or "أخرى")
        counts = systems.setdefault(system, [0] * len(statuses))
        status = r.data.get("status")
        if status in statuses:
            counts[statuses.index(status)] += 1
    order = {s: i for i, s in enumerate(p06_systems.SYSTEMS)}
    by_system = [
        {"system": s, "total": sum(c), "counts": c}
        for s, c in sorted(systems.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    ]
    open_issues = p06_systems.open_at_end(src, period)
    updates = p06_systems.updates(src, period)
    return {
        "by_system": by_system,
        "status_totals": [sum(e["counts"][i] for e in by_system)
                          for i in range(len(statuses))],
        "issues_total": len(issues),
        "open_issues": [
            {
                "date": show_date(r.data.get("date")),
                "school": subject_of(r),
                "system": str(r.data.get("system") or ""),
                "problem": str(r.data.get("problem") or ""),
                "status": str(r.data.get("status") or ""),
            }
            for r in open_issues
        ],
        "updates": [
            {
                "date": show_date(r.data.get("date")),
                "system": str(r.data.get("system") or ""),
                "change": str(r.data.get("update") or ""),
                "source": str(r.data.get("source") or ""),
                "notes": str(r.data.get("notes") or ""),
            }
            for r in updates
        ],
    }


# -- P7 -----------------------------------------------------------------------------------


def activation_context(src: RowSource, period: Period, charts: Path) -> dict[str, Any]:
    latest = p07_activation.latest_visits(src, period)
    functions: dict[str, list[Any]] = defaultdict(list)
    for visit in latest:
        for r in visit:
            functions[str(r.data.get("function") or "")].append(r)
    schools = []
    for visit in sorted(latest, key=lambda v: (str(v[0].data.get("visit_date")),
                                               v[0].submission_id)):
        first = visit[0]
        completion = p07_activation.completion(visit)
        schools.append(
            {
                "school": subject_of(first),
                "visit_date": show_date(first.data.get("visit_date")),
                "visitor": str(first.data.get("visitor") or ""),
                "functions": len(visit),
                "activated": sum(1 for r in visit if r.data.get("activated") is True),
                "avg_completion": fmt_pct(completion),  # type: ignore[arg-type]
                "value": float(completion or 0),  # type: ignore[arg-type]
            }
        )
    chart = _chart(charts / "activation.png", [s["school"] for s in schools],
                   [s.pop("value") for s in schools], "متوسط نسبة الإنجاز %")
    overall = {f.label: f for f in figures_of(src, "P7", period)}[p07_activation.MEAN_COMPLETION]
    return {
        "overall_pct": overall.text,
        "schools": schools,
        "functions": [
            {
                "function": name,
                "schools": len({subject_of(r) for r in items}),
                "activated": len({subject_of(r) for r in items if r.data.get("activated") is True}),
                "avg_completion": fmt_pct(p07_activation.completion(items)),  # type: ignore[arg-type]
            }
            for name, items in sorted(functions.items())
        ],
        "chart": chart,
        "chart_title": "متوسط نسبة الإنجاز في آخر زيارة لكل مدرسة",
    }


# -- P8 -----------------------------------------------------------------------------------


def initiatives_context(src: RowSource, period: Period, charts: Path) -> dict[str, Any]:
    counts = p08_initiatives.by_status(src, period)
    total = sum(counts.values())
    active_status = p08_initiatives.ACTIVE

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

    active = p08_initiatives.active(src, period)
    started = p08_initiatives.started(src, period)
    return {
        "active_count": counts.get(active_status, 0),
        "total_count": total,
        "activation_pct": fmt_pct(ratio_pct(counts.get(active_status, 0), total)),
        "by_status": [{"status": s, "count": n} for s, n in counts.items()],
        "active": [{k: v for k, v in item(r).items() if k != "status"} for r in active],
        "started": [
            {k: v for k, v in item(r).items() if k not in ("notes", "participants")}
            for r in started
        ],
    }


# -- P9 -----------------------------------------------------------------------------------


def webpages_context(src: RowSource, period: Period, charts: Path) -> dict[str, Any]:
    reviews = p09_webpages.page_reviews(src, period)
    unmet = p09_webpages.unmet(src, period)
    scored = [e for e in reviews if e.score is not None]
    return {
        "average_score": {f.label: f for f in figures_of(src, "P9", period)}[
            p09_webpages.MEAN_SCORE].text,
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
            for r in unmet
        ],
        "chart": _chart(charts / "pages.png", [e.page for e in scored],
                        [float(e.score) for e in scored], "نسبة تحقق المعايير %"),
        "chart_title": "نسبة تحقق المعايير حسب الصفحة",
    }


# -- producing them -----------------------------------------------------------------------


REPORTS: dict[str, tuple[str, str, str, str, Builder]] = {
    "helpdesk": ("helpdesk-report", "helpdesk_report.docx", "P2", "تقرير-الدعم-الفني",
                 helpdesk_context),
    "systems": ("systems-report", "systems_report.docx", "P6", "تقرير-حالة-الأنظمة",
                systems_context),
    "activation": ("activation-report", "activation_report.docx", "P7",
                   "تقرير-تفعيل-الوظائف", activation_context),
    "initiatives": ("initiatives-report", "initiatives_report.docx", "P8",
                    "تقرير-المبادرات", initiatives_context),
    "webpages": ("webpages-report", "webpages_report.docx", "P9",
                 "تقرير-الصفحات-الإلكترونية", webpages_context),
}
"""Each report: document kind, template, process, file name, context builder."""

TITLES = {
    "helpdesk": "التقرير الفني لطلبات الدعم الفني المنفذة",
    "systems": "تقرير حالة الأنظمة التربوية والتحديثات الجديدة",
    "activation": "تقرير نتائج زيارات متابعة تفعيل وظائف الأنظمة ونسب الإنجاز",
    "initiatives": "تقرير المبادرات والمشاريع الإبداعية",
    "webpages": "تقرير مدى تحقق معايير الصفحات الإلكترونية",
}


def report_context(
    dept: Department,
    ledger: Ledger,
    report: str,
    period: Period,
    refs: References,
    charts: Path,
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
    } | build(src, period, charts)


def make_period_report(
    dept: Department,
    ledger: Ledger,
    report: str,
    period: Period,
    *,
    clock: Clock,
    references: References | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    kind, template, _, stem, _ = REPORTS[report]
    refs = references_of(dept, references)
    with tempfile.TemporaryDirectory(prefix="eti-charts-") as tmp:
        context = report_context(dept, ledger, report, period, refs, Path(tmp),
                                 day=clock.now().date())
        return produce(dept, ledger, kind=kind, template=template, context=context,
                       folder=period_folder(dept, period.slug), stem=f"{stem}-{period.slug}",
                       clock=clock, timeout=timeout)


def make_helpdesk_report(dept: Department, ledger: Ledger, period: Period, *, clock: Clock,
                         references: References | None = None) -> Path:
    """P2: the technical report of Help Desk requests executed, by category and school."""
    return make_period_report(dept, ledger, "helpdesk", period, clock=clock,
                              references=references)


def make_systems_report(dept: Department, ledger: Ledger, period: Period, *, clock: Clock,
                        references: References | None = None) -> Path:
    """P6: system status (problems not yet solved) and the new updates of the period."""
    return make_period_report(dept, ledger, "systems", period, clock=clock,
                              references=references)


def make_activation_report(dept: Department, ledger: Ledger, period: Period, *, clock: Clock,
                           references: References | None = None) -> Path:
    """P7: activation follow-up visits, their results and achievement percentages."""
    return make_period_report(dept, ledger, "activation", period, clock=clock,
                              references=references)


def make_initiatives_report(dept: Department, ledger: Ledger, period: Period, *, clock: Clock,
                            references: References | None = None) -> Path:
    """P8: the list of active initiatives and the activation report of the period."""
    return make_period_report(dept, ledger, "initiatives", period, clock=clock,
                              references=references)


def make_webpages_report(dept: Department, ledger: Ledger, period: Period, *, clock: Clock,
                         references: References | None = None) -> Path:
    """P9: how well each page meets the criteria, with its score."""
    return make_period_report(dept, ledger, "webpages", period, clock=clock,
                              references=references)
