"""Figures and the QF12-1 indicators, computed from the ledger's live rows for a period.

Three things other modules build on (registers, the quarterly report, the digest):

- :func:`indicator_value` — one of the eleven indicators of FORMS.md ("QF12-1")
  for a :class:`~automation.periods.Period`;
- :func:`plan_lines` — the annual plan's lines of a year (or a quarter) with
  target, achieved and percentage;
- :func:`process_figures` — the key figures of one process for a period, as
  (Arabic label, formatted value) pairs ready to print.

Every function takes a :class:`Ledger` or a :class:`RowSource`; a ``RowSource``
reads each form's live rows once, so a caller asking many figures passes one.
Dates in row data are ISO text (docs/ARCHITECTURE.md, "Ledger row data").
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from automation.forms import INDICATORS, PROCESSES, QUARTERS_AR, REPAIRED, UNREPAIRABLE
from automation.ledger import Ledger, LedgerRow
from automation.normalize import normalize_name, parse_year, year_span
from automation.periods import Period, date_range
from automation.periods import quarter as quarter_period

# -- choice values the figures count (FORMS.md) ------------------------------------

HD_DONE = "منفذ"
HD_OPEN = "مفتوح"
HD_CANCELLED = "ملغى"
FO_DONE = "تمت المعالجة"
FO_OPEN = "مفتوح"
PRJ_RECEIVED = "تم الاستلام"
ISSUE_SOLVED = "محلولة"
ISSUE_PENDING = "قيد المعالجة"
ISSUE_REFERRED = "محولة إلى مركز الملكة رانيا"
INITIATIVE_STATUSES = ("فعالة", "متوقفة", "منتهية")
VISIT_DONE = "منفذة"
FIBRE_PURPOSE = "شبكة الألياف الضوئية"
PROJECTS_PURPOSE = "العطاءات والمشاريع"
ALL_YEAR = QUARTERS_AR[4]
VISIT_FORMS = ("QF70-2-9", "QF70-2-17", "QF70-2-40", "QF75-13")
"""Visit reports counted as executed field visits (P10 indicator), one per submission."""
BUDGET_WORDS = tuple(normalize_name(w) for w in ("صيانة", "قطع"))
"""A budget line is the maintenance & spare-parts budget when its item mentions these."""
NO_BUDGET = "غير محددة في ملف الموازنة"

ONE_PLACE = Decimal("0.1")
FILS = Decimal("0.001")


# -- reading the ledger once ---------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A committee decision (table ``decisions``)."""

    id: int
    kind: str
    number: str
    decided_on: dt.date | None


class RowSource:
    """The ledger's live rows, each form read once and kept for the caller's lifetime."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._rows: dict[str, list[LedgerRow]] = {}
        self._values: dict[tuple[object, ...], list[object]] = {}  # a value of each row
        self._decisions: dict[int, Decision] | None = None

    def rows(self, form: str) -> list[LedgerRow]:
        if form not in self._rows:
            self._rows[form] = self.ledger.current_rows(form)
        return self._rows[form]

    def dates(self, form: str, key: str, fallback: str | None = None) -> list[dt.date | None]:
        """:func:`field_date` of each of :meth:`rows`, in their order (figures ask the
        same dates of a hundred thousand rows again and again)."""
        return self._per_row(("date", form, key, fallback), form,
                             lambda r: field_date(r, key, fallback))  # type: ignore[return-value]

    def decimals(self, form: str, key: str) -> list[Decimal | None]:
        """:func:`as_decimal` of a field of each of :meth:`rows`, in their order."""
        return self._per_row(("decimal", form, key), form,
                             lambda r: as_decimal(r.data.get(key)))  # type: ignore[return-value]

    def _per_row(
        self, name: tuple[object, ...], form: str, value: Callable[[LedgerRow], object]
    ) -> list[object]:
        cached = self._values.get(name)
        if cached is None:
            cached = self._values[name] = [value(r) for r in self.rows(form)]
        return cached

    def decisions(self) -> dict[int, Decision]:
        if self._decisions is None:
            self._decisions = {
                int(r[0]): Decision(int(r[0]), str(r[1]), str(r[2]), as_date(r[3]))
                for r in self.ledger.conn.execute(
                    "SELECT id, kind, number, decided_on FROM decisions"
                )
            }
        return self._decisions


def row_source(ledger: Ledger | RowSource) -> RowSource:
    return ledger if isinstance(ledger, RowSource) else RowSource(ledger)


# -- small value helpers ---------------------------------------------------------------


_ISO_DATES: dict[str, dt.date | None] = {}


def as_date(value: object) -> dt.date | None:
    """An ISO date text (or a date) as a date; anything else gives None."""
    if type(value) is str:
        try:
            return _ISO_DATES[value]  # the same few hundred dates, read again and again
        except KeyError:
            pass
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not value:
        return None
    try:
        day: dt.date | None = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        day = None
    if type(value) is str and len(_ISO_DATES) < 100_000:
        _ISO_DATES[value] = day
    return day


def as_decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def as_int(value: object) -> int:
    number = as_decimal(value)
    return int(number) if number is not None else 0


def one_place(value: Decimal) -> Decimal:
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def mean(values: Iterable[Decimal]) -> Decimal | None:
    """The mean to one decimal place; None for no values."""
    items = list(values)
    if not items:
        return None
    return one_place(sum(items, Decimal(0)) / len(items))


def ratio_pct(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part / whole × 100`` to one decimal place; None when ``whole`` is 0."""
    if not whole:
        return None
    return one_place(Decimal(part) * 100 / Decimal(whole))


def within(period: Period | None, day: dt.date | None) -> bool:
    """Whether ``day`` is in ``period``; no period means all time (undated rows too)."""
    if period is None:
        return True
    return day is not None and period.start <= day <= period.end


def up_to(period: Period | None, day: dt.date | None) -> bool:
    """Whether ``day`` is on or before the end of ``period`` (undated counts as before)."""
    return period is None or day is None or day <= period.end


def field_date(row: LedgerRow, key: str, fallback: str | None = None) -> dt.date | None:
    day = as_date(row.data.get(key))
    if day is None and fallback:
        day = as_date(row.data.get(fallback))
    return day


def subject_of(row: LedgerRow) -> str:
    """The school (or site, page, source) a row is about, for counts by school."""
    for key in ("school", "site", "page", "source", "site_name", "site_code"):
        value = row.data.get(key)
        if value:
            return str(value)
    return row.school or "غير محدد"


def count_by(rows: Iterable[LedgerRow], key: str | Callable[[LedgerRow], object]) -> dict[str, int]:
    """Rows counted by a data field (or a function of the row), most frequent first."""
    get = key if callable(key) else (lambda r: r.data.get(key))
    counts = Counter(str(get(r) or "غير محدد") for r in rows)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def submissions_in(
    src: RowSource, forms: Iterable[str], key: str, period: Period | None, **match: object
) -> set[tuple[str, int]]:
    """Distinct (form, submission) whose ``key`` date is in the period (and data matches)."""
    return {(r.form, r.submission_id) for f in forms for r in rows_in(src, f, key, period, **match)}


# -- formatting for documents ----------------------------------------------------------


def fmt_int(value: Decimal | int) -> str:
    return f"{int(value):,}"


def fmt_jod(value: Decimal | None) -> str:
    return "—" if value is None else f"{Decimal(value).quantize(FILS):,.3f}"


def fmt_pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{one_place(Decimal(value))}%"


# -- the eleven indicators -----------------------------------------------------------------


def rows_in(
    src: RowSource, form: str, key: str, period: Period | None, **match: object
) -> list[LedgerRow]:
    """Live rows of ``form`` whose ``key`` date is in the period and whose data matches."""
    return [
        r
        for r, day in zip(src.rows(form), src.dates(form, key), strict=True)
        if within(period, day) and (not match or all(r.data.get(k) == v for k, v in match.items()))
    ]


def _quantity(rows: Iterable[LedgerRow]) -> int:
    return sum(as_int(r.data.get("quantity")) for r in rows)


def _maintenance_done(src: RowSource, period: Period | None, statuses: tuple[str, ...]) -> int:
    """QF75-11 devices with one of ``statuses`` done (else requested) in the period."""
    days = src.dates("QF75-11", "done_date", "request_date")
    return sum(
        1
        for r, day in zip(src.rows("QF75-11"), days, strict=True)
        if r.data.get("status") in statuses and within(period, day)
    )


def sites_connected(src: RowSource, period: Period | None) -> int:
    """Sites marked connected whose connection date is not after the period (undated count)."""
    return sum(
        1
        for r in src.rows("FO-SITES")
        if r.data.get("connected") is True and up_to(period, field_date(r, "connected_on"))
    )


def received(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """PRJ rows received (تم الاستلام) in the period."""
    return rows_in(src, "PRJ", "received_on", period, status=PRJ_RECEIVED)


def disposal_decided(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """DISPOSAL rows included in a decision taken in the period."""
    decisions = src.decisions()
    return [
        r
        for r in src.rows("DISPOSAL")
        if r.decision_id in decisions and within(period, decisions[r.decision_id].decided_on)
    ]


def initiatives_by_status(src: RowSource, period: Period | None) -> dict[str, int]:
    """Initiatives started by the end of the period, by their current status."""
    counts = dict.fromkeys(INITIATIVE_STATUSES, 0)
    for r in src.rows("INITIATIVES"):
        if up_to(period, field_date(r, "start_date")):
            status = str(r.data.get("status") or "")
            counts[status] = counts.get(status, 0) + 1
    return counts


@dataclass
class PageReview:
    """One WEB-REVIEW submission: its page, dates and how many criteria it met."""

    page: str
    review_date: dt.date | None
    last_news_date: dt.date | None
    criteria: int = 0
    met: int = 0

    @property
    def score(self) -> Decimal | None:
        """Share of criteria met, %, one decimal place."""
        return ratio_pct(self.met, self.criteria)

    @property
    def exact_score(self) -> Decimal | None:
        """Share of criteria met, %, unrounded (means are taken of these)."""
        return Decimal(self.met) * 100 / self.criteria if self.criteria else None


def page_reviews(src: Ledger | RowSource, period: Period | None) -> list[PageReview]:
    """One review per WEB-REVIEW submission dated in the period, by page then date."""
    reviews: dict[int, PageReview] = {}
    for r in row_source(src).rows("WEB-REVIEW"):
        day = field_date(r, "review_date")
        if not within(period, day):
            continue
        review = reviews.get(r.submission_id)
        if review is None:
            review = reviews[r.submission_id] = PageReview(
                str(r.data.get("page") or ""), day, field_date(r, "last_news_date")
            )
        review.criteria += 1
        review.met += 1 if r.data.get("met") is True else 0
    return sorted(reviews.values(), key=lambda e: (e.page, str(e.review_date)))


def mean_completion(src: RowSource, period: Period | None) -> Decimal | None:
    values = [
        as_decimal(r.data.get("completion"))
        for r in rows_in(src, "EMIS-ACTIVATION", "visit_date", period)
    ]
    return mean(v for v in values if v is not None)


def mean_page_score(src: RowSource, period: Period | None) -> Decimal | None:
    scores = [e.exact_score for e in page_reviews(src, period)]
    return mean(s for s in scores if s is not None)


def visits_executed(src: RowSource, period: Period | None) -> int:
    """Executed programme visits (QF70-2-1) plus visit reports received (one per submission)."""
    programme = rows_in(src, "QF70-2-1", "actual_date", period, status=VISIT_DONE)
    return len(programme) + len(submissions_in(src, VISIT_FORMS, "visit_date", period))


_ZERO_MEAN = Decimal("0.0")
_INDICATOR_FUNCTIONS: dict[str, Callable[[RowSource, Period], int | Decimal | None]] = dict(
    zip(
        (name for name, _ in INDICATORS),
        (
            lambda s, p: _maintenance_done(s, p, (REPAIRED, UNREPAIRABLE)),
            lambda s, p: len(rows_in(s, "HD-EXPORT", "closed", p, status=HD_DONE)),
            sites_connected,
            lambda s, p: len(rows_in(s, "FO-FAULTS", "resolved", p, status=FO_DONE)),
            lambda s, p: _quantity(received(s, p)),
            lambda s, p: _quantity(disposal_decided(s, p)),
            lambda s, p: len(rows_in(s, "EMIS-ISSUES", "resolved_on", p, status=ISSUE_SOLVED)),
            mean_completion,
            lambda s, p: initiatives_by_status(s, p)[INITIATIVE_STATUSES[0]],
            mean_page_score,
            visits_executed,
        ),
        strict=True,
    )
)
MEAN_INDICATORS = frozenset({INDICATORS[7][0], INDICATORS[9][0]})
"""Indicators that are mean percentages (to one decimal), not counts."""


def indicator_value(ledger: Ledger | RowSource, indicator: str, period: Period) -> Decimal:
    """The value of one QF12-1 indicator (its Arabic name) for a period.

    Counts are whole numbers; the two means (P7, P9) have one decimal place and
    are 0.0 when nothing was recorded in the period. Cumulative indicators
    (sites connected, active initiatives) are the state at the period's end.
    """
    try:
        function = _INDICATOR_FUNCTIONS[indicator]
    except KeyError:
        raise KeyError(f"unknown indicator {indicator!r}") from None
    value = function(row_source(ledger), period)
    if indicator in MEAN_INDICATORS:
        return _ZERO_MEAN if value is None else Decimal(value)
    return Decimal(value or 0)


# -- the annual plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanLine:
    """One QF12-1 line with what the registers show achieved.

    ``process`` is the process code (``"P1"``), ``process_ar`` its Arabic title as
    written in the plan; ``pct`` is None when the target is 0; ``period`` is the
    period ``achieved`` was computed for.
    """

    process: str
    goal: str
    activity: str
    indicator: str
    target: int
    quarter: str
    responsible: str
    achieved: Decimal
    pct: Decimal | None
    process_ar: str = ""
    period: Period | None = None


_PROCESS_CODES = {p.title_ar: p.code for p in PROCESSES}
_PROCESS_ORDER = {p.code: i for i, p in enumerate(PROCESSES)}


def year_period(year: int, start_month: int = 1) -> Period:
    """The reporting year: from its first quarter's start to its fourth quarter's end."""
    first, last = quarter_period(year, 1, start_month), quarter_period(year, 4, start_month)
    label = f"عام {year}" if start_month == 1 else f"العام {year}/{year + 1}"
    return Period(first.start, last.end, label, f"{year}")


def _plan_matches(year_text: object, year: int, day: dt.date) -> bool:
    """A plan year ``"2026"`` matches 2026; a school year matches when its span holds ``day``."""
    try:
        text = parse_year(str(year_text or ""))
    except ValueError:
        return False
    if "/" not in text:
        return text == str(year)
    start, end = year_span(text)
    return start <= day <= end


def plan_lines(
    ledger: Ledger | RowSource, year: int, quarter: int | None = None, start_month: int = 1
) -> list[PlanLine]:
    """The current QF12-1 lines of a plan year with target, achieved and percentage.

    With a quarter (1–4): the lines of that quarter and those of «طوال العام»;
    a quarter's line is measured over the quarter, an all-year line over the
    year to the quarter's end. Without a quarter: every line, each measured over
    its own quarter, all-year lines over the whole year. The plan of a year is a
    QF12-1 whose year is that calendar year, or a school year holding the
    start of the reported period.
    """
    src = row_source(ledger)
    whole = year_period(year, start_month)
    if quarter is not None:
        reported = quarter_period(year, quarter, start_month)
        wanted = {QUARTERS_AR[quarter - 1], ALL_YEAR}
        year_to_date = date_range(whole.start, reported.end)
    else:
        reported, wanted, year_to_date = whole, set(QUARTERS_AR), whole
    lines: list[tuple[tuple[int, int, int], PlanLine]] = []
    for row in src.rows("QF12-1"):
        data = row.data
        quarter_ar = str(data.get("quarter") or "")
        if quarter_ar not in wanted or not _plan_matches(data.get("year"), year, reported.start):
            continue
        if quarter_ar == ALL_YEAR:
            period = year_to_date
        else:
            period = quarter_period(year, QUARTERS_AR.index(quarter_ar) + 1, start_month)
        indicator = str(data.get("indicator") or "")
        achieved = (
            indicator_value(src, indicator, period)
            if indicator in _INDICATOR_FUNCTIONS
            else Decimal(0)
        )
        target = as_int(data.get("target"))
        process_ar = str(data.get("process") or "")
        code = _PROCESS_CODES.get(process_ar, process_ar)
        line = PlanLine(
            process=code,
            goal=str(data.get("goal") or ""),
            activity=str(data.get("activity") or ""),
            indicator=indicator,
            target=target,
            quarter=quarter_ar,
            responsible=str(data.get("responsible") or ""),
            achieved=achieved,
            pct=ratio_pct(achieved, target),
            process_ar=process_ar,
            period=period,
        )
        order = (_PROCESS_ORDER.get(code, 99), QUARTERS_AR.index(quarter_ar), row.id)
        lines.append((order, line))
    return [line for _, line in sorted(lines, key=lambda item: item[0])]


# -- P1 money, P4 needs ----------------------------------------------------------------------


def spare_parts_spend(src: Ledger | RowSource, period: Period | None) -> Decimal:
    """Sum of QF75-11 costs dated (done, else requested) in the period."""
    source = row_source(src)
    days = source.dates("QF75-11", "done_date", "request_date")
    costs = source.decimals("QF75-11", "cost_jod")
    return sum(
        (cost for cost, day in zip(costs, days, strict=True) if cost and within(period, day)),
        Decimal(0),
    )


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


def _latest_lists(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Rows of each school's latest QF70-2-12 list dated in the period."""
    rows = [r for r in src.rows("QF70-2-12") if within(period, field_date(r, "date"))]
    latest: dict[str, tuple[str, int]] = {}
    for r in rows:
        stamp = (str(r.data.get("date") or ""), r.submission_id)
        if stamp > latest.get(subject_of(r), ("", 0)):
            latest[subject_of(r)] = stamp
    return [r for r in rows if latest[subject_of(r)][1] == r.submission_id]


def shortages(ledger: Ledger | RowSource, period: Period | None = None) -> list[dict[str, object]]:
    """Needs identified: devices short (required − working > 0) in each school's latest
    QF70-2-12 list dated in the period (all time when None)."""
    out = []
    for r in _latest_lists(row_source(ledger), period):
        required, working = as_int(r.data.get("required")), as_int(r.data.get("working"))
        if required > working:
            out.append(
                {
                    "school": subject_of(r),
                    "device_type": str(r.data.get("device_type") or ""),
                    "required": required,
                    "available": as_int(r.data.get("available")),
                    "working": working,
                    "shortage": required - working,
                    "date": field_date(r, "date"),
                    "submission_id": r.submission_id,
                }
            )
    return out


def needs_provided(
    ledger: Ledger | RowSource,
    period: Period | None = None,
    needs: list[dict[str, object]] | None = None,
) -> list[dict[str, object]]:
    """Needs provided: PRJ rows received in the period, each matched to the shortage of
    its school and device type (``matched`` = the part of its quantity that meets an
    identified need, allocated in order of receipt). ``needs`` defaults to
    ``shortages(ledger, period)``."""
    src = row_source(ledger)
    if needs is None:
        needs = shortages(src, period)
    remaining: dict[tuple[str, str], int] = defaultdict(int)
    for need in needs:
        key = (normalize_name(need["school"]), normalize_name(need["device_type"]))
        remaining[key] += int(need["shortage"])  # type: ignore[call-overload]
    arrivals = sorted(
        received(src, period), key=lambda r: (str(r.data.get("received_on") or ""), r.id)
    )
    out = []
    for r in arrivals:
        key = (normalize_name(subject_of(r)), normalize_name(r.data.get("device_type")))
        quantity = as_int(r.data.get("quantity"))
        matched = min(quantity, remaining[key])
        remaining[key] -= matched
        out.append(
            {
                "school": subject_of(r),
                "device_type": str(r.data.get("device_type") or ""),
                "quantity": quantity,
                "matched": matched,
                "tender_no": str(r.data.get("tender_no") or ""),
                "title": str(r.data.get("title") or ""),
                "received_on": field_date(r, "received_on"),
            }
        )
    return out


@dataclass(frozen=True)
class Fulfilment:
    identified: int
    provided: int
    matched: int
    pct: Decimal | None


def fulfilment(ledger: Ledger | RowSource, period: Period | None = None) -> Fulfilment:
    """Needs identified and provided in the period, and the share of needs met (%)."""
    src = row_source(ledger)
    needs = shortages(src, period)
    provided = needs_provided(src, period, needs)
    identified = sum(int(n["shortage"]) for n in needs)  # type: ignore[call-overload]
    matched = sum(int(p["matched"]) for p in provided)  # type: ignore[call-overload]
    total = sum(int(p["quantity"]) for p in provided)  # type: ignore[call-overload]
    return Fulfilment(identified, total, matched, ratio_pct(matched, identified))


# -- key figures of a process ---------------------------------------------------------------------

Figures = list[tuple[str, str]]


def rows_until(
    src: RowSource, form: str, key: str, period: Period | None, **match: object
) -> list[LedgerRow]:
    """Live rows dated (``key``) up to the period's end whose data matches (a backlog)."""
    return [
        r
        for r, day in zip(src.rows(form), src.dates(form, key), strict=True)
        if up_to(period, day) and (not match or all(r.data.get(k) == v for k, v in match.items()))
    ]


def _count(rows: Iterable[object]) -> str:
    return fmt_int(len(list(rows)))


def _figures_p1(src: RowSource, period: Period, references: object) -> Figures:
    requests = submissions_in(src, ("QF75-11", "QF70-2-7"), "request_date", period)
    devices = len(rows_in(src, "QF75-11", "request_date", period))
    devices += _quantity(rows_in(src, "QF70-2-7", "request_date", period))
    backlog = [
        r
        for r in rows_until(src, "QF75-11", "request_date", period)
        if r.data.get("status") not in (REPAIRED, UNREPAIRABLE)
    ]
    figures = [
        ("طلبات الصيانة المستلمة", _count(requests)),
        ("الأجهزة المبلّغ عن أعطالها", fmt_int(devices)),
        ("الأجهزة التي تم إصلاحها", fmt_int(_maintenance_done(src, period, (REPAIRED,)))),
        ("الأجهزة غير القابلة للإصلاح", fmt_int(_maintenance_done(src, period, (UNREPAIRABLE,)))),
        ("أجهزة قيد المعالجة أو بانتظار قطع غيار", _count(backlog)),
        ("كلفة قطع الغيار في الفترة (دينار)", fmt_jod(spare_parts_spend(src, period))),
    ]
    budget = maintenance_budget(references, period.end)
    if budget is None:
        return figures + [("موازنة الصيانة وقطع الغيار (دينار)", NO_BUDGET)]
    total, span = budget
    spent = spare_parts_spend(src, date_range(span.start, period.end))
    return figures + [
        ("موازنة الصيانة وقطع الغيار للسنة (دينار)", fmt_jod(total)),
        ("المصروف منذ بداية السنة (دينار)", fmt_jod(spent)),
        ("المتبقي من الموازنة (دينار)", fmt_jod(total - spent)),
        ("نسبة الصرف من الموازنة", fmt_pct(ratio_pct(spent, total))),
    ]


def _figures_p2(src: RowSource, period: Period, references: object) -> Figures:
    opened = rows_in(src, "HD-EXPORT", "opened", period)
    executed = rows_in(src, "HD-EXPORT", "closed", period, status=HD_DONE)
    days = [
        Decimal((end - start).days)
        for r in executed
        if (start := field_date(r, "opened")) and (end := field_date(r, "closed"))
    ]
    cancelled = [r for r in opened if r.data.get("status") == HD_CANCELLED]
    figures = [
        ("الطلبات الواردة", _count(opened)),
        ("الطلبات المنفذة", _count(executed)),
        ("الطلبات الملغاة", _count(cancelled)),
        ("الطلبات المفتوحة حتى نهاية الفترة", _count(
            rows_until(src, "HD-EXPORT", "opened", period, status=HD_OPEN))),
        ("متوسط مدة التنفيذ (يوم)", str(mean(days) or "—")),
    ]
    by_category = count_by(executed, "category").items()
    figures += [(f"المنفذة حسب التصنيف: {k}", fmt_int(v)) for k, v in by_category]
    top = list(count_by(opened, subject_of).items())[:3]
    if top:
        figures.append(("أكثر المدارس طلباً", "، ".join(f"{k} ({v})" for k, v in top)))
    return figures


def _figures_p3(src: RowSource, period: Period, references: object) -> Figures:
    return [
        ("المواقع الموصولة بالألياف", fmt_int(sites_connected(src, period))),
        ("إجمالي مواقع المشروع", _count(src.rows("FO-SITES"))),
        ("الأعطال المبلّغ عنها", _count(rows_in(src, "FO-FAULTS", "reported", period))),
        ("الأعطال المعالجة", _count(rows_in(src, "FO-FAULTS", "resolved", period, status=FO_DONE))),
        ("الأعطال المفتوحة", _count(
            rows_until(src, "FO-FAULTS", "reported", period, status=FO_OPEN))),
        ("الزيارات الميدانية", _count(
            submissions_in(src, ("QF75-13",), "visit_date", period, purpose=FIBRE_PURPOSE))),
    ]


def _figures_p4(src: RowSource, period: Period, references: object) -> Figures:
    result = fulfilment(src, period)
    return [
        ("المشاريع المنفذة (عطاءات تم استلامها)",
         _count({r.data.get("tender_no") for r in received(src, period)})),
        ("الاحتياجات المحددة (أجهزة ناقصة)", fmt_int(result.identified)),
        ("الاحتياجات الموفرة", fmt_int(result.provided)),
        ("الموفر منها مطابقاً للاحتياجات المحددة", fmt_int(result.matched)),
        ("نسبة تلبية الاحتياجات", fmt_pct(result.pct)),
        ("الزيارات الميدانية", _count(
            submissions_in(src, ("QF75-13",), "visit_date", period, purpose=PROJECTS_PURPOSE))),
    ]


def _figures_p5(src: RowSource, period: Period, references: object) -> Figures:
    decided = disposal_decided(src, period)
    pending = [r for r in rows_until(src, "DISPOSAL", "date", period) if r.decision_id is None]
    listed = rows_in(src, "DISPOSAL", "date", period)
    return [
        ("المواد المدرجة في كشوف الإتلاف", fmt_int(_quantity(listed))),
        ("المواد المتلفة بقرار", fmt_int(_quantity(decided))),
        ("قرارات لجنة الإتلاف", _count({r.decision_id for r in decided})),
        ("مواد بانتظار قرار اللجنة", fmt_int(_quantity(pending))),
    ]


def _figures_p6(src: RowSource, period: Period, references: object) -> Figures:
    logged = rows_in(src, "EMIS-ISSUES", "date", period)
    return [
        ("المشكلات المسجلة", _count(logged)),
        ("المشكلات المحلولة", _count(
            rows_in(src, "EMIS-ISSUES", "resolved_on", period, status=ISSUE_SOLVED))),
        ("المحولة إلى مركز الملكة رانيا", _count(
            r for r in logged if r.data.get("status") == ISSUE_REFERRED)),
        ("مشكلات قيد المعالجة", _count(
            rows_until(src, "EMIS-ISSUES", "date", period, status=ISSUE_PENDING))),
        ("تحديثات الأنظمة", _count(rows_in(src, "EMIS-UPDATES", "date", period))),
    ]


def _figures_p7(src: RowSource, period: Period, references: object) -> Figures:
    rows = rows_in(src, "EMIS-ACTIVATION", "visit_date", period)
    return [
        ("زيارات المتابعة", _count({r.submission_id for r in rows})),
        ("المدارس التي تمت زيارتها", _count({subject_of(r) for r in rows})),
        ("الوظائف المتابعة", _count(rows)),
        ("الوظائف المفعلة", _count(r for r in rows if r.data.get("activated") is True)),
        ("متوسط نسبة الإنجاز", fmt_pct(mean_completion(src, period))),
    ]


def _figures_p8(src: RowSource, period: Period, references: object) -> Figures:
    counts = initiatives_by_status(src, period)
    active = rows_until(src, "INITIATIVES", "start_date", period, status=INITIATIVE_STATUSES[0])
    return [
        ("المبادرات الفعالة", fmt_int(counts[INITIATIVE_STATUSES[0]])),
        ("المبادرات المتوقفة", fmt_int(counts[INITIATIVE_STATUSES[1]])),
        ("المبادرات المنتهية", fmt_int(counts[INITIATIVE_STATUSES[2]])),
        ("مبادرات بدأت في الفترة", _count(rows_in(src, "INITIATIVES", "start_date", period))),
        ("المشاركون في المبادرات الفعالة",
         fmt_int(sum(as_int(r.data.get("participants")) for r in active))),
    ]


def _figures_p9(src: RowSource, period: Period, references: object) -> Figures:
    reviews = page_reviews(src, period)
    return [
        ("الصفحات التي تمت مراجعتها", _count({e.page for e in reviews})),
        ("المراجعات", _count(reviews)),
        ("متوسط نسبة تحقق المعايير", fmt_pct(mean_page_score(src, period))),
        ("صفحات تحقق جميع المعايير", _count({e.page for e in reviews if e.score == 100})),
    ]


def _figures_p10(src: RowSource, period: Period, references: object) -> Figures:
    library = rows_in(src, "QF70-2-3", "month", period)
    labs = rows_in(src, "QF70-2-22", "month", period)
    loans = sum(as_int(r.data.get("loans_students")) + as_int(r.data.get("loans_teachers"))
                for r in library)
    executed = sum(as_int(r.data.get("executed")) for r in labs)
    planned = sum(as_int(r.data.get("planned")) for r in labs)

    def visits(form: str) -> str:
        return _count(submissions_in(src, (form,), "visit_date", period))

    return [
        ("التقارير الشهرية للمكتبات", _count(library)),
        ("زيارات مسؤول المكتبات", visits("QF70-2-9")),
        ("زيارات المختبرات", visits("QF70-2-17")),
        ("زيارات متابعة الوسائل التعليمية", visits("QF70-2-40")),
        ("الزيارات المنفذة من البرنامج", _count(
            rows_in(src, "QF70-2-1", "actual_date", period, status=VISIT_DONE))),
        ("إعارات المكتبات (طلبة ومعلمون)", fmt_int(loans)),
        ("إعارات الأشرطة والوسائل", _count(rows_in(src, "QF70-2-8", "loan_date", period))),
        ("الوسائل التعليمية المنتجة", _count(rows_in(src, "QF70-2-43", "date", period))),
        ("التجارب المخبرية المنفذة من المخططة", f"{fmt_int(executed)} / {fmt_int(planned)}"),
    ]


def _figures_plan(src: RowSource, period: Period, references: object) -> Figures:
    values = {name: indicator_value(src, name, period) for name in _INDICATOR_FUNCTIONS}
    return [
        (name, fmt_pct(value) if name in MEAN_INDICATORS else fmt_int(value))
        for name, value in values.items()
    ]


_FIGURES: dict[str, Callable[[RowSource, Period, object], Figures]] = {
    "P1": _figures_p1,
    "P2": _figures_p2,
    "P3": _figures_p3,
    "P4": _figures_p4,
    "P5": _figures_p5,
    "P6": _figures_p6,
    "P7": _figures_p7,
    "P8": _figures_p8,
    "P9": _figures_p9,
    "P10": _figures_p10,
    "PLAN": _figures_plan,
}


def process_figures(
    ledger: Ledger | RowSource, process: str, period: Period, references: object = None
) -> list[tuple[str, str]]:
    """The key figures of a process (P1–P10, or PLAN for all eleven indicators) for a
    period, as (Arabic label, formatted value). ``references`` (a
    :class:`~automation.reference.References`) gives P1's budget; None means none."""
    try:
        function = _FIGURES[process]
    except KeyError:
        raise KeyError(f"unknown process {process!r}") from None
    return function(row_source(ledger), period, references)
