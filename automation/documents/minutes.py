"""The minutes of a meeting (محضر اجتماع) as a printable document, with signature lines.

The pipeline makes one for every accepted MEETING form (``outbox/minutes/``); its
decisions are the tasks the follow-up (TASKS register) shows, owner by owner.
"""

from __future__ import annotations

import re
from typing import Any

from automation.catalog.forms import CATALOG
from automation.catalog.reference import References
from automation.core.department import Department
from automation.documents.context import common_context, show_date, show_field
from automation.documents.kinds import MEETING_MINUTES
from automation.documents.making import make_of
from automation.ledger.store import Ledger
from automation.processes.office import MEETING

DOCUMENT_KIND = MEETING_MINUTES.key
TEMPLATE = MEETING_MINUTES.template.file
MINUTES_FORMS: tuple[str, ...] = (MEETING,)
_NAMES_SPLIT = re.compile(r"\s*(?:[،,;؛\n]|\s-\s)\s*")


def minutes_context(
    dept: Department, ledger: Ledger, submission: Any, refs: References, *, day: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """The context of meeting_minutes.docx and the parts of its file name, for an accepted
    meeting's minutes (:func:`automation.documents.making.load_submission`)."""
    submission_id = int(submission["id"])
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
    # MEETING is an internal code: the minutes name their form by its Arabic name
    common = common_context(dept, refs, doc_code=form.name_ar, title=form.name_ar, day=day)
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
    return context, {"date": str(header.get("meeting_date") or "")[:10],
                     "kind": str(header.get("kind") or "")}


make_meeting_minutes = make_of(MEETING_MINUTES.key)
"""The minutes of an accepted MEETING submission, in
``outbox/minutes/<meeting date>-محضر-اجتماع-<kind>.docx``: ``(dept, ledger,
submission_id, *, clock, references=None)``."""
