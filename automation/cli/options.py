"""What every ``eti`` command shares: the department option, error mapping and printing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import click

from automation.core.errors import EtiError

ROOT = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The department folder.",
)


def fail(exc: EtiError) -> click.ClickException:
    """A product error as a clean exit: Arabic for staff, English for the log."""
    return click.ClickException(f"{exc.message_ar}\n{exc.message_en}")


@contextmanager
def clean_exit() -> Iterator[None]:
    """Inside, a product error ends the command cleanly (:func:`fail`)."""
    try:
        yield
    except EtiError as exc:
        raise fail(exc) from exc


def echo_json(data: object) -> None:
    """Print ``data`` as indented JSON, Arabic as it is."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


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
