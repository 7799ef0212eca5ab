"""P4 — technical supervision of tenders and projects (QP-70-2 §5.2/4).

Inputs: schools' needs of computers and spare parts (the surplus/shortage list
QF70-2-12), internal-network needs, the approved device specifications (the
reference list ``device_specs.xlsx``) and the follow-up and receipt committees (PRJ:
each row names both, and the approved specification it follows). Outputs: the list
of executed projects, the list of needs identified, the list of needs provided, and
field visit reports (QF75-13).

Needs (docs/FIGURES.md): a need identified is a shortage in a school's latest
QF70-2-12 list; a PRJ row received counts in the period of its receipt and is
matched, by school and device type, to the need of that school's latest list
dated on or before the receipt, in order of receipt.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from automation.catalog.forms import CATALOG
from automation.core.periods import Period
from automation.ledger.store import LedgerRow
from automation.processes import p03_fibre
from automation.processes.definition import (
    TOTAL,
    Block,
    DerivedList,
    Indicator,
    ProcessDef,
    SummaryContext,
)
from automation.processes.figures import (
    Figure,
    RowSource,
    as_int,
    field_date,
    ratio_pct,
    school_key,
    subject_of,
    text_of,
    within,
)
from automation.text.arabic import normalize_name

LIST = "QF70-2-12"
PROJECTS = "PRJ"
IN_PROGRESS, RECEIVED, CANCELLED = CATALOG.form(PROJECTS).field("status").choices

PROVIDED = "الاحتياجات الموفرة"
FULFILMENT = "نسبة تلبية الاحتياجات"


@dataclass(frozen=True)
class Need:
    """A shortage in one school's list: ``shortage`` devices of a type."""

    school: str
    device_type: str
    required: int
    available: int
    working: int
    shortage: int
    date: dt.date | None
    submission_id: int


@dataclass(frozen=True)
class Receipt:
    """A PRJ row received, and how much of it met a need identified before it."""

    school: str
    device_type: str
    quantity: int
    matched: int
    tender_no: str
    title: str
    received_on: dt.date | None
    need_list: int | None
    """The QF70-2-12 submission whose need it met (None: no list before it)."""


def _lists(src: RowSource) -> dict[str, list[tuple[dt.date | None, int, list[LedgerRow]]]]:
    """Each school's QF70-2-12 lists, oldest first: (date, submission, rows)."""
    memo = src.memo.get(("p4-lists",))
    if memo is not None:
        return memo  # type: ignore[return-value]
    by_sub: dict[int, list[LedgerRow]] = defaultdict(list)
    for r in src.rows(LIST):
        by_sub[r.submission_id].append(r)
    lists: dict[str, list[tuple[dt.date | None, int, list[LedgerRow]]]] = defaultdict(list)
    for sub, rows in by_sub.items():
        lists[school_key(subject_of(rows[0]))].append((field_date(rows[0], "date"), sub, rows))
    for entries in lists.values():
        entries.sort(key=lambda e: (e[0] or dt.date.min, e[1]))
    src.memo[("p4-lists",)] = lists
    return lists


def _latest(entries: list[tuple[dt.date | None, int, list[LedgerRow]]], day: dt.date | None,
            ) -> tuple[dt.date | None, int, list[LedgerRow]] | None:
    """The latest list dated on or before ``day`` (any list when ``day`` is None)."""
    found = None
    for entry in entries:
        if day is None or entry[0] is None or entry[0] <= day:
            found = entry
    return found


def shortages(src: RowSource, period: Period | None = None) -> list[Need]:
    """Needs identified: devices short in each school's latest list up to the period's end
    (all time when None)."""
    out = []
    end = period.end if period is not None else None
    for entries in _lists(src).values():
        latest = _latest(entries, end)
        if latest is None:
            continue
        for r in latest[2]:
            required, working = as_int(r.data.get("required")), as_int(r.data.get("working"))
            if required > working:
                out.append(Need(subject_of(r), text_of(r, "device_type"), required,
                                as_int(r.data.get("available")), working, required - working,
                                latest[0], latest[1]))
    return sorted(out, key=lambda n: (n.school, n.device_type))


def receipts(src: RowSource) -> list[Receipt]:
    """Every PRJ row received, in order of receipt, each matched to the need of its
    school's latest list on or before the receipt."""
    memo = src.memo.get(("p4-receipts",))
    if memo is not None:
        return memo  # type: ignore[return-value]
    lists = _lists(src)
    remaining: dict[tuple[int, str], int] = {}
    arrivals = sorted(
        (r for r in src.rows(PROJECTS) if r.data.get("status") == RECEIVED),
        key=lambda r: (str(r.data.get("received_on") or ""), r.id),
    )
    out = []
    for r in arrivals:
        day = field_date(r, "received_on")
        device = normalize_name(r.data.get("device_type"))
        latest = _latest(lists.get(school_key(subject_of(r)), []), day) if day else None
        matched, need_list = 0, None
        qty = as_int(r.data.get("quantity"))
        if latest is not None:
            need_list = latest[1]
            key = (latest[1], device)
            if key not in remaining:
                remaining[key] = sum(
                    max(0, as_int(n.data.get("required")) - as_int(n.data.get("working")))
                    for n in latest[2] if normalize_name(n.data.get("device_type")) == device)
            matched = min(qty, remaining[key])
            remaining[key] -= matched
        out.append(Receipt(subject_of(r), text_of(r, "device_type"), qty, matched,
                           text_of(r, "tender_no"), text_of(r, "title"), day, need_list))
    src.memo[("p4-receipts",)] = out
    return out


@dataclass(frozen=True)
class Fulfilment:
    identified: int
    provided: int
    matched: int
    met: int
    """Matched against the lists counted in ``identified`` (up to the period's end)."""

    @property
    def pct(self) -> object:
        return ratio_pct(self.met, self.identified)


def fulfilment(src: RowSource, period: Period | None) -> Fulfilment:
    needs = shortages(src, period)
    current = {n.submission_id for n in needs}
    end = period.end if period is not None else None
    all_receipts = receipts(src)
    in_period = [r for r in all_receipts if within(period, r.received_on)]
    met = sum(r.matched for r in all_receipts
              if r.need_list in current and (end is None or (r.received_on or end) <= end))
    return Fulfilment(sum(n.shortage for n in needs), sum(r.quantity for r in in_period),
                      sum(r.matched for r in in_period), met)


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    result = fulfilment(src, period)
    tenders = {r.tender_no for r in receipts(src) if within(period, r.received_on)}
    return [
        Figure.keyed("p4.projects_received", "المشاريع المنفذة (عطاءات تم استلامها)", "distinct",
            len(tenders)),
        Figure.keyed("p4.needs_identified", "الاحتياجات المحددة (أجهزة ناقصة)", "stock",
            result.identified),
        Figure.keyed("p4.needs_provided", PROVIDED, "flow", result.provided),
        Figure.keyed("p4.needs_matched", "الموفر منها مطابقاً للاحتياجات المحددة", "flow",
            result.matched),
        Figure.keyed("p4.needs_met_pct", FULFILMENT, "ratio", result.pct),  # type: ignore[arg-type]
        p03_fibre.visit_figure(src, period, p03_fibre.PROJECTS),
    ]


def summary(ctx: SummaryContext) -> list[Block]:
    needs = shortages(ctx.src, None)
    current = {n.submission_id for n in needs}
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for n in needs:
        table[n.school][0] += n.shortage
    for r in receipts(ctx.src):
        table[r.school][1] += r.matched if r.need_list in current else 0
        table[r.school][2] += r.quantity
    rows: list[list[object]] = [
        [k, *v, (ratio_pct(v[1], v[0]), "pct")] for k, v in sorted(table.items())
    ]
    identified, met, total = (sum(v[i] for v in table.values()) for i in range(3))
    rows.append([TOTAL, identified, met, total, (ratio_pct(met, identified), "pct")])
    return [Block(
        "الاحتياجات المحددة والموفرة ونسبة التلبية",
        ["المدرسة", "الاحتياجات المحددة", "الموفرة مطابقة للاحتياج", "الموفرة كلها",
         "نسبة التلبية (%)"],
        rows, total=True,
        note="الاحتياج = العدد المطلوب − العدد الصالح في آخر قائمة (QF70-2-12) لكل مدرسة\n"
             "الموفر = بنود المشاريع بحالة «تم الاستلام» لنفس المدرسة ونوع الجهاز، "
             "بعد تاريخ القائمة"), projects_block(ctx)]


@dataclass
class Project:
    """One tender (PRJ rows sharing a tender number): its committees and specifications."""

    tender_no: str
    title: str
    supplier: str
    committee: str
    follow_committee: str
    specs: list[str]
    items: int = 0
    quantity: int = 0
    received: int = 0
    unapproved: int = 0
    """Rows naming a specification that is not in the approved list (0 without a list)."""


def _joined(values: list[str]) -> str:
    return "، ".join(dict.fromkeys(v for v in values if v))


def projects(src: RowSource, approved: list[str] | None = None) -> list[Project]:
    """Every tender with its receipt and follow-up committees and the specifications its
    rows follow, by tender number; ``approved`` (the device-specs list) marks the rows
    whose specification is not one of them."""
    known = {normalize_name(a) for a in approved or ()}
    rows: dict[str, list[LedgerRow]] = defaultdict(list)
    for r in src.rows(PROJECTS):
        rows[text_of(r, "tender_no")].append(r)
    out = []
    for tender, items in sorted(rows.items()):
        specs = [text_of(r, "spec_ref") for r in items]
        out.append(Project(
            tender, _joined([text_of(r, "title") for r in items]),
            _joined([text_of(r, "supplier") for r in items]),
            _joined([text_of(r, "committee") for r in items]),
            _joined([text_of(r, "follow_committee") for r in items]),
            list(dict.fromkeys(s for s in specs if s)), len(items),
            sum(as_int(r.data.get("quantity")) for r in items),
            sum(as_int(r.data.get("quantity")) for r in items
                if r.data.get("status") == RECEIVED),
            sum(1 for spec in specs
                if spec and approved is not None and normalize_name(spec) not in known),
        ))
    return out


def approved_specs(references: object) -> list[str] | None:
    """The approved specifications of the reference lists (None without them)."""
    return getattr(references, "spec_texts", None)


def projects_block(ctx: SummaryContext) -> Block:
    approved = approved_specs(ctx.references)
    headers = ["رقم العطاء", "اسم المشروع", "المورد", "لجنة الاستلام", "لجنة المتابعة",
               "المواصفات المعتمدة", "البنود", "الكمية", "المستلم"]
    kinds = ["text"] * 6 + ["int"] * 3
    if approved is not None:
        headers.append("بنود بمواصفات غير معتمدة")
        kinds.append("int")
    rows: list[list[object]] = [
        [p.tender_no, p.title, p.supplier, p.committee, p.follow_committee,
         "\n".join(p.specs), p.items, p.quantity, p.received,
         *([p.unapproved] if approved is not None else [])]
        for p in projects(ctx.src, approved)
    ]
    return Block("المشاريع والعطاءات: لجنتا الاستلام والمتابعة والمواصفات المعتمدة",
                 headers, rows, kinds,
                 note="المواصفات غير المعتمدة: غير الموجودة في قائمة المواصفات الفنية "
                      "المعتمدة (device_specs.xlsx)" if approved is not None else "")


def _needs_list(src: RowSource) -> list[dict[str, object]]:
    return [vars(n) for n in shortages(src, None)]


def _receipts_list(src: RowSource) -> list[dict[str, object]]:
    return [vars(r) for r in receipts(src)]


PROCESS = ProcessDef(
    code="P4",
    forms=(LIST, PROJECTS),
    shown={p03_fibre.VISIT: p03_fibre.purpose_is(p03_fibre.PROJECTS)},
    figures=figures,
    indicators=(
        Indicator("عدد الاحتياجات الموفرة", "p4.needs_provided", "flow", (PROJECTS,)),
        Indicator(FULFILMENT, "p4.needs_met_pct", "ratio", (PROJECTS, LIST)),
    ),
    summary=summary,
    derived=(
        DerivedList("الاحتياجات المحددة", _needs_list, (
            ("المدرسة", "school", "text"), ("نوع الجهاز", "device_type", "text"),
            ("العدد المطلوب", "required", "int"), ("العدد الصالح", "working", "int"),
            ("النقص", "shortage", "int"), ("تاريخ القائمة", "date", "date"))),
        DerivedList("الاحتياجات الموفرة", _receipts_list, (
            ("المدرسة", "school", "text"), ("نوع الجهاز", "device_type", "text"),
            ("الكمية", "quantity", "int"), ("المطابقة للاحتياج", "matched", "int"),
            ("رقم العطاء", "tender_no", "text"), ("اسم المشروع", "title", "text"),
            ("تاريخ الاستلام", "received_on", "date"))),
    ),
)
