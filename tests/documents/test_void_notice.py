"""Issue 24, point 5: voiding an approved decision writes a void notice (numbered in the
outgoing register, naming the decision's number and the reason) and writes the decision's
document again marked «ملغى», the copy first issued kept in outbox/.previous/; all of it or
nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from automation.documents import voiding
from automation.documents.correspondence import outgoing_list
from automation.documents.decision import (
    approve_decision,
    draft_disposal_decision,
    list_decisions,
    pending_items,
)
from automation.documents.kinds import DISPOSAL_DECISION, VOID_NOTICE
from automation.documents.voiding import void_decision
from automation.ledger.store import Ledger
from tests.documents.test_documents_helpers import (
    AMAL,
    STORE,
    all_text,
    clock,
    no_tags_left,
    references,
)

REASON = "أُدرجت في الكشف مواد ما زالت صالحة للاستعمال"


def _approved(dept: object, ledger: Ledger) -> tuple[int, Path]:
    refs = references()
    draft = draft_disposal_decision(dept, ledger, clock=clock(), source=AMAL,  # type: ignore[arg-type]
                                    references=refs)
    approved = approve_decision(dept, ledger, draft.decision_id, clock=clock(),  # type: ignore[arg-type]
                                day=dt.date(2026, 4, 2), references=refs)
    assert approved.number == "ت ت/2026/1"
    return draft.decision_id, approved.path


def _previous(dept: object) -> list[Path]:
    folder = dept.outbox / ".previous" / "decisions"  # type: ignore[attr-defined]
    return sorted(folder.glob("*")) if folder.is_dir() else []


def _documents(ledger: Ledger, kind: str) -> list[str]:
    return [str(r[0]) for r in ledger.conn.execute(
        "SELECT path FROM documents WHERE kind = ? ORDER BY id", (kind,))]


def test_voiding_an_approved_decision_writes_its_notice_and_marks_it(
        disposals: tuple) -> None:
    dept, ledger = disposals
    decision_id, path = _approved(dept, ledger)
    first = path.read_bytes()
    assert "ملغى" not in all_text(path)

    info = void_decision(dept, ledger, decision_id, reason=REASON, clock=clock(),
                         references=references())
    assert (info.state, info.number, info.items) == ("void", "ت ت/2026/1", 4)
    assert info.notice_number == "ت ت/2026/2"  # the next number of the outgoing register

    # the notice: in outbox/decisions/, named after the decision, naming its number and why
    notice = dept.root / info.notice
    assert notice.parent == dept.outbox / "decisions"
    assert notice.name == "إشعار-إلغاء-قرار-إتلاف-ت-ت-2026-1.docx"
    no_tags_left(notice)
    text = all_text(notice)
    assert "الرقم: ت ت/2026/2" in text
    assert "إلغاء قرار لجنة الإتلاف رقم ت ت/2026/1" in text
    assert "الصادر بتاريخ 2/4/2026" in text
    assert f"سبب الإلغاء: {REASON}" in text
    assert "4 بنداً بكمية إجمالية مقدارها 34" in text  # AMAL's list: 2 + 1 + 30 + 1
    assert "د. ليلى الحسن" in text  # approved by the director, as the decision was

    # the outgoing register: the decision's number void, the notice's number in force
    entries = {e["number"]: e for e in outgoing_list(ledger)}
    assert set(entries) == {"ت ت/2026/1", "ت ت/2026/2"}
    assert entries["ت ت/2026/1"]["void"] is True
    numbered = entries["ت ت/2026/2"]
    assert numbered["kind"] == VOID_NOTICE.key and numbered["void"] is False
    assert numbered["document"] == info.notice
    assert "ت ت/2026/1" in numbered["subject"] and REASON in numbered["subject"]
    assert numbered["date"] == "2026-04-05"

    # the decision's document, written again at its own name, says «ملغى» at its head
    assert path.is_file() and info.document == f"outbox/decisions/{path.name}"
    no_tags_left(path)
    marked = all_text(path)
    assert "رقم القرار: ت ت/2026/1 — ملغى" in marked
    assert f"ألغي هذا القرار بالإشعار رقم ت ت/2026/2 بتاريخ 5/4/2026: {REASON}" in marked
    assert "PC-001" in marked and "موسوعة علمية" in marked  # its list as it was approved
    assert "مسودة" not in marked

    # the copy first issued, unchanged, in outbox/.previous/decisions/
    [kept] = _previous(dept)
    assert kept.name.startswith(path.stem + "-") and kept.suffix == ".docx"
    assert kept.read_bytes() == first
    assert "ملغى" not in all_text(kept)
    assert _documents(ledger, DISPOSAL_DECISION.key) == [
        kept.relative_to(dept.root).as_posix(), info.document]
    assert _documents(ledger, VOID_NOTICE.key) == [info.notice]

    # the items are released, and the next decision takes the next number
    assert {i.source for i in pending_items(ledger)} >= {AMAL}
    again = draft_disposal_decision(dept, ledger, clock=clock(), source=AMAL,
                                    references=references())
    assert approve_decision(dept, ledger, again.decision_id, clock=clock(),
                            references=references()).number == "ت ت/2026/3"


def test_voiding_a_draft_writes_no_notice(disposals: tuple) -> None:
    dept, ledger = disposals
    draft = draft_disposal_decision(dept, ledger, clock=clock(), source=STORE,
                                    references=references())
    info = void_decision(dept, ledger, draft.decision_id, reason="مكرر", clock=clock())
    assert (info.state, info.notice, info.notice_number) == ("void", "", "")
    assert outgoing_list(ledger) == []
    assert not list((dept.outbox / "decisions").glob("إشعار-*")) and _previous(dept) == []


def test_a_failure_while_voiding_leaves_everything_as_it_was(
        disposals: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    """The decision's new copy fails to render after the notice was written: nothing is
    recorded, the notice is gone, the decision's document is the one first issued."""
    dept, ledger = disposals
    decision_id, path = _approved(dept, ledger)
    first = path.read_bytes()

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(voiding, "render_document", broken)
    with pytest.raises(OSError):
        void_decision(dept, ledger, decision_id, reason=REASON, clock=clock(),
                      references=references())
    [info] = list_decisions(ledger)
    assert (info.state, info.void_reason) == ("approved", "")
    assert [(e["number"], e["void"]) for e in outgoing_list(ledger)] == [("ت ت/2026/1", False)]
    assert sorted(p.name for p in (dept.outbox / "decisions").iterdir()) == [
        p.name for p in sorted((dept.outbox / "decisions").glob("*.docx"))
        if not p.name.startswith("إشعار")]
    assert path.read_bytes() == first and _previous(dept) == []
    assert not [p for p in (dept.outbox / "decisions").iterdir() if p.name.startswith(".")]

    # the next try, once the disk has room, does it all
    monkeypatch.undo()
    done = void_decision(dept, ledger, decision_id, reason=REASON, clock=clock(),
                         references=references())
    assert done.notice_number == "ت ت/2026/2" and "ملغى" in all_text(path)
    assert len(_previous(dept)) == 1


def test_a_department_template_without_the_mark_does_not_print_it_in_force(
        disposals: tuple) -> None:
    """A department's own decision template edited before issue 24 has no «ملغى» block: the
    decision marked void is written from the shipped template, never as if in force."""
    import shutil

    from automation.core.assets import ASSET_TEMPLATES

    dept, ledger = disposals
    decision_id, path = _approved(dept, ledger)
    dept.templates.mkdir(parents=True, exist_ok=True)
    # any template that knows nothing of «void» stands for the old copy staff edited
    shutil.copyfile(ASSET_TEMPLATES / "letter_free.docx", dept.templates / "decision_disposal.docx")
    void_decision(dept, ledger, decision_id, reason=REASON, clock=clock(), references=references())
    marked = all_text(path)
    assert "رقم القرار: ت ت/2026/1 — ملغى" in marked and REASON in marked


def test_eti_decision_void_prints_the_notice_and_the_documents(disposals: tuple) -> None:
    import json

    from click.testing import CliRunner

    from automation.cli.main import main

    dept, ledger = disposals
    decision_id, path = _approved(dept, ledger)
    result = CliRunner().invoke(main, ["decision", "void", str(decision_id), "--root",
                                       str(dept.root), "--reason", REASON, "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert (printed["state"], printed["number"]) == ("void", "ت ت/2026/1")
    assert printed["notice_number"].endswith("/2026/2")
    assert [(d["kind"], d["path"]) for d in printed["documents"]] == [
        (VOID_NOTICE.key, printed["notice"]),
        (DISPOSAL_DECISION.key, f"outbox/decisions/{path.name}")]
    assert (dept.root / printed["notice"]).is_file() and "ملغى" in all_text(path)
