"""The watch service: every workbook dropped into ``inbox/`` is handled once.

File events (watchdog) and periodic rescans only *nominate* files; one loop
decides when a file is complete and hands the ready ones, in batches, to
``handle_batch`` (:func:`automation.intake.pipeline.run_batch`). A workbook is
complete when the file itself says so (:mod:`automation.service.dropped`: a zip
written to its end, the same size over a short re-check) and it can be opened for
exclusive access (a workbook open in Excel waits; it is never rejected for that);
anything else waits for ``intake.stability_seconds`` of quiet. Excel saves through
a temporary file renamed into place, so moves count by their destination. A
symbolic link, a folder or anything not a regular file is never followed or read:
it is logged once and left for staff (``eti status`` lists it).

A flood is handed over in batches of ``intake.max_batch`` that share their worker
processes, with the registers and the documents owed written once after the last. A
registers folder or outbox that cannot be written holds back only the work for it,
never the intake.

Stopping (Ctrl+C, SIGTERM, closing the console) sets an event: the batch under
way stops after its current file, and whatever was not handled stays in the
inbox for the next start. The same loop ticks the scheduled jobs
(:mod:`automation.service.jobs`).
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import socket
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.core.inbox_listing import PRODUCT_FOLDERS, not_files
from automation.core.settings import Settings
from automation.service.dropped import (
    RECHECK_SECONDS,
    Arrival,
    can_open_exclusively,
    is_watched,
)
from automation.service.jobs import JobRunner
from automation.service.observer import InboxEvents
from automation.service.observer import is_network_path as is_network_path
from automation.service.observer import make_observer as make_observer
from automation.service.observer import mount_type as mount_type
from automation.service.status import HEARTBEAT_SECONDS, pending_registers, write_state

log = logging.getLogger(__name__)

HandleBatch = Callable[..., object]
"""``run_batch(dept, *, clock, settings, paths, progress, should_stop, registers, documents,
workers)``."""

ObserverFactory = Callable[[], BaseObserver]

BACKOFF_SECONDS = 30.0
"""Pause after a batch that failed on the machine (ledger locked, disk full)."""
MAX_RETRY_SECONDS = 300.0
"""Longest wait before offering again a file the batch left in the inbox."""
POOL_IDLE_SECONDS = 120.0
"""Worker processes a batch used are replaced by fresh ones this long after its end."""
REGISTERS_OWED_SECONDS = 15.0
"""Longest a flood still arriving may put off writing the registers and documents."""
OWED_RETRY_SECONDS = 30.0
"""First pause before the watcher tries again, on its own, the documents and registers a
batch left owed (a lost database connection, a template that failed); doubled after each
try that leaves some owed, up to :data:`MAX_OWED_RETRY_SECONDS`."""
MAX_OWED_RETRY_SECONDS = 600.0
JOBS_WAIT_SECONDS = 300.0
"""Longest the scheduled jobs wait, at start, for the files already waiting in the inbox
to be read (a file held open, a batch that keeps failing): issue 24."""

# -- stopping -----------------------------------------------------------------------


def install_stop_handlers(
    stop_event: threading.Event, stopped: threading.Event | None = None
) -> Callable[[], None]:
    """Ctrl+C, SIGTERM, SIGBREAK and closing the console set ``stop_event``.

    A second Ctrl+C stops at once (the pipeline finishes an interrupted file on
    the next start). Returns a function that restores the previous handlers.
    Must be called from the main thread.
    """
    previous: dict[int, object] = {}

    def on_signal(signum: int, frame: object) -> None:
        if signum == signal.SIGINT and stop_event.is_set():
            raise KeyboardInterrupt
        log.info("stop requested (signal %d): finishing the current file", signum)
        stop_event.set()

    for name in ("SIGINT", "SIGTERM", "SIGBREAK"):
        signum = getattr(signal, name, None)
        if signum is not None:
            previous[signum] = signal.signal(signum, on_signal)
    console = _windows_console_handler(stop_event, stopped)

    def restore() -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        if console is not None:  # pragma: no cover - Windows only
            console()

    return restore


def _windows_console_handler(
    stop_event: threading.Event, stopped: threading.Event | None
) -> Callable[[], None] | None:
    """Closing the console window, logging off or shutting down: stop cleanly."""
    if os.name != "nt":
        return None
    try:  # pragma: no cover - Windows only
        import ctypes
        from ctypes import wintypes

        handler_type = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.DWORD)
        close_events = {2, 5, 6}  # CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT

        def on_console(event: int) -> bool:
            if event not in close_events:
                return False  # Ctrl+C and Ctrl+Break go to the signal handlers
            stop_event.set()
            if stopped is not None:
                stopped.wait(4.5)  # Windows ends the process about 5 s after
            return True

        callback = handler_type(on_console)
        ctypes.windll.kernel32.SetConsoleCtrlHandler(callback, True)  # type: ignore[attr-defined]

        def remove() -> None:
            ctypes.windll.kernel32.SetConsoleCtrlHandler(callback, False)  # type: ignore[attr-defined]

        return remove
    except (AttributeError, OSError):  # pragma: no cover
        return None


# -- the watcher ----------------------------------------------------------------------


class Watcher:
    """Watches one department's inbox until its stop event is set."""

    def __init__(
        self,
        dept: Department,
        settings: Settings,
        *,
        handle_batch: HandleBatch | None = None,
        clock: Clock,
        observer_factory: ObserverFactory | None = None,
        stop_event: threading.Event | None = None,
        jobs: JobRunner | None = None,
        wake_seconds: float = 0.2,
    ) -> None:
        from automation.intake.pipeline import WorkerPool

        self.warm = handle_batch is None  # worker processes started ahead for the pipeline
        if handle_batch is None:
            from automation.intake.pipeline import run_batch

            handle_batch = run_batch
        self.dept = dept
        self.settings = settings
        self.handle_batch = handle_batch
        self.clock = clock
        self.observer_factory = observer_factory
        self.stop_event = stop_event or threading.Event()
        self.stopped = threading.Event()
        self.jobs = jobs if jobs is not None else JobRunner(dept, settings, clock=clock)
        self.wake_seconds = wake_seconds
        self.inbox = dept.inbox.resolve()
        self.observer_kind = ""
        self.handled = 0
        self.workers = WorkerPool()
        self._events: queue.SimpleQueue[Path] = queue.SimpleQueue()
        self._pending: dict[Path, Arrival] = {}
        self._observer: BaseObserver | None = None
        self._backoff_until = 0.0
        self._started_at = clock.now()
        self._said: dict[str, str] = {}  # what was last logged about each trouble
        self._owed_since = 0.0  # when a batch first left its registers for a later one
        self._retry_at = 0.0  # when to try again what a batch left owed (0: nothing owed)
        self._retry_pause = 0.0
        self._not_files: set[str] = set()
        self._waiting_at_start: set[Path] | None = None  # None: the jobs have started
        self._jobs_wait_until = 0.0

    # -- lifecycle -------------------------------------------------------------------

    def stop(self) -> None:
        self.stop_event.set()

    def start(self) -> threading.Thread:
        """Run in a background thread (tests; the CLI runs :meth:`run` itself)."""
        thread = threading.Thread(target=self.run, name="eti-watch", daemon=True)
        thread.start()
        return thread

    def run(self) -> None:
        """Watch until the stop event is set; whatever is not handled stays in the inbox."""
        try:
            self.dept.inbox.mkdir(parents=True, exist_ok=True)
            log.info("watching %s (%s observer; a complete workbook is taken after %ss, "
                     "anything else after %ss of quiet)", self.inbox, self._start_observer(),
                     RECHECK_SECONDS, self.settings.intake.stability_seconds)
            self._heartbeat()
            self._remove_temporaries()
            self._catch_up()
            self._warm_workers()
            self.rescan()
            # the files waiting now are read before any job (a catch-up report counts them)
            self._waiting_at_start = set(self._pending)
            self._jobs_wait_until = time.monotonic() + JOBS_WAIT_SECONDS
            ticks = self.jobs.scheduler()
            rescan_every = self.settings.watch.rescan_minutes * 60
            next_rescan = time.monotonic() + rescan_every
            next_beat = 0.0
            while not self.stop_event.is_set():
                self._drain(self._wait(time.monotonic()))
                now = time.monotonic()
                if now >= next_rescan:
                    self.rescan()
                    self._check_observer()
                    self._retry_pending_registers()
                    next_rescan = now + rescan_every
                ready = self._ready(now)
                if ready and now >= self._backoff_until:
                    self._handle(ready)
                elif self._owed_since and now >= self._backoff_until \
                        and not self._more_coming([]):
                    self._batch([])  # the registers a flood put off
                elif self._retry_at and now >= max(self._retry_at, self._backoff_until):
                    log.info("trying again the documents and registers still owed")
                    self._batch([])  # what a failed batch left owed, with no file arriving
                elif self.workers.used and not self._pending \
                        and now - self.workers.last_used > POOL_IDLE_SECONDS:
                    self.workers.close()  # grown by a flood: a fresh, small one instead
                    self._warm_workers()
                if not self.stop_event.is_set() and self._jobs_started(now):
                    ticks.run_pending()
                if now >= next_beat:
                    self._heartbeat()
                    next_beat = now + HEARTBEAT_SECONDS
        finally:
            self._stop_observer()
            self.workers.close()
            self._heartbeat(stopping=True)
            log.info("stopped; %d files handled, %d waiting in the inbox", self.handled,
                     len(self._pending))
            self.stopped.set()

    def _start_observer(self) -> str:
        if self.observer_factory is not None:
            observer, kind = self.observer_factory(), "custom"
        else:
            observer, kind = make_observer(self.inbox, self.settings.watch.poll)
        observer.schedule(InboxEvents(self._events.put), str(self.inbox), recursive=False)
        try:
            observer.start()
        except OSError as exc:  # e.g. the inotify watch limit
            log.warning("file events unavailable (%s); polling instead", exc)
            observer = PollingObserver(timeout=1.0)
            observer.schedule(InboxEvents(self._events.put), str(self.inbox), recursive=False)
            observer.start()
            kind = "polling"
        self._observer, self.observer_kind = observer, kind
        return kind

    def _stop_observer(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None

    def _check_observer(self) -> None:
        """Restart the observer if it died (a network share that went away and came back)."""
        if self._observer is not None and self._observer.is_alive():
            return
        if not self.inbox.is_dir():
            log.warning("inbox %s is not reachable; waiting", self.inbox)
            return
        log.warning("file observer stopped; restarting it")
        self._stop_observer()
        try:
            self._start_observer()
        except OSError as exc:
            log.warning("cannot restart the observer: %s", exc)

    # -- nominating ----------------------------------------------------------------

    def rescan(self) -> None:
        """Nominate every file directly in the inbox (at start and every few minutes);
        say once about each thing in it that is not a file (it is never read)."""
        try:
            entries = list(os.scandir(self.inbox))
        except OSError as exc:
            log.warning("cannot list %s: %s", self.inbox, exc)
            return
        for entry in entries:
            self._nominate(Path(entry.path))
        self._note_not_files()

    def _note_not_files(self) -> None:
        """Say once about each thing in the inbox that is not a file (left there unread)."""
        odd = not_files(self.dept)
        for item in odd:
            if item.name not in self._not_files:
                log.warning("%s / %s", item.message_en, item.message_ar)
        self._not_files = {item.name for item in odd}

    def _drain(self, timeout: float) -> None:
        try:
            self._nominate(self._events.get(timeout=timeout))
            while True:
                self._nominate(self._events.get_nowait())
        except queue.Empty:
            pass

    def _wait(self, now: float) -> float:
        """How long to wait for file events: until the next nominated file may be ready."""
        if not self._pending:
            return self.wake_seconds
        stability = self.settings.intake.stability_seconds
        due = min(seen.due(stability) for seen in self._pending.values())
        return min(self.wake_seconds, max(0.01, due - now, self._backoff_until - now))

    def _nominate(self, path: Path) -> None:
        if path in self._pending or not is_watched(path, self.inbox):
            return
        try:
            info = os.lstat(path)  # the entry itself: a link is never followed
        except OSError:
            return
        if stat.S_ISREG(info.st_mode):
            self._pending[path] = Arrival(info.st_size, info.st_mtime_ns, time.monotonic())
        elif path.name not in self._not_files and path.name not in PRODUCT_FOLDERS:
            self._note_not_files()

    # -- deciding ------------------------------------------------------------------

    def _ready(self, now: float) -> list[Path]:
        """Nominated files complete (or quiet long enough) and free to open."""
        stability = self.settings.intake.stability_seconds
        ready: list[tuple[int, str, Path]] = []
        for path, seen in list(self._pending.items()):
            try:
                info = os.lstat(path)
            except OSError:
                del self._pending[path]  # handled, renamed or deleted
                continue
            if not stat.S_ISREG(info.st_mode):
                del self._pending[path]  # replaced by a link or a folder: never read
                continue
            if seen.changed(info, now) or now < seen.not_before:
                continue
            if not seen.quiet_enough(path, now, stability):
                continue
            if not can_open_exclusively(path):
                if not seen.locked:
                    log.info("waiting: %s is open in another program", path.name)
                seen.locked, seen.since = True, now
                continue
            seen.locked = False
            ready.append((info.st_mtime_ns, path.name, path))
        return [path for _, _, path in sorted(ready)]

    def _handle(self, ready: list[Path]) -> None:
        """Hand the ready files over in batches of ``intake.max_batch``; in a flood the
        registers and the documents owed are written once, after the last batch."""
        size = self.settings.intake.max_batch
        chunks = [ready[start : start + size] for start in range(0, len(ready), size)]
        for index, chunk in enumerate(chunks):
            if self.stop_event.is_set():
                return
            registers = index == len(chunks) - 1 and not self._more_coming(chunk)
            result = self._batch(chunk, registers=registers)
            if result is None or getattr(result, "interrupted", ""):
                return

    def _batch(self, paths: list[Path], *, registers: bool = True) -> object | None:
        """One call of ``handle_batch``; None when it failed (said, then a pause)."""
        try:
            result = self.handle_batch(
                self.dept, clock=self.clock, settings=self.settings, paths=paths,
                progress=self._progress, should_stop=self.stop_event.is_set,
                registers=registers, documents=registers, workers=self.workers,
            )
        except EtiError as exc:  # the ledger lost or locked, a bad setting: said once
            self._say("batch", f"{exc.message_en} / {exc.message_ar}", logging.ERROR)
            self._backoff_until = time.monotonic() + BACKOFF_SECONDS
            self._owed_later()
            return None
        except Exception:
            log.exception("batch of %d files failed; retrying in %ds", len(paths),
                          BACKOFF_SECONDS)
            self._backoff_until = time.monotonic() + BACKOFF_SECONDS
            self._owed_later()
            return None
        self._say("batch", "")
        self._owed_since = 0.0 if registers else self._owed_since or time.monotonic()
        self._after_batch(paths, result)
        if registers:
            self._check_owed(result)
        return result

    def _owed_later(self) -> None:
        """Some documents or registers stay owed: try again on its own after a pause that
        doubles while they stay owed (a file arriving meanwhile tries them too)."""
        pause = self._retry_pause * 2 if self._retry_pause else OWED_RETRY_SECONDS
        self._retry_pause = min(pause, MAX_OWED_RETRY_SECONDS)
        self._retry_at = time.monotonic() + self._retry_pause
        log.info("documents or registers still owed; trying again in %.0f s",
                 self._retry_pause)

    def _check_owed(self, result: object) -> None:
        """After a batch that wrote the registers and documents: whether it left some owed
        (held back, interrupted, a document that failed)."""
        held = {str(getattr(h, "what", "")) for h in getattr(result, "held", None) or []}
        left = int(getattr(getattr(result, "documents", None), "left", 0) or 0)
        if held & {"documents", "registers"} or getattr(result, "interrupted", "") or left:
            self._owed_later()
        else:
            self._retry_at = self._retry_pause = 0.0

    def _more_coming(self, chunk: list[Path]) -> bool:
        """Whether more workbooks are about to be ready (a flood still arriving): then
        the registers wait for them, up to :data:`REGISTERS_OWED_SECONDS`."""
        if self._owed_since and time.monotonic() - self._owed_since > REGISTERS_OWED_SECONDS:
            return False
        self._drain(0)
        taken, now = set(chunk), time.monotonic()
        for path, seen in self._pending.items():
            if path in taken or seen.locked:
                continue
            try:
                seen.changed(os.lstat(path), now)  # a copy that went on since last looked at
            except OSError:
                continue
            if seen.complete is not False:
                return True
        return False

    def _say(self, topic: str, message: str, level: int = logging.WARNING) -> None:
        """Log a trouble once while it lasts, and once when it is over."""
        before = self._said.get(topic, "")
        if message == before:
            return
        if message:
            log.log(level, "%s", message)
        else:
            log.info("%s: resolved", topic)
        self._said[topic] = message

    def _after_batch(self, chunk: list[Path], result: object) -> None:
        now = time.monotonic()
        files = getattr(result, "files", None) or []
        if files:
            counts: dict[str, int] = {}
            for item in files:
                outcome = str(getattr(item, "outcome", "?"))
                counts[outcome] = counts.get(outcome, 0) + 1
            log.info("batch: %d files (%s)", len(files),
                     ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
        for path in chunk:
            if os.path.lexists(path):  # not claimed (held open, or the batch stopped early)
                seen = self._pending.get(path)
                if seen is not None and not self.stop_event.is_set():
                    seen.attempts += 1
                    seen.not_before = now + min(MAX_RETRY_SECONDS, 2.0**seen.attempts)
            else:
                self._pending.pop(path, None)
                self.handled += 1
        for outcome in getattr(result, "registers", None) or []:
            status = getattr(outcome, "status", "")
            if status in ("waiting-for-excel", "waiting-read-only"):
                why = "is open in Excel" if status == "waiting-for-excel" else "is read-only"
                log.warning("register %s %s; it will be replaced when it can be: %s",
                            getattr(outcome, "process", "?"), why, getattr(outcome, "path", ""))
        held = {str(getattr(h, "what", "")): h for h in getattr(result, "held", None) or []}
        for what in ("registers", "documents"):
            if what in held:
                self._say(what, f"{held[what].message_en} / {held[what].message_ar}",
                          logging.ERROR)
            elif getattr(result, what, None):
                self._say(what, "")
        interrupted = getattr(result, "interrupted", "")
        if interrupted:
            log.error("batch interrupted (%s); retrying in %ds", interrupted, BACKOFF_SECONDS)
            self._backoff_until = now + BACKOFF_SECONDS

    def _progress(self, result: object) -> None:
        """Per-file detail; the intake itself logs the one INFO line per file."""
        log.debug("handled %s: %s %s, %s rows", getattr(result, "file", "?"),
                  getattr(result, "outcome", "?"), getattr(result, "form", "") or "?",
                  getattr(result, "rows", 0))

    def _warm_workers(self) -> None:
        """Worker processes started ahead of a flood (the real pipeline only)."""
        if not self.warm:
            return
        try:
            self.workers.warm(self.dept)
        except Exception as exc:  # a reference list unreadable now: a batch starts them
            log.warning("worker processes not started ahead: %s", exc)

    def _remove_temporaries(self) -> None:
        """At start: what a run that ended left half-written in ``outbox/`` goes."""
        try:
            from automation.documents.outbox import remove_temporaries

            remove_temporaries(self.dept, once=True)
        except Exception:  # the outbox unreachable now: the first batch tries again
            log.exception("removing temporary files in %s failed", self.dept.outbox)

    def _catch_up(self) -> None:
        """At start: finish what a run left (files claimed by an interrupted batch,
        registers and documents still owed); the pipeline is convergent."""
        if any(self.dept.claimed.glob("*")):
            log.info("finishing files left claimed by an interrupted run")
        self._batch([])

    def _jobs_started(self, now: float) -> bool:
        """At start the jobs wait until the files that were waiting in the inbox are read
        (or held open, or :data:`JOBS_WAIT_SECONDS` passed); then the first tick runs what
        was missed while the PC was off, so a catch-up report counts those files."""
        if self._waiting_at_start is None:
            return True
        self._waiting_at_start &= self._pending.keys()  # handled: no longer pending
        if any(not self._pending[p].locked for p in self._waiting_at_start) \
                and now < self._jobs_wait_until:
            return False
        self._waiting_at_start = None
        self.jobs.safe_tick()  # runs missed while the PC was off
        return True

    def _retry_pending_registers(self) -> None:
        """Registers that waited for Excel are swapped in even when no file arrives."""
        if not pending_registers(self.dept):
            return
        try:
            from automation.registers.swap import retry_pending

            retry_pending(self.dept, excel=None)
        except Exception:
            log.exception("retrying pending registers failed")

    # -- heartbeat -----------------------------------------------------------------

    @property
    def locked(self) -> list[str]:
        return sorted(p.name for p, seen in self._pending.items() if seen.locked)

    def _heartbeat(self, stopping: bool = False) -> None:
        state = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "root": str(self.dept.root),
            "observer": self.observer_kind,
            "started_at": self._started_at.isoformat(timespec="seconds"),
            "seen_at": self.clock.now().isoformat(timespec="seconds"),
            "running": not stopping,
            "handled": self.handled,
            "pending": len(self._pending),
            "waiting_locked": self.locked,
        }
        write_state(self.dept, state)
