"""The minutes of a meeting (محضر اجتماع) as a printable document, with signature lines.

The pipeline makes one for every accepted MEETING form (``outbox/minutes/``); its
decisions are the tasks the follow-up (TASKS register) shows, owner by owner.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from automation.catalog.forms import CATALOG
from automation.catalog.reference import References
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.documents.context import common_context, references_of, show_date, show_field
from automation.documents.outbox import name_parts, produce
from automation.documents.render import DEFAULT_TIMEOUT
from automation.ledger.store import Ledger
from automation.processes.office import MEETING

DOCUMENT_KIND = "meeting-minutes"
TEMPLATE = "meeting_minutes.docx"
MINUTES_FORMS: tuple[str, ...] = (MEETING,)
_NAMES_SPLIT = re.compile(r"\s*(?:[،,;؛\n]|\s-\s)\s*")


def minutes_folder(dept: Department) -> Path:
    return dept.outbox / "minutes"


def minutes_context(
    dept: Department, ledger: Ledger, submission_id: int, refs: References, *, day: Any
) -> tuple[dict[str, Any], str]:
    """The context of meeting_minutes.docx and the document's file name stem."""
    submission = ledger.submission(submission_id)
    if submission is None or str(submission["form"] or "") != MEETING:
        raise EtiError(
            f"submission {submission_id} is not a meeting's minutes",
            f"النموذج الوارد رقم {submission_id} ليس محضر اجتماع.",
            code="not-minutes",
        )
    form = CATALOG.form(MEETING)
    rows = list(ledger.rows_of_submission(submission_id))
    header = rows[0].data if rows else {}
    decisions = [
        {
            "decision": str(r.data.get("decision") or ""),
            "owner": str(r.data.get("owner") or ""),
            "due": show_date(r.data.get("due_on")),
            "notes": str(r.data.get("notes") or ""),
        }
        for r in rows
    ]
    chair = str(header.get("chair") or "")
    signatures = [{"role": "رئيس الاجتماع", "name": chair}] + [
        {"role": "عضو", "name": name}
        for name in _NAMES_SPLIT.split(str(header.get("attendees") or ""))
        if name.strip() and name.strip() != chair
    ]
    common = common_context(dept, refs, doc_code=MEETING, title=form.name_ar, day=day)
    context = common | {
        "kind": str(header.get("kind") or ""),
        "meeting_day": show_date(header.get("meeting_date")),
        "header_fields": [
            {"label": spec.label, "value": show_field(spec, header.get(spec.key))}
            for spec in form.header
        ],
        "decisions": decisions,
        "decision_count": len(decisions),
        "signatures": signatures,
        "records": form.records_ar,
    }
    stem = name_parts(str(header.get("meeting_date") or "")[:10], "محضر-اجتماع",
                      str(header.get("kind") or ""))
    return context, stem


def make_meeting_minutes(
    dept: Department,
    ledger: Ledger,
    submission_id: int,
    *,
    clock: Clock,
    references: References | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """The minutes of an accepted MEETING submission, in
    ``outbox/minutes/<meeting date>-محضر-اجتماع-<kind>.docx``."""
    refs = references_of(dept, references)
    context, stem = minutes_context(dept, ledger, submission_id, refs, day=clock.now().date())
    return produce(dept, ledger, kind=DOCUMENT_KIND, template=TEMPLATE, context=context,
                   folder=minutes_folder(dept), stem=stem, clock=clock,
                   submission_id=submission_id, timeout=timeout)
