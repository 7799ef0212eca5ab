"""Scheduled jobs, run inside the watch service.

``schedule`` only provides the tick (a private ``schedule.Scheduler``); it has no
month or quarter unit and no memory. So when a job is due is computed here by
pure functions of (now, settings), and the last successful run of every job is
kept in the ledger's ``job_runs`` table. A job is due when its latest scheduled
moment is later than its last successful run; that one rule also covers runs
missed while the PC was off (run once at start) and failed runs (retried on
the next tick).

    job                 when
    backup              every day at schedule.backup_time
    retention           on schedule.retention_day of every month at 03:00
    registers           every day at schedule.register_refresh_time
    quarterly-report    the first working day after a quarter ends, quarterly_report_time
    helpdesk-report     same moment as quarterly-report (P2)
    systems-report      same moment (P6 systems status and updates)
    activation-report   same moment (P7 activation)
    initiatives-report  same moment (P8 initiatives)
    webpages-report     same moment (P9 web pages)
    digest              every working day at schedule.digest_time

The six reports after each quarter are one table, :data:`PERIODIC_REPORTS`, derived from
the document kinds declared ``Periodic("quarter", …)`` in :mod:`automation.documents.kinds`;
each writes the report of the quarter that just ended.

A periodic report missed while the PC was off is written on the next tick, and so is
the report of every earlier quarter that ended after its last successful run (at most
a year's worth): no quarter's report is skipped. The watcher reads the files waiting at
its start before the first tick (:mod:`automation.service.watch`), so a catch-up report
counts them.

A quarter's report whose quarter receives records after it was written (a school's form
sent late, a PC off across the quarter's end) is written again on the next tick, the
earlier copy moving to ``outbox/.previous/``; it says it was re-issued and how many
records arrived late (:mod:`automation.documents.reissue`). A tick looks for such records
only when a file arrived since it last looked.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import schedule

from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.core.periods import previous_quarter, quarter, quarter_of
from automation.core.settings import Settings
from automation.documents.kinds import DAILY_DIGEST, Periodic, periodic
from automation.ledger.backup import backup_ledger
from automation.ledger.backup import backups as backups  # where it lived before
from automation.ledger.open import open_ledger as open_dept_ledger
from automation.ledger.store import Ledger

log = logging.getLogger(__name__)

RETENTION_TIME = dt.time(3, 0)
TICK_SECONDS = 60
"""How often the service asks which jobs are due."""



# -- when: pure functions of (now, settings) ----------------------------------------


def is_working_day(day: dt.date, settings: Settings) -> bool:
    return day.weekday() in settings.schedule.weekday_numbers


def first_working_day(day: dt.date, settings: Settings) -> dt.date:
    """``day`` itself when it is a working day, else the next working day."""
    for offset in range(7):
        candidate = day + dt.timedelta(days=offset)
        if is_working_day(candidate, settings):
            return candidate
    raise ValueError("no working day in the week")  # the settings require one


def _daily_last(
    now: dt.datetime, at: dt.time, keep: Callable[[dt.date], bool]
) -> dt.datetime | None:
    for offset in range(8):
        day = now.date() - dt.timedelta(days=offset)
        moment = dt.datetime.combine(day, at)
        if moment <= now and keep(day):
            return moment
    return None


def _daily_next(now: dt.datetime, at: dt.time, keep: Callable[[dt.date], bool]) -> dt.datetime:
    for offset in range(9):
        day = now.date() + dt.timedelta(days=offset)
        moment = dt.datetime.combine(day, at)
        if moment > now and keep(day):
            return moment
    raise ValueError("no day to run on")


def _every_day(day: dt.date) -> bool:
    return True


def _quarter_due(start: dt.date, settings: Settings) -> dt.datetime:
    """When the report of the quarter that ended the day before ``start`` is due."""
    return dt.datetime.combine(
        first_working_day(start, settings), settings.schedule.quarterly_report_time
    )


def quarterly_last(now: dt.datetime, settings: Settings) -> dt.datetime | None:
    """The latest moment a quarterly report was due, at or before ``now``."""
    start_month = settings.department.quarter_start_month
    this = quarter(*quarter_of(now.date(), start_month), start_month)
    due = _quarter_due(this.start, settings)
    if due <= now:
        return due
    prev = quarter(*previous_quarter(now.date(), start_month), start_month)
    return _quarter_due(prev.start, settings)


def quarterly_next(now: dt.datetime, settings: Settings) -> dt.datetime:
    start_month = settings.department.quarter_start_month
    this = quarter(*quarter_of(now.date(), start_month), start_month)
    due = _quarter_due(this.start, settings)
    if due > now:
        return due
    return _quarter_due(this.end + dt.timedelta(days=1), settings)


def reported_quarter(due: dt.datetime, settings: Settings) -> tuple[int, int]:
    """(year, quarter) a quarterly run due at ``due`` reports on."""
    return previous_quarter(due.date(), settings.department.quarter_start_month)


CATCH_UP_QUARTERS = 4
"""The most quarters one run of a periodic report writes (a year's worth)."""


def reported_quarters(
    due: dt.datetime, last_ok: dt.datetime | None, settings: Settings
) -> list[tuple[int, int]]:
    """(year, quarter) of every quarter a periodic report run due at ``due`` writes, oldest
    first: the quarter that just ended, and each earlier one whose report fell due after
    the last successful run ``last_ok`` (the PC was off over several quarter ends). A
    first run (no ``last_ok``) writes the latest quarter only."""
    moments = [due]
    while last_ok is not None and len(moments) < CATCH_UP_QUARTERS:
        earlier = quarterly_last(moments[-1] - dt.timedelta(microseconds=1), settings)
        if earlier is None or earlier <= last_ok:
            break
        moments.append(earlier)
    return [reported_quarter(moment, settings) for moment in reversed(moments)]


def digest_last(now: dt.datetime, settings: Settings) -> dt.datetime | None:
    return _daily_last(
        now, settings.schedule.digest_time, lambda d: is_working_day(d, settings)
    )


def digest_next(now: dt.datetime, settings: Settings) -> dt.datetime:
    return _daily_next(
        now, settings.schedule.digest_time, lambda d: is_working_day(d, settings)
    )


def backup_last(now: dt.datetime, settings: Settings) -> dt.datetime | None:
    return _daily_last(now, settings.schedule.backup_time, _every_day)


def backup_next(now: dt.datetime, settings: Settings) -> dt.datetime:
    return _daily_next(now, settings.schedule.backup_time, _every_day)


def registers_last(now: dt.datetime, settings: Settings) -> dt.datetime | None:
    return _daily_last(now, settings.schedule.register_refresh_time, _every_day)


def registers_next(now: dt.datetime, settings: Settings) -> dt.datetime:
    return _daily_next(now, settings.schedule.register_refresh_time, _every_day)


def _month_moment(year: int, month: int, settings: Settings) -> dt.datetime:
    return dt.datetime(year, month, settings.schedule.retention_day,
                       RETENTION_TIME.hour, RETENTION_TIME.minute)


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def retention_last(now: dt.datetime, settings: Settings) -> dt.datetime | None:
    moment = _month_moment(now.year, now.month, settings)
    if moment <= now:
        return moment
    return _month_moment(*_shift_month(now.year, now.month, -1), settings)


def retention_next(now: dt.datetime, settings: Settings) -> dt.datetime:
    moment = _month_moment(now.year, now.month, settings)
    if moment > now:
        return moment
    return _month_moment(*_shift_month(now.year, now.month, 1), settings)


# -- what: the jobs themselves ------------------------------------------------------


@dataclass(frozen=True)
class JobRun:
    """What a job is given: the department, its ledger, the moment it is run for, and
    its last successful run before this one (None the first time)."""

    name: str
    dept: Department
    settings: Settings
    clock: Clock
    ledger: Ledger
    due: dt.datetime
    last_ok: dt.datetime | None = None


JobFunc = Callable[[JobRun], object]


@dataclass(frozen=True)
class JobSchedule:
    """When one job is due."""

    name: str
    title_ar: str
    title_en: str
    last_due: Callable[[dt.datetime, Settings], dt.datetime | None]
    next_due: Callable[[dt.datetime, Settings], dt.datetime]


ReportWriter = Callable[[JobRun, int, int], Path]
"""Writes one periodic report of quarter (year, number) into outbox/; returns its path."""


@dataclass(frozen=True)
class PeriodicReport:
    """A report QP-70-2 asks for after each quarter, written by a job of its own."""

    job: str
    title_ar: str
    title_en: str
    write: ReportWriter


def _report_writer(kind: str) -> ReportWriter:
    """The writer of the periodic report of kind ``kind``: its quarter, made by
    :func:`automation.documents.making.make` as its declaration says."""

    def write(run: JobRun, year: int, number: int) -> Path:
        from automation.documents.making import make

        calendar = run.settings.department.calendar
        path = make(kind, run.dept, run.ledger, calendar.quarter(year, number),
                    clock=run.clock, calendar=calendar)
        assert path is not None
        return path

    return write


PERIODIC_REPORTS: tuple[PeriodicReport, ...] = tuple(
    PeriodicReport(spec.trigger.job, spec.trigger.job_title_ar, spec.trigger.job_title_en,
                   _report_writer(spec.key))
    for spec in periodic("quarter") if isinstance(spec.trigger, Periodic)
)
"""Every periodic report the service writes after each quarter, in the order a tick
writes them (the order of :data:`automation.documents.kinds.DOCUMENTS`: each kind
declared ``Periodic("quarter", job, …)`` is one); each is due at the quarterly moment
(``quarterly_last``/``quarterly_next``)."""

PERIODIC_BY_JOB: dict[str, PeriodicReport] = {r.job: r for r in PERIODIC_REPORTS}

_DIGEST = DAILY_DIGEST.trigger
assert isinstance(_DIGEST, Periodic)

SCHEDULES: tuple[JobSchedule, ...] = (
    JobSchedule("backup", "النسخ الاحتياطي لقاعدة البيانات", "ledger backup",
                backup_last, backup_next),
    JobSchedule("retention", "تطبيق مدد الحفظ (الأرشفة)", "retention sweep",
                retention_last, retention_next),
    JobSchedule("registers", "تحديث السجلات الرئيسية", "register refresh",
                registers_last, registers_next),
    *(JobSchedule(r.job, r.title_ar, r.title_en, quarterly_last, quarterly_next)
      for r in PERIODIC_REPORTS),
    JobSchedule(_DIGEST.job, _DIGEST.job_title_ar, _DIGEST.job_title_en,
                digest_last, digest_next),
)
"""Every job, in the order a tick runs them (backup first, digest last)."""

SCHEDULE_BY_NAME: dict[str, JobSchedule] = {s.name: s for s in SCHEDULES}


def run_backup(run: JobRun) -> object:
    if run.ledger.dialect.backed_up_by_server:  # the database server's own backups keep it
        return "a PostgreSQL ledger is backed up by its server"
    return backup_ledger(run.ledger, run.dept.backups, when=run.clock.now(),
                         keep=run.settings.schedule.backups_kept)


def run_retention(run: JobRun) -> object:
    from automation.service.retention import sweep

    result = sweep(run.dept, run.ledger, clock=run.clock)
    if result.waiting:
        # Raising keeps the job due: it is retried on the next tick.
        raise EtiError(
            "archive workbooks open in Excel: " + ", ".join(p.name for p in result.waiting),
            "ملفات الأرشيف مفتوحة في Excel: " + "، ".join(p.name for p in result.waiting),
        )
    return result.summary()


def run_registers(run: JobRun) -> object:
    """Mark every register for regeneration and let the pipeline write them."""
    from automation.catalog.forms import CATALOG
    from automation.intake.pipeline import run_batch

    with run.ledger.transaction() as conn:
        run.ledger.mark_dirty(conn, tuple(p.code for p in CATALOG.processes))
    batch = run_batch(run.dept, clock=run.clock, settings=run.settings, paths=[],
                      documents=False)
    return [f"{o.process}: {o.status}" for o in batch.registers]


def run_periodic_report(run: JobRun) -> list[str]:
    """The job of every periodic report (``run.name`` says which): the report of the
    quarter that just ended, and of each earlier quarter missed while the PC was off."""
    report = PERIODIC_BY_JOB[run.name]
    return [str(report.write(run, year, number))
            for year, number in reported_quarters(run.due, run.last_ok, run.settings)]


def run_digest(run: JobRun) -> object:
    from automation.documents.making import make

    return make(DAILY_DIGEST.key, run.dept, run.ledger, run.due.date(), clock=run.clock)


def default_jobs() -> dict[str, JobFunc]:
    """The product's jobs by name."""
    return {
        "backup": run_backup,
        "retention": run_retention,
        "registers": run_registers,
        **dict.fromkeys(PERIODIC_BY_JOB, run_periodic_report),
        _DIGEST.job: run_digest,
    }


# -- the runner ---------------------------------------------------------------------


def _parse(stamp: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(stamp)) if stamp else None
    except ValueError:
        return None


def due_moment(
    spec: JobSchedule, last_ok: dt.datetime | None, now: dt.datetime, settings: Settings
) -> dt.datetime | None:
    """The scheduled moment a job should run for now, or None when it is not due."""
    latest = spec.last_due(now, settings)
    if latest is None or (last_ok is not None and last_ok >= latest):
        return None
    return latest


@dataclass(frozen=True)
class JobOutcome:
    """One run of one job."""

    name: str
    due: dt.datetime
    ok: bool
    error: str = ""
    seconds: float = 0.0
    result: object = None


@dataclass(frozen=True)
class JobInfo:
    """A line of ``eti jobs``."""

    name: str
    title_ar: str
    title_en: str
    last_run: dt.datetime | None
    last_ok: dt.datetime | None
    last_error: str
    next_run: dt.datetime
    due_now: bool

    def to_json(self) -> dict[str, object]:
        def iso(value: dt.datetime | None) -> str | None:
            return value.isoformat(timespec="minutes") if value else None

        return {
            "name": self.name, "title_ar": self.title_ar, "title_en": self.title_en,
            "last_run": iso(self.last_run), "last_ok": iso(self.last_ok),
            "last_error": self.last_error, "next_run": iso(self.next_run),
            "due_now": self.due_now,
        }


class JobRunner:
    """Runs what is due; ``tick(now)`` is the whole interface the watcher needs."""

    def __init__(
        self,
        dept: Department,
        settings: Settings,
        *,
        clock: Clock,
        jobs: Mapping[str, JobFunc] | None = None,
        open_ledger: Callable[[], Ledger] | None = None,
    ) -> None:
        self.dept = dept
        self.settings = settings
        self.clock = clock
        self.jobs = dict(default_jobs() if jobs is None else jobs)
        unknown = set(self.jobs) - set(SCHEDULE_BY_NAME)
        if unknown:
            raise ValueError(f"jobs without a schedule: {sorted(unknown)}")
        self.open_ledger = open_ledger or (lambda: open_dept_ledger(dept, settings))
        self._last_error = ""
        self._looked_at: str | None = None  # the latest arrival the last look for late records saw

    @property
    def schedules(self) -> list[JobSchedule]:
        return [s for s in SCHEDULES if s.name in self.jobs]

    def tick(self, now: dt.datetime | None = None) -> list[JobOutcome]:
        """Run, once each, the jobs whose latest scheduled moment has no successful run."""
        now = now or self.clock.now()
        outcomes = []
        with self.open_ledger() as ledger:
            for spec in self.schedules:
                row = ledger.job_run(spec.name)
                last_ok = _parse(row["last_ok"]) if row else None
                due = due_moment(spec, last_ok, now, self.settings)
                if due is None:
                    continue
                previous_error = str(row["last_error"]) if row else ""
                outcomes.append(self._run(spec, ledger, now, due, last_ok, previous_error))
            outcomes += self._reissue(ledger, now)
        return outcomes

    def _reissue(self, ledger: Ledger, now: dt.datetime) -> list[JobOutcome]:
        """Write again each quarter report (of this runner's jobs) whose quarter received
        records after it was last written; looked for only when a file arrived since the
        last look. A report that fails is tried again on the next tick."""
        kinds = {spec.key for spec in periodic("quarter")
                 if isinstance(spec.trigger, Periodic) and spec.trigger.job in self.jobs}
        latest = ledger.latest_arrival()
        if not kinds or latest == self._looked_at:
            return []
        from automation.documents.making import make
        from automation.documents.reissue import late_reports

        calendar = self.settings.department.calendar
        outcomes, failed = [], False
        for spec, period, arrived in late_reports(ledger, kinds, calendar):
            job = spec.trigger.job if isinstance(spec.trigger, Periodic) else spec.key
            started = time.monotonic()
            try:
                path = make(spec.key, self.dept, ledger, period, clock=self.clock,
                            calendar=calendar)
            except Exception as exc:
                failed = True
                error = exc.message_en if isinstance(exc, EtiError) else \
                    f"{type(exc).__name__}: {exc}"
                log.error("%s of %s not written again (%d records arrived late): %s; "
                          "retrying on the next tick", job, period.slug, arrived, error)
                outcomes.append(JobOutcome(job, now, False, error, time.monotonic() - started))
                continue
            log.info("%s of %s written again: %d records dated inside it arrived after it "
                     "was written: %s", job, period.slug, arrived, path)
            outcomes.append(JobOutcome(job, now, True, "", time.monotonic() - started,
                                       [str(path)]))
        if not failed:
            self._looked_at = latest
        return outcomes

    def safe_tick(self) -> None:
        """``tick`` for the scheduler: nothing escapes into the service loop; the
        product's own errors (a lost ledger) are said once while they last."""
        try:
            self.tick()
        except EtiError as exc:
            if exc.message_en != self._last_error:
                log.error("jobs not run: %s / %s", exc.message_en, exc.message_ar)
            self._last_error = exc.message_en
            return
        except Exception:
            log.exception("job tick failed; retrying on the next tick")
        self._last_error = ""

    def _run(
        self, spec: JobSchedule, ledger: Ledger, now: dt.datetime, due: dt.datetime,
        last_ok: dt.datetime | None, previous_error: str,
    ) -> JobOutcome:
        run = JobRun(spec.name, self.dept, self.settings, self.clock, ledger, due, last_ok)
        started = time.monotonic()
        try:
            result = self.jobs[spec.name](run)
        except Exception as exc:
            seconds = time.monotonic() - started
            error = exc.message_en if isinstance(exc, EtiError) else f"{type(exc).__name__}: {exc}"
            if error != previous_error:
                log.exception("job %s (due %s) failed: %s", spec.name, f"{due:%Y-%m-%d %H:%M}",
                              error)
            else:
                log.error("job %s failed again: %s", spec.name, error)
            ledger.record_job(spec.name, now, error or type(exc).__name__)
            return JobOutcome(spec.name, due, False, error, seconds)
        seconds = time.monotonic() - started
        ledger.record_job(spec.name, now)
        log.info("job %s done (due %s) in %.1fs%s", spec.name, f"{due:%Y-%m-%d %H:%M}", seconds,
                 f": {result}" if result not in (None, "", []) else "")
        return JobOutcome(spec.name, due, True, "", seconds, result)

    def table(self, now: dt.datetime | None = None, ledger: Ledger | None = None) -> list[JobInfo]:
        """Every job with its last and next run (``eti jobs``)."""
        now = now or self.clock.now()
        if ledger is None:
            with self.open_ledger() as opened:
                return self.table(now, opened)
        infos = []
        for spec in self.schedules:
            row = ledger.job_run(spec.name)
            last_ok = _parse(row["last_ok"]) if row else None
            due = due_moment(spec, last_ok, now, self.settings)
            infos.append(
                JobInfo(
                    spec.name, spec.title_ar, spec.title_en,
                    _parse(row["last_run"]) if row else None, last_ok,
                    str(row["last_error"]) if row else "",
                    due or spec.next_due(now, self.settings), due is not None,
                )
            )
        return infos

    def scheduler(self, every_seconds: int = TICK_SECONDS) -> schedule.Scheduler:
        """A private scheduler whose only job is the tick."""
        ticks = schedule.Scheduler()
        ticks.every(every_seconds).seconds.do(self.safe_tick)
        return ticks
