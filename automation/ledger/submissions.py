"""The ledger's answers about the files received (table ``submissions``): the copies of
one content, the last arrival, whether any arrived, a file by its claim or id, the files
of a day or of some forms, a file's problems.

Each takes the ledger's connection; the same statements run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any, NamedTuple


class Arrival(NamedTuple):
    """A file received for a form (accepted, superseded or rejected): who sent it, for
    which record date (``period``, empty for a rejected file) and when."""

    id: int
    form: str
    school: str
    period: str
    received_at: str
    outcome: str


class Copy(NamedTuple):
    """A file recorded with a given content: its id, outcome and the first copy it
    repeats (None unless a duplicate)."""

    id: int
    outcome: str
    duplicate_of: int | None


def copies_of(conn: Any, sha256: str) -> list[Copy]:
    """Every file recorded with these exact bytes, the latest first."""
    return [Copy(int(r[0]), str(r[1]), None if r[2] is None else int(r[2]))
            for r in conn.execute(
                "SELECT id, outcome, duplicate_of FROM submissions WHERE sha256 = ? "
                "ORDER BY id DESC", (sha256,))]


def last_received(conn: Any) -> str:
    """When the last file of any outcome arrived (``received_at``), "" before any."""
    row = conn.execute("SELECT MAX(received_at) FROM submissions").fetchone()
    return str(row[0] or "") if row else ""


def any_received(conn: Any) -> bool:
    """Whether the ledger records any file at all."""
    return conn.execute("SELECT 1 FROM submissions LIMIT 1").fetchone() is not None


class SubmissionReads:
    """The files received, read back (a part of :class:`automation.ledger.store.Ledger`:
    the same methods, on the ledger's connection)."""

    conn: Any

    def by_claim(self, claim_id: str) -> sqlite3.Row | None:
        """The submission recorded for a claimed file, if its commit happened."""
        return self.conn.execute(
            "SELECT * FROM submissions WHERE claim_id = ?", (claim_id,)
        ).fetchone()

    def set_stored_path(self, submission_id: int, stored_path: str) -> None:
        self.conn.execute(
            "UPDATE submissions SET stored_path = ? WHERE id = ?", (stored_path, submission_id)
        )

    def submission(self, submission_id: int) -> sqlite3.Row | None:
        return self.conn.execute(
            "SELECT * FROM submissions WHERE id = ?", (submission_id,)
        ).fetchone()

    def submissions_between(self, start: dt.datetime, end: dt.datetime) -> list[sqlite3.Row]:
        return list(
            self.conn.execute(
                "SELECT * FROM submissions WHERE received_at >= ? AND received_at < ? ORDER BY id",
                (start.isoformat(timespec="seconds"), end.isoformat(timespec="seconds")),
            )
        )

    def arrivals(self, forms: tuple[str, ...]) -> list[Arrival]:
        """Every file received for ``forms`` that was accepted, later superseded or
        rejected, in the order received (who has not sent: issue 25)."""
        if not forms:
            return []
        marks = ", ".join("?" * len(forms))
        return [
            Arrival(int(r[0]), str(r[1]), str(r[2] or ""), str(r[3] or ""), str(r[4]), str(r[5]))
            for r in self.conn.execute(
                "SELECT id, form, school, period, received_at, outcome FROM submissions "
                f"WHERE form IN ({marks}) AND outcome IN ('accepted', 'superseded', 'rejected') "
                "ORDER BY received_at, id",
                forms,
            )
        ]

    def problems_of(self, submission_id: int) -> list[sqlite3.Row]:
        return list(
            self.conn.execute(
                "SELECT * FROM problems WHERE submission_id = ? ORDER BY id", (submission_id,)
            )
        )
