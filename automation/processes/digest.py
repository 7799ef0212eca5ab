"""The day's arrivals, as the head's daily digest prints them
(:mod:`automation.documents.letters`): the files received on a day, counted by outcome;
the accepted and the rejected ones; the processes whose registers they changed or that
wait to be written again. Counted here, so that the digest only formats them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from dataclasses import dataclass

from automation.catalog.forms import CATALOG
from automation.ledger.store import Ledger
from automation.processes import processes_fed_by
from automation.processes.returned import REJECTED

ACCEPTED = ("accepted", "superseded")
"""Outcomes of a file whose rows were taken (a superseded one was, until replaced)."""


@dataclass(frozen=True)
class DayArrivals:
    """What arrived on one day."""

    received: list[sqlite3.Row]
    """Every submission received that day, in the order received."""
    by_outcome: dict[str, int]
    """How many files had each outcome (an outcome absent: none)."""
    accepted: list[sqlite3.Row]
    rejected: list[sqlite3.Row]
    registers: list[tuple[str, bool]]
    """Each process whose register the day's accepted files feed, or that waits to be
    written again, in the catalog's order (unknown ones last): (code, still waiting)."""

    @property
    def total(self) -> int:
        return len(self.received)


def arrivals_on(ledger: Ledger, day: dt.date) -> DayArrivals:
    """The submissions received on ``day`` and what they changed."""
    start = dt.datetime.combine(day, dt.time())
    received = ledger.submissions_between(start, start + dt.timedelta(days=1))
    accepted = [s for s in received if s["outcome"] in ACCEPTED]
    changed = {p for s in accepted if s["form"] for p in processes_fed_by(str(s["form"]))}
    dirty = set(ledger.dirty_processes())
    order = {p.code: i for i, p in enumerate(CATALOG.processes)}
    return DayArrivals(
        received=received,
        by_outcome=dict(Counter(str(s["outcome"]) for s in received)),
        accepted=accepted,
        rejected=[s for s in received if s["outcome"] == REJECTED],
        registers=[(p, p in dirty)
                   for p in sorted(changed | dirty, key=lambda p: order.get(p, 99))],
    )
