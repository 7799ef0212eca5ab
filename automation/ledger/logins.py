"""Who may work on a shared PostgreSQL ledger, and as which directorate: the login.

An administrator (a superuser, or a role with CREATEROLE; the database must not be
owned by a department's login) brings the schema up to date (:func:`migrate_database`)
and binds logins to directorates (:func:`grant`, :func:`revoke`; ``eti ledger grant``
and ``eti ledger revoke``). The mapping (``eti_logins``, ``eti_directorates``) belongs to
:data:`~automation.ledger.postgres.OWNER_ROLE`, which cannot log in; no other role may
read or change it. A department's login is a member of
:data:`~automation.ledger.postgres.LEDGER_ROLE` (reads and writes its directorate's
rows), a ministry's of :data:`~automation.ledger.postgres.MINISTRY_ROLE` (reads every
directorate's, writes nothing). Roles are the server's, the mapping the database's.

Passwords never travel in clear: libpq hashes them (SCRAM) on the administrator's
machine before ``CREATE ROLE``/``ALTER ROLE`` sends them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from automation.core.errors import LedgerError
from automation.ledger import postgres, schema
from automation.ledger.postgres import LEDGER_ROLE, MINISTRY_ROLE, OWNER_ROLE

MIGRATION_LOCK = 70270
"""The advisory lock one migrator at a time holds."""

_RESERVED = {OWNER_ROLE, LEDGER_ROLE, MINISTRY_ROLE, "postgres", "public"}


@dataclass(frozen=True)
class Grant:
    """What ``eti ledger grant`` did."""

    login: str
    directorate: str
    """The directorate, or ``*`` for the ministry."""
    created_login: bool
    new_directorate: bool
    password_set: bool

    def to_json(self) -> dict[str, object]:
        return {"login": self.login, "directorate": self.directorate,
                "created_login": self.created_login, "new_directorate": self.new_directorate,
                "password_set": self.password_set}


def _admin_error(en: str, ar: str, code: str = "ledger-admin") -> LedgerError:
    return LedgerError(en, ar, code=code)


# -- the schema ------------------------------------------------------------------------


def pending(conn: postgres.PgConnection) -> list[str]:
    """The migrations this database has not recorded."""
    there = conn.execute("SELECT to_regclass('public.migrations') IS NOT NULL").fetchone()[0]
    done = {str(r[0]) for r in conn.execute("SELECT name FROM migrations")} if there else set()
    return [name for name, _ in schema.MIGRATIONS if name not in done]


def is_administrator(conn: postgres.PgConnection) -> bool:
    """Whether the session's login may change the schema and the logins."""
    row = conn.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles "
                       "WHERE rolname = session_user").fetchone()
    return bool(row and row[0])


@contextmanager
def _transaction(conn: postgres.PgConnection) -> Iterator[Any]:
    conn.execute("BEGIN")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate_session(conn: postgres.PgConnection, url: str) -> list[str]:
    """Apply what is pending, as the login (one migrator at a time); a department's
    login cannot, and is told who can."""
    if not pending(conn):
        return []
    if not is_administrator(conn):
        raise _admin_error(
            f"the shared database {postgres.redacted(url)} needs its schema brought up to "
            f"date ({', '.join(pending(conn))}) and this login may not change it: an "
            "administrator runs `eti ledger upgrade --url ADMIN_URL`",
            "قاعدة البيانات المشتركة تحتاج إلى تحديث لا يملكه حساب الدخول هذا؛ اطلب من "
            "مسؤول قاعدة البيانات تشغيل الأمر eti ledger migrate.",
            "ledger-schema-behind",
        )
    conn.execute(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
    try:
        return schema.migrate(conn, lambda: _transaction(conn))  # type: ignore[arg-type]
    finally:
        conn.execute(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")


def _connect(url: str) -> postgres.PgConnection:
    try:
        return postgres.PgConnection(url, "")
    except ImportError as exc:
        raise _admin_error("psycopg is not installed: pip install \"eti-automation[postgresql]\"",
                           "مكتبة الاتصال بقاعدة البيانات المشتركة غير مثبتة.") from exc
    except Exception as exc:
        if postgres.is_unreachable(exc):
            raise postgres.unreachable(url, exc) from exc
        raise


def _refuse_unless_administrator(conn: postgres.PgConnection, url: str) -> None:
    if not is_administrator(conn):
        login, _ = conn.login()
        raise _admin_error(
            f"the login '{login}' is not an administrator of {postgres.redacted(url)} "
            "(a superuser or a role with CREATEROLE): use the administrator's address "
            "(--url or ETI_LEDGER_URL)",
            f"حساب الدخول '{login}' ليس حساب مسؤول لقاعدة البيانات المشتركة؛ استخدم "
            "عنوان حساب المسؤول.",
            "ledger-not-admin",
        )


@contextmanager
def administrator(url: str) -> Iterator[postgres.PgConnection]:
    """A connection of an administrator's login, the schema up to date."""
    conn = _connect(url)
    try:
        _refuse_unless_administrator(conn, url)
        migrate_session(conn, url)
        yield conn
    finally:
        conn.close()


def migrate_database(url: str) -> tuple[list[str], list[str]]:
    """Bring the database at ``url`` (an administrator's address) up to date: (applied
    now, every migration recorded)."""
    conn = _connect(url)
    try:
        _refuse_unless_administrator(conn, url)
        applied = migrate_session(conn, url)
        return applied, [str(r[0]) for r in conn.execute(
            "SELECT name FROM migrations ORDER BY name")]
    finally:
        conn.close()


# -- logins ----------------------------------------------------------------------------


def _identifier(conn: postgres.PgConnection, login: str) -> str:
    from psycopg import sql

    return sql.Identifier(login).as_string(conn._conn)  # noqa: SLF001


def _check_login_name(login: str) -> None:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]{0,62}", login) or login.lower() in _RESERVED \
            or login.lower().startswith("pg_"):
        raise _admin_error(
            f"'{login}' cannot be a department's or the ministry's login (letters, digits, "
            f"_ . -; not {', '.join(sorted(_RESERVED))} nor pg_…)",
            f"الاسم '{login}' لا يصلح حساب دخول لمديرية أو للوزارة.",
            "ledger-bad-login",
        )


def _role(conn: postgres.PgConnection, login: str) -> Any:
    return conn.execute(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, "
        "EXISTS (SELECT 1 FROM pg_database WHERE datname = current_database() "
        "AND datdba = r.oid) FROM pg_roles r WHERE rolname = ?", (login,)).fetchone()


def grant(url: str, login: str, directorate: str | None, *, password: str | None = None
          ) -> Grant:
    """Create (or update) ``login`` bound to ``directorate`` (``None``: the ministry's,
    reading every directorate, writing nothing); a new directorate name is added."""
    _check_login_name(login)
    if directorate is not None:
        directorate = directorate.strip()
        if not directorate or directorate == postgres.ALL_DIRECTORATES:
            raise _admin_error(
                "--directorate needs the directorate's name (not empty, not '*'; the "
                "ministry's login is --ministry)",
                "اكتب اسم المديرية (لا يكون فارغاً ولا '*'؛ حساب الوزارة يُنشأ بالخيار --ministry).",
                "ledger-bad-directorate")
    with administrator(url) as conn:
        found = _role(conn, login)
        if found is not None and (found[0] or found[1] or found[2] or found[3]):
            raise _admin_error(
                f"'{login}' is a superuser, bypasses row-level security, may create roles or "
                "owns this database: it cannot be bound to a directorate (use a login of its "
                "own for each department)",
                f"الحساب '{login}' حساب مسؤول أو مالك لقاعدة البيانات، فلا يصلح ربطه بمديرية.",
                "ledger-login-too-strong")
        name = _identifier(conn, login)
        secret = ""
        if password is not None:
            hashed = conn._conn.pgconn.encrypt_password(  # noqa: SLF001
                password.encode(), login.encode(), b"scram-sha-256").decode()
            secret = " PASSWORD " + _literal(conn, hashed)
        with _transaction(conn):
            if found is None:
                conn.execute(f"CREATE ROLE {name} LOGIN{secret}")
            else:
                conn.execute(f"ALTER ROLE {name} LOGIN{secret}")
            group, other = ((LEDGER_ROLE, MINISTRY_ROLE) if directorate is not None
                            else (MINISTRY_ROLE, LEDGER_ROLE))
            conn.execute(f"REVOKE {other} FROM {name}")
            conn.execute(f"GRANT {group} TO {name}")
            new = False
            if directorate is not None:
                new = conn.execute(
                    "INSERT INTO eti_directorates (name) VALUES (?) ON CONFLICT DO NOTHING "
                    "RETURNING name", (directorate,)).fetchone() is not None
            conn.execute_native(
                "INSERT INTO eti_logins (login, directorate, ministry) VALUES (%s, %s, %s) "
                "ON CONFLICT (login) DO UPDATE SET directorate = excluded.directorate, "
                "ministry = excluded.ministry, granted_at = now()",
                (login, directorate, directorate is None))
    return Grant(login, directorate if directorate is not None else postgres.ALL_DIRECTORATES,
                 found is None, new, password is not None)


def _literal(conn: postgres.PgConnection, text: str) -> str:
    from psycopg import sql

    return sql.Literal(text).as_string(conn._conn)  # noqa: SLF001


def revoke(url: str, login: str) -> bool:
    """``login`` unbound from its directorate, out of the ledger's groups and unable to
    log in (the role itself stays: the server may use it elsewhere). False: it was not
    bound here."""
    _check_login_name(login)
    with administrator(url) as conn:
        found = _role(conn, login)
        with _transaction(conn):
            bound = conn.execute("DELETE FROM eti_logins WHERE login = ? RETURNING login",
                                 (login,)).fetchone() is not None
            if found is not None and not (found[0] or found[2]):
                name = _identifier(conn, login)
                conn.execute(f"REVOKE {LEDGER_ROLE}, {MINISTRY_ROLE} FROM {name}")
                conn.execute(f"ALTER ROLE {name} NOLOGIN")
    return bound
