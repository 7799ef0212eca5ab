"""The ledger's small records: named counters (``sequences``: outgoing numbers, register
marks), the scheduled jobs' last runs (``job_runs``) and the documents written
(``documents``). A part of :class:`automation.ledger.store.Ledger` (a mixin: the same
methods, on the ledger's connection).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any


class Bookkeeping:
    """Sequences, job runs and documents (see the module doc)."""

    conn: Any

    def next_sequence(self, conn: sqlite3.Connection, name: str) -> int:
        conn.execute(
            "INSERT INTO sequences (name, value) VALUES (?, 1) "
            "ON CONFLICT(name) DO UPDATE SET value = sequences.value + 1",
            (name,),
        )
        return int(
            conn.execute("SELECT value FROM sequences WHERE name = ?", (name,)).fetchone()[0]
        )

    def job_run(self, job: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM job_runs WHERE job = ?", (job,)).fetchone()

    def record_job(self, job: str, when: dt.datetime, error: str = "") -> None:
        stamp = when.isoformat(timespec="seconds")
        self.conn.execute(
            "INSERT INTO job_runs (job, last_run, last_ok, last_error) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(job) DO UPDATE SET last_run = excluded.last_run, "
            "last_ok = COALESCE(excluded.last_ok, job_runs.last_ok), "
            "last_error = excluded.last_error",
            (job, stamp, None if error else stamp, error),
        )

    def record_document(
        self, kind: str, path: str, when: dt.datetime, submission_id: int | None = None
    ) -> None:
        self.conn.execute(
            "INSERT INTO documents (kind, path, created_at, submission_id) VALUES (?, ?, ?, ?)",
            (kind, path, when.isoformat(timespec="seconds"), submission_id),
        )

    def move_document(self, old: str, new: str) -> None:
        """A document's file moved (an earlier copy to ``outbox/.previous/``): its record
        follows it."""
        self.conn.execute("UPDATE documents SET path = ? WHERE path = ?", (new, old))

    def set_decision_document(self, decision_id: int, path: str) -> None:
        """The document of a decision now at ``path`` (a void one written again)."""
        self.conn.execute("UPDATE decisions SET document = ? WHERE id = ?", (path, decision_id))
