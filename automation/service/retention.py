"""Retention (QP-70-2 section 6): old records leave the live registers, never the ledger.

A record whose form keeps it N years moves out of the live master register once
it is older than N years, counted from the record's own date (``rows.record_date``;
from the end of its year for forms kept "one year after their year ends"; from
the day the file arrived when the record has no date). It moves into

- the ledger's ``archive`` table, with ``rows.archived_at`` set;
- ``workbooks/registers/archive/<year>/<CODE>.xlsx``, rewritten with its old
  rows plus the new ones (a sweep interrupted after writing it only rewrites the
  same rows again: they are keyed by the ledger row id);
- and, once every row of a submission is archived, its original file moves
  from ``inbox/processed/`` to ``data/archive/<year>/``.

Permanent records (``retention_years`` is None) never move. Nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from automation.catalog.blank import save_atomic
from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog, FormSpec
from automation.core.clock import Clock
from automation.core.department import Department
from automation.ledger import retention as ledger_retention
from automation.ledger.store import Ledger

log = logging.getLogger(__name__)

ROW_ID = "رقم السجل"
RECORD_DATE = "تاريخ السجل"
SOURCE_FILE = "الملف الأصلي"
RECEIVED = "تاريخ الاستلام"
ARCHIVED = "تاريخ الأرشفة"
STATE = "الحالة في السجل"
LIVE_AR = "ساري"
REPLACED_AR = "نسخة سابقة استُبدلت"
YES_NO = {True: "نعم", False: "لا"}


@dataclass
class Candidate:
    """A row due to leave the live register."""

    row_id: int
    submission_id: int
    form: str
    data: dict[str, object]
    since: dt.date
    current: bool
    original_name: str
    received_at: str

    @property
    def year(self) -> int:
        return self.since.year


@dataclass
class RetentionResult:
    """What a sweep moved, or would move with ``dry_run``."""

    dry_run: bool
    moved: dict[str, int] = field(default_factory=dict)
    files: list[tuple[str, str]] = field(default_factory=list)
    workbooks: list[Path] = field(default_factory=list)
    waiting: list[Path] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.moved.values())

    def summary(self) -> str:
        verb = "would move" if self.dry_run else "moved"
        forms = ", ".join(f"{code}: {n}" for code, n in sorted(self.moved.items())) or "nothing"
        text = f"{verb} {self.total} records ({forms}), {len(self.files)} files"
        if self.waiting:
            text += f"; waiting for Excel: {', '.join(p.name for p in self.waiting)}"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "dry_run": self.dry_run,
            "moved": dict(sorted(self.moved.items())),
            "total": self.total,
            "files": [{"from": a, "to": b} for a, b in self.files],
            "workbooks": [str(p) for p in self.workbooks],
            "waiting": [str(p) for p in self.waiting],
        }


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def counted_from(form: FormSpec, record_date: str | None, received_at: str) -> dt.date:
    """The day a record's retention period starts."""
    try:
        day = dt.date.fromisoformat(str(record_date)[:10]) if record_date else None
    except ValueError:
        day = None
    if day is None:
        return dt.datetime.fromisoformat(received_at).date()
    if form.retention_from_year_end:
        year_field = form.record_date and form.field(form.record_date).type == "year"
        if not year_field:  # a year field is already dated at its last day
            day = dt.date(day.year, 12, 31)
    return day


def is_expired(form: FormSpec, since: dt.date, today: dt.date) -> bool:
    """Whether a record counted from ``since`` is older than its form keeps it live."""
    if form.retention_years is None:
        return False
    return today > add_years(since, form.retention_years)


def candidates(ledger: Ledger, form: FormSpec, today: dt.date) -> list[Candidate]:
    """Rows of ``form`` still live (or kept as history) that are past retention."""
    if form.retention_years is None:
        return []
    found = []
    for row in ledger_retention.unarchived_rows(ledger, form.code):
        since = counted_from(form, row.record_date, row.received_at)
        if is_expired(form, since, today):
            found.append(
                Candidate(row.id, row.submission_id, form.code, json.loads(row.data), since,
                          bool(row.current), row.original_name, row.received_at)
            )
    return found


def archive_workbook(dept: Department, code: str, year: int) -> Path:
    return dept.archive / str(year) / f"{code}.xlsx"


def sweep(
    dept: Department,
    ledger: Ledger,
    *,
    clock: Clock,
    dry_run: bool = False,
    catalog: Catalog = CATALOG,
) -> RetentionResult:
    """Move every record past its retention out of the live registers."""
    now = clock.now()
    result = RetentionResult(dry_run=dry_run)
    touched: set[int] = set()
    for form in catalog.forms:
        found = candidates(ledger, form, now.date())
        if not found:
            continue
        by_year: dict[int, list[Candidate]] = defaultdict(list)
        for cand in found:
            by_year[cand.year].append(cand)
        done: list[tuple[Candidate, Path]] = []
        for year, rows in sorted(by_year.items()):
            path = archive_workbook(dept, form.code, year)
            if not dry_run:
                try:
                    write_archive(path, form, rows, now)
                except PermissionError:
                    log.warning("archive workbook %s is open in Excel; retrying later", path)
                    result.waiting.append(path)
                    continue
                result.workbooks.append(path)
            done += [(cand, path) for cand in rows]
        if not done:
            continue
        result.moved[form.code] = len(done)
        touched.update(cand.submission_id for cand, _ in done)
        if not dry_run:
            _commit(dept, ledger, form, done, now)
            log.info("retention: %d %s records archived", len(done), form.code)
    if dry_run:
        result.files = _files_that_would_move(dept, ledger, result, touched, catalog, now.date())
    else:
        result.files = move_archived_files(dept, ledger, now.year)
    return result


def _commit(
    dept: Department, ledger: Ledger, form: FormSpec, done: list[tuple[Candidate, Path]],
    now: dt.datetime,
) -> None:
    stamp = now.isoformat(timespec="seconds")
    with ledger.transaction() as conn:
        ledger_retention.archive_rows(
            conn, form.code, stamp,
            [(cand.row_id, cand.since.isoformat(), path.relative_to(dept.root).as_posix())
             for cand, path in done])
        ledger.mark_dirty(conn, tuple(dict.fromkeys((form.process, "PLAN"))))


# -- original files -----------------------------------------------------------------


def _fully_archived(ledger: Ledger, fallback_year: int) -> list[tuple[int, str, int]]:
    """(submission id, stored path, year) of processed files whose rows are all archived."""
    found = []
    for sub_id, stored, last in ledger_retention.fully_archived(ledger):
        year = int(str(last)[:4]) if last else fallback_year
        found.append((sub_id, stored, year))
    return found


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    counter = 2
    while target.exists():
        target = folder / f"{stem} ({counter}){suffix}"
        counter += 1
    return target


def move_archived_files(
    dept: Department, ledger: Ledger, fallback_year: int
) -> list[tuple[str, str]]:
    """Move the originals of fully archived submissions into ``data/archive/<year>/``."""
    moved = []
    for sub_id, stored, year in _fully_archived(ledger, fallback_year):
        source = dept.root / stored
        folder = dept.files_archive / str(year)
        if source.exists():
            folder.mkdir(parents=True, exist_ok=True)
            target = _free_name(folder, source.name)
            shutil.move(str(source), str(target))
        elif (folder / source.name).exists():
            target = folder / source.name  # moved before an interruption; record it now
        else:
            log.warning("retention: original of submission %d is missing: %s", sub_id, stored)
            continue
        new = target.relative_to(dept.root).as_posix()
        ledger.set_stored_path(sub_id, new)
        moved.append((stored, new))
        log.info("retention: moved %s to %s", stored, new)
    return moved


def _files_that_would_move(
    dept: Department, ledger: Ledger, result: RetentionResult, touched: set[int],
    catalog: Catalog, today: dt.date,
) -> list[tuple[str, str]]:
    would = []
    due = {
        cand.row_id: cand
        for code in result.moved
        for cand in candidates(ledger, catalog.form(code), today)
    }
    for sub_id in sorted(touched):
        sub = ledger.submission(sub_id)
        stored = str(sub["stored_path"]) if sub else ""
        if not stored.startswith("inbox/processed/"):
            continue
        rows = ledger_retention.archived_state(ledger, sub_id)
        if all(archived or row_id in due for row_id, archived in rows):
            years = [due[row_id].year for row_id, _ in rows if row_id in due]
            target = dept.files_archive / str(max(years)) / Path(stored).name
            would.append((stored, target.relative_to(dept.root).as_posix()))
    return would


# -- the archive workbook -----------------------------------------------------------


def _text(value: object) -> object:
    """A value as the archive shows it: numbers stay numbers, the rest is plain text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return YES_NO[value]
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10] if not isinstance(value, dt.datetime) else (
            value.isoformat(sep=" ", timespec="minutes"))
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def columns(form: FormSpec) -> list[str]:
    labels = [ROW_ID] + [spec.label for spec in form.fields]
    return labels + [RECORD_DATE, SOURCE_FILE, RECEIVED, ARCHIVED, STATE]


def _record(form: FormSpec, cand: Candidate, now: dt.datetime) -> dict[str, object]:
    values: dict[str, object] = {ROW_ID: cand.row_id}
    for spec in form.fields:
        values[spec.label] = _text(cand.data.get(spec.key))
    values.update({
        RECORD_DATE: cand.since.isoformat(),
        SOURCE_FILE: _text(cand.original_name),
        RECEIVED: cand.received_at.replace("T", " ")[:16],
        ARCHIVED: now.strftime("%Y-%m-%d %H:%M"),
        STATE: LIVE_AR if cand.current else REPLACED_AR,
    })
    return values


def read_archive(path: Path) -> tuple[list[str], list[dict[str, object]]]:
    """Header and rows of an existing archive workbook (empty when there is none)."""
    if not path.exists():
        return [], []
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows:
        return [], []
    header = [str(v) if v is not None else "" for v in rows[0]]
    records = [
        {label: value for label, value in zip(header, row, strict=False) if label}
        for row in rows[1:]
        if any(v is not None for v in row)
    ]
    return header, records


def write_archive(path: Path, form: FormSpec, rows: list[Candidate], now: dt.datetime) -> None:
    """Rewrite ``path`` with its earlier rows plus ``rows`` (by ledger row id, no doubles)."""
    old_header, old_rows = read_archive(path)
    labels = columns(form)
    labels += [h for h in old_header if h and h not in labels]
    new_ids = {cand.row_id for cand in rows}
    records = [r for r in old_rows if r.get(ROW_ID) not in new_ids]
    records += [_record(form, cand, now) for cand in rows]
    records.sort(key=lambda r: (str(r.get(RECORD_DATE) or ""), _as_int(r.get(ROW_ID))))

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = form.code[:31]
    ws.sheet_view.rightToLeft = True
    ws.append(labels)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for record in records:
        ws.append([_text(record.get(label)) for label in labels])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for index, label in enumerate(labels, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(10, min(40, len(label) + 6))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    save_atomic(wb, path)


def _as_int(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0
