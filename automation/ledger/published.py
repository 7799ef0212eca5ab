"""Published figures: the directorate's figures where the ministry's own tools read them.

After each batch that changed the ledger, the figures of the current and the previous
quarter and of the current and the previous year are computed once
(:mod:`automation.processes.publish`) and upserted into ``published_figures``;
the view ``eti_figures`` shows them (directorate, period, process, figure key, Arabic
label, value, computed at). On a shared PostgreSQL ledger a ministry login reads every
directorate's with any client (psql, Excel through ODBC, Metabase, Superset); on SQLite
the same table and view are in the department's file. See docs/SHARED-DATABASE.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple


class PublishedFigure(NamedTuple):
    """One line of ``eti_figures``."""

    period: str
    process: str
    figure: str
    """The figure's stable key (``p1.devices_repaired``), or its label when it has none."""
    label: str
    value: float | None


def upsert(ledger: Any, lines: Iterable[PublishedFigure], directorate: str,
           computed_at: dt.datetime) -> int:
    """Replace the directorate's published lines of these periods by ``lines``, in one
    transaction (a reader sees the old figures or the new, never half)."""
    lines = list(lines)
    stamp = computed_at.isoformat(timespec="seconds")
    periods = sorted({line.period for line in lines})
    with ledger.transaction() as conn:
        for period in periods:
            conn.execute("DELETE FROM published_figures WHERE period = ?", (period,))
        conn.executemany(
            "INSERT INTO published_figures (period, process, figure, label, value, "
            "computed_at, directorate) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*line, stamp, directorate) for line in lines])
    return len(lines)


def published(ledger: Any, period: str | None = None) -> list[tuple[Any, ...]]:
    """What ``eti_figures`` shows this connection (a period's, or every one)."""
    sql = ("SELECT directorate, period, process, figure_key, label_ar, value, computed_at "
           "FROM eti_figures")
    params: tuple[object, ...] = ()
    if period is not None:
        sql += " WHERE period = ?"
        params = (period,)
    return [tuple(r) for r in ledger.conn.execute(
        sql + " ORDER BY directorate, period, process, figure_key", params)]
