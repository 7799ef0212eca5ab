"""P9 — administrative systems, the ministry website and e-government (QP-70-2 §5.2/9).

Inputs: the directorate's and schools' web pages, reviewed against the set
criteria (WEB-REVIEW). Outputs: an updated site, and reports on how well each
page meets the criteria (its score: the share of criteria met).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from automation.core.periods import Period
from automation.ledger.store import LedgerRow
from automation.processes.definition import Block, Indicator, ProcessDef, SummaryContext
from automation.processes.figures import (
    Figure,
    RowSource,
    field_date,
    mean,
    ratio_pct,
    rows_in,
    within,
)

REVIEWS = "WEB-REVIEW"

MEAN_SCORE = "متوسط نسبة تحقق المعايير"


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
    for r in src.rows(REVIEWS):
        day = field_date(r, "review_date")
        if not within(period, day):
            continue
        review = reviews.get(r.submission_id)
        if review is None:
            review = reviews[r.submission_id] = PageReview(
                str(r.data.get("page") or ""), day, field_date(r, "last_news_date"))
        review.criteria += 1
        review.met += 1 if r.data.get("met") is True else 0
    return sorted(reviews.values(), key=lambda e: (e.page, str(e.review_date)))


def unmet(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Criteria not met in the reviews of the period."""
    return [r for r in rows_in(src, REVIEWS, "review_date", period)
            if r.data.get("met") is not True]


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    reviews = page_reviews(src, period)
    return [
        Figure("الصفحات التي تمت مراجعتها", "distinct", len({e.page for e in reviews})),
        Figure("المراجعات", "flow", len(reviews)),
        Figure(MEAN_SCORE, "mean", mean(e.exact_score for e in reviews)),
        Figure("صفحات تحقق جميع المعايير", "distinct",
               len({e.page for e in reviews if e.score == 100})),
    ]


def summary(ctx: SummaryContext) -> list[Block]:
    latest = {review.page: review for review in page_reviews(ctx.src, None)}
    rows = [[r.page, r.review_date, r.criteria, r.met, (r.score, "pct"), r.last_news_date]
            for r in latest.values()]
    return [Block("نتيجة كل صفحة (آخر مراجعة)",
                  ["الصفحة", "تاريخ المراجعة", "المعايير", "المتحققة", "النسبة (%)",
                   "تاريخ آخر خبر"], rows, ["text", "date", "int", "int", "pct", "date"])]


PROCESS = ProcessDef(
    code="P9",
    forms=(REVIEWS,),
    figures=figures,
    indicators=(Indicator("متوسط نسبة تحقق معايير الصفحات", MEAN_SCORE, "mean", (REVIEWS,)),),
    summary=summary,
)
