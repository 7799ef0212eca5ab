"""``eti ledger check|backup|restore|migrate|copy|grant|revoke|upgrade``: the ledger itself,
thin over :mod:`automation.ledger` (check, backup, schema, copy, logins).

Wire them into the ``eti`` group with :func:`register`.
"""

from __future__ import annotations

from pathlib import Path

import click

from automation.cli.options import ROOT, fail, option
from automation.cli.service import JSON, _clock, _department, _dump
from automation.core.errors import EtiError, LedgerError
from automation.ledger.check import LedgerCheck, check_ledger
from automation.ledger.open import open_ledger


@click.group("ledger")
def ledger_group() -> None:
    """The ledger (data/ledger.sqlite, or the PostgreSQL database [ledger] url names):
    check it, back it up, restore a backup, migrate it, copy it into PostgreSQL."""


def _admin_url(url: str | None) -> str:
    """The administrator's address: --url, else ETI_LEDGER_URL (never eti.toml's)."""
    from automation.ledger.open import administrator_address
    from automation.ledger.postgres import LEDGER_URL_ENV

    found = administrator_address(url)
    if not found:
        raise click.UsageError(f"give the administrator's address: --url URL or {LEDGER_URL_ENV}")
    return found


ADMIN_URL = click.option(
    "--url", "url", metavar="URL", default=None,
    help="An administrator's address of the shared database (else ETI_LEDGER_URL); its "
         "password is best kept in ~/.pgpass (PGPASSFILE), not in the address.")


@ledger_group.command("grant")
@click.argument("login")
@click.option("--directorate", metavar="NAME", help="The directorate the login works as.")
@click.option("--ministry", is_flag=True, help="A ministry login: reads every directorate, "
              "changes nothing.")
@click.option("--password", metavar="TEXT", default=None,
              help="Set the login's password (prefer --password-file).")
@click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Set the login's password from the file's first line.")
@ADMIN_URL
@JSON
def grant_command(login: str, directorate: str | None, ministry: bool, password: str | None,
                  password_file: Path | None, url: str | None, as_json: bool) -> None:
    """Create or update a database login bound to one directorate (or the ministry's,
    reading all); run with an administrator's address. Needs no department folder."""
    from automation.ledger import logins

    if bool(directorate) == ministry:
        raise click.UsageError("give either --directorate NAME or --ministry")
    if password is not None and password_file is not None:
        raise click.UsageError("give either --password or --password-file")
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise click.UsageError(f"cannot read {password_file}: {exc}") from exc
        password = lines[0].strip() if lines else ""
    if password is not None and not password:
        raise click.UsageError("the password is empty")
    try:
        done = logins.grant(_admin_url(url), login, None if ministry else directorate,
                            password=password)
    except EtiError as exc:
        raise fail(exc) from exc
    if as_json:
        _dump(done.to_json())
        return
    what = ("الوزارة: قراءة جميع المديريات / the ministry: reads every directorate"
            if ministry else f"المديرية / directorate: {done.directorate}")
    click.echo(f"{'أُنشئ' if done.created_login else 'حُدّث'} حساب الدخول / login "
               f"{'created' if done.created_login else 'updated'}: {login} — {what}")
    if done.new_directorate:
        click.echo(f"مديرية جديدة في قاعدة البيانات / a new directorate: {done.directorate}")
    if done.password_set:
        click.echo("عُيّنت كلمة المرور (مشفّرة قبل الإرسال) / password set (hashed before "
                   "sending)")


@ledger_group.command("revoke")
@click.argument("login")
@ADMIN_URL
@JSON
def revoke_command(login: str, url: str | None, as_json: bool) -> None:
    """Unbind a login from its directorate; it can no longer log in."""
    from automation.ledger import logins

    try:
        bound = logins.revoke(_admin_url(url), login)
    except EtiError as exc:
        raise fail(exc) from exc
    if as_json:
        _dump({"login": login, "was_bound": bound})
        return
    click.echo(f"أُلغي حساب الدخول / login revoked: {login}" if bound else
               f"الحساب غير مرتبط بمديرية هنا / {login} was bound to no directorate here; "
               "it can no longer log in")


@ledger_group.command("upgrade")
@ADMIN_URL
@JSON
def upgrade_command(url: str | None, as_json: bool) -> None:
    """Bring the shared database's schema up to date, as its administrator (a department's
    login may not change it). Needs no department folder."""
    from automation.ledger import schema
    from automation.ledger.logins import migrate_database
    from automation.ledger.postgres import redacted

    address = _admin_url(url)
    try:
        applied, names = migrate_database(address)
    except EtiError as exc:
        raise fail(exc) from exc
    if as_json:
        _dump({"ledger": redacted(address), "backend": "postgresql", "applied_now": applied,
               "migrations": names, "latest": schema.MIGRATIONS[-1][0]})
        return
    click.echo(f"قاعدة البيانات / ledger: {redacted(address)}")
    for name in applied:
        click.echo(f"  طُبّق الآن / applied now: {name}")
    click.echo(f"المخطط محدّث حتى / schema up to date at: {names[-1] if names else '—'}")


@ledger_group.command("migrate")
@ROOT
@JSON
def migrate_command(root: Path, as_json: bool) -> None:
    """Bring the ledger's schema up to date (the same named migrations on both backends)."""
    from automation.ledger import schema
    from automation.ledger.postgres import redacted

    latest = schema.MIGRATIONS[-1][0]
    try:
        dept = _department(root)
        with open_ledger(dept) as ledger:
            applied = ledger.applied_on_open
            names = ledger.migrations()
            where = redacted(ledger.url) if ledger.url else str(ledger.path)
    except EtiError as exc:
        raise fail(exc) from exc
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
@option("--url", "target", aliases=("--to",), required=True, metavar="URL",
        help="The address of the central PostgreSQL database "
        "(postgresql://user@host/database).")
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
    if report.merged:
        click.echo(f"  {report.merged} ملفاً سبق أن سجّله قسم آخر من المديرية: سُجّل مكرراً "
                   f"وتُحسب صفوفه مرة واحدة / {report.merged} files the directorate had "
                   "already filed: recorded as duplicates, their rows counted once")
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
@option("--file", "source", aliases=("--from",),
        type=click.Path(dir_okay=False, path_type=Path),
        help="The copy of the ledger to put back (a backup from data/backups/, or any copy).")
@click.option("--latest", is_flag=True, help="Put back the newest backup in data/backups/.")
@JSON
def restore_command(root: Path, source: Path | None, latest: bool, as_json: bool) -> None:
    """Put a backup in place of the ledger; the current ledger is kept in data/replaced/."""
    from automation.ledger.backup import latest_backup, restore_ledger
    from automation.service.status import read_state, watcher_alive

    if bool(source) == latest:
        raise click.UsageError("اختر نسخة بالخيار --file أو --latest، لا كليهما.\n"
                               "give either --file FILE or --latest")
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
