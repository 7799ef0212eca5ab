"""The demo year's head's office: the staff tasks follow-up (one running list, sent again
each month with the statuses as they stand), two meetings whose decisions become tasks,
and inspection visits. Drawn with a random generator of its own, so the other forms of
the demo year are the same with or without them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from automation.catalog.forms import PROCESSES
from automation.catalog.forms.office import MEETING_KINDS
from automation.catalog.forms.vocabulary import RATINGS
from automation.demo.forms import DepartmentForms, _words

_TASKS = _words("جرد أجهزة المختبرات، إعداد تقرير الصيانة الشهري، تحديث قائمة المدارس، "
                "متابعة طلبات الدعم الفني، مراجعة صفحات المدارس الإلكترونية، "
                "إعداد خطة التدريب على المنصة، متابعة تفعيل الوظائف، حصر الأجهزة التالفة، "
                "متابعة توريد الحواسيب، إعداد كشف المبادرات، تحديث سجل المكتبات")
_DECISIONS = (
    ("تعميم جدول زيارات المختبرات على المدارس", "متابعة تنفيذ الجدول"),
    ("حصر احتياجات المدارس من الأجهزة", "قبل إعداد موازنة العام القادم"),
    ("تدريب منسقي الأنظمة في المدارس", "بالتنسيق مع مركز الملكة رانيا"),
)
_ASPECTS = (("الانضباط والالتزام بالدوام", "ملتزم بمواعيد الدوام الرسمي"),
            ("تنظيم السجلات", "السجلات محدثة ومنظمة"),
            ("متابعة المهام المكلف بها", "ينجز أغلب المهام في مواعيدها"))
_CANCELLED, _DONE, _DOING, _NEW = "ملغاة", "منجزة", "قيد التنفيذ", "جديدة"


@dataclass
class _Task:
    task: str
    staff: str
    process: str | None
    assigned: dt.date
    due: dt.date
    done: dt.date | None
    cancelled: bool
    source: str | None = None

    def row(self, day: dt.date) -> dict[str, object]:
        """The row as the list stands on ``day``."""
        if self.cancelled and day >= self.due:
            status, done = _CANCELLED, None
        elif self.done is not None and self.done <= day:
            status, done = _DONE, self.done
        else:
            status, done = (_DOING if day > self.assigned + dt.timedelta(days=3) else _NEW), None
        return {"task": self.task, "staff": self.staff, "process": self.process,
                "assigned_on": self.assigned, "due_on": self.due, "status": status,
                "done_on": done, "source": self.source}


def plan_office(planner: DepartmentForms, seed: int) -> None:
    """Add the head's office's files of the year to ``planner``."""
    rng = random.Random(seed * 1000 + 150)
    staff = [s.name for s in planner.refs.staff] or ["رئيس القسم", "موظف القسم"]
    head, team = staff[0], staff[1:] or staff
    titles = [p.title_ar for p in PROCESSES if p.code.startswith("P") and p.code != "PLAN"]
    year = planner.year

    def workday(d: dt.date) -> dt.date:
        return planner.workday(d)

    tasks: list[_Task] = []
    for month in range(1, 13):
        for _ in range(rng.randint(2, 4) if month not in (7, 8) else 1):
            assigned = workday(dt.date(year, month, rng.randint(1, 20)))
            due = workday(assigned + dt.timedelta(days=rng.randint(7, 30)))
            fate = rng.random()
            done = (workday(assigned + dt.timedelta(days=rng.randint(2, 40)))
                    if fate < 0.8 else None)
            tasks.append(_Task(rng.choice(_TASKS), rng.choice(team), rng.choice(titles),
                               assigned, due, done, 0.8 <= fate < 0.85))
    meetings = ((dt.date(year, 2, 10), MEETING_KINDS[0]), (dt.date(year, 9, 14), MEETING_KINDS[2]))
    for n, (day, kind) in enumerate(meetings, 1):
        day = workday(day)
        attendees = [head, *rng.sample(team, min(len(team), 3))]
        rows = []
        for decision, note in _DECISIONS:
            owner = rng.choice(team)
            due = workday(day + dt.timedelta(days=rng.randint(14, 45)))
            rows.append({"decision": decision, "owner": owner, "due_on": due, "notes": note})
            if n == 1:  # the first meeting's decisions are followed up in the list
                done = workday(due - dt.timedelta(days=rng.randint(-5, 5)))
                tasks.append(_Task(decision, owner, None, day, due, done, False,
                                   f"محضر اجتماع {day.isoformat()}"))
        planner.add("MEETING", workday(day + dt.timedelta(days=1)),
                    f"محضر اجتماع {day:%d-%m-%Y}",
                    {"meeting_date": day, "kind": kind, "chair": head,
                     "attendees": "، ".join(attendees),
                     "agenda": "متابعة خطة القسم وتوزيع المهام"}, rows, protected=True)
    list_id = planner.new_id()
    for month in range(1, 13):
        drop = workday(dt.date(year, month, 27))
        rows = [t.row(drop) for t in sorted(tasks, key=lambda t: t.assigned)
                if t.assigned <= drop]
        if rows:
            planner.add("TASKS", drop, f"متابعة مهام العاملين {month:02d}-{year}", {}, rows,
                        workbook_id=list_id, protected=True)
    for day, who in ((dt.date(year, 3, 9), team[0]), (dt.date(year, 10, 12), team[-1])):
        day = workday(day)
        rows = [{"aspect": aspect, "finding": finding, "rating": rng.choice(RATINGS[:3])}
                for aspect, finding in _ASPECTS]
        planner.add("HEAD-VISIT", workday(day + dt.timedelta(days=1)),
                    f"زيارة تفقدية {day:%d-%m-%Y}",
                    {"visit_date": day, "staff": who, "workplace": "مكتب القسم",
                     "official_hours": "نعم"}, rows, protected=True)
