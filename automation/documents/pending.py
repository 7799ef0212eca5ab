"""Documents the pipeline owes: a visit report for every accepted visit form, a technical
report for every accepted maintenance request, the minutes of every accepted meeting and a
letter for every rejected form whose school is known,
each made once.

Convergent like the rest of a batch: what was not written (a crash, a broken
template) is written by the next batch; what was written is never written again
(the ledger's ``documents`` table says which submission has its document).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from automation.catalog.reference import References, load_references
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.documents.letters import LETTER_KIND, make_rejection_letter
from automation.documents.minutes import DOCUMENT_KIND as MINUTES_KIND
from automation.documents.minutes import MINUTES_FORMS, make_meeting_minutes
from automation.documents.technical import DOCUMENT_KIND as TECHNICAL_KIND
from automation.documents.technical import TECHNICAL_FORMS, make_technical_report
from automation.documents.visits import DOCUMENT_KIND as VISIT_KIND
from automation.documents.visits import VISIT_FORMS, make_visit_report
from automation.ledger.store import Ledger

log = logging.getLogger(__name__)


def _without_document(
    ledger: Ledger, outcome: str, kind: str, forms: tuple[str, ...] = ()
) -> list[int]:
    sql = (
        "SELECT s.id FROM submissions s WHERE s.outcome = ? "
        "AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.submission_id = s.id AND d.kind = ?)"
    )
    params: list[object] = [outcome, kind]
    if forms:
        sql += f" AND s.form IN ({', '.join('?' for _ in forms)})"
        params += list(forms)
    if outcome == "rejected":
        sql += " AND COALESCE(s.school, '') != ''"
    return [int(r[0]) for r in ledger.conn.execute(sql + " ORDER BY s.id", params)]


def _one_maker(ledger: Ledger) -> AbstractContextManager[object]:
    """On a shared PostgreSQL ledger, the directorate's write lock while one owed document
    is made: two services of one directorate never both make it (nor number it twice)."""
    return ledger.transaction() if ledger.dialect == "postgresql" else nullcontext()


def _still_owed(ledger: Ledger, submission_id: int, kind: str) -> bool:
    return ledger.conn.execute(
        "SELECT 1 FROM documents WHERE submission_id = ? AND kind = ?", (submission_id, kind)
    ).fetchone() is None


def pending_documents(
    dept: Department,
    ledger: Ledger,
    *,
    clock: Clock,
    references: References | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Path]:
    """Write the visit and technical reports, minutes and rejection letters not written
    yet; returns their paths.

    A document that fails (a broken template) is logged and left for the next batch.
    ``should_stop`` is asked before each document: when it says so (the service is
    stopping), the documents not yet written stay owed to the next batch.
    """
    refs = references if references is not None else load_references(dept)
    made: list[Path] = []
    numbered = False
    owed: list[tuple[str, str, int, Callable[..., Path | None]]] = [
        *(("visit report", VISIT_KIND, s, make_visit_report)
          for s in _without_document(ledger, "accepted", VISIT_KIND, VISIT_FORMS)),
        *(("technical report", TECHNICAL_KIND, s, make_technical_report)
          for s in _without_document(ledger, "accepted", TECHNICAL_KIND, TECHNICAL_FORMS)),
        *(("minutes", MINUTES_KIND, s, make_meeting_minutes)
          for s in _without_document(ledger, "accepted", MINUTES_KIND, MINUTES_FORMS)),
        *(("letter", LETTER_KIND, s, make_rejection_letter)
          for s in _without_document(ledger, "rejected", LETTER_KIND)),
    ]
    for what, kind, sub_id, make in owed:
        if should_stop is not None and should_stop():
            log.info("stopping: %d documents stay owed to the next batch",
                     len(owed) - len(made))
            break
        try:
            with _one_maker(ledger):
                if not _still_owed(ledger, sub_id, kind):
                    continue  # made meanwhile by another service of the directorate
                path = make(dept, ledger, sub_id, clock=clock, references=refs)
        except EtiError as exc:
            log.error("%s of submission %s not written: %s", what, sub_id, exc.message_en)
            continue
        if path is not None:
            made.append(path)
            numbered = numbered or make is make_rejection_letter
    if numbered:  # the letters' numbers into workbooks/registers/OUTGOING.xlsx
        from automation.registers.outgoing import write_outgoing_register

        try:
            write_outgoing_register(dept, ledger)
        except OSError as exc:
            log.warning("the outgoing register was not written: %s", exc)
    return made
