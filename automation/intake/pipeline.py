"""One batch: intake of every waiting file, then registers, then documents.

``eti process``, the watch service and the demo all call :func:`run_batch`.
It is convergent: it first finishes what an interrupted run left (claimed
files, registers marked for regeneration, documents not yet written), so
running it again after a crash ends in the same state as an uninterrupted run.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog
from automation.catalog.reference import load_references
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.locks import exclusive
from automation.core.problems import Problem
from automation.core.settings import Settings, load_settings
from automation.intake.inbox import Analysis, Claim, FileResult, Intake, waiting_files
from automation.intake.safety import Limits
from automation.intake.workers import (
    FILES_PER_TASK,
    analyse_in_worker,
    validation_context,
    worker_pool,
)

log = logging.getLogger(__name__)

Progress = Callable[[FileResult], None]


class BatchInterrupted(Exception):
    """The batch stopped on a failure of the machine (disk full, ledger locked).

    The file being handled stays claimed and is finished by the next run.
    """


@dataclass
class BatchResult:
    files: list[FileResult] = field(default_factory=list)
    registers: list = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)
    interrupted: str = ""

    def count(self) -> Counter[str]:
        return Counter(f.outcome for f in self.files)

    def to_json(self) -> list[dict[str, object]]:
        return [f.to_json() for f in self.files]


def _internal_problem(exc: BaseException) -> Problem:
    return Problem(
        "internal",
        "تعذرت معالجة الملف بسبب خطأ داخلي في البرنامج. أبلغ مسؤول تكنولوجيا المعلومات "
        "وأرسل الملف إليه.",
        "error",
        message_en=f"internal error: {type(exc).__name__}: {exc}",
    )


MACHINE_FAILURES = (OSError, MemoryError, sqlite3.OperationalError)
"""Failures of the machine (disk full, ledger locked), not of a file: they stop the
batch, and the file stays claimed; they are never a reason to reject it."""


PARALLEL_FROM = 40
"""Batches at least this large are read and checked by worker processes."""

GROUP = 32
"""Files committed in one ledger transaction: one disk sync for all of them."""


@dataclass(frozen=True)
class _Part:
    """One file's place in a worker's answer for several."""

    future: Future[list[Analysis | None]]
    index: int

    def result(self) -> Analysis | None:
        return self.future.result()[self.index]


Pending = deque[tuple[Claim, _Part | None]]


def _analysis(
    part: _Part | None, executor: Executor | None, pending: Pending
) -> tuple[Analysis | None, Executor | None, Pending]:
    """A worker's analysis (None: read it in this process); when a worker died, the
    rest are read in this process."""
    if part is None:
        return None, executor, pending
    try:
        return part.result(), executor, pending
    except BrokenProcessPool:
        log.error("a worker process died; reading the rest of the batch here")
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        return None, None, deque((c, None) for c, _ in pending)


def _handle(intake: Intake, claim: Claim, analysis: Analysis | None) -> FileResult:
    try:
        return intake.handle(claim, analysis)
    except Exception as exc:
        if isinstance(exc, MACHINE_FAILURES):
            log.error("batch interrupted on %s: %s", claim.original, exc)
            raise BatchInterrupted(f"{type(exc).__name__}: {exc}") from exc
        log.exception("internal error on %s", claim.original)
        return intake.reject_internal(claim, _internal_problem(exc))


def intake_files(
    dept: Department,
    intake: Intake,
    paths: list[Path] | None,
    progress: Progress | None,
    should_stop: Callable[[], bool] | None = None,
    pool: Callable[[], Executor] | None = None,
) -> tuple[list[FileResult], str]:
    """Finish leftovers, then claim and handle each waiting file, in order.

    With a ``pool``, up to a window of claimed files are read and checked by
    worker processes while this process commits them in the order they were
    claimed, a group per transaction; a file not committed when the batch stops
    stays claimed and is finished by the next run. The caller stops the pool.
    """
    results: list[FileResult] = []
    leftovers = intake.leftovers()
    waiting = paths if paths is not None else waiting_files(dept)
    executor = pool() if pool and len(leftovers) + len(waiting) >= PARALLEL_FROM else None
    pending: Pending = deque((claim, None) for claim in leftovers)
    queue = deque(waiting)
    window = 64
    while pending or queue:
        while queue and len(pending) < window and not (should_stop and should_stop()):
            wanted = [queue.popleft() for _ in range(min(len(queue), window - len(pending)))]
            claims = intake.claim_all(wanted)
            for start in range(0, len(claims), FILES_PER_TASK):
                task = claims[start : start + FILES_PER_TASK]
                future = executor.submit(analyse_in_worker, [str(c.path) for c in task]) \
                    if executor else None
                pending.extend((c, _Part(future, i) if future else None)
                               for i, c in enumerate(task))
        if not pending:
            break
        done: list[FileResult] = []
        try:
            with intake.group():
                for _ in range(min(GROUP, len(pending))):
                    claim, part = pending.popleft()
                    analysis, executor, pending = _analysis(part, executor, pending)
                    done.append(_handle(intake, claim, analysis))
                    if should_stop and should_stop():
                        break
        except BatchInterrupted as exc:
            return results, str(exc)
        except MACHINE_FAILURES as exc:  # the group's commit failed
            log.error("batch interrupted: the ledger could not commit: %s", exc)
            return results, f"{type(exc).__name__}: {exc}"
        results.extend(done)
        if progress:
            for result in done:
                progress(result)
        if should_stop and should_stop():
            queue.clear()
    return results, ""


def run_batch(
    dept: Department,
    *,
    clock: Clock,
    settings: Settings | None = None,
    paths: list[Path] | None = None,
    progress: Progress | None = None,
    catalog: Catalog = CATALOG,
    limits: Limits | None = None,
    excel: object | None = None,
    documents: bool = True,
    should_stop: Callable[[], bool] | None = None,
    parallel: bool = True,
    registers: bool = True,
) -> BatchResult:
    """Handle every waiting workbook once, regenerate dirty registers, write documents."""
    from automation.registers.builder import write_registers
    from automation.registers.swap import retry_pending

    dept.ensure()
    settings = settings or load_settings(dept)
    refs = load_references(dept, catalog)
    batch = BatchResult()
    from automation.ledger.store import Ledger

    # one batch at a time per department: `eti process` waits for the watcher's batch
    with exclusive(dept.data / "intake.lock"), Ledger(dept.ledger_path) as ledger:
        retry_pending(dept, excel=excel)  # type: ignore[arg-type]
        intake = Intake(
            dept, ledger, validation_context(refs), clock=clock, catalog=catalog,
            limits=limits,
        )
        workers: list[Executor] = []  # started for a large batch, kept for its registers

        def pool() -> Executor:
            workers.append(worker_pool(refs, catalog, limits))
            return workers[0]

        try:
            batch.files, batch.interrupted = intake_files(
                dept, intake, paths, progress, should_stop, pool=pool if parallel else None
            )
            if batch.interrupted:  # registers and documents wait for the next run (kept dirty)
                return batch
            dirty = ledger.dirty_processes() if registers else []
            if dirty:
                outcomes = write_registers(
                    dept, ledger, dirty, catalog=catalog, references=refs, clock=clock,
                    excel=excel,  # type: ignore[arg-type]
                    calendar=settings.department.calendar,
                    executor=workers[0] if workers else None,
                )
                ledger.clear_dirty([o.process for o in outcomes if o.status != "not-written"])
                batch.registers = outcomes
        finally:
            for executor in workers:
                executor.shutdown(wait=True, cancel_futures=True)
        if documents:
            from automation.documents.pending import pending_documents

            batch.documents = pending_documents(dept, ledger, clock=clock, references=refs)
    return batch
