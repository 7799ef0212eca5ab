"""``eti demo``: replay a whole year through a new demo department.

Wire it into the ``eti`` group with :func:`register`.
"""

from __future__ import annotations

from pathlib import Path

import click

from automation.cli.options import echo_json, fail
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
@click.option("--json", "as_json", is_flag=True,
              help='Print what the year made as JSON: {"folder", "files", "outcomes", '
              '"documents": [{"kind", "path", "pdf"}]}.')
def demo_command(root: Path | None, schools: int, seed: int, force: bool, per_day: bool,
                 as_json: bool) -> None:
    """Make a demo department and run a whole school year through it, end to end."""
    from automation.demo.run import DEFAULT_FOLDER, MARKER, format_summary, free_folder, run_demo

    if root is None:
        wanted = Path.cwd() / DEFAULT_FOLDER
        root = wanted if force and (wanted / MARKER).is_file() else free_folder(wanted)
        if root != wanted and not as_json:
            click.echo(f"{wanted.name}/ موجود وليس فارغاً، فسيُنشأ العرض في {root.name}/")
            click.echo(f"{wanted.name}/ exists and is not empty: using {root.name}/ instead")
    progress = None if as_json else click.echo
    try:
        summary = run_demo(root, schools=schools, seed=seed, force=force, per_day=per_day,
                           progress=progress)
    except EtiError as exc:
        raise fail(exc) from exc
    if as_json:
        echo_json(_summary_json(summary))
        return
    click.echo("")
    click.echo(format_summary(summary))


def _summary_json(summary: object) -> dict[str, object]:
    """The demo year as ``--json`` prints it: every document the ledger records, each Word
    document with its PDF where one was made."""
    import datetime as dt

    from automation.cli.options import documents_json
    from automation.ledger.documents import written_between
    from automation.ledger.open import open_ledger

    dept = summary.dept  # type: ignore[attr-defined]
    with open_ledger(dept) as ledger:
        records = written_between(ledger.conn, dt.datetime(1, 1, 1), dt.datetime(9999, 1, 1))
    pdfs = {Path(r.path).with_suffix("").as_posix(): r.path for r in records
            if r.kind.endswith("-pdf")}
    made = [(r.kind, dept.root / r.path,
             dept.root / pdfs[stem] if (stem := Path(r.path).with_suffix("").as_posix()) in pdfs
             else None)
            for r in records if not r.kind.endswith("-pdf")]
    return documents_json(dept, made, folder=str(dept.root),
                          files=summary.files,  # type: ignore[attr-defined]
                          outcomes=dict(summary.outcomes))  # type: ignore[attr-defined]


def register(group: click.Group) -> None:
    """Add ``eti demo`` to the ``eti`` command group."""
    group.add_command(demo_command)
