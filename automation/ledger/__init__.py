"""The ledger: the one source of truth (SQLite).

    store.py    the Ledger: submissions, rows, problems, documents, job runs
    schema.py   the schema as named migrations (add one to change it)
    guard.py    a lost (missing, emptied) or damaged ledger refused with what to do
    backup.py   backups, and restoring one (the replaced file kept aside)
    check.py    ``eti ledger check``: integrity, and counts against the filed files
"""
