"""The ``eti`` command: thin commands over the library.

Each command parses its options, calls one library function, prints the
result and maps the product's errors to a clean exit with both messages.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import MutableMapping
from pathlib import Path

import click

from automation.cli.options import (
    DOCUMENTS_JSON_HELP,
    NEW_ROOT,
    ROOT,
    echo_json,
    fail,
)
from automation.core.clock import SystemClock
from automation.core.department import Department
from automation.core.errors import EtiError


def echo_utf8() -> None:
    """Windows consoles default to a legacy code page: print Arabic as UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass


LAZY_COMMANDS: dict[str, str] = {
    "watch": "service", "jobs": "service", "retention": "service", "config": "service",
    "status": "service", "service": "service",
    "figures": "figures",
    "templates": "documents", "decision": "documents", "report": "documents",
    "digest": "documents",
    "ledger": "ledger",
    "demo": "demo",
    "outgoing": "correspondence", "letter": "correspondence",
    "missing": "collection",
}
"""Each command of the modules of :mod:`automation.cli` that add theirs with ``register``:
a module is imported only when one of its commands runs (``eti report quarterly`` never
loads the watch service's), or when help lists them all."""


class LazyGroup(click.Group):
    """A click group whose commands in ``lazy`` (name → module of :mod:`automation.cli`)
    are added by their module's ``register`` the first time one of them is needed.

    ``commands`` still holds every command for whoever reads it (tests, help)."""

    def __init__(self, *args: object, lazy: dict[str, str] | None = None,
                 **kwargs: object) -> None:
        self._lazy = dict(lazy or {})
        self._adding = 0
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    @property  # type: ignore[override]
    def commands(self) -> MutableMapping[str, click.Command]:
        if not self._adding:
            self._load(*self._lazy.values())
        return self._commands

    @commands.setter
    def commands(self, value: MutableMapping[str, click.Command]) -> None:
        self._commands = value

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        self._adding += 1
        try:
            super().add_command(cmd, name)
        finally:
            self._adding -= 1

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self._commands, *self._lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._lazy:
            self._load(self._lazy[cmd_name])
        return self._commands.get(cmd_name)

    def _load(self, *modules: str) -> None:
        for module in sorted(set(modules)):
            self._lazy = {n: m for n, m in self._lazy.items() if m != module}
            importlib.import_module(f"automation.cli.{module}").register(self)

    def invoke(self, ctx: click.Context) -> object:
        """Whatever a command meets (the product's errors, a damaged ledger, a folder
        that cannot be written) ends in a clean message, never a traceback."""
        import sqlite3

        try:
            return super().invoke(ctx)
        except EtiError as exc:
            raise fail(exc) from exc
        except sqlite3.Error as exc:
            from automation.core.errors import disk_full
            from automation.ledger.guard import unusable

            raise fail(disk_full(exc) or unusable(None, exc)) from exc
        except OSError as exc:
            from automation.core.errors import disk_full

            if (full := disk_full(exc)) is not None:
                raise fail(full) from exc
            if exc.filename is None:
                raise
            from automation.core.errors import os_error_ar

            raise click.ClickException(
                f"تعذر استعمال {exc.filename}: {os_error_ar(exc)}.\n"
                f"cannot use {exc.filename}: {exc.strerror}") from exc


@click.group(cls=LazyGroup, lazy=LAZY_COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="eti-automation")
def main() -> None:
    """ETI automation: QP-70-2 forms, intake, registers and documents."""
    echo_utf8()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@main.command()
@NEW_ROOT
@click.option("--force-forms", is_flag=True,
              help="Write every blank form again (the reference lists and eti.toml are kept).")
def init(root: Path, force_forms: bool) -> None:
    """Create a department folder: blank forms, reference lists, eti.toml, inbox/, outbox/."""
    from automation.catalog.department_init import init_department

    try:
        result = init_department(root, force_forms=force_forms)
    except EtiError as exc:
        raise fail(exc) from exc
    click.echo(
        f"{result.root}: {len(result.created)} created, {len(result.regenerated)} regenerated, "
        f"{len(result.kept)} kept"
    )
    click.echo(f"  blank forms:      {Department.at(root).forms}")
    click.echo(f"  reference lists:  {Department.at(root).reference}")


@main.group()
def forms() -> None:
    """Blank QF workbooks."""


@forms.command("issue")
@ROOT
@click.option("--school", required=True,
              help="The school: its name or national number, as in schools.xlsx.")
@click.option("--form", "codes", multiple=True,
              help="A form's code, e.g. QF75-11 (give --form again for more); "
              "default: every form a school fills.")
@click.option("--json", "as_json", is_flag=True, help=DOCUMENTS_JSON_HELP)
def forms_issue(root: Path, school: str, codes: tuple[str, ...], as_json: bool) -> None:
    """Write per-school copies into outbox/forms/<school>/ with the school filled in."""
    from automation.catalog.issue_forms import issue_forms
    from automation.cli.options import documents_json

    dept = Department.at(root)
    try:
        paths = issue_forms(dept, school, list(codes) or None)
    except EtiError as exc:
        raise fail(exc) from exc
    except KeyError as exc:
        raise click.ClickException(f"نموذج غير معروف / unknown form: {exc}") from exc
    if as_json:
        echo_json(documents_json(dept, (("form", path, None) for path in paths)))
        return
    for path in paths:
        click.echo(str(path))
    click.echo(f"{len(paths)} workbooks written")


OUTCOME_AR = {
    "accepted": "مقبول",
    "rejected": "مرفوض",
    "duplicate": "مكرر",
    "superseded": "مقبول (يحل محل نسخة سابقة)",
}


def _files_json(dept: Department, batch: object) -> list[dict[str, object]]:
    """``eti process --json``: each file's entry with the documents made for it (the
    documents of its submission that the batch wrote)."""
    from automation.cli.options import document_json

    made = getattr(batch, "documents_for", None) or {}
    entries = []
    for result in batch.files:  # type: ignore[attr-defined]
        entry = result.to_json()
        entry["documents"] = [document_json(dept, kind, path)
                              for kind, path in made.get(result.submission_id, ())]
        entries.append(entry)
    return entries


def _file_line(result: object) -> str:
    r = result
    shown = r.outcome in ("rejected", "not-a-file") and r.problems  # type: ignore[attr-defined]
    first = f" — {r.problems[0].message}" if shown else ""  # type: ignore[attr-defined]
    return (
        f"{r.outcome:<10} {r.form or '?':<16} {r.rows:>4} rows  {r.file}{first}"  # type: ignore[attr-defined]
    )


@main.command()
@ROOT
@click.option("--json", "as_json", is_flag=True,
              help='Print a JSON list, one entry per file: its outcome, problems and the '
              'documents made for it ({"kind", "path", "pdf"}).')
def process(root: Path, as_json: bool) -> None:
    """Handle every workbook waiting in inbox/ once, then exit."""
    from automation.intake.inbox import waiting_files
    from automation.intake.pipeline import run_batch

    dept = Department.at(root)
    total = len(waiting_files(dept))
    bar = None
    if not as_json and total > 20 and sys.stderr.isatty():
        bar = click.progressbar(length=total, label="intake", file=sys.stderr)
        bar.__enter__()

    def progress(result: object) -> None:
        if bar is not None:
            bar.update(1)
        elif not as_json:
            click.echo(_file_line(result))

    try:
        batch = run_batch(dept, clock=SystemClock(), progress=progress)
    except EtiError as exc:
        raise fail(exc) from exc
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if as_json:
        echo_json(_files_json(dept, batch))
    else:
        counts = batch.count()
        click.echo(
            f"{len(batch.files)} files: "
            + ", ".join(f"{counts.get(k, 0)} {k}" for k in OUTCOME_AR)
        )
        for outcome in batch.registers:
            click.echo(f"register {outcome.process}: {outcome.status}  {outcome.path}")
        for path in batch.documents:
            click.echo(f"document: {path}")
    if batch.interrupted:
        from automation.core.errors import DISK_FULL_AR, DISK_FULL_EN, is_disk_full

        if is_disk_full(batch.interrupted):
            raise click.ClickException(
                f"توقفت المعالجة وستُستكمل في التشغيل التالي: {DISK_FULL_AR}\n"
                f"batch interrupted, will resume on the next run: {DISK_FULL_EN} "
                f"({batch.interrupted})")
        from automation.core.settings import load_settings
        from automation.ledger.open import ledger_address
        from automation.ledger.postgres import lost_during

        lost = lost_during(batch.interrupted, ledger_address(load_settings(dept)))
        if lost:  # the shared database went away: say so, never «a problem of the PC»
            raise click.ClickException(f"{lost[0]}\n{lost[1]}")
        raise click.ClickException(
            f"توقفت المعالجة بسبب مشكلة في الجهاز وستُستكمل في التشغيل التالي.\n"
            f"batch interrupted, will resume on the next run: {batch.interrupted}"
        )
    if batch.held:  # the files were handled; what a folder's state held back waits
        raise click.ClickException("\n".join(_held(h) for h in batch.held))


def _held(held: object) -> str:
    """What a folder's state held back (registers, documents), in both languages; a full
    disk says so and what to free."""
    from automation.core.errors import DISK_FULL_AR, DISK_FULL_EN, is_disk_full

    if is_disk_full(getattr(held, "error", "")):
        return (f"سُجّلت الملفات الواردة، وستُكتب السجلات والمستندات المتأخرة بعد إفراغ المساحة. "
                f"{DISK_FULL_AR}\n{held.message_en}; {DISK_FULL_EN}")  # type: ignore[attr-defined]
    return f"{held.message_ar}\n{held.message_en}"  # type: ignore[attr-defined]

