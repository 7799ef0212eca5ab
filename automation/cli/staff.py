"""``eti report staff``: the performance evidence of each staff member for a year."""

from __future__ import annotations

from pathlib import Path

import click

from automation.cli.options import ROOT, fail
from automation.core.clock import SystemClock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.ledger.open import open_ledger


@click.command("staff")
@ROOT
@click.option("--year", type=int, required=True, help="The reporting year, e.g. 2026.")
@click.option("--staff", "name", help="One staff member (as in staff.xlsx); default: all.")
def staff_report(root: Path, year: int, name: str | None) -> None:
    """One Word document per staff member: what the registers show of their year."""
    from automation.core.settings import load_settings
    from automation.documents.staff_report import make_staff_reports

    dept = Department.at(root)
    try:
        calendar = load_settings(dept).department.calendar
    except EtiError as exc:
        raise fail(exc) from exc
    with open_ledger(dept) as ledger:
        try:
            made = make_staff_reports(dept, ledger, year, clock=SystemClock(), staff=name,
                                      calendar=calendar)
        except EtiError as exc:
            raise fail(exc) from exc
    for path in made:
        click.echo(str(path))
