"""Intake: every file dropped in ``inbox/`` handled once, and never lost.

A file is first *claimed*: its original name is written in a journal (one for
the files claimed together), then the file is renamed atomically into
``inbox/.claimed/``. It is read, checked and
either committed to the ledger (then moved to ``inbox/processed/<yyyy-mm>/``)
or recorded as rejected (its error workbook written beside where it goes, then
moved to ``inbox/rejected/``). The ledger knows the claim id, so a run killed at
any moment is finished by the next one: a committed file is only moved, an
uncommitted one is handled again. Every file is always in exactly one of
inbox / claimed / processed / rejected.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from automation.catalog.forms import CATALOG, UNREPAIRABLE
from automation.catalog.model import Catalog, FormSpec
from automation.catalog.row_models import ValidationContext
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.inbox_listing import is_candidate as is_candidate
from automation.core.inbox_listing import is_regular
from automation.core.inbox_listing import waiting_files as waiting_files
from automation.core.messages import render
from automation.core.problems import Problem
from automation.intake.analysis import Analysis, analyse, jsonable, record_date
from automation.intake.claim import take_file
from automation.intake.plan_checks import LedgerFigures
from automation.intake.reader import sha256_of
from automation.intake.safety import Limits
from automation.ledger.store import Ledger, RowRecord, SubmissionRecord
from automation.processes import processes_fed_by
from automation.text.arabic import clean_text, normalize_name
from automation.text.names import reserved_on_windows

log = logging.getLogger(__name__)

UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]')


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def safe_name(original: str, limit: int = 80) -> str:
    """A file name the product can always write, keeping Arabic and the extension."""
    text = UNSAFE.sub("", clean_text(original)).strip(" .")
    stem, dot, ext = text.rpartition(".")
    if not dot or len(ext) > 6:
        stem, ext = text, ""
    stem = stem.strip(" .") or "ملف"
    if reserved_on_windows(stem):
        stem = "_" + stem
    ext = re.sub(r"[^A-Za-z0-9]", "", ext).lower()
    stem = stem[: limit - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


@dataclass
class FileResult:
    """What happened to one file."""

    file: str
    outcome: str
    form: str = ""
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    submission_id: int | None = None
    stored_path: str = ""
    school: str = ""
    superseded: tuple[int, ...] = ()
    processes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "outcome": self.outcome,
            "form": self.form,
            "rows": self.rows,
            "problems": [
                {k: p.to_dict()[k] for k in ("code", "severity", "sheet", "cell", "field",
                                            "message", "message_en")}
                for p in self.problems
            ],
            "submission_id": self.submission_id,
            "stored_path": self.stored_path,
        }


@dataclass(frozen=True)
class Claim:
    id: str
    original: str
    path: Path
    note: Path
    claimed_at: dt.datetime
    fresh: bool = False
    """Claimed by this run: the ledger cannot have recorded it yet."""


JOURNAL_SUFFIX = ".claims.json"
"""The journal of a group of claimed files: their ids and original names."""


def _claimed_at(info: object, clock: Clock) -> dt.datetime:
    stamp = info.get("claimed_at") if isinstance(info, dict) else None
    try:
        return dt.datetime.fromisoformat(str(stamp)) if stamp else clock.now()
    except ValueError:
        return clock.now()


def older_file(rows: int, newer_day: str) -> Problem:
    """The warning on a file older than the data already held (docs/FIGURES.md, "Which
    record is current"): its rows left out, and the day the newer data describes."""
    message, english = render("older-than-current", rows=rows, day=newer_day)
    return Problem("older-than-current", message, "warning", message_en=english)


def identity_of(form: FormSpec, header: dict[str, object], workbook_id: str) -> str:
    """What makes two files "the same filled copy" of a form."""
    if form.identity:
        return "|".join(normalize_name(jsonable(header.get(k)) or "") for k in form.identity)
    return f"wb:{workbook_id}" if workbook_id else ""


class Intake:
    """Handles claimed files against one ledger; side effects stay in this class."""

    def __init__(
        self,
        dept: Department,
        ledger: Ledger,
        context: ValidationContext,
        *,
        clock: Clock,
        catalog: Catalog = CATALOG,
        limits: Limits | None = None,
    ) -> None:
        self.dept = dept
        self.ledger = ledger
        self.context = context
        self.clock = clock
        self.catalog = catalog
        self.limits = limits or Limits()
        self.figures = LedgerFigures(dept, ledger, catalog)
        """The computed indicators a plan's hand-typed achievements are checked against."""
        self._lookups: dict[tuple[str, str], set[str]] = {}
        self._deferred: list[tuple[Claim, str]] | None = None
        self._journals: dict[Path, set[str]] = {}  # journal -> its claims not filed yet
        self._made: set[Path] = set()

    @contextmanager
    def group(self) -> Iterator[None]:
        """Commit several files in one ledger transaction (one disk sync), then file
        them away. Killed inside, none of them is committed and all stay claimed."""
        self._deferred = []
        try:
            with self.ledger.transaction():
                yield
        finally:
            deferred, self._deferred = self._deferred, None
        for claim, stored in deferred:
            self._move(claim, stored)

    # -- claiming ------------------------------------------------------------------

    def claim_all(self, paths: list[Path]) -> list[Claim]:
        """Move waiting files into the work area, their original names first written
        in one journal beside them; those gone or held open are left out.

        One journal for many files: creating a file costs far more than renaming one.
        It is removed when the last of its files has been filed away.
        """
        if not paths:
            return []
        now = self.clock.now()
        self._ensure_dir(self.dept.claimed)
        planned = []
        for path in paths:
            claim_id = f"{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:10]}"
            suffix = re.sub(r"[^a-z0-9.]", "", path.suffix.lower())[:8]
            planned.append((path, claim_id, self.dept.claimed / f"{claim_id}{suffix}"))
        journal = self.dept.claimed / f"{planned[0][1]}{JOURNAL_SUFFIX}"
        text = json.dumps({"claimed_at": now.isoformat(),
                           "claims": [{"id": claim_id, "original": path.name}
                                      for path, claim_id, _ in planned]}, ensure_ascii=False)
        try:
            journal.write_text(text, encoding="utf-8")
        except FileNotFoundError:  # the work folder was removed during the run
            self.dept.claimed.mkdir(parents=True, exist_ok=True)
            journal.write_text(text, encoding="utf-8")
        claims = []
        for path, claim_id, target in planned:
            try:
                taken = take_file(path, target)
            except OSError as exc:  # vanished, or locked by Excel on Windows: try later
                log.info("not claimed yet: %s (%s)", path.name, exc)
                continue
            if taken:
                claims.append(Claim(claim_id, path.name, target, journal, now, fresh=True))
        if claims:
            self._journals[journal] = {c.id for c in claims}
        else:
            journal.unlink(missing_ok=True)
        return claims

    def leftovers(self) -> list[Claim]:
        """Claims a previous run did not finish (oldest first); spent journals removed."""
        found: list[Claim] = []
        if not self.dept.claimed.exists():
            return found
        entries = sorted(self.dept.claimed.iterdir())
        files: dict[str, Path] = {}  # claim id -> the claimed file
        for path in entries:
            if path.suffix in (".json", ".tmp"):
                continue
            if is_regular(path):
                files.setdefault(path.name.split(".")[0], path)
            elif not path.is_dir() or path.is_symlink():
                self._give_back(path)  # never read: back to the inbox, reported there
        for note in (p for p in entries if p.suffix == ".json"):
            try:
                info = json.loads(note.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                info = None  # cut short by a kill before its files were moved in
            if note.name.endswith(JOURNAL_SUFFIX):
                listed = info.get("claims", []) if isinstance(info, dict) else []
                claimed_at = _claimed_at(info, self.clock)
                live = [(str(c["id"]), str(c["original"])) for c in listed
                        if isinstance(c, dict) and str(c.get("id")) in files]
            else:  # the note of one file, as earlier versions wrote it
                claim_id = note.stem
                original = info.get("original") if isinstance(info, dict) else None
                claimed_at = _claimed_at(info, self.clock)
                live = [(claim_id, str(original or files[claim_id].name))] \
                    if claim_id in files else []
            if not live:
                note.unlink(missing_ok=True)
                continue
            for claim_id, original in live:
                found.append(Claim(claim_id, original, files.pop(claim_id), note, claimed_at))
            self._journals[note] = {claim_id for claim_id, _ in live}
        for path in files.values():
            # a claimed file whose note was lost: still handled, under its own name
            found.append(Claim(path.stem.split(".")[0], path.name, path,
                               path.with_suffix(".json"), self.clock.now()))
        # the order they were claimed in, which is the inbox's order (the rename keeps
        # the modification time): a newer version must not be committed before an older
        found.sort(key=lambda c: (_mtime(c.path), c.original))
        return found

    def _give_back(self, path: Path) -> None:
        """Something not a regular file found in the work area goes back to the inbox."""
        target = self.dept.inbox / f"{path.name}"
        try:
            if not os.path.lexists(target):
                os.rename(path, target)
                log.warning("%s is not a regular file: left in the inbox, never read",
                            target.name)
        except OSError as exc:
            log.error("%s in the work area is not a regular file and stays there: %s",
                      path.name, exc)

    def _ensure_dir(self, folder: Path) -> None:
        """Make a folder once per run (a check on every file costs a system call)."""
        if folder not in self._made:
            folder.mkdir(parents=True, exist_ok=True)
            self._made.add(folder)

    # -- handling ------------------------------------------------------------------

    def handle(self, claim: Claim, analysis: Analysis | None = None) -> FileResult:
        """File away one claimed file. Safe to call again after a crash.

        ``analysis`` is the file read and checked elsewhere (a worker process);
        forms that refer to other forms' rows are checked again here, against
        the ledger as it is now.
        """
        done = None if claim.fresh else self.ledger.by_claim(claim.id)
        if done is not None:
            return self._finish_recorded(claim, done)
        if analysis is None or analysis.needs_ledger:
            analysis = analyse(claim.path, self.catalog, self.context, self.limits, self.lookup,
                               self.figures)
        record = SubmissionRecord(
            original_name=claim.original,
            sha256=analysis.sha256,
            size=analysis.size,
            received_at=claim.claimed_at,
            outcome="accepted",
            claim_id=claim.id,
        )
        earlier = self.ledger.find_sha(analysis.sha256)
        if earlier is not None:
            record.outcome = "duplicate"
            record.duplicate_of = earlier
            previous = self.ledger.submission(earlier)
            record.form = previous["form"] or "" if previous else ""
            record.stored_path = self._processed_path(claim)
            sub_id = self.ledger.record(record)
            self._move(claim, record.stored_path)
            log.info("duplicate: %s is the same file as submission %s", claim.original, earlier)
            return FileResult(claim.original, "duplicate", record.form, 0, [], sub_id,
                              record.stored_path)
        if not analysis.form:
            return self._reject(claim, record, analysis.problems, readable=False)
        self.context.matched_schools.update(analysis.matched_schools)
        record.form = analysis.form
        record.workbook_id = analysis.workbook_id
        record.school = analysis.school or analysis.meta_school
        if analysis.rows is None or any(p.severity == "error" for p in analysis.problems):
            try:  # the period a rejected copy was for, when readable (who has not sent)
                record.period = record_date(self.catalog.form(analysis.form),
                                            analysis.header) or ""
            except Exception:
                record.period = ""
            return self._reject(claim, record, analysis.problems, readable=True)
        return self._accept(claim, record, self.catalog.form(analysis.form), analysis.header,
                            analysis.problems, analysis.rows)

    def _accept(
        self,
        claim: Claim,
        record: SubmissionRecord,
        form: FormSpec,
        header: dict[str, object],
        problems: list[Problem],
        rows: list[RowRecord],
    ) -> FileResult:
        record.header = {k: jsonable(v) for k, v in header.items()}
        record.identity = identity_of(form, header, record.workbook_id)
        record.period = record_date(form, header) or ""
        record.stored_path = self._processed_path(claim)
        processes = processes_fed_by(form.code)
        result = self.ledger.accept(record, rows, problems, dirty=processes,
                                    older_warning=older_file)
        if result.older is not None:  # the same warning the ledger recorded with the file
            problems = [*problems, older_file(*result.older)]
            log.warning("%s: %d rows older than the data held (up to %s) left out",
                        claim.original, *result.older)
        self._lookups = {k: v for k, v in self._lookups.items() if k[0] != form.code}
        self._move(claim, record.stored_path)
        outcome = "superseded" if result.superseded else "accepted"
        log.info("%s: %s %s, %d rows%s", outcome, claim.original, form.code, len(rows),
                 f", replaces submission {list(result.superseded)}" if result.superseded else "")
        return FileResult(claim.original, outcome, form.code, len(rows), problems,
                          result.submission_id, record.stored_path, record.school,
                          result.superseded, processes)

    def _reject(
        self, claim: Claim, record: SubmissionRecord, problems: list[Problem], *, readable: bool
    ) -> FileResult:
        record.outcome = "rejected"
        record.stored_path = self._rejected_path(claim)
        dest = self.dept.root / record.stored_path
        dest.parent.mkdir(parents=True, exist_ok=True)
        title = f"أخطاء الملف «{clean_text(claim.original)}»"
        title_en = f"Problems in the file '{clean_text(claim.original)}'"
        if record.form:
            title += f" — النموذج {record.form} {self.catalog.form(record.form).name_ar}"
            title_en += f" (form {record.form})"
        errors_path = errors_workbook_path(dest)
        from automation.intake.errors_workbook import (
            write_errors_workbook,  # openpyxl: not in workers
        )

        try:
            write_errors_workbook(errors_path, problems, original=claim.path if readable else None,
                                  title=title, title_en=title_en)
        except Exception as exc:  # never lose the file for a failed annotation
            log.error("could not write the errors workbook for %s: %s", claim.original, exc)
            write_errors_workbook(errors_path, problems, original=None, title=title,
                                  title_en=title_en)
        sub_id = self.ledger.record(record, problems)
        self._move(claim, record.stored_path)
        first = problems[0] if problems else None
        why = (first.detail or first.message_en or first.code) if first else ""
        log.info("rejected: %s (%s) %s: %s", claim.original, record.form or "unknown form",
                 first.code if first else "", why)
        return FileResult(claim.original, "rejected", record.form, 0, problems, sub_id,
                          record.stored_path, record.school)

    def reject_internal(self, claim: Claim, problem: Problem) -> FileResult:
        """Reject a file the product failed on, keeping it safe with its message."""
        sha, size = sha256_of(claim.path)
        record = SubmissionRecord(claim.original, sha, size, claim.claimed_at, "rejected",
                                  claim_id=claim.id)
        return self._reject(claim, record, [problem], readable=False)

    def _finish_recorded(self, claim: Claim, done: object) -> FileResult:
        """The ledger already has this claim: only the move was left to do."""
        row = done  # sqlite3.Row
        stored = str(row["stored_path"])  # type: ignore[index]
        outcome = str(row["outcome"])  # type: ignore[index]
        self._move(claim, stored)
        log.info("finished an interrupted %s file: %s", outcome, claim.original)
        problems = [
            Problem(p["code"], p["message"], p["severity"], p["sheet"], p["cell"], p["field"],
                    p["row_number"], p["message_en"])
            for p in self.ledger.problems_of(int(row["id"]))  # type: ignore[index]
        ]
        return FileResult(claim.original, outcome if outcome != "superseded" else "accepted",
                          str(row["form"] or ""), int(row["row_count"]),  # type: ignore[index]
                          problems, int(row["id"]), stored)  # type: ignore[index]

    # -- files ---------------------------------------------------------------------

    def _stored_name(self, claim: Claim) -> str:
        return f"{claim.claimed_at:%Y-%m-%d}_{claim.id[-6:]}_{safe_name(claim.original)}"

    def _processed_path(self, claim: Claim) -> str:
        month = f"{claim.claimed_at:%Y-%m}"
        return f"inbox/processed/{month}/{self._stored_name(claim)}"

    def _rejected_path(self, claim: Claim) -> str:
        return f"inbox/rejected/{self._stored_name(claim)}"

    def _move(self, claim: Claim, stored: str) -> None:
        if self._deferred is not None:
            self._deferred.append((claim, stored))
            return
        dest = self.dept.root / stored
        self._ensure_dir(dest.parent)
        try:
            os.replace(claim.path, dest)
        except FileNotFoundError:
            if claim.path.exists():  # its folder was removed meanwhile
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(claim.path, dest)
            # else moved already, by a run that was then interrupted
        waiting = self._journals.get(claim.note)
        if waiting is not None:
            waiting.discard(claim.id)
            if waiting:
                return
            del self._journals[claim.note]
        claim.note.unlink(missing_ok=True)

    # -- cross-form references -----------------------------------------------------

    def lookup(self, form: str, key: str) -> set[str]:
        """Normalized live values of a field of another form (cached until it changes)."""
        cached = self._lookups.get((form, key))
        if cached is not None:
            return cached
        if key == "unrepairable":
            values = {
                normalize_name(row.data.get("reference"))
                for row in self.ledger.current_rows(form)
                if row.data.get("status") == UNREPAIRABLE and row.data.get("reference")
            }
        else:
            values = {normalize_name(v) for v in self.ledger.live_values(form, key)}
        self._lookups[(form, key)] = values
        return values


def errors_workbook_path(stored: Path) -> Path:
    """Where the error workbook of a rejected file goes: beside it."""
    return stored.with_name(stored.stem + ".errors.xlsx")
