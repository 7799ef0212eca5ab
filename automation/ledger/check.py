"""``eti ledger check``: is the ledger sound, and does it account for every filed file?

SQLite's own integrity check and the product's invariants
(:meth:`~automation.ledger.store.Ledger.integrity`), then the ledger's submissions
against the files on disk: every file in ``inbox/processed/`` and ``inbox/rejected/``
should be a submission's stored file, and every submission's stored file should be
where the ledger says (or still claimed, or archived by retention).
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from automation.core.department import Department
from automation.core.errors import LedgerError
from automation.core.settings import load_settings
from automation.ledger.backup import latest_backup
from automation.ledger.guard import is_damage, refuse_if_lost, unusable
from automation.ledger.open import ledger_address, open_ledger
from automation.ledger.postgres import redacted
from automation.ledger.store import Ledger

ERRORS_SUFFIX = ".errors.xlsx"
"""The error workbook beside a rejected file: the product's, not a submission."""

SHOWN = 20
"""Paths listed by name in a check; the rest are counted."""


@dataclass
class LedgerCheck:
    """What ``eti ledger check`` found."""

    path: str
    state: str
    """``ok``; ``new`` (no ledger yet, nothing handled yet); ``problems`` (the ledger
    opens but something does not add up); ``lost`` (missing or empty with a history);
    ``damaged``; ``unusable`` (locked, unreachable)."""
    integrity: str = ""
    submissions: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    live_rows: int = 0
    files: dict[str, int] = field(default_factory=dict)
    """Files on disk: ``processed``, ``rejected``."""
    recorded: dict[str, int] = field(default_factory=dict)
    """Submissions whose stored file is in ``processed``, ``rejected``, ``archive``."""
    unrecorded: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    claimed: int = 0
    latest_backup: str = ""
    message_en: str = ""
    message_ar: str = ""

    @property
    def ok(self) -> bool:
        return self.state in ("ok", "new")

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path, "state": self.state, "ok": self.ok,
            "integrity": self.integrity, "submissions": self.submissions,
            "rows": self.rows, "live_rows": self.live_rows, "files": self.files,
            "recorded": self.recorded, "unrecorded": self.unrecorded[:SHOWN],
            "unrecorded_count": len(self.unrecorded), "missing": self.missing[:SHOWN],
            "missing_count": len(self.missing), "claimed": self.claimed,
            "latest_backup": self.latest_backup or None,
            "message_en": self.message_en or None, "message_ar": self.message_ar or None,
        }


def filed_files(dept: Department) -> dict[str, list[str]]:
    """Files in processed/ and rejected/ (paths relative to the department, posix)."""
    found: dict[str, list[str]] = {"processed": [], "rejected": []}
    for kind, folder in (("processed", dept.processed), ("rejected", dept.rejected)):
        for base, _, names in os.walk(folder):
            for name in names:
                if name.endswith(ERRORS_SUFFIX) or name.startswith((".", "~$")):
                    continue
                found[kind].append((Path(base) / name).relative_to(dept.root).as_posix())
    return found


def _where(stored: str) -> str:
    if stored.startswith("inbox/processed/"):
        return "processed"
    if stored.startswith("inbox/rejected/"):
        return "rejected"
    return "archive" if stored.startswith("data/archive/") else "other"


def check_ledger(dept: Department) -> LedgerCheck:
    """Check the department's ledger and count it against the filed files."""
    rel = dept.ledger_path.relative_to(dept.root).as_posix()
    backup = latest_backup(dept)
    result = LedgerCheck(rel, "ok",
                         latest_backup=backup.relative_to(dept.root).as_posix() if backup else "")
    filed = filed_files(dept)
    result.files = {kind: len(paths) for kind, paths in filed.items()}
    url = ledger_address(load_settings(dept))
    if url:  # a shared PostgreSQL database: no file of the department's to find lost
        result.path = redacted(url)
    try:
        if not url:
            refuse_if_lost(dept.ledger_path)
            if not dept.ledger_path.exists():
                result.state = "new"  # a department that has handled nothing yet
                return result
        ledger = open_ledger(dept)
    except LedgerError as exc:
        result.state = {"ledger-lost": "lost", "ledger-damaged": "damaged"}.get(
            exc.code, "unusable")
        result.message_en, result.message_ar = exc.message_en, exc.message_ar
        return result
    try:
        with ledger:
            _count(dept, ledger, result, filed)
    except sqlite3.DatabaseError as exc:
        error = unusable(dept.ledger_path, exc)
        result.state = "damaged" if is_damage(exc) else "unusable"
        result.message_en, result.message_ar = error.message_en, error.message_ar
        return result
    if result.integrity != "ok" or result.unrecorded or result.missing:
        result.state = "problems"
    return result


def _count(dept: Department, ledger: Ledger, result: LedgerCheck,
           filed: dict[str, list[str]]) -> None:
    """The ledger's integrity and counts, and its stored paths against the files."""
    result.integrity = ledger.integrity()
    outcomes: Counter[str] = Counter()
    recorded: Counter[str] = Counter()
    stored_paths: set[str] = set()
    claimed = {p.name.split(".")[0] for p in _listing(dept.claimed)}
    for outcome, stored, claim_id in ledger.conn.execute(
            "SELECT outcome, stored_path, claim_id FROM submissions"):
        outcomes[str(outcome)] += 1
        stored = str(stored or "")
        recorded[_where(stored)] += 1
        stored_paths.add(stored)
        if stored and not (dept.root / stored).is_file():
            if claim_id and str(claim_id) in claimed:
                result.claimed += 1  # committed, its move not done yet: the next run does it
            else:
                result.missing.append(stored)
    result.rows = ledger.count_rows()
    result.live_rows = int(ledger.conn.execute(
        "SELECT COUNT(*) FROM rows WHERE current = 1 AND archived_at IS NULL").fetchone()[0])
    result.submissions = dict(sorted(outcomes.items()))
    result.recorded = dict(sorted(recorded.items()))
    result.unrecorded = sorted(p for paths in filed.values() for p in paths
                               if p not in stored_paths)


def _listing(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []
