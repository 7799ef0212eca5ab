"""The department's annual plan (QF12-1): targets set against what the registers show.

Each line names a process, an activity, one of the indicators the processes
provide (:class:`~automation.processes.definition.Indicator`), a target and a
quarter. A line is measured over its plan's year and its quarter (docs/FIGURES.md):
«السنة» is a calendar year (its quarters follow ``quarter_start_month``) or a school
year (its quarters counted from ``school_year_start_month``); «طوال العام» lines
over the whole plan year, or from its start to the end of a period inside it.

A free line names an indicator the product does not compute: its achieved value is the
one staff typed in «المنجز (يدوي)», marked «يدوي» wherever it is shown. A value typed
there for a computed indicator is not used: the line carries a warning naming the
computed value instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from automation.catalog.forms import CATALOG
from automation.core.periods import Calendar, Period, date_range
from automation.processes.definition import Block, ProcessDef, SummaryContext, figure_cell
from automation.processes.figures import (
    Figure,
    Number,
    RowSource,
    as_int,
    ratio_pct,
    text_of,
)
from automation.text.arabic import normalize_name
from automation.text.dates import parse_year

PLAN_FORM = "QF12-1"
QUARTERS = CATALOG.form(PLAN_FORM).field("quarter").choices
ALL_YEAR = QUARTERS[4]
_PROCESS_CODES = {p.title_ar: p.code for p in CATALOG.processes}
_PROCESS_ORDER = {p.code: i for i, p in enumerate(CATALOG.processes)}
MANUAL_AR = "يدوي"
"""The mark beside an achieved value staff typed by hand (a free line's)."""


@dataclass(frozen=True)
class PlanLine:
    """One QF12-1 line with what the registers show achieved over ``period``.

    ``process`` is the process code (``"P1"``), ``process_ar`` its title as written in
    the plan; ``achieved`` is None where the indicator has nothing to measure (a mean
    over nothing) or is not one the product computes and nothing was typed for it;
    ``pct`` is None then, and when the target is 0. ``manual`` marks an achieved value
    typed by hand (a free line's «المنجز (يدوي)»); ``warning`` (Arabic) says a value typed
    there for a computed indicator was set aside, naming the computed value.
    """

    year: str
    process: str
    goal: str
    activity: str
    indicator: str
    target: int
    quarter: str
    responsible: str
    achieved: Number | None
    pct: Decimal | None
    period: Period
    process_ar: str = ""
    manual: bool = False
    warning: str = ""

    @property
    def kind(self) -> str:
        from automation.processes import indicator_kind

        return indicator_kind(self.indicator)

    @property
    def achieved_text(self) -> str:
        text = Figure(self.indicator, self.kind, self.achieved).text  # type: ignore[arg-type]
        return f"{text} ({MANUAL_AR})" if self.manual else text

    def as_json(self) -> dict[str, object]:
        return {
            "year": self.year, "process": self.process, "activity": self.activity,
            "indicator": self.indicator, "quarter": self.quarter, "target": self.target,
            "achieved": Figure(self.indicator, "flow", self.achieved).json_value,
            "pct": None if self.pct is None else float(self.pct),
            "manual": self.manual, "warning": self.warning or None,
        }


def plan_year(text: object, calendar: Calendar) -> Period | None:
    """The span of a plan's «السنة»: ``2026`` or ``2025/2026``; None when unreadable."""
    try:
        year = parse_year(str(text or ""))
    except ValueError:
        return None
    first = int(year[:4])
    return calendar.school_year(first) if "/" in year else calendar.year(first)


def line_span(year_text: object, quarter_ar: str, calendar: Calendar) -> Period | None:
    """What a line is measured over at most: its plan year's quarter, or the whole year."""
    whole = plan_year(year_text, calendar)
    if whole is None or quarter_ar not in QUARTERS:
        return None
    if quarter_ar == ALL_YEAR:
        return whole
    number = QUARTERS.index(quarter_ar) + 1
    first = whole.start.year
    if "/" in parse_year(str(year_text)):
        return calendar.school_quarter(first, number)
    return calendar.quarter(int(parse_year(str(year_text))), number)


def _measured(span: Period, quarter_ar: str, period: Period | None) -> Period | None:
    """The part of a line's span a period asks for: the whole span when it lies inside
    the period; for an all-year line the span up to the period's end when the period
    starts inside it; otherwise None (the line does not cover the period)."""
    if period is None or (period.start <= span.start and span.end <= period.end):
        return span
    if quarter_ar == ALL_YEAR and span.start <= period.start <= span.end:
        return date_range(span.start, min(period.end, span.end))
    return None


def plan_lines(
    src: RowSource, period: Period | None, calendar: Calendar, references: object = None,
) -> list[PlanLine]:
    """The current QF12-1 lines that cover ``period`` (every line when None), each with
    its target, achieved and percentage, in process and quarter order."""
    lines: list[tuple[tuple[int, int, int], PlanLine]] = []
    for row in src.rows(PLAN_FORM):
        quarter_ar = text_of(row, "quarter")
        span = line_span(row.data.get("year"), quarter_ar, calendar)
        measured = _measured(span, quarter_ar, period) if span is not None else None
        if measured is None:
            continue
        indicator = computed_name(text_of(row, "indicator"))
        achieved, manual, warning = _achieved(
            src, indicator, row.data.get("manual_achieved"), measured, references)
        target = as_int(row.data.get("target"))
        process_ar = text_of(row, "process")
        code = _PROCESS_CODES.get(process_ar, process_ar)
        line = PlanLine(
            year=text_of(row, "year"), process=code, goal=text_of(row, "goal"),
            activity=text_of(row, "activity"), indicator=indicator, target=target,
            quarter=quarter_ar, responsible=text_of(row, "responsible"), achieved=achieved,
            pct=None if achieved is None else ratio_pct(achieved, target), period=measured,
            process_ar=process_ar, manual=manual, warning=warning,
        )
        lines.append(((_PROCESS_ORDER.get(code, 99), QUARTERS.index(quarter_ar), row.id), line))
    return [line for _, line in sorted(lines, key=lambda item: item[0])]


def computed_name(indicator: str) -> str:
    """The computed indicator ``indicator`` names, spelled as the list spells it (a line
    typed by hand may differ in alef forms or spaces); the text itself for a free line."""
    from automation.processes import INDICATORS

    folded = normalize_name(indicator)
    return next((name for name in INDICATORS if normalize_name(name) == folded), indicator)


def _achieved(
    src: RowSource, indicator: str, typed: object, measured: Period, references: object,
) -> tuple[Number | None, bool, str]:
    """(achieved, typed by hand, warning) of one line: a computed indicator's value (a
    value typed for it set aside with a warning), or a free line's typed value."""
    from automation.processes import INDICATORS, indicator_value

    manual = None if typed in (None, "") else as_int(typed)
    if indicator not in INDICATORS:
        return manual, manual is not None, ""
    achieved = indicator_value(src, indicator, measured, references)
    if manual is None:
        return achieved, False, ""
    shown = Figure(indicator, INDICATORS[indicator][1].kind, achieved).text  # type: ignore[arg-type]
    return achieved, False, (
        f"المؤشر «{indicator}» يُحسب من السجلات (المنجز المحسوب: {shown})؛ "
        f"القيمة المكتوبة في «المنجز (يدوي)» ({manual}) لم تُستخدم."
    )


def current_lines(src: RowSource, ctx: SummaryContext) -> list[PlanLine]:
    """The lines of every plan whose year holds the day the register is written."""
    return [
        line for line in plan_lines(src, None, ctx.calendar, ctx.references)
        if (whole := plan_year(line.year, ctx.calendar)) is not None and ctx.today in whole
    ]


def plan_block(ctx: SummaryContext, process: str | None) -> Block:
    """The plan's lines (of one process, or all) with target and achieved."""
    rows: list[list[object]] = [
        [ln.process_ar or ln.process, ln.goal, ln.activity, ln.indicator, ln.year, ln.quarter,
         ln.target,
         ln.achieved_text if ln.manual
         else figure_cell(Figure(ln.indicator, ln.kind, ln.achieved)),  # type: ignore[arg-type]
         (ln.pct, "pct"), ln.responsible]
        for ln in current_lines(ctx.src, ctx)
        if process is None or ln.process == process
    ]
    return Block("الخطة السنوية: المستهدف والمنجز",
                 ["العملية", "الهدف", "النشاط", "مؤشر الأداء", "السنة", "الربع", "المستهدف",
                  "المنجز", "نسبة الإنجاز (%)", "المسؤول"], rows,
                 ["text", "text", "text", "text", "text", "text", "int", "text", "pct", "text"])


def summary(ctx: SummaryContext) -> list[Block]:
    from automation.processes import INDICATORS, indicator_value

    year = ctx.today.year
    periods = [ctx.calendar.quarter(year, q) for q in (1, 2, 3, 4)] + [ctx.calendar.year(year)]
    rows = []
    for name, (_, indicator) in INDICATORS.items():
        values = [indicator_value(ctx.src, name, p, ctx.references) for p in periods]
        rows.append([name, *(figure_cell(Figure(name, indicator.kind, v)) for v in values)])
    return [Block(f"المؤشرات لعام {year}",
                  ["مؤشر الأداء", *(f"الربع {q}" for q in QUARTERS[:4]), "السنة"], rows,
                  ["text"] * 6), plan_block(ctx, None)]


def _no_figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    return []  # the plan has no figures of its own: its summary shows every indicator


PROCESS = ProcessDef(code="PLAN", forms=(PLAN_FORM,), figures=_no_figures, summary=summary)
"""The PLAN register: its sheets are the plan's, its summary every indicator."""
