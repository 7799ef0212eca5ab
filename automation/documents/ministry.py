"""The ministry's quarterly report across directorates (تقرير ربعي على مستوى المديريات).

One table per QF12-1 indicator: a row per directorate of the shared ledger and the
total «المجموع» (:mod:`automation.processes.ministry`: a mean or a ratio in the total is
taken over everything it averages, never a mean of the directorates' means), then two
native Word charts: the counts and the percentages, a bar per directorate.

Its template is built here, from code (:class:`~automation.templates.doc.TemplateDoc`:
A4, right to left), each time: the ministry's report is not a department's document
for staff to edit in ``templates_docx/``. It goes to
``outbox/reports/تقرير-ربعي-المديريات-<year>-Q<n>.docx`` and is recorded in the
department's own ledger (the ``*`` connection that reads every directorate is read only).
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

from automation.catalog.reference import References
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.periods import DEFAULT_CALENDAR, Calendar
from automation.documents.charts import BAR, Chart, Series
from automation.documents.context import common_context, references_of, show_date
from automation.documents.outbox import produce
from automation.documents.render import DEFAULT_TIMEOUT
from automation.ledger.store import Ledger
from automation.processes import INDICATORS
from automation.processes.figures import PERCENT
from automation.processes.ministry import MinistryFigures, label, ministry_figures
from automation.templates.blocks import C, chart, each, table, when
from automation.templates.doc import TemplateDoc
from automation.templates.docx_xml import Run

DOCUMENT_KIND = "ministry-quarterly-report"
TEMPLATE = "ministry_report.docx"
FOLDER = "reports"
"""``outbox/reports/``."""
TITLE = "تقرير ربعي بإنجازات أقسام تكنولوجيا التعليم والمعلومات في المديريات"
CHART_WIDTH_MM = 160.0
PALETTE = (BAR, "C55A11", "548235", "7030A0", "BF9000", "2E75B6", "A5A5A5", "843C0C",
           "375623", "1F3864")
"""A colour per directorate in the charts (repeated beyond ten)."""
WEIGHTED_NOTE = (
    "المجموع محسوب من سجلات المديريات جميعها معاً: الأعداد تُجمع، والمتوسطات والنسب "
    "محسوبة على كل ما قيس في المديريات (مديرية لها ثلاث مراجعات تزن ثلاثة أضعاف مديرية "
    "لها مراجعة واحدة)، لا متوسطاً لمتوسطات المديريات. تعني «—» أنه لا يوجد ما يقاس."
)


def ministry_template() -> TemplateDoc:
    """The report's template: letterhead, the indicator tables, the charts."""
    t = TemplateDoc("تقرير ربعي على مستوى المديريات")
    t.letterhead()
    t.title(TITLE, "{{ period }}")
    t.p("يعرض هذا التقرير مؤشرات الخطة السنوية (QF12-1) في كل مديرية خلال {{ period }} "
        "(من {{ period_start }} إلى {{ period_end }})، ومجموعها في {{ scope }}.")
    t.p(Run("{{ weighted_note }}", color="595959"), size=10, after=6)
    t.heading("أولاً: المؤشرات حسب المديرية", size=14)
    with each(t, "i in indicators"):
        t.p(Run("{{ i.number }}. {{ i.name }} ({{ i.process }})", bold=True), before=4,
            keep_next=True)
        table(t, "d in i.rows", ("المديرية", "name", 120), ("القيمة", "value", 54, C),
              totals=("المجموع", "{{ i.total }}"), empty=None)
    t.heading("ثانياً: الرسوم البيانية", size=14)
    with each(t, "c in charts"):
        chart(t, "{{ c.image }}", "{{ c.title }}", after=0, keep_next=True)
    with when(t, "not charts"):
        t.p("لا توجد قيم في هذه الفترة لرسم المخططات.")
    return t


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


def make_ministry_report(
    dept: Department,
    ledger: Ledger,
    year: int,
    quarter: int,
    *,
    clock: Clock,
    references: References | None = None,
    calendar: Calendar = DEFAULT_CALENDAR,
    figures: MinistryFigures | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """``outbox/reports/تقرير-ربعي-المديريات-<year>-Q<n>.docx`` from every directorate's
    figures (``figures``, else worked out from the department's shared ledger); made
    again, it replaces the earlier one (moved to ``outbox/.previous/``). ``ledger`` is
    the department's own: the document is recorded there."""
    period = calendar.quarter(year, quarter)
    found = figures if figures is not None else ministry_figures(dept, period, calendar)
    context = ministry_context(dept, found, references_of(dept, references),
                               day=clock.now().date())
    with tempfile.TemporaryDirectory(prefix="eti-ministry-") as tmp:
        template = ministry_template().save(Path(tmp) / TEMPLATE)
        return produce(
            dept, ledger, kind=DOCUMENT_KIND,
            template=str(template),  # an absolute path: template_for takes it as it is
            context=context, folder=dept.outbox / FOLDER,
            stem=f"تقرير-ربعي-المديريات-{period.slug}", clock=clock, timeout=timeout,
        )
