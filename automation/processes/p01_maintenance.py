"""P1 — technical supervision of the maintenance of computer, lab and scientific devices
and of internal networks (QP-70-2 §5.2/1).

Inputs: the annual plan (QF12-1), requests from schools (QF75-11 maintenance
request / technical report, QF70-2-7 educational devices) and the annual
maintenance & spare-parts budget. Output: the database of every corrective action
done on devices and networks, with the spend against the budget.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from automation.catalog.forms import CATALOG
from automation.core.periods import Period, date_range
from automation.ledger.store import LedgerRow
from automation.processes import p03_fibre
from automation.processes.definition import Block, Indicator, ProcessDef, SummaryContext, with_total
from automation.processes.figures import (
    Figure,
    RowSource,
    quantity,
    ratio_pct,
    rows_in,
    submissions,
    up_to,
    within,
)
from automation.text.arabic import normalize_name
from automation.text.dates import year_span

REQUEST = "QF75-11"
EDU_REQUEST = "QF70-2-7"
IN_PROGRESS, REPAIRED, WAITING_PARTS, UNREPAIRABLE = CATALOG.form(REQUEST).field("status").choices
DONE = (REPAIRED, UNREPAIRABLE)
BUDGET_WORDS = tuple(normalize_name(w) for w in ("صيانة", "قطع"))
"""A budget line is the maintenance & spare-parts budget when its item mentions these."""
NO_BUDGET = "غير محددة في ملف الموازنة"
NO_DATE = "بدون تاريخ"

CORRECTIVE = "الأجهزة التي تم إصلاحها"


def requested(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Devices (QF75-11 rows) whose request is dated in the period."""
    return rows_in(src, REQUEST, "request_date", period)


def devices_done(src: RowSource, period: Period | None) -> Counter[object]:
    """QF75-11 devices by status, dated by their done date (else the request's), in the
    period: «تم الإصلاح» are the corrective actions, «غير قابل للإصلاح» the write-offs."""
    days = src.dates(REQUEST, "done_date", "request_date")
    return Counter(status for status, day in zip(src.values(REQUEST, "status"), days,
                                                 strict=True) if within(period, day))


def open_at_end(src: RowSource, period: Period | None) -> int:
    """Devices requested by the period's end and not repaired or written off by then."""
    done = src.dates(REQUEST, "done_date", "request_date")
    asked = src.dates(REQUEST, "request_date")
    return sum(
        1 for status, day, when in zip(src.values(REQUEST, "status"), done, asked, strict=True)
        if up_to(period, when) and not (status in DONE and up_to(period, day))
    )


def spare_parts_spend(src: RowSource, period: Period | None) -> Decimal:
    """Sum of QF75-11 costs dated (done, else requested) in the period."""
    days = src.dates(REQUEST, "done_date", "request_date")
    costs = src.decimals(REQUEST, "cost_jod")
    return sum((cost for cost, day in zip(costs, days, strict=True)
                if cost and within(period, day)), Decimal(0))


def maintenance_budget(references: object, day: dt.date) -> tuple[Decimal, Period] | None:
    """The maintenance & spare-parts budget holding ``day``: total and its year.

    Budget lines count when their item mentions صيانة or قطع and their year is
    ``day``'s calendar year or a school year holding ``day``. None without any.
    """
    total, span = Decimal(0), None
    for line in getattr(references, "budget", None) or []:
        item = normalize_name(line.item)
        if not any(word in item for word in BUDGET_WORDS):
            continue
        try:
            start, end = year_span(str(line.year))
        except ValueError:
            continue
        if start <= day <= end:
            total += Decimal(line.amount_jod)
            span = span or date_range(start, end)
    return (total, span) if span is not None else None


def unrepairable_references(src: RowSource) -> set[str]:
    """Normalized references of QF75-11 reports with a device found unrepairable (the
    reports a disposal item of P5 cites)."""
    return {normalize_name(r.data.get("reference")) for r in src.rows(REQUEST)
            if r.data.get("status") == UNREPAIRABLE and r.data.get("reference")}


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    requests = requested(src, period)
    edu = rows_in(src, EDU_REQUEST, "request_date", period)
    done = devices_done(src, period)
    out = [
        Figure("طلبات الصيانة المستلمة", "flow", submissions(requests) + submissions(edu)),
        Figure("الأجهزة المبلّغ عن أعطالها", "flow", len(requests) + quantity(edu)),
        Figure(CORRECTIVE, "flow", done[REPAIRED]),
        Figure("الأجهزة غير القابلة للإصلاح", "flow", done[UNREPAIRABLE]),
        Figure("أجهزة قيد المعالجة أو بانتظار قطع غيار", "stock", open_at_end(src, period)),
        Figure("كلفة قطع الغيار في الفترة (دينار)", "money", spare_parts_spend(src, period)),
        p03_fibre.visit_figure(src, period, p03_fibre.MAINTENANCE),
    ]
    budget = maintenance_budget(references, period.end)
    if budget is None:
        return out + [Figure("موازنة الصيانة وقطع الغيار (دينار)", "amount", None, NO_BUDGET)]
    total, span = budget
    spent = spare_parts_spend(src, date_range(span.start, period.end))
    return out + [
        Figure("موازنة الصيانة وقطع الغيار للسنة (دينار)", "amount", total),
        Figure("المصروف منذ بداية السنة (دينار)", "amount", spent),
        Figure("المتبقي من الموازنة (دينار)", "amount", total - spent),
        Figure("نسبة الصرف من الموازنة", "ratio", ratio_pct(spent, total)),
    ]


def summary(ctx: SummaryContext) -> list[Block]:
    spend: dict[dt.date | None, Decimal] = defaultdict(Decimal)
    days = ctx.src.dates(REQUEST, "done_date", "request_date")
    for cost, day in zip(ctx.src.decimals(REQUEST, "cost_jod"), days, strict=True):
        if cost:
            spend[day.replace(day=1) if day else None] += cost
    by_month = [[f"{day:%Y/%m}" if day else NO_DATE, v] for day, v in spend.items()]
    blocks = [Block("كلفة قطع الغيار حسب الشهر", ["الشهر (سنة/شهر)", "الكلفة (دينار)"],
                    with_total(sorted(by_month)), ["text", "jod"], total=True)]
    budget = maintenance_budget(ctx.references, ctx.today)
    if budget is None:
        blocks.append(Block("الموازنة السنوية للصيانة وقطع الغيار", ["البند", "القيمة"],
                            [[NO_BUDGET, ""]], note="أضف بند الموازنة في ملف budget.xlsx"))
        return blocks
    total, span = budget
    spent = spare_parts_spend(ctx.src, span)
    blocks.append(Block(
        f"الموازنة السنوية للصيانة وقطع الغيار ({span.label_ar})", ["البند", "القيمة"],
        [["موازنة الصيانة وقطع الغيار (دينار)", total], ["المصروف (دينار)", spent],
         ["المتبقي (دينار)", total - spent], ["نسبة الصرف (%)", (ratio_pct(spent, total), "pct")]],
        ["text", "jod"]))
    return blocks


PROCESS = ProcessDef(
    code="P1",
    forms=(REQUEST, EDU_REQUEST),
    shown={p03_fibre.VISIT: p03_fibre.purpose_is(p03_fibre.MAINTENANCE)},
    figures=figures,
    indicators=(Indicator("عدد الإجراءات التصحيحية المنفذة", CORRECTIVE, "flow", (REQUEST,)),),
    summary=summary,
)
