"""One Word document per staff member with what the registers show of their year
(``outbox/staff/<year>/<name>.docx``): tasks assigned, done on time, late and overdue,
visits made, devices repaired, meetings attended, inspection-visit findings. The head
fills the ministry's approved performance record from it.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from automation.catalog.reference import Employee, References
from automation.core.clock import Clock
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.core.periods import DEFAULT_CALENDAR, Calendar
from automation.documents.context import common_context, form_text, references_of
from automation.documents.kinds import STAFF_REPORT
from automation.documents.outbox import produce, safe_name
from automation.documents.render import DEFAULT_TIMEOUT
from automation.ledger.store import Ledger
from automation.processes.figures import RowSource
from automation.processes.office import ASSIGNED, CANCELLED, DONE, DONE_LATE, DONE_ON_TIME
from automation.processes.staff import StaffYear, staff_year, unknown_names
from automation.text.arabic import normalize_name
from automation.text.dates import format_date

log = logging.getLogger(__name__)

DOCUMENT_KIND = STAFF_REPORT.key
TEMPLATE = STAFF_REPORT.template.file
OVERDUE_AT = "المهام المتأخرة في نهاية العام أو حتى تاريخه"


def staff_folder(dept: Department, year: int) -> Path:
    return dept.outbox / "staff" / str(year)


def _state(task: Any, as_of: dt.date) -> str:
    if task.overdue_on(as_of):
        return f"متأخرة ({task.days_late(as_of)} يوماً)"
    if task.status == DONE:
        return "منجزة في موعدها" if task.on_time else (
            "منجزة بعد موعدها" if task.late else "منجزة")
    return task.status if task.status != CANCELLED else "ملغاة"


def staff_context(dept: Department, refs: References, evidence: StaffYear, employee: Employee,
                  year: int, today: dt.date) -> dict[str, Any]:
    """The context of staff_report.docx for one employee's year."""
    as_of = min(evidence.period.end, today)
    identity = [{"label": "الاسم", "value": employee.name},
                {"label": "المسمى الوظيفي", "value": employee.job_title}]
    if as_of < evidence.period.end:
        identity.append({"label": "حتى تاريخ", "value": format_date(as_of)})
    return common_context(dept, refs, doc_code="QP-70-2", title="شواهد أداء الموظف",
                          day=today) | {
        "year": year,
        "staff": {"name": employee.name, "job_title": employee.job_title},
        "identity": identity,
        "task_figures": [
            {"label": ASSIGNED, "value": str(evidence.assigned)},
            {"label": DONE_ON_TIME, "value": str(evidence.on_time)},
            {"label": DONE_LATE, "value": str(evidence.late)},
            {"label": OVERDUE_AT, "value": str(evidence.overdue)},
        ],
        "tasks": [
            {"task": t.task, "assigned": format_date(t.assigned_on) if t.assigned_on else "",
             "due": format_date(t.due_on) if t.due_on else "", "state": _state(t, as_of),
             "source": t.source}
            for t in evidence.tasks
        ],
        "visits": [
            {"day": format_date(v.day), "form": form_text(v.form),
             "place": v.place, "role": v.role}
            for v in evidence.visits
        ],
        "visit_count": len(evidence.visits),
        "repairs": [{"label": kind or "غير محدد", "value": str(n)}
                    for kind, n in sorted(evidence.repairs_by_type.items())],
        "repair_count": evidence.repairs,
        "meetings": [{"day": format_date(day), "kind": kind, "role": role}
                     for day, kind, role in evidence.meetings],
        "meeting_count": len(evidence.meetings),
        "inspections": [
            {"day": format_date(i.day),
             "official": "" if i.official_hours is None else ("نعم" if i.official_hours else "لا"),
             "aspect": i.aspect, "finding": i.finding, "rating": i.rating}
            for i in evidence.inspections
        ],
        "inspection_count": len(evidence.inspections),
    }


def make_staff_reports(
    dept: Department,
    ledger: Ledger,
    year: int,
    *,
    clock: Clock,
    staff: str | None = None,
    references: References | None = None,
    calendar: Calendar = DEFAULT_CALENDAR,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[Path]:
    """The performance evidence of every employee of ``staff.xlsx`` for ``year`` (or of the
    one named ``staff``, matched after Arabic normalization)."""
    refs = references_of(dept, references)
    employees = refs.staff
    if staff is not None:
        employees = [e for e in employees if normalize_name(e.name) == normalize_name(staff)]
        if not employees:
            raise EtiError(
                f"{staff!r} is not in workbooks/reference/staff.xlsx",
                f"الاسم «{staff}» غير موجود في قائمة العاملين (staff.xlsx).",
                code="unknown-staff",
            )
    if not employees:
        raise EtiError(
            "workbooks/reference/staff.xlsx lists nobody",
            "قائمة العاملين (staff.xlsx) فارغة: أضف أسماء العاملين في القسم أولاً.",
            code="no-staff",
        )
    period = calendar.year(year)
    today = clock.now().date()
    src = RowSource(ledger)
    for name in unknown_names(src, refs.staff_names, period):
        log.warning("%s is named in a form but not in staff.xlsx", name)
    made = []
    for employee in employees:
        evidence = staff_year(src, employee.name, period, today)
        context = staff_context(dept, refs, evidence, employee, year, today)
        made.append(produce(dept, ledger, kind=DOCUMENT_KIND, template=TEMPLATE, context=context,
                            folder=staff_folder(dept, year), stem=safe_name(employee.name),
                            clock=clock, timeout=timeout))
    return made
