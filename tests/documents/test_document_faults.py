"""Documents survive faults (issue 22, 5): written under a temporary name and renamed into
place, temporaries of a crash removed at the next start, one file per number, and letters
that forward or name only what the department has."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from automation.core.assets import ASSET_TEMPLATES
from automation.core.errors import EtiError
from automation.documents import outbox
from automation.documents.correspondence import (
    make_free_letter,
    make_qrc_letter,
    make_thanks_letter,
    outgoing_list,
)
from automation.intake.pipeline import run_batch
from tests.documents.test_documents_helpers import AMAL, all_text, clock, department, references
from tests.documents.test_render_worker import LOOP, corrupt

REPO = Path(__file__).resolve().parents[2]


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def _letter(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "automation", "letter", "free", "--root", str(root),
         "--to", "مدير الشؤون المالية", "--subject", "صيانة", "--body", "نص الكتاب"],
        env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, start_new_session=True)


def test_a_killed_letter_leaves_no_file_and_its_number_one_file(tmp_path: Path) -> None:
    dept = department(tmp_path)
    dept.templates.mkdir(parents=True, exist_ok=True)
    corrupt(ASSET_TEMPLATES / "letter_free.docx", dept.templates / "letter_free.docx",
            "{{ subject }}", LOOP)  # the kill lands while the letter is being written
    run = _letter(dept.root)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (dept.outbox / "letters").is_dir():
        if run.poll() is not None:
            pytest.fail(run.stdout.read().decode() if run.stdout else "ended")
        time.sleep(0.1)
    time.sleep(1.0)  # well inside the render (the parent waits for the worker)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    letters = dept.outbox / "letters"
    assert [p.name for p in letters.glob("*.docx")] == []  # nothing half-written by its name
    os.unlink(dept.templates / "letter_free.docx")  # the template mended; the staff try again
    again = _letter(dept.root)
    out = again.communicate(timeout=120)[0].decode()
    assert again.returncode == 0, out
    [made] = letters.glob("*.docx")
    assert made.stat().st_size > 0 and "-2.docx" not in made.name
    assert "نص الكتاب" in all_text(made)


def test_a_file_left_at_a_numbers_name_is_replaced_not_doubled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.documents.test_documents_helpers import open_ledger

    dept = department(tmp_path)
    ledger = open_ledger(dept)
    left: list[tuple[Path, bytes]] = []
    original = outbox.place

    def killed_after_placing(written: Path, folder: Path, stem: str, *args: object,
                             **kwargs: object) -> Path:
        path = original(written, folder, stem, *args, **kwargs)  # type: ignore[arg-type]
        left.append((path, path.read_bytes()))
        raise KeyboardInterrupt  # the run ends before the ledger keeps the number

    monkeypatch.setattr(outbox, "place", killed_after_placing)
    with pytest.raises(KeyboardInterrupt):
        make_free_letter(dept, ledger, to="مدير", subject="أ", body="ب", clock=clock(),
                         references=references())
    monkeypatch.setattr(outbox, "place", original)
    [(path, data)] = left
    path.write_bytes(data)  # what a kill -9 at that moment leaves behind
    assert outgoing_list(ledger) == []
    sent = make_free_letter(dept, ledger, to="مدير", subject="أ", body="نص جديد",
                            clock=clock(), references=references())
    assert sent.path == path  # the same number, the same name: no «-2»
    assert [p.name for p in path.parent.glob("*.docx")] == [path.name]
    assert "نص جديد" in all_text(path)
    assert [e["number"] for e in outgoing_list(ledger)] == [sent.number]
    ledger.close()


def _leftovers(dept_outbox: Path) -> tuple[list[Path], list[Path]]:
    """(temporaries a crash left, files that must stay)."""
    dead = _dead_pid()
    gone = [
        dept_outbox / "technical" / f".~eti-{dead}-0123456789ab.part",
        dept_outbox / "letters" / f".2026-03-01-كتاب.{dead}.part",
        dept_outbox / "reports" / "~1a2b3c4d-تقرير-ربعي-2026-Q1.docx",
    ]
    kept = [
        dept_outbox / "reports" / "تقرير-ربعي-2026-Q1.docx",
        dept_outbox / "reports" / "~$تقرير-ربعي-2026-Q1.docx",  # Word's own: the file is open
        dept_outbox / "letters" / f".~eti-{os.getpid()}-aaaaaaaaaaaa.part",  # being written now
    ]
    for path in gone + kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    hour_ago = time.time() - 3600
    os.utime(gone[2], (hour_ago, hour_ago))  # an earlier version's copy: no pid, old
    return gone, kept


def test_temporaries_left_by_a_crash_go_at_the_next_batch(tmp_path: Path) -> None:
    dept = department(tmp_path)
    gone, kept = _leftovers(dept.outbox)
    run_batch(dept, clock=clock())
    assert [p for p in gone if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []


def test_a_document_is_renamed_into_place_complete(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from automation.documents import render

    dept = department(tmp_path)
    seen: list[tuple[str, bool]] = []
    original = render.render_document

    def watched(template: Path, context: dict, out: Path, **kwargs: object) -> Path:
        seen.append((out.name, out.parent.exists()))
        done = original(template, context, out, **kwargs)  # type: ignore[arg-type]
        assert not any(p.suffix == ".docx" for p in out.parent.iterdir())  # not yet in place
        return done

    monkeypatch.setattr(outbox, "render_document", watched)
    from tests.documents.test_documents_helpers import open_ledger

    with open_ledger(dept) as ledger:
        sent = make_free_letter(dept, ledger, to="مدير", subject="أ", body="ب", clock=clock(),
                                references=references())
    [(name, _)] = seen
    assert name.startswith(outbox.TEMPORARY_PREFIX) and name != sent.path.name
    assert zipfile.is_zipfile(sent.path)
    assert [p.name for p in sent.path.parent.iterdir()] == [sent.path.name]


def test_a_covering_letter_forwards_only_a_document_of_the_outbox(disposals: tuple,
                                                                  tmp_path: Path) -> None:
    dept, ledger = disposals
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0", encoding="utf-8")
    link = dept.outbox / "reports" / "تقرير.docx"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)  # inside outbox/ by name, outside by content
    for document in (Path("/etc/passwd"), outside, link, dept.outbox / "reports" / "none.docx",
                     Path("../secret.txt")):
        with pytest.raises(EtiError) as info:
            make_qrc_letter(dept, ledger, document=document, clock=clock(),
                            references=references())
        assert info.value.code == "no-document"
        assert "outbox" in info.value.message_ar and "outbox" in info.value.message_en
    assert outgoing_list(ledger) == []  # no number given for a refused letter
    assert list((dept.outbox / "letters").glob("*")) == []  # nor a letter
    report = dept.outbox / "reports" / "تقرير-ربعي-2026-Q1.docx"
    report.write_bytes(b"report")
    sent = make_qrc_letter(dept, ledger, document=Path("outbox/reports") / report.name,
                           clock=clock(), references=references())  # as the ledger lists it
    assert sent.attachment is not None and sent.attachment.read_bytes() == b"report"


def test_a_letter_of_thanks_names_a_school_of_the_list(disposals: tuple) -> None:
    dept, ledger = disposals
    with pytest.raises(EtiError) as info:
        make_thanks_letter(dept, ledger, school="مدرسة لا وجود لها", initiative="نادي",
                           clock=clock(), references=references())
    assert info.value.code == "unknown-school"
    assert "قائمة المدارس" in info.value.message_ar
    assert "not a school of the schools list" in info.value.message_en
    assert outgoing_list(ledger) == []
    sent = make_thanks_letter(dept, ledger, school="مدرسه الامل  الثانويه", initiative="نادي",
                              clock=clock(), references=references())  # loosely spelt
    assert AMAL in all_text(sent.path)
    assert outgoing_list(ledger)[0]["to"].endswith(AMAL)
