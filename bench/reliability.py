#!/usr/bin/env python
"""Reliability, measured and published: kills, a flood, hostile files, a full disk.

    python bench/reliability.py            # the full run (under 20 minutes on 2 cores)
    python bench/reliability.py --quick    # the shortened run CI makes (under 3 minutes)
    python bench/reliability.py --only kill,hostile --quick

Every check runs the product as staff run it (``python -m automation process`` or
``watch`` in a child process) against a department folder made from the
product's own blank forms, then opens what came out. It prints a Markdown table
(the README quotes it) with the date and the machine, and exits 1 when any
figure of loss or duplication is not 0 or a check fails.

1. kill: ``eti process`` on a batch with duplicates, supersessions and rejects,
   SIGKILLed 0.2–1.5 s after it starts, restarted until the batch is done;
   then compared with an uninterrupted run of the same files.
2. flood: thousands of files dropped at once into a running ``eti watch``,
   some byte-identical, some still being copied slowly.
3. hostile: every file of ``tests/hostile_cases.py`` (and a few more), each in
   its own department and its own child process: crashes, hangs, peak memory,
   and every rejection explained in its errors workbook.
4. disk: a batch on a tmpfs that fills up mid-batch, then space is freed.
5. property: ``tests/intake/test_reliability_model.py`` (hypothesis state machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "tests", ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import corpus  # noqa: E402
import openpyxl  # noqa: E402
from department_factory import filled_workbook, make_department, school_names  # noqa: E402
from hostile_cases import HostileCase, build_hostile_corpus  # noqa: E402
from watch_bench import percentile, wait_for  # noqa: E402

from automation.core.department import Department  # noqa: E402
from automation.intake.errors_workbook import ERRORS_SHEET  # noqa: E402
from automation.intake.inbox import errors_workbook_path, safe_name  # noqa: E402
from automation.intake.limits import DEFAULT_LIMITS  # noqa: E402
from automation.ledger.open import open_ledger  # noqa: E402
from automation.processes import processes_fed_by  # noqa: E402
from automation.registers.builder import register_path  # noqa: E402

ARABIC = re.compile("[\u0600-\u06ff]")
MEMORY_LIMIT_MB = 512
HANG_SECONDS = DEFAULT_LIMITS.max_seconds
"""A child still running after the product's own bound on reading one file hangs."""
FORM = "QF75-11"


@dataclass(frozen=True)
class Scale:
    """How much of everything: the full run or the quick one CI makes."""

    name: str
    kill_files: int
    kill_points: int
    kill_workers: int
    flood_files: int
    flood_duplicates: int
    flood_slow: int
    flood_timeout: float
    hostile_rows: int
    disk_files: int
    templates: int


FULL = Scale("full", 500, 1000, 4, 2000, 200, 100, 900.0, 5000, 60, 20)
QUICK = Scale("quick", 60, 30, 2, 300, 30, 15, 240.0, 1500, 40, 10)
SECTIONS = ("kill", "flood", "hostile", "disk", "property")


@dataclass
class Check:
    """One line of the table; ``figures`` must all be 0 for the check to pass."""

    name: str
    runs: str
    result: str
    seconds: float = 0.0
    figures: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not any(self.figures.values())


def say(message: str) -> None:
    """Progress on stderr; the table alone goes to stdout."""
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# -- running the product -----------------------------------------------------------


MARK_ENV = "ETI_RELIABILITY_RUN"
"""Set in every child this script starts, so processes they leave behind can be found."""


def eti(
    root: Path, command: str = "process", *, log: Path | None = None, mark: str = "bench"
) -> subprocess.Popen[bytes]:
    """``python -m automation <command> --root root`` as staff would start it."""
    env = dict(os.environ)
    env[MARK_ENV] = mark
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    out = log.open("wb") if log is not None else None
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "automation", command, "--root", str(root)],
            stdout=out or subprocess.DEVNULL,
            stderr=subprocess.STDOUT if out else subprocess.DEVNULL,
            cwd=ROOT,
            env=env,
        )
    finally:
        if out is not None:
            out.close()


@dataclass(frozen=True)
class Exit:
    """How a child ended: its exit code (None if it had to be killed) and peak memory."""

    code: int | None
    timed_out: bool
    seconds: float
    max_rss_mb: float


LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""
"""Forks the product from a small process: Linux carries the parent's peak RSS into a
child across fork and exec, so a child of this (large) script would report at least
this script's size. Measured so, a child's peak starts at the launcher's ~10 MB."""


def run_bounded(root: Path, log: Path, timeout: float = HANG_SECONDS) -> Exit:
    """Run ``eti process`` once, through :data:`LAUNCHER` for its own peak memory;
    after ``timeout`` seconds its whole process group is killed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env[MARK_ENV] = "bounded"
    report = log.with_suffix(".rss")
    report.unlink(missing_ok=True)
    started = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(report), "-m", "automation", "process",
             "--root", str(root)],
            stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env, start_new_session=True,
        )
    timed_out = False
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    seconds = time.monotonic() - started
    try:
        rss_kb, code = (int(v) for v in report.read_text().split())
    except (OSError, ValueError):
        rss_kb, code = 0, proc.returncode
    return Exit(None if timed_out else code, timed_out, seconds, rss_kb / 1024)


def read_log(log: Path) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


# -- what a department holds after a batch ---------------------------------------------


@dataclass
class LedgerView:
    submissions: int
    outcomes: Counter[str]
    live: Counter[str]
    rows_total: int
    live_keys: Counter[tuple[str, int]]
    live_data: Counter[tuple[str, str]]
    integrity: str
    dirty: int
    stored_missing: int
    stored_wrong: int
    rejected_codes: Counter[str]


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ledger_view(dept: Department) -> LedgerView:
    """The ledger's own account, and whether every file it names is where it says."""
    with open_ledger(dept) as ledger:
        conn = ledger.conn
        subs = conn.execute("SELECT outcome, stored_path, sha256 FROM submissions").fetchall()
        live = Counter({
            str(form): int(n) for form, n in conn.execute(
                "SELECT form, COUNT(*) FROM rows WHERE current = 1 GROUP BY form")
        })
        keys = Counter(
            (str(name), int(number)) for name, number in conn.execute(
                "SELECT s.original_name, r.row_number FROM rows r "
                "JOIN submissions s ON s.id = r.submission_id WHERE r.current = 1")
        )
        data = Counter(
            (str(form), str(values)) for form, values in conn.execute(
                "SELECT form, data FROM rows WHERE current = 1")
        )
        codes = Counter(
            str(code) for (code,) in conn.execute(
                "SELECT p.code FROM problems p JOIN submissions s ON s.id = p.submission_id "
                "WHERE s.outcome = 'rejected' AND p.severity = 'error'")
        )
        view = LedgerView(
            submissions=len(subs),
            outcomes=Counter(str(r[0]) for r in subs),
            live=live,
            rows_total=ledger.count_rows(),
            live_keys=keys,
            live_data=data,
            integrity=ledger.integrity(),
            dirty=len(ledger.dirty_processes()),
            stored_missing=0,
            stored_wrong=0,
            rejected_codes=codes,
        )
    for _, stored, sha in subs:
        path = dept.root / str(stored)
        if not path.is_file():
            view.stored_missing += 1
        elif sha256_file(path) != sha:
            view.stored_wrong += 1
    return view


def stored_files(dept: Department) -> dict[str, list[Path]]:
    """Files in processed/ and rejected/ by the name staff gave them."""
    found: dict[str, list[Path]] = {}
    for folder in (dept.processed, dept.rejected):
        if not folder.exists():
            continue
        for path in folder.rglob("*"):
            if path.is_file() and not path.name.endswith(".errors.xlsx"):
                parts = path.name.split("_", 2)  # <date>_<claim>_<safe name>
                found.setdefault(parts[2] if len(parts) == 3 else path.name, []).append(path)
    return found


def left_behind(dept: Department) -> int:
    """Files still waiting in inbox/ or claimed in inbox/.claimed/."""
    waiting = sum(1 for p in dept.inbox.iterdir() if p.is_file()) if dept.inbox.exists() else 0
    claimed = sum(1 for _ in dept.claimed.iterdir()) if dept.claimed.exists() else 0
    return waiting + claimed


@dataclass(frozen=True)
class Filing:
    missing: int
    doubled: int
    left: int


def filing(dept: Department, dropped: Iterable[str]) -> Filing:
    """Every dropped file exactly once in processed/ or rejected/, none left behind."""
    expected = Counter(safe_name(name) for name in dropped)
    found = Counter({name: len(paths) for name, paths in stored_files(dept).items()})
    return Filing(sum((expected - found).values()), sum((found - expected).values()),
                  left_behind(dept))


def counter_gap(a: Counter[str], b: Counter[str]) -> int:
    return sum(((a - b) + (b - a)).values())


# -- files to drop -------------------------------------------------------------------------


def special_templates(dept: Department, seed: int = 5) -> tuple[bytes, bytes, bytes]:
    """A workbook that must be rejected, and two versions of one filled copy (same
    school, date and reference mark, other rows): their variants supersede each other."""
    rng = random.Random(seed)
    schools = school_names(dept)
    out = []
    for school, day, rows, bad in (
        (schools[0], dt.date(2026, 2, 1), 5, True),
        (schools[1], dt.date(2026, 2, 2), 8, False),
        (schools[1], dt.date(2026, 2, 2), 12, False),
    ):
        table = corpus._rows(rng, rows, day)
        if bad:
            table[0]["status"] = "خربان"  # not one of the choices: the file is rejected
        header = {"school": school, "request_date": day, "channel": "كتاب رسمي",
                  "reference": corpus.MARK}
        path = dept.root / f".special-{len(out)}.xlsx"
        filled_workbook(dept, FORM, header, table).save(path)
        out.append(path.read_bytes())
        path.unlink()
    return out[0], out[1], out[2]


def write_kill_batch(dept: Department, n: int, templates: list[bytes],
                     specials: tuple[bytes, bytes, bytes], seed: int = 3) -> list[str]:
    """``n`` files in the inbox, in a fixed order (mtimes): distinct filled copies,
    byte-identical copies of some, pairs where the second supersedes the first, and
    rejects (a wrong choice in a row, or a truncated workbook)."""
    rng = random.Random(seed)
    bad, first, second = specials
    rejects, dups, pairs = max(2, n // 25), max(2, n // 10), max(1, n // 50)
    distinct = n - rejects - dups - 2 * pairs
    entries: list[tuple[float, str, bytes]] = []
    for i in range(distinct):
        data = corpus.variant(templates[i % len(templates)], i + 1)
        entries.append((float(i), f"طلب صيانة {i:05d}.xlsx", data))
    for j in range(dups):
        key, name, data = entries[rng.randrange(distinct)]
        entries.append((key + rng.uniform(0.01, distinct - key), f"نسخة {j:04d} من {name}", data))
    for k in range(pairs):
        key = rng.uniform(0, distinct)
        entries.append((key, f"تصحيح {k:03d} أ.xlsx", corpus.variant(first, 100_000 + k)))
        entries.append((key + rng.uniform(0.01, distinct - key + 1), f"تصحيح {k:03d} ب.xlsx",
                        corpus.variant(second, 100_000 + k)))
    for r in range(rejects):
        data = corpus.variant(bad, 200_000 + r)
        if r % 3 == 2:
            data = data[: len(data) // 2]  # a copy cut short
        entries.append((rng.uniform(0, distinct), f"مرفوض {r:03d}.xlsx", data))
    entries.sort()
    names = []
    for index, (_, name, data) in enumerate(entries):
        path = dept.inbox / name
        path.write_bytes(data)
        os.utime(path, (1_700_000_000 + index, 1_700_000_000 + index))
        names.append(name)
    return names


# -- 1. random kill -9 -------------------------------------------------------------------

AFTER_CLAIM = 0.8
"""Most kills land up to this many seconds after the run's first visible step."""
BLIND = (0.2, 1.5)
BLIND_SHARE = 0.15
"""The other kills land this many seconds after the start, whatever the run is doing."""


@dataclass
class KillTally:
    kills: int = 0
    mid_intake: int = 0
    claimed_left: int = 0
    runs: int = 0
    batches: int = 0
    blind: int = 0
    orphans: int = 0
    orphaning_kills: int = 0
    crashes: list[str] = field(default_factory=list)
    figures: Counter[str] = field(default_factory=Counter)
    provenance: int = 0


def fingerprint(dept: Department) -> tuple[object, ...]:
    """What a run changes in the folder, read without opening the ledger (opening it
    would checkpoint the WAL the killed process left and spare the next run the
    recovery it must do)."""
    def listing(folder: Path) -> tuple[str, ...]:
        try:
            return tuple(sorted(os.listdir(folder)))
        except OSError:
            return ()

    data = []
    for path in sorted(dept.data.glob("ledger.sqlite*")):
        try:
            info = path.stat()
        except OSError:
            continue
        data.append((path.name, info.st_size, info.st_mtime_ns))
    regs = []
    for path in dept.registers.glob("*.xlsx"):
        try:
            regs.append((path.name, path.stat().st_mtime_ns))
        except OSError:
            pass
    return listing(dept.inbox), listing(dept.claimed), tuple(data), tuple(sorted(regs))


ORPHAN_GRACE = 3.0
"""Seconds a killed run's worker processes get to notice and exit (a worker still
importing its modules when its parent dies notices once it has started)."""


def marked_processes(mark: str) -> list[int]:
    """Live processes started (directly or not) by a child of this script with ``mark``."""
    needle = f"{MARK_ENV}={mark}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            if needle in Path(f"/proc/{entry}/environ").read_bytes().split(b"\0"):
                found.append(int(entry))
        except OSError:
            continue
    return found


def kill_until_done(root: Path, rng: random.Random, tally: KillTally, lock: threading.Lock,
                    mark: str, enough: Callable[[], bool], max_runs: int = 5000) -> None:
    """Start ``eti process`` and SIGKILL it, again and again, until a run finishes on its
    own. Most runs die 0–``AFTER_CLAIM`` s after their first visible step (a file
    claimed or filed), the others blindly ``BLIND`` s after their start (while
    starting, opening the ledger, finishing leftovers, or writing registers).
    Processes a killed run leaves alive for a second are counted and ended. Once
    there are ``enough`` kill points, the next run is left to finish."""
    dept = Department.at(root)
    suspects: list[tuple[float, str]] = []

    def reap(wait: bool) -> None:
        while suspects and (wait or suspects[0][0] <= time.monotonic()):
            due, run_mark = suspects.pop(0)
            time.sleep(max(0.0, due - time.monotonic()))
            alive = marked_processes(run_mark)
            for pid in alive:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            with lock:
                tally.orphans += len(alive)
                tally.orphaning_kills += bool(alive)

    def visible() -> tuple[int, frozenset[str]]:
        try:
            return len(os.listdir(dept.inbox)), frozenset(os.listdir(dept.claimed))
        except OSError:
            return -1, frozenset()

    for number in range(max_runs):
        reap(wait=False)
        run_mark = f"{mark}-{number}"
        log = root.parent / f"run{number}.log"  # its own: survivors of a kill may still write
        before, seen = fingerprint(dept), visible()
        started = time.monotonic()
        blind = rng.random() < BLIND_SHARE
        deadline = started + rng.uniform(*BLIND) if blind else None
        spare = enough()
        proc = eti(root, log=log, mark=run_mark)
        code = None
        while code is None:
            time.sleep(0.01)
            code = proc.poll()
            now = time.monotonic()
            if spare:
                if now - started > 900:
                    with lock:
                        tally.crashes.append(f"{root}: a run hung for 900 s")
                    break
                continue
            if deadline is None and (visible() != seen or now - started > 5):
                deadline = now + rng.uniform(0.0, AFTER_CLAIM)
            if code is None and deadline is not None and now >= deadline:
                break
        if code is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            claimed = any(not p.name.endswith(".json") for p in dept.claimed.iterdir())
            changed = fingerprint(dept) != before
            suspects.append((time.monotonic() + ORPHAN_GRACE, run_mark))
            with lock:
                tally.runs += 1
                tally.kills += 1
                tally.blind += blind
                tally.mid_intake += changed
                tally.claimed_left += claimed
            continue
        with lock:
            tally.runs += 1
        text = read_log(log)
        if code != 0 or "Traceback" in text:
            with lock:
                tally.crashes.append(f"exit {code}: {text[-1500:]}")
        if left_behind(dept) == 0 and code == 0:
            break
    else:
        with lock:
            tally.crashes.append(f"{root}: not done after {max_runs} runs")
    reap(wait=True)


def kill_figures(dept: Department, names: list[str], calm: LedgerView) -> tuple[Counter[str], int]:
    """Loss and duplication against the uninterrupted run (every figure must be 0), and
    how many live rows name another file than in that run (a byte-identical copy
    accepted in place of its original: same data, other provenance)."""
    view = ledger_view(dept)
    filed = filing(dept, names)
    forms = set(view.live) | set(calm.live)
    figures = Counter({
        "files lost": filed.missing + filed.left,
        "files doubled": filed.doubled,
        "rows doubled": sum(max(0, view.live[f] - calm.live[f]) for f in forms)
        + max(0, view.rows_total - calm.rows_total),
        "live rows missing": sum(max(0, calm.live[f] - view.live[f]) for f in forms)
        + max(0, calm.rows_total - view.rows_total),
        "live rows with other data than the calm run": sum(
            (view.live_data - calm.live_data).values()),
        "submissions ≠ files": abs(view.submissions - len(names)),
        "outcomes ≠ calm run": counter_gap(view.outcomes, calm.outcomes),
        "ledger not ok": int(view.integrity != "ok"),
        "stored file missing or altered": view.stored_missing + view.stored_wrong,
        "registers left dirty": view.dirty,
    })
    provenance = sum((view.live_keys - calm.live_keys).values())
    return figures, provenance


def kill_section(scale: Scale, work: Path, base: Path, templates: list[bytes],
                 specials: tuple[bytes, bytes, bytes]) -> list[Check]:
    started = time.monotonic()
    pristine = work / "kill" / "pristine"
    shutil.copytree(base, pristine)
    names = write_kill_batch(Department.at(pristine), scale.kill_files, templates, specials)
    calm_root = work / "kill" / "calm"
    shutil.copytree(pristine, calm_root)
    say(f"kill: calm run of {len(names)} files")
    calm_exit = run_bounded(calm_root, work / "kill" / "calm.log", timeout=900)
    calm_dept = Department.at(calm_root)
    calm = ledger_view(calm_dept)
    calm_filed = filing(calm_dept, names)
    failed = []
    if calm_exit.code != 0 or calm_filed != Filing(0, 0, 0) or calm.integrity != "ok":
        failed.append(f"the calm run itself failed: {calm_exit}, {calm_filed}, {calm.integrity}")
    say(f"kill: calm run {calm_exit.seconds:.1f} s: {dict(calm.outcomes)}; "
        f"killing until {scale.kill_points} kill points")

    tally = KillTally()
    lock = threading.Lock()

    def worker(k: int) -> None:
        rng = random.Random(1000 + k)
        for batch in range(10_000):
            with lock:
                if tally.kills >= scale.kill_points:
                    return
            folder = work / "kill" / f"worker{k}"
            shutil.rmtree(folder, ignore_errors=True)
            root = folder / "dept"
            shutil.copytree(pristine, root)
            kill_until_done(root, rng, tally, lock, f"kill{k}-{batch}",
                            lambda: tally.kills >= scale.kill_points)
            figures, provenance = kill_figures(Department.at(root), names, calm)
            with lock:
                tally.batches += 1
                tally.figures.update(figures)
                tally.provenance += provenance
                say(f"kill: batch {tally.batches} verified, {tally.kills} kill points so far"
                    + (f", FIGURES {dict(+figures)}" if +figures else ""))

    with ThreadPoolExecutor(scale.kill_workers) as pool:
        for future in [pool.submit(worker, k) for k in range(scale.kill_workers)]:
            future.result()
    shutil.rmtree(work / "kill", ignore_errors=True)
    if tally.kills < scale.kill_points:
        failed.append(f"only {tally.kills} kill points")
    if tally.crashes:
        failed.append(f"{len(tally.crashes)} runs failed on their own: {tally.crashes[0]}")
    figures = {k: int(v) for k, v in tally.figures.items()}
    figures["processes outliving a killed run"] = tally.orphans
    stale = figures.get("live rows with other data than the calm run", 0)
    result = (
        f"files lost {figures.get('files lost', 0)} · files doubled "
        f"{figures.get('files doubled', 0)} · rows doubled {figures.get('rows doubled', 0)} · "
        f"live rows missing {figures.get('live rows missing', 0)} · "
        f"{'ledger ok' if not figures.get('ledger not ok') else 'LEDGER NOT OK'} · "
        f"live data as in the calm run: {'yes' if not stale else f'NO ({stale} rows)'} · "
        f"rows credited to a byte-identical copy instead of its original {tally.provenance} · "
        f"processes left running by a killed run {tally.orphans} (after "
        f"{tally.orphaning_kills} of the kills)"
    )
    runs = (
        f"{tally.kills:,} kill points in {tally.runs:,} runs: {tally.kills - tally.blind:,} "
        f"0–{AFTER_CLAIM} s after the run's first claim, {tally.blind:,} blind "
        f"{BLIND[0]}–{BLIND[1]} s after its start; {tally.mid_intake:,} after the run had "
        f"changed something, {tally.claimed_left:,} leaving files in .claimed/; "
        f"{tally.batches} batches × "
        f"{len(names)} files ({calm.outcomes.get('duplicate', 0)} duplicates, "
        f"{calm.outcomes.get('superseded', 0)} superseded, "
        f"{calm.outcomes.get('rejected', 0)} rejected)"
    )
    return [Check("random kill -9 of `eti process`", runs, result,
                  time.monotonic() - started, figures, failed)]


# -- 2. a flood into the watcher ------------------------------------------------------------


class RegisterVersions(threading.Thread):
    """Notes every version of the registers a form feeds (its inode change time)."""

    def __init__(self, paths: list[Path], interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.paths = paths
        self.interval = interval
        self.versions: dict[Path, set[float]] = {p: set() for p in paths}
        self.halt = threading.Event()

    def sample(self) -> None:
        for path in self.paths:
            try:
                self.versions[path].add(path.stat().st_ctime)
            except OSError:
                pass

    def run(self) -> None:
        while not self.halt.is_set():
            self.sample()
            time.sleep(self.interval)

    def first_after(self, moment: float) -> float | None:
        """When every register held a version written after ``moment`` (None: never)."""
        times = []
        for found in self.versions.values():
            later = [v for v in found if v >= moment]
            if not later:
                return None
            times.append(min(later))
        return max(times)


def slow_copies(inbox: Path, files: list[tuple[str, bytes]], drops: dict[str, float],
                chunks: int = 8, pause: float = 0.3) -> None:
    """Write files into the inbox in chunks with pauses, as a slow copy does."""
    handles = [(name, data, (inbox / name).open("wb", buffering=0)) for name, data in files]
    for c in range(chunks):
        for name, data, handle in handles:
            size = -(-len(data) // chunks)
            handle.write(data[c * size : (c + 1) * size])
            if c == chunks - 1:
                handle.close()
                drops[name] = time.time()
        if c < chunks - 1:
            time.sleep(pause)


def flood_section(scale: Scale, work: Path, base: Path, templates: list[bytes]) -> list[Check]:
    started = time.monotonic()
    folder = work / "flood"
    root = folder / "dept"
    shutil.copytree(base, root)
    dept = Department.at(root)
    (root / "eti.toml").write_text(
        "[intake]\nstability_seconds = 1\nmax_batch = 200\n\n[watch]\nrescan_minutes = 1\n",
        encoding="utf-8",
    )
    staging = folder / "staging"  # same file system: a drop is one rename
    staging.mkdir()
    rng = random.Random(7)
    quick = scale.flood_files - scale.flood_duplicates - scale.flood_slow
    order = []
    for i in range(quick):
        name = f"وارد {i:05d}.xlsx"
        (staging / name).write_bytes(corpus.variant(templates[i % len(templates)], 300_000 + i))
        order.append(name)
    for j in range(scale.flood_duplicates):
        name = f"نسخة مكررة {j:04d}.xlsx"
        shutil.copyfile(staging / order[rng.randrange(quick)], staging / name)
        order.append(name)
    rng.shuffle(order)
    slow = [(f"نسخ بطيء {k:04d}.xlsx",
             corpus.variant(templates[k % len(templates)], 400_000 + k))
            for k in range(scale.flood_slow)]
    total = len(order) + len(slow)

    log = folder / "watch.log"
    proc = eti(root, "watch", log=log)
    if not wait_for(lambda: "watching" in read_log(log) or proc.poll() is not None, 60, 0.25):
        proc.kill()
    registers = [register_path(dept, p) for p in processes_fed_by(FORM)]
    monitor = RegisterVersions(registers)
    monitor.start()
    drops: dict[str, float] = {}
    say(f"flood: dropping {total} files into a running watcher")
    writer = threading.Thread(target=slow_copies, args=(dept.inbox, slow, drops))
    first_drop = time.time()
    writer.start()
    for name in order:
        os.rename(staging / name, dept.inbox / name)
        drops[name] = time.time()
    writer.join()

    def filed() -> int:
        return sum(len(paths) for paths in stored_files(dept).values())

    finished = wait_for(
        lambda: (filed() >= total and left_behind(dept) == 0) or proc.poll() is not None,
        scale.flood_timeout, 0.5,
    )
    stored = stored_files(dept)
    filed_at = {name: min(p.stat().st_ctime for p in paths) for name, paths in stored.items()}
    last = max(filed_at.values(), default=first_drop)
    wait_for(lambda: monitor.first_after(last) is not None or proc.poll() is not None, 180, 0.2)
    proc.send_signal(signal.SIGTERM)
    try:
        watch_code: int | None = proc.wait(timeout=90)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        watch_code = None
    monitor.halt.set()
    monitor.join()
    monitor.sample()

    view = ledger_view(dept)
    filed_now = filing(dept, [*order, *(n for n, _ in slow)])
    with open_ledger(dept) as ledger:
        accepted = [str(r[0]) for r in ledger.conn.execute(
            "SELECT original_name FROM submissions WHERE outcome IN ('accepted', 'superseded')")]
    to_register, to_filed, never = [], [], 0
    for name, moment in drops.items():
        when = filed_at.get(safe_name(name))
        if when is not None:
            to_filed.append(when - moment)
    for name in accepted:
        when = filed_at.get(safe_name(name))
        seen = monitor.first_after(when) if when is not None else None
        if seen is None or name not in drops:
            never += 1
        else:
            to_register.append(seen - drops[name])
    figures = {
        "files lost": filed_now.missing + filed_now.left,
        "files doubled": filed_now.doubled,
        "submissions ≠ files": abs(view.submissions - total),
        "wrongly rejected (partial reads)": view.outcomes.get("rejected", 0),
        "duplicates ≠ byte-identical copies": abs(
            view.outcomes.get("duplicate", 0) - scale.flood_duplicates),
        "ledger not ok": int(view.integrity != "ok"),
        "stored file missing or altered": view.stored_missing + view.stored_wrong,
        "accepted file never in the registers": never,
    }
    failed = []
    if not finished:
        failed.append(f"not every file handled within {scale.flood_timeout:.0f} s")
    if watch_code != 0:
        failed.append(f"the watcher ended with {watch_code}: {read_log(log)[-400:]}")
    if "Traceback" in read_log(log):
        failed.append("a traceback in the watcher's output")
    span = max(filed_at.values(), default=first_drop) - first_drop
    register_span = (monitor.first_after(last) or last) - first_drop
    seconds = time.monotonic() - started
    runs = (f"{total:,} files dropped at once ({scale.flood_duplicates} byte-identical "
            f"copies, {scale.flood_slow} still being copied in 8 chunks 0.3 s apart); "
            f"stability 1 s, batches of 200")
    once = (f"handled once {view.submissions:,}/{total:,} · files lost "
            f"{figures['files lost']} · doubled {figures['files doubled']} · partial reads "
            f"{figures['wrongly rejected (partial reads)']} · duplicates "
            f"{view.outcomes.get('duplicate', 0)}/{scale.flood_duplicates} · "
            f"{'ledger ok' if view.integrity == 'ok' else 'LEDGER NOT OK'}")
    speed = (f"{total / span:.1f} files/s to processed/ ({span:.0f} s), "
             f"{total / register_span:.1f} files/s into the registers · "
             f"p95 drop→registers {percentile(to_register, 95):.1f} s "
             f"(median {percentile(to_register, 50):.1f} s) · p95 drop→filed "
             f"{percentile(to_filed, 95):.1f} s")
    return [
        Check("flood into `eti watch`: each file once", runs, once, seconds, figures, failed),
        Check("flood: throughput and time to register",
              f"{len(to_register):,} accepted files timed", speed),
    ]


# -- 3. hostile files ----------------------------------------------------------------------


def extra_hostile(dept: Department, folder: Path, rows: int) -> list[HostileCase]:
    """A few more: formula-looking text, a very long legitimate form, every row wrong."""
    rng = random.Random(9)
    school = school_names(dept)[0]
    day = dt.date(2026, 3, 1)
    header = {"school": school, "request_date": day, "channel": "كتاب رسمي", "reference": "X-1"}
    cases = []
    injected = corpus._rows(rng, 3, day)
    for row, text in zip(injected, ('=HYPERLINK("http://example.com","افتح")',
                                    "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"),
                         strict=True):
        row["fault"] = text
        row["asset_no"] = "=1+2"
    long_rows = corpus._rows(rng, rows, day)
    wrong = corpus._rows(rng, 300, day)
    for row in wrong:
        row["status"] = "خربان"
    for name, table in (("formula-text", injected), (f"{rows}-rows", long_rows),
                        ("300-rows-all-wrong", wrong)):
        path = folder / f"{name}.xlsx"
        filled_workbook(dept, FORM, header, table).save(path)
        cases.append(HostileCase(name, path, None))
    return cases


@dataclass(frozen=True)
class HostileResult:
    case: HostileCase
    exit: Exit
    traceback: bool
    outcome: str
    codes: tuple[str, ...]
    explained: int


def explained_problems(errors: Path) -> int:
    """Problems listed with Arabic text on the «الأخطاء» sheet of an errors workbook."""
    if not errors.is_file():
        return 0
    wb = openpyxl.load_workbook(errors, read_only=True)
    try:
        if ERRORS_SHEET not in wb.sheetnames:
            return 0
        return sum(
            1 for row in wb[ERRORS_SHEET].iter_rows(min_row=4, values_only=True)
            if len(row) > 4 and isinstance(row[4], str) and ARABIC.search(row[4])
        )
    finally:
        wb.close()


def run_hostile(case: HostileCase, base: Path, folder: Path) -> HostileResult:
    root = folder / "dept"
    shutil.copytree(base, root)
    dept = Department.at(root)
    os.rename(case.path, dept.inbox / case.path.name)
    log = folder / "process.log"
    ended = run_bounded(root, log)
    outcome, codes, explained = "ignored", (), 0
    try:
        with open_ledger(dept) as ledger:
            row = ledger.conn.execute(
                "SELECT id, outcome, stored_path FROM submissions ORDER BY id LIMIT 1").fetchone()
            if row is not None:
                outcome = str(row["outcome"])
                codes = tuple(str(p["code"]) for p in ledger.problems_of(int(row["id"]))
                              if p["severity"] == "error")
                if outcome == "rejected":
                    explained = explained_problems(
                        errors_workbook_path(dept.root / str(row["stored_path"])))
    except Exception as exc:  # the ledger itself unreadable: a failure to report
        outcome = f"ledger unreadable: {exc}"
    result = HostileResult(case, ended, "Traceback" in read_log(log), outcome, codes, explained)
    shutil.rmtree(folder, ignore_errors=True)
    return result


def hostile_section(scale: Scale, work: Path, base: Path) -> list[Check]:
    started = time.monotonic()
    folder = work / "hostile"
    cases = build_hostile_corpus(folder / "corpus")
    cases += extra_hostile(Department.at(base), folder / "corpus", scale.hostile_rows)
    say(f"hostile: {len(cases)} files, each in its own department and process")
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(
            lambda item: run_hostile(item[1], base, folder / f"case{item[0]:03d}"),
            enumerate(cases)))
    for r in results:
        say(f"hostile: {r.case.name}: {r.outcome} {','.join(r.codes)} exit {r.exit.code} "
            f"{r.exit.seconds:.1f} s {r.exit.max_rss_mb:.0f} MB, {r.explained} explained")
    crashes = [r.case.name for r in results if r.exit.code not in (0, None) or r.traceback]
    hangs = [r.case.name for r in results if r.exit.timed_out]
    heavy = [r.case.name for r in results if r.exit.max_rss_mb >= MEMORY_LIMIT_MB]
    rejected = [r for r in results if r.outcome == "rejected"]
    unexplained = [r.case.name for r in rejected if r.explained < 1]
    internal = [r.case.name for r in results if "internal" in r.codes]
    strange = [f"{r.case.name}: {r.outcome}" for r in results
               if r.outcome not in ("accepted", "rejected", "superseded", "duplicate", "ignored")]
    expected = [r for r in rejected if r.case.expected_code is not None]
    as_expected = sum(1 for r in expected if r.case.expected_code in r.codes)
    slowest = max(results, key=lambda r: r.exit.seconds)
    biggest = max(results, key=lambda r: r.exit.max_rss_mb)
    outcomes = Counter(r.outcome for r in results)
    figures = {
        "crashes": len(crashes),
        "hangs": len(hangs),
        f"processes over {MEMORY_LIMIT_MB} MB": len(heavy),
        "rejections unexplained": len(unexplained),
        "internal errors": len(internal),
        "ledger unreadable": len(strange),
    }
    for name, found in (("crash", crashes), ("hang", hangs), ("memory", heavy),
                        ("unexplained", unexplained), ("internal", internal),
                        ("strange", strange)):
        if found:
            say(f"hostile: {name}: {', '.join(found)}")
    result = (
        f"crashes {len(crashes)} · hangs > {HANG_SECONDS:.0f} s {len(hangs)} · peak memory "
        f"max {biggest.exit.max_rss_mb:.0f} MB ({biggest.case.name}; limit "
        f"{MEMORY_LIMIT_MB} MB) · slowest {slowest.exit.seconds:.1f} s ({slowest.case.name}) · "
        f"rejections explained {len(rejected) - len(unexplained)}/{len(rejected)} "
        f"(expected code {as_expected}/{len(expected)})"
    )
    runs = (f"{len(cases)} files ({len(cases) - 3} of tests/hostile_cases.py + 3): "
            + ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items())))
    shutil.rmtree(folder, ignore_errors=True)
    return [Check("hostile files through `eti process`", runs, result,
                  time.monotonic() - started, figures)]


# -- 4. disk full ----------------------------------------------------------------------------


def disk_section(scale: Scale, work: Path, base: Path, templates: list[bytes]) -> list[Check]:
    started = time.monotonic()
    name = "disk full during a batch"
    mount = work / "disk" / "small"
    mount.mkdir(parents=True)
    size_mb = 8
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return [Check(name, "—", "not measured here: mounting a small tmpfs needs root")]
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        why = made.stderr.strip()
        return [Check(name, "—", f"not measured here: cannot mount a tmpfs ({why})")]
    try:
        return [_disk_full(scale, mount, size_mb, base, templates, started)]
    finally:
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def describe_failure(text: str) -> str:
    """How a run that met a full disk ended, from its output."""
    parts = []
    if "interrupted" in text:
        parts.append("logged “batch interrupted”")
    if "Traceback" in text:
        last = text[text.rindex("Traceback"):]
        frames = re.findall(r'File "[^"]*?automation[/\\]([\w/\\]+\.py)", line \d+, in (\w+)',
                            last)
        error = re.findall(r"^([\w.]+(?:Error|Exception)\b.*)$", last, re.M)
        where = " → ".join(f"{f.replace(chr(92), '/')}:{fn}" for f, fn in frames[-3:])
        parts.append(f"then a traceback ({error[-1] if error else '?'} in {where})")
    elif "ClickException" in text or "Error:" in text:
        parts.append("a clean error message")
    return ", ".join(parts) or "stopped"


def _disk_full(scale: Scale, mount: Path, size_mb: int, base: Path, templates: list[bytes],
               started: float) -> Check:
    root = mount / "dept"
    shutil.copytree(base, root)
    dept = Department.at(root)
    names = []
    for i in range(scale.disk_files):
        name = f"طلب {i:04d}.xlsx"
        path = dept.inbox / name
        path.write_bytes(corpus.variant(templates[i % len(templates)], 500_000 + i))
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))
        names.append(name)
    # Filler, unrelated to the product, leaves room for about a third of the batch
    # (a file takes some 90 KB: ledger pages, WAL frames, claim note, registers).
    free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
    room = scale.disk_files * 36 * 1024
    filler = mount / "filler.bin"
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(0, free - room))
    log1 = mount.parent / "full.log"
    first = run_bounded(root, log1, timeout=300)
    text = read_log(log1)
    full_seen = any(s in text for s in ("disk is full", "No space left", "Errno 28", "SQLITE_FULL"))
    interrupted = "interrupted" in text
    committed_lost, wrongly_rejected, after_full = 0, 0, 0
    try:
        with open_ledger(dept) as ledger:
            subs = ledger.conn.execute(
                "SELECT id, outcome, stored_path, claim_id FROM submissions").fetchall()
            after_full = len(subs)
            for row in subs:
                stored = dept.root / str(row["stored_path"])
                held = any(dept.claimed.glob(f"{row['claim_id']}*")) if row["claim_id"] else False
                if not stored.is_file() and not held:
                    committed_lost += 1
                if row["outcome"] == "rejected":
                    wrongly_rejected += 1  # every file of this batch is valid
    except Exception as exc:
        say(f"disk: the ledger could not be read on the full disk ({exc}); checked after")
    filler.unlink()
    log2 = mount.parent / "after.log"
    second = run_bounded(root, log2, timeout=300)
    view = ledger_view(dept)
    filed = filing(dept, names)
    figures = {
        "committed files lost": committed_lost + view.stored_missing + view.stored_wrong,
        "wrongly rejected": wrongly_rejected + view.outcomes.get("rejected", 0),
        "files lost": filed.missing + filed.left,
        "files doubled": filed.doubled,
        "submissions ≠ files": abs(view.submissions - len(names)),
        "ledger not ok": int(view.integrity != "ok"),
        "registers left dirty": view.dirty,
    }
    failed = []
    if first.code == 0 and not interrupted:
        failed.append("the disk never filled: the batch ended normally")
    if second.code != 0:
        failed.append(f"the run after freeing space ended with {second.code}: "
                      f"{read_log(log2)[-300:]}")
    how = describe_failure(text)
    result = (
        f"first run: exit {first.code}, {how}{'' if full_seen else ' (no disk-full error)'}; "
        f"{after_full} of {len(names)} recorded · committed lost "
        f"{figures['committed files lost']} · wrongly rejected {figures['wrongly rejected']} · "
        f"after freeing space: exit {second.code}, {view.submissions}/{len(names)} counted "
        f"once, files lost {figures['files lost']}, "
        f"{'ledger ok' if view.integrity == 'ok' else 'LEDGER NOT OK'}"
    )
    return Check("disk full during a batch",
                 f"tmpfs of {size_mb} MB holding ledger, inbox and registers; "
                 f"{len(names)} files", result, time.monotonic() - started, figures, failed)


# -- 5. the property-based model -------------------------------------------------------------


def property_section() -> list[Check]:
    started = time.monotonic()
    test = "tests/intake/test_reliability_model.py"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--hypothesis-show-statistics", test],
        cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )
    out = done.stdout + done.stderr
    passing = sum(int(n) for n in re.findall(r"(\d+) passing examples", out))
    failing = sum(int(n) for n in re.findall(r"(\d+) failing examples", out))
    summary = (re.findall(r"^=*\s*(\d+ (?:passed|failed).*?)\s*=*$", out, re.M)
               or ["no summary"])[-1]
    result = f"{'passed' if done.returncode == 0 else 'FAILED'} ({summary})"
    failing_tests = re.findall(r"^FAILED (\S+)", out, re.M)
    failed = [] if done.returncode == 0 else [
        f"failed: {', '.join(failing_tests) or out[-600:]}"]
    return [Check("property-based model of intake (hypothesis)",
                  f"`{test}`: {passing} examples passed, {failing} failed", result,
                  time.monotonic() - started, {}, failed)]


# -- the table ---------------------------------------------------------------------------


def machine() -> str:
    return (f"{platform.platform()}, {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}")


def render(checks: list[Check], scale: Scale, when: dt.datetime, total: float) -> str:
    lines = [
        f"Reliability, measured {when:%Y-%m-%d %H:%M} ({scale.name} run of "
        f"`bench/reliability.py`{' --quick' if scale.name == 'quick' else ''}) on {machine()}.",
        "",
        "| check | runs / cases | result |",
        "|---|---|---|",
    ]
    for check in checks:
        mark = "" if check.ok else " **FAILED**"
        lines.append(f"| {check.name} | {check.runs} | {check.result}{mark} |")
    lines.append("")
    lines.append("Durations: " + ", ".join(
        f"{c.name.split(':')[0]} {c.seconds:.0f} s" for c in checks if c.seconds)
        + f"; whole run {total / 60:.1f} min.")
    for check in checks:
        for reason in check.failed:
            lines.append(f"- {check.name}: {reason}")
        for figure, value in check.figures.items():
            if value:
                lines.append(f"- {check.name}: {figure} = {value}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the shortened run CI makes")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections among {', '.join(SECTIONS)}")
    parser.add_argument("--workdir", type=Path, help="where to work (default: a new temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--kill-points", type=int, help="override the number of kill points")
    parser.add_argument("--kill-files", type=int, help="override the files of a kill batch")
    args = parser.parse_args(argv)
    scale = QUICK if args.quick else FULL
    if args.kill_points is not None:
        scale = replace(scale, kill_points=args.kill_points)
    if args.kill_files is not None:
        scale = replace(scale, kill_files=args.kill_files)
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(wanted) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections: {', '.join(unknown)}")
    when = dt.datetime.now()
    began = time.monotonic()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="eti-reliability-"))
    work.mkdir(parents=True, exist_ok=True)
    checks: list[Check] = []
    try:
        base = work / "base"
        dept = make_department(base)
        needs_corpus = {"kill", "flood", "disk"} & set(wanted)
        templates = corpus.make_templates(dept, scale.templates) if needs_corpus else []
        specials = special_templates(dept) if "kill" in wanted else (b"", b"", b"")
        for section in SECTIONS:
            if section not in wanted:
                continue
            say(f"{section}: starting")
            done = len(checks)
            if section == "kill":
                checks += kill_section(scale, work, base, templates, specials)
            elif section == "flood":
                checks += flood_section(scale, work, base, templates)
            elif section == "hostile":
                checks += hostile_section(scale, work, base)
            elif section == "disk":
                checks += disk_section(scale, work, base, templates)
            else:
                checks += property_section()
            say(f"{section}: done, {'ok' if all(c.ok for c in checks[done:]) else 'FAILED'}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(render(checks, scale, when, time.monotonic() - began))
    return 0 if all(c.ok for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
