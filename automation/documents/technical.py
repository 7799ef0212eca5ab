"""The technical report of a maintenance request (QF75-11) as a printable document.

The pipeline makes one for every accepted request, like the visit reports;
``eti report technical FILE|ID`` makes one on demand, for a submission id or for
the filled workbook itself (found by its content). The request's header values
become a two-column table, then each device its own table — fault, diagnosis,
corrective action, spare parts, cost, technician, status — the total cost, the
technicians' and the head's signature lines, and the records-table line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog
from automation.catalog.reference import References
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.documents.context import common_context, show_field
from automation.documents.kinds import TECHNICAL_REPORT
from automation.documents.making import make_of
from automation.ledger.store import Ledger
from automation.ledger.submissions import copies_of
from automation.processes.figures import fmt_jod
from automation.processes.p01_maintenance import REQUEST

TECHNICAL_FORMS: tuple[str, ...] = (REQUEST,)
"""Forms whose accepted submissions get a technical report."""
DOCUMENT_KIND = TECHNICAL_REPORT.key
TEMPLATE = TECHNICAL_REPORT.template.file
TECHNICIAN = "الفني المنفذ"
HEAD = "رئيس القسم"


def _not_found(what: str, en: str) -> EtiError:
    return EtiError(en, what, code="no-submission")


def submission_of_file(ledger: Ledger, path: Path) -> int:
    """The accepted submission a filled workbook became (found by its content; a copy
    dropped again points at the first); raises EtiError when it was never accepted."""
    try:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as exc:
        raise EtiError(f"cannot read {path}: {exc}", f"تعذّرت قراءة الملف «{path}».",
                       code="unreadable") from exc
    for sub_id, outcome, first in copies_of(ledger.conn, digest):
        if outcome == "accepted":
            return int(sub_id)
        if first is not None:
            return int(first)
    raise _not_found(f"الملف «{Path(path).name}» لم يُقبل بعد: ضعه في inbox/ أولاً.",
                     f"{path} is not an accepted submission")


def _cost(rows: list[Any]) -> str:
    total = Decimal(0)
    for r in rows:
        try:
            total += Decimal(str(r.data.get("cost_jod") or 0))
        except InvalidOperation:
            continue
    return fmt_jod(total)


def technical_context(
    dept: Department,
    ledger: Ledger,
    submission: Any,
    refs: References,
    *,
    day: dt.date,
    catalog: Catalog = CATALOG,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The context of technical_report.docx and the parts of the file name, for an
    accepted maintenance request (:func:`automation.documents.making.load_submission`)."""
    submission_id = int(submission["id"])
    code = str(submission["form"] or "")
    form = catalog.form(code)
    rows = list(ledger.rows_of_submission(submission_id))
    try:
        header = json.loads(submission["header_json"] or "{}")
    except (TypeError, ValueError):
        header = {}
    if rows:
        header = {**header, **{s.key: rows[0].data.get(s.key) for s in form.header}}
    devices = []
    for n, r in enumerate(rows, start=1):
        fields = [{"label": s.label, "value": show_field(s, r.data.get(s.key)) or "—"}
                  for s in form.rows if s.key != "device_type"]
        title = " — ".join(x for x in (str(r.data.get("device_type") or ""),
                                        str(r.data.get("asset_no") or "")) if x)
        devices.append({"n": n, "title": title, "fields": fields})
    technicians = dict.fromkeys(str(r.data.get("technician") or "").strip() for r in rows)
    common = common_context(dept, refs, doc_code=code, title="تقرير فني", day=day)
    signatures = [{"role": TECHNICIAN, "name": name} for name in technicians if name] or [
        {"role": TECHNICIAN, "name": ""}]
    signatures.append({"role": HEAD, "name": common["directorate"]["head"]})
    context = common | {
        "form_code": code,
        "form_name": form.name_ar,
        "header_fields": [{"label": s.label, "value": show_field(s, header.get(s.key))}
                          for s in form.header],
        "devices": devices,
        "device_count": len(devices),
        "total_cost": _cost(rows),
        "signatures": signatures,
        "records": form.records_ar,
    }
    school = header.get("school") or submission["school"] or ""
    return context, {"date": str(header.get("request_date") or "")[:10], "form": code,
                     "school": str(school), "id": str(submission_id)}


make_technical_report = make_of(TECHNICAL_REPORT.key)
"""The technical report of an accepted QF75-11 submission, in
``outbox/technical/<request date>-<form>-<school>-<id>.docx``: ``(dept, ledger,
submission_id, *, clock, references=None)``."""
