"""P10 — learning resources: computer and science labs, multipurpose rooms, libraries,
the production of educational aids, science fairs (QP-70-2 §5.2/10).

Inputs: letters and memos, the QF70-2 forms and field visits to schools. Outputs:
official correspondence and visit reports (sent on to QRC).

A field visit is one school on one day (docs/FIGURES.md): a programme line marked
executed (QF70-2-1), a visit report (QF70-2-9, -17, -40) and a field visit report
(QF75-13) whose purpose is learning resources, of the same school and day, are
one visit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from automation.catalog.forms import CATALOG
from automation.core.periods import Period
from automation.ledger.store import LedgerRow
from automation.processes import p03_fibre
from automation.processes.definition import (
    Block,
    Indicator,
    ProcessDef,
    SummaryContext,
    with_total,
)
from automation.processes.figures import (
    FieldVisit,
    Figure,
    RowSource,
    as_int,
    distinct_visits,
    field_date,
    rows_in,
    subject_of,
)

PROGRAMME = "QF70-2-1"
LIBRARY = "QF70-2-3"
TAPES = "QF70-2-8"
LIBRARY_VISIT = "QF70-2-9"
LAB_VISIT = "QF70-2-17"
LAB_PLAN = "QF70-2-18"
LAB_STATS = "QF70-2-19"
LAB_MONTHLY = "QF70-2-22"
LAB_DAILY = "QF70-2-27"
LAB_YEAR = "QF70-2-28"
AIDS_VISIT = "QF70-2-40"
AIDS = "QF70-2-43"
VISIT_REPORTS = {LIBRARY_VISIT: "officer", LAB_VISIT: "visitor", AIDS_VISIT: "visitor"}
"""Visit reports of this process and the field naming who visited."""
PLANNED, EXECUTED, POSTPONED, CANCELLED = CATALOG.form(PROGRAMME).field("status").choices

VISITS = "الزيارات الميدانية المنفذة"


def field_visits(src: RowSource, period: Period | None) -> list[FieldVisit]:
    """The field visits of learning resources made in the period, one per school and day."""
    found = [
        FieldVisit(subject_of(r), day, PROGRAMME, r.submission_id, str(r.data.get("visitor") or ""))
        for r in rows_in(src, PROGRAMME, "actual_date", period, status=EXECUTED)
        if (day := field_date(r, "actual_date")) is not None
    ]
    for form, visitor in VISIT_REPORTS.items():
        found += [
            FieldVisit(subject_of(r), day, form, r.submission_id, str(r.data.get(visitor) or ""))
            for r in rows_in(src, form, "visit_date", period)
            if (day := field_date(r, "visit_date")) is not None
        ]
    found += p03_fibre.site_visits(src, period, p03_fibre.LEARNING)
    return distinct_visits(found)


def _reports(src: RowSource, form: str, period: Period) -> int:
    return len({r.submission_id for r in rows_in(src, form, "visit_date", period)})


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    library = rows_in(src, LIBRARY, "month", period)
    labs = rows_in(src, LAB_MONTHLY, "month", period)
    return [
        Figure(VISITS, "flow", len(field_visits(src, period))),
        Figure("التقارير الشهرية للمكتبات", "flow", len(library)),
        Figure("زيارات مسؤول المكتبات", "flow", _reports(src, LIBRARY_VISIT, period)),
        Figure("زيارات المختبرات", "flow", _reports(src, LAB_VISIT, period)),
        Figure("زيارات متابعة الوسائل التعليمية", "flow", _reports(src, AIDS_VISIT, period)),
        Figure("الزيارات المنفذة من البرنامج", "flow",
               len(rows_in(src, PROGRAMME, "actual_date", period, status=EXECUTED))),
        Figure("إعارات المكتبات (طلبة ومعلمون)", "flow", sum(
            as_int(r.data.get("loans_students")) + as_int(r.data.get("loans_teachers"))
            for r in library)),
        Figure("إعارات الأشرطة والوسائل", "flow", len(rows_in(src, TAPES, "loan_date", period))),
        Figure("الوسائل التعليمية المنتجة", "flow", len(rows_in(src, AIDS, "date", period))),
        Figure("التجارب المخبرية المخططة", "flow",
               sum(as_int(r.data.get("planned")) for r in labs)),
        Figure("التجارب المخبرية المنفذة", "flow",
               sum(as_int(r.data.get("executed")) for r in labs)),
    ]


def summary(ctx: SummaryContext) -> list[Block]:
    def per_school(form: str, value: Callable[[LedgerRow], int] | None = None,
                   distinct: bool = False) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        seen: set[int] = set()
        for r in ctx.fed.get(form, []):
            if distinct and r.submission_id in seen:
                continue
            seen.add(r.submission_id)
            out[subject_of(r)] += value(r) if value else 1
        return out

    visits: dict[str, int] = defaultdict(int)
    for visit in field_visits(ctx.src, None):
        visits[visit.school] += 1
    columns = {
        "الزيارات الميدانية المنفذة": visits,
        "تقارير المكتبة الشهرية": per_school(LIBRARY),
        "إعارات المكتبة": per_school(
            LIBRARY, lambda r: as_int(r.data.get("loans_students"))
            + as_int(r.data.get("loans_teachers"))),
        "زيارات مسؤول المكتبات": per_school(LIBRARY_VISIT, distinct=True),
        "زيارات المختبرات": per_school(LAB_VISIT, distinct=True),
        "زيارات الوسائل": per_school(AIDS_VISIT, distinct=True),
        "عدد المختبرات": per_school(LAB_STATS, lambda r: as_int(r.data.get("count"))),
        "الوسائل المنتجة": per_school(AIDS),
    }
    schools = sorted({s for counts in columns.values() for s in counts})
    rows = with_total([[s, *(c.get(s, 0) for c in columns.values())] for s in schools])
    return [Block("أرقام المدارس", ["المدرسة", *columns], rows, total=True)]


PROCESS = ProcessDef(
    code="P10",
    forms=(PROGRAMME, LIBRARY, TAPES, LIBRARY_VISIT, LAB_VISIT, LAB_PLAN, LAB_STATS,
           LAB_MONTHLY, LAB_DAILY, LAB_YEAR, AIDS_VISIT, AIDS),
    shown={p03_fibre.VISIT: p03_fibre.purpose_is(p03_fibre.LEARNING)},
    figures=figures,
    indicators=(Indicator("عدد الزيارات الميدانية المنفذة", VISITS, "flow",
                          (PROGRAMME, LIBRARY_VISIT, LAB_VISIT, AIDS_VISIT, p03_fibre.VISIT)),),
    summary=summary,
)
