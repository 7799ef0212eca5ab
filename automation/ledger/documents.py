"""The ledger's side of the documents written (table ``documents``): which are still
owed, which file is recorded as which document, and the day's list for the digest
(:mod:`automation.documents.pending`, :mod:`automation.documents.outbox` and
:mod:`automation.documents.letters` ask through these operations; a document is
recorded by :meth:`automation.ledger.store.Ledger.record_document`).

Each takes the ledger's connection; the same statements run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple


class DocumentRecord(NamedTuple):
    """A document written: its kind, path (relative to the department) and time."""

    kind: str
    path: str
    created_at: str


def submissions_without(conn: Any, outcome: str, kind: str,
                        forms: Sequence[str] = ()) -> list[int]:
    """The submissions of ``outcome`` (of ``forms``, when given) with no document of
    ``kind`` yet, by id; a rejected file must name its school (a letter goes to it)."""
    sql = (
        "SELECT s.id FROM submissions s WHERE s.outcome = ? "
        "AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.submission_id = s.id AND d.kind = ?)"
    )
    params: list[object] = [outcome, kind]
    if forms:
        sql += f" AND s.form IN ({', '.join('?' for _ in forms)})"
        params += list(forms)
    if outcome == "rejected":
        sql += " AND COALESCE(s.school, '') != ''"
    return [int(r[0]) for r in conn.execute(sql + " ORDER BY s.id", params)]


def has_document(conn: Any, submission_id: int, kind: str) -> bool:
    """Whether the submission has its document of ``kind``."""
    return conn.execute(
        "SELECT 1 FROM documents WHERE submission_id = ? AND kind = ?", (submission_id, kind)
    ).fetchone() is not None


def is_recorded(conn: Any, path: str) -> bool:
    """Whether the file at ``path`` (relative to the department) is a recorded document."""
    return conn.execute("SELECT 1 FROM documents WHERE path = ?", (path,)).fetchone() \
        is not None


def recorded_as(conn: Any, path: str) -> list[tuple[str, int | None]]:
    """(kind, submission id) of every document recorded at ``path``."""
    return [(str(r[0]), None if r[1] is None else int(r[1])) for r in conn.execute(
        "SELECT kind, submission_id FROM documents WHERE path = ?", (path,))]


def written_between(conn: Any, start: dt.datetime, end: dt.datetime) -> list[DocumentRecord]:
    """The documents written from ``start`` to before ``end``, in the order written."""
    return [DocumentRecord(str(r[0]), str(r[1]), str(r[2])) for r in conn.execute(
        "SELECT kind, path, created_at FROM documents WHERE created_at >= ? "
        "AND created_at < ? ORDER BY id",
        (start.isoformat(timespec="seconds"), end.isoformat(timespec="seconds")))]
