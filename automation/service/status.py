"""``eti status``: is the service running, what waits, what came in today.

The watcher leaves a heartbeat in ``data/watch.json`` (written every few
seconds, and once more when it stops); everything else comes from the
department folder and the ledger.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.core.inbox_listing import NotAFile, not_files, waiting_files
from automation.core.locks import exclusive
from automation.core.settings import Settings, load_settings
from automation.ledger.backup import backups
from automation.ledger.postgres import password_warning
from automation.ledger.store import Ledger
from automation.ledger.submissions import last_received
from automation.service.jobs import JobInfo, JobRunner

STATE_FILE = "watch.json"
"""``data/watch.json``: the running watcher's heartbeat."""

HEARTBEAT_SECONDS = 10.0
PENDING_SUFFIX = ".pending.xlsx"
"""A register written while Excel held the old one open, waiting to be swapped in."""


# -- the watcher's heartbeat --------------------------------------------------------


def state_path(dept: Department) -> Path:
    return dept.data / STATE_FILE


def write_state(dept: Department, state: dict[str, object]) -> None:
    """Replace the heartbeat file (never half-written)."""
    path = state_path(dept)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a heartbeat is a courtesy; never a reason to stop


def read_state(dept: Department) -> dict[str, object]:
    """The watcher's last heartbeat ({} when it never ran)."""
    try:
        state = json.loads(state_path(dept).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def watcher_alive(state: dict[str, object], now: dt.datetime, grace: float = 60.0) -> bool:
    """Whether a heartbeat says the watcher is running now.

    Its process is asked first: a watcher killed without a word (kill -9, a crash,
    the PC's power) still has a fresh heartbeat for a minute, but its process id
    names no process any more. The heartbeat's age is what is left when the watcher
    runs on another machine (a department folder on a network share).
    """
    if not state.get("running"):
        return False
    pid = state.get("pid")
    host = state.get("host")
    if isinstance(pid, int) and (host is None or host == socket.gethostname()) \
            and not process_alive(pid):
        return False
    try:
        seen = dt.datetime.fromisoformat(str(state.get("seen_at")))
    except ValueError:
        return False
    return abs((now - seen).total_seconds()) <= HEARTBEAT_SECONDS + grace


def process_alive(pid: int) -> bool:
    """Whether a process with this id is running on this machine."""
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - Windows only
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    except OSError:
        return False
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A process that has ended but whose parent has not collected it yet (Linux)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return text.rpartition(")")[2].split()[:1] == ["Z"]


def _windows_process_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.OpenProcess.argtypes = [wintypes.DWORD, wintypes.BOOL, wintypes.DWORD]
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.GetExitCodeProcess.argtypes = [wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD)]
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    query_limited, still_active, access_denied = 0x1000, 259, 5
    handle = kernel32.OpenProcess(query_limited, False, pid)
    if not handle:
        return ctypes.get_last_error() == access_denied  # it exists, under another user
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


class AlreadyRunning(EtiError):
    """Another watcher already watches this department."""

    code = "already-running"


@contextmanager
def single_instance(dept: Department) -> Iterator[None]:
    """Hold ``data/watch.lock`` while watching: a second watcher stops at once."""
    try:
        with exclusive(dept.data / "watch.lock", wait=False):
            yield
    except BlockingIOError as exc:
        raise AlreadyRunning(
            f"a watcher is already running for {dept.root}",
            f"خدمة المراقبة تعمل مسبقاً لهذا القسم ({dept.root})",
        ) from exc


# -- the report -----------------------------------------------------------------------


@dataclass
class StatusReport:
    """What ``eti status`` shows."""

    root: str
    now: dt.datetime
    watcher_running: bool
    watcher: dict[str, object]
    waiting: list[str]
    locked: list[str]
    claimed: int
    today: dict[str, int]
    last_intake: dt.datetime | None
    dirty_registers: list[str]
    pending_registers: list[str]
    jobs: list[JobInfo] = field(default_factory=list)
    last_backup: str = ""
    last_backup_at: dt.datetime | None = None
    not_files: list[NotAFile] = field(default_factory=list)
    """What the inbox holds that is not a regular file: never read, left for staff."""
    warnings: list[tuple[str, str]] = field(default_factory=list)
    """(Arabic, English): what should change though nothing stops (a password written in
    the ledger's address)."""

    @property
    def registers_up_to_date(self) -> bool:
        return not self.dirty_registers and not self.pending_registers

    @property
    def next_jobs(self) -> list[JobInfo]:
        return sorted(self.jobs, key=lambda j: j.next_run)

    def to_json(self) -> dict[str, object]:
        def iso(value: dt.datetime | None) -> str | None:
            return value.isoformat(timespec="seconds") if value else None

        return {
            "root": self.root,
            "now": iso(self.now),
            "watcher_running": self.watcher_running,
            "watcher": self.watcher,
            "waiting": self.waiting,
            "locked": self.locked,
            "claimed": self.claimed,
            "today": self.today,
            "last_intake": iso(self.last_intake),
            "registers_up_to_date": self.registers_up_to_date,
            "dirty_registers": self.dirty_registers,
            "pending_registers": self.pending_registers,
            "jobs": [j.to_json() for j in self.next_jobs],
            "last_backup": self.last_backup or None,
            "last_backup_at": iso(self.last_backup_at),
            "not_files": [item.to_json() for item in self.not_files],
            "warnings": [{"ar": ar, "en": en} for ar, en in self.warnings],
        }


def _today_counts(ledger: Ledger, day: dt.date) -> dict[str, int]:
    start = dt.datetime.combine(day, dt.time())
    counts = {"accepted": 0, "rejected": 0, "duplicate": 0}
    for sub in ledger.submissions_between(start, start + dt.timedelta(days=1)):
        outcome = "accepted" if sub["outcome"] == "superseded" else str(sub["outcome"])
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _last_intake(ledger: Ledger) -> dt.datetime | None:
    value = last_received(ledger.conn)
    return dt.datetime.fromisoformat(value) if value else None


def pending_registers(dept: Department) -> list[str]:
    """Registers waiting for Excel to let go of the old copy."""
    if not dept.registers.is_dir():
        return []
    return sorted(
        p.relative_to(dept.root).as_posix() for p in dept.registers.glob(f"*{PENDING_SUFFIX}")
    )


def _claimed(dept: Department) -> int:
    try:
        return sum(
            1 for p in dept.claimed.iterdir() if p.suffix != ".json" and not p.name.endswith(".tmp")
        )
    except OSError:
        return 0


BACKUP_BY_SERVER = "خادم PostgreSQL / the PostgreSQL server"
"""Where a shared ledger's backups are: the server's own (``eti ledger backup`` says so)."""


def status(
    dept: Department, ledger: Ledger, *, clock: Clock, settings: Settings | None = None
) -> StatusReport:
    """The department's state now."""
    now = clock.now()
    settings = settings or load_settings(dept)
    state = read_state(dept)
    running = watcher_alive(state, now)
    found = backups(dept.backups)
    newest = found[-1] if found else None
    locked = state.get("waiting_locked") if running else []
    return StatusReport(
        root=str(dept.root),
        now=now,
        watcher_running=running,
        watcher=state,
        waiting=[p.name for p in waiting_files(dept)],
        not_files=not_files(dept),
        locked=list(locked) if isinstance(locked, list) else [],
        claimed=_claimed(dept),
        today=_today_counts(ledger, now.date()),
        last_intake=_last_intake(ledger),
        dirty_registers=sorted(ledger.dirty_processes()),
        pending_registers=pending_registers(dept),
        jobs=JobRunner(dept, settings, clock=clock).table(now, ledger),
        last_backup=newest.relative_to(dept.root).as_posix() if newest else
        BACKUP_BY_SERVER if ledger.dialect.backed_up_by_server else "",
        last_backup_at=dt.datetime.fromtimestamp(newest.stat().st_mtime).replace(microsecond=0)
        if newest else None,
        warnings=[w for w in (password_warning(ledger.url),) if w],
    )
