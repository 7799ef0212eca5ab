"""The rows of a form as they were: every copy the ledger keeps, with when each stopped
being live, so that a stock reads each record as it stood at a past day (docs/FIGURES.md,
"As of the period's end"; :meth:`automation.processes.figures.RowSource.rows_as_of`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from automation.ledger.store import Ledger, LedgerRow


def row_history(ledger: Ledger, form: str) -> list[tuple[LedgerRow, str | None]]:
    """Every row of a form that was ever live (current or since superseded or replaced;
    archived rows left out), oldest first, each with the arrival time of what ended it
    (the superseding file's or the replacing row's, the earlier; None while it is live).
    A row that never was live (an older file's, arrived after a newer one) ends when it
    arrived."""
    ended: dict[int, str | None] = {}
    for r in ledger.conn.execute(
        "SELECT r.id, r.current, s.received_at, sup.received_at, rs.received_at "
        "FROM rows r JOIN submissions s ON s.id = r.submission_id "
        "LEFT JOIN submissions sup ON sup.id = s.superseded_by "
        "LEFT JOIN rows rep ON rep.id = r.replaced_by "
        "LEFT JOIN submissions rs ON rs.id = rep.submission_id "
        "WHERE r.form = ? AND r.archived_at IS NULL "
        "AND s.outcome IN ('accepted', 'superseded')", (form,)
    ):
        ends = [str(t) for t in (r[3], r[4]) if t]
        ended[int(r[0])] = None if r[1] else min(ends, default=str(r[2]))
    return [(row, ended[row.id]) for row in ledger.rows_where(
        "r.form = ? AND r.archived_at IS NULL", (form,)) if row.id in ended]


def row_directorates(ledger: Ledger, form: str) -> dict[int, str]:
    """The directorate of each row of a form ever live (archived left out), by id."""
    return {int(r[0]): str(r[1] or "") for r in ledger.conn.execute(
        "SELECT id, directorate FROM rows WHERE form = ? AND archived_at IS NULL", (form,))}
