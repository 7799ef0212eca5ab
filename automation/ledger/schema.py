"""The ledger's schema: named migrations, each applied in one transaction with its record.

To change the schema, append a migration to :data:`MIGRATIONS` with the next number
(``"002_…"``); never edit one that has shipped. :func:`migrate` applies, in order,
those a ledger has not recorded yet.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager

from automation.ledger.dialect import Dialect

MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "001_initial",
        """
        CREATE TABLE submissions (
            id INTEGER PRIMARY KEY,
            original_name TEXT NOT NULL,
            stored_path TEXT NOT NULL DEFAULT '',
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            received_at TEXT NOT NULL,
            form TEXT,
            workbook_id TEXT,
            school TEXT,
            period TEXT,
            identity TEXT,
            outcome TEXT NOT NULL
                CHECK (outcome IN ('accepted', 'rejected', 'duplicate', 'superseded')),
            superseded_by INTEGER REFERENCES submissions(id),
            duplicate_of INTEGER REFERENCES submissions(id),
            claim_id TEXT UNIQUE,
            header_json TEXT NOT NULL DEFAULT '{}',
            row_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX submissions_sha ON submissions(sha256);
        CREATE INDEX submissions_identity ON submissions(form, identity)
            WHERE outcome = 'accepted';
        CREATE INDEX submissions_received ON submissions(received_at);
        CREATE TABLE rows (
            id INTEGER PRIMARY KEY,
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            form TEXT NOT NULL,
            sheet TEXT NOT NULL,
            row_number INTEGER NOT NULL,
            record_key TEXT,
            record_date TEXT,
            school TEXT,
            data TEXT NOT NULL,
            current INTEGER NOT NULL DEFAULT 1,
            replaced_by INTEGER REFERENCES rows(id),
            archived_at TEXT,
            decision_id INTEGER REFERENCES decisions(id)
        );
        CREATE INDEX rows_form_current ON rows(form, current);
        CREATE INDEX rows_submission ON rows(submission_id);
        CREATE INDEX rows_key ON rows(form, record_key) WHERE record_key IS NOT NULL;
        CREATE TABLE problems (
            id INTEGER PRIMARY KEY,
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            severity TEXT NOT NULL,
            code TEXT NOT NULL,
            sheet TEXT NOT NULL DEFAULT '',
            cell TEXT NOT NULL DEFAULT '',
            field TEXT NOT NULL DEFAULT '',
            row_number INTEGER,
            message TEXT NOT NULL,
            message_en TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX problems_submission ON problems(submission_id);
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            number TEXT NOT NULL UNIQUE,
            decided_on TEXT NOT NULL,
            created_at TEXT NOT NULL,
            document TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        CREATE TABLE job_runs (
            job TEXT PRIMARY KEY,
            last_run TEXT,
            last_ok TEXT,
            last_error TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            path TEXT NOT NULL,
            created_at TEXT NOT NULL,
            submission_id INTEGER REFERENCES submissions(id)
        );
        CREATE TABLE dirty_registers (process TEXT PRIMARY KEY);
        CREATE TABLE archive (
            row_id INTEGER PRIMARY KEY REFERENCES rows(id),
            form TEXT NOT NULL,
            record_date TEXT,
            archived_at TEXT NOT NULL,
            workbook TEXT NOT NULL
        );
        """,
    ),
    (
        "002_outgoing_register",
        # One numbering per calendar year for everything the department sends
        # (``outgoing-<year>``), continuing after the numbers the two old sequences gave.
        # Decisions get a state: a draft has no number yet (``number`` holds the unique
        # placeholder ``draft-<id>`` and ``decided_on`` is empty); an approved one has its
        # outgoing number; a void one keeps it and releases its items (``item_ids`` keeps
        # which they were; ``scope`` the source and dates it was drafted for). Decisions
        # taken before this migration count as approved.
        """
        CREATE TABLE outgoing (
            id INTEGER PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            year INTEGER NOT NULL,
            sequence INTEGER NOT NULL,
            issued_on TEXT NOT NULL,
            kind TEXT NOT NULL,
            addressee TEXT NOT NULL DEFAULT '',
            subject TEXT NOT NULL DEFAULT '',
            process TEXT NOT NULL DEFAULT '',
            document TEXT NOT NULL DEFAULT '',
            void INTEGER NOT NULL DEFAULT 0,
            void_reason TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX outgoing_year ON outgoing(year, sequence);
        ALTER TABLE decisions ADD COLUMN state TEXT NOT NULL DEFAULT 'approved';
        ALTER TABLE decisions ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
        ALTER TABLE decisions ADD COLUMN voided_at TEXT NOT NULL DEFAULT '';
        ALTER TABLE decisions ADD COLUMN item_ids TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE decisions ADD COLUMN scope TEXT NOT NULL DEFAULT '{}';
        INSERT INTO sequences (name, value)
            SELECT 'outgoing-' || substr(name, -4), MAX(value) FROM sequences
            WHERE name GLOB 'letter-[0-9][0-9][0-9][0-9]'
               OR name GLOB 'decision-disposal-[0-9][0-9][0-9][0-9]'
            GROUP BY substr(name, -4);
        INSERT OR IGNORE INTO outgoing
            (number, year, sequence, issued_on, kind, subject, process, document, created_at)
            SELECT number, CAST(substr(decided_on, 1, 4) AS INTEGER), 0, decided_on,
                   'decision-disposal', 'قرار لجنة الإتلاف', 'P5', document, created_at
            FROM decisions
        """,
    ),
    (
        "003_directorates",
        # Every submission and row carries the directorate it belongs to
        # ([department] directorate); a shared PostgreSQL ledger keeps directorates
        # apart by it (automation/ledger/schema_postgres.py adds what that needs).
        """
        ALTER TABLE submissions ADD COLUMN directorate TEXT NOT NULL DEFAULT '';
        ALTER TABLE rows ADD COLUMN directorate TEXT NOT NULL DEFAULT ''
        """,
    ),
    (
        "004_logins",
        # On a shared PostgreSQL ledger the login decides the directorate: a mapping
        # only administrators change, tables owned by a role that cannot log in
        # (automation/ledger/logins.py). A department's SQLite file has no logins.
        "",
    ),
    (
        "005_published_figures",
        # The directorate's figures for the current and previous quarter and year,
        # published after each batch (automation/ledger/published.py) and shown by the
        # view eti_figures, which any PostgreSQL client (or SQLite browser) reads.
        """
        CREATE TABLE published_figures (
            period TEXT NOT NULL,
            process TEXT NOT NULL,
            figure TEXT NOT NULL,
            label TEXT NOT NULL,
            value DOUBLE PRECISION,
            computed_at TEXT NOT NULL,
            directorate TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (period, process, figure)
        );
        CREATE VIEW eti_figures AS
            SELECT directorate, period, process, figure AS figure_key, label AS label_ar,
                   value, computed_at
            FROM published_figures
        """,
    ),
    (
        "006_report_issues",
        # Issue 24: when each periodic report of a period that had ended was first and last
        # written (kind, period slug), so that records dated inside the period that arrive
        # later are counted, and the report written again (automation/service/jobs.py).
        """
        CREATE TABLE report_issues (
            kind TEXT NOT NULL,
            period TEXT NOT NULL,
            first_issued_at TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            PRIMARY KEY (kind, period)
        )
        """,
    ),
)

MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
)

Transaction = Callable[[], AbstractContextManager[sqlite3.Connection]]
"""A write transaction on the ledger's connection (``Ledger.transaction``)."""


def migrate(conn: sqlite3.Connection, transaction: Transaction) -> list[str]:
    """Apply the migrations not yet recorded; returns their names.

    On PostgreSQL (a connection whose ``dialect`` says so) each migration is its
    PostgreSQL text (:mod:`automation.ledger.schema_postgres`), under the same name.
    """
    postgres = Dialect.of(conn) is Dialect.POSTGRESQL
    conn.execute(MIGRATIONS_TABLE)
    done = {r[0] for r in conn.execute("SELECT name FROM migrations")}
    applied = []
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        with transaction() as tx:
            if postgres:
                from automation.ledger import schema_postgres

                tx.run_script(schema_postgres.MIGRATIONS[name])  # type: ignore[attr-defined]
            else:
                for statement in sql.split(";"):
                    if statement.strip():
                        tx.execute(statement)
            tx.execute(
                "INSERT INTO migrations VALUES (?, ?)",
                (name, dt.datetime.now().isoformat(timespec="seconds")),
            )
        applied.append(name)
    return applied


def applied(conn: sqlite3.Connection) -> list[str]:
    """The migrations a ledger has recorded, by name."""
    return [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY name")]
