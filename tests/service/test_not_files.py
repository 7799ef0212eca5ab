"""What is not a regular file in inbox/ is never followed or read: reported (status,
digest, `eti process --json`) and left for staff; what is filed is a real copy."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from department_factory import drop, maintenance_rows, make_department, school_names
from ledger_factory import backend_ledger

from automation.cli.main import main
from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.core.inbox_listing import not_files, waiting_files
from automation.documents.letters import waiting_in_inbox
from automation.intake.pipeline import run_batch
from automation.service.status import status

pytestmark = pytest.mark.skipif(os.name == "nt", reason="symbolic links and pipes as on POSIX")

NOW = dt.datetime(2026, 3, 10, 14, 0)


def _form(dept: Department, path: Path, reference: str) -> Path:
    drop(dept, "مؤقت.xlsx", "QF75-11",
         {"school": school_names(dept)[0], "request_date": dt.date(2026, 3, 1),
          "channel": "هاتف", "reference": reference}, maintenance_rows(2))
    os.replace(dept.inbox / "مؤقت.xlsx", path)
    return path


@pytest.fixture
def dept(tmp_path: Path) -> Department:
    return make_department(tmp_path / "قسم")


@pytest.fixture
def odd(dept: Department, tmp_path: Path) -> dict[str, str]:
    """A link to a good form elsewhere, a link to a pipe no one writes (reading it would
    hang), a pipe, a link to nothing and a folder holding a form: the expected kinds."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = _form(dept, elsewhere / "النموذج الأصلي.xlsx", "ك/1")
    os.symlink(target, dept.inbox / "اختصار إلى نموذج.xlsx")
    os.mkfifo(elsewhere / "system")
    os.symlink(elsewhere / "system", dept.inbox / "ملف نظام.xlsx")
    os.mkfifo(dept.inbox / "أنبوب.xlsx")
    os.symlink(elsewhere / "لم يعد موجوداً.xlsx", dept.inbox / "رابط مقطوع.xlsx")
    (dept.inbox / "مجلد نماذج").mkdir()
    _form(dept, dept.inbox / "مجلد نماذج" / "داخل المجلد.xlsx", "ك/2")
    return {"اختصار إلى نموذج.xlsx": "link", "ملف نظام.xlsx": "link",
            "أنبوب.xlsx": "other", "رابط مقطوع.xlsx": "broken-link", "مجلد نماذج": "folder"}


def _run(target: object, timeout: float = 120) -> object:
    """Run in a thread: a read of the pipe would block forever, so a hang fails the test."""
    out: list[object] = []
    worker = threading.Thread(target=lambda: out.append(target()), daemon=True)  # type: ignore[operator]
    worker.start()
    worker.join(timeout)
    assert not worker.is_alive(), "something that is not a file was opened"
    return out[0]


def test_process_never_reads_them_and_reports_them(dept: Department, odd: dict[str, str],
                                                   tmp_path: Path) -> None:
    good = _form(dept, dept.inbox / "نموذج حقيقي.xlsx", "ك/3")
    before = {name: os.lstat(dept.inbox / name) for name in odd}
    batch = _run(lambda: run_batch(dept, clock=FakeClock(NOW)))
    results = {f.file: f for f in batch.files}  # type: ignore[attr-defined]
    assert results[good.name].outcome == "accepted"
    assert {n: r.outcome for n, r in results.items() if n != good.name} == {
        n: "not-a-file" for n in odd}
    for name in odd:
        assert results[name].problems[0].code == "not-a-file"
        assert "انسخ" in results[name].problems[0].message  # says to copy the file itself
        after = os.lstat(dept.inbox / name)
        assert (after.st_ino, after.st_mode) == (before[name].st_ino, before[name].st_mode)
    assert [(i.name, i.kind) for i in batch.not_files] == sorted(odd.items())  # type: ignore[attr-defined]
    with backend_ledger(dept.ledger_path) as ledger:
        names = [r[0] for r in ledger.conn.execute("SELECT original_name FROM submissions")]
    assert names == [good.name]
    filed = [p for p in dept.processed.rglob("*") if p.is_file() or p.is_symlink()]
    assert len(filed) == 1 and not filed[0].is_symlink()
    assert not any(dept.rejected.iterdir())
    assert (tmp_path / "elsewhere" / "النموذج الأصلي.xlsx").is_file()  # the original stays

    again = _run(lambda: CliRunner().invoke(
        main, ["process", "--root", str(dept.root), "--json"], obj={"clock": FakeClock(NOW)}))
    assert again.exit_code == 0, again.output  # type: ignore[attr-defined]
    listed = json.loads(again.output[again.output.index("["):])  # type: ignore[attr-defined]
    assert {(e["file"], e["outcome"]) for e in listed} == {(n, "not-a-file") for n in odd}
    assert all(e["problems"][0]["message"] for e in listed)


def test_status_and_digest_list_them(dept: Department, odd: dict[str, str]) -> None:
    assert [p.name for p in waiting_files(dept)] == []
    assert {(i.name, i.kind) for i in not_files(dept)} == set(odd.items())
    with backend_ledger(dept.ledger_path) as ledger:
        report = status(dept, ledger, clock=FakeClock(NOW))
    assert report.waiting == []
    assert [i["name"] for i in report.to_json()["not_files"]] == sorted(odd)  # type: ignore[index]
    text = CliRunner().invoke(main, ["status", "--root", str(dept.root)],
                              obj={"clock": FakeClock(NOW)})
    assert text.exit_code == 0, text.output
    assert "not files, never read: 5" in text.output and "«مجلد نماذج» مجلد" in text.output
    rows = waiting_in_inbox(dept, NOW.date())
    assert len(rows) == len(odd)
    assert all("انسخ" in row["name"] and row["size"] == "ليس ملفاً" for row in rows)


def test_a_file_with_another_name_elsewhere_is_filed_as_a_copy(dept: Department,
                                                                tmp_path: Path) -> None:
    outside = _form(dept, tmp_path / "نسخة خارجية.xlsx", "ك/4")
    os.link(outside, dept.inbox / "رابط صلب.xlsx")
    original = outside.read_bytes()
    batch = run_batch(dept, clock=FakeClock(NOW))
    assert [f.outcome for f in batch.files] == ["accepted"]
    filed = next(p for p in dept.processed.rglob("*.xlsx"))
    assert os.lstat(filed).st_nlink == 1 and filed.read_bytes() == original
    outside.write_bytes(b"changed afterwards")  # the filed copy is the bytes that were read
    assert filed.read_bytes() == original
    assert not (dept.inbox / "رابط صلب.xlsx").exists()
