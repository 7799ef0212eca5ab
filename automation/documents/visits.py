"""Visit reports (QF75-13, QF70-2-9, QF70-2-17, QF70-2-40) as printable documents.

The pipeline makes one for every accepted visit form; ``eti report visit ID``
makes one on demand. The header values become a two-column table, the rows a
table with the form's own columns, then the recommendations, the visitors and
signature lines, and the records-table line (where the record is kept, how long).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog
from automation.catalog.reference import References
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.documents.context import (
    common_context,
    references_of,
    show_date,
    show_field,
)
from automation.documents.outbox import name_parts, produce, visits_folder
from automation.documents.render import DEFAULT_TIMEOUT
from automation.ledger.store import Ledger
from automation.processes import VISIT_REPORTS

VISIT_FORMS: tuple[str, ...] = tuple(VISIT_REPORTS)
"""Forms whose accepted submissions get a visit report (the processes declare them)."""

DOCUMENT_KIND = "visit-report"
TEMPLATE = "visit_report.docx"
VISITOR = "الزائر"
_NAMES_SPLIT = re.compile(r"\s*(?:[،,;؛\n]|\s-\s)\s*")


def _header(submission: Any, rows: list[Any]) -> dict[str, Any]:
    """Header values: from the rows (header merged into each) else the stored header."""
    try:
        header = json.loads(submission["header_json"] or "{}")
    except (TypeError, ValueError):
        header = {}
    if rows:
        header = {**header, **rows[0].data}
    return header


def visit_context(
    dept: Department,
    ledger: Ledger,
    submission_id: int,
    refs: References,
    *,
    day: Any,
    catalog: Catalog = CATALOG,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The context of visit_report.docx and the parts of the file name."""
    submission = ledger.submission(submission_id)
    if submission is None:
        raise EtiError(
            f"there is no submission {submission_id}",
            f"لا يوجد نموذج وارد برقم {submission_id}.",
            code="no-submission",
        )
    code = str(submission["form"] or "")
    if code not in VISIT_FORMS:
        raise EtiError(
            f"submission {submission_id} is a {code or 'unknown'} form, not a visit report",
            f"النموذج الوارد رقم {submission_id} ({code or 'غير معروف'}) ليس تقرير زيارة.",
            code="not-a-visit",
        )
    form = catalog.form(code)
    rows = [r for r in ledger.rows_of_submission(submission_id)]
    header = _header(submission, rows)
    header_fields = [
        {"label": spec.label, "value": show_field(spec, header.get(spec.key))}
        for spec in form.header
        if spec.key != "recommendations"
    ]
    table_rows = [
        {"n": n, "cells": [show_field(spec, r.data.get(spec.key)) for spec in form.rows]}
        for n, r in enumerate(rows, start=1)
    ]
    recommendations = [
        line.strip()
        for line in str(header.get("recommendations") or "").splitlines()
        if line.strip()
    ]
    if any(spec.key == "recommendation" for spec in form.rows):  # a recommendation per row
        for r in rows:
            text = str(r.data.get("recommendation") or "").strip()
            if text:
                item = str(r.data.get("item") or "").strip()
                due = show_date(r.data.get("due_date"))
                who = str(r.data.get("responsible") or "").strip()
                extra = "، ".join(
                    x for x in (f"الجهة المسؤولة: {who}" if who else "",
                                f"موعد التنفيذ: {due}" if due else "") if x
                )
                recommendations.append(
                    f"{item}: {text}" + (f" ({extra})" if extra else "") if item else text
                )
    visitor_spec = form.field(VISIT_REPORTS[code])
    role = VISITOR if visitor_spec.key in ("visitor", "visitors") else visitor_spec.label
    visitors = str(header.get(visitor_spec.key) or "")
    signatures = [
        {"role": role, "name": name}
        for name in _NAMES_SPLIT.split(visitors)
        if name.strip()
    ] or [{"role": role, "name": ""}]
    common = common_context(dept, refs, doc_code=code, title=form.name_ar, day=day)
    signatures.append({"role": "رئيس القسم", "name": common["directorate"]["head"]})
    context = common | {
        "form_code": code,
        "form_name": form.name_ar,
        "header_fields": header_fields,
        "columns": [spec.label for spec in form.rows],
        "rows": table_rows,
        "span_all": len(form.rows) + 1,
        "recommendations": recommendations,
        "visitors_label": visitor_spec.label,
        "visitors": visitors,
        "signatures": signatures,
        "records": form.records_ar,
    }
    place = header.get("school") or header.get("site") or submission["school"] or ""
    visit_day = str(header.get("visit_date") or "")[:10]
    return context, {"date": visit_day, "form": code, "school": str(place)}


def make_visit_report(
    dept: Department,
    ledger: Ledger,
    submission_id: int,
    *,
    clock: Clock,
    references: References | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """The visit report of an accepted QF75-13 / QF70-2-9 / -17 / -40 submission,
    in ``outbox/visits/<visit date>-<form>-<school>.docx``."""
    refs = references_of(dept, references)
    context, name = visit_context(dept, ledger, submission_id, refs, day=clock.now().date())
    stem = name_parts(name["date"], name["form"], name["school"])
    return produce(
        dept,
        ledger,
        kind=DOCUMENT_KIND,
        template=TEMPLATE,
        context=context,
        folder=visits_folder(dept),
        stem=stem,
        clock=clock,
        submission_id=submission_id,
        timeout=timeout,
    )
