"""A department's ledger that is lost is never silently replaced by an empty one.

SQLite makes a new, empty database wherever it is asked to open a missing or 0-byte
file. For a department with a history (files in ``inbox/processed/`` or
``inbox/rejected/``, registers, backups) that would be a ledger with nothing in it,
and the next batch would rewrite every register from it. So opening a department's
ledger first asks :func:`refuse_if_lost`: a ledger that is missing or empty while the
department has a history is refused, with a message naming the latest backup and
the command that restores it (``eti ledger restore --latest``).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from automation.core.department import Department
from automation.core.errors import LedgerError
from automation.ledger.backup import backups

RESTORE_LATEST = "eti ledger restore --latest"
RESTORE_FROM = "eti ledger restore --from FILE"


class LedgerLost(LedgerError):
    """The ledger is missing or empty while the department has a history."""

    code = "ledger-lost"


def department_of(path: Path) -> Department | None:
    """The department whose ledger ``path`` is (``<root>/data/ledger.sqlite``), if any."""
    dept = Department(path.parent.parent)
    return dept if dept.ledger_path == path else None


PRODUCTS_OWN = (".errors.xlsx", ".errors.xlsx.tmp", ".tmp")
"""What the product writes beside a filed file before its record is committed: it
says nothing of the ledger's history (a run killed there leaves it)."""


def _has_file(folder: Path) -> bool:
    """Whether a filed file lies under ``folder`` (stops at the first one)."""
    for _, _, files in os.walk(folder):
        if any(not name.endswith(PRODUCTS_OWN) and not name.startswith(".") for name in files):
            return True
    return False


def history(dept: Department, *, with_outputs: bool = True) -> list[str]:
    """What shows the department has handled files before (folders, relative).

    Files filed away always count; registers and backups only with ``with_outputs``
    (a new department writes empty registers and backs up its empty ledger).
    """
    found = []
    for folder in (dept.processed, dept.rejected, dept.files_archive):
        if _has_file(folder):
            found.append(folder.relative_to(dept.root).as_posix() + "/")
    if with_outputs:
        if dept.registers.is_dir() and any(dept.registers.glob("*.xlsx")):
            found.append(dept.registers.relative_to(dept.root).as_posix() + "/")
        if backups(dept.backups):
            found.append(dept.backups.relative_to(dept.root).as_posix() + "/")
    return found


def _backup_has_submissions(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        return conn.execute("SELECT 1 FROM submissions LIMIT 1").fetchone() is not None
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def lost_message(dept: Department, state_en: str, state_ar: str, evidence: list[str]) -> LedgerLost:
    """The refusal: what is wrong, what shows it, the backup and the command to restore it."""
    found = backups(dept.backups)
    rel = dept.ledger_path.relative_to(dept.root).as_posix()
    where = ", ".join(evidence)
    if found:
        latest = found[-1].relative_to(dept.root).as_posix()
        todo_en = f"the latest backup is {latest}: restore it with `{RESTORE_LATEST}`"
        todo_ar = f"آخر نسخة احتياطية هي {latest}؛ لاستعادتها شغّل: {RESTORE_LATEST}"
    else:
        todo_en = f"there is no backup in data/backups/: restore a copy with `{RESTORE_FROM}`"
        todo_ar = ("لا توجد نسخة احتياطية في data/backups؛ لاستعادة نسخة من قاعدة البيانات "
                   f"شغّل: {RESTORE_FROM}")
    return LedgerLost(
        f"the ledger {rel} is {state_en} while the department has a history ({where}); "
        f"nothing was changed and no new ledger was made; {todo_en}",
        f"قاعدة البيانات {rel} {state_ar} مع أن للقسم سجلاً سابقاً ({where})؛ لم يُغيَّر شيء "
        f"ولم تُنشأ قاعدة بيانات جديدة فارغة. {todo_ar}",
    )


def refuse_if_lost(path: Path) -> None:
    """Before a department's ledger file is opened: refuse a missing or 0-byte one
    while the department has a history (:class:`LedgerLost`)."""
    dept = department_of(path)
    if dept is None:
        return
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        state = ("missing", "مفقودة")
    else:
        if size > 0:
            return
        state = ("empty (0 bytes)", "فارغة (حجمها 0 بايت)")
    evidence = history(dept)
    if evidence:
        raise lost_message(dept, *state, evidence)


def refuse_if_emptied(path: Path, conn: sqlite3.Connection) -> None:
    """After it is opened: a ledger without a single submission while files were
    filed away, or while the latest backup holds submissions, has been replaced."""
    dept = department_of(path)
    if dept is None or conn.execute("SELECT 1 FROM submissions LIMIT 1").fetchone():
        return
    evidence = history(dept, with_outputs=False)
    found = backups(dept.backups)
    if found and _backup_has_submissions(found[-1]):
        evidence.append(found[-1].relative_to(dept.root).as_posix())
    if evidence:
        raise lost_message(dept, "empty (it records no submission)", "فارغة (لا تسجّل أي نموذج)",
                           evidence)


class LedgerDamaged(LedgerError):
    """The ledger file is not a sound SQLite database."""

    code = "ledger-damaged"


def is_damage(exc: BaseException) -> bool:
    """Whether SQLite says the file itself is bad (not busy, full or unreachable)."""
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(
        exc, sqlite3.OperationalError)


def damaged(path: Path | None, exc: BaseException) -> LedgerDamaged:
    """The message for a damaged ledger: what SQLite said, the backup, the commands."""
    dept = department_of(path) if path is not None else None
    found = backups(dept.backups) if dept is not None else []
    name = path.name if path is not None else "ledger.sqlite"
    if dept is not None and found:
        latest = found[-1].relative_to(dept.root).as_posix()
        todo_en = f"the latest backup is {latest}: restore it with `{RESTORE_LATEST}`"
        todo_ar = f"آخر نسخة احتياطية هي {latest}؛ لاستعادتها شغّل: {RESTORE_LATEST}"
    else:
        todo_en = f"`eti ledger check` says more; `{RESTORE_LATEST}` restores the latest backup"
        todo_ar = ("للتفاصيل شغّل eti ledger check؛ ولاستعادة آخر نسخة احتياطية شغّل: "
                   f"{RESTORE_LATEST}")
    return LedgerDamaged(
        f"the ledger {path or name} is damaged ({exc}); nothing was changed; {todo_en}",
        f"قاعدة البيانات {name} تالفة ({exc})؛ لم يُغيَّر شيء. {todo_ar}",
    )


def unusable(path: Path | None, exc: BaseException) -> LedgerError:
    """An error met opening or using the ledger, as the product reports it."""
    if is_damage(exc):
        return damaged(path, exc)
    name = path.name if path is not None else "ledger.sqlite"
    return LedgerError(
        f"cannot use the ledger {path or name}: {exc}",
        f"تعذر استخدام قاعدة البيانات {name}: {exc}",
    )
