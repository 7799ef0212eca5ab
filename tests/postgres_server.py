"""A throwaway PostgreSQL for the tests: pytest-postgresql's executor runs the
machine's ``initdb`` / ``pg_ctl`` in a temporary folder on 127.0.0.1.

PostgreSQL refuses to run as root; where the tests run as root (CI), ``pg_ctl`` runs as
the ``postgres`` user Debian's package creates (through ``runuser``). Where no server
programs exist the PostgreSQL tests are skipped with a reason that says how to install
them. ``ETI_TEST_POSTGRES_URL`` points the tests at a server of your own instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

INSTALL_HINT = (
    "PostgreSQL's server programs (initdb, pg_ctl) are not on this machine: install them "
    "(Debian/Ubuntu: apt-get install postgresql) or set ETI_TEST_POSTGRES_URL to a server "
    "the tests may create databases on"
)

SERVER_OPTIONS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=300 -c shared_buffers=64MB"
)
"""A test server keeps nothing: it need not sync to disk."""


def pg_ctl() -> str | None:
    """The machine's pg_ctl (Debian keeps it out of PATH, under /usr/lib/postgresql)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return found[-1] if found else shutil.which("pg_ctl")


def unavailable_reason() -> str | None:
    """Why the tests cannot start a PostgreSQL here (None: they can)."""
    if os.environ.get("ETI_TEST_POSTGRES_URL"):
        return None
    if pg_ctl() is None:
        return INSTALL_HINT
    try:
        import psycopg  # noqa: F401
        import pytest_postgresql  # noqa: F401
    except ImportError:
        return 'the PostgreSQL tests need psycopg and pytest-postgresql: pip install -e ".[test]"'
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _user_exists("postgres")):
        return ("PostgreSQL does not run as root and there is no 'postgres' user to run it as "
                "(Debian's postgresql package creates it)")
    return None


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server() -> Iterator[str]:
    """A running server for the session; yields the URL of its maintenance database."""
    given = os.environ.get("ETI_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    from pytest_postgresql.executors import PostgreSQLExecutor

    base = Path(tempfile.mkdtemp(prefix="eti-pg-"))
    executable = pg_ctl()
    assert executable is not None
    if os.geteuid() == 0:  # run it as the postgres user
        import pwd

        user = pwd.getpwnam("postgres")
        os.chown(base, user.pw_uid, user.pw_gid)
        wrapper = Path(tempfile.mkdtemp(prefix="eti-pgctl-")) / "pg_ctl"
        wrapper.write_text(f'#!/bin/sh\ncd /\nexec runuser -u postgres -- "{executable}" "$@"\n')
        wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        executable = str(wrapper)
    port = _free_port()
    executor = PostgreSQLExecutor(
        executable=executable, host="127.0.0.1", port=port, datadir=str(base / "data"),
        unixsocketdir=str(base), logfile=str(base / "server.log"), startparams="-w",
        dbname="eti_tests", user="postgres", postgres_options=SERVER_OPTIONS, timeout=120,
    )
    executor.start()
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        executor.stop()
        shutil.rmtree(base, ignore_errors=True)


def _connect_when_ready(url: str, seconds: float = 60) -> object:
    """A connection once the server accepts them (it opens its port while starting up)."""
    import time

    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            return psycopg.connect(url, autocommit=True)
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class Databases:
    """A fresh, migrated database per test, copied from a template (fast)."""

    TEMPLATE = "eti_template"

    def __init__(self, maintenance_url: str) -> None:

        self.url = maintenance_url
        self._admin = _connect_when_ready(maintenance_url)
        self._count = 0
        self._admin.execute(f"DROP DATABASE IF EXISTS {self.TEMPLATE} WITH (FORCE)")
        self._admin.execute(f"CREATE DATABASE {self.TEMPLATE}")
        from automation.ledger.logins import migrate_database

        migrate_database(self.url_of(self.TEMPLATE))
        know_directorates(self.url_of(self.TEMPLATE), "")  # a test department's default

    def url_of(self, name: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + name

    def create(self) -> str:
        self._count += 1
        name = f"eti_test_{os.getpid()}_{self._count}"
        self._admin.execute(f"CREATE DATABASE {name} TEMPLATE {self.TEMPLATE} STRATEGY FILE_COPY")
        return name

    def drop(self, name: str) -> None:
        self._admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        self._admin.close()


def know_directorates(url: str, *names: str) -> None:
    """Make ``names`` directorates the database at ``url`` knows (as ``eti ledger grant``
    would; ``url`` an administrator's). A test department's own directorate must be
    known before its ledger opens."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for name in names:
            conn.execute("INSERT INTO eti_directorates (name) VALUES (%s) ON CONFLICT DO NOTHING",
                         (name,))


PASSWORD_GROUP = "eti_password_tests"
"""Logins in this group must give a password (SCRAM); every other login is trusted."""


def require_passwords(maintenance_url: str) -> None:
    """Make the server ask members of :data:`PASSWORD_GROUP` for their password (the
    test server trusts every login otherwise)."""
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                        (PASSWORD_GROUP,)).fetchone():
            return
        conn.execute(f"CREATE ROLE {PASSWORD_GROUP} NOLOGIN")
        hba = Path(str(conn.execute("SHOW hba_file").fetchone()[0]))
        lines = (f"host all +{PASSWORD_GROUP} 127.0.0.1/32 scram-sha-256\n"
                 f"host all +{PASSWORD_GROUP} ::1/128 scram-sha-256\n")
        hba.write_text(lines + hba.read_text())
        conn.execute("SELECT pg_reload_conf()")
