"""A folder that is not a department (no eti.toml or no inbox/) is refused by every command
that reads a department, with the same message, and nothing is created in it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from automation.cli.main import main
from automation.cli.options import _department_folder
from automation.core.department import not_a_department, require_department
from automation.core.errors import DepartmentError

from .test_cli import ALL
from .test_cli_vocabulary import command_at

MAKES_OR_OUTLIVES_A_DEPARTMENT = {("init",), ("demo",), ("service", "uninstall")}


def _root(path: tuple[str, ...]) -> object:
    return next((p for p in command_at(path).params if p.name == "root"), None)


READING = [p for p in ALL if p not in MAKES_OR_OUTLIVES_A_DEPARTMENT and _root(p) is not None]
"""Every command given a department folder (``--root``); those without one (``eti ledger
grant``: a database's logins) read no department."""


def test_every_command_that_reads_a_department_checks_its_folder() -> None:
    assert len(READING) >= 30
    for path in READING:
        assert getattr(_root(path), "callback", None) is _department_folder, path


def _folder(tmp_path: Path, state: str) -> Path:
    folder = tmp_path / "مجلد آخر"
    if state == "missing":
        return folder
    folder.mkdir()
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    if state == "toml only":
        (folder / "eti.toml").write_text("", encoding="utf-8")
    if state == "inbox only":
        (folder / "inbox").mkdir()
    return folder


def _listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) \
        if folder.exists() else []


@pytest.mark.parametrize("state", ["missing", "empty", "toml only", "inbox only"])
@pytest.mark.parametrize("path", READING, ids=" ".join)
def test_refused_with_one_message_and_nothing_created(tmp_path: Path, path: tuple[str, ...],
                                                      state: str) -> None:
    folder = _folder(tmp_path, state)
    before = _listing(folder)
    result = CliRunner().invoke(main, [*path, "--root", str(folder)])
    problem = not_a_department(folder)
    assert problem is not None
    assert result.exit_code == 1, result.output
    assert result.output == f"Error: {problem.message_ar}\n{problem.message_en}\n"
    assert "شغّل eti init" in result.output and "eti init" in problem.message_en
    assert _listing(folder) == before
    assert not (folder / "data").exists()


def test_what_is_missing_is_named(tmp_path: Path) -> None:
    only_toml = _folder(tmp_path, "toml only")
    problem = not_a_department(only_toml)
    assert problem is not None
    assert "inbox/" in problem.message_ar and "eti.toml" not in problem.message_en.split("(")[1]
    (only_toml / "inbox").mkdir()
    assert not_a_department(only_toml) is None
    assert require_department(only_toml).root == only_toml.resolve()
    with pytest.raises(DepartmentError):
        require_department(tmp_path / "nowhere")


def test_a_department_is_accepted(tmp_path: Path) -> None:
    from tests.department_factory import make_department

    dept = make_department(tmp_path / "قسم")
    result = CliRunner().invoke(main, ["figures", "--root", str(dept.root), "--period",
                                       "2026-01-01..2026-03-31", "--json"])
    assert result.exit_code == 0, result.output
