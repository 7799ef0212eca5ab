"""The period reports of P2, P6, P7, P8 and P9 (a quarter or any date range).

    make_helpdesk_report     P2  Help Desk requests executed, by category and school
    make_systems_report      P6  system status per system (problems, updates, functions
                                 tested, passed and failed), open problems, new updates
    make_activation_report   P7  activation visits: results and achievement %, against
                                 the department's plan and QRC's action plan
    make_initiatives_report  P8  active initiatives and the activation report
    make_webpages_report     P9  criteria met per page, score %, e-services activated,
                                 feedback received and handled

Each goes to ``outbox/<period slug>/<title>-<period slug>.docx``. The figures and
the rows come from the process modules (:mod:`automation.processes`); this module
only groups them for the tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from automation.catalog.reference import References
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.periods import Period
from automation.documents.charts import Chart, bar_chart
from automation.documents.context import (
    common_context,
    figure_rows,
    references_of,
    show_date,
)
from automation.documents.outbox import period_folder, produce
from automation.documents.render import DEFAULT_TIMEOUT
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
        "chart": _chart([c for c, _ in shown], [n for _, n in shown], "عدد الطلبات"),
        "chart_title": "طلبات الدعم الفني المنفذة حسب التصنيف",
    }


# -- P6 -----------------------------------------------------------------------------------


def system_status(src: RowSource, period: Period) -> list[dict[str, Any]]:
    """Per system: problems logged in the period and not solved at its end, updates, and the
    functions tested in it with their latest results (the P6 system-status table)."""
    rows: dict[str, dict[str, Any]] = {}

    def entry(name: object) -> dict[str, Any]:
        system = p06_systems.system_of(name)
        return rows.setdefault(system, {"system": system, "problems": 0, "open": 0,
                                        "updates": 0, "tested": 0, "passed": 0, "failed": 0})

    for r in p06_systems.logged(src, period):
        entry(r.data.get("system"))["problems"] += 1
    for r in p06_systems.open_at_end(src, period):
        entry(r.data.get("system"))["open"] += 1
    for r in p06_systems.updates(src, period):
        entry(r.data.get("system"))["updates"] += 1
    for test in p06_systems.function_tests(src, period):
        found = entry(test.system)
        found["tested"] += 1
        found["passed" if test.passed else "failed"] += 1
    return sorted(rows.values(), key=lambda e: (p06_systems.system_order(e["system"]),
                                               e["system"]))


def systems_context(src: RowSource, period: Period, refs: References) -> dict[str, Any]:
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
    status = system_status(src, period)
    keys = ("problems", "open", "updates", "tested", "passed", "failed")
    return {
        "systems": status,
        "systems_total": {k: sum(e[k] for e in status) for k in keys},
        "failed_tests": [
            {"date": show_date(t.tested_on), "system": t.system, "user_level": t.user_level,
             "function": t.function, "notes": t.notes}
            for t in p06_systems.function_tests(src, period) if not t.passed
        ],
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


def qrc_context(src: RowSource, period: Period, refs: References) -> dict[str, Any]:
    """QRC's action plan for the period, each line against what was achieved at its end."""
    targets = p07_activation.qrc_targets(src, period.end, refs)
    met = sum(1 for t in targets if t.met)
    return {
        "qrc": [
            {"system": t.system, "function": t.function, "target": fmt_pct(t.target_pct),
             "by_date": show_date(t.by_date), "activated": t.activated, "schools": t.schools,
             "achieved": fmt_pct(t.achieved_pct), "status": t.status}
            for t in targets
        ],
        "qrc_met": met,
        "qrc_total": len(targets),
        "qrc_pct": fmt_pct(ratio_pct(met, len(targets))),
    }


def activation_context(src: RowSource, period: Period, refs: References) -> dict[str, Any]:
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
    chart = _chart([s["school"] for s in schools], [s.pop("value") for s in schools],
                   "متوسط نسبة الإنجاز %")
    overall = {f.label: f for f in figures_of(src, "P7", period, refs)}[
        p07_activation.MEAN_COMPLETION]
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
    } | qrc_context(src, period, refs)


# -- P8 -----------------------------------------------------------------------------------


def initiatives_context(src: RowSource, period: Period, refs: References) -> dict[str, Any]:
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


def feedback_context(src: RowSource, period: Period) -> dict[str, Any]:
    """Feedback received, handled (closed) in the period and still open at its end, by kind."""
    kinds = {k: {"kind": k, "received": 0, "handled": 0, "open": 0}
             for k in p09_webpages.KINDS}
    for key, rows in (("received", p09_webpages.feedback_received(src, period)),
                      ("handled", p09_webpages.feedback_handled(src, period)),
                      ("open", p09_webpages.feedback_open(src, period))):
        for r in rows:
            kind = str(r.data.get("kind") or "")
            kinds.setdefault(kind, {"kind": kind, "received": 0, "handled": 0, "open": 0})
            kinds[kind][key] += 1
    by_kind = [k for k in kinds.values() if k["received"] or k["handled"] or k["open"]]
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
    reviews = p09_webpages.page_reviews(src, period)
    unmet = p09_webpages.unmet(src, period)
    scored = [e for e in reviews if e.score is not None]
    services = p09_webpages.services_by_page(src, period)
    return feedback_context(src, period) | {
        "criteria_met": sum(e.met for e in reviews),
        "criteria_total": sum(e.criteria for e in reviews),
        "services": [
            {"page": e.page, "services": e.services, "activated": e.activated,
             "in_period": e.activated_in_period, "pct": fmt_pct(e.pct)}
            for e in services
        ],
        "services_total": {
            "services": sum(e.services for e in services),
            "activated": sum(e.activated for e in services),
            "in_period": sum(e.activated_in_period for e in services),
            "pct": fmt_pct(ratio_pct(sum(e.activated for e in services),
                                     sum(e.services for e in services))),
        },
        "average_score": {f.label: f for f in figures_of(src, "P9", period, refs)}[
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
        "chart": _chart([e.page for e in scored], [float(e.score) for e in scored],
                        "نسبة تحقق المعايير %"),
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
    context = report_context(dept, ledger, report, period, refs, day=clock.now().date())
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
