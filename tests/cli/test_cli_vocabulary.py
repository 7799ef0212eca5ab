"""One CLI vocabulary: every option of every command has help in plain words, one meaning
per option name across commands, ``--period`` wherever a period is taken, and the older
option names still parse."""

from __future__ import annotations

import re

import click
import pytest

from automation.cli.main import main
from automation.cli.options import AliasOption, DayType

from .test_cli import ALL


def command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return command


def options(path: tuple[str, ...]) -> list[click.Option]:
    return [p for p in command_at(path).params if isinstance(p, click.Option)]


STRFTIME = re.compile(r"%[A-Za-z]|yyyy|dd/mm|mm/dd|HH:MM", re.I)


@pytest.mark.parametrize("path", ALL, ids=" ".join)
def test_every_option_has_help_in_plain_words(path: tuple[str, ...]) -> None:
    for option in options(path):
        if option.hidden:
            continue
        assert option.help and len(option.help.split()) >= 2, (path, option.opts)
        assert not STRFTIME.search(option.help), (path, option.opts, option.help)


def test_help_shows_no_strftime_pattern_anywhere() -> None:
    from click.testing import CliRunner

    for path in ALL:
        out = CliRunner().invoke(main, [*path, "--help"]).output
        assert not re.search(r"%[YmdHMS]", out), (path, out)


def _names() -> dict[str, list[tuple[tuple[str, ...], click.Option]]]:
    seen: dict[str, list[tuple[tuple[str, ...], click.Option]]] = {}
    for path in ALL:
        for option in options(path):
            shown = [o for o in option.opts if o not in getattr(option, "aliases", ())]
            for name in shown:
                seen.setdefault(name, []).append((path, option))
    return seen


def _is_date(option: click.Option) -> bool:
    return isinstance(option.type, click.DateTime | DayType)


def test_from_and_to_are_the_ends_of_a_range_of_days_wherever_they_appear() -> None:
    for name in ("--from", "--to"):
        for path, option in _names().get(name, []):
            assert _is_date(option), (name, path)


def test_an_option_name_has_one_kind_of_value_across_commands() -> None:
    """The same name never takes a date in one command and a file or a URL in another."""
    for name, uses in _names().items():
        kinds = {
            "flag" if option.is_flag else
            "date" if _is_date(option) else
            "path" if isinstance(option.type, click.Path) else
            "choice" if isinstance(option.type, click.Choice) else "value"
            for _, option in uses
        }
        if name == "--root":
            continue
        assert len(kinds - {"value"}) <= 1 and not ({"date", "path"} <= kinds), (name, uses)


@pytest.mark.parametrize(("path", "alias", "new", "dest"), [
    (("ledger", "restore"), "--from", "--file", "source"),
    (("ledger", "copy"), "--to", "--url", "target"),
    (("letter", "free"), "--to", "--addressee", "to"),
])
def test_older_option_names_still_parse_unlisted(path: tuple[str, ...], alias: str, new: str,
                                                 dest: str) -> None:
    command = command_at(path)
    option = next(p for p in command.params if p.name == dest)
    assert isinstance(option, AliasOption) and alias in option.opts
    for name in (alias, new):
        ctx = command.make_context(path[-1], [name, "x"], resilient_parsing=True)
        assert str(ctx.params[dest]) == "x"
    from click.testing import CliRunner

    out = CliRunner().invoke(main, [*path, "--help"]).output
    assert new in out and f"{alias} " not in out


@pytest.mark.parametrize("path", [("figures",), ("report", "staff")], ids=" ".join)
def test_commands_outside_the_documents_module_take_period(path: tuple[str, ...]) -> None:
    assert any("--period" in option.opts for option in options(path))


def test_a_date_option_reads_both_spellings_and_shows_no_pattern() -> None:
    import datetime as dt

    from automation.cli.options import DAY

    @click.command()
    @click.option("--date", "day", type=DAY, help="The day of the thing.")
    def show(day: dt.date) -> None:
        click.echo(day.isoformat())

    from click.testing import CliRunner

    for text in ("2026-03-31", "31/03/2026"):
        assert CliRunner().invoke(show, ["--date", text]).output == "2026-03-31\n"
    wrong = CliRunner().invoke(show, ["--date", "31/02/2026"])
    assert wrong.exit_code == 2 and "اكتب التاريخ" in wrong.output
    assert "DATE" in CliRunner().invoke(show, ["--help"]).output
    assert "%" not in CliRunner().invoke(show, ["--help"]).output
