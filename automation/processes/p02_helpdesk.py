"""P2 — technical supervision of the e-connectivity & protection project (QP-70-2 §5.2/2).

Inputs: letters and e-mail from schools and the project's Help Desk system, whose
export is pasted into HD-EXPORT. Output: a technical report every three months of
the maintenance requests executed through the Help Desk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from automation.catalog.forms import CATALOG
from automation.core.periods import QUARTER_NAMES_AR, Period, quarter_of
from automation.ledger.store import LedgerRow
from automation.processes.definition import (
    TOTAL,
    Block,
    Counts,
    Indicator,
    ProcessDef,
    SummaryContext,
    Table,
    with_total,
)
from automation.processes.figures import (
    Figure,
    RowSource,
    field_date,
    mean,
    rows_in,
    subject_of,
    up_to,
)

REQUESTS = "HD-EXPORT"
STATUSES = CATALOG.form(REQUESTS).field("status").choices
OPEN, DONE, CANCELLED = STATUSES
CATEGORIES = CATALOG.form(REQUESTS).field("category").choices
OTHER = "أخرى"
CATEGORY_KEYS = dict(zip(CATEGORIES, ("network", "protection", "devices", "email", "other"),
                         strict=True))
"""The key of each category's figure (``p2.executed_by_category.network``)."""
NO_DATE = "بدون تاريخ"

EXECUTED = "الطلبات المنفذة"


def executed(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Requests executed (closed as منفذ) in the period."""
    return rows_in(src, REQUESTS, "closed", period, status=DONE)


def category_of(row: LedgerRow) -> str:
    """A request's category as P2 counts it: one of the list's, anything else (a category the
    Help Desk added, or none) under «أخرى», so the categories add up to the requests."""
    category = row.data.get("category")
    return category if category in CATEGORIES else OTHER  # type: ignore[return-value]


def by_category(rows: list[LedgerRow]) -> list[int]:
    """The rows counted by :func:`category_of`, in the list's order of categories."""
    counts = [0] * len(CATEGORIES)
    for r in rows:
        counts[CATEGORIES.index(category_of(r))] += 1
    return counts


def category_key(category: str) -> str:
    return f"p2.executed_by_category.{CATEGORY_KEYS[category]}"


def executed_by_school(src: RowSource, period: Period | None) -> list[Counts]:
    """Each school's requests executed in the period by category (in the list's order),
    most requests first."""
    schools: dict[str, list[LedgerRow]] = defaultdict(list)
    for r in executed(src, period):
        schools[subject_of(r)].append(r)
    found = [Counts(school, by_category(rows)) for school, rows in schools.items()]
    return sorted(found, key=lambda e: (-e.total, e.name))


BY_SCHOOL = Table("p2.executed_by_school", "الطلبات المنفذة حسب المدرسة والتصنيف",
                  executed_by_school)


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    opened = rows_in(src, REQUESTS, "opened", period)
    done = executed(src, period)
    days = [
        Decimal((end - start).days) for r in done
        if (start := field_date(r, "opened")) and (end := field_date(r, "closed"))
    ]
    still_open = [
        r for r, opened_on, closed_on in zip(src.rows(REQUESTS), src.dates(REQUESTS, "opened"),
                                             src.dates(REQUESTS, "closed"), strict=True)
        if up_to(period, opened_on) and r.data.get("status") != CANCELLED
        and not (r.data.get("status") == DONE and up_to(period, closed_on))
    ]
    out = [
        Figure.keyed("p2.requests_received", "الطلبات الواردة", "flow", len(opened)),
        Figure.keyed("p2.executed", EXECUTED, "flow", len(done)),
        Figure.keyed("p2.cancelled", "الطلبات الملغاة", "flow",
                     sum(1 for r in opened if r.data.get("status") == CANCELLED)),
        Figure.keyed("p2.open_at_end", "الطلبات المفتوحة حتى نهاية الفترة", "stock",
            len(still_open)),
        Figure.keyed("p2.mean_days", "متوسط مدة التنفيذ (يوم)", "days", mean(days)),
    ]
    return out + [Figure.keyed(category_key(c), f"المنفذة حسب التصنيف: {c}", "flow", n)
                  for c, n in zip(CATEGORIES, by_category(done), strict=True)]


def summary(ctx: SummaryContext) -> list[Block]:
    rows = ctx.fed[REQUESTS]

    def by(key: Callable[[LedgerRow], str], sort_key: bool) -> list[list[object]]:
        table: dict[str, list[int]] = defaultdict(lambda: [0] * len(STATUSES))
        for r in rows:
            status = r.data.get("status")
            if status in STATUSES:
                table[key(r)][STATUSES.index(str(status))] += 1
        items = sorted(table.items(), key=(lambda kv: kv[0]) if sort_key else
                       (lambda kv: (-sum(kv[1]), kv[0])))
        return with_total([[k, *v, sum(v)] for k, v in items])

    def quarter_label(r: LedgerRow) -> str:
        day = field_date(r, "opened")
        if day is None:
            return NO_DATE
        year, number = quarter_of(day, ctx.calendar.quarter_start_month)
        return f"{year} - الربع {QUARTER_NAMES_AR[number - 1]}"

    headers = [*STATUSES, TOTAL]
    return [
        Block("الطلبات حسب الربع (تاريخ الفتح)", ["الربع", *headers], by(quarter_label, True),
              total=True),
        Block("الطلبات حسب التصنيف", ["التصنيف", *headers],
              by(lambda r: str(r.data.get("category") or ""), False), total=True),
        Block("الطلبات حسب المدرسة", ["المدرسة", *headers], by(subject_of, False), total=True),
    ]


PROCESS = ProcessDef(
    code="P2",
    forms=(REQUESTS,),
    figures=figures,
    indicators=(Indicator("عدد طلبات الدعم الفني المنفذة", "p2.executed", "flow", (REQUESTS,)),),
    summary=summary,
    tables=(BY_SCHOOL,),
)
