"""Which copy of a record is current: the one describing the later time, not the one that
arrived last (docs/FIGURES.md, "Which record is current").

A file describes a time: its header's record date (a form's period) where it has one,
else the latest date in its rows (a Help Desk export is as of its latest ticket date).
When a file arrives whose time is before the time of the file a live row came from, the
older file never overwrites the newer values: a keyed row (a ticket) whose live row is
newer stays out of the registers, a copy of a list whose identity already has a newer
copy is kept as superseded by it. An older file still fills gaps: a keyed row with no
live row becomes live. The intake warns the sender (:mod:`automation.intake.inbox`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterable, Mapping

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def latest_day(datas: Iterable[Mapping[str, object]]) -> str:
    """The latest ISO date among the values of rows' data ("" when none has one)."""
    latest = ""
    for data in datas:
        for value in data.values():
            if isinstance(value, dt.date):  # a row not yet stored holds dates
                latest = max(latest, value.isoformat()[:10])
            elif type(value) is str and len(value) >= 10 and _ISO_DAY.fullmatch(value[:10]):
                latest = max(latest, value[:10])
    return latest


def described_day(period: str, datas: Iterable[Mapping[str, object]]) -> str:
    """The day a file describes: its header's record date, else its rows' latest date."""
    return period[:10] if period else latest_day(datas)


class DescribedDays:
    """The day each stored submission describes, worked out once per ledger connection
    (a submission's rows never change)."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}

    def of(self, conn: sqlite3.Connection, submission_id: int) -> str:
        found = self._days.get(submission_id)
        if found is None:
            row = conn.execute("SELECT period FROM submissions WHERE id = ?",
                               (submission_id,)).fetchone()
            period = str(row[0] or "") if row else ""
            found = described_day(period, (
                json.loads(r[0]) for r in conn.execute(
                    "SELECT data FROM rows WHERE submission_id = ?", (submission_id,))
            ) if not period else ())
            self._days[submission_id] = found
        return found

    def newer_live_keys(
        self, conn: sqlite3.Connection, form: str, keys: set[str], day: str
    ) -> dict[str, tuple[int, str]]:
        """The keys among ``keys`` whose live row comes from a file describing a later day
        than ``day``: key → (that row's id, the day its file describes)."""
        if not day or not keys:
            return {}
        newer: dict[str, tuple[int, str]] = {}
        wanted = sorted(keys)
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            for row_id, key, submission_id in conn.execute(
                "SELECT id, record_key, submission_id FROM rows WHERE form = ? AND current = 1 "
                f"AND record_key IN ({', '.join('?' * len(part))})", (form, *part)
            ):
                theirs = self.of(conn, int(submission_id))
                if theirs > day:
                    newer[str(key)] = (int(row_id), theirs)
        return newer

    def forget(self) -> None:
        """Drop what was worked out (a transaction rolled back: its ids may come again)."""
        self._days.clear()
