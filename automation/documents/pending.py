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
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from automation.catalog.reference import References, load_references
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.documents.kinds import DocumentSpec, PerSubmission, per_submission, resolve
from automation.ledger import documents
from automation.ledger.store import Ledger

log = logging.getLogger(__name__)


class Made(list[Path]):
    """The documents a batch wrote; ``left``: how many stay owed (a document that failed,
    or the batch stopping), which the watcher tries again after a pause."""

    left: int = 0


def _without_document(
    ledger: Ledger, outcome: str, kind: str, forms: tuple[str, ...] = ()
) -> list[int]:
    return documents.submissions_without(ledger.conn, outcome, kind, forms)


def _one_maker(ledger: Ledger) -> AbstractContextManager[object]:
    """On a shared PostgreSQL ledger, the directorate's write lock while one owed document
    is made: two services of one directorate never both make it (nor number it twice)."""
    return ledger.transaction() if ledger.dialect.shared else nullcontext()


def _still_owed(ledger: Ledger, submission_id: int, kind: str) -> bool:
    return not documents.has_document(ledger.conn, submission_id, kind)


def _owed(ledger: Ledger) -> list[tuple[DocumentSpec, int]]:
    """Every (kind, submission) still owed, kind by kind in declaration order."""
    owed: list[tuple[DocumentSpec, int]] = []
    for spec in per_submission():
        trigger = spec.trigger
        assert isinstance(trigger, PerSubmission), spec.key
        forms: tuple[str, ...] = tuple(resolve(trigger.forms)) if trigger.forms else ()
        owed += [(spec, s) for s in _without_document(ledger, trigger.outcome, spec.key, forms)]
    return owed


def pending_documents(
    dept: Department,
    ledger: Ledger,
    *,
    clock: Clock,
    references: References | None = None,
    should_stop: Callable[[], bool] | None = None,
    made_for: dict[int, list[tuple[str, Path]]] | None = None,
) -> Made:
    """Write the visit and technical reports, minutes and rejection letters not written
    yet; returns their paths (``.left``: how many stay owed).

    They share one render worker (:func:`automation.documents.render.rendering`). A
    document that fails (a broken template, one that loops or crashes the worker) is
    logged and left for the next batch; a template that looped or crashed is not tried
    again in this batch. ``should_stop`` is asked before each document: when it says so
    (the service is stopping), the documents not yet written stay owed to the next batch.
    ``made_for``, when given, gains (kind, path) of every document made, by submission
    id (``eti process --json``). The first batch of a process removes what an interrupted
    run left half-written in ``outbox/``.
    """
    from automation.documents.outbox import remove_temporaries
    from automation.documents.render import prepare, rendering

    remove_temporaries(dept, once=True)
    made = Made()
    owed = _owed(ledger)
    if not owed:
        return made
    with rendering():
        prepare()  # the worker loads while the first documents' values are worked out
        refs = references if references is not None else load_references(dept)
        numbered = _Making(dept, ledger, owed, made, clock, refs, should_stop,
                           made_for).all()
    if numbered:  # the letters' numbers into workbooks/registers/OUTGOING.xlsx
        from automation.registers.outgoing import write_outgoing_register

        try:
            write_outgoing_register(dept, ledger)
        except OSError as exc:
            log.warning("the outgoing register was not written: %s", exc)
    return made


GROUP = 50
"""Documents recorded in one SQLite transaction (one write to disk instead of fifty; a
crash before it commits leaves them to be made again, their copies set aside)."""


def _grouped(ledger: Ledger) -> AbstractContextManager[object]:
    """On SQLite, one transaction for a group of documents; on PostgreSQL each document
    has its own under the directorate's lock (:func:`_one_maker`)."""
    return ledger.transaction() if not ledger.dialect.shared else nullcontext()


@dataclass
class _Making:
    """The owed documents of one batch being made, and what it needs to make them."""

    dept: Department
    ledger: Ledger
    owed: list[tuple[DocumentSpec, int]]
    made: Made
    clock: Clock
    references: References
    should_stop: Callable[[], bool] | None
    made_for: dict[int, list[tuple[str, Path]]] | None

    def all(self) -> bool:
        """Make the owed documents one after another, in groups of :data:`GROUP`; whether
        a numbered letter was made."""
        numbered = False
        failure: Exception | None = None
        for first in range(0, len(self.owed), GROUP):
            with _grouped(self.ledger):
                try:
                    numbered = self.group(first) or numbered
                except Exception as exc:  # noqa: BLE001 - what was made stays recorded
                    failure = exc
            if failure is not None:
                raise failure
            if self.should_stop is not None and self.should_stop():
                break
        return numbered

    def group(self, first: int) -> bool:
        """Make ``owed[first:first + GROUP]``; whether a numbered letter was made.

        On SQLite, while the render worker writes one document of a submission, this
        process works out the values of the next (:func:`automation.documents.making.ahead`):
        the two cores work at once. A document whose values could not be worked out ahead
        is made as any other (and fails as it would)."""
        from automation.documents.making import Ahead, ahead, make
        from automation.documents.render import meanwhile

        numbered = False
        last = min(first + GROUP, len(self.owed))
        early: list[Ahead | None] = [None]

        def work_out(index: int) -> None:
            spec, sub_id = self.owed[index]
            try:
                early[0] = ahead(spec.key, self.dept, self.ledger, sub_id, clock=self.clock,
                                 references=self.references)
            except Exception:  # noqa: BLE001 - made (and reported) in its turn
                early[0] = None

        for index in range(first, last):
            spec, sub_id = self.owed[index]
            worked_out, early[0] = early[0], None
            if self.should_stop is not None and self.should_stop():
                self.made.left += len(self.owed) - index
                log.info("stopping: %d documents stay owed to the next batch",
                         len(self.owed) - index)
                break
            started = time.perf_counter()
            overlap: AbstractContextManager[object] = nullcontext()
            if (index + 1 < last and not self.ledger.dialect.shared
                    and self.owed[index + 1][0].shape == "submission"):
                overlap = meanwhile(partial(work_out, index + 1))
            try:
                with _one_maker(self.ledger):
                    if not _still_owed(self.ledger, sub_id, spec.key):
                        continue  # made meanwhile by another service of the directorate
                    with overlap:
                        path = make(spec.key, self.dept, self.ledger, sub_id, clock=self.clock,
                                    references=self.references, worked_out=worked_out)
            except EtiError as exc:
                self.made.left += 1
                log.error("%s of submission %s not written: %s", spec.title_en, sub_id,
                          exc.message_en)
                continue
            if path is not None:
                self.made.append(path)
                if self.made_for is not None:
                    self.made_for.setdefault(sub_id, []).append((spec.key, path))
                numbered = numbered or spec.shape == "numbered-letter"
                log.debug("%s of submission %s made in %.1f ms", spec.key, sub_id,
                          (time.perf_counter() - started) * 1000)
        return numbered
