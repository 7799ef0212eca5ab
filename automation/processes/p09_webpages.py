"""P9 — administrative systems, the ministry website and e-government (QP-70-2 §5.2/9).

Inputs: the directorate's and schools' web pages, reviewed against the set
criteria (WEB-REVIEW), the e-services each page offers and when they were activated
(E-SERVICES), and the feedback the pages and systems receive (FEEDBACK). Outputs: an
updated site, and reports on how well each page meets the criteria (its score: the
share of criteria met), the services activated and the feedback handled.

E-SERVICES is a running list: its latest copy says which services a page offers; a
service counts as activated at a period's end when it is marked activated and its
activation date (if given) is not after it. Feedback is handled when it is closed
(«مغلقة»), in the period of its closing date (docs/FIGURES.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from automation.catalog.forms import CATALOG
from automation.core.periods import Period
from automation.ledger.store import LedgerRow
from automation.processes.definition import (
    TOTAL,
    Block,
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
    ratio_pct,
    record_of,
    rows_in,
    text_of,
    up_to,
    within,
)
from automation.text.arabic import normalize_name

REVIEWS = "WEB-REVIEW"
SERVICES = "E-SERVICES"
FEEDBACK = "FEEDBACK"
KINDS = CATALOG.form(FEEDBACK).field("kind").choices
NEW, IN_HAND, CLOSED = CATALOG.form(FEEDBACK).field("status").choices

MEAN_SCORE = "متوسط نسبة تحقق المعايير"
ACTIVATED = "الخدمات الإلكترونية المفعلة"
HANDLED = "التغذية الراجعة المعالجة"


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


def page_reviews(src: RowSource, period: Period | None) -> list[PageReview]:
    """One review per WEB-REVIEW submission dated in the period, by page then date."""
    reviews: dict[int, PageReview] = {}
    for r, day in zip(src.rows(REVIEWS), src.dates(REVIEWS, "review_date"), strict=True):
        if not within(period, day):
            continue
        review = reviews.get(r.submission_id)
        if review is None:
            review = reviews[r.submission_id] = PageReview(
                str(r.data.get("page") or ""), day, field_date(r, "last_news_date"))
        review.criteria += 1
        review.met += 1 if r.data.get("met") is True else 0
    return sorted(reviews.values(), key=lambda e: (e.page, str(e.review_date)))


def latest_reviews(reviews: list[PageReview]) -> list[PageReview]:
    """Each page's latest review among ``reviews`` (a page reviewed twice counts once)."""
    latest: dict[str, PageReview] = {}
    for review in reviews:  # by page, then date: the last of a page is its latest
        latest[normalize_name(review.page)] = review
    return list(latest.values())


def mean_score(reviews: list[PageReview]) -> Decimal | None:
    """The mean share of criteria met over the pages reviewed, each page by its latest
    review in the period (docs/FIGURES.md); None over none."""
    return mean(e.exact_score for e in latest_reviews(reviews))


def unmet(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Criteria not met in the reviews of the period."""
    return [r for r in rows_in(src, REVIEWS, "review_date", period)
            if r.data.get("met") is not True]


@dataclass
class PageServices:
    """The e-services of one page (the latest E-SERVICES list) at a period's end."""

    page: str
    services: int = 0
    activated: int = 0
    activated_in_period: int = 0

    @property
    def pct(self) -> Decimal | None:
        return ratio_pct(self.activated, self.services)


SERVICE = record_of("page", "service")
"""One e-service across the copies of the list: its page and name."""


def services_by_page(src: RowSource, period: Period | None) -> list[PageServices]:
    """Each page's services listed and activated by the period's end (activated in it too),
    by page: the list as it stood at the period's end (docs/FIGURES.md, "as of the period's
    end"), an activation counted from its date."""
    pages: dict[str, PageServices] = {}
    for r in src.rows_as_of(SERVICES, period.end if period else None, SERVICE,
                            "activated_on"):
        day = field_date(r, "activated_on")
        page = text_of(r, "page")
        entry = pages.get(page) or pages.setdefault(page, PageServices(page))
        entry.services += 1
        if r.data.get("activated") is True and up_to(period, day):
            entry.activated += 1
            if period is not None and within(period, day):
                entry.activated_in_period += 1
    return sorted(pages.values(), key=lambda e: e.page)


def feedback_received(src: RowSource, period: Period | None) -> list[LedgerRow]:
    return rows_in(src, FEEDBACK, "date", period)


def feedback_handled(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Feedback closed in the period (by its closing date)."""
    return rows_in(src, FEEDBACK, "closed_on", period, status=CLOSED)


def feedback_open(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Feedback received by the period's end and not closed by then, oldest first."""
    rows = [
        r for r, got, closed in zip(src.rows(FEEDBACK), src.dates(FEEDBACK, "date"),
                                    src.dates(FEEDBACK, "closed_on"), strict=True)
        if up_to(period, got) and not (r.data.get("status") == CLOSED and up_to(period, closed))
    ]
    return sorted(rows, key=lambda r: (text_of(r, "date"), r.id))


@dataclass
class KindFeedback:
    """The feedback of one kind: received and handled in a period, open at its end."""

    kind: str
    received: int = 0
    handled: int = 0
    open: int = 0


def feedback_by_kind(src: RowSource, period: Period | None) -> list[KindFeedback]:
    """Feedback received, handled (closed) in the period and still open at its end, per kind
    (the catalog's kinds first, then others as typed); kinds with none left out."""
    kinds = {k: KindFeedback(k) for k in KINDS}
    for name, rows in (("received", feedback_received(src, period)),
                       ("handled", feedback_handled(src, period)),
                       ("open", feedback_open(src, period))):
        for r in rows:
            entry = kinds.setdefault(text_of(r, "kind"), KindFeedback(text_of(r, "kind")))
            setattr(entry, name, getattr(entry, name) + 1)
    return [k for k in kinds.values() if k.received or k.handled or k.open]


FEEDBACK_BY_KIND = Table("p9.feedback_by_kind", "التغذية الراجعة حسب النوع", feedback_by_kind)


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    reviews = page_reviews(src, period)
    services = services_by_page(src, period)
    return [
        Figure.keyed("p9.pages_reviewed", "الصفحات التي تمت مراجعتها", "distinct",
            len({e.page for e in reviews})),
        Figure.keyed("p9.reviews", "المراجعات", "flow", len(reviews)),
        Figure.keyed("p9.mean_score", MEAN_SCORE, "mean", mean_score(reviews)),
        Figure.keyed("p9.pages_all_met", "صفحات تحقق جميع المعايير", "distinct",
               len({e.page for e in reviews if e.score == 100})),
        Figure.keyed("p9.criteria_met", "المعايير المتحققة في المراجعات", "flow",
            sum(e.met for e in reviews)),
        Figure.keyed("p9.services_listed", "الخدمات الإلكترونية المدرجة", "stock",
            sum(e.services for e in services)),
        Figure.keyed("p9.services_activated", ACTIVATED, "stock",
            sum(e.activated for e in services)),
        Figure.keyed("p9.services_activated_in_period", "الخدمات المفعلة خلال الفترة", "flow",
               sum(e.activated_in_period for e in services)),
        Figure.keyed("p9.feedback_received", "التغذية الراجعة الواردة", "flow",
            len(feedback_received(src, period))),
        Figure.keyed("p9.feedback_handled", HANDLED, "flow", len(feedback_handled(src, period))),
        Figure.keyed("p9.feedback_open", "التغذية الراجعة غير المغلقة حتى نهاية الفترة", "stock",
               len(feedback_open(src, period))),
    ]


def summary(ctx: SummaryContext) -> list[Block]:
    latest = {review.page: review for review in page_reviews(ctx.src, None)}
    rows = [[r.page, r.review_date, r.criteria, r.met, (r.score, "pct"), r.last_news_date]
            for r in latest.values()]
    services = [[e.page, e.services, e.activated, (e.pct, "pct")]
                for e in services_by_page(ctx.src, None)]
    feedback: dict[str, list[int]] = {}
    for r in ctx.fed.get(FEEDBACK, []):
        counts = feedback.setdefault(text_of(r, "kind"), [0, 0, 0])
        status = text_of(r, "status")
        counts[(NEW, IN_HAND, CLOSED).index(status) if status in (NEW, IN_HAND, CLOSED)
               else 0] += 1
    order = {k: i for i, k in enumerate(KINDS)}
    return [Block("نتيجة كل صفحة (آخر مراجعة)",
                  ["الصفحة", "تاريخ المراجعة", "المعايير", "المتحققة", "النسبة (%)",
                   "تاريخ آخر خبر"], rows, ["text", "date", "int", "int", "pct", "date"]),
            Block("الخدمات الإلكترونية حسب الصفحة",
                  ["الصفحة", "الخدمات", "المفعلة", "نسبة التفعيل (%)"], services),
            Block("التغذية الراجعة حسب النوع والحالة", ["النوع", NEW, IN_HAND, CLOSED, TOTAL],
                  with_total([[k, *v, sum(v)] for k, v in sorted(
                      feedback.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))]),
                  total=bool(feedback))]


PROCESS = ProcessDef(
    code="P9",
    forms=(REVIEWS, SERVICES, FEEDBACK),
    figures=figures,
    indicators=(Indicator("متوسط نسبة تحقق معايير الصفحات", "p9.mean_score", "mean", (REVIEWS,)),),
    summary=summary,
    tables=(FEEDBACK_BY_KIND,),
)
