"""P7 — follow-up of activating all functions of the educational information systems
(QP-70-2 §5.2/7).

Inputs: the annual plan (QF12-1) and QRC's action plan. Output: reports of visit
results and achievement percentages (EMIS-ACTIVATION). A school visited twice in
a period counts once, at its latest visit: its functions followed, activated and
the mean completion are those of that visit (docs/FIGURES.md).
"""

from __future__ import annotations

from collections import defaultdict

from automation.core.periods import Period
from automation.ledger.store import LedgerRow
from automation.processes import p03_fibre, plan
from automation.processes.definition import Block, Indicator, ProcessDef, SummaryContext
from automation.processes.figures import (
    Figure,
    RowSource,
    as_decimal,
    mean,
    rows_in,
    school_key,
    subject_of,
)

VISITS = "EMIS-ACTIVATION"

MEAN_COMPLETION = "متوسط نسبة الإنجاز"


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


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    latest = latest_visits(src, period)
    functions = [r for visit in latest for r in visit]
    return [
        Figure("زيارات المتابعة", "flow", len(visits(src, period))),
        Figure("المدارس التي تمت زيارتها", "distinct", len(latest)),
        Figure("الوظائف المتابعة", "distinct", len(functions)),
        Figure("الوظائف المفعلة", "distinct",
               sum(1 for r in functions if r.data.get("activated") is True)),
        Figure(MEAN_COMPLETION, "mean", completion(functions)),  # type: ignore[arg-type]
        p03_fibre.visit_figure(src, period, p03_fibre.SYSTEMS),
    ]


def summary(ctx: SummaryContext) -> list[Block]:
    rows = [
        [subject_of(v[0]), len(v), sum(1 for r in v if r.data.get("activated") is True),
         (completion(v), "pct")]
        for v in latest_visits(ctx.src, None)
    ]
    return [Block("التفعيل ونسب الإنجاز حسب المدرسة (آخر زيارة)",
                  ["المدرسة", "الوظائف", "المفعلة", "متوسط نسبة الإنجاز (%)"], rows),
            plan.plan_block(ctx, "P7")]


PROCESS = ProcessDef(
    code="P7",
    forms=(VISITS,),
    shown={p03_fibre.VISIT: p03_fibre.purpose_is(p03_fibre.SYSTEMS)},
    reads=(plan.PLAN_FORM,),
    figures=figures,
    indicators=(Indicator("متوسط نسبة تفعيل الوظائف", MEAN_COMPLETION, "mean", (VISITS,)),),
    summary=summary,
)
