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

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from automation.catalog.forms import CATALOG
from automation.core.periods import Calendar, Period, date_range
from automation.processes.definition import (
    Block,
    DerivedList,
    ProcessDef,
    SummaryContext,
    figure_cell,
)
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
TYPED_AR = "المكتوب يدوياً {typed} لم يُستخدم"
"""The note beside a computed value when staff typed another (the line's warning)."""


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
    typed: int | None = None
    """The value typed in «المنجز (يدوي)» for a computed indicator (set aside: ``warning``)."""

    @property
    def kind(self) -> str:
        from automation.processes import indicator_kind

        return indicator_kind(self.indicator)

    @property
    def target_text(self) -> str:
        """The target as printed: with «%» where the indicator is a percentage, like the
        achieved value beside it."""
        return Figure(self.indicator, self.kind, self.target).text  # type: ignore[arg-type]

    @property
    def achieved_text(self) -> str:
        """The achieved value as printed: marked «يدوي» when typed by hand; for a computed
        indicator with a value typed beside it, that value named as set aside."""
        text = Figure(self.indicator, self.kind, self.achieved).text  # type: ignore[arg-type]
        if self.manual:
            return f"{text} ({MANUAL_AR})"
        if self.warning and self.typed is not None:
            return f"{text} ({TYPED_AR.format(typed=self.typed)})"
        return text

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
    the period; when the two overlap otherwise (an all-year line and a quarter inside its
    year, a school-year quarter and each calendar quarter it overlaps), the span from its
    start up to the period's end; otherwise None (the line does not cover the period)."""
    if period is None or (period.start <= span.start and span.end <= period.end):
        return span
    if span.start <= period.end and period.start <= span.end:
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
        typed = row.data.get("manual_achieved")
        achieved, manual, warning = _achieved(src, indicator, typed, measured, references)
        target = as_int(row.data.get("target"))
        process_ar = text_of(row, "process")
        code = _PROCESS_CODES.get(process_ar, process_ar)
        line = PlanLine(
            year=text_of(row, "year"), process=code, goal=text_of(row, "goal"),
            activity=text_of(row, "activity"), indicator=indicator, target=target,
            quarter=quarter_ar, responsible=text_of(row, "responsible"), achieved=achieved,
            pct=None if achieved is None else ratio_pct(achieved, target), period=measured,
            process_ar=process_ar, manual=manual, warning=warning,
            typed=as_int(typed) if warning else None,
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
    """The lines of every plan whose year has not ended on the day the register is written
    (a school year's plan stays until its August is over; next year's, made early, shows)."""
    return [
        line for line in plan_lines(src, None, ctx.calendar, ctx.references)
        if (whole := plan_year(line.year, ctx.calendar)) is not None and ctx.today <= whole.end
    ]


def previous_lines(src: RowSource, ctx: SummaryContext) -> list[PlanLine]:
    """The lines of the plans whose year ended in the year before the day the register is
    written (the previous year's plan, on a sheet of its own: :data:`PREVIOUS_YEAR`); of
    two such years (the day after a year ended, the one before it too), the later."""
    year_ago = ctx.today - dt.timedelta(days=366)
    ended = [
        (whole.end, line) for line in plan_lines(src, None, ctx.calendar, ctx.references)
        if (whole := plan_year(line.year, ctx.calendar)) is not None
        and year_ago <= whole.end < ctx.today
    ]
    latest = max((end for end, _ in ended), default=None)
    return [line for end, line in ended if end == latest]


LINE_COLUMNS = (
    ("العملية", "process", "text"), ("الهدف", "goal", "text"), ("النشاط", "activity", "text"),
    ("مؤشر الأداء", "indicator", "text"), ("السنة", "year", "text"),
    ("الربع", "quarter", "text"), ("المستهدف", "target", "text"),
    ("المنجز", "achieved", "text"), ("نسبة الإنجاز (%)", "pct", "pct"),
    ("المسؤول", "responsible", "text"), ("ملاحظة", "warning", "text"),
)
"""A plan line's columns wherever a register lists lines: (label, key, cell kind)."""
PREVIOUS_YEAR = "خطة العام السابق"
"""The PLAN register's sheet of the plans whose year ended in the year before it was
written (:func:`previous_lines`)."""


def _line_cells(ln: PlanLine) -> list[object]:
    """One line as a register prints it, in :data:`LINE_COLUMNS`' order: its target and
    achieved as figures (typed numbers, «—» where none), the note on a value typed."""
    return [
        ln.process_ar or ln.process, ln.goal, ln.activity, ln.indicator, ln.year, ln.quarter,
        figure_cell(Figure(ln.indicator, ln.kind, ln.target)),  # type: ignore[arg-type]
        ln.achieved_text if ln.manual
        else figure_cell(Figure(ln.indicator, ln.kind, ln.achieved)),  # type: ignore[arg-type]
        (ln.pct, "pct"), ln.responsible, ln.warning]


def shared_indicators(lines: list[PlanLine]) -> set[str]:
    """The indicators more than one of ``lines`` names (a chart tells them apart by their
    quarter)."""
    seen: set[str] = set()
    shared: set[str] = set()
    for ln in lines:
        (shared if ln.indicator in seen else seen).add(ln.indicator)
    return shared


def plan_block(ctx: SummaryContext, process: str | None,
               lines: list[PlanLine] | None = None,
               title: str = "الخطة السنوية: المستهدف والمنجز") -> Block:
    """The plan's lines (of one process, or all; the current plans' unless ``lines``)
    with target and achieved, and beside each the note on a value typed by hand."""
    rows: list[list[object]] = [
        _line_cells(ln) for ln in (current_lines(ctx.src, ctx) if lines is None else lines)
        if process is None or ln.process == process
    ]
    return Block(title, [label for label, _, _ in LINE_COLUMNS], rows,
                 [kind for _, _, kind in LINE_COLUMNS])


def previous_year(ctx: SummaryContext) -> list[dict[str, object]]:
    """The rows of the :data:`PREVIOUS_YEAR` sheet on the day the register is written."""
    keys = [key for _, key, _ in LINE_COLUMNS]
    return [dict(zip(keys, _line_cells(ln), strict=True))
            for ln in previous_lines(ctx.src, ctx)]


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


PROCESS = ProcessDef(code="PLAN", forms=(PLAN_FORM,), figures=_no_figures, summary=summary,
                     derived=(DerivedList(PREVIOUS_YEAR, None, LINE_COLUMNS,
                                          on_day=previous_year),))
"""The PLAN register: its sheets are the plan's, its summary every indicator and the
current plans' lines; the previous year's plan, while there is one, on a sheet of its
own."""
