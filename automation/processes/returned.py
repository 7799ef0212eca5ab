"""Forms returned to schools: the submissions rejected (sent back with their errors),
counted by school for the quarterly report's «النماذج المعادة إلى المدارس»."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from automation.core.periods import Period
from automation.ledger.store import Ledger
from automation.processes.figures import RowSource

REJECTED = "rejected"


@dataclass(frozen=True)
class SchoolReturns:
    """A school's submissions rejected in a period ("" where the file named no school)."""

    school: str
    count: int


def rejected_by_school(ledger: Ledger | RowSource, period: Period) -> list[SchoolReturns]:
    """The submissions received in the period and rejected, per school: most first, the
    files that named no school after the others with as many, then by name."""
    base = ledger.ledger if isinstance(ledger, RowSource) else ledger
    start = dt.datetime.combine(period.start, dt.time())
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time())
    counts = Counter(str(s["school"] or "") for s in base.submissions_between(start, end)
                     if s["outcome"] == REJECTED)
    return [SchoolReturns(school, n) for school, n in sorted(
        counts.items(), key=lambda kv: (-kv[1], kv[0] == "", kv[0]))]
