"""When each period report was written, and the records of its period that arrived after
(issue 24; :mod:`automation.documents.reissue` says what they mean). A part of
:class:`automation.ledger.store.Ledger` (a mixin: the same methods, on the ledger's
connection).

Table ``report_issues`` (migration ``006_report_issues``): one row per report kind and
period (its slug), the first and the latest time it was written after the period ended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any


class ReportIssues:
    """Period reports issued, records arrived late (see the module doc)."""

    conn: Any
    transaction: Callable[[], AbstractContextManager[Any]]  # the Ledger's

    def report_issue(self, kind: str, period: str) -> tuple[str, str] | None:
        """(first, latest) time the report ``kind`` of ``period`` (its slug) was written
        after the period ended; None when it never was."""
        row = self.conn.execute(
            "SELECT first_issued_at, issued_at FROM report_issues WHERE kind = ? AND period = ?",
            (kind, period)).fetchone()
        return (str(row[0]), str(row[1])) if row else None

    def report_issues(self) -> list[tuple[str, str, str, str]]:
        """Every (kind, period, first issued, latest issued), by period and kind."""
        return [(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in self.conn.execute(
            "SELECT kind, period, first_issued_at, issued_at FROM report_issues "
            "ORDER BY period, kind")]

    def record_report_issue(self, kind: str, period: str, when: dt.datetime) -> None:
        """The report ``kind`` of ``period`` written (again) at ``when``."""
        stamp = when.isoformat(timespec="seconds")
        with self.transaction() as conn:
            if not conn.execute(
                    "UPDATE report_issues SET issued_at = ? WHERE kind = ? AND period = ?",
                    (stamp, kind, period)).rowcount:
                conn.execute(
                    "INSERT INTO report_issues (kind, period, first_issued_at, issued_at) "
                    "VALUES (?, ?, ?, ?)", (kind, period, stamp, stamp))

    def latest_arrival(self) -> str:
        """When the last accepted file arrived (its ``received_at``), "" before any."""
        row = self.conn.execute(
            "SELECT MAX(received_at) FROM submissions "
            "WHERE outcome IN ('accepted', 'superseded')").fetchone()
        return str(row[0] or "") if row else ""

    def late_records(
        self, forms: tuple[str, ...] | None, start: dt.date, end: dt.date, after: str
    ) -> int:
        """Records of ``forms`` (None: every form) dated from ``start`` to ``end`` that
        arrived after ``after`` (an ISO time): live rows whose file arrived then; a keyed
        row (a ticket sent again in a later export) not counted when a row with its key had
        arrived by then."""
        where = ""
        params: list[object] = [start.isoformat(), end.isoformat(), after]
        if forms is not None:
            if not forms:
                return 0
            where = f"AND r.form IN ({', '.join('?' * len(forms))}) "
            params += list(forms)
        params.append(after)
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM rows r JOIN submissions s ON s.id = r.submission_id "
            "WHERE r.current = 1 AND r.archived_at IS NULL "
            "AND r.record_date >= ? AND r.record_date <= ? AND s.received_at > ? " + where +
            "AND (r.record_key IS NULL OR NOT EXISTS (SELECT 1 FROM rows o "
            "JOIN submissions os ON os.id = o.submission_id WHERE o.form = r.form "
            "AND o.record_key = r.record_key AND os.received_at <= ?))",
            tuple(params)).fetchone()[0])
