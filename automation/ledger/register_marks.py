"""Which registers a department must write again, on a shared PostgreSQL ledger.

On its own SQLite file a department notes the registers to regenerate in
``dirty_registers`` and clears them once written. Several departments of one
directorate share a PostgreSQL ledger but each keeps its own registers, so one of them
clearing a note would leave the others' registers behind. There a note is a count per
register (``registers-P1``… in ``sequences``, per directorate), bumped by every change;
each department keeps the counts its registers were last written at, in its own
``data/registers-seen.json``, and a register is to write again while its count is
ahead of that.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from automation.core.department import Department

MARK = "registers-"
"""The name of a register's count in ``sequences``: ``registers-P1``."""


class RegisterMarks:
    """The counts of one department's registers (``dept`` None: a tool's view of the
    database, whose counts are kept in memory)."""

    def __init__(self, dept: Department | None) -> None:
        self.path = None if dept is None else dept.data / "registers-seen.json"
        self._memory: dict[str, int] = {}
        self._counts: dict[str, int] | None = None

    def mark(self, conn: Any, processes: tuple[str, ...],
             next_sequence: Callable[[Any, str], int]) -> None:
        for process in dict.fromkeys(processes):
            next_sequence(conn, MARK + process)

    def dirty(self, conn: Any) -> list[str]:
        """The registers whose count is ahead of this department's (the counts read are
        what :meth:`clear` records)."""
        self._counts = {str(name)[len(MARK):]: int(value) for name, value in conn.execute(
            "SELECT name, value FROM sequences WHERE name LIKE ?", (MARK + "%",))}
        seen = self.seen()
        return sorted(p for p, count in self._counts.items() if count > seen.get(p, 0))

    def clear(self, conn: Any, processes: list[str]) -> None:
        """These registers are written: as of the counts last read."""
        if self._counts is None:
            self.dirty(conn)
        counts = self._counts or {}
        seen = self.seen() | {p: counts[p] for p in processes if p in counts}
        if self.path is None:
            self._memory = seen
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(seen, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)

    def seen(self) -> dict[str, int]:
        """The counts this department's registers were last written at."""
        if self.path is None:
            return dict(self._memory)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}
