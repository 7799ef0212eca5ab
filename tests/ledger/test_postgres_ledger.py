"""The ledger on PostgreSQL itself: the same migrations, directorates kept apart, and a
database that cannot be reached losing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from department_factory import clock, drop, maintenance_rows, make_department, own_directorate
from department_factory import school_names as schools
from postgres_server import know_directorates

from automation.cli import main
from automation.core.errors import LedgerError
from automation.intake.pipeline import run_batch
from automation.ledger import schema
from automation.ledger.open import open_ledger
from automation.ledger.store import Ledger

pytestmark = pytest.mark.postgres


def _header(school: str, reference: str) -> dict[str, object]:
    import datetime as dt

    return {"school": school, "request_date": dt.date(2026, 3, 1), "channel": "هاتف",
            "reference": reference}


def _department(root: Path, url: str, directorate: str, monkeypatch: pytest.MonkeyPatch,
                *, known: bool = True):
    """A department whose eti.toml points at ``url`` as ``directorate`` (one the database
    knows, as an administrator's ``eti ledger grant`` makes it)."""
    monkeypatch.delenv("ETI_LEDGER_URL", raising=False)
    if known:
        know_directorates(url, directorate)
    dept = own_directorate(make_department(root), directorate)
    text = dept.config_path.read_text(encoding="utf-8")
    dept.config_path.write_text(text + f'\n[ledger]\nurl = "{url}"\n', encoding="utf-8")
    return dept


def test_the_same_named_migrations_as_sqlite(
        postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dept = _department(tmp_path / "d", postgres_url, "قصبة عمان", monkeypatch)
    result = CliRunner().invoke(main, ["ledger", "migrate", "--root", str(dept.root), "--json"])
    assert result.exit_code == 0, result.output
    said = json.loads(result.output)
    assert said["backend"] == "postgresql"
    assert said["migrations"] == [name for name, _ in schema.MIGRATIONS]
    assert "***" not in said["ledger"] or "@" in said["ledger"]
    with open_ledger(dept) as ledger:
        assert ledger.dialect == "postgresql" and ledger.integrity() == "ok"
        assert ledger.migrate() == []  # nothing left to apply


def test_directorates_see_only_their_own_and_the_same_bytes_twice(
        postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kasaba = _department(tmp_path / "kasaba", postgres_url, "قصبة عمان", monkeypatch)
    jamia = _department(tmp_path / "jamia", postgres_url, "الجامعة", monkeypatch)
    school = schools(kasaba)[0]
    made = drop(kasaba, "طلب.xlsx", "QF75-11", _header(school, "ك/1"), maintenance_rows(3))
    same = made.read_bytes()
    (jamia.inbox / "طلب.xlsx").write_bytes(same)  # the very same bytes
    drop(jamia, "طلب آخر.xlsx", "QF75-11", _header(school, "ج/2"), maintenance_rows(2))
    first = run_batch(kasaba, clock=clock(), documents=False)
    second = run_batch(jamia, clock=clock(), documents=False)
    assert [f.outcome for f in first.files] == ["accepted"]
    assert sorted(f.outcome for f in second.files) == ["accepted", "accepted"]  # not a duplicate
    with open_ledger(kasaba) as ledger:
        assert ledger.count_rows() == 3
        assert ledger.directorates() == ["قصبة عمان"]
        # row-level security holds even for the raw statement of a superuser's login
        assert ledger.conn.execute("SELECT COUNT(*) FROM rows").fetchone()[0] == 3
    with open_ledger(jamia) as ledger:
        assert ledger.count_rows() == 5
        assert {r["directorate"] for r in ledger.conn.execute(
            "SELECT directorate FROM submissions")} == {"الجامعة"}
    with open_ledger(jamia, directorate="*") as everyone:
        assert everyone.count_rows() == 8
        assert everyone.directorates() == ["الجامعة", "قصبة عمان"]
    # the same bytes again in one directorate: recorded once
    (kasaba.inbox / "نسخة.xlsx").write_bytes(same)
    again = run_batch(kasaba, clock=clock("2026-03-11 09:00"), documents=False)
    assert [f.outcome for f in again.files] == ["duplicate"]


def test_an_unreachable_database_loses_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    closed = "postgresql://eti@127.0.0.1:9/eti?connect_timeout=2"  # nothing listens on 9
    dept = _department(tmp_path / "d", closed, "قصبة عمان", monkeypatch, known=False)
    drop(dept, "طلب.xlsx", "QF75-11", _header(schools(dept)[0], "ك/1"), maintenance_rows(1))
    with pytest.raises(LedgerError) as raised:
        Ledger(dept.ledger_path, url=closed, directorate="قصبة عمان")
    assert raised.value.code == "ledger-unreachable"
    assert "inbox" in raised.value.message_en and "صندوق الوارد" in raised.value.message_ar
    result = CliRunner().invoke(main, ["process", "--root", str(dept.root)])
    assert result.exit_code != 0
    assert "تعذر الوصول إلى قاعدة البيانات المشتركة" in result.output
    assert [p.name for p in dept.inbox.iterdir() if p.is_file()] == ["طلب.xlsx"]
    assert not dept.ledger_path.exists()  # no SQLite ledger made behind the user's back


def test_a_connection_lost_mid_batch_leaves_the_rest_for_the_next_pass(
        postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    dept = _department(tmp_path / "d", postgres_url, "قصبة عمان", monkeypatch)
    school = schools(dept)[0]
    for i in range(35):  # two groups of commits (32 + 3), read in this process
        drop(dept, f"طلب {i:02d}.xlsx", "QF75-11", _header(school, f"ك/{i}"), maintenance_rows(1))
    killed: list[int] = []

    def kill_the_ledgers_connection(_: object) -> None:
        if not killed:  # after the first group's commit: end every other session
            with psycopg.connect(postgres_url, autocommit=True) as admin:
                killed.append(len(admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchall()))

    first = run_batch(dept, clock=clock(), documents=False, parallel=False,
                      progress=kill_the_ledgers_connection)
    assert killed and killed[0] >= 1
    assert first.interrupted
    done = len(first.files)
    assert 0 < done < 35
    second = run_batch(dept, clock=clock("2026-03-10 10:00"), documents=False, parallel=False)
    assert not second.interrupted
    assert done + len(second.files) == 35
    assert {f.outcome for f in first.files + second.files} == {"accepted"}
    assert not [p for p in dept.inbox.iterdir() if p.is_file()]
    with open_ledger(dept) as ledger:
        outcomes = [r[0] for r in ledger.conn.execute("SELECT outcome FROM submissions")]
        assert outcomes.count("accepted") == 35 == len(outcomes)  # each file once
        assert ledger.count_rows() == 35


def test_a_transaction_the_server_aborts_is_tried_again(
        postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from psycopg import errors

    dept = _department(tmp_path / "d", postgres_url, "قصبة عمان", monkeypatch)
    school = schools(dept)[0]
    for i in range(3):
        drop(dept, f"طلب {i}.xlsx", "QF75-11", _header(school, f"ك/{i}"), maintenance_rows(1))
    real = Ledger.insert_submission
    aborted: list[str] = []

    def abort_once(self: Ledger, conn: object, rec: object, row_count: int = 0) -> int:
        if len(aborted) < 2:  # the server breaks two transactions, as under contention
            aborted.append(str(rec.original_name))  # type: ignore[attr-defined]
            raise errors.SerializationFailure("could not serialize access")
        return real(self, conn, rec, row_count)  # type: ignore[arg-type]

    monkeypatch.setattr(Ledger, "insert_submission", abort_once)
    batch = run_batch(dept, clock=clock(), documents=False, parallel=False)
    assert len(aborted) == 2
    assert not batch.interrupted
    assert sorted(f.outcome for f in batch.files) == ["accepted"] * 3
    with open_ledger(dept) as ledger:
        assert ledger.conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 3
        assert ledger.count_rows() == 3
    assert len(list(dept.processed.rglob("*.xlsx"))) == 3
