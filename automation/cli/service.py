"""``eti watch``, ``eti jobs``, ``eti retention``, ``eti config``, ``eti status``,
``eti service install|uninstall``: thin commands over :mod:`automation.service`.

Wire them into the ``eti`` group with :func:`register`.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import click

from automation.cli.options import ANY_ROOT, ROOT, fail
from automation.core.clock import Clock, SystemClock
from automation.core.department import Department, require_department
from automation.core.errors import EtiError
from automation.core.settings import Settings, effective, load_settings
from automation.ledger.open import open_ledger

JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def _clock() -> Clock:
    """The system clock, or the one a test put in ``ctx.obj["clock"]``."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return obj["clock"] if isinstance(obj, dict) and "clock" in obj else SystemClock()


def _department(root: Path) -> Department:
    """The department at ``root`` (``--root`` checked it already: this is for callers
    that pass a folder of their own)."""
    return require_department(root)


def _when(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "—"


def _dump(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.command("watch")
@ROOT
@click.option("--poll", is_flag=True,
              help="Look into inbox/ every few seconds instead of waiting to be told of new "
              "files (for an inbox on a network share).")
def watch_command(root: Path, poll: bool) -> None:
    """Watch inbox/ and run the scheduled jobs until stopped (Ctrl+C)."""
    from automation.service.logs import setup_logging, teardown_logging
    from automation.service.status import single_instance
    from automation.service.watch import Watcher, install_stop_handlers

    try:
        dept = _department(root)
        settings = load_settings(dept)
        if poll:
            settings.watch.poll = True
        with single_instance(dept):
            stop = threading.Event()
            _ctrl_c_to(stop)  # before any thread or worker starts
            setup_logging(dept, settings, console=True)
            watcher = Watcher(dept, settings, clock=_clock(), stop_event=stop)
            restore = install_stop_handlers(stop, watcher.stopped)
            click.echo(f"يراقب {dept.inbox} — للإيقاف اضغط Ctrl+C\n"
                       f"watching {dept.inbox}; Ctrl+C stops after the current file")
            try:
                watcher.run()
            finally:
                restore()
                teardown_logging()
    except EtiError as exc:
        raise fail(exc) from exc
    except KeyboardInterrupt:  # a second Ctrl+C, or one before the watcher listens: at once
        click.echo(STOPPED_AT_ONCE)
        raise SystemExit(130) from None
    click.echo("توقفت المراقبة. / watcher stopped.")


STOPPED_AT_ONCE = ("توقفت المراقبة فوراً؛ يُستكمل الملف الذي كان قيد المعالجة عند التشغيل "
                   "التالي. / watcher stopped at once; the file under way is finished on the "
                   "next start.")


def _ctrl_c_to(stop: threading.Event) -> None:
    """Ctrl+C reaches every process of the console, the watcher's workers too — even one
    still starting, before it could ignore it (it would print a KeyboardInterrupt
    traceback). So on POSIX the watcher blocks SIGINT before any of its threads or workers
    start (they inherit the block) and one thread waits for it: the first sets ``stop``
    (the current file is finished), a second ends the watcher at once, with one line."""
    import signal

    if not hasattr(signal, "pthread_sigmask") or \
            threading.current_thread() is not threading.main_thread():
        return  # Windows: the console's handlers (install_stop_handlers)
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()  # started later, it would unblock SIGINT in its thread
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})

    def wait() -> None:
        import logging
        import os

        signal.sigwait({signal.SIGINT})
        logging.getLogger("automation.service.watch").info(
            "stop requested (Ctrl+C): finishing the current file")
        stop.set()
        signal.sigwait({signal.SIGINT})
        click.echo(STOPPED_AT_ONCE)
        os._exit(130)  # the pipeline finishes an interrupted file on the next start

    threading.Thread(target=wait, name="ctrl-c", daemon=True).start()


@click.command("jobs")
@ROOT
@JSON
def jobs_command(root: Path, as_json: bool) -> None:
    """List the scheduled jobs with their last and next run."""
    from automation.service.jobs import JobRunner

    try:
        dept = _department(root)
        infos = JobRunner(dept, load_settings(dept), clock=_clock()).table()
    except EtiError as exc:
        raise fail(exc) from exc
    if as_json:
        _dump([info.to_json() for info in infos])
        return
    width = max((len(info.name) for info in infos), default=0)
    for info in infos:
        state = "فشل / failed" if info.last_error else ("تم / ok" if info.last_ok else "—")
        nxt = "الآن / due now" if info.due_now else _when(info.next_run)
        click.echo(f"{info.name:<{width}} last {_when(info.last_run):<16} {state:<14} "
                   f"next {nxt:<16}   {info.title_ar}")
        if info.last_error:
            click.echo(f"{'':<{width}} error: {info.last_error}")


@click.command("retention")
@ROOT
@click.option("--dry-run", is_flag=True, help="Only say what would move; move nothing.")
@JSON
def retention_command(root: Path, dry_run: bool, as_json: bool) -> None:
    """Move records past their retention period into the archive (nothing is deleted)."""
    from automation.service.retention import sweep

    try:
        dept = _department(root)
        with open_ledger(dept) as ledger:
            result = sweep(dept, ledger, clock=_clock(), dry_run=dry_run)
    except EtiError as exc:
        raise fail(exc) from exc
    if as_json:
        _dump(result.to_json())
        return
    verb = "سيُنقل إلى الأرشيف / would move" if dry_run else "نُقل إلى الأرشيف / moved"
    click.echo(f"{verb}: {result.total}")
    for code, count in sorted(result.moved.items()):
        click.echo(f"  {code:<16} {count}")
    for old, new in result.files:
        click.echo(f"  {old} -> {new}")
    for path in result.waiting:
        click.echo(f"  بانتظار إغلاق Excel / waiting for Excel: {path}")


@click.command("config")
@ROOT
@JSON
def config_command(root: Path, as_json: bool) -> None:
    """Print the effective settings and where each value comes from."""
    try:
        dept = _department(root)
        settings: Settings = load_settings(dept)
    except EtiError as exc:
        raise fail(exc) from exc
    from automation.core.settings import SettingValue, format_value
    from automation.ledger.open import url_in_force

    def _shown(v: SettingValue) -> tuple[str, str, str]:
        if v.key != "ledger.url":
            return v.key, v.text, v.source
        url, source = url_in_force(str(v.value), v.source)
        return v.key, format_value(url), source

    shown = [_shown(v) for v in effective(settings)]
    if as_json:  # the ledger's address as in force, its password masked
        _dump([{"key": key, "value": text, "source": source} for key, text, source in shown])
        return
    click.echo(f"# {dept.config_path}")
    for key, text, source in shown:
        click.echo(f"{key} = {text}    ({source})")


@click.command("status")
@ROOT
@JSON
def status_command(root: Path, as_json: bool) -> None:
    """Show the watcher, waiting files, today's intake, registers, jobs and backups."""
    from automation.service.status import status

    try:
        dept = _department(root)
        with open_ledger(dept) as ledger:
            report = status(dept, ledger, clock=_clock())
    except EtiError as exc:
        raise fail(exc) from exc
    if as_json:
        _dump(report.to_json())
        return
    running = "تعمل / running" if report.watcher_running else "متوقفة / not running"
    if not report.watcher_running and report.watcher.get("running"):
        pid = report.watcher.get("pid", "?")
        running += f" — توقفت فجأة دون إيقاف / ended without stopping (process {pid})"
    click.echo(f"خدمة المراقبة / watcher: {running}")
    click.echo(f"بانتظار المعالجة / waiting in inbox: {len(report.waiting)}"
               f"   قيد المعالجة / claimed: {report.claimed}")
    for name in report.locked:
        click.echo(f"  مفتوح في برنامج آخر / open in another program: {name}")
    if report.not_files:
        click.echo(f"ليست ملفات (لم تُقرأ) / not files, never read: {len(report.not_files)}")
    for item in report.not_files:
        click.echo(f"  {item.message_ar}\n  {item.message_en}")
    today = report.today
    click.echo(f"اليوم / today: {today.get('accepted', 0)} مقبول/accepted, "
               f"{today.get('rejected', 0)} مرفوض/rejected, "
               f"{today.get('duplicate', 0)} مكرر/duplicate")
    click.echo(f"آخر استلام / last intake: {_when(report.last_intake)}")
    if report.registers_up_to_date:
        click.echo("السجلات محدثة / registers up to date")
    for process in report.dirty_registers:
        click.echo(f"  بانتظار التحديث / to regenerate: {process}")
    for path in report.pending_registers:
        click.echo(f"  بانتظار إغلاق Excel / waiting for Excel: {path}")
    for info in report.next_jobs[:3]:
        nxt = "الآن / due now" if info.due_now else _when(info.next_run)
        click.echo(f"المهمة التالية / next job: {info.name} {nxt}")
    click.echo(f"آخر نسخة احتياطية / last backup: {report.last_backup or '—'} "
               f"{_when(report.last_backup_at)}")
    for ar, en in report.warnings:
        click.echo(f"تنبيه / warning: {ar}\n  {en}")


@click.group("service")
def service_group() -> None:
    """Start the watcher at logon (Task Scheduler / systemd user unit)."""


@service_group.command("install")
@ROOT
def install_command(root: Path) -> None:
    """Register `eti watch --root ROOT` to start when this user logs on."""
    from automation.service.install import install

    try:
        result = install(_department(root))
    except EtiError as exc:
        raise fail(exc) from exc
    _report_install(result, "ثُبّتت الخدمة / installed")


@service_group.command("uninstall")
@ANY_ROOT
def uninstall_command(root: Path) -> None:
    """Remove the logon start registered by `eti service install`."""
    from automation.service.install import uninstall

    try:
        result = uninstall(Department.at(root))
    except EtiError as exc:
        raise fail(exc) from exc
    _report_install(result, "أُزيلت الخدمة / uninstalled")


def _report_install(result: object, done: str) -> None:
    for path in getattr(result, "files", []):
        click.echo(f"  {path}")
    for message in getattr(result, "messages", []):
        click.echo(f"  {message}")
    if not getattr(result, "ok", False):
        raise click.ClickException("لم تكتمل العملية / not completed (see above)")
    click.echo(done)


COMMANDS: tuple[click.Command, ...] = (
    watch_command, jobs_command, retention_command, config_command, status_command,
    service_group,
)


def register(group: click.Group) -> None:
    """Add the service commands to the ``eti`` group."""
    for command in COMMANDS:
        group.add_command(command)
