"""``eti templates``, ``eti decision``, ``eti report`` and ``eti digest``: documents
into ``outbox/``, thin over :mod:`automation.documents`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from automation.cli.options import ROOT, clean_exit, echo_json, echo_list
from automation.cli.staff import staff_report
from automation.core.clock import SystemClock
from automation.core.department import Department
from automation.core.periods import Calendar, Period, date_range, previous_quarter
from automation.ledger.open import open_ledger

if TYPE_CHECKING:
    from automation.documents.decision import DecisionInfo
    from automation.ledger.store import Ledger

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

    with clean_exit():
        settings = load_settings(dept)
    return settings.department.calendar


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


def _after(dept: Department, ledger: object) -> None:
    """The registers the command left dirty (P5, the plan) and the outgoing register,
    written before the command ends, as ``eti process`` does."""
    from automation.documents.correspondence import refresh_registers

    refresh_registers(dept, ledger, clock=SystemClock())  # type: ignore[arg-type]


def _decided(dept: Department, ledger: Ledger, path: Path, kind: str, pdf: bool,
             as_json: bool, data: Callable[[], dict[str, object]], line: str) -> None:
    """The end of a command that made a decision's document: the registers it changed, then
    the JSON (``data`` and the document) or the ``line``, the document and its PDF."""
    from automation.documents.outbox import relative

    _after(dept, ledger)
    if as_json:
        echo_json({**data(), "document": relative(dept, path)})
        return
    click.echo(line)
    _done(dept, ledger, path, kind, pdf)


def _ids(value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        return [int(part) for part in value.replace("،", ",").split(",") if part.strip()]
    except ValueError as exc:
        raise click.BadParameter(
            "أرقام المواد أرقام صحيحة مفصولة بفواصل\nitem ids are whole numbers separated by "
            "commas", param_hint="--items") from exc


@decision.command("disposal")
@ROOT
@click.option("--source", help="Only items from this school or store.")
@click.option("--from", "start", type=DATE, help="Lists dated from (yyyy-mm-dd).")
@click.option("--to", "end", type=DATE, help="Lists dated up to (yyyy-mm-dd).")
@click.option("--items", "items", help="Only these pending items (ledger row ids, ID,ID).")
@click.option("--json", "as_json", is_flag=True, help='Print {"id", "state", "document"}.')
@PDF
def decision_disposal(root: Path, source: str | None, start: dt.datetime | None,
                      end: dt.datetime | None, items: str | None, as_json: bool,
                      pdf: bool) -> None:
    """A draft disposal decision («مسودة», no number) for the items not yet in one."""
    from automation.documents.decision import draft_disposal_decision

    dept = Department.at(root)
    with open_ledger(dept) as ledger:
        with clean_exit():
            result = draft_disposal_decision(
                dept, ledger, clock=SystemClock(), source=source,
                date_from=start.date() if start else None, date_to=end.date() if end else None,
                item_ids=_ids(items),
            )
        _decided(dept, ledger, result.path, "decision-disposal-draft", pdf, as_json,
                 lambda: {"id": result.decision_id, "state": result.state},
                 f"draft decision {result.decision_id}: {len(result.items)} items "
                 f"(eti decision approve {result.decision_id})")


@decision.command("approve")
@ROOT
@click.argument("decision_id", type=int)
@click.option("--date", "day", type=DATE, help="Date of the decision (default: today).")
@click.option("--json", "as_json", is_flag=True, help='Print {"id", "state", "number", '
              '"date", "document"}.')
@PDF
def decision_approve(root: Path, decision_id: int, day: dt.datetime | None, as_json: bool,
                     pdf: bool) -> None:
    """Approve a draft: the next outgoing number, the final document, items disposed."""
    from automation.documents.decision import approve_decision

    dept = Department.at(root)
    with open_ledger(dept) as ledger:
        with clean_exit():
            result = approve_decision(dept, ledger, decision_id, clock=SystemClock(),
                                      day=day.date() if day else None)

        def data() -> dict[str, object]:
            info = next(d for d in _decisions(ledger) if d.id == decision_id)
            return {"id": decision_id, "state": result.state, "number": result.number,
                    "date": info.date}

        _decided(dept, ledger, result.path, "decision-disposal", pdf, as_json, data,
                 f"decision {decision_id} approved: {result.number}, {len(result.items)} items")


@decision.command("void")
@ROOT
@click.argument("decision_id", type=int)
@click.option("--reason", required=True, help="Why the decision is voided (recorded).")
@click.option("--json", "as_json", is_flag=True, help="Print the decision as listed.")
def decision_void(root: Path, decision_id: int, reason: str, as_json: bool) -> None:
    """Void a decision: its items are released; an approved one's number stays, void."""
    from automation.documents.decision import void_decision

    dept = Department.at(root)
    with open_ledger(dept) as ledger:
        with clean_exit():
            info = void_decision(ledger, decision_id, reason=reason, clock=SystemClock())
        _after(dept, ledger)
        if as_json:
            echo_json(_decision_json(info))
            return
        click.echo(f"decision {decision_id} void ({info.items} items released)")


def _decisions(ledger: Ledger) -> list[DecisionInfo]:
    from automation.documents.decision import list_decisions

    return list_decisions(ledger)


def _decision_json(info: DecisionInfo) -> dict[str, object]:
    return {"id": info.id, "state": info.state, "number": info.number, "date": info.date,
            "items": info.items}


@decision.command("list")
@ROOT
@click.option("--json", "as_json", is_flag=True,
              help='Print [{"id", "state", "number", "date", "items"}].')
def decision_list(root: Path, as_json: bool) -> None:
    """Every committee decision: draft, approved or void."""
    from automation.documents.decision import STATES_AR

    def line(d: DecisionInfo) -> str:
        state = f"{d.state} ({STATES_AR.get(d.state, d.state)})"
        return (f"{d.id:>4}  {state:<18} {d.number or '—':<16} {d.date or '—':<10} "
                f"{d.items} items" + (f"  — {d.void_reason}" if d.void_reason else ""))

    with open_ledger(Department.at(root)) as ledger:
        decisions = _decisions(ledger)
    echo_list(decisions, as_json, line=line, empty="لا توجد قرارات\nno decisions",
              data=_decision_json)


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

    dept = Department.at(root)
    with open_ledger(dept) as ledger:
        with clean_exit():
            path = make_visit_report(dept, ledger, submission_id, clock=SystemClock())
        _done(dept, ledger, path, "visit-report", pdf, submission_id)


@report.command("technical")
@ROOT
@click.argument("request")
@PDF
def report_technical(root: Path, request: str, pdf: bool) -> None:
    """The printable technical report of one accepted maintenance request (QF75-11):
    REQUEST is its submission id, or the filled workbook itself."""
    from automation.documents.technical import (
        DOCUMENT_KIND,
        make_technical_report,
        submission_of_file,
    )

    dept = Department.at(root)
    with open_ledger(dept) as ledger:
        with clean_exit():
            sub_id = int(request) if request.isdigit() else submission_of_file(
                ledger, Path(request))
            path = make_technical_report(dept, ledger, sub_id, clock=SystemClock())
        _done(dept, ledger, path, DOCUMENT_KIND, pdf, sub_id)


@report.command("quarterly")
@ROOT
@click.option("--year", type=int, help="Default: the last quarter that ended.")
@click.option("--quarter", "number", type=click.IntRange(1, 4))
@click.option("--all-directorates", "every", is_flag=True,
              help="The ministry's report: each indicator by directorate and the total.")
@PDF
def report_quarterly(root: Path, year: int | None, number: int | None, every: bool,
                     pdf: bool) -> None:
    """The department's quarterly achievements report (تقرير ربعي بإنجازات القسم); with
    --all-directorates, the ministry's across directorates (outbox/reports/)."""
    from automation.documents import make_quarterly_report

    make, kind = make_quarterly_report, "quarterly-report"
    if every:
        from automation.documents import ministry

        make, kind = ministry.make_ministry_report, ministry.DOCUMENT_KIND
    dept = Department.at(root)
    calendar = _calendar(dept)
    period = _period(calendar, year, number, None, None)
    y, q = int(period.slug[:4]), int(period.slug[-1])
    with open_ledger(dept) as ledger:
        with clean_exit():
            path = make(dept, ledger, y, q, clock=SystemClock(), calendar=calendar)
        _done(dept, ledger, path, kind, pdf)


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

        make: Callable[..., Path] = getattr(documents, maker)
        dept = Department.at(root)
        with open_ledger(dept) as ledger:
            with clean_exit():
                period = _period(_calendar(dept), year, number, start, end)
                path = make(dept, ledger, period, clock=SystemClock())
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

    dept = Department.at(root)
    when = day.date() if day else dt.date.today()
    with open_ledger(dept) as ledger:
        path = make_digest(dept, ledger, when, clock=SystemClock())
        _done(dept, ledger, path, "daily-digest", pdf)


report.add_command(staff_report)  # eti report staff (automation/cli/staff.py)


def register(group: click.Group) -> None:
    """Add the document commands to the ``eti`` group."""
    for command in (templates, decision, report, digest):
        group.add_command(command)
