"""The ledger: the one source of truth (SQLite by default, or a shared PostgreSQL).

    store.py            the Ledger: submissions, rows, problems, documents, job runs
    open.py             a department's ledger where its settings say it lives
    row_json.py         rows' values as JSON, read back a few thousand at a time
    schema.py           the schema as named migrations (add one to change it)
    schema_postgres.py  the same migrations in PostgreSQL's dialect, directorates apart
    postgres.py         a PostgreSQL connection that runs the ledger's statements
    register_marks.py   which registers a department writes again, on a shared ledger
    copy.py             ``eti ledger copy``: a department's SQLite ledger into PostgreSQL
    guard.py            a lost (missing, emptied) or damaged SQLite ledger refused
    backup.py           backups, and restoring one (the replaced file kept aside)
    check.py            ``eti ledger check``: integrity, and counts against the filed files
"""
