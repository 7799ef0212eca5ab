"""Visit reports (QF75-13, QF70-2-9, QF70-2-17, QF70-2-40) as printable documents.

The pipeline makes one for every accepted visit form; ``eti report visit ID``
makes one on demand. The header values become a two-column table, the rows a
table with the form's own columns, then the recommendations, the visitors and
signature lines, and the records-table line (where the record is kept, how long).
"""

from __future__ import annotations

import json
import re
from typing import Any

from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog
from automation.catalog.reference import References
from automation.core.department import Department
from automation.documents.context import (
    common_context,
    show_date,
    show_field,
)
from automation.documents.kinds import VISIT_REPORT
from automation.documents.making import make_of
from automation.ledger.store import Ledger
from automation.processes import VISIT_REPORTS

VISIT_FORMS: tuple[str, ...] = tuple(VISIT_REPORTS)
"""Forms whose accepted submissions get a visit report (the processes declare them)."""

DOCUMENT_KIND = VISIT_REPORT.key
TEMPLATE = VISIT_REPORT.template.file
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
    submission: Any,
    refs: References,
    *,
    day: Any,
    catalog: Catalog = CATALOG,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The context of visit_report.docx and the parts of the file name, for an accepted
    visit form (:func:`automation.documents.making.load_submission`)."""
    submission_id = int(submission["id"])
    code = str(submission["form"] or "")
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


make_visit_report = make_of(VISIT_REPORT.key)
"""The visit report of an accepted QF75-13 / QF70-2-9 / -17 / -40 submission, in
``outbox/visits/<visit date>-<form>-<school>.docx``: ``(dept, ledger, submission_id, *,
clock, references=None)``."""
