"""``eti figures``: every process's figures, the QF12-1 indicators and the plan lines of a
period — the very numbers the registers and documents print; with ``--all-directorates``,
every directorate's and their total (:mod:`automation.processes.ministry`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from automation.cli.options import ROOT, fail, period_option, read_period
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.ledger.open import open_ledger

if TYPE_CHECKING:
    from automation.processes import FigureSet
    from automation.processes.ministry import MinistryFigures


@click.command()
@ROOT
@period_option(required=True)
@click.option("--json", "as_json", is_flag=True,
              help="Print the figures as one JSON object (each process figure with its "
              "stable \"key\", its Arabic \"label\" and its \"value\").")
@click.option("--all-directorates", "every", is_flag=True,
              help="Every directorate of the shared ledger, each apart, and their total "
              "(the ministry's view; on SQLite the department's one directorate).")
def figures(root: Path, period_text: str, as_json: bool, every: bool) -> None:
    """Every process's figures, indicator and plan line for a period."""
    from automation.catalog.reference import load_references
    from automation.core.settings import load_settings
    from automation.processes import compute_figures
    from automation.processes.figures import RowSource
    from automation.processes.ministry import ministry_figures

    dept = Department.at(root)
    try:
        calendar = load_settings(dept).department.calendar
        period = read_period(period_text, calendar)
        if every:
            ministry = ministry_figures(dept, period, calendar)
        else:
            with open_ledger(dept) as ledger:
                result = compute_figures(RowSource(ledger, shared=False), period,
                                         load_references(dept), calendar)
    except EtiError as exc:
        raise fail(exc) from exc
    if every:
        if as_json:
            click.echo(json.dumps(ministry.to_json(), ensure_ascii=False, indent=2))
            return
        click.echo(f"{period.label_ar}  ({period.start} – {period.end})")
        _show_ministry(ministry)
        return
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{period.label_ar}  ({period.start} – {period.end})")
    _show(result)


def _show(result: FigureSet) -> None:
    """One set of figures as ``eti figures`` prints it."""
    from automation.processes import indicator_kind
    from automation.processes.figures import Figure

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
                   f"{line.indicator}: {line.achieved_text} / {line.target_text} ({pct})")
        if line.warning:
            click.echo(f"    تنبيه: {line.warning}")


def _show_ministry(ministry: MinistryFigures) -> None:
    """Each figure and indicator on one line: its value in every directorate, then the
    total (a plan belongs to its directorate: ``eti figures`` there shows its lines)."""
    from automation.processes.figures import Figure
    from automation.processes.ministry import TOTAL_AR, label

    sets = [(label(name), found) for name, found in ministry.directorates.items()]
    sets.append((TOTAL_AR, ministry.total))

    def line(name: str, figures: list[Figure | None]) -> str:
        values = " | ".join(f"{who} {f.text if f else '—'}"
                            for (who, _), f in zip(sets, figures, strict=True))
        return f"  {name}: {values}"

    for code, items in ministry.total.processes.items():
        click.echo(f"\n{code} {_title(code)}")
        for figure in items:
            click.echo(line(figure.label, [
                next((f for f in found.processes.get(code, []) if f.key == figure.key), None)
                for _, found in sets]))
    click.echo("\nمؤشرات الخطة السنوية (QF12-1)")
    for name in ministry.total.indicators:
        click.echo(line(name, [row for _, row in ministry.indicator_rows(name)]))


def _title(code: str) -> str:
    from automation.catalog.forms import CATALOG

    return CATALOG.process(code).title_ar


def register(group: click.Group) -> None:
    group.add_command(figures)
