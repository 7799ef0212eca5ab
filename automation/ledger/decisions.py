"""The ledger's side of disposal decisions (table ``decisions``, and the rows a decision
holds): :mod:`automation.documents.decision` drafts, approves and voids them through
these operations, :mod:`automation.processes.figures` reads their numbers and dates.

Each takes the ledger's connection (inside a write transaction for a change:
:meth:`automation.ledger.store.Ledger.transaction`); the same statements run on SQLite
and PostgreSQL (:mod:`automation.ledger.dialect`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

APPROVED = "approved"
"""The state of a decision in force (drafts hold their items, void ones released them)."""


def insert_draft(conn: Any, *, kind: str, placeholder: str, created_at: str, state: str,
                 item_ids: Sequence[int], scope: dict[str, str]) -> int:
    """A new draft decision numbered ``draft-<its id>`` (``placeholder``, unique, stands
    for the number until the id is known); returns its id."""
    decision_id = int(conn.execute(
        "INSERT INTO decisions (kind, number, decided_on, created_at, state, "
        "item_ids, scope) VALUES (?, ?, '', ?, ?, ?, ?)",
        (kind, placeholder, created_at, state, json.dumps(list(item_ids)), json.dumps(scope)),
    ).lastrowid or 0)
    conn.execute("UPDATE decisions SET number = ? WHERE id = ?",
                 (f"draft-{decision_id}", decision_id))
    return decision_id


def hold_rows(conn: Any, decision_id: int, row_ids: Sequence[int]) -> int:
    """The rows ``row_ids`` held by the decision, each unless another decision holds it;
    returns how many it now holds of them."""
    return int(conn.executemany(
        "UPDATE rows SET decision_id = ? WHERE id = ? AND decision_id IS NULL",
        [(decision_id, row_id) for row_id in row_ids],
    ).rowcount)


def release_rows(conn: Any, decision_id: int) -> None:
    """Every row the decision held is free again (offered to the next draft)."""
    conn.execute("UPDATE rows SET decision_id = NULL WHERE decision_id = ?", (decision_id,))


def set_document(conn: Any, decision_id: int, path: str) -> None:
    """The decision's document is now at ``path`` (relative to the department)."""
    conn.execute("UPDATE decisions SET document = ? WHERE id = ?", (path, decision_id))


def decision(conn: Any, decision_id: int) -> Any | None:
    """The decision's record (read by column name), None when there is none."""
    return conn.execute("SELECT * FROM decisions WHERE id = ?", (decision_id,)).fetchone()


def approve(conn: Any, decision_id: int, *, number: str, decided_on: str, document: str,
            item_ids: Sequence[int]) -> None:
    """The draft approved: its outgoing number, date, document and the items it lists."""
    conn.execute(
        "UPDATE decisions SET state = ?, number = ?, decided_on = ?, document = ?, "
        "item_ids = ? WHERE id = ?",
        (APPROVED, number, decided_on, document, json.dumps(list(item_ids)), decision_id))


def void(conn: Any, decision_id: int, *, state: str, reason: str, voided_at: str) -> None:
    """The decision marked void (``state``) with its reason and time; its rows released."""
    conn.execute(
        "UPDATE decisions SET state = ?, void_reason = ?, voided_at = ? WHERE id = ?",
        (state, reason, voided_at, decision_id))
    release_rows(conn, decision_id)


def all_decisions(conn: Any) -> list[Any]:
    """Every decision's record (read by column name), oldest first."""
    return list(conn.execute("SELECT * FROM decisions ORDER BY id"))


def numbers_and_dates(conn: Any) -> list[tuple[int, str, str, Any]]:
    """(id, kind, number, decided on: ISO text, "" for a draft) of every decision."""
    return [(int(r[0]), str(r[1]), str(r[2]), r[3]) for r in conn.execute(
        "SELECT id, kind, number, decided_on FROM decisions")]


def approved_ids(conn: Any) -> set[int]:
    """The ids of the decisions in force (approved, not void)."""
    return {int(r[0]) for r in conn.execute(
        "SELECT id FROM decisions WHERE state = ?", (APPROVED,))}
