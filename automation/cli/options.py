"""What every ``eti`` command shares: the department option, the period option, option
names, error mapping and printing.

One meaning per option name across commands: ``--from``/``--to`` are the two ends of a
range of days wherever they appear (a file is ``--file``, a database ``--url``, an
addressee ``--addressee``; the older spellings still work, unlisted, through
:func:`option`'s ``aliases``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from automation.core.errors import EtiError

if TYPE_CHECKING:
    from automation.core.department import Department
    from automation.core.periods import Calendar, Period


def fail(exc: EtiError) -> click.ClickException:
    """A product error as a clean exit: Arabic for staff, English for the log (one that
    a full disk caused says so, and what to free)."""
    from automation.core.errors import disk_full

    if exc.code != "disk-full":
        exc = disk_full(exc) or exc
    return click.ClickException(f"{exc.message_ar}\n{exc.message_en}")


def _department_folder(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """``--root`` of a command that reads a department: refused, before anything is read
    or created there, when the folder is not a department (the one check,
    :func:`automation.core.department.not_a_department`)."""
    if ctx.resilient_parsing:
        return value
    from automation.core.department import not_a_department

    problem = not_a_department(Path(value))
    if problem is not None:
        raise fail(problem)
    return value


ROOT_HELP = "The department folder (the one `eti init` made)."

def _root_option(help_text: str, callback: Any = None) -> Any:
    """A ``--root`` option: the department folder, the current one unless given."""
    return click.option("--root", type=click.Path(file_okay=False, path_type=Path),
                        default=Path("."), show_default=True, callback=callback,
                        help=help_text)


ROOT = _root_option(ROOT_HELP, _department_folder)
"""``--root`` of every command that reads a department: it must be one."""

NEW_ROOT = _root_option("The department folder (made if it does not exist).")
"""``--root`` of ``eti init``, the one command that makes a department."""

ANY_ROOT = _root_option("The department folder (it may be gone already).")
"""``--root`` of a command that must work on a folder that is no department any more
(``eti service uninstall``)."""


class AliasOption(click.Option):
    """An option whose older names still parse but are not listed in help."""

    def __init__(self, *args: Any, aliases: Iterable[str] = (), **kwargs: Any) -> None:
        self.aliases = tuple(aliases)
        decls = list(args[0]) if args else list(kwargs.pop("param_decls", []))
        super().__init__([*decls, *self.aliases], *args[1:], **kwargs)

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        shown, self.opts = self.opts, [o for o in self.opts if o not in self.aliases]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = shown


def option(*decls: str, aliases: Iterable[str] = (), **kwargs: Any) -> Callable[[T], T]:
    """``click.option`` whose ``aliases`` (older names) parse but are not listed in help."""
    return click.option(*decls, cls=AliasOption, aliases=aliases, **kwargs)  # type: ignore[return-value]


class DayType(click.ParamType):
    """A day as staff write it, ``2026-03-31`` or ``31/03/2026`` (help shows ``DATE``, never
    a strftime pattern); the value is a :class:`datetime.date`."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        import datetime as dt

        from automation.core.periods import parse_day

        if isinstance(value, dt.date):
            return value
        try:
            return parse_day(str(value))
        except ValueError as exc:
            self.fail(f"اكتب التاريخ هكذا: 2026-03-31 أو 31/03/2026.\n{exc}", param, ctx)


DAY = DayType()
"""Every date option's type (``--date``, ``--from``, ``--to``)."""

PERIOD_HELP = ("The period: a quarter (2026-Q1), a year (2026), a school year (2025/2026), "
               "a month (2026-11) or a range of days (2026-01-01..2026-03-31).")


def period_option(*, required: bool = False, help: str = PERIOD_HELP) -> Callable[[T], T]:
    """``--period`` as every command that takes a period spells it (the value is text:
    :func:`read_period` reads it with the department's calendar)."""
    return click.option("--period", "period_text", required=required, metavar="PERIOD",
                        help=help)


def read_period(text: str, calendar: Calendar) -> Period:
    """``--period``'s text as a period; a wrong spelling is a usage error in both
    languages, naming the spellings accepted."""
    from automation.core.periods import PERIOD_FORMS_AR, parse_period

    try:
        return parse_period(text, calendar)
    except ValueError as exc:
        raise click.BadParameter(f"اكتب الفترة {PERIOD_FORMS_AR}.\n{exc}",
                                 param_hint="--period") from exc


def calendar_of(dept: Department) -> Calendar:
    """The department's quarters and school years (``eti.toml``)."""
    from automation.core.settings import load_settings

    with clean_exit():
        return load_settings(dept).department.calendar


@contextmanager
def clean_exit() -> Iterator[None]:
    """Inside, a product error ends the command cleanly (:func:`fail`)."""
    try:
        yield
    except EtiError as exc:
        raise fail(exc) from exc


def echo_json(data: object) -> None:
    """Print ``data`` as indented JSON, Arabic as it is."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


DOCUMENTS_JSON_HELP = ('Print what was written as JSON: {"documents": [{"kind", "path", '
                       '"pdf"}]}.')


def document_json(dept: Department, kind: str, path: Path | None,
                  pdf: Path | None = None) -> dict[str, object]:
    """One document as ``--json`` lists it: its kind, its path in the department folder
    and its PDF's (None when none was made)."""
    from automation.documents.outbox import relative

    return {"kind": kind, "path": relative(dept, path) if path else None,
            "pdf": relative(dept, pdf) if pdf else None}


def documents_json(dept: Department, made: Iterable[tuple[str, Path, Path | None]],
                   **more: object) -> dict[str, object]:
    """``{"documents": [...], **more}``: what a command that writes documents prints with
    ``--json`` (``more``: the figures it printed, a letter's number …)."""
    return {"documents": [document_json(dept, kind, path, pdf) for kind, path, pdf in made],
            **more}


T = TypeVar("T")


def echo_list(
    items: Sequence[T],
    as_json: bool,
    *,
    line: Callable[[T], str],
    empty: str,
    data: Callable[[T], object] | None = None,
) -> None:
    """A listing: JSON (each item, or its ``data``), or a ``line`` an item (``empty`` when
    there is none)."""
    if as_json:
        echo_json([data(item) if data else item for item in items])
        return
    if not items:
        click.echo(empty)
    for item in items:
        click.echo(line(item))
