"""``eti ledger check|backup|restore|migrate|copy``: the ledger itself, thin over
:mod:`automation.ledger` (check, backup, schema, copy).

Wire them into the ``eti`` group with :func:`register`.
"""

from __future__ import annotations

from pathlib import Path

import click

from automation.cli.options import ROOT, fail
from automation.cli.service import JSON, _clock, _department, _dump
from automation.core.errors import EtiError, LedgerError
from automation.ledger.check import LedgerCheck, check_ledger
from automation.ledger.open import open_ledger


@click.group("ledger")
def ledger_group() -> None:
    """The ledger (data/ledger.sqlite, or the PostgreSQL database [ledger] url names):
    check it, back it up, restore a backup, migrate it, copy it into PostgreSQL."""


@ledger_group.command("migrate")
@ROOT
@JSON
def migrate_command(root: Path, as_json: bool) -> None:
    """Bring the ledger's schema up to date (the same named migrations on both backends)."""
    from automation.ledger import schema
    from automation.ledger.postgres import redacted

    try:
        dept = _department(root)
        with open_ledger(dept) as ledger:
            applied = ledger.applied_on_open
            names = ledger.migrations()
            where = redacted(ledger.url) if ledger.url else str(ledger.path)
    except EtiError as exc:
        raise fail(exc) from exc
    latest = schema.MIGRATIONS[-1][0]
    if as_json:
        _dump({"ledger": where, "backend": "postgresql" if ledger.url else "sqlite",
               "applied_now": applied, "migrations": names, "latest": latest})
        return
    click.echo(f"قاعدة البيانات / ledger: {where}")
    for name in applied:
        click.echo(f"  طُبّق الآن / applied now: {name}")
    click.echo(f"المخطط محدّث حتى / schema up to date at: {names[-1] if names else '—'}")


@ledger_group.command("copy")
@ROOT
@click.option("--to", "target", required=True, metavar="URL",
              help="The central PostgreSQL database (postgresql://user@host/database).")
@JSON
def copy_command(root: Path, target: str, as_json: bool) -> None:
    """Copy the department's SQLite ledger into the central PostgreSQL database as its
    directorate ([department] directorate); running it again adds nothing."""
    from automation.core.settings import load_settings
    from automation.ledger import copy
    from automation.processes import PROCESSES

    try:
        dept = _department(root)
        directorate = load_settings(dept).department.directorate
        copy.refuse_directorate(directorate)
        copy.refuse_url(target)
        with copy.open_source(dept.ledger_path) as source:
            report = copy.copy_ledger(source, target, directorate, registers=tuple(PROCESSES))
    except EtiError as exc:
        raise fail(exc) from exc
    if as_json:
        _dump(report.to_json())
        return
    click.echo(f"من / from: {report.source}")
    click.echo(f"إلى / to: {report.target}  (المديرية / directorate: {report.directorate})")
    click.echo(f"  {'table':<16} {'نُسخ/copied':>12} {'موجود/skipped':>14} {'حُدّث/updated':>14}")
    for table in copy.TABLES:
        click.echo(f"  {table:<16} {report.copied[table]:>12} {report.skipped[table]:>14} "
                   f"{report.updated[table]:>14}")
    if report.added:
        click.echo("نُسخت السجلات؛ ستُكتب السجلات الرئيسية من جديد من قاعدة البيانات المشتركة. "
                   "اضبط [ledger] url في eti.toml على هذا العنوان ليعمل القسم عليها / copied; "
                   "the registers will be rewritten from the central database: set [ledger] "
                   "url in eti.toml to this address for the department to work on it")
    else:
        click.echo("لم يُضف شيء: كل ما في قاعدة البيانات المحلية موجود في المشتركة / "
                   "nothing added: everything was already there")


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

    try:
        dept = _department(root)
        settings = load_settings(dept)
        with open_ledger(dept) as ledger:
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
