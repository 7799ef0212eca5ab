"""One way to make any declared document (:mod:`automation.documents.kinds`).

``make(kind, dept, ledger, subject, clock=…)`` builds the kind's context as its
declaration says, renders its template into its ``outbox/`` folder under its file name
(an earlier copy moves to ``outbox/.previous/``) and records it in the ledger. The
subject is what the kind is made of: a submission id (a visit report, a technical
report, minutes, a rejection letter), a period (the periodic reports) or a day (the
digest).

A document of one submission is made from a submission :func:`load_submission` finds
with the outcome its declaration owes it to: an accepted form (visit, technical,
minutes), a rejected one (the letter). Anything else is refused with the same error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automation.catalog.reference import References
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.core.periods import DEFAULT_CALENDAR, Calendar, Period
from automation.documents.context import references_of
from automation.documents.kinds import DocumentSpec, PerSubmission, document, resolve
from automation.documents.outbox import name_parts, produce
from automation.documents.reissue import REISSUED_SHAPES, record_issue, reissue_context
from automation.documents.render import DEFAULT_TIMEOUT, prepare
from automation.ledger.store import Ledger

_PLACE = re.compile(r"(\{\w+\})")

OUTCOMES_AR = {"accepted": "مقبولاً", "rejected": "مرفوضاً"}


def file_stem(pattern: str, parts: dict[str, object]) -> str:
    """A declaration's file name (``{date}-{form}-{school}``) with ``parts`` put in: each
    part made safe for a file name, empty ones left out, joined by ``-``."""
    pieces: list[object] = []
    for piece in _PLACE.split(pattern):
        if _PLACE.fullmatch(piece):
            pieces.append(parts.get(piece[1:-1], ""))
        elif piece.strip("-"):
            pieces.append(piece.strip("-"))
    return name_parts(*pieces)


def folder_of(dept: Department, spec: DocumentSpec, **parts: object) -> Path:
    """The kind's folder in ``outbox/`` (``staff/{year}`` with its year put in)."""
    return dept.outbox / spec.folder.format(**parts)


def load_submission(ledger: Ledger, submission_id: int, spec: DocumentSpec) -> Any:
    """The submission a per-submission document is made of: it exists, is one of the
    forms the kind is owed for and ended as the kind needs (accepted, or rejected for a
    letter). Raises :class:`EtiError` (``no-submission`` / ``not-<kind>``) otherwise."""
    trigger = spec.trigger
    assert isinstance(trigger, PerSubmission), spec.key
    submission = ledger.submission(submission_id)
    if submission is None:
        raise EtiError(f"there is no submission {submission_id}",
                       f"لا يوجد نموذج وارد برقم {submission_id}.", code="no-submission")
    code = str(submission["form"] or "")
    forms: tuple[str, ...] = resolve(trigger.forms) if trigger.forms else ()
    if (forms and code not in forms) or submission["outcome"] != trigger.outcome:
        wanted = "، ".join(forms) if forms else "نموذج"
        raise EtiError(
            f"submission {submission_id} ({code or 'unknown form'}, {submission['outcome']}) "
            f"gets no {spec.title_en}: one is made of {trigger.outcome} "
            f"{' / '.join(forms) or 'any'} forms",
            f"النموذج الوارد رقم {submission_id} ({code or 'غير معروف'}) لا يُصدر له "
            f"«{spec.name_ar}»: يُصدر لنموذج {wanted} {OUTCOMES_AR.get(trigger.outcome, '')}.",
            code=f"not-{spec.key}",
        )
    return submission


def quarter_numbers(period: Period, calendar: Calendar) -> tuple[int, int]:
    """(year, number) of a quarter of ``calendar``; EtiError for any other period."""
    for year in (period.start.year - 1, period.start.year):
        for number in (1, 2, 3, 4):
            if calendar.quarter(year, number) == period:
                return year, number
    raise EtiError(
        f"{period.slug} is not a quarter: this report is made for a quarter (2026-Q1)",
        f"الفترة «{period.label_ar}» ليست ربعاً: يُعدّ هذا التقرير لربع (مثل 2026-Q1).",
        code="not-a-quarter",
    )


@dataclass(frozen=True)
class Ahead:
    """The values of a document of one submission, worked out (and cleaned) before its
    turn: while the render worker wrote the document before it."""

    kind: str
    subject: int
    context: dict[str, Any]
    parts: dict[str, str]


def ahead(kind: str, dept: Department, ledger: Ledger, subject: int, *, clock: Clock,
          references: References | None = None) -> Ahead:
    """:class:`Ahead` of a document of a submission (``shape`` ``submission``); raises
    as :func:`make` would."""
    from automation.documents.render import Cleaned, clean_value

    spec = document(kind)
    assert spec.shape == "submission", kind
    submission = load_submission(ledger, subject, spec)
    context, parts = resolve(spec.context)(dept, ledger, submission,
                                           references_of(dept, references),
                                           day=clock.now().date())
    return Ahead(kind, subject, Cleaned(clean_value(context)), parts)


def make(
    kind: str,
    dept: Department,
    ledger: Ledger,
    subject: int | Period | dt.date,
    *,
    clock: Clock,
    references: References | None = None,
    calendar: Calendar = DEFAULT_CALENDAR,
    timeout: float = DEFAULT_TIMEOUT,
    figures: object = None,
    worked_out: Ahead | None = None,
) -> Path | None:
    """Make one document of ``kind`` of ``subject`` (a submission id, a period or a day);
    returns its path (None: a rejection letter to no known school). ``figures``: the
    ministry's report's figures when already worked out; ``worked_out``: its values,
    when worked out ahead (:func:`ahead`)."""
    spec = document(kind)
    if worked_out is not None and (worked_out.kind, worked_out.subject) == (kind, subject):
        return produce(dept, ledger, kind=spec.key, template=spec.template.file,
                       context=worked_out.context, folder=folder_of(dept, spec),
                       stem=file_stem(spec.file, worked_out.parts), clock=clock,
                       submission_id=worked_out.subject, timeout=timeout)
    prepare()  # the render worker gets ready while the context is worked out
    refs = references_of(dept, references)
    issued_at = clock.now()  # what the ledger held until now is in it
    today = issued_at.date()
    build = resolve(spec.context)
    submission_id: int | None = None
    if spec.shape in ("submission", "numbered-letter"):
        assert isinstance(subject, int), kind
        submission = load_submission(ledger, subject, spec)
        if spec.shape == "numbered-letter":
            from automation.documents.letters import write_rejection_letter

            return write_rejection_letter(spec, dept, ledger, submission, refs, clock=clock,
                                          timeout=timeout)
        submission_id = subject
        context, parts = build(dept, ledger, submission, refs, day=today)
    elif spec.shape == "day":
        assert isinstance(subject, dt.date), kind
        context, parts = build(dept, ledger, subject, refs), {"day": subject.isoformat()}
    elif spec.shape in ("process-period", "quarter", "directorates"):
        assert isinstance(subject, Period), kind
        parts = {"period": subject.slug}
        if spec.shape == "process-period":
            from automation.documents.reports import report_context

            context = report_context(dept, ledger, spec.command.split()[-1], subject, refs,
                                     day=today)
        elif spec.shape == "quarter":
            year, number = quarter_numbers(subject, calendar)
            context = build(dept, ledger, year, number, refs, day=today, calendar=calendar)
        else:
            if figures is None:
                from automation.processes.ministry import ministry_figures

                figures = ministry_figures(dept, subject, calendar)
            context = build(dept, figures, refs, day=today)
    else:
        raise ValueError(f"{kind} is made by `eti {spec.command}`, not by make()")
    if spec.shape in REISSUED_SHAPES:  # a past period's report written again says so
        assert isinstance(subject, Period), kind
        context = {**context, **reissue_context(ledger, spec, subject, issued_at)}
    path = produce(dept, ledger, kind=spec.key, template=spec.template.file, context=context,
                   folder=folder_of(dept, spec), stem=file_stem(spec.file, parts), clock=clock,
                   submission_id=submission_id, timeout=timeout)
    if spec.shape in REISSUED_SHAPES:
        record_issue(ledger, spec, subject, issued_at)  # type: ignore[arg-type]
    return path


def make_of(kind: str) -> Any:
    """``make`` of one kind, called as its module's ``make_*`` function always was:
    ``(dept, ledger, subject, *, clock, references=None, timeout=…)``."""

    def make_kind(dept: Department, ledger: Ledger, subject: Any, **options: Any) -> Any:
        return make(kind, dept, ledger, subject, **options)

    make_kind.__name__ = f"make_{kind.replace('-', '_')}"
    make_kind.__doc__ = f"Make the {document(kind).title_en} of ``subject``."
    return make_kind
