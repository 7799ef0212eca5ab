"""The ledger: the one source of truth (SQLite by default, or a shared PostgreSQL).

    store.py            the Ledger: Ledger.sqlite(path), Ledger.postgres(url, directorate);
                        submissions committed, rows read back
    open.py             a department's ledger where its settings (and ETI_LEDGER_URL) say
    dialect.py          what differs between SQLite and PostgreSQL, in one place
    submissions.py      the files received, read back (a part of the Ledger)
    bookkeeping.py      sequences, job runs, documents recorded (a part of the Ledger)
    report_issues.py    periodic reports issued, records arrived late (a part of the Ledger)
    decisions.py        disposal decisions: drafted, approved, voided; the rows they hold
    outgoing.py         outgoing numbers (الصادر): given, attached, made void, listed
    documents.py        documents owed, recorded at a path, written on a day
    rows.py             the directorate of each live row (a database of several)
    row_json.py         rows' values as JSON, read back a few thousand at a time
    schema.py           the schema as named migrations (add one to change it)
    schema_postgres.py  the same migrations in PostgreSQL's dialect, directorates apart
    postgres.py         a PostgreSQL connection that runs the ledger's statements
    register_marks.py   which registers a department writes again (both backends)
    logins.py           who works as which directorate on PostgreSQL: the login (grant, revoke)
    published.py        the published figures (``eti_figures``) the ministry's tools read
    retention.py        retention's statements: rows to archive, archiving, files all archived
    copy.py             ``eti ledger copy``: a department's SQLite ledger into PostgreSQL
    copy_refusals.py    why a copy is refused, and what to do
    guard.py            a lost (missing, emptied) or damaged SQLite ledger refused
    backup.py           backups, and restoring one (the replaced file kept aside)
    check.py            ``eti ledger check``: integrity, and counts against the filed files
"""
