"""The background service on the department PC.

    watch.py      the watcher: inbox/ events and rescans → ready files → run_batch
    dropped.py    which dropped files are watched, and when one is complete
    observer.py   file events: the system's, or polling on a network share
    jobs.py       scheduled jobs (reports, digest, backup, register refresh, retention)
    retention.py  QP-70-2 retention periods: records move to the archive, never deleted
    status.py     ``eti status`` and the watcher's heartbeat (data/watch.json)
    install.py    start the watcher at logon (Task Scheduler / systemd user unit)
    logs.py       data/logs/eti.log

Settings are :mod:`automation.core.settings`; the commands are
:mod:`automation.cli.service`.
"""
