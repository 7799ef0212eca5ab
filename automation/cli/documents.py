"""``eti templates``, ``eti decision``, ``eti report`` and ``eti digest``: documents
into ``outbox/``, thin over :mod:`automation.documents`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import click

from automation.cli.options import ROOT, fail
from automation.core.clock import SystemClock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.core.periods import Calendar, Period, date_range, previous_quarter

PDF = click.option("--pdf", is_flag=True, help="Also write a PDF (needs LibreOffice).")
DATE = click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"])


def _done(dept: Department, ledger: object, path: Path, kind: str, pdf: bool,
          submission_id: int | None = None) -> None:
    from automation.documents import LIBREOFFICE_MISSING_AR, LIBREOFFICE_MISSING_EN, produce_pdf

    click.echo(str(path))
    if pdf:
        made = produce_pdf(dept, ledger, path, kind=kind, clock=SystemClock(),  # type: ignore[arg-type]
                           submission_id=submission_id)
        click.echo(str(made) if made else f"{LIBREOFFICE_MISSING_AR}\n{LIBREOFFICE_MISSING_EN}")


def _calendar(dept: Department) -> Calendar:
    """The department's quarters and school years (``eti.toml``)."""
    from automation.core.settings import load_settings

    try:
        return load_settings(dept).department.calendar
    except EtiError as exc:
        raise fail(exc) from exc


def _period(calendar: Calendar, year: int | None, number: int | None,
            start: dt.datetime | None, end: dt.datetime | None) -> Period:
    """A quarter (default: the last one that ended) or a date range."""
    if start or end:
        if not (start and end):
            raise click.UsageError("--from and --to go together")
        return date_range(start.date(), end.date())
    if year is None or number is None:
        year, number = previous_quarter(dt.date.today(), calendar.quarter_start_month)
    return calendar.quarter(year, number)


@click.group()
def templates() -> None:
    """The Word templates in templates_docx/."""


@templates.command("check")
@ROOT
def templates_check(root: Path) -> None:
    """Render every template with sample data; report broken tags (exit 1 if any)."""
    from automation.documents import check_templates

    checks = check_templates(Department.at(root).templates)
    if not checks:
        raise click.ClickException(
            "لا توجد قوالب في templates_docx/\nno templates in templates_docx/"
        )
    broken = 0
    for check in checks:
        if check.ok:
            click.echo(f"ok      {check.template}")
            continue
        broken += 1
        for problem in check.problems:
            click.echo(f"broken  {check.template}: {problem.tag}")
            click.echo(f"        {problem.message_ar}")
            click.echo(f"        {problem.message_en}")
    if broken:
        raise SystemExit(1)


@templates.command("build")
@ROOT
@click.option("--force", is_flag=True, help="Overwrite templates staff may have edited.")
def templates_build(root: Path, force: bool) -> None:
    """Write the product's templates into templates_docx/ (missing ones, or all with --force)."""
    from automation.documents import TEMPLATE_NAMES, build_templates

    folder = Department.at(root).templates
    folder.mkdir(parents=True, exist_ok=True)
    names = list(TEMPLATE_NAMES) if force else [
        n for n in TEMPLATE_NAMES if not (folder / f"{n}.docx").exists()
    ]
    for path in build_templates(folder, names):
        click.echo(str(path))


@click.group()
def decision() -> None:
    """Committee decisions."""


@decision.command("disposal")
@ROOT
@click.option("--source", help="Only items from this school or store.")
@click.option("--from", "start", type=DATE, help="Lists dated from (yyyy-mm-dd).")
@click.option("--to", "end", type=DATE, help="Lists dated up to (yyyy-mm-dd).")
@PDF
def decision_disposal(root: Path, source: str | None, start: dt.datetime | None,
                      end: dt.datetime | None, pdf: bool) -> None:
    """The disposal committee decision for the items not yet in a decision."""
    from automation.documents import make_disposal_decision
    from automation.ledger.store import Ledger

    dept = Department.at(root)
    with Ledger(dept.ledger_path) as ledger:
        try:
            result = make_disposal_decision(
                dept, ledger, clock=SystemClock(), source=source,
                date_from=start.date() if start else None, date_to=end.date() if end else None,
            )
        except EtiError as exc:
            raise fail(exc) from exc
        click.echo(f"decision {result.number}: {len(result.items)} items")
        _done(dept, ledger, result.path, "decision-disposal", pdf)


@click.group()
def report() -> None:
    """Reports into outbox/."""


@report.command("visit")
@ROOT
@click.argument("submission_id", type=int)
@PDF
def report_visit(root: Path, submission_id: int, pdf: bool) -> None:
    """The printable report of one accepted visit form (QF75-13, QF70-2-9, -17, -40)."""
    from automation.documents import make_visit_report
    from automation.ledger.store import Ledger

    dept = Department.at(root)
    with Ledger(dept.ledger_path) as ledger:
        try:
            path = make_visit_report(dept, ledger, submission_id, clock=SystemClock())
        except EtiError as exc:
            raise fail(exc) from exc
        _done(dept, ledger, path, "visit-report", pdf, submission_id)


@report.command("quarterly")
@ROOT
@click.option("--year", type=int, help="Default: the last quarter that ended.")
@click.option("--quarter", "number", type=click.IntRange(1, 4))
@PDF
def report_quarterly(root: Path, year: int | None, number: int | None, pdf: bool) -> None:
    """The department's quarterly achievements report (تقرير ربعي بإنجازات القسم)."""
    from automation.documents import make_quarterly_report
    from automation.ledger.store import Ledger

    dept = Department.at(root)
    calendar = _calendar(dept)
    period = _period(calendar, year, number, None, None)
    y, q = int(period.slug[:4]), int(period.slug[-1])
    with Ledger(dept.ledger_path) as ledger:
        try:
            path = make_quarterly_report(dept, ledger, y, q, clock=SystemClock(),
                                         calendar=calendar)
        except EtiError as exc:
            raise fail(exc) from exc
        _done(dept, ledger, path, "quarterly-report", pdf)


def _period_report(name: str, kind: str, maker: str, help_text: str) -> click.Command:
    @click.command(name, help=help_text)
    @ROOT
    @click.option("--year", type=int, help="With --quarter; default: the last quarter.")
    @click.option("--quarter", "number", type=click.IntRange(1, 4))
    @click.option("--from", "start", type=DATE, help="Or a date range: from (yyyy-mm-dd)…")
    @click.option("--to", "end", type=DATE, help="…to (yyyy-mm-dd).")
    @PDF
    def command(root: Path, year: int | None, number: int | None, start: dt.datetime | None,
                end: dt.datetime | None, pdf: bool) -> None:
        import automation.documents as documents
        from automation.ledger.store import Ledger

        make: Callable[..., Path] = getattr(documents, maker)
        dept = Department.at(root)
        with Ledger(dept.ledger_path) as ledger:
            try:
                period = _period(_calendar(dept), year, number, start, end)
                path = make(dept, ledger, period, clock=SystemClock())
            except EtiError as exc:
                raise fail(exc) from exc
            _done(dept, ledger, path, kind, pdf)

    return command


for _name, _kind, _maker, _help in (
    ("helpdesk", "helpdesk-report", "make_helpdesk_report",
     "P2 technical report: Help Desk requests executed, by category and school."),
    ("systems", "systems-report", "make_systems_report",
     "P6 information systems: status and new updates."),
    ("activation", "activation-report", "make_activation_report",
     "P7 activation visits: results and achievement percentages."),
    ("initiatives", "initiatives-report", "make_initiatives_report",
     "P8 initiatives: active list and activation."),
    ("webpages", "webpages-report", "make_webpages_report",
     "P9 web pages: criteria met per page."),
):
    report.add_command(_period_report(_name, _kind, _maker, _help))


@click.command()
@ROOT
@click.option("--date", "day", type=DATE, help="Default: today.")
@PDF
def digest(root: Path, day: dt.datetime | None, pdf: bool) -> None:
    """The daily digest for the head: arrived, accepted, rejected, waiting, produced."""
    from automation.documents import make_digest
    from automation.ledger.store import Ledger

    dept = Department.at(root)
    when = day.date() if day else dt.date.today()
    with Ledger(dept.ledger_path) as ledger:
        path = make_digest(dept, ledger, when, clock=SystemClock())
        _done(dept, ledger, path, "daily-digest", pdf)


def register(group: click.Group) -> None:
    """Add the document commands to the ``eti`` group."""
    for command in (templates, decision, report, digest):
        group.add_command(command)
