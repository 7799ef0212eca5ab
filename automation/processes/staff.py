"""What the registers show of one employee's year: the performance evidence the head
fills the ministry's approved performance record from (QP-70-2 §4: evaluating the
staff's performance).

Tasks come from the head's office (:mod:`.office`); visits from the forms each process
declares with the field naming who visited (P3's and P10's visit reports, P10's field
visits programme, P7's activation visits); repairs from P1's maintenance reports (the
technician). Names match after Arabic normalization; one field may name several people
(«أسماء الزائرين»: separated by «،»).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from automation.catalog.forms import CATALOG
from automation.core.periods import Period, date_range
from automation.processes import (
    VISIT_REPORTS,
    office,
    p01_maintenance,
    p07_activation,
    p10_learning,
)
from automation.processes.figures import (
    RowSource,
    as_date,
    field_date,
    rows_in,
    subject_of,
    text_of,
    within,
)
from automation.text.arabic import normalize_name

_NAMES = re.compile(r"\s*(?:[،,;؛\n]|\s-\s)\s*")
VISITOR_ROLE = "الزائر"
TECHNICIAN = "technician"
"""P1's maintenance report field naming who repaired the device."""
PROGRAMME_VISITOR = "visitor"
ACTIVATION_VISITOR = "visitor"
for _form, _key in ((p01_maintenance.REQUEST, TECHNICIAN),
                    (p10_learning.PROGRAMME, PROGRAMME_VISITOR),
                    (p07_activation.VISITS, ACTIVATION_VISITOR)):
    CATALOG.form(_form).field(_key)  # a renamed field fails here, not silently below


def names_in(value: object) -> list[str]:
    """The people a name field names (one, or several separated by commas)."""
    return [n.strip() for n in _NAMES.split(str(value or "")) if n.strip()]


def _named(value: object, who: str) -> bool:
    return who in {normalize_name(n) for n in names_in(value)}


@dataclass(frozen=True)
class Visit:
    day: dt.date
    form: str
    place: str
    role: str


@dataclass(frozen=True)
class Inspection:
    day: dt.date
    official_hours: bool | None
    workplace: str
    aspect: str
    finding: str
    rating: str


@dataclass
class StaffYear:
    """One employee's evidence for a period (a year)."""

    name: str
    period: Period
    tasks: list[office.Task] = field(default_factory=list)
    assigned: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    visits: list[Visit] = field(default_factory=list)
    repairs: int = 0
    repairs_by_type: dict[str, int] = field(default_factory=dict)
    meetings: list[tuple[dt.date, str, str]] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)


def _visits(src: RowSource, who: str, period: Period) -> list[Visit]:
    found: list[Visit] = []
    for form, key in VISIT_REPORTS.items():
        role = CATALOG.form(form).field(key).label
        role = VISITOR_ROLE if key in ("visitor", "visitors") else role
        seen: set[int] = set()
        for r in rows_in(src, form, "visit_date", period):
            day = field_date(r, "visit_date")
            if day and r.submission_id not in seen and _named(r.data.get(key), who):
                seen.add(r.submission_id)
                found.append(Visit(day, form, subject_of(r), role))
    for r in rows_in(src, p10_learning.PROGRAMME, "actual_date", period,
                     status=p10_learning.EXECUTED):
        day = field_date(r, "actual_date")
        if day and _named(r.data.get(PROGRAMME_VISITOR), who):
            found.append(Visit(day, p10_learning.PROGRAMME, subject_of(r), VISITOR_ROLE))
    seen = set()
    for r in rows_in(src, p07_activation.VISITS, "visit_date", period):
        day = field_date(r, "visit_date")
        if day and r.submission_id not in seen and _named(r.data.get(ACTIVATION_VISITOR), who):
            seen.add(r.submission_id)
            found.append(Visit(day, p07_activation.VISITS, subject_of(r), VISITOR_ROLE))
    return sorted(found, key=lambda v: (v.day, v.form, v.place))


def staff_year(src: RowSource, name: str, period: Period, today: dt.date) -> StaffYear:
    """What the registers show of ``name``'s ``period``; overdue is counted at the period's
    end, or ``today`` while the period is in progress."""
    who = normalize_name(name)
    out = StaffYear(name, period)
    as_of = min(period.end, today)
    out.tasks = [t for t in office.tasks(src) if normalize_name(t.staff) == who
                 and (within(period, t.assigned_on) or within(period, t.done_on)
                      or t.overdue_on(as_of))]
    figures = office.staff_tasks(out.tasks, date_range(period.start, as_of)).get(who)
    if figures is not None:
        out.assigned, out.on_time, out.late = figures.assigned, figures.on_time, figures.late
        out.overdue = figures.overdue
    out.visits = _visits(src, who, period)
    for r in rows_in(src, p01_maintenance.REQUEST, "done_date", period,
                     status=p01_maintenance.REPAIRED):
        if _named(r.data.get(TECHNICIAN), who):
            out.repairs += 1
            kind = text_of(r, "device_type")
            out.repairs_by_type[kind] = out.repairs_by_type.get(kind, 0) + 1
    seen: set[int] = set()
    for r in rows_in(src, office.MEETING, "meeting_date", period):
        day = as_date(r.data.get("meeting_date"))
        if day is None or r.submission_id in seen:
            continue
        seen.add(r.submission_id)
        if _named(r.data.get("chair"), who):
            out.meetings.append((day, text_of(r, "kind"), "رئيس الاجتماع"))
        elif _named(r.data.get("attendees"), who):
            out.meetings.append((day, text_of(r, "kind"), "عضو"))
    out.meetings.sort()
    for r in rows_in(src, office.HEAD_VISIT, "visit_date", period):
        day = as_date(r.data.get("visit_date"))
        if day and _named(r.data.get("staff"), who):
            hours = r.data.get("official_hours")
            out.inspections.append(Inspection(
                day, hours if isinstance(hours, bool) else None, text_of(r, "workplace"),
                text_of(r, "aspect"), text_of(r, "finding"), text_of(r, "rating")))
    out.inspections.sort(key=lambda i: i.day)
    return out


def unknown_names(src: RowSource, staff: Iterable[str], period: Period) -> list[str]:
    """Names the head's office forms give that the staff list does not have (a warning:
    the report is written for the list's names only)."""
    known = {normalize_name(n) for n in staff}
    found: dict[str, str] = {}
    for t in office.tasks(src):
        if within(period, t.assigned_on) and normalize_name(t.staff) not in known:
            found.setdefault(normalize_name(t.staff), t.staff)
    for r in rows_in(src, office.HEAD_VISIT, "visit_date", period):
        name = text_of(r, "staff")
        if normalize_name(name) not in known:
            found.setdefault(normalize_name(name), name)
    return sorted(found.values())
