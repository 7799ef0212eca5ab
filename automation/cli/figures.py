"""``eti figures``: every process's figures, the QF12-1 indicators and the plan lines of a
period — the very numbers the registers and documents print."""

from __future__ import annotations

import json
from pathlib import Path

import click

from automation.cli.options import ROOT, fail
from automation.core.department import Department
from automation.core.errors import EtiError


@click.command()
@ROOT
@click.option("--period", "text", required=True,
              help="A quarter (2026-Q1), a year (2026) or a school year (2025/2026).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def figures(root: Path, text: str, as_json: bool) -> None:
    """Every process's figures, indicator and plan line for a period."""
    from automation.catalog.reference import load_references
    from automation.core.periods import parse_period
    from automation.core.settings import load_settings
    from automation.ledger.store import Ledger
    from automation.processes import compute_figures, indicator_kind
    from automation.processes.figures import Figure, RowSource

    dept = Department.at(root)
    try:
        calendar = load_settings(dept).department.calendar
        try:
            period = parse_period(text, calendar)
        except ValueError as exc:
            raise click.BadParameter(
                f"اكتب الفترة ربعاً (2026-Q1) أو سنة (2026) أو عاماً دراسياً (2025/2026).\n{exc}",
                param_hint="--period") from exc
        with Ledger(dept.ledger_path) as ledger:
            result = compute_figures(RowSource(ledger, shared=False), period,
                                     load_references(dept), calendar)
    except EtiError as exc:
        raise fail(exc) from exc
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{period.label_ar}  ({period.start} – {period.end})")
    for code, items in result.processes.items():
        click.echo(f"\n{code} {_title(code)}")
        for figure in items:
            click.echo(f"  {figure.label}: {figure.text}")
    click.echo("\nمؤشرات الخطة السنوية (QF12-1)")
    for name, value in result.indicators.items():
        click.echo(f"  {name}: {Figure(name, indicator_kind(name), value).text}")  # type: ignore[arg-type]
    if result.plan:
        click.echo("\nأسطر الخطة التي تغطي الفترة")
    for line in result.plan:
        pct = "—" if line.pct is None else f"{line.pct}%"
        click.echo(f"  {line.process} {line.year} {line.quarter}: {line.activity} — "
                   f"{line.indicator}: {line.achieved_text} / {line.target} ({pct})")
        if line.warning:
            click.echo(f"    تنبيه: {line.warning}")


def _title(code: str) -> str:
    from automation.catalog.forms import CATALOG

    return CATALOG.process(code).title_ar


def register(group: click.Group) -> None:
    group.add_command(figures)
