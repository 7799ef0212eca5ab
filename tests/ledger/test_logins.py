"""The login is the boundary on a shared PostgreSQL ledger (issue 26, point 1): tried
with plain ``psql`` under each login, as a curious department's IT person would."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from automation.cli.main import main
from automation.core.errors import LedgerError
from automation.ledger.store import Ledger, SubmissionRecord

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(shutil.which("psql") is None, reason="psql is not installed")]

A, B = "قصبة عمان", "لواء ماركا"
AT = dt.datetime(2026, 3, 1, 9, 0)


def _as(url: str, login: str) -> str:
    """The same database, logged in as ``login``."""
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{login}@{rest.split('@', 1)[1]}"


def psql(url: str, *statements: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    """``statements`` in one psql session (stopping at the first error)."""
    args = ["psql", url, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
    for statement in statements:
        args += ["-c", statement]
    return subprocess.run(args, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})}, check=False)


def _grant(url: str, *args: str) -> None:
    result = CliRunner().invoke(main, ["ledger", "grant", *args, "--url", url])
    assert result.exit_code == 0, result.output


@pytest.fixture
def logins(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Three logins (roles are the server's: names of their own per test): A's, B's and
    the ministry's, each with a submission of A and of B recorded through the ledger."""
    monkeypatch.delenv("ETI_LEDGER_URL", raising=False)
    tag = uuid.uuid4().hex[:8]
    names = {"a": f"dept_a_{tag}", "b": f"dept_b_{tag}", "m": f"ministry_{tag}"}
    _grant(postgres_url, names["a"], "--directorate", A)
    _grant(postgres_url, names["b"], "--directorate", B)
    _grant(postgres_url, names["m"], "--ministry")
    for key, directorate in (("a", A), ("b", B)):
        with Ledger(Path(os.devnull), url=_as(postgres_url, names[key]),
                    directorate=directorate) as ledger:
            ledger.record(SubmissionRecord(f"{key}.xlsx", f"sha-{key}", 1, AT, "rejected"))
            with ledger.transaction() as conn:
                number = ledger.next_sequence(conn, "outgoing-2026")
                assert number == 1  # each directorate numbers its own letters from 1
            ledger.record_document("letter", f"outbox/{key}.docx", AT)
    return {key: _as(postgres_url, name) for key, name in names.items()} | {
        "admin": postgres_url, **{f"login_{k}": v for k, v in names.items()}}


def test_a_department_sees_only_its_own_rows_whatever_it_sets(logins: dict[str, str]) -> None:
    for setting in ("", "SET eti.directorate = '*'", f"SET eti.directorate = '{B}'",
                    "SELECT set_config('eti.directorate', '*', false)"):
        done = psql(logins["a"], *([setting] if setting else []),
                    "SELECT string_agg(directorate || ':' || original_name, ',') FROM submissions")
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().splitlines()[-1] == f"{A}:a.xlsx"
    done = psql(logins["a"], "SELECT directorate, name, value FROM sequences",
                "SELECT count(*) FROM documents", "SELECT count(*) FROM eti_figures")
    assert done.stdout.splitlines() == [f"{A}|outgoing-2026|1", "1", "0"]


@pytest.mark.parametrize("statement", [
    f"INSERT INTO submissions (original_name, sha256, size, received_at, outcome, directorate)"
    f" VALUES ('x', 'x', 1, '2026-03-01', 'rejected', '{B}')",
    "INSERT INTO eti_logins (login, directorate) VALUES ('someone', NULL)",
    "SELECT * FROM eti_logins",
    "SELECT * FROM eti_directorates",
    "UPDATE eti_logins SET ministry = true",
    "TRUNCATE submissions",
    "ALTER TABLE rows DISABLE ROW LEVEL SECURITY",
    "ALTER TABLE rows NO FORCE ROW LEVEL SECURITY",
    "DROP POLICY rows_by_login ON rows",
    "DROP TABLE problems",
    "INSERT INTO migrations VALUES ('999_mine', '2026-01-01')",
    "CREATE TABLE public.mine (x int)",
    "ALTER FUNCTION eti_reads() OWNER TO CURRENT_USER",
])
def test_a_department_cannot_write_another_directorate_nor_the_mapping(
        logins: dict[str, str], statement: str) -> None:
    done = psql(logins["a"], statement)
    assert done.returncode != 0, statement
    assert ("permission denied" in done.stderr or "row-level security" in done.stderr
            or "must be owner" in done.stderr), done.stderr


def test_a_department_changes_nothing_of_another_directorate(logins: dict[str, str]) -> None:
    done = psql(logins["a"],
                f"UPDATE submissions SET original_name = 'x' WHERE directorate = '{B}'",
                f"DELETE FROM submissions WHERE directorate = '{B}'",
                f"UPDATE sequences SET value = 99 WHERE directorate = '{B}'")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["UPDATE 0", "DELETE 0", "UPDATE 0"]
    theirs = psql(logins["b"], "SELECT original_name FROM submissions",
                  "SELECT value FROM sequences")
    assert theirs.stdout.split() == ["b.xlsx", "1"]


def test_the_ministry_reads_every_directorate_and_changes_nothing(
        logins: dict[str, str]) -> None:
    done = psql(logins["m"], "SELECT count(*) FROM submissions",
                "SELECT string_agg(DISTINCT directorate, ',' ORDER BY directorate) FROM documents")
    assert done.stdout.splitlines() == ["2", ",".join(sorted([A, B]))]
    for statement in ("UPDATE submissions SET original_name = 'x'",
                      "DELETE FROM documents",
                      "INSERT INTO sequences (name, value, directorate) VALUES ('x', 1, 'x')",
                      "SELECT * FROM eti_logins", "TRUNCATE rows"):
        refused = psql(logins["m"], statement)
        assert refused.returncode != 0 and "permission denied" in refused.stderr, statement


def test_the_login_decides_the_directorate(logins: dict[str, str]) -> None:
    with pytest.raises(LedgerError) as other:
        Ledger(Path(os.devnull), url=logins["a"], directorate=B)
    assert other.value.code == "ledger-directorate-mismatch"
    assert B in other.value.message_ar and A in other.value.message_en
    with pytest.raises(LedgerError) as star:
        Ledger(Path(os.devnull), url=logins["a"], directorate="*")
    assert star.value.code == "ledger-directorate-star"
    with pytest.raises(LedgerError) as typo:  # «قصبه» for «قصبة»: never a new, empty ledger
        Ledger(Path(os.devnull), url=logins["admin"], directorate="قصبه عمان")
    assert typo.value.code == "ledger-directorate-unknown" and "قصبه عمان" in typo.value.message_ar
    with Ledger(Path(os.devnull), url=logins["m"], directorate="*") as everyone:
        assert everyone.directorates() == sorted([A, B])
    with Ledger(Path(os.devnull), url=logins["m"], directorate=B) as one:  # narrowed, read only
        assert one.directorates() == [B]


def test_a_revoked_login_can_no_longer_log_in(logins: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["ledger", "revoke", logins["login_b"],
                                       "--url", logins["admin"]])
    assert result.exit_code == 0, result.output
    done = psql(logins["b"], "SELECT 1")
    assert done.returncode != 0 and "not permitted to log in" in done.stderr


def test_a_password_from_a_password_file_never_printed(
        logins: dict[str, str], tmp_path: Path, postgres_databases: object,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from postgres_server import PASSWORD_GROUP, require_passwords

    require_passwords(postgres_databases.url)  # type: ignore[attr-defined]
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cret-كلمة\n", encoding="utf-8")
    login = logins["login_a"]
    _grant(logins["admin"], login, "--directorate", A, "--password-file", str(secret))
    assert psql(logins["admin"], f"GRANT {PASSWORD_GROUP} TO {login}").returncode == 0
    refused = psql(logins["a"], "SELECT 1", env={"PGPASSFILE": str(tmp_path / "none")})
    assert refused.returncode != 0 and "password" in refused.stderr
    host_port_db = logins["a"].split("@", 1)[1]
    host, rest = host_port_db.split(":", 1)
    port, db = rest.split("/", 1)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{host}:{port}:{db}:{login}:s3cret-كلمة\n", encoding="utf-8")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert psql(logins["a"], "SELECT 1").stdout.strip() == "1"
    with Ledger(Path(os.devnull), url=logins["a"], directorate=A) as ledger:  # libpq reads it
        assert ledger.directorates() == [A]
    monkeypatch.delenv("PGPASSFILE")
    monkeypatch.setenv("PGPASSWORD", "s3cret-كلمة")
    with Ledger(Path(os.devnull), url=logins["a"], directorate=A) as ledger:
        assert ledger.directorates() == [A]


def test_a_department_works_through_its_own_login(
        logins: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from department_factory import clock, drop, maintenance_rows, make_department, school_names

    from automation.intake.pipeline import run_batch
    from automation.ledger.open import open_ledger
    from automation.ledger.published import published

    monkeypatch.setenv("ETI_LEDGER_URL", logins["a"])  # A's login, not an administrator's
    dept = make_department(tmp_path / "d")
    with dept.config_path.open("a", encoding="utf-8") as f:
        f.write(f'\n[department]\ndirectorate = "{A}"\n')
    drop(dept, "طلب.xlsx", "QF75-11",
         {"school": school_names(dept)[0], "request_date": dt.date(2026, 3, 1),
          "channel": "هاتف", "reference": "ك/1"}, maintenance_rows(2))
    batch = run_batch(dept, clock=clock(), documents=True)
    assert [f.outcome for f in batch.files] == ["accepted"] and not batch.held
    assert batch.registers and batch.documents
    with open_ledger(dept) as ledger:
        assert ledger.directorates() == [A]
        assert ledger.count_rows() == 2
        assert {line[0] for line in published(ledger)} == {A}
    status = CliRunner().invoke(main, ["status", "--root", str(dept.root)])
    assert status.exit_code == 0, status.output
    text = dept.config_path.read_text(encoding="utf-8")  # eti.toml says B: refused
    dept.config_path.write_text(text.replace(f'directorate = "{A}"', f'directorate = "{B}"'),
                                encoding="utf-8")
    refused = CliRunner().invoke(main, ["process", "--root", str(dept.root)])
    assert refused.exit_code != 0 and "مرتبط بمديرية" in refused.output, refused.output


def test_a_department_set_to_every_directorate_is_refused(
        logins: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from department_factory import make_department

    from automation.ledger.open import open_ledger

    dept = make_department(tmp_path / "d")
    with dept.config_path.open("a", encoding="utf-8") as f:
        f.write('\n[department]\ndirectorate = "*"\n')
    for url in (logins["admin"], logins["a"]):  # even a superuser's address
        monkeypatch.setenv("ETI_LEDGER_URL", url)
        with pytest.raises(LedgerError) as star:
            open_ledger(dept)
        assert star.value.code == "ledger-directorate-star"
    monkeypatch.setenv("ETI_LEDGER_URL", logins["m"])  # the ministry's login: reads all
    with open_ledger(dept) as everyone:
        assert everyone.directorates() == sorted([A, B])
    # nobody writes a row of directorate '*', not even a superuser acting as every one
    done = psql(logins["admin"], "SET ROLE eti_ledger", "SET eti.directorate = '*'",
                "INSERT INTO job_runs (job, directorate) VALUES ('x', '*')")
    assert done.returncode != 0 and "row-level security" in done.stderr


def test_a_service_file_names_the_server(logins: dict[str, str], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(logins["a"])
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[ledger]\nhost={parts['host']}\nport={parts['port']}\n"
                        f"dbname={parts['dbname']}\nuser={parts['user']}\n", encoding="utf-8")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    with Ledger(Path(os.devnull), url="postgresql://?service=ledger", directorate=A) as ledger:
        assert ledger.directorates() == [A]


def test_a_departments_login_cannot_migrate_and_says_who_can(logins: dict[str, str]) -> None:
    assert psql(logins["admin"], "DELETE FROM migrations WHERE name = '005_published_figures'",
                "DROP VIEW eti_figures", "DROP TABLE published_figures").returncode == 0
    with pytest.raises(LedgerError) as behind:
        Ledger(Path(os.devnull), url=logins["a"], directorate=A)
    assert behind.value.code == "ledger-schema-behind"
    assert "eti ledger upgrade --url" in behind.value.message_en
    migrated = CliRunner().invoke(main, ["ledger", "upgrade", "--url", logins["admin"], "--json"])
    assert migrated.exit_code == 0, migrated.output
    assert '"005_published_figures"' in migrated.output
    with Ledger(Path(os.devnull), url=logins["a"], directorate=A) as ledger:
        assert ledger.directorates() == [A]
