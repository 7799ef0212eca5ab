"""``eti templates``, ``eti decision``, ``eti report`` and ``eti digest``: documents
into ``outbox/``, thin over :mod:`automation.documents`.

The commands of the periodic reports and ``eti templates`` are derived from the document
kinds declared in :mod:`automation.documents.kinds`. Every command that takes a period
takes ``--period`` (2026-Q1, 2026, 2025/2026, 2026-01-01..2026-03-31; the older
``--year``/``--quarter`` and ``--from``/``--to`` still work); every command that writes a
document takes ``--json`` (``{"documents": [{"kind", "path", "pdf"}], …}``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from automation.cli.options import (
    DAY,
    DOCUMENTS_JSON_HELP,
    ROOT,
    calendar_of,
    clean_exit,
    documents_json,
    echo_json,
    echo_list,
    period_option,
    read_period,
)
from automation.cli.staff import staff_report
from automation.core.clock import SystemClock
from automation.core.department import Department
from automation.core.periods import Period, date_range, previous_quarter
from automation.documents.kinds import (
    DAILY_DIGEST,
    DISPOSAL_DECISION,
    DISPOSAL_DRAFT,
    MINISTRY_REPORT,
    QUARTERLY_REPORT,
    TECHNICAL_REPORT,
    TEMPLATES,
    VISIT_REPORT,
    DocumentSpec,
    period_reports,
)
from automation.ledger.open import open_ledger

if TYPE_CHECKING:
    from automation.documents.decision import DecisionInfo
    from automation.ledger.store import Ledger

PDF = click.option("--pdf", is_flag=True,
                   help="Also write a PDF copy beside the Word document (needs LibreOffice).")
JSON = click.option("--json", "as_json", is_flag=True, help=DOCUMENTS_JSON_HELP)
YEAR = click.option("--year", type=int,
                    help="With --quarter: the year of the quarter (the same as --period "
                    "2026-Q1). Without either: the last quarter that ended.")
QUARTER = click.option("--quarter", "number", type=click.IntRange(1, 4),
                       help="With --year: the quarter, 1 to 4.")
FROM = click.option("--from", "start", type=DAY,
                    help="With --to: the first day of the period (the same as --period "
                    "2026-01-01..2026-03-31).")
TO = click.option("--to", "end", type=DAY, help="With --from: the last day of the period.")

Made = tuple[str, Path, int | None]
"""A document a command wrote: its kind, its path and its submission (if one)."""


def _finish(dept: Department, ledger: object, made: Sequence[Made], pdf: bool,
            as_json: bool, **figures: object) -> None:
    """The end of a command that wrote documents: each one's path (and PDF), or with
    ``--json`` one object listing them and the figures the command printed."""
    from automation.documents import LIBREOFFICE_MISSING_AR, LIBREOFFICE_MISSING_EN, produce_pdf

    written = []
    for kind, path, submission_id in made:
        if not as_json:
            click.echo(str(path))
        pdf_path = None
        if pdf:
            pdf_path = produce_pdf(dept, ledger, path, kind=kind,  # type: ignore[arg-type]
                                   clock=SystemClock(), submission_id=submission_id)
            if not as_json or pdf_path is None:
                click.echo(str(pdf_path) if pdf_path else
                           f"{LIBREOFFICE_MISSING_AR}\n{LIBREOFFICE_MISSING_EN}", err=as_json)
        written.append((kind, path, pdf_path))
    if as_json:
        echo_json(documents_json(dept, written, **figures))


def _period(dept: Department, text: str | None, year: int | None = None,
            number: int | None = None, start: dt.date | None = None,
            end: dt.date | None = None) -> Period:
    """The period a command was given: ``--period``, or ``--year``/``--quarter``, or
    ``--from``/``--to``; none of them: the last quarter that ended."""
    calendar = calendar_of(dept)
    given = [name for name, there in (("--period", text is not None),
                                      ("--year/--quarter", year is not None or number is not None),
                                      ("--from/--to", start is not None or end is not None))
             if there]
    if len(given) > 1:
        raise click.UsageError(f"اختر طريقة واحدة لتحديد الفترة.\ngive the period one way, "
                               f"not {' and '.join(given)}")
    if text is not None:
        return read_period(text, calendar)
    if start or end:
        if not (start and end):
            raise click.UsageError("اكتب ‎--from و‎--to معاً.\n--from and --to go together")
        return date_range(start, end)
    if year is None or number is None:
        year, number = previous_quarter(dt.date.today(), calendar.quarter_start_month)
    return calendar.quarter(year, number)


def _make(dept: Department, ledger: Ledger, spec: DocumentSpec,
          subject: int | Period | dt.date) -> Made:
    """One document of ``spec`` (:func:`automation.documents.making.make`)."""
    from automation.documents.making import make

    with clean_exit():
        path = make(spec.key, dept, ledger, subject, clock=SystemClock(),
                    calendar=calendar_of(dept))
    assert path is not None
    return spec.key, path, subject if isinstance(subject, int) else None


# -- eti templates ---------------------------------------------------------------------------


@click.group()
def templates() -> None:
    """The Word templates in templates_docx/."""


@templates.command("check")
@ROOT
def templates_check(root: Path) -> None:
    """Render every template with sample data; report broken tags (exit 1 if any). A
    template the department has no copy of is the one shipped with the product."""
    from automation.documents import check_templates

    folder = Department.at(root).templates
    checks = check_templates(folder) if folder.is_dir() else []
    for template in TEMPLATES:
        if not (folder / template.file).is_file():
            click.echo(f"shipped {template.file}")
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
@click.option("--force", is_flag=True,
              help="Also replace the templates already there (staff may have edited them).")
def templates_build(root: Path, force: bool) -> None:
    """Write the product's templates into templates_docx/ (missing ones, or all with --force)."""
    from automation.documents import build_templates

    folder = Department.at(root).templates
    folder.mkdir(parents=True, exist_ok=True)
    names = [t.file for t in TEMPLATES if force or not (folder / t.file).exists()]
    for path in build_templates(folder, names) if names else []:
        click.echo(str(path))


# -- eti decision ----------------------------------------------------------------------------


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
    the JSON (``data``, the document and the list of documents) or the ``line``, the
    document and its PDF."""
    from automation.documents.outbox import relative

    _after(dept, ledger)
    if not as_json:
        click.echo(line)
    _finish(dept, ledger, [(kind, path, None)], pdf, as_json,
            **data(), document=relative(dept, path))


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
@click.option("--source", help="Only the items from this school or store (its name).")
@period_option(help="Only the lists dated in this period: a quarter (2026-Q1), a year "
               "(2026), a school year (2025/2026) or a range of days (2026-01-01..2026-03-31).")
@click.option("--from", "start", type=DAY, help="Only the lists dated on or after this day.")
@click.option("--to", "end", type=DAY, help="Only the lists dated on or before this day.")
@click.option("--items", "items",
              help="Only these pending items: their numbers, separated by commas (12,15,16).")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"id", "state", "document", "documents": [{"kind", "path", "pdf"}]}.')
@PDF
def decision_disposal(root: Path, source: str | None, period_text: str | None,
                      start: dt.date | None, end: dt.date | None, items: str | None,
                      as_json: bool, pdf: bool) -> None:
    """A draft disposal decision («مسودة», no number) for the items not yet in one."""
    from automation.documents.decision import draft_disposal_decision

    dept = Department.at(root)
    if period_text is not None:
        if start or end:
            raise click.UsageError("اختر ‎--period أو ‎--from/--to.\ngive --period or "
                                   "--from/--to, not both")
        chosen = read_period(period_text, calendar_of(dept))
        start, end = chosen.start, chosen.end
    with open_ledger(dept) as ledger:
        with clean_exit():
            result = draft_disposal_decision(
                dept, ledger, clock=SystemClock(), source=source, date_from=start,
                date_to=end, item_ids=_ids(items),
            )
        _decided(dept, ledger, result.path, DISPOSAL_DRAFT.key, pdf, as_json,
                 lambda: {"id": result.decision_id, "state": result.state},
                 f"draft decision {result.decision_id}: {len(result.items)} items "
                 f"(eti decision approve {result.decision_id})")


@decision.command("approve")
@ROOT
@click.argument("decision_id", type=int)
@click.option("--date", "day", type=DAY, help="The day of the decision (default: today).")
@click.option("--json", "as_json", is_flag=True, help='Print {"id", "state", "number", '
              '"date", "document", "documents": [{"kind", "path", "pdf"}]}.')
@PDF
def decision_approve(root: Path, decision_id: int, day: dt.date | None, as_json: bool,
                     pdf: bool) -> None:
    """Approve a draft: the next outgoing number, the final document, items disposed."""
    from automation.documents.decision import approve_decision

    dept = Department.at(root)
    with open_ledger(dept) as ledger:
        with clean_exit():
            result = approve_decision(dept, ledger, decision_id, clock=SystemClock(), day=day)

        def data() -> dict[str, object]:
            info = next(d for d in _decisions(ledger) if d.id == decision_id)
            return {"id": decision_id, "state": result.state, "number": result.number,
                    "date": info.date}

        _decided(dept, ledger, result.path, DISPOSAL_DECISION.key, pdf, as_json, data,
                 f"decision {decision_id} approved: {result.number}, {len(result.items)} items")


@decision.command("void")
@ROOT
@click.argument("decision_id", type=int)
@click.option("--reason", required=True, help="Why the decision is voided (kept with it).")
@click.option("--json", "as_json", is_flag=True, help='Print the decision as listed, with '
              '"notice", "notice_number" and "documents": [{"kind", "path", "pdf"}].')
@PDF
def decision_void(root: Path, decision_id: int, reason: str, as_json: bool, pdf: bool) -> None:
    """Void a decision: its items are released; an approved one's number stays, void, with
    a numbered void notice and its document written again marked «ملغى»."""
    from automation.documents.kinds import VOID_NOTICE
    from automation.documents.voiding import void_decision

    dept = Department.at(root)
    with open_ledger(dept) as ledger:
        with clean_exit():
            info = void_decision(dept, ledger, decision_id, reason=reason, clock=SystemClock())
        _after(dept, ledger)
        made: list[Made] = []
        if info.notice:
            made = [(VOID_NOTICE.key, dept.root / info.notice, None),
                    (DISPOSAL_DECISION.key, dept.root / info.document, None)]
        if not as_json:
            click.echo(f"decision {decision_id} void ({info.items} items released)"
                       + (f"; void notice {info.notice_number}" if info.notice else ""))
        if made or as_json:
            _finish(dept, ledger, made, pdf, as_json, **_decision_json(info),
                    notice=info.notice, notice_number=info.notice_number)


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


# -- eti report ------------------------------------------------------------------------------


@click.group()
def report() -> None:
    """Reports into outbox/."""


@report.command("visit", help=VISIT_REPORT.help_en)
@ROOT
@click.argument("submission_id", type=int)
@PDF
@JSON
def report_visit(root: Path, submission_id: int, pdf: bool, as_json: bool) -> None:
    dept = Department.at(root)
    with open_ledger(dept) as ledger:
        made = _make(dept, ledger, VISIT_REPORT, submission_id)
        _finish(dept, ledger, [made], pdf, as_json)


@report.command("technical")
@ROOT
@click.argument("request")
@PDF
@JSON
def report_technical(root: Path, request: str, pdf: bool, as_json: bool) -> None:
    """The printable technical report of one accepted maintenance request (QF75-11):
    REQUEST is its submission id, or the filled workbook itself."""
    from automation.documents.technical import submission_of_file

    dept = Department.at(root)
    with open_ledger(dept) as ledger:
        with clean_exit():
            sub_id = int(request) if request.isdigit() else submission_of_file(
                ledger, Path(request))
        made = _make(dept, ledger, TECHNICAL_REPORT, sub_id)
        _finish(dept, ledger, [made], pdf, as_json)


@report.command("quarterly")
@ROOT
@period_option(help="The quarter (2026-Q1); with --all-directorates any period: a year "
               "(2026), a school year (2025/2026) or a range of days (2026-01-01..2026-03-31). "
               "Default: the last quarter that ended.")
@YEAR
@QUARTER
@click.option("--all-directorates", "every", is_flag=True,
              help="The ministry's report: each indicator by directorate and the total.")
@PDF
@JSON
def report_quarterly(root: Path, period_text: str | None, year: int | None,
                     number: int | None, every: bool, pdf: bool, as_json: bool) -> None:
    """The department's quarterly achievements report (تقرير ربعي بإنجازات القسم); with
    --all-directorates, the ministry's across directorates (outbox/reports/)."""
    dept = Department.at(root)
    period = _period(dept, period_text, year, number)
    with open_ledger(dept) as ledger:
        made = _make(dept, ledger, MINISTRY_REPORT if every else QUARTERLY_REPORT, period)
        _finish(dept, ledger, [made], pdf, as_json)


def _period_report(spec: DocumentSpec) -> click.Command:
    """``eti report <name>`` of a process's period report, from its declaration."""

    @click.command(spec.command.split()[-1], help=spec.help_en)
    @ROOT
    @period_option(help="The period: a quarter (2026-Q1), a year (2026), a school year "
                   "(2025/2026) or a range of days (2026-01-01..2026-03-31). Default: the "
                   "last quarter that ended.")
    @YEAR
    @QUARTER
    @FROM
    @TO
    @PDF
    @JSON
    def command(root: Path, period_text: str | None, year: int | None, number: int | None,
                start: dt.date | None, end: dt.date | None, pdf: bool, as_json: bool) -> None:
        dept = Department.at(root)
        period = _period(dept, period_text, year, number, start, end)
        with open_ledger(dept) as ledger:
            made = _make(dept, ledger, spec, period)
            _finish(dept, ledger, [made], pdf, as_json)

    return command


for _spec in period_reports():
    report.add_command(_period_report(_spec))


@click.command(help=DAILY_DIGEST.help_en)
@ROOT
@click.option("--date", "day", type=DAY, help="The day of the digest (default: today).")
@PDF
@JSON
def digest(root: Path, day: dt.date | None, pdf: bool, as_json: bool) -> None:
    dept = Department.at(root)
    with open_ledger(dept) as ledger:
        made = _make(dept, ledger, DAILY_DIGEST, day or dt.date.today())
        _finish(dept, ledger, [made], pdf, as_json)


report.add_command(staff_report)  # eti report staff (automation/cli/staff.py)


def register(group: click.Group) -> None:
    """Add the document commands to the ``eti`` group."""
    for command in (templates, decision, report, digest):
        group.add_command(command)
