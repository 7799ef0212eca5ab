"""Which registers a department must write again: one mechanism on SQLite and PostgreSQL.

A note is a count per register (``registers-P1``… in ``sequences``, per directorate on
a shared database), bumped in the same transaction as every change that feeds it; each
department keeps the counts its registers were last written at, in its own
``data/registers-seen.json``, and a register is to write again while its count is ahead
of that. So several departments of one directorate sharing a PostgreSQL ledger each
rewrite their own registers (one clearing a note leaves the others' notes), and a
department alone on its SQLite file works the same way. A ledger with no department
(a tool's view, a test's file) keeps its counts seen in memory.

A SQLite file from before kept its notes as rows of ``dirty_registers``: they become
counts when it is opened (:meth:`RegisterMarks.adopt`). Restoring a backup forgets the
counts seen (:meth:`RegisterMarks.forget`): every register is then written again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from automation.core.department import Department

MARK = "registers-"
"""The name of a register's count in ``sequences``: ``registers-P1``."""
SEEN_FILE = "registers-seen.json"
"""In the department's ``data/``: the counts its registers were last written at."""


class RegisterMarks:
    """The counts of one department's registers (``dept`` None: counts seen kept in
    memory)."""

    def __init__(self, dept: Department | None) -> None:
        self.path = None if dept is None else dept.data / SEEN_FILE
        self._memory: dict[str, int] = {}
        self._counts: dict[str, int] | None = None

    def mark(self, conn: Any, processes: tuple[str, ...],
             next_sequence: Callable[[Any, str], int]) -> None:
        for process in dict.fromkeys(processes):
            next_sequence(conn, MARK + process)

    def adopt(self, conn: Any, transaction: Callable[[], AbstractContextManager[Any]],
              next_sequence: Callable[[Any, str], int]) -> None:
        """A SQLite file's notes from before (rows of ``dirty_registers``) become counts."""
        if conn.execute("SELECT 1 FROM dirty_registers LIMIT 1").fetchone() is None:
            return
        with transaction() as tx:
            old = tuple(str(r[0]) for r in tx.execute("SELECT process FROM dirty_registers"))
            self.mark(tx, old, next_sequence)
            tx.execute("DELETE FROM dirty_registers")

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

    def forget(self) -> None:
        """No register counted as written (a ledger restored: write them all again)."""
        self._memory = {}
        self._counts = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)


class Marks:
    """The ledger's side of :class:`RegisterMarks` (a part of
    :class:`automation.ledger.store.Ledger`)."""

    conn: Any
    marks: RegisterMarks

    if TYPE_CHECKING:
        def next_sequence(self, conn: Any, name: str) -> int: ...  # the Ledger's

    def mark_dirty(self, conn: Any, processes: tuple[str, ...]) -> None:
        """Note registers to regenerate (inside the change's transaction); kept until
        they are written, across crashes."""
        self.marks.mark(conn, processes, self.next_sequence)

    def dirty_processes(self) -> list[str]:
        """The registers to write again, by process."""
        return self.marks.dirty(self.conn)

    def clear_dirty(self, processes: list[str]) -> None:
        """These registers are written (as of the marks :meth:`dirty_processes` read)."""
        self.marks.clear(self.conn, processes)
