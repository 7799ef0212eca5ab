"""What the machine does to a command, said plainly: a full disk (what to free), a name too
long for a file name (shortened in the file name, whole inside), Ctrl+C on ``eti watch``
(one line, no traceback)."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from automation.cli.main import main
from automation.core.errors import DISK_FULL_AR, DISK_FULL_EN, disk_full, is_disk_full
from tests.department_factory import make_department


def _full(*args: object, **kwargs: object) -> object:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_says_so_and_what_to_free(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import automation.ledger.backup as backup

    dept = make_department(tmp_path / "قسم")
    monkeypatch.setattr(backup, "backup_ledger", _full)
    result = CliRunner().invoke(main, ["ledger", "backup", "--root", str(dept.root)])
    assert result.exit_code == 1
    assert DISK_FULL_AR in result.output and DISK_FULL_EN in result.output
    assert "أفرغ مساحة" in result.output and "data/backups" in result.output
    assert "Traceback" not in result.output and "مشكلة في الجهاز" not in result.output


def test_a_batch_stopped_by_a_full_disk_says_so(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import automation.intake.pipeline as pipeline

    dept = make_department(tmp_path / "قسم")
    stopped = pipeline.BatchResult(interrupted="OSError: [Errno 28] No space left on device")
    monkeypatch.setattr(pipeline, "run_batch", lambda *a, **k: stopped)
    result = CliRunner().invoke(main, ["process", "--root", str(dept.root)])
    assert result.exit_code == 1
    assert DISK_FULL_AR in result.output and "ستُستكمل في التشغيل التالي" in result.output


def test_disk_full_is_recognised_through_its_causes() -> None:
    import sqlite3

    assert is_disk_full(OSError(errno.ENOSPC, "x"))
    assert is_disk_full(sqlite3.OperationalError("database or disk is full"))
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "/d/x.docx")
        except OSError as inner:
            raise RuntimeError("could not write") from inner
    except RuntimeError as outer:
        error = disk_full(outer)
    assert error is not None and error.message_ar == DISK_FULL_AR
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
    assert disk_full(ValueError("x")) is None


def test_a_school_name_too_long_for_a_file_name(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "قسم")
    long_name = "مدرسة " + "الأمير الحسن بن طلال الثانوية الشاملة للبنين " * 9
    long_name = long_name.strip()[:400]
    path = dept.reference / "schools.xlsx"
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["B2"] = long_name
    wb.save(path)

    result = CliRunner().invoke(main, ["forms", "issue", "--root", str(dept.root), "--school",
                                       long_name, "--form", "QF75-11", "--json"])
    assert result.exit_code == 0, result.output
    import json

    (document,) = json.loads(result.output)["documents"]
    written = dept.root / document["path"]
    assert written.is_file()
    assert len(written.parent.name) <= 80 and len(written.parent.name.encode()) < 255
    assert long_name.startswith(written.parent.name.rsplit("-", 1)[0])
    workbook = openpyxl.load_workbook(written)
    assert long_name in [c.value for ws in workbook for row in ws.iter_rows() for c in row]


def test_two_long_names_alike_stay_apart() -> None:
    from automation.text.names import windows_name

    a, b = "م" * 200 + "أ", "م" * 200 + "ب"
    assert windows_name(a, fallback="x") != windows_name(b, fallback="x")
    assert windows_name("مدرسة قصيرة", fallback="x") == "مدرسة قصيرة"


@pytest.mark.skipif(sys.platform == "win32", reason="a console's Ctrl+C reaches a process group")
def test_ctrl_c_stops_eti_watch_with_one_line(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "قسم")
    watch = subprocess.Popen(
        [sys.executable, "-m", "automation", "watch", "--root", str(dept.root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        start_new_session=True)  # its own process group, as a console's
    try:
        deadline = time.monotonic() + 60
        state = dept.data / "watch.json"
        while time.monotonic() < deadline and not (state.exists() and _workers(watch.pid)):
            time.sleep(0.2)
        time.sleep(1.0)
        os.killpg(watch.pid, signal.SIGINT)  # Ctrl+C: the whole group, workers included
        out, err = watch.communicate(timeout=60)
    finally:
        if watch.poll() is None:
            os.killpg(watch.pid, signal.SIGKILL)
    assert watch.returncode == 0, err
    assert "KeyboardInterrupt" not in err and "KeyboardInterrupt" not in out
    assert out.strip().splitlines()[-1] == "توقفت المراقبة. / watcher stopped."


def _workers(pid: int) -> bool:
    """Whether the watcher has started child processes yet (worker pools)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return True  # no /proc: go on after the state file
    return bool(children)


def test_documents_held_back_by_a_full_disk_say_what_to_free(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import automation.intake.pipeline as pipeline

    dept = make_department(tmp_path / "قسم")
    held = pipeline.Held("documents", "outbox", "No space left on device")
    monkeypatch.setattr(pipeline, "run_batch",
                        lambda *a, **k: pipeline.BatchResult(held=[held]))
    result = CliRunner().invoke(main, ["process", "--root", str(dept.root)])
    assert result.exit_code == 1
    assert DISK_FULL_AR in result.output and DISK_FULL_EN in result.output
    assert "No space left on device" not in result.output.splitlines()[1]


@pytest.mark.parametrize(("code", "arabic"), [
    (errno.EACCES, "لا توجد صلاحية"),
    (errno.ENAMETOOLONG, "اسمه أطول مما يقبله نظام الملفات"),
    (errno.EROFS, "القرص للقراءة فقط"),
])
def test_a_folder_that_cannot_be_used_is_said_in_arabic(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, arabic: str) -> None:
    import automation.ledger.backup as backup

    dept = make_department(tmp_path / "قسم")

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(dept.backups / "x.sqlite"))

    monkeypatch.setattr(backup, "backup_ledger", refuse)
    result = CliRunner().invoke(main, ["ledger", "backup", "--root", str(dept.root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    arabic_line, english_line = result.output.splitlines()[:2]
    assert arabic in arabic_line and os.strerror(code) not in arabic_line
    assert os.strerror(code) in english_line
