"""The ledger on PostgreSQL: a connection that speaks the ledger's SQL.

The ledger's statements are written once, in SQLite's dialect, and run unchanged on
SQLite. :class:`PgConnection` gives a psycopg 3 connection the few things the ledger
uses of :mod:`sqlite3` (``execute`` returning a cursor with ``lastrowid``,
``executemany``, ``in_transaction``, rows read by index or by column name) and turns
each statement into PostgreSQL's dialect once (:func:`to_postgres`, cached).

Directorates: every table carries ``directorate``, filled from the connection's
``eti.directorate`` setting; row-level security shows a connection only its own
directorate's rows (``*`` shows every directorate, for the ministry's read-only views).
A connection whose role bypasses row-level security (a superuser) acts as the role
``eti_ledger`` that migration 003 creates, so the separation holds for it too.
Writers of one directorate take its advisory lock for each write transaction, so ten
services writing at once neither interleave a supersede nor number two letters alike.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from automation.core.errors import LedgerError

ALL_DIRECTORATES = "*"
"""The directorate setting under which a connection reads every directorate."""

LEDGER_ROLE = "eti_ledger"
"""The role a connection that would bypass row-level security acts as."""

_TABLES_WITH_ID = ("submissions", "rows", "problems", "decisions", "documents", "outgoing")
_INSERT_WITH_ID = re.compile(
    r"^\s*INSERT\s+INTO\s+(" + "|".join(_TABLES_WITH_ID) + r")\b(?![\s\S]*\bRETURNING\b)",
    re.IGNORECASE,
)
_OR_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_CONFLICT_TARGET = re.compile(r"\bON\s+CONFLICT\s*\(\s*(\w+)\s*\)", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def to_postgres(sql: str, with_params: bool = True) -> tuple[str, bool]:
    """A ledger statement in PostgreSQL's dialect, and whether it returns the new id.

    ``?`` placeholders become ``%s`` (a literal ``%`` is doubled); ``INSERT OR IGNORE``
    becomes ``ON CONFLICT DO NOTHING``; an upsert's conflict target gains the
    directorate (every unique key is per directorate); ``BEGIN IMMEDIATE`` is
    ``BEGIN``; ``CAST(x AS BLOB)`` is the UTF-8 bytes of the text; an insert into a
    table with an ``id`` returns it (``lastrowid``).
    """
    out = sql.replace("%", "%%").replace("?", "%s") if with_params else sql
    if _OR_IGNORE.search(out):
        out = _OR_IGNORE.sub("INSERT INTO", out).rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    out = _CONFLICT_TARGET.sub(r"ON CONFLICT(directorate, \1)", out)
    out = re.sub(r"\bBEGIN\s+IMMEDIATE\b", "BEGIN", out, flags=re.IGNORECASE)
    out = re.sub(r"CAST\(([\w.]+) AS BLOB\)", r"convert_to(\1, 'UTF8')", out, flags=re.IGNORECASE)
    returns_id = bool(_INSERT_WITH_ID.match(out))
    if returns_id:
        out = out.rstrip().rstrip(";") + " RETURNING id"
    return out, returns_id


class Record(tuple):  # type: ignore[type-arg]
    """A row read by index or by column name, as :class:`sqlite3.Row` is."""

    __slots__ = ()
    names: tuple[str, ...] = ()
    index: dict[str, int] = {}  # noqa: RUF012 - set per query on a subclass

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self.index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self.names)


def _record_factory(cursor: Any) -> Any:
    """psycopg row factory: rows as :class:`Record` with the query's column names."""
    description = cursor.description
    if description is None:
        return tuple
    names = tuple(column.name for column in description)
    cls = type("Record", (Record,), {"__slots__": (), "names": names,
                                      "index": {n: i for i, n in enumerate(names)}})

    def make(values: Sequence[Any]) -> Record:
        return cls(values)  # type: ignore[no-any-return]

    return make


class PgCursor:
    """The part of :class:`sqlite3.Cursor` the ledger uses."""

    def __init__(self, cursor: Any, returns_id: bool) -> None:
        self._cursor = cursor
        self.lastrowid: int | None = None
        if returns_id:
            row = cursor.fetchone()
            self.lastrowid = int(row[0]) if row else None

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    @property
    def description(self) -> Any:
        return self._cursor.description

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    def fetchmany(self, size: int) -> list[Any]:
        return list(self._cursor.fetchmany(size))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)


class PgConnection:
    """A psycopg 3 connection with the :mod:`sqlite3` surface the ledger uses."""

    dialect = "postgresql"

    def __init__(self, url: str, directorate: str, *, connect_timeout: int = 10) -> None:
        import psycopg  # only a PostgreSQL ledger needs it (extra: postgresql)

        self.directorate = directorate
        self._conn = psycopg.connect(url, autocommit=True, connect_timeout=connect_timeout,
                                     row_factory=_record_factory)
        try:
            self._conn.execute("SELECT set_config('eti.directorate', %s, false)",
                               (directorate,))
            self._conn.execute("SET TIME ZONE 'UTC'")
        except BaseException:
            self._conn.close()
            raise

    def act_as_ledger_role(self) -> None:
        """Act as :data:`LEDGER_ROLE` when this login would bypass row-level security."""
        bypasses = self._conn.execute(
            "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        exists = self._conn.execute(
            "SELECT 1 FROM pg_roles WHERE rolname = %s", (LEDGER_ROLE,)
        ).fetchone()
        if bypasses and bypasses[0] and exists:
            self._conn.execute(f"SET ROLE {LEDGER_ROLE}")

    def act_as_login(self) -> None:
        """Back to the login's own role (to change the schema)."""
        self._conn.execute("RESET ROLE")

    @property
    def in_transaction(self) -> bool:
        from psycopg import pq

        return bool(self._conn.info.transaction_status != pq.TransactionStatus.IDLE)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> PgCursor:
        text, returns_id = to_postgres(sql, bool(params))
        cursor = self._conn.cursor()
        cursor.execute(text, params or None)  # type: ignore[arg-type]
        return PgCursor(cursor, returns_id)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> PgCursor:
        text, _ = to_postgres(sql)
        if text.endswith(" RETURNING id"):
            text = text[: -len(" RETURNING id")]
        cursor = self._conn.cursor()
        params = list(seq)
        if params:
            cursor.executemany(text, params)
        return PgCursor(cursor, False)

    def run_script(self, script: str) -> None:
        """Several statements with no parameters, as one (a migration)."""
        self._conn.execute(script)  # type: ignore[arg-type]

    def lock_directorate(self) -> None:
        """Hold the directorate's write lock until the transaction ends."""
        self._conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('eti:' || current_setting('eti.directorate')))"
        )

    def close(self) -> None:
        self._conn.close()


def is_transient(exc: BaseException) -> bool:
    """A failure worth running the transaction again for: a serialization failure or
    a deadlock the server broke."""
    try:
        from psycopg import errors
    except ImportError:  # pragma: no cover - psycopg absent: nothing is PostgreSQL
        return False
    return isinstance(exc, (errors.SerializationFailure, errors.DeadlockDetected))


def is_unreachable(exc: BaseException) -> bool:
    """The database could not be reached, the connection dropped, or the server
    aborted the transaction (psycopg's OperationalError: worth trying again later;
    psycopg is looked for only where it was imported, by a PostgreSQL ledger)."""
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.OperationalError)


def redacted(url: str) -> str:
    """A database address without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


LEDGER_URL_ENV = "ETI_LEDGER_URL"
"""The environment variable naming a PostgreSQL ledger; it wins over ``eti.toml``."""






def ledger_url(configured: str = "") -> str:
    """The ledger's PostgreSQL address: ``ETI_LEDGER_URL``, else ``[ledger] url``
    ("" for the department's SQLite file)."""
    return os.environ.get(LEDGER_URL_ENV, "").strip() or configured.strip()


def unreachable(url: str, exc: BaseException) -> LedgerError:
    """The message for a PostgreSQL ledger that cannot be reached."""
    where = redacted(url)
    return LedgerError(
        f"cannot reach the ledger database {where}: {str(exc).strip()}; nothing was changed, "
        "files stay in the inbox for the next pass; check that the server runs and that "
        f"[ledger] url in eti.toml (or {LEDGER_URL_ENV}) is right",
        f"تعذر الوصول إلى قاعدة البيانات المشتركة {where}؛ لم يُغيَّر شيء وتبقى الملفات في "
        "صندوق الوارد للمحاولة التالية. اطلب من مسؤول الأنظمة التأكد من تشغيل الخادم ومن "
        "صحة العنوان في الإعداد [ledger] url.",
        code="ledger-unreachable",
    )
