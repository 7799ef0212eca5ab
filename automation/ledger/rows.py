"""The ledger's answers about rows that its callers outside the store need beyond
:class:`automation.ledger.store.LedgerRow` (which directorate a row belongs to, on a
database of several).

Each takes the ledger's connection; the same statements run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any


def live_directorates(conn: Any, form: str) -> dict[int, str]:
    """The directorate of each live row of ``form`` (archived left out), by id."""
    return {int(r[0]): str(r[1] or "") for r in conn.execute(
        "SELECT id, directorate FROM rows WHERE form = ? AND current = 1 "
        "AND archived_at IS NULL", (form,))}
