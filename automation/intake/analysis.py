"""A dropped file read and checked, apart from the ledger: what decides its outcome.

:func:`analyse` hashes, reads and validates one file; it runs in the batch process or in
a worker (:mod:`automation.intake.workers`), so it touches neither the ledger nor the
department's folders. :class:`~automation.intake.inbox.Intake` commits what it finds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from automation.catalog.model import Catalog, FormSpec
from automation.catalog.row_models import ValidationContext
from automation.catalog.schools import SchoolMatch
from automation.core.errors import UnreadableWorkbook
from automation.core.problems import Problem
from automation.intake.plan_checks import LineFigures, typed_lines
from automation.intake.reader import read_workbook, sha256_of
from automation.intake.safety import Limits, read_bounded
from automation.intake.validate import Lookup, Validated, validate
from automation.ledger.store import RowRecord, to_json
from automation.text.arabic import normalize_name
from automation.text.dates import year_span


def jsonable(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record_date(form: FormSpec, values: dict[str, object]) -> str | None:
    """The ISO date a record counts from (for a year: the year's last day)."""
    value = values.get(form.record_date) if form.record_date else None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value:
        return year_span(value)[1].isoformat()
    return None


@dataclass
class Analysis:
    """A file read and checked: everything deciding its outcome but the ledger.

    ``form`` is the identified form's code, ``""`` when the file could not be read
    as a form; ``header`` holds its typed header values; ``rows`` are the rows to
    commit, present when no problem is an error.
    """

    sha256: str
    size: int
    problems: list[Problem]
    form: str = ""
    header: dict[str, object] = field(default_factory=dict)
    school: str = ""
    sheet: str = ""
    workbook_id: str = ""
    meta_school: str = ""
    needs_ledger: bool = False
    matched_schools: dict[str, SchoolMatch] = field(default_factory=dict)
    rows: list[RowRecord] | None = None

    def compact(self) -> Analysis:
        """The same analysis, lighter to send between processes: rows keep only the
        JSON the ledger stores."""
        if self.rows is not None:
            self.rows = [RowRecord(r.sheet, r.row_number, {}, r.record_key, r.record_date,
                                   r.school, r.json()) for r in self.rows]
        return self


LEDGER_RULES = ("exists_in", "cites_unrepairable")


def analyse(
    path: Path,
    catalog: Catalog,
    context: ValidationContext,
    limits: Limits,
    lookup: Lookup | None,
    figures: LineFigures | None = None,
) -> Analysis:
    """Hash, read and validate one file; with no ``lookup`` (or no ``figures`` for a
    plan's hand-typed achievements), checks that need the ledger are left for the caller
    (``needs_ledger``)."""
    try:
        data: bytes | None = read_bounded(path, limits)
    except UnreadableWorkbook:
        data = None  # too large or unreadable: hashed in chunks, refused by the reader
    if data is not None and len(data) <= limits.max_file_bytes:
        sha, size = hashlib.sha256(data).hexdigest(), len(data)
    else:
        sha, size = sha256_of(path)
    try:
        submission, read_problems = read_workbook(path, catalog, limits, data)
    except UnreadableWorkbook as exc:
        problem = Problem(exc.code, exc.message_ar, "error", message_en=exc.message_en,
                          detail=exc.detail)
        return Analysis(sha, size, [problem])
    form = catalog.form(submission.form)
    checked = validate(submission, form, context, lookup, figures)
    needs_ledger = (lookup is None and any(r.kind in LEDGER_RULES for r in form.rules)) or (
        figures is None and bool(typed_lines(form, checked.rows)))
    named = {checked.school} | {r.values.get("school") for r in checked.rows}
    matched = {name: match for name, match in context.matched_schools.items() if name in named}
    problems = read_problems + checked.report.problems
    rows = None
    if not any(p.severity == "error" for p in problems):
        school = checked.school or submission.meta_school
        rows = row_records(form, checked, school, matched, submission.sheet)
    return Analysis(
        sha,
        size,
        problems,
        form.code,
        checked.header,
        checked.school,
        submission.sheet,
        submission.workbook_id,
        submission.meta_school,
        needs_ledger,
        matched,
        rows,
    )


def row_records(
    form: FormSpec,
    checked: Validated,
    school: str,
    matched: dict[str, SchoolMatch],
    sheet: str,
) -> list[RowRecord]:
    """The rows to commit, as the ledger keeps them (JSON made here, off the writer)."""
    rows = []
    for row in checked.rows:
        data = dict(row.values)  # dates and decimals become text in the JSON
        row_school = str(data.get("school") or school or "")
        match = matched.get(row_school)
        if match and match.school_no:
            data["school_no"] = match.school_no
        key = data.get(form.unique_key) if form.unique_key else None
        rows.append(
            RowRecord(
                sheet=sheet,
                row_number=row.number,
                data=data,
                record_key=normalize_name(key) if key is not None else None,
                record_date=record_date(form, row.values),
                school=row_school,
                encoded=to_json(data),
            )
        )
    return rows
