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
from automation.processes.definition import (
    Block,
    Indicator,
    ProcessDef,
    SummaryContext,
    Table,
    with_total,
)
from automation.processes.figures import (
    Figure,
    FigureKind,
    RowSource,
    count_by,
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


def requested_by_status(src: RowSource, period: Period | None) -> dict[str, int]:
    """The devices of the requests dated in the period by their status, most first (the
    quarterly report's chart)."""
    return count_by(requested(src, period), "status")


BY_STATUS = Table("p1.requested_by_status", "الأجهزة في طلبات الصيانة حسب الحالة",
                  requested_by_status)


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


def maintenance_budget(references: object, when: dt.date | Period) -> tuple[Decimal, Period] | None:
    """The maintenance & spare-parts budget serving a day or a period: its total and year.

    Budget lines count when their item mentions صيانة or قطع. A line's year (a calendar
    year ``2026`` or a school year ``2025/2026``) serves every day and every calendar period
    it overlaps: of the budget years overlapping ``when``, the one holding its end, else the
    latest to end (the lines of that year add up). None where no line covers ``when``.
    """
    start, end = (when.start, when.end) if isinstance(when, Period) else (when, when)
    totals: dict[tuple[dt.date, dt.date], Decimal] = {}
    for line in getattr(references, "budget", None) or []:
        item = normalize_name(line.item)
        if not any(word in item for word in BUDGET_WORDS):
            continue
        try:
            first, last = year_span(str(line.year))
        except ValueError:
            continue
        if first <= end and start <= last:
            totals[(first, last)] = totals.get((first, last), Decimal(0)) + Decimal(
                line.amount_jod)
    if not totals:
        return None
    span = max(totals, key=lambda s: (s[0] <= end <= s[1], s[1], s[0]))
    return totals[span], date_range(*span)


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
        Figure.keyed("p1.requests_received", "طلبات الصيانة المستلمة", "flow",
            submissions(requests) + submissions(edu)),
        Figure.keyed("p1.devices_reported", "الأجهزة المبلّغ عن أعطالها", "flow",
            len(requests) + quantity(edu)),
        Figure.keyed("p1.devices_repaired", CORRECTIVE, "flow", done[REPAIRED]),
        Figure.keyed("p1.devices_unrepairable", "الأجهزة غير القابلة للإصلاح", "flow",
            done[UNREPAIRABLE]),
        Figure.keyed("p1.devices_open", "أجهزة قيد المعالجة أو بانتظار قطع غيار", "stock",
            open_at_end(src, period)),
        Figure.keyed("p1.spare_parts_cost", "كلفة قطع الغيار في الفترة (دينار)", "money",
            spare_parts_spend(src, period)),
        p03_fibre.visit_figure(src, period, p03_fibre.MAINTENANCE),
    ]
    return out + budget_figures(src, period, references)


BUDGET_LABELS = ("موازنة الصيانة وقطع الغيار للسنة (دينار)", "المصروف منذ بداية السنة (دينار)",
                 "المتبقي من الموازنة (دينار)", "نسبة الصرف من الموازنة")
BUDGET_KEYS = ("p1.budget", "p1.budget_spent", "p1.budget_left", "p1.budget_spent_pct")
BUDGET_KINDS: tuple[FigureKind, ...] = ("amount", "amount", "amount", "ratio")


def budget_figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    """The budget serving the period, the spend against it from its start to the period's
    end (or the budget year's end, when sooner), what is left and the share spent. The same
    four figures for every period: «غير محددة في ملف الموازنة» where no line covers it."""
    budget = maintenance_budget(references, period)
    if budget is None:
        return [Figure.keyed(key, label, kind, None, NO_BUDGET)
                for key, label, kind in zip(BUDGET_KEYS, BUDGET_LABELS, BUDGET_KINDS,
                                            strict=True)]
    total, span = budget
    spent = spare_parts_spend(src, date_range(span.start, min(period.end, span.end)))
    values = (total, spent, total - spent, ratio_pct(spent, total))
    return [Figure.keyed(key, label, kind, value) for key, label, kind, value in zip(
        BUDGET_KEYS, BUDGET_LABELS, BUDGET_KINDS, values, strict=True)]


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
    indicators=(Indicator("عدد الإجراءات التصحيحية المنفذة", "p1.devices_repaired", "flow",
                          (REQUEST,)),),
    summary=summary,
    tables=(BY_STATUS,),
)
