"""Time as a seam: the product asks a clock, tests hand it a fake one."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    """The machine's local time."""

    def now(self) -> dt.datetime:
        return dt.datetime.now().replace(microsecond=0)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: dt.datetime) -> None:
        self.current = start

    def now(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> dt.datetime:
        self.current += dt.timedelta(**delta)
        return self.current

    def set(self, when: dt.datetime) -> None:
        self.current = when


def today(clock: Clock) -> dt.date:
    return clock.now().date()
