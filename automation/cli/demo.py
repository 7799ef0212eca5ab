"""``eti demo``: replay a whole year through a new demo department.

Wire it into the ``eti`` group with :func:`register`.
"""

from __future__ import annotations

from pathlib import Path

import click

from automation.cli.options import fail
from automation.core.errors import EtiError


@click.command("demo")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The demo department folder (default: a new demo-department/ here).",
)
@click.option("--schools", type=click.IntRange(3, 500), default=40, show_default=True,
              help="How many schools the directorate has.")
@click.option("--seed", type=int, default=7, show_default=True,
              help="The same seed always replays the same year.")
@click.option("--force", is_flag=True,
              help="Replace the folder if an earlier `eti demo` made it.")
@click.option("--per-day", is_flag=True,
              help="Handle the files a day at a time, as the service would (slower).")
def demo_command(root: Path | None, schools: int, seed: int, force: bool, per_day: bool) -> None:
    """Make a demo department and run a whole school year through it, end to end."""
    from automation.demo.run import DEFAULT_FOLDER, MARKER, format_summary, free_folder, run_demo

    if root is None:
        wanted = Path.cwd() / DEFAULT_FOLDER
        root = wanted if force and (wanted / MARKER).is_file() else free_folder(wanted)
        if root != wanted:
            click.echo(f"{wanted.name}/ موجود وليس فارغاً، فسيُنشأ العرض في {root.name}/")
            click.echo(f"{wanted.name}/ exists and is not empty: using {root.name}/ instead")
    try:
        summary = run_demo(root, schools=schools, seed=seed, force=force, per_day=per_day,
                           progress=click.echo)
    except EtiError as exc:
        raise fail(exc) from exc
    click.echo("")
    click.echo(format_summary(summary))


def register(group: click.Group) -> None:
    """Add ``eti demo`` to the ``eti`` command group."""
    group.add_command(demo_command)
