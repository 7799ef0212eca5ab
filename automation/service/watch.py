"""The watch service: every workbook dropped into ``inbox/`` is handled once.

File events (watchdog) and periodic rescans only *nominate* files; one loop
decides when a file is complete and hands the ready ones, in batches, to
``handle_batch`` (:func:`automation.intake.pipeline.run_batch`). A file is complete when
its size and modification time have not changed for ``intake.stability_seconds``
and it can be opened for exclusive access (a workbook open in Excel waits; it is
never rejected for that). Excel saves through a temporary file renamed into
place, so moves count by their destination.

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
import stat
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.settings import Settings
from automation.intake.inbox import is_candidate
from automation.service.jobs import JobRunner
from automation.service.status import HEARTBEAT_SECONDS, pending_registers, write_state

log = logging.getLogger(__name__)

HandleBatch = Callable[..., object]
"""``run_batch(dept, *, clock, settings, paths, progress, should_stop)``."""

ObserverFactory = Callable[[], BaseObserver]

BACKOFF_SECONDS = 30.0
MAX_RETRY_SECONDS = 300.0
"""Longest wait before offering again a file the batch left in the inbox."""
"""Pause after a batch that failed on the machine (ledger locked, disk full)."""

NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p", "davfs",
    "fuse.davfs2", "fuse.sshfs", "sshfs", "ceph", "glusterfs", "fuse.glusterfs", "lustre",
})


# -- which files ----------------------------------------------------------------------


def is_hidden(path: Path) -> bool:
    """A dot file, or a file with the Windows hidden attribute."""
    if path.name.startswith("."):
        return True
    try:
        attributes = getattr(os.stat(path), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def is_watched(path: Path, inbox: Path) -> bool:
    """Whether ``path`` is a file staff dropped directly into ``inbox``."""
    if os.path.normcase(str(path.parent)) != os.path.normcase(str(inbox)):
        return False
    return is_candidate(path) and not is_hidden(path)


def can_open_exclusively(path: Path) -> bool:
    """Whether no other program holds the file (Excel keeps an open workbook locked).

    Windows: open with no sharing (a sharing violation while Excel, a copy or
    anything else has it open). Elsewhere a shared open cannot be seen, so an
    exclusive ``flock`` attempt is all there is; stability is the signal.
    """
    if os.name == "nt":
        return _windows_exclusive(path)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def _windows_exclusive(path: Path) -> bool:  # pragma: no cover - Windows only
    """Open with no sharing at all: fails while any other program has the file open."""
    try:
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        create = kernel32.CreateFileW
        create.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, wintypes.LPVOID,
                           wintypes.DWORD, wintypes.DWORD, wintypes.HANDLE]
        create.restype = wintypes.HANDLE
    except (AttributeError, OSError, ImportError):
        return _windows_exclusive_crt(path)
    generic_read, no_sharing, open_existing, normal = 0x80000000, 0, 3, 0x80
    handle = create(str(path), generic_read, no_sharing, None, open_existing, normal, None)
    if handle is None or handle == ctypes.c_void_p(-1).value:
        return False  # sharing violation (Excel, a copy under way) or gone
    kernel32.CloseHandle(handle)
    return True


def _windows_exclusive_crt(path: Path) -> bool:  # pragma: no cover - Windows only
    import msvcrt

    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except OSError:
        return False
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


# -- network shares ---------------------------------------------------------------------


def _unescape_mount(text: str) -> str:
    """/proc/mounts writes a space as ``\\040``."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and text[i + 1 : i + 4].isdigit():
            out.append(chr(int(text[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def mount_type(path: str, mounts: str) -> str:
    """The file-system type of the mount holding ``path``, per /proc/mounts text."""
    best, fstype = "", ""
    target = path.rstrip("/") + "/"
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = _unescape_mount(parts[1]).rstrip("/") + "/"
        if target.startswith(point) and len(point) > len(best):
            best, fstype = point, parts[2]
    return fstype


def is_network_path(path: Path, *, mounts: str | None = None, platform: str = sys.platform) -> bool:
    """UNC paths, mapped network drives (Windows), nfs/cifs/smb mounts (Linux)."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    if platform == "win32":
        return _windows_remote_drive(text)
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return mount_type(text, mounts).lower() in NETWORK_FILESYSTEMS


def _windows_remote_drive(text: str) -> bool:  # pragma: no cover - Windows only
    if len(text) < 2 or text[1] != ":":
        return False
    try:
        import ctypes

        drive_remote = 4
        return ctypes.windll.kernel32.GetDriveTypeW(text[:2] + "\\") == drive_remote  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return False


def make_observer(inbox: Path, poll: bool) -> tuple[BaseObserver, str]:
    """The observer for ``inbox`` and its kind (``polling`` on network shares)."""
    if poll or is_network_path(inbox):
        return PollingObserver(timeout=1.0), "polling"
    return Observer(), "native"


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


class _InboxEvents(FileSystemEventHandler):
    """File events only nominate a path; the loop decides."""

    def __init__(self, nominate: Callable[[Path], None]) -> None:
        self.nominate = nominate

    def _put(self, raw: bytes | str) -> None:
        if raw:
            self.nominate(Path(os.fsdecode(raw)))

    def on_created(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._put(event.src_path)

    def on_modified(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._put(event.src_path)

    def on_moved(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._put(event.dest_path)

    def on_closed(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._put(event.src_path)


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float
    locked: bool = False
    attempts: int = 0
    not_before: float = 0.0


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
        self._events: queue.SimpleQueue[Path] = queue.SimpleQueue()
        self._pending: dict[Path, _Seen] = {}
        self._observer: BaseObserver | None = None
        self._backoff_until = 0.0
        self._started_at = clock.now()

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
            log.info("watching %s (%s observer, stable after %ss)", self.inbox,
                     self._start_observer(), self.settings.intake.stability_seconds)
            self._finish_leftovers()
            self.rescan()
            self.jobs.safe_tick()  # runs missed while the PC was off
            ticks = self.jobs.scheduler()
            rescan_every = self.settings.watch.rescan_minutes * 60
            next_rescan = time.monotonic() + rescan_every
            next_beat = 0.0
            while not self.stop_event.is_set():
                self._drain(self.wake_seconds)
                now = time.monotonic()
                if now >= next_rescan:
                    self.rescan()
                    self._check_observer()
                    self._retry_pending_registers()
                    next_rescan = now + rescan_every
                ready = self._ready(now)
                if ready and now >= self._backoff_until:
                    self._handle(ready)
                if not self.stop_event.is_set():
                    ticks.run_pending()
                if now >= next_beat:
                    self._heartbeat()
                    next_beat = now + HEARTBEAT_SECONDS
        finally:
            self._stop_observer()
            self._heartbeat(stopping=True)
            log.info("stopped; %d files handled, %d waiting in the inbox", self.handled,
                     len(self._pending))
            self.stopped.set()

    def _start_observer(self) -> str:
        if self.observer_factory is not None:
            observer, kind = self.observer_factory(), "custom"
        else:
            observer, kind = make_observer(self.inbox, self.settings.watch.poll)
        observer.schedule(_InboxEvents(self._events.put), str(self.inbox), recursive=False)
        try:
            observer.start()
        except OSError as exc:  # e.g. the inotify watch limit
            log.warning("file events unavailable (%s); polling instead", exc)
            observer = PollingObserver(timeout=1.0)
            observer.schedule(_InboxEvents(self._events.put), str(self.inbox), recursive=False)
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
        """Nominate every file directly in the inbox (at start and every few minutes)."""
        try:
            entries = list(os.scandir(self.inbox))
        except OSError as exc:
            log.warning("cannot list %s: %s", self.inbox, exc)
            return
        for entry in entries:
            self._nominate(Path(entry.path))

    def _drain(self, timeout: float) -> None:
        try:
            self._nominate(self._events.get(timeout=timeout))
            while True:
                self._nominate(self._events.get_nowait())
        except queue.Empty:
            pass

    def _nominate(self, path: Path) -> None:
        if path in self._pending or not is_watched(path, self.inbox):
            return
        try:
            info = os.stat(path)
        except OSError:
            return
        if stat.S_ISREG(info.st_mode):
            self._pending[path] = _Seen(info.st_size, info.st_mtime_ns, time.monotonic())

    # -- deciding ------------------------------------------------------------------

    def _ready(self, now: float) -> list[Path]:
        """Nominated files unchanged for the stability period and free to open."""
        stability = self.settings.intake.stability_seconds
        ready: list[tuple[int, str, Path]] = []
        for path, seen in list(self._pending.items()):
            try:
                info = os.stat(path)
            except OSError:
                del self._pending[path]  # handled, renamed or deleted
                continue
            if (info.st_size, info.st_mtime_ns) != (seen.size, seen.mtime_ns):
                seen.size, seen.mtime_ns, seen.since = info.st_size, info.st_mtime_ns, now
                continue
            if now - seen.since < stability or now < seen.not_before:
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
        size = self.settings.intake.max_batch
        for start in range(0, len(ready), size):
            if self.stop_event.is_set():
                return
            chunk = ready[start : start + size]
            try:
                result = self.handle_batch(
                    self.dept, clock=self.clock, settings=self.settings, paths=chunk,
                    progress=self._progress, should_stop=self.stop_event.is_set,
                )
            except Exception:
                log.exception("batch of %d files failed; retrying in %ds", len(chunk),
                              BACKOFF_SECONDS)
                self._backoff_until = time.monotonic() + BACKOFF_SECONDS
                return
            self._after_batch(chunk, result)

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
            if path.exists():  # not claimed (held open, or the batch stopped early)
                seen = self._pending.get(path)
                if seen is not None and not self.stop_event.is_set():
                    seen.attempts += 1
                    seen.not_before = now + min(MAX_RETRY_SECONDS, 2.0**seen.attempts)
            else:
                self._pending.pop(path, None)
                self.handled += 1
        for outcome in getattr(result, "registers", None) or []:
            status = getattr(outcome, "status", "")
            if status == "waiting-for-excel":
                log.warning("register %s is open in Excel; it will be replaced when closed: %s",
                            getattr(outcome, "process", "?"), getattr(outcome, "path", ""))
        interrupted = getattr(result, "interrupted", "")
        if interrupted:
            log.error("batch interrupted (%s); retrying in %ds", interrupted, BACKOFF_SECONDS)
            self._backoff_until = now + BACKOFF_SECONDS

    def _progress(self, result: object) -> None:
        """Per-file detail; the intake itself logs the one INFO line per file."""
        log.debug("handled %s: %s %s, %s rows", getattr(result, "file", "?"),
                  getattr(result, "outcome", "?"), getattr(result, "form", "") or "?",
                  getattr(result, "rows", 0))

    def _finish_leftovers(self) -> None:
        """Files claimed by a run that was interrupted: the pipeline finishes them."""
        try:
            leftovers = any(self.dept.claimed.iterdir())
        except OSError:
            return
        if leftovers:
            log.info("finishing files left claimed by an interrupted run")
            try:
                result = self.handle_batch(
                    self.dept, clock=self.clock, settings=self.settings, paths=[],
                    progress=self._progress, should_stop=self.stop_event.is_set,
                )
                self._after_batch([], result)
            except Exception:
                log.exception("finishing claimed files failed; the next batch retries")

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
