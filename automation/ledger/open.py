"""Opening a department's ledger where its settings say it lives.

This module alone reads where a ledger is: ``[ledger] url`` in the department's settings
and the environment (``ETI_LEDGER_URL``, which wins). :class:`~automation.ledger.store.
Ledger`'s constructors read neither (a layout test holds every other module to it)."""

from __future__ import annotations

import os

from automation.core.department import Department
from automation.core.settings import Settings, load_settings
from automation.ledger.postgres import (
    ALL_DIRECTORATES,
    LEDGER_URL_ENV,
    redacted,
    unknown_directorate,
)
from automation.ledger.store import Ledger


def _from_environment() -> str:
    return os.environ.get(LEDGER_URL_ENV, "").strip()


def ledger_address(settings: Settings) -> str:
    """The PostgreSQL address the department's ledger is at ("" for its SQLite file):
    ``ETI_LEDGER_URL`` when set, else ``[ledger] url``."""
    return _from_environment() or settings.ledger.url.strip()


def url_in_force(configured: str, source: str) -> tuple[str, str]:
    """The ledger's address as ``eti config`` shows it (its password masked) and where it
    comes from: ``ETI_LEDGER_URL`` when set (it wins), else ``source`` (eti.toml or
    default)."""
    from_env = _from_environment()
    if from_env:
        return redacted(from_env), f"{LEDGER_URL_ENV}, wins over eti.toml"
    return redacted(configured), source


def administrator_address(given: str | None) -> str:
    """The address an administrator's command (``eti ledger grant``…) works on: ``given``
    (its ``--url``), else ``ETI_LEDGER_URL`` — never eti.toml's; "" when neither."""
    return (given or "").strip() or _from_environment()


def open_ledger(
    dept: Department, settings: Settings | None = None, *, directorate: str | None = None
) -> Ledger:
    """The department's ledger: its SQLite file, or the PostgreSQL database that
    ``[ledger] url`` (or ``ETI_LEDGER_URL``) names, seen as the department's
    directorate (``directorate`` overrides it: ``*`` for every directorate). A department
    whose own ``[department] directorate`` is ``*`` is refused on PostgreSQL unless its
    login is the ministry's (:mod:`automation.ledger.logins`)."""
    settings = settings or load_settings(dept)
    own = settings.department.directorate
    seen_as = own if directorate is None else directorate
    url = ledger_address(settings)  # never in the store
    ledger = Ledger.postgres(url, seen_as, path=dept.ledger_path) if url else \
        Ledger.sqlite(dept.ledger_path, directorate=seen_as)
    if directorate is None and own.strip() == ALL_DIRECTORATES and ledger.dialect.shared \
            and not ledger.conn.is_ministry():  # type: ignore[attr-defined]
        ledger.close()  # a department is one directorate: '*' is the ministry login's alone
        raise unknown_directorate(ALL_DIRECTORATES)
    return ledger
