"""The watcher decides a workbook is complete from the file itself, not from 5 s of quiet."""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from department_factory import filled_workbook, maintenance_rows, make_department, school_names

from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.core.settings import settings_from
from automation.service.dropped import RECHECK_SECONDS, zip_complete
from automation.service.jobs import JobRunner
from automation.service.watch import Watcher

START = dt.datetime(2026, 3, 10, 9, 0)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    dept = make_department(tmp_path_factory.mktemp("wb") / "قسم")
    wb = filled_workbook(dept, "QF75-11",
                         {"school": school_names(dept)[0], "request_date": dt.date(2026, 3, 1),
                          "channel": "هاتف", "reference": "ك/1"}, maintenance_rows(20))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _file(tmp_path: Path, data: bytes, name: str = "f.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_whole_workbook_is_complete_and_no_prefix_of_it_is(workbook: bytes,
                                                              tmp_path: Path) -> None:
    assert zip_complete(_file(tmp_path, workbook), len(workbook))
    step = max(1, len(workbook) // 400)
    cuts = [*range(0, len(workbook) - 1, step), *range(len(workbook) - 200, len(workbook))]
    complete = [n for n in cuts if zip_complete(_file(tmp_path, workbook[:n]), n)]
    assert complete == []


def test_what_is_not_a_whole_zip_is_not_complete(workbook: bytes, tmp_path: Path) -> None:
    with_comment = io.BytesIO()
    with zipfile.ZipFile(with_comment, "w") as archive:
        archive.writestr("a.xml", "<a/>" * 100)
        archive.comment = b"PK\x05\x06 a comment that looks like an end record"
    data = with_comment.getvalue()
    assert zip_complete(_file(tmp_path, data), len(data))
    for bad in (b"", b"PK\x05\x06" + b"\0" * 18, workbook + b"trailing bytes",
                b"\0" * 4096 + workbook[4096:], b"<html>not a workbook</html>" * 40,
                b"\xd0\xcf\x11\xe0" + workbook[4:]):  # a legacy .xls header
        assert not zip_complete(_file(tmp_path, bad), len(bad)), bad[:20]
    # preallocated to its full size, the end not written yet
    gap = workbook[:-100] + b"\0" * 100
    assert not zip_complete(_file(tmp_path, gap), len(gap))


@pytest.mark.skipif(os.name == "nt", reason="symbolic links as on POSIX")
def test_a_link_to_a_whole_workbook_is_not_opened(workbook: bytes, tmp_path: Path) -> None:
    target = _file(tmp_path, workbook, "target.xlsx")
    os.symlink(target, tmp_path / "link.xlsx")
    assert not zip_complete(tmp_path / "link.xlsx", len(workbook))


class Recorder:
    """Stands in for run_batch: notes when each file arrived and its bytes then."""

    def __init__(self, dept: Department) -> None:
        self.dept = dept
        self.seen: dict[str, tuple[float, bytes]] = {}
        self.lock = threading.Lock()

    def __call__(self, dept: Department, *, paths: list[Path] | None = None,
                 **rest: object) -> SimpleNamespace:
        files = []
        for path in paths or []:
            data = path.read_bytes()
            os.replace(path, dept.processed / path.name)
            with self.lock:
                self.seen[path.name] = (time.monotonic(), data)
            files.append(SimpleNamespace(file=path.name, outcome="accepted"))
        return SimpleNamespace(files=files, registers=[], interrupted="", held=[])


def _watcher(dept: Department, stability: float) -> tuple[Watcher, Recorder]:
    settings = settings_from({"intake": {"stability_seconds": stability},
                              "watch": {"rescan_minutes": 60}})
    recorder = Recorder(dept)
    watcher = Watcher(dept, settings, handle_batch=recorder, clock=FakeClock(START),
                      jobs=JobRunner(dept, settings, clock=FakeClock(START), jobs={}))
    return watcher, recorder


def _wait(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture
def dept(tmp_path: Path) -> Department:
    dept = Department.at(tmp_path / "قسم")
    dept.ensure()
    return dept


def test_a_complete_workbook_is_taken_at_once_anything_else_after_the_quiet(
        dept: Department, workbook: bytes, tmp_path: Path) -> None:
    watcher, recorder = _watcher(dept, stability=4.0)
    thread = watcher.start()
    try:
        assert _wait(lambda: watcher.observer_kind != "", 5)
        staged = _file(tmp_path, workbook, "staged.xlsx")
        not_zip = _file(tmp_path, b"<html>saved as xlsx</html>", "staged.html")
        dropped = time.monotonic()
        os.rename(staged, dept.inbox / "نموذج.xlsx")
        os.rename(not_zip, dept.inbox / "ليس مصنفاً.xlsx")
        assert _wait(lambda: "نموذج.xlsx" in recorder.seen, 3)
        taken = recorder.seen["نموذج.xlsx"][0] - dropped
        assert RECHECK_SECONDS <= taken < 1.5, taken  # not the 4 s of quiet
        assert "ليس مصنفاً.xlsx" not in recorder.seen
        assert _wait(lambda: "ليس مصنفاً.xlsx" in recorder.seen, 8)
        assert recorder.seen["ليس مصنفاً.xlsx"][0] - dropped >= 4.0
    finally:
        watcher.stop()
        thread.join(10)


def test_a_workbook_copied_slowly_is_taken_whole(dept: Department, workbook: bytes) -> None:
    watcher, recorder = _watcher(dept, stability=30.0)
    thread = watcher.start()
    try:
        assert _wait(lambda: watcher.observer_kind != "", 5)
        size = len(workbook) // 6 + 1
        with open(dept.inbox / "بطيء.xlsx", "wb", buffering=0) as out:
            for start in range(0, len(workbook), size):
                assert "بطيء.xlsx" not in recorder.seen  # never taken part-written
                out.write(workbook[start : start + size])
                time.sleep(RECHECK_SECONDS * 3)  # pauses longer than the re-check
        assert _wait(lambda: "بطيء.xlsx" in recorder.seen, 3)
        assert recorder.seen["بطيء.xlsx"][1] == workbook
    finally:
        watcher.stop()
        thread.join(10)
