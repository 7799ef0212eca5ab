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
# A test that uses the ledger fixture runs twice: on the department's SQLite file and on
# a PostgreSQL database of its own (ETI_LEDGER_URL set for the test, as a department
# pointed at a shared server would have it: open_ledger reads it; a test opens its
# backend's ledger with ledger_factory.backend_ledger, never the store). It uses it when
# it (or one of its fixtures) requests ``ledger_backend`` or a fixture handing it a ledger
# (:data:`LEDGER_FIXTURES`: ``ledger``, ``module_ledger``, ``world``, ``disposals``); a
# module opts in whole with ``pytestmark = pytest.mark.usefixtures("ledger_backend")``.
# Every other test runs once, on SQLite, whatever its folder: a template, a Hypothesis
# run, a pure function.
# A test about the SQLite file itself (backups, a lost or damaged file) that uses the
# fixture is marked ``sqlite_only``.

import os  # noqa: E402

import pytest  # noqa: E402

from tests import postgres_server  # noqa: E402

LEDGER_FIXTURE = "ledger_backend"
"""The fixture whose users run on both backends."""

LEDGER_FIXTURES = frozenset({LEDGER_FIXTURE, "module_ledger", "ledger", "world", "disposals"})
"""Fixtures that hand a test a ledger (or a department's filled one): a test using any of
them uses the ledger fixture."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about the SQLite ledger file itself")
    config.addinivalue_line(
        "markers", "postgres: a test of PostgreSQL itself (runs once, on the postgres_url fixture)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if not LEDGER_FIXTURES.intersection(metafunc.fixturenames):
        return
    if LEDGER_FIXTURE not in metafunc.fixturenames:
        metafunc.fixturenames.append(LEDGER_FIXTURE)
    definition = metafunc.definition
    if not (definition.get_closest_marker("sqlite_only")
            or definition.get_closest_marker("postgres")):
        # by module: a module's shared set-up (module_ledger) is made once per backend
        metafunc.parametrize(LEDGER_FIXTURE, ["sqlite", "postgresql"], indirect=True,
                             scope="module")


def _backend_of(request: pytest.FixtureRequest) -> str:
    """The backend the running test was given (``sqlite`` unless it uses the ledger
    fixture and this is its PostgreSQL run)."""
    callspec = getattr(request.node, "callspec", None)
    return str(callspec.params.get(LEDGER_FIXTURE, "sqlite")) if callspec else "sqlite"


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
def _ledger_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the test's ledgers at its backend (``ETI_LEDGER_URL``, as a department
    pointed at a shared server has it; cleared for SQLite)."""
    if _backend_of(request) != "postgresql":
        monkeypatch.delenv("ETI_LEDGER_URL", raising=False)
    elif _MODULE_URL and "module_ledger" in request.fixturenames:
        monkeypatch.setenv("ETI_LEDGER_URL", _MODULE_URL[-1])
    else:
        monkeypatch.setenv("ETI_LEDGER_URL", request.getfixturevalue("postgres_url"))
