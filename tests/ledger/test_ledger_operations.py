"""The ledger owns its SQL (issue 26): its named operations, the one place the dialects
differ, the explicit constructors, and one mechanism for the registers to rewrite."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from department_factory import make_department

from automation.core.department import Department
from automation.core.errors import LedgerError
from automation.ledger import decisions, documents, outgoing, submissions
from automation.ledger.copy import open_source
from automation.ledger.dialect import Dialect
from automation.ledger.open import open_ledger
from automation.ledger.register_marks import SEEN_FILE, RegisterMarks
from automation.ledger.store import Ledger, SubmissionRecord

AT = dt.datetime(2026, 3, 10, 9, 0)
NOWHERE = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"
"""A PostgreSQL address no server answers at."""


# -- the dialect ---------------------------------------------------------------------------


def test_sqlite_runs_the_statements_as_written() -> None:
    sql = "INSERT OR IGNORE INTO dirty_registers VALUES (?)"
    assert Dialect.SQLITE.statement(sql) == (sql, False)
    assert Dialect.SQLITE.json_text("data", "school") == ("json_extract(data, ?)", "$.school")


@pytest.mark.parametrize(("sqlite", "postgresql", "returns_id"), [
    ("INSERT OR IGNORE INTO dirty_registers VALUES (?)",
     "INSERT INTO dirty_registers VALUES (%s) ON CONFLICT DO NOTHING", False),
    ("INSERT INTO sequences (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE "
     "SET value = sequences.value + 1",
     "INSERT INTO sequences (name, value) VALUES (%s, 1) ON CONFLICT(directorate, name) "
     "DO UPDATE SET value = sequences.value + 1", False),
    ("BEGIN IMMEDIATE", "BEGIN", False),
    ("SELECT CAST(r.data AS BLOB) FROM rows r WHERE r.school LIKE '50%'",
     "SELECT convert_to(r.data, 'UTF8') FROM rows r WHERE r.school LIKE '50%%'", False),
    ("INSERT INTO decisions (kind) VALUES (?)",
     "INSERT INTO decisions (kind) VALUES (%s) RETURNING id", True),
    ("INSERT INTO sequences (name, value) VALUES (?, ?)",
     "INSERT INTO sequences (name, value) VALUES (%s, %s)", False),
])
def test_postgresql_gets_each_statement_in_its_dialect(
        sqlite: str, postgresql: str, returns_id: bool) -> None:
    assert Dialect.POSTGRESQL.statement(sqlite) == (postgresql, returns_id)


def test_a_dialect_is_its_name_and_says_what_differs() -> None:
    assert Dialect.POSTGRESQL == "postgresql" and Dialect.SQLITE == "sqlite"
    assert Dialect.POSTGRESQL.shared and Dialect.POSTGRESQL.backed_up_by_server
    assert not Dialect.SQLITE.shared and not Dialect.SQLITE.backed_up_by_server
    assert Dialect.SQLITE.checks_itself and not Dialect.POSTGRESQL.checks_itself
    assert Dialect.POSTGRESQL.json_text("data", "school") == ("data::json ->> ?", "school")


# -- who reads the environment ----------------------------------------------------------


def test_the_explicit_constructors_read_no_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``ETI_LEDGER_URL`` names a server that does not answer: the explicit constructors
    never look at it, ``open_ledger`` does (and says it cannot reach it)."""
    dept = make_department(tmp_path / "قسم")
    monkeypatch.setenv("ETI_LEDGER_URL", NOWHERE)
    with Ledger.sqlite(dept.ledger_path) as ledger:
        assert ledger.dialect is Dialect.SQLITE and ledger.url == ""
    with open_source(dept.ledger_path) as source:  # eti ledger copy's side
        assert source.dialect is Dialect.SQLITE
    assert os.environ["ETI_LEDGER_URL"] == NOWHERE  # left as it was
    with pytest.raises(LedgerError) as refused:
        open_ledger(dept)
    assert refused.value.code == "ledger-unreachable"
    with pytest.raises(ValueError, match="address"):
        Ledger.postgres("", "قصبة عمان")


def test_a_plain_ledger_is_its_sqlite_file_whatever_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``Ledger(path)`` is the SQLite file at ``path``: ``ETI_LEDGER_URL`` naming a server
    that does not answer changes nothing (it is open_ledger's to read, not the store's)."""
    dept = make_department(tmp_path / "قسم")
    monkeypatch.setenv("ETI_LEDGER_URL", NOWHERE)
    with Ledger(dept.ledger_path) as ledger:
        assert ledger.dialect is Dialect.SQLITE and ledger.url == ""
        assert ledger.conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 0
    assert dept.ledger_path.is_file()  # the department's file, made on first open
    with Ledger(dept.ledger_path, directorate="قصبة عمان") as ledger:
        assert ledger.dialect is Dialect.SQLITE


# -- the operations, on both backends --------------------------------------------------


@pytest.fixture
def dept(tmp_path: Path, ledger_backend: str) -> Department:
    return make_department(tmp_path / "قسم")


def _file(ledger: Ledger, name: str, sha: str, outcome: str, school: str = "مدرسة الأمل",
          duplicate_of: int | None = None) -> int:
    return ledger.record(SubmissionRecord(
        original_name=name, sha256=sha, size=1, received_at=AT, outcome=outcome,
        form="QF75-11", school=school, duplicate_of=duplicate_of))


def test_submissions_and_documents(dept: Department) -> None:
    with open_ledger(dept) as ledger:
        assert not submissions.any_received(ledger.conn)
        assert submissions.last_received(ledger.conn) == ""
        first = _file(ledger, "أ.xlsx", "a" * 64, "accepted")
        again = _file(ledger, "أ (2).xlsx", "a" * 64, "duplicate", duplicate_of=first)
        rejected = _file(ledger, "ب.xlsx", "b" * 64, "rejected")
        _file(ledger, "ج.xlsx", "c" * 64, "rejected", school="")  # no school: no letter
        assert submissions.any_received(ledger.conn)
        assert submissions.last_received(ledger.conn) == AT.isoformat(timespec="seconds")
        assert submissions.copies_of(ledger.conn, "a" * 64) == [
            (again, "duplicate", first), (first, "accepted", None)]
        assert submissions.copies_of(ledger.conn, "d" * 64) == []

        owed = documents.submissions_without(ledger.conn, "rejected", "rejection-letter")
        assert owed == [rejected]
        assert documents.submissions_without(ledger.conn, "accepted", "visit", ["QF75-11"]) \
            == [first]
        assert documents.submissions_without(ledger.conn, "accepted", "visit", ["QF70-2-3"]) \
            == []
        ledger.record_document("rejection-letter", "outbox/letters/ب.docx", AT, rejected)
        assert documents.has_document(ledger.conn, rejected, "rejection-letter")
        assert not documents.has_document(ledger.conn, first, "rejection-letter")
        assert documents.submissions_without(ledger.conn, "rejected", "rejection-letter") == []
        assert documents.is_recorded(ledger.conn, "outbox/letters/ب.docx")
        assert documents.recorded_as(ledger.conn, "outbox/letters/ب.docx") == [
            ("rejection-letter", rejected)]
        ledger.move_document("outbox/letters/ب.docx", "outbox/.previous/ب.docx")
        assert not documents.is_recorded(ledger.conn, "outbox/letters/ب.docx")
        day = dt.datetime(2026, 3, 10)
        assert documents.written_between(ledger.conn, day, day + dt.timedelta(days=1)) == [
            ("rejection-letter", "outbox/.previous/ب.docx", AT.isoformat(timespec="seconds"))]
        assert documents.written_between(ledger.conn, day + dt.timedelta(days=1),
                                         day + dt.timedelta(days=2)) == []


def test_outgoing_numbers_and_decisions(dept: Department) -> None:
    with open_ledger(dept) as ledger:
        with ledger.transaction() as conn:
            assert not outgoing.number_taken(conn, "ت/2026/1")
            given = outgoing.record_number(
                conn, number="ت/2026/1", year=2026, sequence=1, issued_on="2026-03-10",
                kind="letter-free", addressee="مدرسة الأمل", subject="كتاب", process="",
                document="", created_at=AT.isoformat())
            outgoing.attach_document(conn, given, "outbox/letters/1.docx")
            draft = decisions.insert_draft(
                conn, kind="disposal", placeholder="draft-x", created_at=AT.isoformat(),
                state="draft", item_ids=[], scope={"source": ""})
        assert outgoing.number_taken(ledger.conn, "ت/2026/1")
        with ledger.transaction() as conn:
            outgoing.void_number(conn, "ت/2026/1", "خطأ")
        assert outgoing.outgoing_records(ledger.conn) == [
            ("ت/2026/1", "2026-03-10", "letter-free", "مدرسة الأمل", "كتاب", "",
             "outbox/letters/1.docx", True, "خطأ")]
        record = decisions.decision(ledger.conn, draft)
        assert record is not None and record["number"] == f"draft-{draft}"
        assert decisions.decision(ledger.conn, draft + 1) is None
        assert decisions.approved_ids(ledger.conn) == set()
        with ledger.transaction() as conn:
            decisions.approve(conn, draft, number="ت/2026/2", decided_on="2026-03-10",
                              document="outbox/decisions/2.docx", item_ids=[])
        assert decisions.approved_ids(ledger.conn) == {draft}
        assert decisions.numbers_and_dates(ledger.conn) == [
            (draft, "disposal", "ت/2026/2", "2026-03-10")]
        with ledger.transaction() as conn:
            decisions.void(conn, draft, state="void", reason="خطأ", voided_at=AT.isoformat())
        assert decisions.approved_ids(ledger.conn) == set()
        assert [r["state"] for r in decisions.all_decisions(ledger.conn)] == ["void"]


# -- the registers to rewrite: one mechanism --------------------------------------------


def test_registers_to_rewrite_one_way_on_both_backends(dept: Department) -> None:
    with open_ledger(dept) as ledger:
        assert ledger.dirty_processes() == []
        with ledger.transaction() as conn:
            ledger.mark_dirty(conn, ("P1", "P2", "P1"))
        assert ledger.dirty_processes() == ["P1", "P2"]
        ledger.clear_dirty(["P1"])
    assert (dept.data / SEEN_FILE).is_file()  # the department's own record
    with open_ledger(dept) as ledger:
        assert ledger.dirty_processes() == ["P2"]  # kept across openings
        with ledger.transaction() as conn:
            ledger.mark_dirty(conn, ("P1",))
        assert ledger.dirty_processes() == ["P1", "P2"]
        ledger.clear_dirty(["P1", "P2"])
        assert ledger.dirty_processes() == []
    RegisterMarks(dept).forget()  # a backup restored: every register written again
    with open_ledger(dept) as ledger:
        assert ledger.dirty_processes() == ["P1", "P2"]


def test_a_sqlite_files_notes_from_before_become_counts(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "قسم")
    with Ledger.sqlite(dept.ledger_path) as ledger:  # a file written before issue 26
        ledger.conn.executemany("INSERT INTO dirty_registers VALUES (?)", [("P3",), ("P1",)])
    with Ledger.sqlite(dept.ledger_path) as ledger:
        assert ledger.dirty_processes() == ["P1", "P3"]
        assert ledger.conn.execute("SELECT COUNT(*) FROM dirty_registers").fetchone()[0] == 0
        ledger.clear_dirty(["P1", "P3"])
    with Ledger.sqlite(dept.ledger_path) as ledger:
        assert ledger.dirty_processes() == []
