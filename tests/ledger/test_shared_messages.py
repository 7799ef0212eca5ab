"""What a department sees of a shared ledger's address (issue 26, points 2 and 5): the
password never printed, the address in force named, a password in the address warned
about, and a server lost mid-batch said as such (no server needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from department_factory import make_department

from automation.cli.main import main
from automation.intake import pipeline
from automation.ledger import postgres

SECRET = "Pa55-سر"
IN_TOML = f"postgresql://eti_kasaba:{SECRET}@db.moe.gov.jo:5432/eti"
IN_ENV = "postgresql://eti_marka:other-secret@10.0.0.5:6432/eti?sslmode=verify-full"


@pytest.mark.parametrize(("url", "shown"), [
    (IN_TOML, "postgresql://eti_kasaba:***@db.moe.gov.jo:5432/eti"),
    ("postgresql://eti@db/eti?password=x1&sslmode=require",
     "postgresql://eti@db/eti?password=***&sslmode=require"),
    ("host=db user=eti password='a b' dbname=eti", "host=db user=eti password=*** dbname=eti"),
    ("postgresql://eti@db/eti", "postgresql://eti@db/eti"),
    ("postgresql:///eti?service=ministry", "postgresql:///eti?service=ministry"),
])
def test_an_address_is_shown_without_its_password(url: str, shown: str) -> None:
    assert postgres.redacted(url) == shown
    assert postgres.has_password(url) == (url != shown)


def _department(tmp_path: Path) -> Path:
    dept = make_department(tmp_path / "d")
    with dept.config_path.open("a", encoding="utf-8") as f:
        f.write(f'\n[ledger]\nurl = "{IN_TOML}"\n')
    return dept.root


def test_config_shows_the_address_in_force_masked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _department(tmp_path)
    monkeypatch.delenv(postgres.LEDGER_URL_ENV, raising=False)
    said = CliRunner().invoke(main, ["config", "--root", str(root)])
    assert said.exit_code == 0, said.output
    assert SECRET not in said.output
    assert 'ledger.url = "postgresql://eti_kasaba:***@db.moe.gov.jo:5432/eti"    (eti.toml)' \
        in said.output
    monkeypatch.setenv(postgres.LEDGER_URL_ENV, IN_ENV)  # the environment wins: say so
    said = CliRunner().invoke(main, ["config", "--root", str(root), "--json"])
    assert said.exit_code == 0, said.output
    assert SECRET not in said.output and "other-secret" not in said.output
    [url] = [v for v in json.loads(said.output) if v["key"] == "ledger.url"]
    assert url["value"] == '"postgresql://eti_marka:***@10.0.0.5:6432/eti?sslmode=verify-full"'
    assert url["source"].startswith(postgres.LEDGER_URL_ENV)


def test_a_password_in_the_address_is_warned_about() -> None:
    warning = postgres.password_warning(IN_TOML)
    assert warning is not None
    ar, en = warning
    assert "pgpass" in ar and "~/.pgpass" in en and "PGPASSFILE" in en and SECRET not in en
    assert postgres.password_warning("postgresql://eti@db/eti") is None
    assert postgres.password_warning("") is None


def test_a_server_lost_mid_batch_is_said_as_such(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _department(tmp_path)
    monkeypatch.delenv(postgres.LEDGER_URL_ENV, raising=False)
    lost = pipeline.BatchResult(interrupted="OperationalError: consuming input failed: "
                                            "server closed the connection unexpectedly")
    monkeypatch.setattr(pipeline, "run_batch", lambda *a, **k: lost)
    said = CliRunner().invoke(main, ["process", "--root", str(root)])
    assert said.exit_code != 0
    assert "تعذر الاتصال بقاعدة البيانات المشتركة" in said.output
    assert "db.moe.gov.jo:5432/eti" in said.output and "server closed" in said.output
    assert "مشكلة في الجهاز" not in said.output and SECRET not in said.output
    assert "pg_hba.conf" in said.output  # what to check
    # the same interruption on the department's own SQLite file stays the machine's
    assert postgres.lost_during("OperationalError: disk I/O error", "") is None
