"""A wrong value in eti.toml is quoted back whole, and the Arabic message stays Arabic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from automation.core.department import Department
from automation.core.errors import ConfigError
from automation.core.settings import load_settings

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _error(tmp_path: Path, toml: str) -> ConfigError:
    dept = Department.at(tmp_path)
    dept.ensure()
    dept.config_path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(dept)
    return caught.value


def _latin_outside(text: str, allowed: tuple[str, ...]) -> list[str]:
    for part in allowed:
        text = text.replace(part, "")
    return LATIN_WORD.findall(text)


@pytest.mark.parametrize(("toml", "key", "whole", "allowed"), [
    ('[schedule]\nworking_days = ["الأحد", "الأحدث"]', "schedule.working_days",
     '["الأحد", "الأحدث"]', ("mon", "tue", "wed", "thu", "fri", "sat", "sun")),
    ('[schedule]\ndigest_time = "الواحدة ظهراً"', "schedule.digest_time", '"الواحدة ظهراً"', ()),
    ("[department]\nquarter_start_month = 13", "department.quarter_start_month", "13", ()),
    ('[intake]\nstability_seconds = "خمس ثوان"', "intake.stability_seconds", '"خمس ثوان"', ()),
    ('[watch]\npoll = "نعم"', "watch.poll", '"نعم"', ("true", "false")),
    ('[logging]\nlevel = "كثير"', "logging.level", '"كثير"',
     ("DEBUG", "INFO", "WARNING", "ERROR")),
    ('[correspondence]\nnumber_format = "رقم {year}"', "correspondence.number_format",
     '"رقم {year}"', ("sequence", "year", "prefix")),
    ('[ledger]\nurl = "mysql://db"', "ledger.url", '"mysql://db"',
     ("postgresql", "user", "host", "eti", "mysql", "db")),
])
def test_the_whole_value_is_quoted_and_the_arabic_stays_arabic(
        tmp_path: Path, toml: str, key: str, whole: str, allowed: tuple[str, ...]) -> None:
    error = _error(tmp_path, toml)
    assert f"{key} في ملف eti.toml: {whole}" in error.message_ar
    assert f"{key} in eti.toml: {whole}" in error.message_en
    assert _latin_outside(error.message_ar, (key, "eti.toml", *allowed)) == [], error.message_ar


def test_a_working_day_is_named_in_english_or_arabic(tmp_path: Path) -> None:
    dept = Department.at(tmp_path)
    dept.ensure()
    dept.config_path.write_text('[schedule]\nworking_days = ["الأحد", "Monday", "الخميس", '
                                '"tue"]\n', encoding="utf-8")
    assert load_settings(dept).schedule.working_days == ["sun", "mon", "thu", "tue"]


def test_the_item_at_fault_is_named_whole(tmp_path: Path) -> None:
    error = _error(tmp_path, '[schedule]\nworking_days = ["sun", "الأحدث"]')
    assert '(في العنصر "الأحدث")' in error.message_ar
    assert "'الأ'" not in error.message_ar + error.message_en


def test_a_broken_file_is_placed_in_arabic(tmp_path: Path) -> None:
    error = _error(tmp_path, '[schedule]\ndigest_time = "13:00\n')
    assert "في السطر 2" in error.message_ar
    assert _latin_outside(error.message_ar, ("eti.toml",)) == [], error.message_ar
    assert "line 2" in error.message_en


def test_a_file_not_in_utf8_says_so(tmp_path: Path) -> None:
    dept = Department.at(tmp_path)
    dept.ensure()
    dept.config_path.write_bytes('[department]\nname = "قسم"\n'.encode("cp1256"))
    with pytest.raises(ConfigError) as caught:
        load_settings(dept)
    assert "UTF-8" in caught.value.message_ar
    assert _latin_outside(caught.value.message_ar, ("eti.toml", "UTF")) == []


def test_a_misspelt_setting_is_named_with_the_one_meant(tmp_path: Path) -> None:
    error = _error(tmp_path, '[schedule]\ndigest_tme = "13:00"\n')
    assert "schedule.digest_tme" in error.message_ar and "schedule.digest_time" in error.message_ar
    assert "did you mean schedule.digest_time?" in error.message_en
    other = _error(tmp_path / "b", '[schedule]\ncolour = "blue"\n')
    assert "هل تقصد" not in other.message_ar and "احذف السطر" in other.message_ar
