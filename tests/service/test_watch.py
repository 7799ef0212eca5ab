"""The watcher with a real watchdog observer: every workbook once, nothing else touched."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from ledger_factory import backend_ledger

from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.core.settings import Settings, settings_from
from automation.service import watch as W
from automation.service.jobs import JobRun, JobRunner
from automation.service.status import AlreadyRunning, read_state, single_instance
from automation.service.watch import Watcher, install_stop_handlers

START = dt.datetime(2026, 3, 10, 9, 0)


def _settings(**watch: object) -> Settings:
    return settings_from({
        "intake": {"stability_seconds": 0.3, "max_batch": 40},
        "watch": {"rescan_minutes": 60, **watch},
    })


class FakeBatch:
    """Stands in for run_batch: checks each file is complete, files it away."""

    def __init__(self, expected: dict[str, bytes], per_file: float = 0.004) -> None:
        self.expected = expected
        self.per_file = per_file
        self.handled: list[str] = []
        self.incomplete: list[str] = []
        self.calls: list[int] = []
        self.lock = threading.Lock()

    def __call__(self, dept: Department, *, clock: object, settings: object = None,
                 paths: list[Path] | None = None, progress: object = None,
                 should_stop: object = None, **rest: object) -> SimpleNamespace:
        assert paths is not None
        files = []
        self.calls.append(len(paths))
        for path in paths:
            data = path.read_bytes()
            if data != self.expected.get(path.name):
                self.incomplete.append(path.name)
            month = dept.processed / "2026-03"
            month.mkdir(parents=True, exist_ok=True)
            os.replace(path, month / path.name)
            with self.lock:
                self.handled.append(path.name)
            files.append(SimpleNamespace(file=path.name, outcome="accepted", form="QF75-11",
                                         rows=1, problems=[]))
            if progress:
                progress(files[-1])  # type: ignore[operator]
            time.sleep(self.per_file)
            if should_stop and should_stop():  # type: ignore[operator]
                break
        return SimpleNamespace(files=files, registers=[], interrupted="")

    def count(self) -> int:
        with self.lock:
            return len(self.handled)


def _no_jobs(dept: Department, settings: Settings) -> JobRunner:
    return JobRunner(dept, settings, clock=FakeClock(START), jobs={})


def _content(name: str) -> bytes:
    return b"PK\x03\x04" + (name.encode("utf-8") + b"|") * 300


def _write_whole(inbox: Path, name: str, source: Path) -> None:
    src = source / name
    src.write_bytes(_content(name))
    shutil.copyfile(src, inbox / name)


def _write_slowly(inbox: Path, name: str) -> None:
    data = _content(name)
    step = len(data) // 4 + 1
    with open(inbox / name, "wb") as fh:
        for start in range(0, len(data), step):
            fh.write(data[start : start + step])
            fh.flush()
            time.sleep(0.07)


def _write_then_rename(inbox: Path, name: str) -> None:
    tmp = inbox / (name + ".tmp")
    data = _content(name)
    with open(tmp, "wb") as fh:
        for start in range(0, len(data), 1000):
            fh.write(data[start : start + 1000])
            fh.flush()
            time.sleep(0.01)
    os.replace(tmp, inbox / name)


def _junk(inbox: Path, index: int) -> dict[str, bytes]:
    """Files the watcher must never hand over nor touch."""
    junk = {
        f"~$طلب {index}.xlsx": b"lock",
        f"download {index}.tmp": b"tmp",
        f"report {index}.xlsx.crdownload": b"partial",
        f"copy {index}.part": b"partial",
        f".hidden {index}.xlsx": b"hidden",
    }
    for name, data in junk.items():
        (inbox / name).write_bytes(data)
    return junk


def _drop(dept: Department, names: list[str], source: Path) -> None:
    """Drop workbooks three ways, concurrently."""
    def one(item: tuple[int, str]) -> None:
        index, name = item
        kind = index % 3
        if kind == 0:
            _write_whole(dept.inbox, name, source)
        elif kind == 1:
            _write_slowly(dept.inbox, name)
        else:
            _write_then_rename(dept.inbox, name)

    with ThreadPoolExecutor(max_workers=24) as pool:
        list(pool.map(one, enumerate(names)))


def _wait(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def dept(tmp_path: Path) -> Department:
    dept = Department.at(tmp_path / "قسم ETI")
    dept.ensure()
    return dept


def test_every_workbook_once_across_a_stop_and_restart(dept: Department, tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    names = [f"طلب صيانة {i:03d}.xlsx" for i in range(300)]
    expected = {name: _content(name) for name in names}
    fake = FakeBatch(expected)
    settings = _settings()
    junk: dict[str, bytes] = {}
    for i in range(8):
        junk.update(_junk(dept.inbox, i))
    nested = dept.inbox / "subfolder" / "inside.xlsx"
    nested.parent.mkdir()
    nested.write_bytes(b"not directly in the inbox")
    started = time.monotonic()

    # first run: stopped by SIGTERM in the middle of the drops
    stop = threading.Event()
    first = Watcher(dept, settings, handle_batch=fake, clock=FakeClock(START),
                    stop_event=stop, jobs=_no_jobs(dept, settings))
    thread = first.start()
    dropping = threading.Thread(target=_drop, args=(dept, names[:200], source))
    dropping.start()
    assert _wait(lambda: fake.count() >= 40, 20), fake.count()
    if hasattr(signal, "SIGTERM") and os.name != "nt":
        restore = install_stop_handlers(stop)
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            assert _wait(stop.is_set, 5)
        finally:
            restore()
    else:  # pragma: no cover
        stop.set()
    thread.join(15)
    assert not thread.is_alive()
    assert first.stopped.is_set()
    stopped_at = fake.count()
    assert stopped_at < 300
    assert read_state(dept)["running"] is False
    dropping.join()

    # while nothing watches, more arrive
    _drop(dept, names[200:], source)
    time.sleep(0.5)
    assert fake.count() == stopped_at

    # second run: the rescan at start finds everything left
    second = Watcher(dept, settings, handle_batch=fake, clock=FakeClock(START),
                     jobs=_no_jobs(dept, settings))
    thread = second.start()
    assert _wait(lambda: fake.count() >= 300, 30), fake.count()
    time.sleep(1.0)  # nothing more arrives late
    second.stop()
    thread.join(15)

    counts = Counter(fake.handled)
    assert set(counts) == set(names)
    assert [n for n, c in counts.items() if c > 1] == []
    assert fake.incomplete == []
    assert max(fake.calls) <= settings.intake.max_batch
    for name, data in junk.items():
        assert (dept.inbox / name).read_bytes() == data, name
    assert nested.read_bytes() == b"not directly in the inbox"
    assert sorted(p.name for p in (dept.processed / "2026-03").iterdir()) == sorted(names)
    assert time.monotonic() - started < 60


def test_polling_observer(dept: Department, tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    names = [f"poll {i:02d}.xlsx" for i in range(30)]
    fake = FakeBatch({n: _content(n) for n in names})
    settings = _settings(poll=True)
    junk = _junk(dept.inbox, 1)
    watcher = Watcher(dept, settings, handle_batch=fake, clock=FakeClock(START),
                      jobs=_no_jobs(dept, settings))
    thread = watcher.start()
    assert _wait(lambda: watcher.observer_kind != "", 5)
    assert watcher.observer_kind == "polling"
    _drop(dept, names, source)
    assert _wait(lambda: fake.count() >= 30, 20), fake.count()
    watcher.stop()
    thread.join(10)
    assert sorted(fake.handled) == sorted(names)
    assert fake.incomplete == []
    for name, data in junk.items():
        assert (dept.inbox / name).read_bytes() == data


@pytest.mark.skipif(os.name == "nt", reason="flock is the POSIX lock")
def test_a_file_held_open_waits(dept: Department) -> None:
    import fcntl

    name = "open in excel.xlsx"
    fake = FakeBatch({name: _content(name)})
    settings = _settings()
    (dept.inbox / name).write_bytes(_content(name))
    holder = open(dept.inbox / name, "rb")  # noqa: SIM115
    fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
    watcher = Watcher(dept, settings, handle_batch=fake, clock=FakeClock(START),
                      jobs=_no_jobs(dept, settings))
    thread = watcher.start()
    try:
        time.sleep(1.5)
        assert fake.handled == []
        assert watcher.locked == [name]
        assert (dept.inbox / name).exists()
    finally:
        fcntl.flock(holder.fileno(), fcntl.LOCK_UN)
        holder.close()
    assert _wait(lambda: fake.count() == 1, 5)
    watcher.stop()
    thread.join(10)


def test_failing_batch_is_retried_and_the_watcher_keeps_going(
    dept: Department, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(W, "BACKOFF_SECONDS", 0.2)
    name = "retry.xlsx"
    fake = FakeBatch({name: _content(name)})
    failures: list[int] = []

    def flaky(dept: Department, **kw: object) -> SimpleNamespace:
        if not failures:
            failures.append(1)
            raise OSError("disk full")
        return fake(dept, **kw)  # type: ignore[arg-type]

    (dept.inbox / name).write_bytes(_content(name))
    settings = _settings()
    watcher = Watcher(dept, settings, handle_batch=flaky, clock=FakeClock(START),
                      jobs=_no_jobs(dept, settings))
    thread = watcher.start()
    assert _wait(lambda: fake.count() == 1, 10)
    watcher.stop()
    thread.join(10)
    assert failures == [1] and fake.handled == [name]


def test_claimed_leftovers_are_finished_at_start(dept: Department) -> None:
    (dept.claimed / "20260310-abc.xlsx").write_bytes(b"claimed before a crash")
    calls: list[list[Path]] = []

    def record(dept: Department, **kw: object) -> SimpleNamespace:
        calls.append(list(kw["paths"]))  # type: ignore[call-overload]
        return SimpleNamespace(files=[], registers=[], interrupted="")

    settings = _settings()
    watcher = Watcher(dept, settings, handle_batch=record, clock=FakeClock(START),
                      jobs=_no_jobs(dept, settings))
    thread = watcher.start()
    assert _wait(lambda: calls == [[]], 5)
    watcher.stop()
    thread.join(10)
    assert calls == [[]]  # paths=[]: only what was claimed, no inbox file


def test_missed_jobs_run_at_start_and_heartbeat(dept: Department) -> None:
    ran: list[dt.datetime] = []

    def digest(job: JobRun) -> None:
        ran.append(job.due)

    settings = _settings()
    clock = FakeClock(dt.datetime(2026, 4, 8, 9, 0))  # a Wednesday morning
    jobs = JobRunner(dept, settings, clock=clock, jobs={"digest": digest})
    watcher = Watcher(dept, settings, handle_batch=FakeBatch({}), clock=clock, jobs=jobs)
    thread = watcher.start()
    assert _wait(lambda: ran == [dt.datetime(2026, 4, 7, 13, 0)], 5)
    assert _wait(lambda: read_state(dept).get("running") is True, 5)
    watcher.stop()
    thread.join(10)
    state = read_state(dept)
    assert state["running"] is False and state["observer"] in ("native", "polling")
    assert ran == [dt.datetime(2026, 4, 7, 13, 0)]


@pytest.mark.skipif(os.name == "nt", reason="flock is the POSIX lock")
def test_a_second_watcher_is_refused(dept: Department) -> None:
    with single_instance(dept):
        with pytest.raises(AlreadyRunning), single_instance(dept):
            pass
    with single_instance(dept):
        pass


# -- which files, which observer ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "wanted"),
    [
        ("طلب صيانة.xlsx", True),
        ("report.XLSX", True),
        ("~$طلب صيانة.xlsx", False),
        ("book.tmp", False),
        ("book.xlsx.crdownload", False),
        ("book.part", False),
        ("book.partial", False),
        (".hidden.xlsx", False),
        ("Thumbs.db", False),
    ],
)
def test_which_names_are_watched(tmp_path: Path, name: str, wanted: bool) -> None:
    assert W.is_watched(tmp_path / name, tmp_path) is wanted


def test_files_in_subfolders_are_not_watched(tmp_path: Path) -> None:
    for folder in ("processed", "rejected", ".claimed"):
        assert not W.is_watched(tmp_path / folder / "a.xlsx", tmp_path)


MOUNTS = """\
sysfs /sys sysfs rw,nosuid 0 0
/dev/sda1 / ext4 rw,relatime 0 0
//server/share /mnt/eti\\040share cifs rw,vers=3.0 0 0
nas:/export /srv/nfs nfs4 rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""


def test_network_paths() -> None:
    assert W.mount_type("/mnt/eti share/inbox", MOUNTS) == "cifs"
    assert W.is_network_path(Path("/mnt/eti share/inbox"), mounts=MOUNTS, platform="linux")
    assert W.is_network_path(Path("/srv/nfs/dept/inbox"), mounts=MOUNTS, platform="linux")
    assert not W.is_network_path(Path("/home/staff/inbox"), mounts=MOUNTS, platform="linux")
    assert not W.is_network_path(Path("/tmp/x"), mounts=MOUNTS, platform="linux")
    assert W.is_network_path(Path("\\\\server\\share\\inbox"), mounts="", platform="win32")
    assert W.make_observer(Path("/tmp"), poll=True)[1] == "polling"


def test_real_pipeline_end_to_end(tmp_path: Path) -> None:
    pytest.importorskip("automation.intake.pipeline")
    pytest.importorskip("automation.registers.builder")
    from department_factory import drop, maintenance_rows, make_department, school_names

    from automation.service.logs import log_path, setup_logging, teardown_logging

    dept = make_department(tmp_path / "قسم")
    school = school_names(dept)[0]
    settings = _settings()
    clock = FakeClock(START)
    setup_logging(dept, settings, console=False)
    try:
        watcher = Watcher(dept, settings, clock=clock, jobs=_no_jobs(dept, settings))
        thread = watcher.start()
        for index in range(2):
            drop(dept, f"صيانة {index}.xlsx", "QF75-11",
                 {"school": school, "request_date": dt.date(2026, 3, 1), "channel": "هاتف",
                  "reference": f"ك/{index}"},
                 maintenance_rows(2))
        (dept.inbox / "ليس ملف اكسل.xlsx").write_bytes(b"this is not a workbook")
        (dept.inbox / "~$صيانة 0.xlsx").write_bytes(b"excel lock")
        assert _wait(lambda: len(list(dept.inbox.glob("*.xlsx"))) == 1, 30)
        watcher.stop()
        thread.join(30)
    finally:
        teardown_logging()
    assert [p.name for p in dept.inbox.glob("*.xlsx")] == ["~$صيانة 0.xlsx"]
    # the log: UTF-8, one line per file handled
    log_lines = log_path(dept).read_text(encoding="utf-8").splitlines()
    for name in ("صيانة 0.xlsx", "صيانة 1.xlsx", "ليس ملف اكسل.xlsx"):
        per_file = [line for line in log_lines if f" {name}" in line and (
            "accepted:" in line or "rejected:" in line)]
        assert len(per_file) == 1, (name, log_lines)
    with backend_ledger(dept.ledger_path) as ledger:
        outcomes = Counter(
            r["outcome"] for r in ledger.conn.execute("SELECT outcome FROM submissions")
        )
        assert outcomes == {"accepted": 2, "rejected": 1}
        assert len(ledger.current_rows("QF75-11")) == 4
    assert len(list(dept.processed.rglob("*.xlsx"))) == 2
