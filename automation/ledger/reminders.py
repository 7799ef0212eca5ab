"""The reminder letters the department sent schools that had not sent a form (issue 25):
read back from the outgoing register (table ``outgoing``), where each is numbered.

A letter's subject names what it reminds of (``QF70-2-3 عن 2026-11``); a letter to one
school is addressed to it, a circular to every school that owed the form that day
(:mod:`automation.processes.collection` reads them so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # the kinds are read by the documents' declarations: no store for them
    from automation.ledger.store import Ledger

REMINDER_KIND = "letter-reminder"
CIRCULAR_KIND = "letter-reminder-circular"
"""The two kinds of reminder letter as the outgoing register records them; their
declarations (:mod:`automation.documents.kinds`) take their keys from here, the floor
below them that reads the letters back (:mod:`automation.processes.collection`)."""


class ReminderLetter(NamedTuple):
    kind: str
    number: str
    issued_on: str
    addressee: str
    subject: str


def reminder_letters(ledger: Ledger) -> list[ReminderLetter]:
    """Every reminder letter not made void, oldest first."""
    return [
        ReminderLetter(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]))
        for r in ledger.conn.execute(
            "SELECT kind, number, issued_on, addressee, subject FROM outgoing "
            "WHERE kind IN (?, ?) AND void = 0 ORDER BY issued_on, id",
            (REMINDER_KIND, CIRCULAR_KIND),
        )
    ]
