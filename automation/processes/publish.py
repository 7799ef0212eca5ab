"""Publishing a directorate's figures after a batch: the current and the previous
quarter and year, computed once (:func:`automation.processes.compute_figures`, the rows
read once for the four periods; in one of the batch's workers while the batch makes its
documents, when it has workers) and written where the ministry's tools read them
(:mod:`automation.ledger.published`: the table ``published_figures``, the view
``eti_figures``). See docs/SHARED-DATABASE.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import Future
from decimal import Decimal
from typing import Any

from automation.ledger.published import PublishedFigure, upsert

log = logging.getLogger(__name__)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None if value is None else float(value)
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    return None


def figure_lines(figure_set: Any) -> list[PublishedFigure]:
    """The lines of one period's :class:`~automation.processes.FigureSet`: each process
    figure by its key (``Figure.key``; its label where a figure has none)."""
    period = str(figure_set.period.slug)
    lines: dict[tuple[str, str], PublishedFigure] = {}
    for process, figures in figure_set.processes.items():
        for figure in figures:
            key = str(getattr(figure, "key", "") or figure.label)
            lines.setdefault((process, key), PublishedFigure(
                period, process, key, str(figure.label), _number(figure.value)))
    for name, value in figure_set.indicators.items():
        lines.setdefault(("INDICATORS", name), PublishedFigure(
            period, "INDICATORS", name, name, _number(value)))
    return list(lines.values())


def periods_around(day: dt.date, calendar: Any) -> list[Any]:
    """The current and the previous quarter, the current and the previous year."""
    from automation.core.periods import previous_quarter, quarter_of

    start = calendar.quarter_start_month
    year, number = quarter_of(day, start)
    before = previous_quarter(day, start)
    return [calendar.quarter(year, number), calendar.quarter(*before),
            calendar.year(year), calendar.year(year - 1)]


def lines_around(ledger: Any, day: dt.date, calendar: Any,
                 references: object = None) -> list[PublishedFigure]:
    """The lines of :func:`periods_around` ``day`` (the rows read once for the four)."""
    from automation.processes import compute_figures
    from automation.processes.figures import RowSource  # the package imports this module

    source = RowSource(ledger, shared=False)
    lines: list[PublishedFigure] = []
    for period in periods_around(day, calendar):
        lines += figure_lines(compute_figures(source, period, references, calendar))
    return lines


def lines_in_worker(dept: Any, day: dt.date, calendar: Any,
                    references: object = None) -> list[PublishedFigure]:
    """:func:`lines_around` in one of a batch's worker processes (its own connection to
    the ledger), while the batch process makes the documents."""
    from automation.ledger.open import open_ledger

    with open_ledger(dept) as ledger:
        return lines_around(ledger, day, calendar, references)


def after_batch(ledger: Any, settings: Any, references: object, now: dt.datetime,
                worked_out: Future[list[PublishedFigure]] | None = None) -> None:
    """Publish after a batch that changed the ledger (the intake pipeline's last step
    with it), from the lines a worker ``worked_out`` when there is one; a failure is
    logged and waits for the next batch, never stops this one."""
    try:
        lines = worked_out.result() if worked_out is not None else None
    except Exception as exc:  # noqa: BLE001 - a worker gone: worked out here instead
        log.warning("a worker did not work out the figures (%s); here instead", exc)
        lines = None
    try:
        if lines is None:
            lines = lines_around(ledger, now.date(), settings.department.calendar, references)
        count = upsert(ledger, lines, settings.department.directorate, now)
    except Exception as exc:  # noqa: BLE001 - the figures are published again next batch
        log.warning("the figures were not published (next batch tries again): %s: %s",
                    type(exc).__name__, exc)
        return
    log.debug("published %d figure lines", count)


def start_in(executor: Any, dept: Any, settings: Any, references: object,
             now: dt.datetime) -> Future[list[PublishedFigure]] | None:
    """The figures handed to a batch's worker (:func:`lines_in_worker`); None when the
    workers are gone (then :func:`after_batch` works them out itself)."""
    try:
        return executor.submit(  # type: ignore[no-any-return]
            lines_in_worker, dept, now.date(), settings.department.calendar, references)
    except Exception:  # noqa: BLE001 - a broken or stopped pool
        return None
