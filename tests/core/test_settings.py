"""Settings: one model, read from eti.toml, with errors that name the key."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from automation.cli.service import register
from automation.core.department import Department
from automation.core.errors import ConfigError
from automation.core.settings import Settings, default_toml, effective, load_settings


def _dept(tmp_path: Path, toml: str | None = None) -> Department:
    dept = Department.at(tmp_path)
    dept.ensure()
    if toml is not None:
        dept.config_path.write_text(toml, encoding="utf-8")
    return dept


def _cli() -> click.Group:
    @click.group()
    def eti() -> None:
        """test group"""

    register(eti)
    return eti


def test_defaults_without_a_file(tmp_path: Path) -> None:
    s = load_settings(_dept(tmp_path))
    assert s.department.quarter_start_month == 1
    assert s.schedule.working_days == ["sun", "mon", "tue", "wed", "thu"]
    assert s.schedule.weekday_numbers == {6, 0, 1, 2, 3}
    assert s.schedule.digest_time == dt.time(13, 0)
    assert s.schedule.quarterly_report_time == dt.time(8, 0)
    assert s.schedule.backup_time == dt.time(2, 0)
    assert s.schedule.register_refresh_time == dt.time(2, 30)
    assert (s.schedule.retention_day, s.schedule.backups_kept) == (1, 14)
    assert (s.intake.stability_seconds, s.intake.max_batch) == (5, 200)
    assert (s.watch.poll, s.watch.rescan_minutes) == (False, 5)
    assert s.logging.level == "INFO"
    assert all(v.source == "default" for v in effective(s))


def test_every_setting_is_described() -> None:
    values = effective(Settings())
    assert len(values) == 22  # [correspondence] number_format, [department] directorate and
    # directorate_code, [ledger] url, [collection] months_off, due_days and forms_off too
    assert all(v.description for v in values)


def test_valid_file(tmp_path: Path) -> None:
    dept = _dept(tmp_path, """
[department]
name = "قسم تكنولوجيا التعليم - لواء القصبة"
quarter_start_month = 9

[schedule]
digest_time = "14:15"
working_days = ["Sunday", "mon", "tue", "wed", "thu", "sat"]
backups_kept = 3

[watch]
poll = true

[logging]
level = "debug"
""")
    s = load_settings(dept)
    assert s.department.name.endswith("القصبة")
    assert s.department.quarter_start_month == 9
    assert s.schedule.digest_time == dt.time(14, 15)
    assert "sat" in s.schedule.working_days and "sun" in s.schedule.working_days
    assert s.schedule.backups_kept == 3
    assert s.watch.poll is True
    assert s.logging.level == "DEBUG"
    sources = {v.key: v.source for v in effective(s)}
    assert sources["schedule.digest_time"] == "eti.toml"
    assert sources["schedule.backup_time"] == "default"
    assert sources["intake.stability_seconds"] == "default"


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[schedule]\ndigest_time = "25:00"', "schedule.digest_time"),
        ('[schedule]\ndigest_time = "noon"', "schedule.digest_time"),
        ('[schedule]\nworking_days = ["sun", "someday"]', "schedule.working_days"),
        ("[schedule]\nretention_day = 31", "schedule.retention_day"),
        ("[intake]\nmax_batch = 0", "intake.max_batch"),
        ('[intake]\nstability_seconds = "soon"', "intake.stability_seconds"),
        ("[department]\nquarter_start_month = 13", "department.quarter_start_month"),
        ('[watch]\npoll = "maybe"', "watch.poll"),
        ("[watch]\nrescan_mins = 3", "watch.rescan_mins"),
    ],
)
def test_bad_value_names_the_key(tmp_path: Path, toml: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_dept(tmp_path, toml))
    assert key in caught.value.message_en
    assert key in caught.value.message_ar
    assert "الإعداد" in caught.value.message_ar or "إعداد" in caught.value.message_ar


def test_broken_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_dept(tmp_path, "[schedule\ndigest_time = 1"))
    assert "eti.toml" in caught.value.message_ar


def test_default_toml_is_all_comments_and_lists_every_key() -> None:
    text = default_toml()
    assert tomllib.loads(text) == {}
    for value in effective(Settings()):
        assert f"# {value.key.split('.')[1]} = " in text
    assert "stability_seconds = 5" in text
    # uncommenting every line gives the defaults back
    active = "\n".join(
        line[2:] for line in text.splitlines() if line.startswith("# ") and
        not line.startswith("# #") and not line.startswith("# ETI") and
        not line.startswith("# Every")
    )
    assert Settings(**tomllib.loads(active)) == Settings()


def test_eti_config_shows_values_and_sources(tmp_path: Path) -> None:
    _dept(tmp_path, '[schedule]\ndigest_time = "12:30"\n')
    result = CliRunner().invoke(_cli(), ["config", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert 'schedule.digest_time = "12:30"    (eti.toml)' in result.output
    assert 'schedule.backup_time = "02:00"    (default)' in result.output
    assert "intake.max_batch = 200    (default)" in result.output
    as_json = CliRunner().invoke(_cli(), ["config", "--root", str(tmp_path), "--json"])
    data = {d["key"]: d for d in json.loads(as_json.output)}
    assert data["schedule.digest_time"]["source"] == "eti.toml"


def test_eti_config_bad_value_is_a_clean_error(tmp_path: Path) -> None:
    _dept(tmp_path, '[schedule]\ndigest_time = "31:00"\n')
    result = CliRunner().invoke(_cli(), ["config", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "schedule.digest_time" in result.output
    assert "قيمة غير صحيحة للإعداد schedule.digest_time" in result.output
    assert "Traceback" not in result.output
