"""Put accepted submissions (and decisions) into a :class:`Ledger` for tests.

The rows follow docs/ARCHITECTURE.md, "Ledger row data": header and table values
merged by field key and typed as JSON (dates and months as ISO text, jod and pct
as decimal text, yes/no as booleans, ints as integers), ``record_date`` from the
form's ``record_date`` field (a year counts from its last day), ``school`` the
school value, ``record_key`` the form's unique key.

Values may be given as Python values (``date``, ``Decimal``, ``bool``, ``int``)
or as text staff would type (``"15/3/2026"``, ``"نعم"``); keys that are not fields
of the form (``school_no``) are kept as they are.

    sub_id = add_submission(
        ledger, "QF75-11",
        {"school": "مدرسة الأمل", "request_date": date(2026, 2, 3), "channel": "هاتف"},
        [{"device_type": "حاسوب", "location": "مختبر حاسوب", "fault": "لا يعمل",
          "status": "تم الإصلاح", "done_date": date(2026, 2, 9), "cost_jod": "12.5"}],
        received_at=datetime(2026, 2, 10, 9, 0),
    )
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog, FieldSpec, FormSpec
from automation.core.department import Department
from automation.ledger.store import Ledger, RowRecord, SubmissionRecord, to_json
from automation.text.dates import parse_date, parse_month, parse_year, year_span
from automation.text.numbers import parse_yesno

__all__ = ["add_decision", "add_submission", "backend_ledger", "json_value", "merged_rows",
           "record_date_of"]

_serial = itertools.count(1)
FIRST_TABLE_ROW = 8
"""Sheet row number given to the first table row (provenance only)."""


def backend_ledger(where: Path | Department, *, directorate: str = "") -> Ledger:
    """The ledger a test opens on its backend: the PostgreSQL database
    ``ETI_LEDGER_URL`` names in its PostgreSQL run (tests/conftest.py sets it), else the
    SQLite file ``where`` (a department: its ``data/ledger.sqlite``). The test's own
    reading of the environment: the product's is :func:`automation.ledger.open.open_ledger`,
    and ``Ledger(path)`` reads none."""
    path = where.ledger_path if isinstance(where, Department) else where
    url = os.environ.get("ETI_LEDGER_URL", "").strip()
    if url:
        return Ledger.postgres(url, directorate, path=path)
    return Ledger.sqlite(path, directorate=directorate)


def json_value(spec: FieldSpec, value: object) -> object:
    """One value as the ledger keeps it (see the ARCHITECTURE table)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = spec.type
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return parse_date(value).isoformat()
    if kind == "month":
        if isinstance(value, dt.date):
            return value.replace(day=1).isoformat()
        return parse_month(value).isoformat()
    if kind == "year":
        return parse_year(str(value))
    if kind == "int":
        return int(value)  # type: ignore[call-overload]
    if kind == "jod":
        return format(Decimal(str(value)).quantize(Decimal("0.001")), "f")
    if kind == "pct":
        return format(Decimal(str(value)).normalize(), "f")
    if kind == "yesno":
        return value if isinstance(value, bool) else parse_yesno(value)
    return str(value)


def record_date_of(form: FormSpec, data: Mapping[str, object]) -> str | None:
    """The ISO date periods and retention count from (a year: its last day)."""
    if not form.record_date:
        return None
    value = data.get(form.record_date)
    if value is None:
        return None
    if form.field(form.record_date).type == "year":
        return year_span(str(value))[1].isoformat()
    return str(value)[:10]


def _typed(form: FormSpec, values: Mapping[str, object]) -> dict[str, object]:
    keys = {spec.key: spec for spec in form.fields}
    return {
        key: json_value(keys[key], value) if key in keys else value
        for key, value in values.items()
    }


def merged_rows(
    form: FormSpec, header: Mapping[str, object], rows: Sequence[Mapping[str, object]]
) -> list[dict[str, object]]:
    """Header and table values merged by key, typed; a form without a table gives one row."""
    typed_header = _typed(form, header)
    if not form.has_table or not rows:
        return [typed_header] if not form.has_table else []
    return [{**typed_header, **_typed(form, row)} for row in rows]


def add_submission(
    ledger: Ledger,
    form_code: str,
    header: Mapping[str, object],
    rows: Sequence[Mapping[str, object]],
    *,
    received_at: dt.datetime | dt.date,
    name: str | None = None,
    school: str | None = None,
    identity: str | None = None,
    workbook_id: str = "",
    catalog: Catalog = CATALOG,
    dirty: Iterable[str] | None = None,
) -> int:
    """Commit one accepted submission with its rows; returns the submission id.

    ``identity`` defaults to the form's identity fields joined by ``|`` (so a
    second call with the same school and period supersedes the first, as the
    intake does); running lists (no identity fields) never supersede, except
    rows with the same unique key (a Help Desk ticket) replace the live one.
    ``dirty`` defaults to the form's own process.
    """
    form = catalog.form(form_code)
    if not isinstance(received_at, dt.datetime):
        received_at = dt.datetime.combine(received_at, dt.time(9, 0))
    data_rows = merged_rows(form, header, rows)
    typed_header = _typed(form, header)
    serial = next(_serial)
    if identity is None:
        identity = (
            "|".join(str(typed_header.get(key) or "") for key in form.identity)
            if form.identity
            else ""
        )
    if school is None:
        school = str(typed_header.get("school") or "")
    record_rows = [
        RowRecord(
            sheet=form.code,
            row_number=FIRST_TABLE_ROW + index if form.has_table else 1,
            data=data,
            record_key=(
                str(data[form.unique_key])
                if form.unique_key and data.get(form.unique_key) is not None
                else None
            ),
            record_date=record_date_of(form, data),
            school=str(data.get("school") or ""),
        )
        for index, data in enumerate(data_rows)
    ]
    digest = hashlib.sha256(
        f"{serial}|{form_code}|{to_json(dict(typed_header))}|{len(data_rows)}".encode()
    ).hexdigest()
    header_date = record_date_of(form, typed_header) if form.record_date in header else None
    record = SubmissionRecord(
        original_name=name or f"{form_code} {serial}.xlsx",
        sha256=digest,
        size=1000 + serial,
        received_at=received_at,
        outcome="accepted",
        form=form_code,
        workbook_id=workbook_id or f"wb-{serial}",
        school=school,
        period=header_date or "",
        identity=identity,
        header=typed_header,
        claim_id=f"claim-{serial}-{digest[:8]}",
    )
    processes = tuple(dirty) if dirty is not None else (form.process,)
    return ledger.accept(record, record_rows, dirty=processes).submission_id


def add_decision(
    ledger: Ledger,
    number: str,
    decided_on: dt.date,
    row_ids: Iterable[int],
    *,
    kind: str = "disposal",
    created_at: dt.datetime | None = None,
    document: str = "",
) -> int:
    """Record a committee decision and attach rows (DISPOSAL items) to it; returns its id."""
    created = created_at or dt.datetime.combine(decided_on, dt.time(12, 0))
    with ledger.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO decisions (kind, number, decided_on, created_at, document) "
            "VALUES (?, ?, ?, ?, ?)",
            (kind, number, decided_on.isoformat(), created.isoformat(timespec="seconds"), document),
        )
        decision_id = int(cur.lastrowid or 0)
        conn.executemany(
            "UPDATE rows SET decision_id = ? WHERE id = ?", [(decision_id, r) for r in row_ids]
        )
    return decision_id
