"""P5: the disposal committee decision, from a ledger to the .docx and back."""

from __future__ import annotations

import datetime as dt
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from ledger_factory import add_submission

from automation.core.errors import EtiError, TemplateError
from automation.documents import (
    NO_REPORT_NOTE,
    make_disposal_decision,
    pending_items,
)
from automation.documents.decision import approve_decision, draft_disposal_decision, list_decisions
from automation.templates.builder import ASSET_TEMPLATES
from tests.documents.test_documents_helpers import (
    AMAL,
    NOOR,
    STORE,
    D,
    all_text,
    assert_rtl,
    clock,
    department,
    find_table,
    no_tags_left,
    open_ledger,
    references,
)

HOSTILE = 'ميزان حساس & دقيق <2> "معاير"'


def fill(ledger: object) -> None:
    add_submission(
        ledger, "QF75-11",
        {"school": AMAL, "request_date": D(2026, 2, 1), "channel": "هاتف", "reference": "ص/12"},
        [{"device_type": "حاسوب", "location": "مختبر حاسوب", "fault": "لا يعمل",
          "status": "غير قابل للإصلاح", "done_date": D(2026, 2, 5), "action": "فحص"}],
        received_at=D(2026, 2, 6),
    )
    add_submission(
        ledger, "QF75-11",
        {"school": AMAL, "request_date": D(2026, 2, 2), "channel": "هاتف", "reference": "ص/13"},
        [{"device_type": "طابعة", "location": "الإدارة", "fault": "انحشار الورق",
          "status": "تم الإصلاح", "done_date": D(2026, 2, 5), "action": "تنظيف"}],
        received_at=D(2026, 2, 6),
    )
    add_submission(
        ledger, "DISPOSAL",
        {"source": AMAL, "date": D(2026, 3, 1), "correspondence_ref": "م أ/44"},
        [
            {"category": "حاسوب وملحقاته", "description": "جهاز حاسوب مكتبي",
             "asset_no": "PC-001", "quantity": 2, "reason": "تالف", "maintenance_ref": "ص/12"},
            {"category": "جهاز مخبري", "description": "مجهر ضوئي", "quantity": 1,
             "reason": "كسر العدسة"},
            {"category": "كتب مكتبة", "description": "موسوعة علمية",
             "asset_no": "978-9957-0-1234-5", "quantity": 30, "reason": "تلف الأوراق"},
            {"category": "حاسوب وملحقاته", "description": "طابعة ليزر", "quantity": 1,
             "reason": "قديمة", "maintenance_ref": "ص/13"},
        ],
        received_at=D(2026, 3, 2),
    )
    add_submission(
        ledger, "DISPOSAL",
        {"source": NOOR, "date": D(2026, 3, 20)},
        [{"category": "جهاز علمي", "description": HOSTILE, "quantity": 1,
          "reason": 'عطل "دائم"'}],
        received_at=D(2026, 3, 21),
    )
    add_submission(
        ledger, "DISPOSAL",
        {"source": STORE, "date": D(2026, 2, 1)},
        [{"category": "كتب مكتبة", "description": "كتب مدرسية قديمة", "quantity": 5,
          "reason": "منهاج ملغى"}],
        received_at=D(2026, 2, 2),
    )


def test_decision_for_one_source(disposals: tuple) -> None:
    dept, ledger = disposals
    result = make_disposal_decision(dept, ledger, clock=clock(), source=AMAL,
                                    references=references())
    assert result.number == "ت ت/2026/1"
    assert result.path == dept.outbox / "decisions" / "قرار-إتلاف-ت-ت-2026-1.docx"
    assert len(result.items) == 4
    assert_rtl(result.path)
    no_tags_left(result.path)
    text = all_text(result.path)
    for words in ("قرار لجنة الإتلاف", "ت ت/2026/1", "5/4/2026", "جهاز حاسوب مكتبي", "مجهر ضوئي",
                  "978-9957-0-1234-5", "مديرية التربية والتعليم للواء الجامعة", "د. ليلى الحسن"):
        assert words in text, words
    assert HOSTILE not in text  # another source

    annex = find_table(result.path, "سبب الإتلاف")
    header = annex[0]
    rows = {r[header.index("الوصف")]: r for r in annex[1:-1]}
    note = header.index("ملاحظات")
    assert rows["جهاز حاسوب مكتبي"][note] == ""  # ص/12 is a report found unrepairable
    assert rows["مجهر ضوئي"][note] == NO_REPORT_NOTE  # a device without a report
    assert rows["طابعة ليزر"][note] == NO_REPORT_NOTE  # its report says repaired
    assert rows["موسوعة علمية"][note] == ""  # books need no report
    assert annex[-1][header.index("الكمية")] == "34"

    totals = find_table(result.path, "عدد البنود")
    assert totals[1:] == [
        ["حاسوب وملحقاته", "2", "3"],
        ["جهاز مخبري", "1", "1"],
        ["كتب مكتبة", "1", "30"],
        ["المجموع", "4", "34"],
    ]
    signatures = find_table(result.path, "التوقيع")
    assert [r[0] for r in signatures[1:]] == ["رئيس اللجنة", "عضو", "مقرر"]
    assert [r[1] for r in signatures[1:]] == ["أحمد علي", "منى سالم", "خالد يوسف"]
    assert "تنبيه: 2 من بنود الأجهزة" in text


def test_decision_is_recorded_in_one_transaction(disposals: tuple) -> None:
    dept, ledger = disposals
    result = make_disposal_decision(dept, ledger, clock=clock(), source=AMAL,
                                    references=references())
    decision = ledger.conn.execute("SELECT * FROM decisions").fetchall()
    assert len(decision) == 1
    assert decision[0]["number"] == "ت ت/2026/1"
    assert decision[0]["kind"] == "disposal"
    assert decision[0]["decided_on"] == "2026-04-05"
    assert decision[0]["document"] == "outbox/decisions/قرار-إتلاف-ت-ت-2026-1.docx"
    attached = {r.id for r in ledger.current_rows("DISPOSAL") if r.decision_id == decision[0]["id"]}
    assert attached == {i.row_id for i in result.items}
    assert ledger.dirty_processes() == ["P5", "PLAN"]  # P5 and its indicator in the plan
    docs = ledger.conn.execute("SELECT kind, path FROM documents").fetchall()
    assert [tuple(d) for d in docs] == [
        ("decision-disposal-draft", "outbox/decisions/مسودة-قرار-إتلاف-1.docx"),
        ("decision-disposal", decision[0]["document"]),
    ]
    # the items are not offered to the next decision
    assert {i.source for i in pending_items(ledger)} == {NOOR, STORE}


def test_next_decisions_then_nothing_left(disposals: tuple) -> None:
    dept, ledger = disposals
    first = make_disposal_decision(dept, ledger, clock=clock(), source=AMAL,
                                   references=references())
    second = make_disposal_decision(dept, ledger, clock=clock(), references=references())
    assert second.number == "ت ت/2026/2"
    assert {i.source for i in second.items} == {NOOR, STORE}
    text = all_text(second.path)
    assert HOSTILE in text  # & < > " rendered literally
    assert 'عطل "دائم"' in text
    files = sorted(p.name for p in (dept.outbox / "decisions").iterdir())
    with pytest.raises(EtiError) as info:
        make_disposal_decision(dept, ledger, clock=clock(), references=references())
    assert "لا توجد مواد" in info.value.message_ar
    assert "no disposal items" in info.value.message_en
    assert sorted(p.name for p in (dept.outbox / "decisions").iterdir()) == files
    assert ledger.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 2
    assert first.path.exists()


def test_date_range_filters_on_the_list_date(disposals: tuple) -> None:
    dept, ledger = disposals
    result = make_disposal_decision(dept, ledger, clock=clock(), date_from=D(2026, 3, 15),
                                    date_to=D(2026, 3, 31), references=references())
    assert [i.source for i in result.items] == [NOOR]
    assert "عن الفترة من 15/3/2026 إلى 31/3/2026" in all_text(result.path)
    with pytest.raises(EtiError):
        make_disposal_decision(dept, ledger, clock=clock(), source=NOOR, references=references())


def test_a_broken_template_records_nothing(disposals: tuple) -> None:
    dept, ledger = disposals
    broken = dept.templates / "decision_disposal.docx"
    corrupt(ASSET_TEMPLATES / "decision_disposal.docx", broken, "{{ item_count }}",
            "{{ item_cnt }}")
    with pytest.raises(TemplateError) as info:
        make_disposal_decision(dept, ledger, clock=clock(), source=AMAL, references=references())
    assert "item_cnt" in info.value.message_ar
    assert "decision_disposal.docx" in info.value.message_ar
    assert ledger.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0
    assert ledger.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
    assert ledger.conn.execute("SELECT COUNT(*) FROM outgoing").fetchone()[0] == 0
    assert all(r.decision_id is None for r in ledger.current_rows("DISPOSAL"))
    assert ledger.dirty_processes() == []
    assert not list((dept.outbox / "decisions").glob("*"))
    broken.unlink()
    result = make_disposal_decision(dept, ledger, clock=clock(), source=AMAL,
                                    references=references())
    assert result.number == "ت ت/2026/1"  # the failed attempt used no number


def test_a_failed_approval_leaves_the_draft_and_uses_no_number(disposals: tuple) -> None:
    dept, ledger = disposals
    draft = draft_disposal_decision(dept, ledger, clock=clock(), source=AMAL,
                                    references=references())
    broken = dept.templates / "decision_disposal.docx"
    corrupt(ASSET_TEMPLATES / "decision_disposal.docx", broken, "{{ number }}", "{{ numbr }}")
    with pytest.raises(TemplateError):
        approve_decision(dept, ledger, draft.decision_id, clock=clock(),
                         references=references())
    assert [d.state for d in list_decisions(ledger)] == ["draft"]
    assert ledger.conn.execute("SELECT COUNT(*) FROM outgoing").fetchone()[0] == 0
    assert [p.name for p in (dept.outbox / "decisions").iterdir()] == [draft.path.name]
    broken.unlink()
    result = approve_decision(dept, ledger, draft.decision_id, clock=clock(),
                              references=references())
    assert result.number == "ت ت/2026/1"


def test_blank_signature_lines_without_a_committee(disposals: tuple) -> None:
    dept, ledger = disposals
    result = make_disposal_decision(dept, ledger, clock=clock(), source=STORE,
                                    references=references(committee=False))
    signatures = find_table(result.path, "التوقيع")
    assert [r[0] for r in signatures[1:]] == ["رئيس اللجنة", "عضو", "عضو"]


def test_five_hundred_items(tmp_path: Path) -> None:
    dept = department(tmp_path)
    with open_ledger(dept) as ledger:
        rows = [
            {"category": "حاسوب وملحقاته", "description": f"جهاز رقم {n}", "asset_no": f"A-{n}",
             "quantity": 1, "reason": "تالف"}
            for n in range(500)
        ]
        add_submission(ledger, "DISPOSAL", {"source": AMAL, "date": D(2026, 3, 1)}, rows,
                       received_at=D(2026, 3, 1))
        started = time.monotonic()
        result = make_disposal_decision(dept, ledger, clock=clock(), references=references())
        elapsed = time.monotonic() - started
    assert elapsed < 30, elapsed
    assert len(result.items) == 500
    annex = find_table(result.path, "سبب الإتلاف")
    assert len(annex) == 1 + 500 + 1
    assert annex[-2][2] == "جهاز رقم 499"
    assert len(Document(str(result.path)).tables) >= 4


def corrupt(source: Path, target: Path, old: str, new: str) -> Path:
    """Copy a template, replacing text in its document.xml (as a careless edit would)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert old in text, old
                data = text.replace(old, new, 1).encode("utf-8")
            dst.writestr(info, data)
    return target


def test_decision_date_comes_from_the_clock(disposals: tuple) -> None:
    dept, ledger = disposals
    later = clock(dt.datetime(2027, 1, 3, 9, 0))
    result = make_disposal_decision(dept, ledger, clock=later, source=STORE,
                                    references=references())
    assert result.number == "ت ت/2027/1"
    assert "3/1/2027" in all_text(result.path)
    shutil.rmtree(dept.outbox)


def test_the_directorate_logo_heads_the_decision(disposals: tuple) -> None:
    from dataclasses import replace

    from automation.documents.render import _tiny_png

    dept, ledger = disposals
    dept.reference.mkdir(parents=True, exist_ok=True)
    (dept.reference / "شعار.png").write_bytes(_tiny_png())
    refs = references()
    refs.directorate = replace(refs.directorate, logo="شعار.png")
    result = make_disposal_decision(dept, ledger, clock=clock(), source=STORE, references=refs)
    shapes = Document(str(result.path)).inline_shapes
    assert len(shapes) == 1
    assert shapes[0].width.mm == pytest.approx(24, abs=0.5)
