"""Docs that cannot drift: every command has help and is in the README."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from automation.cli.main import main

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if isinstance(command, click.Group):
            found += commands(command, path)
        else:
            found.append(path)
    return found


ALL = commands(main)


def test_there_are_commands() -> None:
    assert {("demo",), ("process",), ("watch",), ("init",)} <= set(ALL)


@pytest.mark.parametrize("path", ALL, ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    command = main
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    assert command.help, path


@pytest.mark.parametrize("path", ALL, ids=" ".join)
def test_every_command_is_in_the_readme(path: tuple[str, ...]) -> None:
    *parents, name = path
    line = next((ln for ln in README.splitlines() if f"`eti {' '.join(parents)}".strip()
                 in ln and name in ln), None)
    assert line is not None, f"eti {' '.join(path)} is not in README.md"


def test_python_dash_m_is_eti() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "automation", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert "process" in out and "demo" in out
