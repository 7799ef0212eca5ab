"""Reminder letters to schools that have not sent the forms they owe (issue 25).

``eti letter reminder --period 2026-11`` writes one numbered letter per school that owes
something in the period (every form it owes in one letter), or with ``--circular`` one
circular listing the schools. Each letter takes its number from the outgoing register
(:mod:`automation.documents.correspondence`) and is what records the reminder: its subject
names each form and period (``QF70-2-3 عن 2026-11``), so the collection register shows the
date of the last reminder beside a missing cell, and a second reminder for the same form
and period says «تذكير ثانٍ».
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from automation.catalog.reference import References
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.core.periods import Period
from automation.documents.context import form_text
from automation.documents.correspondence import Sent, _send
from automation.documents.kinds import LETTER_REMINDER, LETTER_REMINDER_CIRCULAR
from automation.documents.render import DEFAULT_TIMEOUT
from automation.ledger.store import Ledger
from automation.processes import collection as coll

log = logging.getLogger(__name__)

CIRCULAR_TO = "حضرات مديري ومديرات المدارس المعنية المحترمين"
ORDINALS_AR = ("تذكير أول", "تذكير ثانٍ", "تذكير ثالث", "تذكير رابع", "تذكير خامس")


def ordinal_ar(n: int) -> str:
    """«تذكير أول», «تذكير ثانٍ» … for the ``n``-th reminder of a form and period."""
    return ORDINALS_AR[n - 1] if 1 <= n <= len(ORDINALS_AR) else f"التذكير رقم {n}"


def _item(entry: coll.Entry) -> dict[str, Any]:
    return {"school": entry.school, "form": form_text(entry.form),
            "period": entry.slot.label_ar, "due": f"{entry.slot.due:%d/%m/%Y}",
            "days": entry.days_overdue, "state": entry.state_ar,
            "ordinal": ordinal_ar(len(entry.reminders) + 1)}


def _letter_subject(entries: list[coll.Entry]) -> str:
    again = max(len(e.reminders) for e in entries) + 1
    first = "تذكير" if again == 1 else ordinal_ar(again)
    return f"{first} بإرسال النماذج المطلوبة"


def _note(entries: list[coll.Entry]) -> str:
    again = [e for e in entries if e.reminders]
    if not again:
        return ""
    return ("سبق تذكيركم بـ " + "، ".join(
        f"{e.form} عن {e.slot.label_ar} ({e.reminders[-1]:%d/%m/%Y})" for e in again) + ".")


def reminder_context(entries: list[coll.Entry], circular: bool) -> dict[str, Any]:
    """The variables of a reminder letter (besides the letterhead's and the number)."""
    return {"items": [_item(e) for e in entries], "letter_subject": _letter_subject(entries),
            "note": _note(entries), "school": "" if circular else entries[0].school}


def owing_in(dept: Department, ledger: Ledger, period: Period, *, today: dt.date,
             form: str | None = None, references: References | None = None
             ) -> list[coll.Entry]:
    """What schools owe in the period as of ``today``, school by school (the school list's
    order), each school's forms in catalog order."""
    entries = coll.entries_of(dept, ledger, today, period, forms=(form,) if form else (),
                              references=references)
    return [e for e in entries if e.owing]


def nothing_owed(period: Period) -> EtiError:
    return EtiError(
        f"no school owes a form of {period.slug} past its due day: no reminder was written",
        f"لا توجد مدارس متأخرة في إرسال نماذج الفترة «{period.label_ar}»، فلم يُكتب أي كتاب "
        "تذكير. راجع القائمة بالأمر eti missing.",
        code="nothing-owed",
    )


def make_reminders(
    dept: Department,
    ledger: Ledger,
    *,
    period: Period,
    clock: Clock,
    form: str | None = None,
    circular: bool = False,
    references: References | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[Sent]:
    """One numbered letter per school that owes (or one circular); raises
    :class:`EtiError` when nobody owes anything in the period."""
    owed = owing_in(dept, ledger, period, today=clock.now().date(), form=form,
                    references=references)
    if not owed:
        raise nothing_owed(period)
    if circular:
        pairs = list(dict.fromkeys((e.form, e.slot.slug) for e in owed))
        return [_send(dept, ledger, LETTER_REMINDER_CIRCULAR, process="P10", to=CIRCULAR_TO,
                      subject=coll.reminder_subject(pairs),
                      extra=reminder_context(owed, circular=True), stem="تعميم-تذكير",
                      clock=clock, references=references, timeout=timeout)]
    by_school: dict[str, list[coll.Entry]] = defaultdict(list)
    for entry in owed:
        by_school[entry.school].append(entry)
    sent = []
    for school, entries in by_school.items():
        pairs = [(e.form, e.slot.slug) for e in entries]
        sent.append(_send(dept, ledger, LETTER_REMINDER, process="P10",
                          to=coll.SCHOOL_PREFIX + school, subject=coll.reminder_subject(pairs),
                          extra=reminder_context(entries, circular=False),
                          stem=f"كتاب-تذكير-{school}", clock=clock, references=references,
                          timeout=timeout))
    log.info("reminders for %s: %d letters", period.slug, len(sent))
    return sent


# -- the daily digest's «لم ترد بعد» ---------------------------------------------------------

LONGEST_SHOWN = 5
"""How many of the longest-overdue schools the digest names."""


def missing_context(dept: Department, ledger: Ledger, day: dt.date,
                    refs: References | None = None) -> dict[str, Any]:
    """The digest's short «لم ترد بعد» section: what is owed this school year as of ``day``,
    counted per form, and the longest-overdue schools named (empty when it cannot be
    worked out: the digest goes on without it)."""
    try:
        entries = coll.owing(coll.entries_of(dept, ledger, day, references=refs))
    except Exception as exc:  # never lose the digest for it
        log.error("the digest's «لم ترد بعد» section was left out: %s", exc)
        entries = []
    forms = [{"form": form_text(tally.form),
              "missing": tally.missing, "rejected": tally.rejected}
             for tally in coll.owing_by_form(entries)]
    longest = [{"school": e.school, "form": e.form, "period": e.slot.label_ar,
                "days": e.days_overdue} for e in entries[:LONGEST_SHOWN]]
    return {"missing_forms": forms, "missing_count": len(entries), "missing_longest": longest}
