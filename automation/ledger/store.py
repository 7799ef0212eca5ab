"""The ledger: the one source of truth for every submission and row.

Registers and documents are derived from it. It lives in the department's SQLite
file (the default: nothing to install) or in a shared PostgreSQL database
(:mod:`automation.ledger.postgres`; :func:`automation.ledger.open.open_ledger` chooses from
``[ledger] url`` or ``ETI_LEDGER_URL``), with the same statements, schema and migrations
(:mod:`automation.ledger.schema`; what differs: :mod:`automation.ledger.dialect`). All the
product's SQL is in :mod:`automation.ledger`: other rooms call named operations (here,
and per concern in its modules: decisions, outgoing, documents, submissions…). Backups,
restore and the check of the SQLite file itself are :mod:`automation.ledger.backup`.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TypeVar

from automation.core.errors import LedgerError
from automation.ledger import guard, postgres, record_time, schema
from automation.ledger.bookkeeping import Bookkeeping
from automation.ledger.dialect import Dialect
from automation.ledger.register_marks import Marks, RegisterMarks
from automation.ledger.report_issues import ReportIssues
from automation.ledger.row_json import ROWS_PER_PARSE, no_cycle_collection, parse_rows, to_json
from automation.ledger.submissions import Arrival as Arrival
from automation.ledger.submissions import SubmissionReads

T = TypeVar("T")

@dataclass
class SubmissionRecord:
    """What the ledger keeps of one received file."""

    original_name: str
    sha256: str
    size: int
    received_at: dt.datetime
    outcome: str
    form: str = ""
    workbook_id: str = ""
    school: str = ""
    period: str = ""
    identity: str = ""
    header: dict[str, object] = field(default_factory=dict)
    stored_path: str = ""
    duplicate_of: int | None = None
    claim_id: str = ""


@dataclass
class RowRecord:
    """One accepted row with its provenance."""

    sheet: str
    row_number: int
    data: dict[str, object]
    record_key: str | None = None
    record_date: str | None = None
    school: str = ""
    encoded: str = ""

    def json(self) -> str:
        """The row's values as the ledger stores them (encoded once, where it was made)."""
        return self.encoded or to_json(self.data)


_CURRENT = "r.form = ? AND r.current = 1 AND r.archived_at IS NULL"
"""The rows of a form the registers show (``r`` standing for the rows table)."""

class LedgerRow(NamedTuple):
    """A row read back from the ledger with where it came from (a named tuple: the
    registers read a hundred thousand of them at once)."""

    id: int
    submission_id: int
    form: str
    sheet: str
    row_number: int
    data: dict[str, object]
    record_date: str | None
    school: str
    original_name: str
    received_at: str
    decision_id: int | None


@dataclass(frozen=True)
class CommitResult:
    submission_id: int
    superseded: tuple[int, ...]
    rows_replaced: int
    older: tuple[int, str] | None = None
    """Rows of an older file left out (a newer file's values kept), and the day the newer
    file describes (:mod:`automation.ledger.record_time`); None when nothing was."""


_RETRIES = 5
"""Times a write transaction on PostgreSQL is tried when the server aborts it."""


class Ledger(Bookkeeping, Marks, ReportIssues, SubmissionReads):
    """A connection to the ledger; use as a context manager.

    Opened by :meth:`sqlite` (a department's file) or :meth:`postgres` (a shared
    database), which read nothing else; :func:`automation.ledger.open.open_ledger`
    alone reads the department's settings and the environment to choose."""

    @classmethod
    def sqlite(cls, path: Path, *, directorate: str = "") -> Ledger:
        """The SQLite ledger in the file ``path`` (created for a new department)."""
        return cls(path, url="", directorate=directorate)

    @classmethod
    def postgres(cls, url: str, directorate: str, *, path: Path | None = None) -> Ledger:
        """The PostgreSQL ledger at ``url`` seen as ``directorate``; ``path``: where the
        department's SQLite file would be (its folder keeps its register marks), None
        for a tool's view of the database."""
        if not url.strip():
            raise ValueError("a PostgreSQL ledger needs its address")
        return cls(Path(os.devnull) if path is None else path, url=url,
                   directorate=directorate)

    def __init__(self, path: Path, *, url: str = "", directorate: str = "") -> None:
        """Open (or, for a new department, create) the ledger.

        ``path`` is the department's SQLite file; with a PostgreSQL ``url`` the ledger
        is that database instead, seen as ``directorate``. Nothing else is read: not the
        department's settings, not the environment (``ETI_LEDGER_URL`` is
        :func:`automation.ledger.open.open_ledger`'s). A department's SQLite ledger that is missing,
        0 bytes or emptied while the department has a history is refused
        (:mod:`automation.ledger.guard`), as is a damaged one: both with the message
        naming the backup to restore.
        """
        self.path = path
        self.directorate = directorate
        self.url = url.strip()
        self.dialect = Dialect.POSTGRESQL if self.url else Dialect.SQLITE
        self._savepoints = 0
        self.described = record_time.DescribedDays()
        self.marks = RegisterMarks(guard.department_of(path))
        if self.url:
            self._open_postgres()
            return
        guard.refuse_if_lost(path)
        conn: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            self.conn = conn
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            self.applied_on_open = self.migrate()
            guard.refuse_if_emptied(path, conn)
            self.marks.adopt(conn, self.transaction, self.next_sequence)
        except BaseException as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, (sqlite3.Error, OSError)):
                raise guard.unusable(path, exc) from exc
            raise

    def _open_postgres(self) -> None:
        try:
            conn = postgres.PgConnection(self.url, self.directorate)
        except ImportError as exc:
            raise LedgerError(
                "the ledger is set to PostgreSQL but psycopg is not installed: "
                "pip install \"eti-automation[postgresql]\"",
                "قاعدة البيانات المشتركة مطلوبة لكن مكتبة الاتصال بها غير مثبتة؛ "
                "اطلب من مسؤول الأنظمة تثبيتها.",
                code="ledger-driver-missing",
            ) from exc
        except Exception as exc:
            if postgres.is_unreachable(exc):
                raise postgres.unreachable(self.url, exc) from exc
            raise
        self.conn = conn  # type: ignore[assignment]
        try:
            self.applied_on_open = self.migrate()
            conn.check_directorate(self.directorate)  # the login decides (logins.py)
        except BaseException as exc:
            conn.close()
            if postgres.is_unreachable(exc):
                raise postgres.unreachable(self.url, exc) from exc
            raise

    def retrying(self, work: Callable[[], T]) -> T:
        """``work`` (one write transaction) run again when PostgreSQL aborted it
        (a serialization failure or a broken deadlock), a few times."""
        for attempt in range(_RETRIES):
            try:
                return work()
            except Exception as exc:
                if (attempt + 1 == _RETRIES or self.conn.in_transaction
                        or not postgres.is_transient(exc)):
                    raise
                time.sleep(0.02 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it or nothing.

        Inside another transaction (a group of files committed together) it is
        a savepoint: its own failure undoes only itself.
        """
        if self.conn.in_transaction:
            name = f"sp{self._savepoints}"
            self._savepoints += 1
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self.conn
            except BaseException:
                self.described.forget()
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            self.conn.execute(f"RELEASE {name}")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            if self.dialect.shared:
                self.conn.lock_directorate()  # type: ignore[attr-defined]
            yield self.conn
        except BaseException:
            self.described.forget()
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- schema ------------------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply the migrations not yet recorded (:mod:`automation.ledger.schema`)."""
        if self.dialect is Dialect.POSTGRESQL:
            return self._migrate_postgres()
        return schema.migrate(self.conn, self.transaction)

    def _migrate_postgres(self) -> list[str]:
        """Migrate as the login (one service at a time), then act as the ledger's role."""
        from automation.ledger import logins

        conn: postgres.PgConnection = self.conn  # type: ignore[assignment]
        conn.act_as_login()
        applied = logins.migrate_session(conn, self.url)
        conn.act_as_ledger_role()
        return applied

    def migrations(self) -> list[str]:
        return schema.applied(self.conn)

    # -- submissions -------------------------------------------------------------

    def find_sha(self, sha256: str) -> int | None:
        """The first accepted submission of these exact bytes (a rejected file may come again)."""
        row = self.conn.execute(
            "SELECT id FROM submissions WHERE sha256 = ? "
            "AND outcome IN ('accepted', 'superseded') ORDER BY id LIMIT 1",
            (sha256,),
        ).fetchone()
        return int(row[0]) if row else None

    def insert_submission(
        self, conn: sqlite3.Connection, rec: SubmissionRecord, row_count: int = 0
    ) -> int:
        cur = conn.execute(
            "INSERT INTO submissions (original_name, stored_path, sha256, size, received_at, "
            "form, workbook_id, school, period, identity, outcome, duplicate_of, claim_id, "
            "header_json, row_count, directorate) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rec.original_name,
                rec.stored_path,
                rec.sha256,
                rec.size,
                rec.received_at.isoformat(timespec="seconds"),
                rec.form or None,
                rec.workbook_id or None,
                rec.school or None,
                rec.period or None,
                rec.identity or None,
                rec.outcome,
                rec.duplicate_of,
                rec.claim_id or None,
                to_json(rec.header),
                row_count,
                self.directorate,
            ),
        )
        return int(cur.lastrowid or 0)

    def insert_problems(self, conn: sqlite3.Connection, submission_id: int, problems: list) -> None:
        if not problems:
            return
        conn.executemany(
            "INSERT INTO problems (submission_id, severity, code, sheet, cell, field, "
            "row_number, message, message_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    submission_id,
                    p.severity,
                    p.code,
                    p.sheet,
                    p.cell,
                    p.field,
                    p.row,
                    p.message,
                    p.message_en,
                )
                for p in problems
            ],
        )

    def record(self, rec: SubmissionRecord, problems: list | None = None) -> int:
        """Record a submission that adds no rows (rejected or duplicate)."""
        def work() -> int:
            with self.transaction() as conn:
                sub_id = self.insert_submission(conn, rec)
                self.insert_problems(conn, sub_id, problems or [])
            return sub_id

        return self.retrying(work)

    def accept(
        self,
        rec: SubmissionRecord,
        rows: list[RowRecord],
        problems: list | None = None,
        dirty: tuple[str, ...] = (),
        older_warning: Callable[[int, str], object] | None = None,
    ) -> CommitResult:
        """Commit an accepted submission and its rows in one transaction.

        An earlier accepted submission with the same form and identity is
        superseded: its rows leave the registers and stay in history. Rows
        carrying a unique key replace the live row with the same key. Unless the
        earlier file describes a later day (:mod:`automation.ledger.record_time`):
        then the older file supersedes nothing and its rows stay out of the registers
        (a keyed row with no live row still goes in: it fills a gap), and
        ``older_warning(rows left out, the newer day)`` is recorded with it.
        """
        return self.retrying(
            lambda: self._accept(rec, rows, problems, dirty, older_warning))

    def _accept(
        self,
        rec: SubmissionRecord,
        rows: list[RowRecord],
        problems: list | None,
        dirty: tuple[str, ...],
        older_warning: Callable[[int, str], object] | None = None,
    ) -> CommitResult:
        with self.transaction() as conn:
            superseded: list[int] = []
            if rec.identity:
                superseded = [
                    int(r[0])
                    for r in conn.execute(
                        "SELECT id FROM submissions WHERE form = ? AND identity = ? "
                        "AND outcome = 'accepted'",
                        (rec.form, rec.identity),
                    )
                ]
            keyed = {r.record_key for r in rows if r.record_key is not None}
            day = record_time.described_day(rec.period, (r.data for r in rows)) \
                if superseded or keyed else ""
            newer_copy = max((d for d in (self.described.of(conn, old) for old in superseded)
                              if day and d > day), default="")
            if newer_copy:  # an older copy of a list arrived late: it supersedes nothing
                superseded = []
            newer_rows = self.described.newer_live_keys(conn, rec.form, keyed, day)
            older = None
            left = sum(1 for r in rows if r.record_key in newer_rows or (
                newer_copy and r.record_key is None))
            if left:
                older = (left, max([newer_copy, *(d for _, d in newer_rows.values())]))
                if older_warning is not None:
                    problems = [*(problems or []), older_warning(*older)]
            sub_id = self.insert_submission(conn, rec, row_count=len(rows))
            for old in superseded:
                conn.execute(
                    "UPDATE submissions SET outcome = 'superseded', superseded_by = ? WHERE id = ?",
                    (sub_id, old),
                )
                conn.execute(
                    "UPDATE rows SET current = 0 WHERE submission_id = ? AND current = 1", (old,)
                )
            replaced = 0
            conn.executemany(
                "INSERT INTO rows (submission_id, form, sheet, row_number, record_key, "
                "record_date, school, data, directorate, current) "
                "VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
                [
                    (sub_id, rec.form, r.sheet, r.row_number, r.record_date, r.school or None,
                     r.json(), self.directorate, 0 if newer_copy else 1)
                    for r in rows
                    if r.record_key is None
                ],
            )
            for row in rows:
                if row.record_key is None:
                    continue
                if row.record_key in newer_rows:  # the live row is newer: kept, this not
                    conn.execute(
                        "INSERT INTO rows (submission_id, form, sheet, row_number, record_key, "
                        "record_date, school, data, directorate, current, replaced_by) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                        (sub_id, rec.form, row.sheet, row.row_number, row.record_key,
                         row.record_date, row.school or None, row.json(), self.directorate,
                         newer_rows[row.record_key][0]),
                    )
                    continue
                cur = conn.execute(
                    "INSERT INTO rows (submission_id, form, sheet, row_number, record_key, "
                    "record_date, school, data, directorate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (sub_id, rec.form, row.sheet, row.row_number, row.record_key,
                     row.record_date, row.school or None, row.json(), self.directorate),
                )
                replaced += conn.execute(
                    "UPDATE rows SET current = 0, replaced_by = ? WHERE form = ? "
                    "AND record_key = ? AND current = 1 AND id != ?",
                    (cur.lastrowid, rec.form, row.record_key, cur.lastrowid),
                ).rowcount
            self.insert_problems(conn, sub_id, problems or [])
            self.mark_dirty(conn, dirty)
        return CommitResult(sub_id, tuple(superseded), replaced, older)

    # -- rows --------------------------------------------------------------------

    def current_rows(self, form: str) -> list[LedgerRow]:
        """The live rows of a form, as the registers show them, oldest first."""
        return self._rows(_CURRENT, (form,))

    def row_history(self, form: str) -> list[tuple[LedgerRow, str | None]]:
        """:func:`automation.ledger.history.row_history`: every row of a form ever live,
        with the arrival time of what ended it."""
        from automation.ledger.history import row_history

        return row_history(self, form)

    def rows_where(self, where: str, params: tuple[object, ...]) -> list[LedgerRow]:
        """Rows (``r``) matching a condition, oldest first (for the ledger's own modules)."""
        return self._rows(where, params)

    def rows_of_submission(self, submission_id: int) -> list[LedgerRow]:
        return self._rows("r.submission_id = ?", (submission_id,))

    def archived_rows(self, form: str) -> list[LedgerRow]:
        return self._rows("r.form = ? AND r.archived_at IS NOT NULL", (form,))

    def current_row_chunks(self, form: str) -> Iterator[list[LedgerRow]]:
        """:meth:`current_rows` a few thousand at a time, for a caller that writes them
        out and lets them go (memory stays flat however many there are)."""
        return self._row_chunks(_CURRENT, (form,), share=False)

    def count_current_rows(self, form: str) -> int:
        return int(self.conn.execute(
            f"SELECT COUNT(*) FROM rows r WHERE {_CURRENT}", (form,)
        ).fetchone()[0])

    def _rows(self, where: str, params: tuple[object, ...]) -> list[LedgerRow]:
        out: list[LedgerRow] = []
        for chunk in self._row_chunks(where, params, share=True):
            out += chunk
        return out

    def _row_chunks(
        self, where: str, params: tuple[object, ...], *, share: bool
    ) -> Iterator[list[LedgerRow]]:
        """Rows in chunks; with ``share``, each repeated text is one object across all
        of them (registers of 100,000 rows hold the same schools, statuses and dates
        over and over; never a bool: True == 1 would let one stand for the other).
        Without, only a chunk's form, sheet, date and school texts are shared: its rows
        are let go before the next chunk."""
        sql = (
            "SELECT r.id, r.submission_id, r.form, r.sheet, r.row_number, "
            "CAST(r.data AS BLOB), r.record_date, r.school, r.decision_id "
            f"FROM rows r WHERE {where} ORDER BY r.id"
        )
        shared: dict[object, object] = {}
        one = shared.setdefault
        files: dict[int, tuple[str, str]] = {}
        cursor = self.conn.execute(sql, params)
        with no_cycle_collection():
            while chunk := cursor.fetchmany(ROWS_PER_PARSE):
                if not share:
                    shared.clear()  # only within the chunk
                # one parse per chunk: its rows share their keys (the parser's memo)
                datas = parse_rows(b"[" + b",".join([r[5] for r in chunk]) + b"]",
                                    one if share else None)
                files.update(self._files({r[1] for r in chunk} - files.keys()))
                yield [
                    LedgerRow(r[0], r[1], one(r[2], r[2]), one(r[3], r[3]), r[4],  # type: ignore[arg-type]
                              data, one(r[6], r[6]), one(r[7] or "", r[7] or ""),  # type: ignore[arg-type]
                              *files[r[1]], r[8])
                    for r, data in zip(chunk, datas, strict=True)
                ]

    def _files(self, ids: set[int]) -> dict[int, tuple[str, str]]:
        """(original name, received time) of these submissions, by id."""
        found: dict[int, tuple[str, str]] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            part = ordered[start : start + 500]
            found.update(
                (row[0], (row[1], row[2])) for row in self.conn.execute(
                    "SELECT id, original_name, received_at FROM submissions "
                    f"WHERE id IN ({', '.join('?' * len(part))})", part
                )
            )
        return found

    def directorates(self) -> list[str]:
        """The directorates whose submissions this ledger holds (as this connection sees
        them: every one under ``*`` on PostgreSQL), by name."""
        return [str(r[0]) for r in self.conn.execute(
            "SELECT DISTINCT directorate FROM submissions ORDER BY directorate")]

    def count_rows(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM rows").fetchone()[0])

    def live_values(self, form: str, key: str) -> set[str]:
        """Every live value of one field of a form (for cross-form references)."""
        field, path = self.dialect.json_text("data", key)
        return {str(v[0]) for v in self.conn.execute(
            f"SELECT {field} FROM rows WHERE form = ? AND current = 1", (path, form))
            if v[0] is not None}

    def integrity(self) -> str:
        """``ok`` when the database's own check (SQLite's) and the product's invariants hold."""
        if self.dialect.checks_itself:
            result = self.conn.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                return str(result)
        bad = self.conn.execute(
            "SELECT COUNT(*) FROM rows r JOIN submissions s ON s.id = r.submission_id "
            "WHERE r.current = 1 AND s.outcome != 'accepted'"
        ).fetchone()[0]
        if bad:
            return f"{bad} live rows belong to submissions that are not accepted"
        if not self.dialect.checks_itself:
            return "ok"  # PostgreSQL enforces the foreign keys itself
        fk = self.conn.execute("PRAGMA foreign_key_check").fetchall()
        return "ok" if not fk else f"{len(fk)} foreign key violations"
