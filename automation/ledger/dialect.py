"""What differs between the ledger on SQLite and on PostgreSQL, in one place.

The ledger's statements are written once, in SQLite's dialect, in the ledger's own
modules (nothing outside :mod:`automation.ledger` speaks SQL). :class:`Dialect` says
what each backend does differently, and the ledger's operations ask it instead of
comparing names:

- :meth:`Dialect.statement`: a statement in the backend's own dialect (on PostgreSQL
  ``?`` → ``%s``, ``INSERT OR IGNORE`` → ``ON CONFLICT DO NOTHING``, an upsert's conflict
  target per directorate, ``BEGIN IMMEDIATE`` → ``BEGIN``, ``CAST(x AS BLOB)`` → the
  text's UTF-8 bytes, an insert returning its new id);
- :meth:`Dialect.json_text`: one field of a row's JSON values, as text;
- :attr:`Dialect.shared`: the database is shared by the departments of a directorate
  (PostgreSQL): a write transaction takes the directorate's lock, each owed document is
  made under it (:attr:`Dialect.backed_up_by_server`: the server's own backups keep it);
- :attr:`Dialect.checks_itself`: the database checks its own file and foreign keys on
  request (SQLite's ``PRAGMA integrity_check`` / ``foreign_key_check``); PostgreSQL
  enforces foreign keys at every write.

A :class:`Dialect` is its name (``"sqlite"``, ``"postgresql"``), so ``ledger.dialect ==
"postgresql"`` still reads as before.
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum
from typing import Any

_TABLES_WITH_ID = ("submissions", "rows", "problems", "decisions", "documents", "outgoing")
_INSERT_WITH_ID = re.compile(
    r"^\s*INSERT\s+INTO\s+(" + "|".join(_TABLES_WITH_ID) + r")\b(?![\s\S]*\bRETURNING\b)",
    re.IGNORECASE,
)
_OR_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_CONFLICT_TARGET = re.compile(r"\bON\s+CONFLICT\s*\(\s*(\w+)\s*\)", re.IGNORECASE)
_BEGIN_IMMEDIATE = re.compile(r"\bBEGIN\s+IMMEDIATE\b", re.IGNORECASE)
_AS_BLOB = re.compile(r"CAST\(([\w.]+) AS BLOB\)", re.IGNORECASE)


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
    out = _BEGIN_IMMEDIATE.sub("BEGIN", out)
    out = _AS_BLOB.sub(r"convert_to(\1, 'UTF8')", out)
    returns_id = bool(_INSERT_WITH_ID.match(out))
    if returns_id:
        out = out.rstrip().rstrip(";") + " RETURNING id"
    return out, returns_id


class Dialect(StrEnum):
    """The ledger's backend and what it does differently (see the module doc)."""

    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"

    @classmethod
    def of(cls, conn: Any) -> Dialect:
        """The dialect of a connection (a :mod:`sqlite3` one says nothing: SQLite)."""
        return cls(getattr(conn, "dialect", cls.SQLITE))

    @property
    def shared(self) -> bool:
        """The database is shared by a directorate's departments (PostgreSQL): writes
        take the directorate's lock, and the server keeps the backups."""
        return self is Dialect.POSTGRESQL

    @property
    def backed_up_by_server(self) -> bool:
        """The database server's own backups keep the ledger (PostgreSQL); a SQLite file
        is copied into ``data/backups/``."""
        return self is Dialect.POSTGRESQL

    @property
    def checks_itself(self) -> bool:
        """The database checks its own file and foreign keys when asked (SQLite)."""
        return self is Dialect.SQLITE

    def statement(self, sql: str, with_params: bool = True) -> tuple[str, bool]:
        """``sql`` (SQLite's dialect) as this backend runs it, and whether it returns the
        new row's id (PostgreSQL; SQLite gives ``lastrowid`` by itself)."""
        if self is Dialect.SQLITE:
            return sql, False
        return to_postgres(sql, with_params)

    def json_text(self, column: str, key: str) -> tuple[str, str]:
        """(SQL expression, its parameter): the field ``key`` of the JSON values in
        ``column``, as text."""
        if self is Dialect.POSTGRESQL:
            return f"{column}::json ->> ?", key
        return f"json_extract({column}, ?)", f"$.{key}"
