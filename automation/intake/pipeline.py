"""One batch: intake of every waiting file, then registers, then documents.

``eti process``, the watch service and the demo all call :func:`run_batch`.
It is convergent: it first finishes what an interrupted run left (claimed
files, registers marked for regeneration, documents not yet written), so
running it again after a crash ends in the same state as an uninterrupted run.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog
from automation.catalog.reference import References, load_references
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.inbox_listing import NotAFile, not_files
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
from automation.ledger import postgres
from automation.ledger.open import open_ledger
from automation.ledger.store import Ledger
from automation.ledger.submissions import any_received

if TYPE_CHECKING:
    from automation.registers.builder import Underway

log = logging.getLogger(__name__)

Progress = Callable[[FileResult], None]


class BatchInterrupted(Exception):
    """The batch stopped on a failure of the machine (disk full, ledger locked).

    The file being handled stays claimed and is finished by the next run.
    """


@dataclass(frozen=True)
class Held:
    """Work a batch could not do (a folder that cannot be written or reached, or the
    product failing on it): it stays owed (registers marked to regenerate, documents
    not yet written) and a later batch does it; the files themselves were handled."""

    what: str
    """``registers`` or ``documents``."""
    folder: str
    error: str
    internal: bool = False
    """The product failed (logged with its traceback), not the folder."""

    @property
    def message_ar(self) -> str:
        work = "السجلات الرئيسية" if self.what == "registers" else "المستندات"
        if self.internal:
            return (f"تعذرت كتابة {work} في {self.folder} بسبب خطأ داخلي في البرنامج "
                    f"({self.error})؛ سُجّلت الملفات الواردة في قاعدة البيانات، وستُكتب {work} "
                    "المتأخرة في دفعة لاحقة. أبلغ مسؤول تكنولوجيا المعلومات.")
        return (f"تعذرت الكتابة في المجلد {self.folder} ({self.error})؛ سُجّلت الملفات الواردة "
                f"في قاعدة البيانات، وستُكتب {work} المتأخرة في دفعة لاحقة عندما يصبح المجلد "
                "متاحاً للكتابة.")

    @property
    def message_en(self) -> str:
        if self.internal:
            return (f"the {self.what} in {self.folder} were not written: internal error "
                    f"({self.error}, see the log); the files were handled and committed; the "
                    f"{self.what} owed are written by a later batch")
        return (f"the folder {self.folder} cannot be written ({self.error}): the files were "
                f"handled and committed; the {self.what} owed are written by a later batch "
                "once the folder can be written")

    def to_json(self) -> dict[str, object]:
        return {"what": self.what, "folder": self.folder, "error": self.error,
                "internal": self.internal, "message": self.message_ar,
                "message_en": self.message_en}


def _held(what: str, dept: Department, folder: Path, exc: Exception) -> Held:
    try:
        shown = folder.relative_to(dept.root).as_posix()
    except ValueError:
        shown = str(folder)
    if isinstance(exc, OSError):
        held = Held(what, shown, exc.strerror or type(exc).__name__)
        log.error("%s / %s", held.message_en, held.message_ar)
    else:
        held = Held(what, shown, f"{type(exc).__name__}: {exc}", internal=True)
        log.exception("%s", held.message_en)
    return held


@dataclass
class BatchResult:
    files: list[FileResult] = field(default_factory=list)
    registers: list = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)
    documents_for: dict[int, list[tuple[str, Path]]] = field(default_factory=dict)
    """The documents made, by submission id: (kind, path)."""
    interrupted: str = ""
    held: list[Held] = field(default_factory=list)
    not_files: list[NotAFile] = field(default_factory=list)
    """What ``inbox/`` holds that is not a regular file (``eti process`` only)."""

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


def machine_failure(exc: BaseException) -> bool:
    """One of :data:`MACHINE_FAILURES`, or a PostgreSQL ledger unreachable or busy."""
    return isinstance(exc, MACHINE_FAILURES) or postgres.is_unreachable(exc)


PARALLEL_FROM = 40
"""Batches at least this large are read and checked by worker processes."""

GROUP = 32
"""Files committed in one ledger transaction: one disk sync for all of them."""

GROUP_RETRIES = 5
"""Times a group is tried again when a shared PostgreSQL ledger aborts its transaction
(a serialization failure or a broken deadlock); then the batch stops, losing nothing."""


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
    # here, not at the top: a batch read in this process never loads multiprocessing
    from concurrent.futures.process import BrokenProcessPool

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
        if postgres.is_transient(exc):
            raise  # the whole group is tried again (intake_files)
        if machine_failure(exc):
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
    leftovers, waiting = _oldest_first(intake, leftovers, waiting,
                                       waiting_files(dept) if leftovers else [])
    executor = pool() if pool and len(leftovers) + len(waiting) >= PARALLEL_FROM else None
    pending: Pending = deque((claim, None) for claim in leftovers)
    queue = deque(waiting)
    window = 64
    retries = 0
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
        taken: list[tuple[Claim, _Part | None]] = []
        try:
            with intake.group():
                for _ in range(min(GROUP, len(pending))):
                    claim, part = pending.popleft()
                    taken.append((claim, part))
                    analysis, executor, pending = _analysis(part, executor, pending)
                    done.append(_handle(intake, claim, analysis))
                    if should_stop and should_stop():
                        break
        except BatchInterrupted as exc:
            return results, str(exc)
        except Exception as exc:  # the group's commit failed
            if postgres.is_transient(exc) and retries < GROUP_RETRIES:
                retries += 1  # a shared database aborted it: the same files again
                log.warning("the ledger asked to try again (%s); attempt %d", exc, retries + 1)
                pending.extendleft(reversed(taken))
                time.sleep(0.05 * 2**retries)
                continue
            if not machine_failure(exc):
                raise
            log.error("batch interrupted: the ledger could not commit: %s", exc)
            return results, f"{type(exc).__name__}: {exc}"
        results.extend(done)
        if progress:
            for result in done:
                progress(result)
        if should_stop and should_stop():
            queue.clear()
    return results, ""


class WorkerPool:
    """Worker processes kept from one batch to the next.

    The watch service hands a flood over in batches of ``intake.max_batch``; starting
    the workers (spawned: the service runs threads) costs about a second, so it keeps
    one pool, started ahead (:meth:`warm`) and replaced by a fresh one when a batch has
    used it and files stop coming. A pool is started again when the reference lists
    change or a worker died.
    """

    def __init__(self) -> None:
        self._executor: Executor | None = None
        self._key: tuple[object, ...] = ()
        self.last_used = 0.0
        self.used = False
        """A batch has used the pool since it was started (its workers have grown)."""

    def get(self, refs: References, catalog: Catalog, limits: Limits | None) -> Executor:
        executor = self._start(refs, catalog, limits)
        self.last_used, self.used = time.monotonic(), True
        return executor

    def warm(self, dept: Department, catalog: Catalog = CATALOG,
             limits: Limits | None = None) -> None:
        """Start the workers now, so that the next large batch finds them ready."""
        executor = self._start(load_references(dept, catalog), catalog, limits)
        for _ in range(2):
            executor.submit(int)  # a worker process is started by the first task it gets

    def _start(self, refs: References, catalog: Catalog, limits: Limits | None) -> Executor:
        key = (refs, id(catalog), limits)
        if self._executor is not None and (key != self._key or self._broken()):
            self.close()
        if self._executor is None:
            self._executor = worker_pool(refs, catalog, limits)
            self._key, self.used = key, False
        return self._executor

    @property
    def current(self) -> Executor | None:
        """The running pool, if there is one that works."""
        return None if self._executor is None or self._broken() else self._executor

    def _broken(self) -> bool:
        return bool(getattr(self._executor, "_broken", False)
                    or getattr(self._executor, "_shutdown_thread", False))

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


INTAKE_FOLDERS = ("inbox", "claimed", "processed", "rejected", "data")
"""Folders intake cannot work without; the others (registers, outbox…) may be missing
or read-only for a while: the work for them waits, intake goes on."""


def _ensure_folders(dept: Department) -> None:
    for name in INTAKE_FOLDERS:
        getattr(dept, name).mkdir(parents=True, exist_ok=True)
    try:
        dept.ensure()
    except OSError as exc:  # an output folder unreachable or read-only: said when used
        log.warning("cannot make every folder of %s: %s", dept.root, exc)


def _not_files(items: list[NotAFile], progress: Progress | None) -> list[FileResult]:
    """What the inbox holds that is not a regular file, as results (never read)."""
    results = []
    for item in items:
        log.info("%s / %s", item.message_en, item.message_ar)
        problem = Problem("not-a-file", item.message_ar, "error", message_en=item.message_en)
        result = FileResult(item.name, "not-a-file", problems=[problem])
        results.append(result)
        if progress:
            progress(result)
    return results


def _registers_after_emptied(dept: Department, ledger: Ledger) -> bool:
    """Registers exist but the ledger records no submission: never rewrite them from it."""
    if any_received(ledger.conn):
        return False
    return dept.registers.is_dir() and any(dept.registers.glob("*.xlsx"))


def _oldest_first(intake: Intake, leftovers: list[Claim], waiting: list[Path],
                  inbox: list[Path]) -> tuple[list[Claim], list[Path]]:
    """Files left claimed by a crash and the files waiting, taken oldest first: a file of
    the ``inbox`` dropped before a left-over one (so complete: it was there before the
    crash) is claimed with them, in drop order (the rename keeps the modification time),
    so a newer copy is never committed before an older, even when the batch was asked
    for no file (the watcher finishing what a crash left, at start)."""
    if not leftovers or not inbox:
        return leftovers, waiting
    newest = max(_drop_time(c.path) for c in leftovers)
    older = [p for p in inbox if _drop_time(p) < newest]
    if not older:
        return leftovers, waiting
    claims = intake.claim_all(older)
    taken = {c.original for c in claims}
    merged = sorted(leftovers + claims, key=lambda c: (_drop_time(c.path), c.original))
    return merged, [p for p in waiting if p.name not in taken]


def _drop_time(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")


def _documents(dept: Department, ledger: Ledger, clock: Clock, refs: References,
               should_stop: Callable[[], bool] | None, batch: BatchResult) -> None:
    """The documents owed (a failure holds them back for a later batch)."""
    from automation.documents.pending import pending_documents

    try:
        batch.documents = pending_documents(dept, ledger, clock=clock, references=refs,
                                            should_stop=should_stop,
                                            made_for=batch.documents_for)
    except Exception as exc:  # owed documents stay owed: a later batch writes them
        batch.held.append(_held("documents", dept, dept.outbox, exc))


def _finish_registers(dept: Department, ledger: Ledger, underway: Underway, catalog: Catalog,
                      clock: Clock, excel: object | None, batch: BatchResult) -> None:
    """Registers the workers wrote meanwhile, completed and swapped in; their flags
    cleared (a failure keeps them owed)."""
    from automation.registers.builder import finish_registers

    try:
        outcomes = finish_registers(dept, ledger, underway, catalog=catalog, clock=clock,
                                    excel=excel)  # type: ignore[arg-type]
    except Exception as exc:  # a folder read-only or unreachable, or the product failing
        batch.held.append(_held("registers", dept, dept.registers, exc))
        return
    ledger.clear_dirty([o.process for o in outcomes if o.status != "not-written"])
    batch.registers = outcomes


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
    workers: WorkerPool | None = None,
) -> BatchResult:
    """Handle every waiting workbook once, regenerate dirty registers, write documents.

    With ``paths`` only those files (the watch service's); without, every file
    waiting, and what the inbox holds that is not a file is reported, unread. A
    registers folder or outbox that cannot be written holds back only the work for
    it (:class:`Held`), never the intake. ``workers`` keeps the worker processes for
    the next batch (the caller closes it).
    """
    from automation.registers.swap import retry_pending

    _ensure_folders(dept)
    settings = settings or load_settings(dept)
    refs = load_references(dept, catalog)
    batch = BatchResult()

    # one batch at a time per department: `eti process` waits for the watcher's batch
    from automation.documents.render import prepare, rendering

    # one render worker for the batch's documents, stopped at its end
    with exclusive(dept.data / "intake.lock"), open_ledger(dept) as ledger, \
            (rendering() if documents else nullcontext()):
        retry_pending(dept, excel=excel)  # type: ignore[arg-type]
        intake = Intake(
            dept, ledger, validation_context(refs), clock=clock, catalog=catalog,
            limits=limits,
        )
        own: list[Executor] = []  # started for a large batch, kept for its registers

        def pool() -> Executor:
            if workers is not None:
                return workers.get(refs, catalog, limits)
            if documents:  # forked now, while this process runs one thread, the render
                prepare()  # worker starts at once (beside the pool's threads it could not)
            own.append(worker_pool(refs, catalog, limits))
            return own[0]

        try:
            batch.files, batch.interrupted = intake_files(
                dept, intake, paths, progress, should_stop, pool=pool if parallel else None
            )
            if paths is None:
                batch.not_files = not_files(dept)
                batch.files += _not_files(batch.not_files, progress)
            if batch.interrupted:  # registers and documents wait for the next run (kept dirty)
                return batch
            dirty = ledger.dirty_processes() if registers else []
            if dirty and _registers_after_emptied(dept, ledger):
                log.error("the ledger records no submission but registers exist: they are "
                          "not rewritten from it (see `eti ledger check`)")
                dirty = []
            underway = figures = None
            if dirty:
                # imported only when a register is written: it is not needed for intake
                from automation.processes import publish
                from automation.registers.builder import start_registers

                executor = own[0] if own else (workers.current if workers else None)
                try:  # the workers write them while this process makes the documents
                    underway = start_registers(
                        dept, ledger, dirty, catalog=catalog, references=refs, clock=clock,
                        calendar=settings.department.calendar, executor=executor)
                except Exception as exc:  # a folder read-only or unreachable (or a failure
                    # of the product): the registers stay owed, the files are handled
                    batch.held.append(_held("registers", dept, dept.registers, exc))
                if executor is not None:  # the published figures (issue 26) as well
                    figures = publish.start_in(executor, dept, settings, refs, clock.now())
            if documents and not (should_stop and should_stop()):  # owed ones wait when
                _documents(dept, ledger, clock, refs, should_stop, batch)  # stopping
            if dirty:  # eti_figures (issue 26)
                publish.after_batch(ledger, settings, refs, clock.now(), figures)
            if underway is not None:
                _finish_registers(dept, ledger, underway, catalog, clock, excel, batch)
        finally:
            for started in own:
                started.shutdown(wait=True, cancel_futures=True)
    return batch
