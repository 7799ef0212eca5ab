"""The ledger's side of retention (``eti retention``, :mod:`automation.service.retention`):
the rows not yet archived, archiving them, and the submissions whose every row is.

The same statements on SQLite and PostgreSQL (no aggregate of a boolean, which
PostgreSQL has no ``SUM`` of).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple


class Unarchived(NamedTuple):
    """A row of an accepted (or since superseded) file not archived yet."""

    id: int
    submission_id: int
    data: str
    record_date: str | None
    current: int
    received_at: str
    original_name: str


def unarchived_rows(ledger: Any, form: str) -> Iterator[Unarchived]:
    """Every row of ``form`` not archived, of a file accepted or superseded, oldest first."""
    for row in ledger.conn.execute(
        "SELECT r.id, r.submission_id, r.data, r.record_date, r.current, s.received_at, "
        "s.original_name FROM rows r JOIN submissions s ON s.id = r.submission_id "
        "WHERE r.form = ? AND r.archived_at IS NULL "
        "AND s.outcome IN ('accepted', 'superseded') ORDER BY r.id",
        (form,),
    ):
        yield Unarchived(int(row[0]), int(row[1]), str(row[2]), row[3], int(row[4]),
                         str(row[5]), str(row[6]))


def archive_rows(conn: Any, form: str, stamp: str,
                 rows: Iterable[tuple[int, str, str]]) -> None:
    """Mark rows archived at ``stamp`` and note them in ``archive``: (row id, the date
    counted from, the archive workbook's path) each; a row archived already is left."""
    for row_id, since, workbook in rows:
        conn.execute(
            "UPDATE rows SET archived_at = ? WHERE id = ? AND archived_at IS NULL",
            (stamp, row_id),
        )
        conn.execute(
            "INSERT OR IGNORE INTO archive (row_id, form, record_date, archived_at, workbook) "
            "VALUES (?, ?, ?, ?, ?)",
            (row_id, form, since, stamp, workbook),
        )


def fully_archived(ledger: Any) -> list[tuple[int, str, str | None]]:
    """(submission id, stored path, latest record date archived) of the processed files
    whose rows are all archived."""
    sql = (
        "SELECT s.id, s.stored_path, MAX(a.record_date) FROM submissions s "
        "JOIN rows r ON r.submission_id = s.id LEFT JOIN archive a ON a.row_id = r.id "
        "WHERE s.stored_path LIKE 'inbox/processed/%' GROUP BY s.id, s.stored_path "
        "HAVING SUM(CASE WHEN r.archived_at IS NULL THEN 1 ELSE 0 END) = 0 ORDER BY s.id"
    )
    return [(int(r[0]), str(r[1]), None if r[2] is None else str(r[2]))
            for r in ledger.conn.execute(sql)]


def archived_state(ledger: Any, submission_id: int) -> list[tuple[int, bool]]:
    """(row id, archived already) of every row of a submission."""
    return [(int(r[0]), r[1] is not None) for r in ledger.conn.execute(
        "SELECT id, archived_at FROM rows WHERE submission_id = ?", (submission_id,))]
