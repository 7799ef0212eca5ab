"""The ministry's quarterly report across directorates (تقرير ربعي على مستوى المديريات).

One table per QF12-1 indicator: a row per directorate of the shared ledger and the
total «المجموع» (:mod:`automation.processes.ministry`: a mean or a ratio in the total is
taken over everything it averages, never a mean of the directorates' means), then two
native Word charts: the counts and the percentages, a bar per directorate.

Its template, ``ministry_report.docx``, is shipped and copied into ``templates_docx/``
like the others (built by :func:`automation.templates.reports.ministry_report`), so it
can be edited in Word. It goes to
``outbox/reports/تقرير-ربعي-المديريات-<year>-Q<n>.docx`` and is recorded in the
department's own ledger (the ``*`` connection that reads every directorate is read only).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from automation.catalog.reference import References
from automation.core.department import Department
from automation.documents.charts import BAR, Chart, Series
from automation.documents.context import common_context, show_date
from automation.documents.kinds import MINISTRY_REPORT
from automation.processes import INDICATORS
from automation.processes.figures import PERCENT
from automation.processes.ministry import MinistryFigures, label

DOCUMENT_KIND = MINISTRY_REPORT.key
TEMPLATE = MINISTRY_REPORT.template.file
TITLE = MINISTRY_REPORT.title_ar
CHART_WIDTH_MM = 160.0
PALETTE = (BAR, "C55A11", "548235", "7030A0", "BF9000", "2E75B6", "A5A5A5", "843C0C",
           "375623", "1F3864")
"""A colour per directorate in the charts (repeated beyond ten)."""
WEIGHTED_NOTE = (
    "المجموع محسوب من سجلات المديريات جميعها معاً: الأعداد تُجمع، والمتوسطات والنسب "
    "محسوبة على كل ما قيس في المديريات (مديرية لها ثلاث مراجعات تزن ثلاثة أضعاف مديرية "
    "لها مراجعة واحدة)، لا متوسطاً لمتوسطات المديريات. تعني «—» أنه لا يوجد ما يقاس."
)


def _chart(ministry: MinistryFigures, names: list[str]) -> Chart:
    """Horizontal bars: an indicator a line, a bar per directorate (its colour in the
    legend below); a value that does not exist is left out."""
    series = tuple(
        Series(label(d), tuple(math.nan if fs.indicators[n] is None else
                               float(fs.indicators[n]) for n in names),  # type: ignore[arg-type]
               PALETTE[i % len(PALETTE)])
        for i, (d, fs) in enumerate(ministry.directorates.items())
    )
    lines = len(names) * max(1, len(series)) * 0.22 + 1.2
    return Chart("bar", tuple(names), series, legend="b", width_mm=CHART_WIDTH_MM,
                 height_mm=min(220.0, CHART_WIDTH_MM * max(2.4, lines) / 7))


def _charts(ministry: MinistryFigures) -> list[dict[str, Any]]:
    """The counts and the percentages that exist somewhere, a chart each."""
    shown = [n for n in INDICATORS
             if any(fs.indicators[n] for fs in ministry.directorates.values())]
    out = []
    for title, names in (
        ("المؤشرات العددية حسب المديرية",
         [n for n in shown if INDICATORS[n][1].kind not in PERCENT]),
        ("المؤشرات النسبية حسب المديرية (%)",
         [n for n in shown if INDICATORS[n][1].kind in PERCENT]),
    ):
        if names:
            out.append({"title": title, "image": _chart(ministry, names)})
    return out


def ministry_context(
    dept: Department, ministry: MinistryFigures, refs: References, *, day: Any,
) -> dict[str, Any]:
    """The context of the ministry's report (its charts are :class:`Chart` values)."""
    own = (refs.directorate.name or "").strip()
    if "" in ministry.directorates and own and own not in ministry.directorates:
        # records kept before [department] directorate was set are this directorate's,
        # named as directorate.xlsx names it (not «غير محددة»)
        ministry = dataclasses.replace(ministry, directorates={
            (d or own): fs for d, fs in ministry.directorates.items()})
    period = ministry.period
    names = [label(d) for d in ministry.directorates]
    scope = names[0] if len(names) == 1 else f"المديريات ({len(names)})"
    indicators = []
    for number, name in enumerate(INDICATORS, 1):
        rows = ministry.indicator_rows(name)
        indicators.append({
            "number": number,
            "name": name,
            "process": INDICATORS[name][0].code,
            "rows": [{"name": who, "value": figure.text} for who, figure in rows[:-1]],
            "total": rows[-1][1].text,
        })
    common = common_context(dept, refs, doc_code="QP-70-2", title=TITLE, day=day)
    common["directorate"] = {**common["directorate"], "name": scope}
    return common | {
        "period": period.label_ar,
        "period_start": show_date(period.start),
        "period_end": show_date(period.end),
        "scope": scope,
        "directorates": names,
        "weighted_note": WEIGHTED_NOTE,
        "indicators": indicators,
        "charts": _charts(ministry),
    }
