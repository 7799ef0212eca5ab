"""The head's office (QP-70-2 §4 and §5/1): following up the tasks assigned to each
employee (TASKS), the department's meetings (MEETING, whose decisions become tasks
without anyone retyping them) and the head's inspection visits (HEAD-VISIT).

A task is *done on time* when it was done on or before its due date, *late* when after
it, and *overdue* on a day when its due date has passed and it is neither done (by
then) nor cancelled: overdue is computed, never typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from automation.catalog.forms import CATALOG
from automation.core.periods import Period, date_range
from automation.ledger.store import LedgerRow
from automation.processes.definition import Block, ProcessDef, SummaryContext, with_total
from automation.processes.figures import Figure, RowSource, as_date, text_of, within
from automation.text.arabic import normalize_name

TASKS = "TASKS"
MEETING = "MEETING"
HEAD_VISIT = "HEAD-VISIT"
STATUSES = CATALOG.form(TASKS).field("status").choices
NEW, IN_PROGRESS, DONE, CANCELLED = STATUSES
MEETING_SOURCE = "محضر اجتماع"
"""How a task that comes from a meeting names its source («محضر اجتماع 2026-03-01»)."""

ASSIGNED = "المهام المكلف بها"
DONE_ON_TIME = "المهام المنجزة في موعدها"
DONE_LATE = "المهام المنجزة بعد موعدها"
OVERDUE = "المهام المتأخرة في نهاية الفترة"
MEETINGS = "الاجتماعات المعقودة"
VISITS = "الزيارات التفقدية"


@dataclass(frozen=True)
class Task:
    """One task of the follow-up: a TASKS row, or a MEETING decision not yet followed up
    in TASKS (the meeting's date is its assignment; ``due_on`` may then be empty)."""

    task: str
    staff: str
    assigned_on: dt.date | None
    due_on: dt.date | None
    status: str
    done_on: dt.date | None
    source: str
    process: str = ""
    notes: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """A task is its text and its employee, after Arabic normalization."""
        return normalize_name(self.task), normalize_name(self.staff)

    def done_by(self, day: dt.date) -> bool:
        return self.status == DONE and (self.done_on is None or self.done_on <= day)

    def overdue_on(self, day: dt.date) -> bool:
        """Whether the task is overdue on ``day``: its due date has passed, and it is
        neither cancelled nor done by then."""
        if self.due_on is None or self.due_on >= day or self.status == CANCELLED:
            return False
        return not self.done_by(day)

    def days_late(self, day: dt.date) -> int:
        """Days past the due date on ``day`` (0 when not overdue)."""
        if self.due_on is None or not self.overdue_on(day):
            return 0
        return (day - self.due_on).days

    @property
    def on_time(self) -> bool:
        return (self.status == DONE and self.done_on is not None and self.due_on is not None
                and self.done_on <= self.due_on)

    @property
    def late(self) -> bool:
        return (self.status == DONE and self.done_on is not None and self.due_on is not None
                and self.done_on > self.due_on)


def meeting_source(day: dt.date | None) -> str:
    return f"{MEETING_SOURCE} {day.isoformat()}" if day else MEETING_SOURCE


def _task_of(r: LedgerRow) -> Task:
    return Task(text_of(r, "task"), text_of(r, "staff"), as_date(r.data.get("assigned_on")),
                as_date(r.data.get("due_on")), text_of(r, "status"),
                as_date(r.data.get("done_on")), text_of(r, "source"), text_of(r, "process"),
                text_of(r, "notes"))


def _meeting_task(r: LedgerRow) -> Task:
    day = as_date(r.data.get("meeting_date"))
    return Task(text_of(r, "decision"), text_of(r, "owner"), day, as_date(r.data.get("due_on")),
                NEW, None, meeting_source(day), notes=text_of(r, "notes"))


def tasks(src: RowSource) -> list[Task]:
    """Every task of the follow-up: the TASKS rows, then each meeting decision that no
    TASKS row follows up (same text and employee), oldest assignment first."""
    followed = [_task_of(r) for r in src.rows(TASKS)]
    keys = {t.key for t in followed}
    from_meetings = [t for t in map(_meeting_task, src.rows(MEETING)) if t.key not in keys]
    return sorted(followed + from_meetings,
                  key=lambda t: (t.assigned_on or dt.date.min, normalize_name(t.staff)))


@dataclass
class StaffTasks:
    """One employee's tasks for a period: assigned in it, done in it on time or late,
    and overdue at its end."""

    staff: str
    assigned: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0

    def row(self) -> list[object]:
        return [self.staff, self.assigned, self.on_time, self.late, self.overdue]


def staff_tasks(all_tasks: Iterable[Task], period: Period,
                names: Iterable[str] = ()) -> dict[str, StaffTasks]:
    """Each employee's task figures for ``period`` by normalized name (``names``: the staff
    list, shown first and even with nothing to show; a name written differently in a form
    is counted under the list's spelling)."""
    out: dict[str, StaffTasks] = {normalize_name(n): StaffTasks(n) for n in names if n}
    for t in all_tasks:
        key = normalize_name(t.staff)
        entry = out.setdefault(key, StaffTasks(t.staff))
        if within(period, t.assigned_on):
            entry.assigned += 1
        if t.status == DONE and within(period, t.done_on):
            entry.on_time += t.on_time
            entry.late += t.late
        entry.overdue += t.overdue_on(period.end)
    return out


def overdue_tasks(src: RowSource, today: dt.date) -> list[Task]:
    """The tasks overdue on ``today``, by employee then due date (the digest's list)."""
    return sorted((t for t in tasks(src) if t.overdue_on(today)),
                  key=lambda t: (normalize_name(t.staff), t.due_on or dt.date.min))


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    totals = StaffTasks("")
    for entry in staff_tasks(tasks(src), period).values():
        totals.assigned += entry.assigned
        totals.on_time += entry.on_time
        totals.late += entry.late
        totals.overdue += entry.overdue
    meetings = {r.submission_id for r in src.rows(MEETING)
                if within(period, as_date(r.data.get("meeting_date")))}
    visits = {r.submission_id for r in src.rows(HEAD_VISIT)
              if within(period, as_date(r.data.get("visit_date")))}
    return [
        Figure.keyed("office.tasks_assigned", ASSIGNED, "flow", totals.assigned),
        Figure.keyed("office.tasks_done_on_time", DONE_ON_TIME, "flow", totals.on_time),
        Figure.keyed("office.tasks_done_late", DONE_LATE, "flow", totals.late),
        Figure.keyed("office.tasks_overdue", OVERDUE, "stock", totals.overdue),
        Figure.keyed("office.meetings", MEETINGS, "flow", len(meetings)),
        Figure.keyed("office.inspection_visits", VISITS, "flow", len(visits)),
    ]


def _staff_names(references: object) -> list[str]:
    return list(getattr(references, "staff_names", None) or [])


def summary(ctx: SummaryContext) -> list[Block]:
    start = ctx.calendar.year(ctx.today.year).start
    if start > ctx.today:
        start = ctx.calendar.year(ctx.today.year - 1).start
    period = date_range(start, ctx.today)
    all_tasks = tasks(ctx.src)
    per_staff = staff_tasks(all_tasks, period, _staff_names(ctx.references))
    blocks = [Block(
        f"مهام العاملين من {period.start.isoformat()} حتى {ctx.today.isoformat()}",
        ["الموظف", "المكلف بها", "المنجزة في موعدها", "المنجزة بعد موعدها", "المتأخرة حالياً"],
        with_total([e.row() for e in per_staff.values()]), total=True,
        note="المتأخرة: تجاوز تاريخ استحقاقها ولم تُنجز ولم تُلغَ (تُحسب ولا تُكتب).",
    )]
    late = [t for t in all_tasks if t.overdue_on(ctx.today)]
    blocks.append(Block(
        "المهام المتأخرة",
        ["الموظف", "المهمة", "تاريخ الاستحقاق", "أيام التأخير", "المصدر"],
        [[t.staff, t.task, t.due_on.isoformat() if t.due_on else "", t.days_late(ctx.today),
          t.source] for t in sorted(late, key=lambda t: (normalize_name(t.staff),
                                                          t.due_on or dt.date.min))],
        kinds=["text", "text", "text", "int", "text"],
    ))
    visits: dict[int, list[object]] = {}
    for r in ctx.src.rows(HEAD_VISIT):
        day = as_date(r.data.get("visit_date"))
        if day is None or not within(period, day):
            continue
        hours = r.data.get("official_hours")
        entry = visits.setdefault(r.submission_id, [
            day.isoformat(), text_of(r, "staff"), text_of(r, "workplace"),
            "نعم" if hours is True else "لا" if hours is False else "", 0])
        entry[4] += 1  # type: ignore[operator]
    blocks.append(Block(
        "الزيارات التفقدية", ["تاريخ الزيارة", "الموظف", "مكان العمل", "خلال الدوام الرسمي",
                              "عدد الملاحظات"],
        sorted(visits.values(), key=lambda v: (str(v[0]), str(v[1]))),
        kinds=["text", "text", "text", "text", "int"],
    ))
    return blocks


PROCESS = ProcessDef(
    code="OFFICE",
    forms=(TASKS, MEETING, HEAD_VISIT),
    figures=figures,
    summary=summary,
)
