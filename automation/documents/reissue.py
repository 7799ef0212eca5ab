"""A period report written again after records of its period arrived late (issue 24).

A report of a period that had ended is recorded when written (the ledger's
``report_issues``: its kind, its period, when first and last written). Written again, it
says so on its first page, with how many records arrived late: records dated inside the
period that arrived after its first issue (docs/FIGURES.md, "as of the period's end").
The scheduled jobs (:mod:`automation.service.jobs`) write a quarter's report again when
records dated inside the quarter arrive after it was last written
(:func:`late_reports`).

What counts as a record that arrived late: a live row of a form the report reads (every
form for the quarterly achievements report), dated inside the period, whose file arrived
after the issue; a keyed row (a Help Desk ticket) sent again in a later export is not one
when a row with its key had arrived by then.
"""

from __future__ import annotations

import datetime as dt
import re

from automation.core.periods import Calendar, Period, parse_period
from automation.documents.kinds import BY_KEY, DocumentSpec
from automation.ledger.store import Ledger
from automation.text.dates import format_date

REISSUED_SHAPES = ("process-period", "quarter")
"""The kinds of document that are a period's report (made of a period's figures)."""
_QUARTER = re.compile(r"\d{4}-Q[1-4]")


def forms_of(spec: DocumentSpec) -> tuple[str, ...] | None:
    """The forms whose rows a report reads: its process's (and those it reads of
    others); None for the quarterly achievements report (every form)."""
    if not spec.process:
        return None
    from automation.processes import PROCESSES

    process = PROCESSES[spec.process]
    return tuple(dict.fromkeys((*process.sheets, *process.reads)))


def _ended(period: Period, now: dt.datetime) -> bool:
    return now.date() > period.end


def _day(stamp: str) -> str:
    try:
        return format_date(dt.datetime.fromisoformat(stamp).date())
    except ValueError:
        return stamp[:10]


def reissue_context(
    ledger: Ledger, spec: DocumentSpec, period: Period, now: dt.datetime
) -> dict[str, object]:
    """``reissued``: what the report says on its first page when it was written before
    for this period, after the period ended ("" the first time); ``late_records``: how
    many records arrived late (dated inside the period, arrived after its first issue)."""
    issued = ledger.report_issue(spec.key, period.slug) if _ended(period, now) else None
    if issued is None:
        return {"reissued": "", "late_records": 0}
    first, _latest = issued
    late = ledger.late_records(forms_of(spec), period.start, period.end, first)
    said = (f"وردت بعد إصداره الأول {late} من السجلات المؤرخة داخل الفترة، وهي محسوبة فيه."
            if late else "ولم يرد بعد إصداره الأول أي سجل مؤرخ داخل الفترة، فأرقامه كما صدرت.")
    return {
        "reissued": f"أُعيد إصدار هذا التقرير بتاريخ {format_date(now.date())}، وكان قد صدر "
                    f"أول مرة بتاريخ {_day(first)}؛ {said}",
        "late_records": late,
    }


def record_issue(ledger: Ledger, spec: DocumentSpec, period: Period, now: dt.datetime) -> None:
    """The report of an ended period written at ``now`` (a report of a period still
    under way is not an issue: records arriving in it are not late)."""
    if _ended(period, now):
        ledger.record_report_issue(spec.key, period.slug, now)


def late_reports(
    ledger: Ledger, kinds: set[str], calendar: Calendar
) -> list[tuple[DocumentSpec, Period, int]]:
    """The quarter reports of ``kinds`` to write again: records dated inside their quarter
    arrived after they were last written. Each with the records that arrived since."""
    out = []
    for kind, slug, _first, latest in ledger.report_issues():
        spec = BY_KEY.get(kind)
        if spec is None or kind not in kinds or not _QUARTER.fullmatch(slug):
            continue
        try:
            period = parse_period(slug, calendar)
        except ValueError:
            continue
        arrived = ledger.late_records(forms_of(spec), period.start, period.end, latest)
        if arrived:
            out.append((spec, period, arrived))
    return out
