"""The outgoing register (one numbering), the decision lifecycle and the letters, from a
ledger to the .docx, the register workbook and the figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from automation.core.errors import ConfigError, EtiError
from automation.documents.correspondence import (
    format_number,
    make_free_letter,
    make_qrc_letter,
    make_thanks_letter,
    outgoing_list,
    refresh_registers,
)
from automation.documents.decision import (
    approve_decision,
    draft_disposal_decision,
    list_decisions,
    pending_items,
)
from automation.documents.letters import make_rejection_letter
from automation.documents.voiding import void_decision
from automation.ledger import schema
from automation.ledger.store import Ledger
from automation.processes import figures_of, indicator_value
from automation.processes.p05_disposal import DISPOSED
from automation.registers.builder import register_path
from automation.registers.outgoing import outgoing_path
from tests.documents.test_documents_helpers import (
    AMAL,
    STORE,
    all_text,
    clock,
    department,
    no_tags_left,
    open_ledger,
    references,
    reject,
)

YEAR = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def disposed(ledger: Ledger) -> object:
    from automation.core.periods import date_range

    return {f.label: f.value for f in figures_of(ledger, "P5", date_range(*YEAR))}[DISPOSED]


# -- one numbering --------------------------------------------------------------------------


def test_letters_and_decisions_share_one_numbering(disposals: tuple) -> None:
    dept, ledger = disposals
    refs = references()
    submission = reject(ledger, AMAL, "QF75-11", dt.datetime(2026, 4, 5, 9, 0))
    letter = make_rejection_letter(dept, ledger, submission, clock=clock(), references=refs)
    draft = draft_disposal_decision(dept, ledger, clock=clock(), source=AMAL, references=refs)
    decision = approve_decision(dept, ledger, draft.decision_id, clock=clock(), references=refs)
    free = make_free_letter(dept, ledger, to="مدير الشؤون الإدارية", subject="طلب",
                            body="نص", clock=clock(), references=refs)
    assert letter is not None and "ت ت/2026/1" in all_text(letter)
    assert decision.number == "ت ت/2026/2"
    assert free.number == "ت ت/2026/3"
    entries = outgoing_list(ledger)
    assert [(e["number"], e["kind"]) for e in entries] == [
        ("ت ت/2026/1", "rejection-letter"),
        ("ت ت/2026/2", "decision-disposal"),
        ("ت ت/2026/3", "letter-free"),
    ]
    assert entries[0]["to"] == AMAL and entries[0]["document"].startswith("outbox/letters/")
    assert "إعادة" in entries[0]["subject"]
    assert entries[1]["document"] == "outbox/decisions/قرار-إتلاف-ت-ت-2026-2.docx"
    assert entries[2]["date"] == "2026-04-05"

    refresh_registers(dept, ledger, clock=clock())
    sheet = load_workbook(outgoing_path(dept)).active
    assert sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("الرقم", "التاريخ", "المرسل إليه", "الموضوع", "العملية", "الوثيقة")
    assert [r[0] for r in rows[1:]] == ["ت ت/2026/1", "ت ت/2026/2", "ت ت/2026/3"]
    assert rows[2][1] == dt.datetime(2026, 4, 5) and rows[2][4] == "P5"
    assert rows[1][4] == "P1"  # the rejected QF75-11 is P1's form


def test_the_number_format_comes_from_eti_toml(disposals: tuple) -> None:
    dept, ledger = disposals
    dept.config_path.write_text('[correspondence]\nnumber_format = "{sequence}/{year}/{prefix}"\n',
                                encoding="utf-8")
    sent = make_free_letter(dept, ledger, to="س", subject="م", body="ن", clock=clock(),
                            references=references())
    assert sent.number == "1/2026/ت ت"
    dept.config_path.write_text('[correspondence]\nnumber_format = "{year}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        make_free_letter(dept, ledger, to="س", subject="م", body="ن", clock=clock(),
                         references=references())
    assert "correspondence.number_format" in info.value.message_ar
    assert len(outgoing_list(ledger)) == 1


def test_format_number_without_a_prefix() -> None:
    assert format_number("{prefix}/{year}/{sequence}", "", 2026, 4) == "2026/4"
    assert format_number("{prefix}/{year}/{sequence}", " ت ت/ ", 2026, 4) == "ت ت/2026/4"


def test_a_new_year_starts_at_one(disposals: tuple) -> None:
    dept, ledger = disposals
    make_free_letter(dept, ledger, to="س", subject="م", body="ن", clock=clock(),
                     references=references())
    later = make_free_letter(dept, ledger, to="س", subject="م", body="ن",
                             clock=clock(dt.datetime(2027, 1, 2, 8, 0)), references=references())
    assert later.number == "ت ت/2027/1"


@pytest.mark.sqlite_only  # a SQLite ledger from before 002; a PostgreSQL one never had them
def test_the_migration_continues_after_the_old_sequences(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    dept = department(tmp_path)
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
    with open_ledger(dept) as old:
        with old.transaction() as conn:
            conn.execute("INSERT INTO sequences VALUES ('letter-2026', 7), "
                         "('decision-disposal-2026', 3), ('letter-2025', 40)")
            conn.execute("INSERT INTO decisions (kind, number, decided_on, created_at, "
                         "document) VALUES ('disposal', 'ت ت/2026/3', '2026-03-01', "
                         "'2026-03-01T10:00:00', 'outbox/decisions/x.docx')")
    monkeypatch.undo()
    with open_ledger(dept) as ledger:
        assert "002_outgoing_register" in ledger.migrations()
        assert [d.state for d in list_decisions(ledger)] == ["approved"]
        assert [e["number"] for e in outgoing_list(ledger)] == ["ت ت/2026/3"]
        sent = make_free_letter(dept, ledger, to="س", subject="م", body="ن", clock=clock(),
                                references=references())
        assert sent.number == "ت ت/2026/8"  # after letter 7: no number given twice


# -- the decision lifecycle -------------------------------------------------------------------


def test_draft_then_approve_then_void(disposals: tuple) -> None:
    dept, ledger = disposals
    refs = references()
    draft = draft_disposal_decision(dept, ledger, clock=clock(), source=AMAL, references=refs)
    assert draft.state == "draft" and draft.number == ""
    text = all_text(draft.path)
    assert "مسودة" in text and "ت ت/2026" not in text
    assert "مديرية التربية والتعليم للواء الجامعة" in text
    no_tags_left(draft.path)
    assert outgoing_list(ledger) == []
    assert disposed(ledger) == 0  # a draft disposes of nothing
    assert AMAL not in {i.source for i in pending_items(ledger)}  # held by the draft
    [info] = list_decisions(ledger)
    assert (info.state, info.number, info.date, info.items) == ("draft", None, None, 4)

    approved = approve_decision(dept, ledger, draft.decision_id, clock=clock(),
                                day=dt.date(2026, 4, 2), references=refs)
    assert approved.number == "ت ت/2026/1"
    text = all_text(approved.path)
    assert "ت ت/2026/1" in text and "2/4/2026" in text and "مسودة" not in text
    assert disposed(ledger) == 34
    [info] = list_decisions(ledger)
    assert (info.state, info.number, info.date) == ("approved", "ت ت/2026/1", "2026-04-02")

    refresh_registers(dept, ledger, clock=clock())
    assert ledger.dirty_processes() == []
    p5 = register_path(dept, "P5")
    book = load_workbook(p5, read_only=True)
    cells = {c for ws in book.worksheets for row in ws.iter_rows(values_only=True)
             for c in row if c is not None}
    assert "ت ت/2026/1" in cells

    void = void_decision(dept, ledger, draft.decision_id, reason="خطأ في الكشف",
                         clock=clock(), references=refs)
    assert (void.state, void.number, void.items) == ("void", "ت ت/2026/1", 4)
    assert disposed(ledger) == 0
    assert AMAL in {i.source for i in pending_items(ledger)}  # released
    entry, notice = outgoing_list(ledger)  # the void notice takes the next number (issue 24)
    assert entry["void"] is True and entry["number"] == "ت ت/2026/1"
    assert notice["void"] is False and notice["number"] == "ت ت/2026/2"
    refresh_registers(dept, ledger, clock=clock())
    rows = list(load_workbook(outgoing_path(dept)).active.iter_rows(values_only=True))
    assert rows[1][0] == "ت ت/2026/1" and rows[1][6] == "ملغى: خطأ في الكشف"
    # the next decision gets the next number, never the void one's
    again = draft_disposal_decision(dept, ledger, clock=clock(), source=AMAL, references=refs)
    assert approve_decision(dept, ledger, again.decision_id, clock=clock(),
                            references=refs).number == "ت ت/2026/3"


def test_the_plan_indicator_counts_only_approved_decisions(disposals: tuple) -> None:
    from automation.core.periods import date_range

    dept, ledger = disposals
    refs = references()
    kept = draft_disposal_decision(dept, ledger, clock=clock(), source=AMAL, references=refs)
    voided = draft_disposal_decision(dept, ledger, clock=clock(), source=STORE, references=refs)
    approve_decision(dept, ledger, kept.decision_id, clock=clock(), references=refs)
    approve_decision(dept, ledger, voided.decision_id, clock=clock(), references=refs)
    void_decision(dept, ledger, voided.decision_id, reason="مكرر", clock=clock(),
                  references=refs)
    value = indicator_value(ledger, "عدد المواد المتلفة بقرار", date_range(*YEAR))
    assert value == 34  # AMAL's 34, not the store's 5


def test_bad_steps_are_refused_and_change_nothing(disposals: tuple) -> None:
    dept, ledger = disposals
    refs = references()
    draft = draft_disposal_decision(dept, ledger, clock=clock(), source=AMAL, references=refs)
    with pytest.raises(EtiError) as info:
        approve_decision(dept, ledger, 99, clock=clock(), references=refs)
    assert info.value.code == "unknown-decision" and "لا يوجد قرار" in info.value.message_ar
    with pytest.raises(EtiError) as info:
        void_decision(dept, ledger, draft.decision_id, reason="  ", clock=clock())
    assert info.value.code == "no-reason"
    with pytest.raises(EtiError) as info:
        approve_decision(dept, ledger, draft.decision_id, clock=clock(),
                         day=dt.date(2026, 4, 6), references=refs)
    assert info.value.code == "future-date" and "6/4/2026" in info.value.message_ar
    approve_decision(dept, ledger, draft.decision_id, clock=clock(), references=refs)
    with pytest.raises(EtiError) as info:
        approve_decision(dept, ledger, draft.decision_id, clock=clock(), references=refs)
    assert info.value.code == "already-approved" and "ت ت/2026/1" in info.value.message_ar
    void_decision(dept, ledger, draft.decision_id, reason="خطأ", clock=clock(), references=refs)
    with pytest.raises(EtiError) as info:
        void_decision(dept, ledger, draft.decision_id, reason="مرة أخرى", clock=clock())
    assert info.value.code == "already-void" and "ملغى" in info.value.message_ar
    with pytest.raises(EtiError) as info:
        approve_decision(dept, ledger, draft.decision_id, clock=clock(), references=refs)
    assert info.value.code == "decision-void"
    assert len(outgoing_list(ledger)) == 2  # the decision's number and its void notice's
    [info_] = list_decisions(ledger)
    assert info_.void_reason == "خطأ"


def test_a_draft_of_chosen_items(disposals: tuple) -> None:
    dept, ledger = disposals
    ids = [i.row_id for i in pending_items(ledger, source=AMAL)][:2]
    draft = draft_disposal_decision(dept, ledger, clock=clock(), item_ids=ids,
                                    references=references())
    assert [i.row_id for i in draft.items] == ids
    with pytest.raises(EtiError) as info:
        draft_disposal_decision(dept, ledger, clock=clock(), item_ids=[ids[0]],
                                references=references())
    assert info.value.code == "not-pending"


# -- letters ----------------------------------------------------------------------------------


def test_thanks_letter(disposals: tuple) -> None:
    dept, ledger = disposals
    sent = make_thanks_letter(dept, ledger, school=AMAL, initiative="نادي الروبوت",
                              clock=clock(), references=references())
    text = all_text(sent.path)
    for words in ("ت ت/2026/1", AMAL, "نادي الروبوت", "شكر", "QP-70-2 / P8",
                  "مديرية التربية والتعليم للواء الجامعة", "م. سامر الخطيب"):
        assert words in text, words
    no_tags_left(sent.path)
    [entry] = outgoing_list(ledger)
    assert entry["kind"] == "letter-thanks" and AMAL in entry["to"]


def test_qrc_letter_puts_the_report_beside_it(disposals: tuple, tmp_path: Path) -> None:
    dept, ledger = disposals
    report = dept.outbox / "reports" / "تقرير-ربعي.docx"  # a document the department made
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_bytes(b"report bytes")
    sent = make_qrc_letter(dept, ledger, document=report, clock=clock(), references=references())
    assert sent.attachment is not None and sent.attachment.read_bytes() == b"report bytes"
    assert sent.attachment.parent == sent.path.parent
    assert sent.attachment.name.startswith(sent.path.stem)
    text = all_text(sent.path)
    assert "«تقرير ربعي»" in text and "مركز الملكة رانيا" in text  # its title, not its file
    assert "تقرير-ربعي.docx" not in text
    with pytest.raises(EtiError) as info:
        make_qrc_letter(dept, ledger, document=tmp_path / "missing.docx", clock=clock(),
                        references=references())
    assert info.value.code == "no-document"
    assert len(outgoing_list(ledger)) == 1


def test_free_letter_paragraphs_and_empty_fields(disposals: tuple) -> None:
    dept, ledger = disposals
    sent = make_free_letter(dept, ledger, to="مدير الشؤون المالية", subject="صيانة المختبرات",
                            body="الفقرة الأولى\n\nالفقرة <الثانية> & \"الأخيرة\"",
                            clock=clock(), references=references())
    text = all_text(sent.path)
    for words in ("مدير الشؤون المالية", "الموضوع: صيانة المختبرات", "الفقرة الأولى",
                  'الفقرة <الثانية> & "الأخيرة"'):
        assert words in text, words
    for kwargs in ({"to": " ", "subject": "م", "body": "ن"},
                   {"to": "س", "subject": "م", "body": "\n \n"}):
        with pytest.raises(EtiError) as info:
            make_free_letter(dept, ledger, clock=clock(), references=references(),
                             **kwargs)  # type: ignore[arg-type]
        assert info.value.code == "empty-field" and "فارغ" in info.value.message_ar
    assert len(outgoing_list(ledger)) == 1


def test_letters_the_pipeline_owes_update_the_outgoing_register(disposals: tuple) -> None:
    from automation.documents.pending import pending_documents

    dept, ledger = disposals
    reject(ledger, AMAL, "QF75-11", dt.datetime(2026, 4, 5, 9, 0))
    made = pending_documents(dept, ledger, clock=clock(), references=references())
    assert [p.parent.name for p in made].count("letters") == 1  # (and technical reports)
    rows = list(load_workbook(outgoing_path(dept)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["ت ت/2026/1"] and rows[1][2] == AMAL


def test_registers_that_cannot_be_written_stay_dirty(disposals: tuple,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import automation.registers.builder as builder
    import automation.registers.outgoing as outgoing

    dept, ledger = disposals
    draft = draft_disposal_decision(dept, ledger, clock=clock(), source=AMAL,
                                    references=references())
    approve_decision(dept, ledger, draft.decision_id, clock=clock(), references=references())

    def unreachable(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "read-only", str(dept.registers))

    monkeypatch.setattr(builder, "write_registers", unreachable)
    monkeypatch.setattr(outgoing, "_write", unreachable)
    assert refresh_registers(dept, ledger, clock=clock()) == []
    assert ledger.dirty_processes() == ["P5", "PLAN"]  # written by the next batch
    assert not outgoing_path(dept).exists()
    assert [d.state for d in list_decisions(ledger)] == ["approved"]
