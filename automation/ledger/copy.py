"""Moving a directorate in: a department's SQLite ledger copied into the central
PostgreSQL database (``eti ledger copy --url postgresql://…``).

Everything is copied as the department's directorate: submissions, rows, problems,
decisions, outgoing numbers, sequences (the larger of both), job runs, documents and the
archive. The central database is shared, so its ids differ from the file's: every
reference (a superseding or duplicated submission, a replaced row, a row's decision and
submission, a decision's items, a problem's or document's submission, an archived row) is
mapped to the new ids.

Running it twice adds nothing: a submission already there (same claim id; without one,
the same bytes, arrival time and file name) is skipped with its rows and problems;
decisions and outgoing numbers are matched by number (a draft decision, whose number is
only a placeholder, by its kind, creation time and scope); a document by kind, path and
time; a job run by job; a sequence keeps the larger value. A submission copied by an
earlier run that the file has since superseded (or a row since replaced) by one this
run copies is superseded (replaced) in the database too.

A second department of the same directorate merges: its submissions join the
directorate's; a file whose very bytes the directorate already filed (the same school
sent it to both) is recorded as a duplicate of that filing and its rows are not copied
again (counted once); of two live submissions of one form and identity, the one received
last stays live. Outgoing numbers the database gave to other letters or decisions (both
departments numbered from 1) refuse the whole copy, saying which and what to do
(:func:`numbering_conflict`): the directorate has one numbering.

All of it is one transaction, under the directorate's write lock: all or nothing. Every
register named is marked dirty in the database, so the registers are rewritten from it.
The statements are plain SQL run through :class:`automation.ledger.postgres.PgConnection`.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automation.core.errors import LedgerError
from automation.ledger import postgres
from automation.ledger.copy_refusals import (
    numbering_conflict,
    refuse_directorate,
    refuse_other_directorates,
    refuse_url,
    refused,
)
from automation.ledger.dialect import Dialect
from automation.ledger.postgres import unreachable
from automation.ledger.register_marks import MARK
from automation.ledger.store import Ledger

TABLES = (
    "submissions", "rows", "problems", "decisions", "outgoing", "sequences", "job_runs",
    "documents", "archive", "report_issues", "dirty_registers",
)
"""The tables copied, in the order the report lists them."""

_DRAFT = "draft"
"""A decision's state before approval (its number is the placeholder ``draft-<id>``)."""

_CHUNK = 2000
"""Rows read from the file and written to the database at a time."""

_IN = 500
"""Ids in one ``IN (…)`` list."""

_FILED = ("accepted", "superseded")
"""Outcomes of a file whose rows the ledger holds (the same bytes are filed once)."""


@dataclass
class CopyReport:
    """What one copy did, per table: records added and records already there."""

    directorate: str
    source: str
    target: str
    copied: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    """Records an earlier copy added that this one superseded or replaced."""
    merged: int = 0
    """Files another department of the directorate had filed already (the same bytes):
    recorded as duplicates of that filing, their rows counted once."""

    @property
    def added(self) -> int:
        """Records this copy added or changed in the database (0: it was all there)."""
        return sum(self.copied.values()) + sum(self.updated.values())

    def to_json(self) -> dict[str, object]:
        return {
            "directorate": self.directorate, "source": self.source, "target": self.target,
            "copied": dict(self.copied), "skipped": dict(self.skipped),
            "updated": dict(self.updated), "added": self.added, "merged": self.merged,
        }


# -- opening the two ledgers ---------------------------------------------------------


def open_source(path: Path) -> Ledger:
    """The department's SQLite ledger to copy from (whatever ``[ledger] url`` or
    ``ETI_LEDGER_URL`` say); a missing file is refused, not created."""
    if not path.is_file():
        raise LedgerError(
            f"there is no SQLite ledger at {path}: nothing to copy",
            f"لا توجد قاعدة بيانات محلية في {path}؛ لا يوجد ما يُنسخ.",
            code="no-source-ledger",
        )
    return Ledger.sqlite(path)


def _open_target(url: str, directorate: str, path: Path) -> Ledger:
    return Ledger.postgres(url, directorate, path=path)


def copy_ledger(
    source: Ledger, target_url: str, directorate: str, *, registers: Iterable[str] = ()
) -> CopyReport:
    """Copy ``source`` (a department's SQLite ledger) into the PostgreSQL database at
    ``target_url`` as ``directorate``, in one transaction; see the module doc.

    ``registers``: the processes whose registers to mark dirty in the database (the
    caller knows them: every process); the file's own dirty flags are copied too.
    Raises :class:`LedgerError` (Arabic and English) for an empty directorate, an
    address that is not PostgreSQL's, a source that is not SQLite, records of another
    directorate in the file, or a database that cannot be reached or refuses a record.
    """
    refuse_directorate(directorate)
    directorate = directorate.strip()
    refuse_url(target_url)
    if source.dialect is not Dialect.SQLITE:
        raise LedgerError(
            "the ledger to copy from must be the department's SQLite file",
            "النسخ يكون من قاعدة البيانات المحلية للقسم (ملف SQLite) فقط.",
            code="bad-source-ledger",
        )
    report = CopyReport(directorate, str(source.path), postgres.redacted(target_url))
    src = source.conn
    src.execute("BEGIN")  # one consistent snapshot of the file, while the service may write
    try:
        refuse_other_directorates(src, directorate)
        try:
            with _open_target(target_url, directorate, source.path) as target:
                with target.transaction() as conn:
                    _Copy(src, conn, directorate, report).run(tuple(registers))
        except LedgerError:
            raise
        except Exception as exc:
            if postgres.is_unreachable(exc):
                raise unreachable(target_url, exc) from exc
            psycopg = sys.modules.get("psycopg")
            if psycopg is not None and isinstance(exc, psycopg.Error):
                raise refused(exc, report.target) from exc
            raise
    finally:
        src.execute("ROLLBACK")
    return report


# -- the copy itself -------------------------------------------------------------------


def _chunks(ids: Sequence[int], size: int = _IN) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _empty(value: object) -> bool:
    return value is None or value == ""


class _Copy:
    """One copy: the source file's connection, the database's (in its transaction),
    and the maps from the file's ids to the database's."""

    def __init__(self, src: sqlite3.Connection, dst: Any, directorate: str,
                 report: CopyReport) -> None:
        self.src = src
        self.dst = dst
        self.directorate = directorate
        self.report = report
        self.subs: dict[int, int] = {}
        """Every source submission's id in the database."""
        self.merged: dict[int, int] = {}
        """New source submissions whose bytes the directorate filed already: the id of
        that filing (another department's)."""
        self.conflicts: list[str] = []
        """Outgoing numbers the database gave to another letter or decision."""
        self.new_subs: set[int] = set()
        """Source submissions this copy adds."""
        self.rows: dict[int, int] = {}
        self.new_rows: set[int] = set()
        self.decisions: dict[int, int] = {}
        self.row_ids: dict[int, list[int]] = defaultdict(list)
        """Source row ids of each source submission, oldest first."""

    def count(self, table: str, copied: int = 0, skipped: int = 0, updated: int = 0) -> None:
        self.report.copied[table] += copied
        self.report.skipped[table] += skipped
        self.report.updated[table] += updated

    def run(self, registers: tuple[str, ...]) -> None:
        for row_id, sub_id in self.src.execute("SELECT id, submission_id FROM rows ORDER BY id"):
            self.row_ids[sub_id].append(row_id)
        subs = self.src.execute(
            "SELECT id, original_name, stored_path, sha256, size, received_at, form, "
            "workbook_id, school, period, identity, outcome, claim_id, header_json, "
            "row_count, superseded_by, duplicate_of FROM submissions ORDER BY id").fetchall()
        self.match_submissions(subs)
        self.map_rows(sorted(set(self.subs) - self.new_subs))
        self.copy_decisions_first()
        self.insert_submissions([s for s in subs if s["id"] in self.new_subs])
        self.copy_rows()
        self.link_submissions(subs)
        self.finish_decisions()
        self.copy_problems()
        self.copy_documents()
        self.copy_archive()
        self.copy_outgoing()
        self.copy_sequences()
        self.copy_job_runs()
        self.copy_report_issues()
        if self.conflicts:
            raise numbering_conflict(self.directorate, self.conflicts)
        self.supersede_across_departments()
        self.mark_dirty(registers)

    def supersede_across_departments(self) -> None:
        """One live submission per form and identity in the directorate: of a copied
        accepted one and another department's, the one received last stays live (as
        intake would have had it), the other is superseded and its rows leave the
        registers."""
        copied = [self.subs[s] for s in sorted(self.new_subs - set(self.merged))]
        for part in _chunks(copied):
            clashes = self.dst.execute(
                "SELECT n.id, o.id, n.received_at, o.received_at FROM submissions n "
                "JOIN submissions o ON o.form = n.form AND o.identity = n.identity "
                "AND o.id <> n.id AND o.outcome = 'accepted' "
                f"WHERE n.outcome = 'accepted' AND n.id IN ({', '.join('?' * len(part))})",
                tuple(part)).fetchall()
            for new_id, old_id, new_at, old_at in clashes:
                later, earlier = ((new_id, old_id) if (str(new_at), new_id) > (str(old_at), old_id)
                                  else (old_id, new_id))
                changed = self.dst.execute(
                    "UPDATE submissions SET outcome = 'superseded', superseded_by = ? "
                    "WHERE id = ? AND outcome = 'accepted'", (later, earlier)).rowcount
                if changed:
                    self.count("submissions", updated=1)
                    self.count("rows", updated=self.dst.execute(
                        "UPDATE rows SET current = 0 WHERE submission_id = ? AND current = 1",
                        (earlier,)).rowcount)

    # submissions ------------------------------------------------------------------------

    def match_submissions(self, subs: list[sqlite3.Row]) -> None:
        """Each file's submission already in the database (copied before), or new; a new
        accepted one whose bytes another department of the directorate already filed
        joins as a duplicate of it (counted once, its rows not copied again)."""
        by_claim: dict[str, int] = {}
        by_file: dict[tuple[str, str, str], int] = {}
        by_content: dict[str, int] = {}
        for r in self.dst.execute(
                "SELECT id, claim_id, sha256, received_at, original_name, outcome "
                "FROM submissions ORDER BY id"):
            if not _empty(r[1]):
                by_claim[str(r[1])] = int(r[0])
            else:
                by_file.setdefault((str(r[2]), str(r[3]), str(r[4])), int(r[0]))
            if r[5] in _FILED:
                by_content.setdefault(str(r[2]), int(r[0]))
        for s in subs:
            found = (by_claim.get(str(s["claim_id"])) if not _empty(s["claim_id"])
                     else by_file.get((s["sha256"], s["received_at"], s["original_name"])))
            if found is None:
                self.new_subs.add(s["id"])
                if s["outcome"] in _FILED and s["sha256"] in by_content:
                    self.merged[s["id"]] = by_content[s["sha256"]]
            else:
                self.subs[s["id"]] = found
        self.count("submissions", skipped=len(self.subs))

    def insert_submissions(self, subs: list[sqlite3.Row]) -> None:
        for s in subs:
            twin = self.merged.get(s["id"])
            cur = self.dst.execute(
                "INSERT INTO submissions (original_name, stored_path, sha256, size, "
                "received_at, form, workbook_id, school, period, identity, outcome, claim_id, "
                "header_json, row_count, duplicate_of, directorate) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (s["original_name"], s["stored_path"], s["sha256"], s["size"],
                 s["received_at"], s["form"], s["workbook_id"], s["school"], s["period"],
                 s["identity"], "duplicate" if twin else s["outcome"], s["claim_id"],
                 s["header_json"], 0 if twin else s["row_count"], twin, self.directorate),
            )
            self.subs[s["id"]] = int(cur.lastrowid)
        self.count("submissions", copied=len(subs))
        self.report.merged = len(self.merged)

    def link_submissions(self, subs: list[sqlite3.Row]) -> None:
        """Superseding and duplicated submissions, by their new ids; one copied earlier
        that a submission copied now supersedes is superseded in the database too."""
        links = []
        for s in subs:
            if s["id"] in self.merged:
                continue  # a duplicate of the directorate's own filing
            if s["id"] in self.new_subs and (s["superseded_by"] or s["duplicate_of"]):
                links.append((self.subs.get(s["superseded_by"]), self.subs.get(s["duplicate_of"]),
                              self.subs[s["id"]]))
        self.dst.executemany(
            "UPDATE submissions SET superseded_by = ?, duplicate_of = ? WHERE id = ?", links)
        later = [s for s in subs if s["id"] not in self.new_subs
                 and s["superseded_by"] in self.new_subs]
        for s in later:
            changed = self.dst.execute(
                "UPDATE submissions SET outcome = ?, superseded_by = ? "
                "WHERE id = ? AND superseded_by IS NULL",
                (s["outcome"], self.subs[s["superseded_by"]], self.subs[s["id"]])).rowcount
            if changed:
                self.count("submissions", updated=1, skipped=-1)
                live = self.dst.execute(
                    "UPDATE rows SET current = 0 WHERE submission_id = ? AND current = 1 "
                    "AND replaced_by IS NULL", (self.subs[s["id"]],)).rowcount
                self.count("rows", updated=live)

    # rows ------------------------------------------------------------------------------

    def map_rows(self, source_subs: list[int]) -> None:
        """The database's rows of submissions already there, paired with the file's in
        order (both are in the order they were committed)."""
        found = self._rows_in_database([self.subs[s] for s in source_subs])
        for sub in source_subs:
            theirs = found.get(self.subs[sub], [])
            self.rows.update(zip(self.row_ids.get(sub, []), theirs, strict=False))
            self.count("rows", skipped=len(self.row_ids.get(sub, [])))

    def _rows_in_database(self, db_subs: list[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = defaultdict(list)
        for part in _chunks(db_subs):
            for r in self.dst.execute(
                    "SELECT id, submission_id FROM rows WHERE submission_id IN "
                    f"({', '.join('?' * len(part))}) ORDER BY id", tuple(part)):
                found[int(r[1])].append(int(r[0]))
        return found

    def copy_rows(self) -> None:
        replaced: list[tuple[int, int, int]] = []  # (row, replaced_by, current), source ids
        cursor = self.src.execute(
            "SELECT id, submission_id, form, sheet, row_number, record_key, record_date, "
            "school, data, current, archived_at, decision_id, replaced_by "
            "FROM rows ORDER BY id")
        while chunk := cursor.fetchmany(_CHUNK):
            batch = []
            for r in chunk:
                if r["replaced_by"] is not None:
                    replaced.append((r["id"], r["replaced_by"], r["current"]))
                if r["submission_id"] not in self.new_subs or r["submission_id"] in self.merged:
                    continue
                self.new_rows.add(r["id"])
                batch.append((
                    self.subs[r["submission_id"]], r["form"], r["sheet"], r["row_number"],
                    r["record_key"], r["record_date"], r["school"], r["data"], r["current"],
                    r["archived_at"], self.decisions.get(r["decision_id"]), self.directorate))
            self.dst.executemany(
                "INSERT INTO rows (submission_id, form, sheet, row_number, record_key, "
                "record_date, school, data, current, archived_at, decision_id, directorate) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
            self.count("rows", copied=len(batch))
        new_subs = sorted(self.new_subs - set(self.merged))
        found = self._rows_in_database([self.subs[s] for s in new_subs])
        for sub in new_subs:
            self.rows.update(zip(self.row_ids.get(sub, []), found.get(self.subs[sub], []),
                                 strict=True))
        twins = self._rows_in_database(sorted(set(self.merged.values())))
        for sub, twin in self.merged.items():  # the same bytes: the same rows, in order
            self.rows.update(zip(self.row_ids.get(sub, []), twins.get(twin, []), strict=False))
            self.count("rows", skipped=len(self.row_ids.get(sub, [])))
        self._link_rows(replaced)

    def _link_rows(self, replaced: list[tuple[int, int, int]]) -> None:
        """Replaced rows point at their replacement's new id; a row copied earlier that a
        row copied now replaces is replaced in the database too."""
        self.dst.executemany(
            "UPDATE rows SET replaced_by = ? WHERE id = ?",
            [(self.rows.get(by), self.rows[row]) for row, by, _ in replaced
             if row in self.new_rows])
        for row, by, current in replaced:
            if row in self.new_rows or by not in self.new_rows or row not in self.rows:
                continue
            changed = self.dst.execute(
                "UPDATE rows SET current = ?, replaced_by = ? WHERE id = ? "
                "AND replaced_by IS NULL", (current, self.rows[by], self.rows[row])).rowcount
            self.count("rows", updated=changed, skipped=-changed)

    # decisions -------------------------------------------------------------------------

    def copy_decisions_first(self) -> None:
        """Decisions before the rows that refer to them (their items are set after)."""
        self.decision_rows = self.src.execute(
            "SELECT id, kind, number, decided_on, created_at, document, state, void_reason, "
            "voided_at, item_ids, scope FROM decisions ORDER BY id").fetchall()
        by_number: dict[str, int] = {}
        drafts: dict[tuple[str, str, str], int] = {}
        made: dict[str, tuple[str, str]] = {}
        for r in self.dst.execute(
                "SELECT id, number, kind, created_at, scope, state FROM decisions"):
            if r[5] == _DRAFT:
                drafts.setdefault((str(r[2]), str(r[3]), str(r[4])), int(r[0]))
            else:
                by_number[str(r[1])] = int(r[0])
                made[str(r[1])] = (str(r[2]), str(r[3]))
        self.new_decisions: list[sqlite3.Row] = []
        for d in self.decision_rows:
            found = (drafts.get((d["kind"], d["created_at"], d["scope"])) if d["state"] == _DRAFT
                     else by_number.get(d["number"]))
            if found is not None and d["state"] != _DRAFT and \
                    made[d["number"]] != (d["kind"], d["created_at"]):
                self.conflicts.append(str(d["number"]))  # another department's decision
                continue
            if found is not None:
                self.decisions[d["id"]] = found
                self.count("decisions", skipped=1)
                continue
            number = f"draft-copy-{uuid.uuid4().hex}" if d["state"] == _DRAFT else d["number"]
            cur = self.dst.execute(
                "INSERT INTO decisions (kind, number, decided_on, created_at, document, state, "
                "void_reason, voided_at, item_ids, scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (d["kind"], number, d["decided_on"], d["created_at"], d["document"],
                 d["state"], d["void_reason"], d["voided_at"], "[]", d["scope"]))
            self.decisions[d["id"]] = int(cur.lastrowid)
            self.new_decisions.append(d)
        self.count("decisions", copied=len(self.new_decisions))

    def finish_decisions(self) -> None:
        """A copied decision's items by their new ids; a draft's placeholder number by
        its new id (``draft-<id>``, as a draft made in the database would have)."""
        for d in self.new_decisions:
            new_id = self.decisions[d["id"]]
            items = [self.rows[i] for i in json.loads(d["item_ids"] or "[]") if i in self.rows]
            number = f"draft-{new_id}" if d["state"] == _DRAFT else d["number"]
            self.dst.execute("UPDATE decisions SET item_ids = ?, number = ? WHERE id = ?",
                             (json.dumps(items), number, new_id))

    # the rest --------------------------------------------------------------------------

    def copy_problems(self) -> None:
        cursor = self.src.execute(
            "SELECT submission_id, severity, code, sheet, cell, field, row_number, message, "
            "message_en FROM problems ORDER BY id")
        while chunk := cursor.fetchmany(_CHUNK):
            batch = [(self.subs[r[0]], *tuple(r)[1:]) for r in chunk if r[0] in self.new_subs]
            self.dst.executemany(
                "INSERT INTO problems (submission_id, severity, code, sheet, cell, field, "
                "row_number, message, message_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
            self.count("problems", copied=len(batch), skipped=len(chunk) - len(batch))

    def copy_documents(self) -> None:
        there = {(str(r[0]), str(r[1]), str(r[2])) for r in self.dst.execute(
            "SELECT kind, path, created_at FROM documents")}
        batch = []
        for r in self.src.execute(
                "SELECT kind, path, created_at, submission_id FROM documents ORDER BY id"):
            if (r[0], r[1], r[2]) in there:
                self.count("documents", skipped=1)
                continue
            there.add((r[0], r[1], r[2]))
            batch.append((r[0], r[1], r[2], self.subs.get(r[3])))
        self.dst.executemany(
            "INSERT INTO documents (kind, path, created_at, submission_id) VALUES (?, ?, ?, ?)",
            batch)
        self.count("documents", copied=len(batch))

    def copy_archive(self) -> None:
        batch = []
        for r in self.src.execute(
                "SELECT row_id, form, record_date, archived_at, workbook FROM archive "
                "ORDER BY row_id"):
            if r[0] in self.new_rows:
                batch.append((self.rows[r[0]], r[1], r[2], r[3], r[4]))
            else:
                self.count("archive", skipped=1)
        self.dst.executemany(
            "INSERT INTO archive (row_id, form, record_date, archived_at, workbook) "
            "VALUES (?, ?, ?, ?, ?)", batch)
        self.count("archive", copied=len(batch))

    def copy_outgoing(self) -> None:
        there = {str(r[0]): (str(r[1]), str(r[2])) for r in self.dst.execute(
            "SELECT number, kind, created_at FROM outgoing")}
        batch = []
        for r in self.src.execute(
                "SELECT number, year, sequence, issued_on, kind, addressee, subject, process, "
                "document, void, void_reason, created_at FROM outgoing ORDER BY id"):
            if r[0] in there:
                if there[r[0]] != (r[4], r[11]) and r[0] not in self.conflicts:
                    self.conflicts.append(str(r[0]))  # another department's letter
                self.count("outgoing", skipped=1)
                continue
            there[r[0]] = (r[4], r[11])
            batch.append(tuple(r))
        self.dst.executemany(
            "INSERT INTO outgoing (number, year, sequence, issued_on, kind, addressee, subject, "
            "process, document, void, void_reason, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
        self.count("outgoing", copied=len(batch))

    def copy_sequences(self) -> None:
        """Each sequence at the larger of its two values (no number is given twice); the
        registers' marks are the database's own (:meth:`mark_dirty` moves them)."""
        there = {str(r[0]): int(r[1]) for r in self.dst.execute(
            "SELECT name, value FROM sequences")}
        for name, value in self.src.execute("SELECT name, value FROM sequences ORDER BY name"):
            if str(name).startswith(MARK):
                continue
            if name not in there:
                self.dst.execute("INSERT INTO sequences (name, value) VALUES (?, ?)",
                                 (name, value))
                self.count("sequences", copied=1)
            elif there[name] < value:
                self.dst.execute("UPDATE sequences SET value = ? WHERE name = ?", (value, name))
                self.count("sequences", updated=1)
            else:
                self.count("sequences", skipped=1)

    def copy_job_runs(self) -> None:
        there = {str(r[0]) for r in self.dst.execute("SELECT job FROM job_runs")}
        batch = []
        for r in self.src.execute(
                "SELECT job, last_run, last_ok, last_error FROM job_runs ORDER BY job"):
            if r[0] in there:
                self.count("job_runs", skipped=1)
            else:
                batch.append(tuple(r))
        self.dst.executemany(
            "INSERT INTO job_runs (job, last_run, last_ok, last_error) VALUES (?, ?, ?, ?)",
            batch)
        self.count("job_runs", copied=len(batch))

    def copy_report_issues(self) -> None:
        """When each past period's report was issued (issue 24): a report both departments
        issued keeps the earlier first issue and the later latest one."""
        there = {(str(r[0]), str(r[1])): (str(r[2]), str(r[3])) for r in self.dst.execute(
            "SELECT kind, period, first_issued_at, issued_at FROM report_issues")}
        for kind, period, first, latest in self.src.execute(
                "SELECT kind, period, first_issued_at, issued_at FROM report_issues "
                "ORDER BY period, kind"):
            known = there.get((str(kind), str(period)))
            if known is None:
                self.dst.execute("INSERT INTO report_issues (kind, period, first_issued_at, "
                                 "issued_at) VALUES (?, ?, ?, ?)", (kind, period, first, latest))
                self.count("report_issues", copied=1)
            elif first < known[0] or latest > known[1]:
                self.dst.execute(
                    "UPDATE report_issues SET first_issued_at = ?, issued_at = ? "
                    "WHERE kind = ? AND period = ?",
                    (min(first, known[0]), max(latest, known[1]), kind, period))
                self.count("report_issues", updated=1)
            else:
                self.count("report_issues", skipped=1)

    def mark_dirty(self, registers: tuple[str, ...]) -> None:
        """The file's dirty registers and every one named, when anything was added (the
        registers are then rewritten from the database)."""
        if not self.report.added:
            return
        own = [str(r[0]) for r in self.src.execute("SELECT process FROM dirty_registers")]
        wanted = list(dict.fromkeys([*own, *registers]))
        for process in wanted:  # a mark every department of the directorate sees
            self.dst.execute(
                "INSERT INTO sequences (name, value) VALUES (?, 1) ON CONFLICT(name) "
                "DO UPDATE SET value = sequences.value + 1", (f"{MARK}{process}",))
        self.count("dirty_registers", copied=len(wanted))
