"""Master registers: one Excel workbook per process, regenerated from the ledger.

Each register has a summary sheet «ملخص» first, then one sheet per form that
feeds it (sheet name = form code): the form's header fields, then its table
fields, by their Arabic labels, then where each row came from. Values are typed
(real dates, numbers, نعم/لا); text is always written as text, never as a
formula. The workbook is written to a temporary file beside the register and
swapped in by :func:`automation.register_swap.swap_in` (Excel may hold it open).
It is written by :mod:`automation.xlsx_stream`, row after row straight into the file.

Which registers a form feeds is :func:`processes_fed_by`; the intake marks
those dirty, and the caller clears the flags after :func:`write_registers`.
"""

from __future__ import annotations

import datetime as dt
import glob
import itertools
import logging
import os
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from automation import indicators as ind
from automation import xlsx_stream as xs
from automation.catalog import Catalog, FormSpec
from automation.clock import Clock
from automation.department import Department
from automation.errors import ExcelBusy
from automation.forms import BOOKS, CATALOG, UNREPAIRABLE
from automation.indicators import RowSource, as_date, as_decimal, subject_of
from automation.ledger import Ledger, LedgerRow
from automation.periods import quarter, quarter_of
from automation.register_swap import ExcelAdapter, Replace, swap_in

log = logging.getLogger(__name__)

SUMMARY = "ملخص"
PROVENANCE = ("الملف المصدر", "تاريخ الاستلام", "رقم الإرسال")
DECISION_COLUMNS = ("رقم القرار", "تاريخ القرار")
CITES_UNREPAIRABLE = "تقرير صيانة يثبت عدم الصلاحية"
NO_DATE = "بدون تاريخ"
TOTAL = "المجموع"
MAX_TEXT = 32767
FONT = "Arial"

ROW_FILTERS: dict[tuple[str, str], Callable[[LedgerRow], bool]] = {
    ("P3", "QF75-13"): lambda r: r.data.get("purpose") != ind.PROJECTS_PURPOSE,
    ("P4", "QF75-13"): lambda r: r.data.get("purpose") == ind.PROJECTS_PURPOSE,
}
"""Forms shown in a register other than their own process's, and which rows go where."""
INDICATOR_FORMS = frozenset(
    {"QF75-11", "HD-EXPORT", "FO-SITES", "FO-FAULTS", "PRJ", "DISPOSAL", "EMIS-ISSUES"}
    | {"EMIS-ACTIVATION", "INITIATIVES", "WEB-REVIEW", "QF70-2-1"}
    | set(ind.VISIT_FORMS)
)
"""Forms the QF12-1 indicators read: they also change the PLAN register."""

# Characters XML 1.0 cannot hold, and other control characters: removed.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("[\t\n\r]+")
_UNSAFE_NAME = re.compile(r'\s*[<>:"/\\|?*]\s*')


@dataclass(frozen=True)
class RegisterOutcome:
    """What happened to one register: ``status`` is ``written``, ``updated-in-excel``,
    ``waiting-for-excel`` (the new version waits as ``.pending.xlsx``) or
    ``not-written`` (the register and its pending copy are both locked: keep it dirty)."""

    process: str
    path: Path
    status: str
    rows: int


def register_path(dept: Department, process: str, catalog: Catalog = CATALOG) -> Path:
    """``workbooks/registers/P1 - سجل الإجراءات التصحيحية.xlsx`` (safe on Windows)."""
    name = _UNSAFE_NAME.sub(" - ", catalog.process(process).register_ar).strip(" -")
    return dept.registers / f"{process} - {name}.xlsx"


def feeding_forms(process: str, catalog: Catalog = CATALOG) -> list[FormSpec]:
    """The forms whose rows a register shows, one sheet each: its own forms in catalog
    order, then forms shared with another process (QF75-13 in P4)."""
    shared = [catalog.form(code) for proc, code in ROW_FILTERS
              if proc == process and code in catalog.codes
              and catalog.form(code).process != process]
    return list(catalog.forms_of(process)) + shared


def processes_fed_by(form_code: str, catalog: Catalog = CATALOG) -> tuple[str, ...]:
    """Every register a new row of ``form_code`` changes (to mark dirty on commit)."""
    out = [catalog.form(form_code).process]
    out += [proc for proc, form in ROW_FILTERS if form == form_code]
    if form_code in INDICATOR_FORMS:
        out.append("PLAN")
    if form_code == "QF12-1":
        out.append("P7")  # the P7 summary shows the plan's P7 targets
    if form_code == "QF75-11":
        out.append("P5")  # the P5 register shows whether an item's device was found unrepairable
    return tuple(dict.fromkeys(out))


def inert_text(value: object) -> str:
    """Text safe to write: line breaks and tabs become spaces, control characters go."""
    text = _CONTROL.sub("", _BREAKS.sub(" ", str(value))).strip()
    return text[:MAX_TEXT]


# -- writing cells ---------------------------------------------------------------------------

_WRITER_KIND = {"date": "date", "month": "month", "stamp": "stamp", "int": "int", "jod": "jod",
                "pct": "pct"}
"""Cell kinds of :mod:`automation.xlsx_stream` by field type (any other type is text)."""


def _convert(value: object, kind: str) -> tuple[object, str] | None:
    """How to write ``value`` of a field of type ``kind`` (or ``stamp``, ``text``):
    ``(value, xlsx_stream kind)`` — a date, a number or inert text; None when empty.
    A value that is not of its type (an unreadable date) is written as text."""
    if value is None or value == "":
        return None
    if kind in ("date", "month"):
        day = as_date(value)
        if day is not None:
            return day, kind
    elif kind == "stamp":
        try:
            return dt.datetime.fromisoformat(str(value)).replace(tzinfo=None), kind
        except ValueError:
            pass
    elif kind in ("int", "jod", "pct") and not isinstance(value, bool):
        number = as_decimal(value)
        if number is not None and number.is_finite():
            return float(number), kind
    elif kind == "yesno" and isinstance(value, bool):
        return "نعم" if value else "لا", "text"
    text = inert_text(value)
    return (text, "text") if text else None


def _converter(kind: str) -> Callable[[object], tuple[object, str] | None]:
    return lambda value: _convert(value, kind)


# -- one sheet per feeding form ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    label: str
    kind: str
    get: Callable[[Any], object]
    key: str | None = None
    """The ledger data key the column shows, if it is one (read faster than ``get``)."""


def _columns(form: FormSpec, src: RowSource) -> list[Column]:
    columns = [
        Column(spec.label, spec.type, lambda r, k=spec.key: r.data.get(k), spec.key)
        for spec in form.fields
    ]
    if form.code == "DISPOSAL":
        decisions = src.decisions()
        cited = _unrepairable_refs(src)
        columns += [
            Column(CITES_UNREPAIRABLE, "yesno",
                   lambda r: None if r.data.get("category") == BOOKS
                   else str(r.data.get("maintenance_ref") or "") in cited),
            Column(DECISION_COLUMNS[0], "text",
                   lambda r: decisions[r.decision_id].number
                   if r.decision_id in decisions else None),
            Column(DECISION_COLUMNS[1], "date",
                   lambda r: decisions[r.decision_id].decided_on
                   if r.decision_id in decisions else None),
        ]
    return columns + [
        Column(PROVENANCE[0], "text", lambda r: r.original_name),
        Column(PROVENANCE[1], "stamp", lambda r: r.received_at),
        Column(PROVENANCE[2], "int", lambda r: r.submission_id),
    ]


def _unrepairable_refs(src: RowSource) -> set[str]:
    """References of QF75-11 reports with a device found unrepairable."""
    return {
        str(r.data.get("reference"))
        for r in src.rows("QF75-11")
        if r.data.get("status") == UNREPAIRABLE and r.data.get("reference")
    }


def _width(column: Column, rows: Sequence[LedgerRow]) -> float:
    fixed = {"date": 12.0, "month": 10.0, "stamp": 16.0, "int": 10.0, "jod": 13.0, "pct": 10.0,
             "yesno": 9.0}
    longest = max((len(str(column.get(r) or "")) for r in rows[:300]), default=0)
    guess = fixed.get(column.kind) or min(50.0, max(12.0, longest * 1.1 + 2))
    return max(guess, min(30.0, len(column.label) * 0.9 + 4))


_NO_MORE: tuple[Sequence[Any], ...] = ()


def _write_table(
    book: xs.XlsxStream, name: str, columns: list[Column], rows: Sequence[Any],
    more: Iterable[Sequence[Any]] = _NO_MORE, total: int | None = None,
) -> int:
    """One sheet: a header row of the labels (frozen, filtered, printed on every page),
    then a row per ledger row, each cell converted once per distinct value. ``more``
    gives further rows a chunk at a time after ``rows``, ``total`` of them in all
    (None: counted as they come). Returns the number of rows written."""
    sheet = book.add_sheet(
        name,
        [xs.Column(c.label, _width(c, rows), _WRITER_KIND.get(c.kind, "text"),
                   _converter(c.kind)) for c in columns],
        rows=len(rows) if more is _NO_MORE else total, landscape=True,
        header_height=32,
    )
    keyed = next((i for i, c in enumerate(columns) if c.key is None), len(columns))
    keys = [c.key for c in columns[:keyed]]
    getters = [c.get for c in columns[keyed:]]
    write = sheet.write_row
    written = 0
    for chunk in itertools.chain([rows], more):
        written += len(chunk)
        if keys:  # ledger rows: the data keys first, then the other columns
            for row in chunk:
                values = list(map(row.data.get, keys))
                if getters:
                    values += [get(row) for get in getters]
                write(values)
        else:
            for row in chunk:
                write([get(row) for get in getters])
    sheet.close()
    return written


# -- the summary sheet -------------------------------------------------------------------------


@dataclass
class Block:
    """A small table of the summary sheet. ``kinds`` per column (default: text then int);
    a cell may be ``(value, kind)`` to override; ``total`` marks the last row as a total;
    ``note`` lines are written under the title."""

    title: str
    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    total: bool = False
    note: str = ""


def _write_summary(book: xs.XlsxStream, heading: list[str], blocks: list[Block]) -> None:
    widest = max((len(b.headers) for b in blocks), default=2)
    sheet = book.add_sheet(
        SUMMARY, [xs.Column(width=48)] + [xs.Column(width=15)] * max(widest, 2),
        header=False, landscape=False,
    )
    sheet.write_cells([(heading[0], "title")])
    for line in heading[1:]:
        sheet.write_cells([(line, "note")])
    for block in blocks:
        sheet.skip_row()
        sheet.write_cells([(block.title, "subtitle")])
        for line in block.note.splitlines():
            sheet.write_cells([(line, "note")])
        tall = any(len(label) > 14 for label in block.headers[1:])
        sheet.write_cells([(label, "header") for label in block.headers],
                          height=32 if tall else None)
        kinds = block.kinds or ["text"] + ["int"] * (len(block.headers) - 1)
        for index, values in enumerate(block.rows):
            last = block.total and index == len(block.rows) - 1
            cells: list[tuple[object, str] | None] = []
            for col, value in enumerate(values):
                kind = kinds[col] if col < len(kinds) else "text"
                if isinstance(value, tuple):
                    value, kind = value
                if last and col == 0:
                    cells.append((str(value), "total"))
                else:
                    cells.append(_convert(value, kind))
            sheet.write_cells(cells)
    sheet.close()


def _with_total(rows: list[list[object]], label: str = TOTAL) -> list[list[object]]:
    if not rows:
        return rows
    sums = [label] + [
        sum((as_decimal(v[0] if isinstance(v, tuple) else v) or Decimal(0)) for v in col)
        for col in list(zip(*rows, strict=True))[1:]
    ]
    return rows + [sums]


def _cross(
    fed: dict[str, list[LedgerRow]], key: Callable[[LedgerRow], str], *, sort_by_key: bool = False
) -> list[list[object]]:
    """Rows counted by ``key`` and by form (one column per form), with a total."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(fed))
    for index, rows in enumerate(fed.values()):
        for row in rows:
            counts[key(row)][index] += 1
    items = sorted(counts.items(), key=(lambda kv: kv[0]) if sort_by_key else
                   (lambda kv: (-sum(kv[1]), kv[0])))
    return _with_total([[k, *v, sum(v)] for k, v in items])


def _month_of(row: LedgerRow) -> str:
    return row.record_date[:7].replace("-", "/") if row.record_date else NO_DATE


def _generic_blocks(fed: dict[str, list[LedgerRow]], catalog: Catalog) -> list[Block]:
    codes = list(fed)
    return [
        Block("عدد السجلات حسب النموذج", ["النموذج", "عدد السجلات"],
              [[f"{c} {catalog.form(c).name_ar}", len(rows)] for c, rows in fed.items()]),
        Block("حسب المدرسة أو الموقع", ["المدرسة / الموقع", *codes, TOTAL],
              _cross(fed, subject_of), total=True),
        Block("حسب الشهر", ["الشهر (سنة/شهر)", *codes, TOTAL],
              _cross(fed, _month_of, sort_by_key=True), total=True),
    ]


@dataclass
class _Context:
    src: RowSource
    fed: dict[str, list[LedgerRow]]
    today: dt.date
    references: object
    catalog: Catalog
    start_month: int = 1


def _blocks_p1(ctx: _Context) -> list[Block]:
    spend: dict[dt.date | None, Decimal] = defaultdict(Decimal)
    days = ctx.src.dates("QF75-11", "done_date", "request_date")
    for cost, day in zip(ctx.src.decimals("QF75-11", "cost_jod"), days, strict=True):
        if cost:
            spend[day.replace(day=1) if day else None] += cost
    by_month = [[f"{day:%Y/%m}" if day else NO_DATE, v] for day, v in spend.items()]
    blocks = [Block("كلفة قطع الغيار حسب الشهر", ["الشهر (سنة/شهر)", "الكلفة (دينار)"],
                    _with_total(sorted(by_month)),
                    ["text", "jod"], total=True)]
    budget = ind.maintenance_budget(ctx.references, ctx.today)
    if budget is None:
        blocks.append(Block("الموازنة السنوية للصيانة وقطع الغيار", ["البند", "القيمة"],
                            [[ind.NO_BUDGET, ""]], note="أضف بند الموازنة في ملف budget.xlsx"))
        return blocks
    total, span = budget
    spent = ind.spare_parts_spend(ctx.src, span)
    blocks.append(Block(
        f"الموازنة السنوية للصيانة وقطع الغيار ({span.label_ar})", ["البند", "القيمة"],
        [["موازنة الصيانة وقطع الغيار (دينار)", total], ["المصروف (دينار)", spent],
         ["المتبقي (دينار)", total - spent],
         ["نسبة الصرف (%)", (ind.ratio_pct(spent, total), "pct")]],
        ["text", "jod"]))
    return blocks


def _blocks_p2(ctx: _Context) -> list[Block]:
    statuses = ["مفتوح", ind.HD_DONE, ind.HD_CANCELLED]
    rows = ctx.fed["HD-EXPORT"]

    def by(key: Callable[[LedgerRow], str], sort_key: bool) -> list[list[object]]:
        table: dict[str, list[int]] = defaultdict(lambda: [0] * len(statuses))
        for r in rows:
            status = r.data.get("status")
            if status in statuses:
                table[key(r)][statuses.index(str(status))] += 1
        items = sorted(table.items(), key=(lambda kv: kv[0]) if sort_key else
                       (lambda kv: (-sum(kv[1]), kv[0])))
        return _with_total([[k, *v, sum(v)] for k, v in items])

    def quarter_label(r: LedgerRow) -> str:
        day = ind.field_date(r, "opened")
        if day is None:
            return NO_DATE
        year, number = quarter_of(day, ctx.start_month)
        return f"{year} - الربع {ind.QUARTERS_AR[number - 1]}"

    headers = [*statuses, TOTAL]
    return [
        Block("الطلبات حسب الربع (تاريخ الفتح)", ["الربع", *headers], by(quarter_label, True),
              total=True),
        Block("الطلبات حسب التصنيف", ["التصنيف", *headers],
              by(lambda r: str(r.data.get("category") or ""), False), total=True),
        Block("الطلبات حسب المدرسة", ["المدرسة", *headers], by(subject_of, False), total=True),
    ]


def _blocks_p4(ctx: _Context) -> list[Block]:
    needs = ind.shortages(ctx.src, None)
    provided = ind.needs_provided(ctx.src, None, needs)
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for n in needs:
        table[str(n["school"])][0] += int(n["shortage"])  # type: ignore[call-overload]
    for p in provided:
        table[str(p["school"])][1] += int(p["matched"])  # type: ignore[call-overload]
        table[str(p["school"])][2] += int(p["quantity"])  # type: ignore[call-overload]
    rows: list[list[object]] = [
        [k, *v, (ind.ratio_pct(v[1], v[0]), "pct")] for k, v in sorted(table.items())
    ]
    identified, matched, total = (sum(v[i] for v in table.values()) for i in range(3))
    rows.append([TOTAL, identified, matched, total, (ind.ratio_pct(matched, identified), "pct")])
    return [Block(
        "الاحتياجات المحددة والموفرة ونسبة التلبية",
        ["المدرسة", "الاحتياجات المحددة", "الموفرة مطابقة للاحتياج", "الموفرة كلها",
         "نسبة التلبية (%)"],
        rows, total=True,
        note="الاحتياج = العدد المطلوب − العدد الصالح في آخر قائمة (QF70-2-12) لكل مدرسة\n"
             "الموفر = بنود المشاريع بحالة «تم الاستلام» لنفس المدرسة ونوع الجهاز")]


def _blocks_p5(ctx: _Context) -> list[Block]:
    rows = ctx.fed["DISPOSAL"]
    pending: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    decided: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    decisions = ctx.src.decisions()
    for r in rows:
        quantity = ind.as_int(r.data.get("quantity"))
        if r.decision_id in decisions:
            decided[r.decision_id][0] += 1  # type: ignore[index]
            decided[r.decision_id][1] += quantity  # type: ignore[index]
        else:
            pending[str(r.data.get("category") or "")][0] += 1
            pending[str(r.data.get("category") or "")][1] += quantity
    return [
        Block("مواد بانتظار قرار اللجنة", ["الفئة", "عدد البنود", "الكمية"],
              _with_total([[k, *v] for k, v in sorted(pending.items())]), total=True),
        Block("المواد حسب القرار", ["رقم القرار", "تاريخ القرار", "عدد البنود", "الكمية"],
              [[decisions[d].number, decisions[d].decided_on, *v]
               for d, v in sorted(decided.items(), key=lambda kv: str(decisions[kv[0]].number))],
              ["text", "date", "int", "int"]),
    ]


def _blocks_status(form: str, by: str, title: str) -> Callable[[_Context], list[Block]]:
    def build(ctx: _Context) -> list[Block]:
        rows = ctx.fed[form]
        statuses = list(dict.fromkeys(str(r.data.get("status") or "") for r in rows))
        table: dict[str, list[int]] = defaultdict(lambda: [0] * len(statuses))
        for r in rows:
            table[str(r.data.get(by) or "")][statuses.index(str(r.data.get("status") or ""))] += 1
        return [Block(title, ["", *statuses, TOTAL],
                      _with_total([[k, *v, sum(v)] for k, v in sorted(table.items())]),
                      total=True)]
    return build


def _plan_block(ctx: _Context, process: str | None) -> Block:
    lines = ind.plan_lines(ctx.src, ctx.today.year, None, ctx.start_month)
    rows: list[list[object]] = [
        [ln.process_ar or ln.process, ln.goal, ln.activity, ln.indicator, ln.quarter, ln.target,
         (ln.achieved, "pct" if ln.indicator in ind.MEAN_INDICATORS else "int"), ln.pct,
         ln.responsible]
        for ln in lines if process is None or ln.process == process
    ]
    return Block(f"الخطة السنوية {ctx.today.year}: المستهدف والمنجز",
                 ["العملية", "الهدف", "النشاط", "مؤشر الأداء", "الربع", "المستهدف", "المنجز",
                  "نسبة الإنجاز (%)", "المسؤول"], rows,
                 ["text", "text", "text", "text", "text", "int", "int", "pct", "text"])


def _blocks_p7(ctx: _Context) -> list[Block]:
    table: dict[str, list[object]] = {}
    for r in ctx.fed["EMIS-ACTIVATION"]:
        entry = table.setdefault(subject_of(r), [set(), 0, 0, []])
        entry[0].add(r.submission_id)  # type: ignore[attr-defined]
        entry[1] += 1  # type: ignore[operator]
        entry[2] += 1 if r.data.get("activated") is True else 0  # type: ignore[operator]
        entry[3].append(as_decimal(r.data.get("completion")) or Decimal(0))  # type: ignore[attr-defined]
    rows = [[k, len(v[0]), v[1], v[2], (ind.mean(v[3]), "pct")]  # type: ignore[arg-type]
            for k, v in sorted(table.items())]
    return [Block("التفعيل ونسب الإنجاز حسب المدرسة",
                  ["المدرسة", "الزيارات", "الوظائف", "المفعلة", "متوسط نسبة الإنجاز (%)"], rows),
            _plan_block(ctx, "P7")]


def _blocks_p9(ctx: _Context) -> list[Block]:
    latest = {review.page: review for review in ind.page_reviews(ctx.src, None)}
    rows = [[r.page, r.review_date, r.criteria, r.met, (r.score, "pct"), r.last_news_date]
            for r in latest.values()]
    return [Block("نتيجة كل صفحة (آخر مراجعة)",
                  ["الصفحة", "تاريخ المراجعة", "المعايير", "المتحققة", "النسبة (%)",
                   "تاريخ آخر خبر"], rows, ["text", "date", "int", "int", "pct", "date"])]


def _blocks_p10(ctx: _Context) -> list[Block]:
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

    columns = {
        "تقارير المكتبة الشهرية": per_school("QF70-2-3"),
        "إعارات المكتبة": per_school(
            "QF70-2-3", lambda r: ind.as_int(r.data.get("loans_students"))
            + ind.as_int(r.data.get("loans_teachers"))),
        "زيارات مسؤول المكتبات": per_school("QF70-2-9", distinct=True),
        "زيارات المختبرات": per_school("QF70-2-17", distinct=True),
        "زيارات الوسائل": per_school("QF70-2-40", distinct=True),
        "زيارات منفذة (البرنامج)": per_school(
            "QF70-2-1", lambda r: 1 if r.data.get("status") == ind.VISIT_DONE else 0),
        "عدد المختبرات": per_school("QF70-2-19", lambda r: ind.as_int(r.data.get("count"))),
        "الوسائل المنتجة": per_school("QF70-2-43"),
    }
    schools = sorted({s for counts in columns.values() for s in counts})
    rows = _with_total([[s, *(c.get(s, 0) for c in columns.values())] for s in schools])
    return [Block("أرقام المدارس", ["المدرسة", *columns], rows, total=True)]


def _blocks_plan(ctx: _Context) -> list[Block]:
    year = ctx.today.year
    periods = [quarter(year, q, ctx.start_month) for q in (1, 2, 3, 4)]
    periods.append(ind.year_period(year, ctx.start_month))
    rows = []
    for name, _ in ctx.catalog.indicators:
        kind = "pct" if name in ind.MEAN_INDICATORS else "int"
        rows.append([name, *((ind.indicator_value(ctx.src, name, p), kind) for p in periods)])
    return [Block(f"المؤشرات لعام {year}",
                  ["مؤشر الأداء", "الربع الأول", "الربع الثاني", "الربع الثالث", "الربع الرابع",
                   "السنة"], rows), _plan_block(ctx, None)]


_SPECIFIC: dict[str, Callable[[_Context], list[Block]]] = {
    "P1": _blocks_p1,
    "P2": _blocks_p2,
    "P3": _blocks_status("FO-FAULTS", "site_code", "أعطال الألياف حسب الموقع والحالة"),
    "P4": _blocks_p4,
    "P5": _blocks_p5,
    "P6": _blocks_status("EMIS-ISSUES", "system", "المشكلات حسب النظام والحالة"),
    "P7": _blocks_p7,
    "P8": _blocks_status("INITIATIVES", "school", "المبادرات حسب المدرسة والحالة"),
    "P9": _blocks_p9,
    "P10": _blocks_p10,
    "PLAN": _blocks_plan,
}

_DERIVED: dict[str, list[tuple[str, Callable[[RowSource], list[dict[str, object]]],
                                list[tuple[str, str, str]]]]] = {
    "P4": [
        ("الاحتياجات المحددة", lambda src: ind.shortages(src, None),
         [("المدرسة", "school", "text"), ("نوع الجهاز", "device_type", "text"),
          ("العدد المطلوب", "required", "int"), ("العدد الصالح", "working", "int"),
          ("النقص", "shortage", "int"), ("تاريخ القائمة", "date", "date")]),
        ("الاحتياجات الموفرة", lambda src: ind.needs_provided(src, None),
         [("المدرسة", "school", "text"), ("نوع الجهاز", "device_type", "text"),
          ("الكمية", "quantity", "int"), ("المطابقة للاحتياج", "matched", "int"),
          ("رقم العطاء", "tender_no", "text"), ("اسم المشروع", "title", "text"),
          ("تاريخ الاستلام", "received_on", "date")]),
    ],
}
"""Lists QP-70-2 names as outputs, derived from the rows, written after the form sheets."""


def _derived_columns(spec: list[tuple[str, str, str]]) -> list[Column]:
    return [Column(label, kind, lambda d, k=key: d.get(k)) for label, key, kind in spec]


Summary = tuple[list[str], list[Block]]
"""A register's summary sheet as data: its heading lines and its blocks."""


def _summary(process: str, ctx: _Context, now: dt.datetime) -> Summary:
    catalog = ctx.catalog
    proc = catalog.process(process)
    blocks: list[Block] = []
    if process != "PLAN":
        year = ind.year_period(ctx.today.year, ctx.start_month)
        figures = ind.process_figures(ctx.src, process, year, ctx.references)
        blocks.append(Block(f"أرقام رئيسية ({year.label_ar})", ["البند", "القيمة"],
                            [[label, value] for label, value in figures], ["text", "text"]))
        blocks += _generic_blocks(ctx.fed, catalog)
    blocks += _SPECIFIC[process](ctx)
    heading = [
        f"{process} — {proc.register_ar}",
        proc.title_ar,
        f"أُنشئ في {now:%d/%m/%Y %H:%M} من قاعدة بيانات القسم؛ "
        "يُعاد إنشاؤه تلقائياً، فلا تُدخل بيانات في هذا الملف",
    ]
    return heading, blocks


def _book(path: Path, process: str, catalog: Catalog, now: dt.datetime) -> xs.XlsxStream:
    proc = catalog.process(process)
    return xs.XlsxStream(path, title=proc.register_ar, subject=proc.title_ar,
                         author="ETI automation", created=now)


def _write_tables(book: xs.XlsxStream, process: str, ctx: _Context) -> int:
    """The form sheets and the derived lists; returns the number of form rows."""
    for code, rows in ctx.fed.items():
        _write_table(book, code, _columns(ctx.catalog.form(code), ctx.src), rows)
    _write_derived(book, process, ctx.src)
    return sum(len(rows) for rows in ctx.fed.values())


def _write_derived(book: xs.XlsxStream, process: str, src: RowSource) -> None:
    """The lists a register derives from its rows (after its form sheets)."""
    for name, derive, spec in _DERIVED.get(process, []):
        _write_table(book, name, _derived_columns(spec), derive(src))


def _build(path: Path, process: str, ctx: _Context, now: dt.datetime) -> int:
    """Write the register of ``process`` to ``path``; returns the number of form rows."""
    heading, blocks = _summary(process, ctx, now)
    with _book(path, process, ctx.catalog, now) as book:
        _write_summary(book, heading, blocks)
        return _write_tables(book, process, ctx)


def write_registers(
    dept: Department,
    ledger: Ledger,
    processes: Iterable[str],
    *,
    catalog: Catalog = CATALOG,
    references: object = None,
    clock: Clock,
    excel: ExcelAdapter | None = None,
    start_month: int = 1,
    replace: Replace = os.replace,
    executor: Executor | None = None,
) -> list[RegisterOutcome]:
    """Regenerate the registers of ``processes`` (P1–P10, PLAN) from the ledger.

    Each is written to a temporary file in the registers folder and swapped in
    (see :mod:`automation.register_swap`). ``references`` (a
    :class:`~automation.reference.References`) gives P1's budget; None reads
    them from the department. ``start_month`` moves the quarters (settings);
    ``replace`` is the rename seam tests use to fake Excel's lock. With an
    ``executor`` (the batch's worker processes), registers are written at once:
    one worker writes the form sheets of the largest register; the other works out
    that register's summary and writes the other registers (the ledger's rows read
    once); this process writes the summary into the first file and swaps them in.
    The caller clears the dirty flags afterwards (of all but ``not-written`` outcomes).
    """
    wanted = list(dict.fromkeys(processes))
    for process in wanted:
        catalog.process(process)  # unknown codes fail before anything is written
    if references is None and "P1" in wanted:  # only P1 reads a reference list (the budget)
        from automation.reference import load_references

        references = load_references(dept, catalog)
    dept.registers.mkdir(parents=True, exist_ok=True)
    now = clock.now()
    largest = ""
    tables: Future[tuple[xs.Detached, int]] | None = None
    others: Future[tuple[dict[str, tuple[Path, int]], dict[str, Summary]]] | None = None
    if executor is not None and wanted:
        largest = max(wanted, key=lambda p: _size(ledger, p, catalog))
        rest = [p for p in wanted if p != largest]
        try:  # the largest register's sheets in one worker, all the rest in the other
            tables = executor.submit(build_register_tables, dept, largest, catalog,
                                     references, now, start_month)
            others = executor.submit(build_registers, dept, rest, catalog, references, now,
                                     start_month, [largest])
        except (BrokenExecutor, RuntimeError):  # workers gone: written here instead
            tables = others = None
    src = RowSource(ledger)
    outcomes = []
    for process in wanted:
        target = register_path(dept, process, catalog)
        tmp: Path | None = None

        def here(p: str = process) -> tuple[Path, int]:
            return build_register(dept, src, p, catalog, references, now, start_month)

        try:
            if process == largest and tables is not None:
                tmp, count = _finished(tables, others, process, here, lambda p=process: _summary(
                    p, _context(src, p, catalog, references, now, start_month), now))
            else:
                tmp, count = _built(others, process, here)
            status = swap_in(tmp, target, excel=excel, replace=replace)
        except ExcelBusy as exc:
            log.warning("%s", exc.message_en)
            status, count = "not-written", 0
        finally:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        log.info("register %s: %s (%d rows)", target.name, status, count)
        outcomes.append(RegisterOutcome(process, target, status, count))
    return outcomes


def build_registers(
    dept: Department,
    processes: list[str],
    catalog: Catalog,
    references: object,
    now: dt.datetime,
    start_month: int,
    summaries: Sequence[str] = (),
) -> tuple[dict[str, tuple[Path, int]], dict[str, Summary]]:
    """:func:`build_register` for each of ``processes``, and the summaries alone of
    ``summaries``, reading the ledger once (in a worker process)."""
    with Ledger(dept.ledger_path) as ledger:
        src = RowSource(ledger)
        built = {p: build_register(dept, src, p, catalog, references, now, start_month)
                 for p in processes}
        return built, {
            p: _summary(p, _context(src, p, catalog, references, now, start_month), now)
            for p in summaries
        }


def build_register_tables(
    dept: Department,
    process: str,
    catalog: Catalog,
    references: object,
    now: dt.datetime,
    start_month: int,
) -> tuple[xs.Detached, int]:
    """The register of ``process`` without its summary sheet, whose place is kept (in a
    worker process): the file, detached, and its number of form rows. The form sheets'
    rows are read and written a chunk at a time."""
    with Ledger(dept.ledger_path) as ledger:
        src = RowSource(ledger)
        tmp = _temporary(dept, process, catalog)
        try:
            book = _book(tmp, process, catalog, now)
            book.reserve_sheet(SUMMARY)
            count = 0
            for form in feeding_forms(process, catalog):
                keep = ROW_FILTERS.get((process, form.code))
                chunks = ledger.current_row_chunks(form.code)
                if keep is not None:
                    chunks = ([r for r in chunk if keep(r)] for chunk in chunks)
                first = next(chunks, [])
                total = ledger.count_current_rows(form.code) if keep is None else None
                count += _write_table(book, form.code, _columns(form, src), first, chunks,
                                      total)
            _write_derived(book, process, src)
            return book.detach(), count
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def _context(
    src: RowSource, process: str, catalog: Catalog, references: object, now: dt.datetime,
    start_month: int,
) -> _Context:
    fed = {
        form.code: [r for r in src.rows(form.code)
                    if ROW_FILTERS.get((process, form.code), _keep)(r)]
        for form in feeding_forms(process, catalog)
    }
    return _Context(src, fed, now.date(), references, catalog, start_month)


def _temporary(dept: Department, process: str, catalog: Catalog) -> Path:
    """A new temporary file beside the register (leftovers of a killed run removed)."""
    target = register_path(dept, process, catalog)
    _remove_leftovers(target)
    return target.with_name(f".{target.stem}.{uuid.uuid4().hex[:8]}.tmp.xlsx")


def build_register(
    dept: Department,
    src: RowSource,
    process: str,
    catalog: Catalog,
    references: object,
    now: dt.datetime,
    start_month: int,
) -> tuple[Path, int]:
    """Write the register of ``process`` to a temporary file beside it; returns the file
    and its number of form rows."""
    ctx = _context(src, process, catalog, references, now, start_month)
    tmp = _temporary(dept, process, catalog)
    try:
        count = _build(tmp, process, ctx, now)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, count


def _built(
    future: Future[tuple[dict[str, tuple[Path, int]], dict[str, Summary]]] | None,
    process: str,
    here: Callable[[], tuple[Path, int]],
) -> tuple[Path, int]:
    """A worker's register, or the register written here when there is no worker for it."""
    if future is not None:
        try:
            return future.result()[0][process]
        except BrokenExecutor:
            log.warning("a worker process died; writing its register here")
    return here()


def _finished(
    tables: Future[tuple[xs.Detached, int]],
    others: Future[tuple[dict[str, tuple[Path, int]], dict[str, Summary]]] | None,
    process: str,
    here: Callable[[], tuple[Path, int]],
    summary_here: Callable[[], Summary],
) -> tuple[Path, int]:
    """The register whose sheets a worker wrote, finished here with its summary (from
    the other worker, or worked out here); all of it written here when the first
    worker died."""
    try:
        detached, count = tables.result()
    except BrokenExecutor:
        log.warning("a worker process died; writing its register here")
        return here()
    try:
        summary = None
        if others is not None:
            try:
                summary = others.result()[1][process]
            except BrokenExecutor:
                log.warning("a worker process died; working out a summary here")
        heading, blocks = summary if summary is not None else summary_here()
        with xs.XlsxStream.resume(detached) as book:
            _write_summary(book, heading, blocks)
    except BaseException:
        Path(detached.path).unlink(missing_ok=True)
        raise
    return Path(detached.path), count


def _size(ledger: Ledger, process: str, catalog: Catalog) -> int:
    """Live rows a register shows (to hand the largest to a worker first)."""
    return sum(ledger.count_current_rows(form.code) for form in feeding_forms(process, catalog))


def _keep(row: LedgerRow) -> bool:
    return True


def _remove_leftovers(target: Path) -> None:
    """Temporary files an interrupted run left beside the register."""
    for leftover in target.parent.glob(f".{glob.escape(target.stem)}.*.tmp.xlsx"):
        leftover.unlink(missing_ok=True)
