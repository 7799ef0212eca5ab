"""The ledger's side of the outgoing correspondence (الصادر, table ``outgoing``): the
numbers given, with their documents, read back for the register
(:mod:`automation.documents.correspondence` numbers letters through these operations,
:mod:`automation.registers.outgoing` lists them).

Each takes the ledger's connection (a number is given inside a write transaction); the
same statements run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class OutgoingRecord(NamedTuple):
    """One number given, as the ``outgoing`` table keeps it."""

    number: str
    issued_on: str
    kind: str
    addressee: str
    subject: str
    process: str
    document: str
    void: bool
    void_reason: str


def number_taken(conn: Any, number: str) -> bool:
    """Whether the text ``number`` was ever given (a number is never given twice)."""
    return conn.execute("SELECT 1 FROM outgoing WHERE number = ?", (number,)).fetchone() \
        is not None


def record_number(conn: Any, *, number: str, year: int, sequence: int, issued_on: str,
                  kind: str, addressee: str, subject: str, process: str, document: str,
                  created_at: str) -> int:
    """A number given (inside the transaction that drew its sequence); returns its id."""
    cursor = conn.execute(
        "INSERT INTO outgoing (number, year, sequence, issued_on, kind, addressee, subject, "
        "process, document, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (number, year, sequence, issued_on, kind, addressee, subject, process, document,
         created_at),
    )
    return int(cursor.lastrowid or 0)


def attach_document(conn: Any, outgoing_id: int, document: str) -> None:
    """The document (relative path) a number was given to."""
    conn.execute("UPDATE outgoing SET document = ? WHERE id = ?", (document, outgoing_id))


def void_number(conn: Any, number: str, reason: str) -> None:
    """A number marked void: it stays in the register, never given again."""
    conn.execute("UPDATE outgoing SET void = 1, void_reason = ? WHERE number = ?",
                 (reason, number))


def outgoing_records(conn: Any) -> list[OutgoingRecord]:
    """Every number given, in the order given (year, then sequence)."""
    return [
        OutgoingRecord(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]),
                       str(r[6]), bool(r[7]), str(r[8]))
        for r in conn.execute(
            "SELECT number, issued_on, kind, addressee, subject, process, document, void, "
            "void_reason FROM outgoing ORDER BY year, sequence, id")
    ]
