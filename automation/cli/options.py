"""What every ``eti`` command shares: the department option and error mapping."""

from __future__ import annotations

from pathlib import Path

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
