"""``eti ledger check|backup|restore``: the ledger file itself, thin over
:mod:`automation.ledger` (check, backup).

Wire them into the ``eti`` group with :func:`register`.
"""

from __future__ import annotations

from pathlib import Path

import click

from automation.cli.options import ROOT, fail
from automation.cli.service import JSON, _clock, _department, _dump
from automation.core.errors import EtiError, LedgerError
from automation.ledger.check import LedgerCheck, check_ledger


@click.group("ledger")
def ledger_group() -> None:
    """The ledger (data/ledger.sqlite): check it, back it up, restore a backup."""


@ledger_group.command("check")
@ROOT
@JSON
def check_command(root: Path, as_json: bool) -> None:
    """Integrity, and the ledger's submissions against the files filed away (exit 1 if not ok)."""
    try:
        result = check_ledger(_department(root))
    except EtiError as exc:
        raise fail(exc) from exc
    if as_json:
        _dump(result.to_json())
    else:
        _print_check(result)
    if not result.ok:
        raise SystemExit(1)


def _print_check(r: LedgerCheck) -> None:
    click.echo(f"قاعدة البيانات / ledger: {r.path}: {r.state}")
    if r.message_ar:
        click.echo(r.message_ar)
        click.echo(r.message_en)
        return
    if r.state == "new":
        click.echo("لا توجد قاعدة بيانات بعد، ولم يُعالَج أي ملف / no ledger yet, no file handled")
        return
    subs = r.submissions
    click.echo(f"السلامة / integrity: {r.integrity}")
    click.echo(f"النماذج الواردة / submissions: {sum(subs.values())} "
               f"({', '.join(f'{n} {k}' for k, n in subs.items()) or '—'})")
    click.echo(f"الصفوف / rows: {r.rows} ({r.live_rows} live)")
    files, recorded = r.files, r.recorded
    for kind in ("processed", "rejected"):
        click.echo(f"inbox/{kind}/: {files.get(kind, 0)} files, "
                   f"{recorded.get(kind, 0)} recorded in the ledger")
    if recorded.get("archive"):
        click.echo(f"data/archive/: {recorded['archive']} recorded")
    if r.claimed:
        click.echo(f"قيد المعالجة / still claimed: {r.claimed}")
    for title, paths in (("ملفات لا تسجلها قاعدة البيانات / files the ledger does not record",
                          r.unrecorded),
                         ("ملفات سجلتها قاعدة البيانات وهي مفقودة / recorded files missing",
                          r.missing)):
        if paths:
            click.echo(f"{title}: {len(paths)}")
            for path in paths[:20]:
                click.echo(f"  {path}")
            if len(paths) > 20:
                click.echo(f"  … +{len(paths) - 20}")
    click.echo(f"آخر نسخة احتياطية / latest backup: {r.latest_backup or '—'}")


@ledger_group.command("backup")
@ROOT
@JSON
def backup_command(root: Path, as_json: bool) -> None:
    """Back the ledger up now into data/backups/ (checked; the newest N kept)."""
    from automation.core.settings import load_settings
    from automation.ledger.backup import backup_ledger
    from automation.ledger.store import Ledger

    try:
        dept = _department(root)
        settings = load_settings(dept)
        with Ledger(dept.ledger_path) as ledger:
            path = backup_ledger(ledger, dept.backups, when=_clock().now(),
                                 keep=settings.schedule.backups_kept)
    except EtiError as exc:
        raise fail(exc) from exc
    rel = path.relative_to(dept.root).as_posix()
    if as_json:
        _dump({"backup": rel, "bytes": path.stat().st_size})
        return
    click.echo(rel)


@ledger_group.command("restore")
@ROOT
@click.option("--from", "source", type=click.Path(dir_okay=False, path_type=Path),
              help="The ledger copy to restore (a backup, or any copy).")
@click.option("--latest", is_flag=True, help="The newest backup in data/backups/.")
@JSON
def restore_command(root: Path, source: Path | None, latest: bool, as_json: bool) -> None:
    """Put a backup in place of the ledger; the current ledger is kept in data/replaced/."""
    from automation.ledger.backup import latest_backup, restore_ledger
    from automation.service.status import read_state, watcher_alive

    if bool(source) == latest:
        raise click.UsageError("give either --from FILE or --latest")
    try:
        dept = _department(root)
        now = _clock().now()
        if watcher_alive(read_state(dept), now):
            raise LedgerError(
                "the watcher is running: stop it (Ctrl+C in its window) before a restore",
                "خدمة المراقبة تعمل؛ أوقفها (Ctrl+C في نافذتها) قبل استعادة قاعدة البيانات.",
            )
        if latest:
            source = latest_backup(dept)
            if source is None:
                raise LedgerError("there is no backup in data/backups/",
                                  "لا توجد نسخة احتياطية في data/backups.")
        assert source is not None
        restored = restore_ledger(dept, source, when=now)
    except EtiError as exc:
        raise fail(exc) from exc
    after = check_ledger(dept)
    if as_json:
        _dump(restored.to_json() | {"check": after.to_json()})
        return
    click.echo(f"استُعيدت قاعدة البيانات من / restored from: {source}")
    click.echo(f"  {restored.copy.submissions} submissions, {restored.copy.rows} rows, "
               f"last received {restored.copy.last_received or '—'}")
    for path in restored.kept_aside:
        click.echo(f"  حُفظت النسخة السابقة في / the replaced file kept as: {path}")
    if after.unrecorded:
        click.echo(f"  {len(after.unrecorded)} ملفاً في inbox/processed أو rejected بعد هذه النسخة "
                   f"/ {len(after.unrecorded)} filed files are newer than this copy "
                   "(`eti ledger check` lists them)")


COMMANDS: tuple[click.Command, ...] = (ledger_group,)


def register(group: click.Group) -> None:
    """Add the ledger commands to the ``eti`` group."""
    for command in COMMANDS:
        group.add_command(command)
