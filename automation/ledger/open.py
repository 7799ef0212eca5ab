"""Opening a department's ledger where its settings say it lives."""

from __future__ import annotations

from automation.core.department import Department
from automation.core.settings import Settings, load_settings
from automation.ledger.store import Ledger


def open_ledger(
    dept: Department, settings: Settings | None = None, *, directorate: str | None = None
) -> Ledger:
    """The department's ledger: its SQLite file, or the PostgreSQL database that
    ``[ledger] url`` (or ``ETI_LEDGER_URL``) names, seen as the department's
    directorate (``directorate`` overrides it: ``*`` for every directorate)."""
    settings = settings or load_settings(dept)
    return Ledger(
        dept.ledger_path,
        url=settings.ledger.url,
        directorate=settings.department.directorate if directorate is None else directorate,
    )
