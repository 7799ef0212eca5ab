"""Test helpers are importable both as ``tests.x`` and as ``x``."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


# -- the ledger's two backends -------------------------------------------------------
#
# Every test under the folders below runs twice: on the department's SQLite file and on
# a PostgreSQL database of its own (ETI_LEDGER_URL set for the test, as a department
# pointed at a shared server would have it). A test about the SQLite file itself
# (backups, a lost or damaged file) is marked ``sqlite_only``.

import os  # noqa: E402

import pytest  # noqa: E402

from tests import postgres_server  # noqa: E402

BOTH_BACKENDS = ("ledger", "intake", "registers", "processes", "documents")
"""Test folders whose every test runs on both backends."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about the SQLite ledger file itself")
    config.addinivalue_line(
        "markers", "postgres: a test of PostgreSQL itself (runs once, on the postgres_url fixture)")


def _on_both(path: Path) -> bool:
    try:
        folder = path.relative_to(HERE).parts[0]
    except ValueError:
        return False
    return folder in BOTH_BACKENDS


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "ledger_backend" not in metafunc.fixturenames:
        return
    definition = metafunc.definition
    if _on_both(definition.path) and not (definition.get_closest_marker("sqlite_only")
                                          or definition.get_closest_marker("postgres")):
        # by module: a module's shared set-up (module_ledger) is made once per backend
        metafunc.parametrize("ledger_backend", ["sqlite", "postgresql"], indirect=True,
                             scope="module")


@pytest.fixture(scope="session")
def postgres_databases() -> object:
    reason = postgres_server.unavailable_reason()
    if reason:
        pytest.skip(reason)
    with postgres_server.server() as url:
        databases = postgres_server.Databases(url)
        try:
            yield databases
        finally:
            databases.close()


@pytest.fixture
def postgres_url(postgres_databases: postgres_server.Databases) -> object:
    """A fresh, migrated PostgreSQL database for one test, its URL."""
    name = postgres_databases.create()
    try:
        yield postgres_databases.url_of(name)
    finally:
        postgres_databases.drop(name)


@pytest.fixture(scope="module")
def ledger_backend(request: pytest.FixtureRequest) -> str:
    """The backend this module's tests run on: ``sqlite`` or ``postgresql``."""
    return str(getattr(request, "param", "sqlite"))


_MODULE_URL: list[str] = []
"""The database a module's shared set-up wrote to, while that module runs."""


@pytest.fixture(scope="module")
def module_ledger(ledger_backend: str, request: pytest.FixtureRequest) -> object:
    """For a module-scoped fixture that builds one department for all of a module's tests:
    request this first; on PostgreSQL the module's tests then share its database."""
    if ledger_backend != "postgresql":
        os.environ.pop("ETI_LEDGER_URL", None)
        yield ledger_backend
        return
    databases = request.getfixturevalue("postgres_databases")
    name = databases.create()
    _MODULE_URL.append(databases.url_of(name))
    os.environ["ETI_LEDGER_URL"] = _MODULE_URL[-1]
    try:
        yield ledger_backend
    finally:
        _MODULE_URL.pop()
        os.environ.pop("ETI_LEDGER_URL", None)
        databases.drop(name)


@pytest.fixture(autouse=True)
def _ledger_url(
    ledger_backend: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point the test's ledgers at its backend (``ETI_LEDGER_URL``, as a department
    pointed at a shared server has it; cleared for SQLite)."""
    if ledger_backend != "postgresql":
        monkeypatch.delenv("ETI_LEDGER_URL", raising=False)
    elif _MODULE_URL and "module_ledger" in request.fixturenames:
        monkeypatch.setenv("ETI_LEDGER_URL", _MODULE_URL[-1])
    else:
        monkeypatch.setenv("ETI_LEDGER_URL", request.getfixturevalue("postgres_url"))
