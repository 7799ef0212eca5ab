"""P7 — follow-up of activating all functions of the educational information systems
(QP-70-2 §5.2/7).

Inputs: the annual plan (QF12-1) and QRC's action plan (QRC-PLAN: per system and
function, the share of schools to activate it by a date). Output: reports of visit
results and achievement percentages (EMIS-ACTIVATION). A school visited twice in
a period counts once, at its latest visit: its functions followed, activated and
the mean completion are those of that visit (docs/FIGURES.md).

QRC's targets are measured at the period's end: a function's achieved share is the
schools whose latest activation visit up to then found it activated, over the
directorate's schools (the schools reference list; without one, over the schools
followed by then).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from automation.core.periods import DEFAULT_CALENDAR, Period, date_range
from automation.ledger.store import LedgerRow
from automation.processes import p03_fibre, plan
from automation.processes.definition import Block, Indicator, ProcessDef, SummaryContext, Table
from automation.processes.figures import (
    Figure,
    RowSource,
    as_decimal,
    field_date,
    mean,
    ratio_pct,
    rows_in,
    rows_until,
    school_key,
    subject_of,
    text_of,
)
from automation.text.arabic import normalize_name

VISITS = "EMIS-ACTIVATION"
QRC_PLAN = "QRC-PLAN"

MEAN_COMPLETION = "متوسط نسبة الإنجاز"
QRC_LINES = "أهداف خطة مركز الملكة رانيا"
QRC_SHARE = "نسبة تحقق أهداف خطة المركز"
MET, NOT_YET, OVERDUE = "متحقق", "لم يتحقق بعد", "متأخر عن موعده"


def visits(src: RowSource, period: Period | None) -> list[list[LedgerRow]]:
    """Activation visits dated in the period (the rows of each), oldest first."""
    by_visit: dict[int, list[LedgerRow]] = defaultdict(list)
    for r in rows_in(src, VISITS, "visit_date", period):
        by_visit[r.submission_id].append(r)
    return sorted(by_visit.values(),
                  key=lambda v: (str(v[0].data.get("visit_date") or ""), v[0].submission_id))


def latest_visits(src: RowSource, period: Period | None) -> list[list[LedgerRow]]:
    """Each school's latest visit in the period (one per school), by school."""
    latest: dict[str, list[LedgerRow]] = {}
    for visit in visits(src, period):
        latest[school_key(subject_of(visit[0]))] = visit
    return sorted(latest.values(), key=lambda v: subject_of(v[0]))


def completion(rows: list[LedgerRow]) -> object:
    """The mean completion % of rows (functions); None over none."""
    return mean(as_decimal(r.data.get("completion")) for r in rows)


@dataclass(frozen=True)
class SchoolResult:
    """A school's latest activation visit of a period: the functions it followed, those
    found activated and their mean completion %."""

    school: str
    visit_date: object
    visitor: str
    functions: int
    activated: int
    completion: Decimal | None


def school_results(src: RowSource, period: Period | None) -> list[SchoolResult]:
    """Each school's latest visit in the period, in order of the visits (date, then filing)."""
    latest = sorted(latest_visits(src, period),
                    key=lambda v: (str(v[0].data.get("visit_date")), v[0].submission_id))
    return [
        SchoolResult(subject_of(v[0]), v[0].data.get("visit_date"), text_of(v[0], "visitor"),
                     len(v), sum(1 for r in v if r.data.get("activated") is True),
                     completion(v))  # type: ignore[arg-type]
        for v in latest
    ]


@dataclass(frozen=True)
class FunctionResult:
    """A function followed at the schools' latest visits of a period: the schools that
    followed it, those that had it activated, and its mean completion %."""

    function: str
    schools: int
    activated: int
    completion: Decimal | None


def function_results(src: RowSource, period: Period | None) -> list[FunctionResult]:
    """Each function (as typed) of the schools' latest visits in the period, by name."""
    functions: dict[str, list[LedgerRow]] = defaultdict(list)
    for visit in latest_visits(src, period):
        for r in visit:
            functions[text_of(r, "function")].append(r)
    return [
        FunctionResult(name, len({subject_of(r) for r in rows}),
                       len({subject_of(r) for r in rows if r.data.get("activated") is True}),
                       completion(rows))  # type: ignore[arg-type]
        for name, rows in sorted(functions.items())
    ]


SCHOOLS = Table("p7.school_results", "نتائج آخر زيارة لكل مدرسة", school_results)
FUNCTIONS = Table("p7.function_results", "الوظائف في آخر زيارات المدارس", function_results)


# -- QRC's action plan --------------------------------------------------------------------


@dataclass(frozen=True)
class QrcTarget:
    """A line of QRC's action plan, with the share of schools achieved at a day."""

    year: str
    system: str
    function: str
    target_pct: Decimal
    by_date: dt.date | None
    activated: int
    schools: int
    day: dt.date | None

    @property
    def achieved_pct(self) -> Decimal | None:
        return ratio_pct(self.activated, self.schools)

    @property
    def met(self) -> bool:
        achieved = self.achieved_pct
        return achieved is not None and achieved >= self.target_pct

    @property
    def overdue(self) -> bool:
        """Not met although its date has passed (at the day it is measured)."""
        return (not self.met and self.by_date is not None and self.day is not None
                and self.by_date <= self.day)

    @property
    def status(self) -> str:
        if self.met:
            return MET
        return OVERDUE if self.overdue else NOT_YET


def activated_at(src: RowSource, day: dt.date | None) -> tuple[dict[str, set[str]], int]:
    """The schools each function (normalized) was activated in at their latest visit up to
    ``day`` (all time when None), and how many schools were followed by then."""
    latest: dict[str, list[LedgerRow]] = {}
    by_visit: dict[int, list[LedgerRow]] = defaultdict(list)
    period = None if day is None else date_range(dt.date.min, day)
    for r in rows_until(src, VISITS, "visit_date", period):
        by_visit[r.submission_id].append(r)
    for rows in sorted(by_visit.values(), key=lambda v: (text_of(v[0], "visit_date"),
                                                           v[0].submission_id)):
        latest[school_key(subject_of(rows[0]))] = rows
    found: dict[str, set[str]] = defaultdict(set)
    for school, rows in latest.items():
        for r in rows:
            if r.data.get("activated") is True:
                found[normalize_name(r.data.get("function"))].add(school)
    return found, len(latest)


def qrc_plans(src: RowSource, day: dt.date | None) -> list[LedgerRow]:
    """The lines of QRC's plans whose year holds ``day`` (every plan's when None)."""
    out = []
    for r in src.rows(QRC_PLAN):
        span = plan.plan_year(r.data.get("year"), DEFAULT_CALENDAR)
        if day is None or (span is not None and span.start <= day <= span.end):
            out.append(r)
    return out


def qrc_targets(src: RowSource, day: dt.date | None, references: object) -> list[QrcTarget]:
    """Each line of QRC's plans whose year holds ``day`` (a period's end), measured then:
    the schools with the function activated over the directorate's schools."""
    found, followed = activated_at(src, day)
    listed = getattr(references, "schools", None) or []
    schools = len(listed) or followed
    targets = [
        QrcTarget(text_of(r, "year"), text_of(r, "system"), text_of(r, "function"),
                  as_decimal(r.data.get("target_pct")) or Decimal(0), field_date(r, "by_date"),
                  len(found.get(normalize_name(r.data.get("function")), ())), schools, day)
        for r in qrc_plans(src, day)
    ]
    return sorted(targets, key=lambda t: (t.year, t.by_date or dt.date.max, t.system,
                                          t.function))


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    latest = latest_visits(src, period)
    functions = [r for visit in latest for r in visit]
    targets = qrc_targets(src, period.end, references)
    met = sum(1 for t in targets if t.met)
    return [
        Figure.keyed("p7.visits", "زيارات المتابعة", "flow", len(visits(src, period))),
        Figure.keyed("p7.schools_visited", "المدارس التي تمت زيارتها", "distinct", len(latest)),
        Figure.keyed("p7.functions_followed", "الوظائف المتابعة", "distinct", len(functions)),
        Figure.keyed("p7.functions_activated", "الوظائف المفعلة", "distinct",
               sum(1 for r in functions if r.data.get("activated") is True)),
        Figure.keyed("p7.mean_completion", MEAN_COMPLETION, "mean",
            completion(functions)),  # type: ignore[arg-type]
        p03_fibre.visit_figure(src, period, p03_fibre.SYSTEMS),
        Figure.keyed("p7.qrc_lines", QRC_LINES, "stock", len(targets)),
        Figure.keyed("p7.qrc_lines_met", "أهداف خطة المركز المتحققة", "stock", met),
        Figure.keyed("p7.qrc_plan_pct", QRC_SHARE, "ratio", ratio_pct(met, len(targets))),
    ]


def qrc_block(ctx: SummaryContext) -> Block:
    """QRC's plans of the year being written, each line measured on the day it is."""
    rows: list[list[object]] = [
        [t.year, t.system, t.function, (t.target_pct, "pct"), t.by_date, t.activated,
         t.schools, (t.achieved_pct, "pct"), t.status]
        for t in qrc_targets(ctx.src, ctx.today, ctx.references)
    ]
    return Block("خطة عمل مركز الملكة رانيا: المستهدف والمنجز",
                 ["السنة", "النظام", "الوظيفة", "النسبة المستهدفة (%)", "الموعد",
                  "المدارس المفعلة", "عدد المدارس", "النسبة المنجزة (%)", "الحالة"],
                 rows, ["text", "text", "text", "pct", "date", "int", "int", "pct", "text"],
                 note="النسبة المنجزة = المدارس التي وُجدت الوظيفة مفعلة فيها في آخر زيارة "
                      "÷ مدارس المديرية (قائمة المدارس)")


def summary(ctx: SummaryContext) -> list[Block]:
    rows = [
        [subject_of(v[0]), len(v), sum(1 for r in v if r.data.get("activated") is True),
         (completion(v), "pct")]
        for v in latest_visits(ctx.src, None)
    ]
    return [Block("التفعيل ونسب الإنجاز حسب المدرسة (آخر زيارة)",
                  ["المدرسة", "الوظائف", "المفعلة", "متوسط نسبة الإنجاز (%)"], rows),
            qrc_block(ctx), plan.plan_block(ctx, "P7")]


PROCESS = ProcessDef(
    code="P7",
    forms=(VISITS, QRC_PLAN),
    shown={p03_fibre.VISIT: p03_fibre.purpose_is(p03_fibre.SYSTEMS)},
    reads=(plan.PLAN_FORM,),
    figures=figures,
    indicators=(Indicator("متوسط نسبة تفعيل الوظائف", "p7.mean_completion", "mean", (VISITS,)),),
    summary=summary,
    tables=(SCHOOLS, FUNCTIONS),
)
