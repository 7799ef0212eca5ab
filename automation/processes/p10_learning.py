"""P10 — learning resources: computer and science labs, multipurpose rooms, libraries,
the production of educational aids, science fairs (QP-70-2 §5.2/10).

Inputs: letters and memos, the QF70-2 forms and field visits to schools, the
science fairs held (SCIENCE-FAIR) and the multipurpose rooms (MP-ROOMS); the
educational devices' maintenance requests (QF70-2-7, P1) and the surplus/shortage
lists (QF70-2-12, P4) show in this register too. Outputs: official correspondence and
visit reports (sent on to QRC).

A field visit is one school on one day (docs/FIGURES.md): a programme line marked
executed (QF70-2-1), a visit report (QF70-2-9, -17, -40) and a field visit report
(QF75-13) whose purpose is learning resources, of the same school and day, are
one visit. A science fair is one filled SCIENCE-FAIR form (a school and a day); a
multipurpose room is in use when its school's latest list by a period's end (the list
of the latest school year begun by then) marks it available and used at least once a
week.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from automation.catalog.forms import CATALOG
from automation.core.periods import Period
from automation.ledger.store import LedgerRow
from automation.processes import collection, p01_maintenance, p03_fibre, p04_projects
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
    quantity,
    record_of,
    rows_in,
    school_key,
    subject_of,
    submissions,
    up_to,
)
from automation.text.dates import year_span

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
FAIRS = "SCIENCE-FAIR"
ROOMS = "MP-ROOMS"
EDU_REQUEST = p01_maintenance.EDU_REQUEST
"""Educational devices' maintenance requests (P1's form, shown here too)."""
NEEDS_LIST = p04_projects.LIST
"""The surplus/shortage devices lists (P4's form, shown here too)."""
VISIT_REPORTS = {LIBRARY_VISIT: "officer", LAB_VISIT: "visitor", AIDS_VISIT: "visitor"}
"""Visit reports of this process and the field naming who visited."""
PLANNED, EXECUTED, POSTPONED, CANCELLED = CATALOG.form(PROGRAMME).field("status").choices

VISITS = "الزيارات الميدانية المنفذة"
FAIRS_HELD = "المعارض العلمية المنفذة"


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


def _school_year_start(value: object) -> dt.date | None:
    try:
        return year_span(str(value or ""))[0]
    except ValueError:
        return None


ROOM = record_of("school", "year", "room")
"""One room across the copies of its school's list: the school, the school year, the room."""


def _room_lists(src: RowSource, day: dt.date | None = None,
                ) -> dict[str, list[tuple[dt.date, int, list[LedgerRow]]]]:
    """Each school's MP-ROOMS lists as they stood at the end of ``day`` (docs/FIGURES.md,
    "as of the period's end"; as they stand when None), oldest school year first: (its first
    day, submission, rows); read once per source and day."""
    memo = src.memo.get(("p10-rooms", day))
    if memo is None:
        starts: dict[object, dt.date | None] = {}
        by_list: dict[int, list[LedgerRow]] = defaultdict(list)
        for r in src.rows_as_of(ROOMS, day, ROOM):
            by_list[r.submission_id].append(r)
        memo = defaultdict(list)
        for sub, rows in by_list.items():
            year = rows[0].data.get("year")
            if year not in starts:
                starts[year] = _school_year_start(year)
            memo[school_key(subject_of(rows[0]))].append(  # type: ignore[union-attr]
                (starts[year] or dt.date.min, sub, rows))
        for lists in memo.values():  # type: ignore[union-attr]
            lists.sort(key=lambda e: (e[0], e[1]))
        src.memo[("p10-rooms", day)] = memo
    return memo  # type: ignore[return-value]


def latest_rooms(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """The rooms of each school's latest MP-ROOMS list by the period's end: the list of
    the latest school year begun by then (all time when None)."""
    out: list[LedgerRow] = []
    for lists in _room_lists(src, period.end if period else None).values():
        begun = [rows for start, _, rows in lists if up_to(period, start)]
        if begun:
            out += begun[-1]
    return out


def room_in_use(row: LedgerRow) -> bool:
    return row.data.get("available") is True and as_int(row.data.get("uses_per_week")) > 0


def fairs(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """The projects shown at the science fairs held in the period."""
    return rows_in(src, FAIRS, "fair_date", period)


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    library = rows_in(src, LIBRARY, "month", period)
    labs = rows_in(src, LAB_MONTHLY, "month", period)
    projects = fairs(src, period)
    rooms = latest_rooms(src, period)
    return [
        Figure.keyed("p10.field_visits", VISITS, "flow", len(field_visits(src, period))),
        Figure.keyed("p10.library_reports", "التقارير الشهرية للمكتبات", "flow", len(library)),
        Figure.keyed("p10.library_visits", "زيارات مسؤول المكتبات", "flow",
            _reports(src, LIBRARY_VISIT, period)),
        Figure.keyed("p10.lab_visits", "زيارات المختبرات", "flow",
            _reports(src, LAB_VISIT, period)),
        Figure.keyed("p10.aids_visits", "زيارات متابعة الوسائل التعليمية", "flow",
            _reports(src, AIDS_VISIT, period)),
        Figure.keyed("p10.programme_visits", "الزيارات المنفذة من البرنامج", "flow",
               len(rows_in(src, PROGRAMME, "actual_date", period, status=EXECUTED))),
        Figure.keyed("p10.library_loans", "إعارات المكتبات (طلبة ومعلمون)", "flow", sum(
            as_int(r.data.get("loans_students")) + as_int(r.data.get("loans_teachers"))
            for r in library)),
        Figure.keyed("p10.tape_loans", "إعارات الأشرطة والوسائل", "flow",
            len(rows_in(src, TAPES, "loan_date", period))),
        Figure.keyed("p10.aids_produced", "الوسائل التعليمية المنتجة", "flow",
            len(rows_in(src, AIDS, "date", period))),
        Figure.keyed("p10.experiments_planned", "التجارب المخبرية المخططة", "flow",
               sum(as_int(r.data.get("planned")) for r in labs)),
        Figure.keyed("p10.experiments_done", "التجارب المخبرية المنفذة", "flow",
               sum(as_int(r.data.get("executed")) for r in labs)),
        Figure.keyed("p10.fairs", FAIRS_HELD, "flow", submissions(projects)),
        Figure.keyed("p10.fair_projects", "مشاريع المعارض العلمية", "flow", len(projects)),
        Figure.keyed("p10.fair_students", "الطلبة المشاركون في المعارض العلمية", "flow",
            quantity(projects, "students")),
        Figure.keyed("p10.rooms_available", "الغرف متعددة الأغراض المتوفرة", "stock",
               sum(1 for r in rooms if r.data.get("available") is True)),
        Figure.keyed("p10.rooms_in_use", "الغرف متعددة الأغراض المستخدمة", "stock",
            sum(1 for r in rooms if room_in_use(r))),
        Figure.keyed("p10.aids_to_repair", "الأجهزة التعليمية المطلوب صيانتها", "flow", quantity(
            rows_in(src, EDU_REQUEST, "request_date", period))),
    ] + collection.collection_figures(src, period, references)


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
    rooms_in_use: dict[str, int] = defaultdict(int)
    for r in latest_rooms(ctx.src, None):
        rooms_in_use[subject_of(r)] += room_in_use(r)
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
        "المعارض العلمية": per_school(FAIRS, distinct=True),
        "الغرف متعددة الأغراض المستخدمة": rooms_in_use,
        "الأجهزة التعليمية المطلوب صيانتها": per_school(
            EDU_REQUEST, lambda r: as_int(r.data.get("quantity"))),
    }
    schools = sorted({s for counts in columns.values() for s in counts})
    rows = with_total([[s, *(c.get(s, 0) for c in columns.values())] for s in schools])
    return [Block("أرقام المدارس", ["المدرسة", *columns], rows, total=True)]


def _every_row(row: LedgerRow) -> bool:
    return True


PROCESS = ProcessDef(
    code="P10",
    forms=(PROGRAMME, LIBRARY, TAPES, LIBRARY_VISIT, LAB_VISIT, LAB_PLAN, LAB_STATS,
           LAB_MONTHLY, LAB_DAILY, LAB_YEAR, AIDS_VISIT, AIDS, FAIRS, ROOMS),
    shown={p03_fibre.VISIT: p03_fibre.purpose_is(p03_fibre.LEARNING),
           EDU_REQUEST: _every_row, NEEDS_LIST: _every_row},
    figures=figures,
    indicators=(Indicator("عدد الزيارات الميدانية المنفذة", "p10.field_visits", "flow",
                          (PROGRAMME, LIBRARY_VISIT, LAB_VISIT, AIDS_VISIT, p03_fibre.VISIT)),
                Indicator("عدد المعارض العلمية المنفذة", "p10.fairs", "flow", (FAIRS,)),
                Indicator(collection.RATE_AR, collection.RATE_AR, "ratio",
                          (LIBRARY, LAB_MONTHLY, LAB_YEAR, LAB_PLAN, LAB_STATS))),
    summary=summary,
)
