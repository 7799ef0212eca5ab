"""Copies of the ledger: the nightly backups, and putting one back.

    data/backups/ledger-20260310-0200.sqlite    a backup (SQLite online backup, checked)
    data/replaced/ledger-20260311-0914.sqlite   the file a restore replaced, kept aside

A backup is one self-contained file (no write-ahead log beside it). A restore never
deletes anything: the ledger it replaces (with its ``-wal`` and ``-shm`` files) is
moved aside first, and the copy is checked before it takes the ledger's place.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from automation.core.department import Department
from automation.core.errors import LedgerError
from automation.core.locks import exclusive
from automation.ledger.register_marks import RegisterMarks

if TYPE_CHECKING:
    from automation.ledger.store import Ledger

BACKUP_NAME = re.compile(r"^ledger-\d{8}-\d{4}\.sqlite$")
REPLACED_FOLDER = "replaced"
"""``data/replaced/``: ledgers a restore moved aside."""

SIDE_FILES = ("-wal", "-shm", "-journal")
"""SQLite's files beside a database: they belong to it and move with it."""


def backups(folder: Path) -> list[Path]:
    """The ledger backups in a folder, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if BACKUP_NAME.match(p.name))


def latest_backup(dept: Department) -> Path | None:
    """The newest backup in ``data/backups/``, or None."""
    found = backups(dept.backups)
    return found[-1] if found else None


class BackupByServer(LedgerError):
    """A PostgreSQL ledger is backed up by its server, not by the product."""

    code = "backup-by-server"


def backup_ledger(ledger: Ledger, folder: Path, *, when: dt.datetime, keep: int) -> Path:
    """Copy the live ledger with SQLite's online backup API, keep the newest ``keep``.

    A PostgreSQL ledger is not copied: the database server's own backups keep it."""
    if ledger.dialect.backed_up_by_server:
        raise BackupByServer(
            "the ledger is a PostgreSQL database: it is backed up with the server's own "
            "tools (pg_dump, or the server's scheduled backups), not into data/backups/",
            "قاعدة البيانات مشتركة على خادم PostgreSQL: يحفظ نسخها الاحتياطية مسؤول الخادم "
            "بأدواته، لا مجلد data/backups/.",
        )
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"ledger-{when:%Y%m%d-%H%M}.sqlite"
    tmp = final.with_name(final.name + ".tmp")
    tmp.unlink(missing_ok=True)
    target = sqlite3.connect(str(tmp))
    try:
        ledger.conn.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        check = target.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        target.close()
    if check != "ok":
        tmp.unlink(missing_ok=True)
        raise LedgerError(f"ledger backup failed its check: {check}",
                          f"فشل التحقق من النسخة الاحتياطية لقاعدة البيانات: {check}")
    os.replace(tmp, final)
    for old in backups(folder)[:-keep]:
        old.unlink(missing_ok=True)
    return final


@dataclass(frozen=True)
class CopyInfo:
    """What a ledger file holds, read without changing it."""

    path: Path
    submissions: int
    rows: int
    last_received: str


def inspect_copy(path: Path) -> CopyInfo:
    """Check a ledger file (a backup, or any copy) and count what it holds.

    Raises :class:`LedgerError` naming the file when it is not a whole, sound ledger.
    """
    if not path.is_file():
        raise LedgerError(f"no ledger copy at {path}", f"لا توجد نسخة من قاعدة البيانات في {path}")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _not_a_ledger(path, str(exc)) from exc
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise _not_a_ledger(path, str(check))
        submissions, last = conn.execute(
            "SELECT COUNT(*), COALESCE(MAX(received_at), '') FROM submissions").fetchone()
        rows = conn.execute("SELECT COUNT(*) FROM rows").fetchone()[0]
    except sqlite3.Error as exc:
        raise _not_a_ledger(path, str(exc)) from exc
    finally:
        conn.close()
    return CopyInfo(path, int(submissions), int(rows), str(last))


def _not_a_ledger(path: Path, why: str) -> LedgerError:
    return LedgerError(
        f"{path} is not a sound ledger ({why}); choose another backup",
        f"الملف {path.name} ليس نسخة سليمة من قاعدة البيانات ({why})؛ اختر نسخة احتياطية أخرى.",
        code="bad-backup",
    )


@dataclass(frozen=True)
class Restored:
    """What ``eti ledger restore`` did."""

    source: Path
    copy: CopyInfo
    kept_aside: tuple[Path, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "source": str(self.source),
            "submissions": self.copy.submissions,
            "rows": self.copy.rows,
            "last_received": self.copy.last_received or None,
            "kept_aside": [str(p) for p in self.kept_aside],
        }


def set_aside(dept: Department, when: dt.datetime) -> tuple[Path, ...]:
    """Move the ledger and its side files into ``data/replaced/`` (nothing deleted)."""
    live = dept.ledger_path
    present = [p for p in (live, *(live.with_name(live.name + s) for s in SIDE_FILES))
               if p.exists() or p.is_symlink()]
    if not present:
        return ()
    folder = dept.data / REPLACED_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"ledger-{when:%Y%m%d-%H%M%S}"
    n = 1
    while any((folder / f"{stem}{'' if n == 1 else f'-{n}'}.sqlite{s}").exists()
              for s in ("", *SIDE_FILES)):
        n += 1
    name = f"{stem}{'' if n == 1 else f'-{n}'}.sqlite"
    moved = []
    for path in present:  # the database first: a side file alone never passes for a ledger
        target = folder / (name + path.name[len(live.name):])
        os.replace(path, target)
        moved.append(target)
    return tuple(moved)


class BatchRunning(LedgerError):
    """A batch holds the department's intake lock: a restore waits for it to end."""

    code = "batch-running"


def restore_ledger(dept: Department, source: Path, *, when: dt.datetime) -> Restored:
    """Put the copy ``source`` in place of ``data/ledger.sqlite``.

    The copy is checked first and copied beside the ledger; only then is the
    current ledger (if any) moved aside into ``data/replaced/`` and the copy
    renamed into place, all under the department's intake lock (no batch runs
    meanwhile; the caller makes sure the watcher is stopped).
    """
    try:
        with exclusive(dept.data / "intake.lock", wait=False):
            return _restore(dept, source, when)
    except BlockingIOError as exc:
        raise BatchRunning(
            "a batch is running in this department: restore the ledger when it has ended",
            "تجري الآن معالجة دفعة من الملفات في هذا القسم؛ أعد المحاولة بعد انتهائها.",
        ) from exc


def _restore(dept: Department, source: Path, when: dt.datetime) -> Restored:
    info = inspect_copy(source)
    live = dept.ledger_path
    live.parent.mkdir(parents=True, exist_ok=True)
    tmp = live.with_name(live.name + ".restoring")
    try:
        shutil.copyfile(source, tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        inspect_copy(tmp)
        aside = set_aside(dept, when)
        os.replace(tmp, live)
        RegisterMarks(dept).forget()  # the registers are written again from the copy
    except OSError as exc:
        raise LedgerError(
            f"cannot restore the ledger from {source}: {exc}",
            f"تعذرت استعادة قاعدة البيانات من {source.name}: {exc}",
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return Restored(source, info, aside)
