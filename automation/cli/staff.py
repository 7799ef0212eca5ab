"""``eti report staff``: the performance evidence of each staff member for a year."""

from __future__ import annotations

from pathlib import Path

import click

from automation.cli.options import (
    DOCUMENTS_JSON_HELP,
    ROOT,
    calendar_of,
    documents_json,
    echo_json,
    fail,
    period_option,
    read_period,
)
from automation.core.clock import SystemClock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.ledger.open import open_ledger


@click.command("staff")
@ROOT
@period_option(help="The reporting year, e.g. 2026 (the staff report covers a whole year).")
@click.option("--year", type=int, hidden=True,
              help="The reporting year, e.g. 2026 (the older spelling of --period 2026).")
@click.option("--staff", "name",
              help="Only this staff member, written as in staff.xlsx; default: everyone.")
@click.option("--json", "as_json", is_flag=True, help=DOCUMENTS_JSON_HELP)
def staff_report(root: Path, period_text: str | None, year: int | None, name: str | None,
                 as_json: bool) -> None:
    """One Word document per staff member: what the registers show of their year."""
    from automation.documents.staff_report import DOCUMENT_KIND, make_staff_reports

    dept = Department.at(root)
    calendar = calendar_of(dept)
    if period_text is not None:
        period = read_period(period_text, calendar)
        if not period.slug.isdigit():  # a quarter, a school year, a range of days
            raise click.BadParameter(
                "تقرير العاملين عن سنة كاملة: اكتب السنة، مثل 2026.\n"
                f"the staff report covers a reporting year: write a year such as 2026, "
                f"not {period_text!r}", param_hint="--period")
        if year is not None and year != int(period.slug):
            raise click.UsageError("--period و--year سنتان مختلفتان؛ اكتب إحداهما.\n"
                                   "--period and --year name different years: give one")
        year = int(period.slug)
    if year is None:
        raise click.UsageError("اكتب السنة بالخيار --period، مثل: --period 2026\n"
                               "give the year with --period, e.g. --period 2026")
    with open_ledger(dept) as ledger:
        try:
            made = make_staff_reports(dept, ledger, year, clock=SystemClock(), staff=name,
                                      calendar=calendar)
        except EtiError as exc:
            raise fail(exc) from exc
    if as_json:
        echo_json(documents_json(dept, ((DOCUMENT_KIND, path, None) for path in made)))
        return
    for path in made:
        click.echo(str(path))
