"""The ledger on PostgreSQL: a connection that speaks the ledger's SQL.

The ledger's statements are written once, in SQLite's dialect, and run unchanged on
SQLite. :class:`PgConnection` gives a psycopg 3 connection the few things the ledger
uses of :mod:`sqlite3` (``execute`` returning a cursor with ``lastrowid``,
``executemany``, ``in_transaction``, rows read by index or by column name) and turns
each statement into PostgreSQL's dialect once
(:meth:`automation.ledger.dialect.Dialect.statement`, cached).

Directorates: every table carries ``directorate``; row-level security shows a session
only the rows of the directorate its *login* is bound to (migration 004,
:mod:`automation.ledger.logins`): a mapping only administrators change, read by a
``SECURITY DEFINER`` function keyed on ``session_user``. A ministry login reads every
directorate and writes nothing. The connection's ``eti.directorate`` setting decides
nothing for a department's login: it only narrows what a ministry login reads to one
known directorate, and tells an administrator's (superuser's) session which known
directorate it acts for (a superuser could read everything anyway). Such a session acts
as the role :data:`LEDGER_ROLE`, so row-level security holds for it too.
:meth:`PgConnection.check_directorate` refuses a department whose ``[department]
directorate`` is not its login's, a name the database does not know, or ``*`` for a
login that is not the ministry's.
Writers of one directorate take its advisory lock for each write transaction, so ten
services writing at once neither interleave a supersede nor number two letters alike.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from automation.core.errors import LedgerError
from automation.ledger.dialect import Dialect

ALL_DIRECTORATES = "*"
"""The directorate setting under which a connection reads every directorate."""

LEDGER_ROLE = "eti_ledger"
"""The group of the departments' logins (reads and writes its own directorate's rows);
also the role an administrator's session acts as, under row-level security."""

MINISTRY_ROLE = "eti_ministry"
"""The group of the ministry's logins: reads every directorate, changes nothing."""

OWNER_ROLE = "eti_owner"
"""The role that owns the tables; it cannot log in (no login can truncate or drop them
or switch row-level security off)."""

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

    dialect = Dialect.POSTGRESQL

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
        text, returns_id = self.dialect.statement(sql, bool(params))
        cursor = self._conn.cursor()
        cursor.execute(text, params or None)  # type: ignore[arg-type]
        return PgCursor(cursor, returns_id)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> PgCursor:
        text, _ = self.dialect.statement(sql)
        if text.endswith(" RETURNING id"):
            text = text[: -len(" RETURNING id")]
        cursor = self._conn.cursor()
        params = list(seq)
        if params:
            cursor.executemany(text, params)
        return PgCursor(cursor, False)

    def execute_native(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """A statement already in PostgreSQL's dialect (``%s`` placeholders)."""
        return self._conn.execute(sql, params or None)  # type: ignore[arg-type]

    def run_script(self, script: str) -> None:
        """Several statements with no parameters, as one (a migration)."""
        self._conn.execute(script)  # type: ignore[arg-type]

    def lock_directorate(self) -> None:
        """Hold the directorate's write lock until the transaction ends."""
        self._conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('eti:' || "
            "COALESCE(eti_session_directorate(), current_setting('eti.directorate'))))"
        )

    def login(self) -> tuple[str, bool]:
        """The session's login and whether it is an administrator (a superuser)."""
        row = self._conn.execute(
            "SELECT session_user::text, COALESCE((SELECT rolsuper FROM pg_roles "
            "WHERE rolname = session_user), false)").fetchone()
        return str(row[0]), bool(row[1])

    def is_ministry(self) -> bool:
        """Whether the session's login is a ministry login (reads every directorate)."""
        row = self._conn.execute(  # (a superuser is a member of every role: not it)
            "SELECT NOT rolsuper AND pg_has_role(session_user, %s, 'MEMBER') FROM pg_roles "
            "WHERE rolname = session_user", (MINISTRY_ROLE,)).fetchone()
        return bool(row and row[0])

    def check_directorate(self, wanted: str) -> None:
        """Refuse (:class:`LedgerError`) a session that cannot work as ``wanted``: the
        directorate the login is bound to decides (see the module doc)."""
        row = self._conn.execute(
            "SELECT eti_session_directorate(), eti_reads()").fetchone()
        own, reads = (None if row[0] is None else str(row[0]),
                      None if row[1] is None else str(row[1]))
        login, admin = self.login()
        if own is None:
            raise unknown_directorate(wanted) if admin else unbound_login(login)
        if own == wanted or (own == ALL_DIRECTORATES and reads == wanted):
            return
        if own == ALL_DIRECTORATES:
            raise unknown_directorate(wanted)
        raise wrong_directorate(login, own, wanted)

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


_URL_PASSWORD = re.compile(r"(://[^:/@]*):[^@/]*@")
_PARAM_PASSWORD = re.compile(r"([?&;\s]|^)(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^&\s]*)",
                             re.IGNORECASE)


def redacted(url: str) -> str:
    """A database address without its password (``user:***@``, ``password=***``), for
    ``eti config``, messages and logs."""
    return _PARAM_PASSWORD.sub(r"\1\2***", _URL_PASSWORD.sub(r"\1:***@", url))


def has_password(url: str) -> bool:
    """Whether the address itself carries a password (it belongs in a password file)."""
    return redacted(url) != url


def server_of(url: str) -> str:
    """The server an address names (``host:port/database``), for messages."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        parts = conninfo_to_dict(url)
    except Exception:  # noqa: BLE001 - a message must not fail on a malformed address
        return redacted(url)
    host = str(parts.get("host") or parts.get("hostaddr") or "localhost")
    port = str(parts.get("port") or "5432")
    where = f"{host}:{port}/{parts.get('dbname') or ''}"
    return f"service={parts['service']}" if parts.get("service") and not parts.get(
        "host") else where


LEDGER_URL_ENV = "ETI_LEDGER_URL"
"""The environment variable naming a PostgreSQL ledger; it wins over ``eti.toml``. Read
by :mod:`automation.ledger.open` alone."""


def password_warning(url: str) -> tuple[str, str] | None:
    """(Arabic, English) when the address in force carries its password: it belongs in a
    password file (``~/.pgpass`` or ``PGPASSFILE``), which libpq reads by itself."""
    if not url or not has_password(url):
        return None
    return (
        "كلمة مرور قاعدة البيانات المشتركة مكتوبة في العنوان؛ انقلها إلى ملف كلمات المرور "
        "(pgpass) واحذفها من العنوان.",
        f"the ledger address {redacted(url)} carries its password: move it to a password "
        "file (~/.pgpass, %APPDATA%\\postgresql\\pgpass.conf on Windows, or PGPASSFILE; "
        "host:port:database:login:password, mode 0600) and remove it from the address; see "
        "docs/SHARED-DATABASE.md",
    )


def unreachable(url: str, exc: BaseException) -> LedgerError:
    """The message for a PostgreSQL ledger that cannot be reached."""
    where = redacted(url)
    return LedgerError(
        f"cannot reach the ledger database {where}: {redacted(str(exc).strip())}; nothing "
        "was changed, "
        "files stay in the inbox for the next pass; check that the server runs and that "
        f"[ledger] url in eti.toml (or {LEDGER_URL_ENV}) is right",
        f"تعذر الوصول إلى قاعدة البيانات المشتركة {where}؛ لم يُغيَّر شيء وتبقى الملفات في "
        "صندوق الوارد للمحاولة التالية. اطلب من مسؤول الأنظمة التأكد من تشغيل الخادم ومن "
        "صحة العنوان في الإعداد [ledger] url.",
        code="ledger-unreachable",
    )


def lost_mid_batch(url: str, detail: str) -> tuple[str, str]:
    """What staff and the IT person read when the shared database went away during a
    batch: (Arabic, English)."""
    where = server_of(url)
    return (
        f"تعذر الاتصال بقاعدة البيانات المشتركة ({where}) أثناء المعالجة؛ ما اكتمل محفوظ، "
        "وتبقى بقية الملفات في صندوق الوارد وتُستكمل تلقائياً عند عودة الاتصال. اطلب من "
        "مسؤول الأنظمة التأكد من تشغيل الخادم ومن الشبكة إليه.",
        f"lost the connection to the shared ledger database {where} during the batch "
        f"({detail.strip()}); what was committed is kept, the other files stay in the "
        "inbox for the next pass. Check that the PostgreSQL server runs, that this "
        "machine reaches it (network, firewall, pg_hba.conf) and the login's password "
        f"(~/.pgpass or PGPASSFILE); then run `eti process` again.",
    )


def lost_during(detail: str, url: str) -> tuple[str, str] | None:
    """:func:`lost_mid_batch`'s message when a batch stopped (``detail``: what stopped
    it, ``TypeName: text``) because the shared database at ``url`` (the address in
    force, :func:`automation.ledger.open.ledger_address`) went away; None when the
    ledger is not PostgreSQL's ("") or something else stopped it."""
    url = url.strip()
    if not url or not detail.startswith(("OperationalError", "InterfaceError")) and \
            "connection" not in detail.lower():
        return None
    return lost_mid_batch(url, redacted(detail))


def _login_message(en: str, ar: str, code: str) -> LedgerError:
    return LedgerError(en, ar, code=code)


def unbound_login(login: str) -> LedgerError:
    """A login the database binds to no directorate."""
    return _login_message(
        f"the database login '{login}' is bound to no directorate: an administrator runs "
        f"`eti ledger grant {login} --directorate NAME --url ADMIN_URL` (see "
        "docs/SHARED-DATABASE.md); nothing was read or changed",
        f"حساب الدخول '{login}' إلى قاعدة البيانات المشتركة غير مرتبط بأي مديرية؛ لم يُقرأ "
        "أو يُغيَّر شيء. اطلب من مسؤول قاعدة البيانات ربطه بمديريتك (eti ledger grant).",
        "ledger-login-unbound",
    )


def unknown_directorate(name: str) -> LedgerError:
    """A directorate name the shared database does not know (a typo, most often)."""
    shown = name or "(فارغ / empty)"
    if name == ALL_DIRECTORATES:
        return _login_message(
            f"'{ALL_DIRECTORATES}' (every directorate) is the ministry login's alone; set "
            "[department] directorate in eti.toml to your directorate's name",
            f"الرمز '{ALL_DIRECTORATES}' (جميع المديريات) خاص بحساب الوزارة؛ اكتب اسم "
            "مديريتك في الإعداد [department] directorate في ملف eti.toml.",
            "ledger-directorate-star",
        )
    return _login_message(
        f"the shared database knows no directorate named '{shown}' ([department] "
        "directorate in eti.toml): check its spelling against the name the administrator "
        "granted (`eti ledger grant`); nothing was read or changed",
        f"قاعدة البيانات المشتركة لا تعرف مديرية باسم «{shown}» (الإعداد [department] "
        "directorate في ملف eti.toml)؛ لم يُقرأ أو يُغيَّر شيء. تأكد من كتابة الاسم كما "
        "سجّله مسؤول قاعدة البيانات.",
        "ledger-directorate-unknown",
    )


def wrong_directorate(login: str, bound: str, wanted: str) -> LedgerError:
    """A department whose eti.toml names another directorate than its login's."""
    if wanted == ALL_DIRECTORATES:
        return unknown_directorate(wanted)
    return _login_message(
        f"this department's directorate is '{wanted}' ([department] directorate in "
        f"eti.toml) but its database login '{login}' is bound to '{bound}': correct "
        "eti.toml, or use the login of that directorate; nothing was read or changed",
        f"اسم المديرية في ملف eti.toml هو «{wanted}» لكن حساب الدخول '{login}' إلى قاعدة "
        f"البيانات المشتركة مرتبط بمديرية «{bound}»؛ لم يُقرأ أو يُغيَّر شيء. صحّح الاسم في "
        "الإعداد [department] directorate أو استخدم حساب الدخول الخاص بمديريتك.",
        "ledger-directorate-mismatch",
    )
