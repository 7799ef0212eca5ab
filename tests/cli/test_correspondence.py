"""``eti letter``, ``eti outgoing list`` and ``eti decision``: the commands end to end, and
two commands at once never sharing a number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from automation.cli.main import main
from automation.registers.builder import register_path
from automation.registers.outgoing import outgoing_path
from tests.documents.test_documents_decision import fill
from tests.documents.test_documents_helpers import AMAL, department, open_ledger

REPO = Path(__file__).resolve().parents[2]


def eti(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def figure(root: str) -> object:
    """«عدد المواد المتلفة بقرار» of 2026 as ``eti figures`` prints it."""
    code, out = eti("figures", "--root", root, "--period", "2026", "--json")
    assert code == 0, out
    return json.loads(out)["indicators"]["عدد المواد المتلفة بقرار"]


@pytest.fixture
def dept(tmp_path: Path):  # noqa: ANN201
    dept = department(tmp_path)
    with open_ledger(dept) as ledger:
        fill(ledger)
        ledger.clear_dirty(ledger.dirty_processes())  # as if the registers were written
    return dept


def test_two_letters_at_once_get_different_numbers(dept: object) -> None:
    root = str(dept.root)  # type: ignore[attr-defined]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "automation", "letter", "free", "--root", root, "--to",
             f"جهة {n}", "--subject", "موضوع", "--body", "نص الكتاب", "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for n in range(3)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    numbers = sorted(json.loads(out)["number"] for out, _ in outputs)
    base = numbers[0].rsplit("/", 1)[0]
    assert numbers == [f"{base}/1", f"{base}/2", f"{base}/3"]
    code, out = eti("outgoing", "list", "--root", root, "--json")
    assert code == 0
    listed = json.loads(out)
    assert sorted(e["number"] for e in listed) == numbers
    assert set(listed[0]) >= {"number", "date", "kind", "to", "subject", "document"}
    rows = list(load_workbook(outgoing_path(dept)).active.iter_rows(values_only=True))  # type: ignore[arg-type]
    assert sorted(r[0] for r in rows[1:]) == numbers  # the last writer saw every number


def test_decision_commands(dept: object) -> None:
    root = str(dept.root)  # type: ignore[attr-defined]
    code, out = eti("decision", "disposal", "--root", root, "--source", AMAL, "--json")
    assert code == 0, out
    draft = json.loads(out)
    assert draft["state"] == "draft" and draft["document"].startswith("outbox/decisions/")
    code, out = eti("decision", "approve", str(draft["id"]), "--root", root,
                    "--date", "2026-04-02", "--json")
    assert code == 0, out
    approved = json.loads(out)
    assert approved["number"].endswith("/1") and approved["date"] == "2026-04-02"
    p5 = register_path(dept, "P5")  # type: ignore[arg-type]
    assert p5.exists()  # written by the command itself
    assert figure(root) == 34
    code, out = eti("decision", "void", str(draft["id"]), "--root", root, "--reason", "خطأ")
    assert code == 0, out
    assert figure(root) == 0
    code, out = eti("decision", "void", str(draft["id"]), "--root", root, "--reason", "خطأ")
    assert code == 1 and "ملغى من قبل" in out and "already void" in out
    code, out = eti("decision", "approve", "77", "--root", root)
    assert code == 1 and "لا يوجد قرار" in out and "there is no decision 77" in out
    code, out = eti("decision", "list", "--root", root, "--json")
    assert json.loads(out) == [{"id": draft["id"], "state": "void", "number": approved["number"],
                                "date": "2026-04-02", "items": 4}]
    code, out = eti("outgoing", "list", "--root", root, "--json")
    entry, notice = json.loads(out)  # the void notice takes the next number (issue 24)
    assert entry["void"] is True and entry["kind"] == "decision-disposal"
    assert notice["void"] is False and notice["kind"] == "decision-void-notice"
    assert notice["document"].startswith("outbox/decisions/إشعار-إلغاء-قرار-إتلاف-")
    code, out = eti("outgoing", "list", "--root", root)  # each kind named as declared
    assert "قرار لجنة الإتلاف:" in out and "إشعار إلغاء قرار لجنة الإتلاف:" in out, out


def test_letter_commands(dept: object, tmp_path: Path) -> None:
    from automation.catalog.forms import CATALOG
    from automation.catalog.reference_books import write_reference_rows

    schools = CATALOG.reference("schools")  # a letter of thanks goes to a listed school
    write_reference_rows(dept.reference_file(schools.file), schools,  # type: ignore[attr-defined]
                         [{"school_no": "1001", "name": AMAL}])
    root = str(dept.root)  # type: ignore[attr-defined]
    code, out = eti("letter", "thanks", "--root", root, "--school", AMAL, "--initiative",
                    "نادي البرمجة", "--json")
    assert code == 0, out
    assert json.loads(out)["document"].startswith("outbox/letters/")
    report = dept.outbox / "reports" / "report.docx"  # type: ignore[attr-defined]
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_bytes(b"x")
    code, out = eti("letter", "qrc", "--root", root, "--document", str(report), "--json")
    assert code == 0, out
    assert "attachment" in json.loads(out)
    code, out = eti("letter", "qrc", "--root", root, "--document", str(tmp_path / "none"))
    assert code == 1 and "ليس وثيقة" in out and "is not a document" in out
    code, out = eti("letter", "free", "--root", root, "--to", " ", "--subject", "م",
                    "--body", "ن")
    assert code == 1 and "فارغ" in out
    code, out = eti("outgoing", "list", "--root", root)
    assert code == 0 and "كتاب شكر وتشجيع" in out and out.count("/") >= 2
