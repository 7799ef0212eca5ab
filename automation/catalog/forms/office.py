"""The head's office (QP-70-2 §4 and §5/1): the staff list, the follow-up of the tasks
assigned to each employee (TASKS), the department's meeting minutes (MEETING) and the
head's inspection visits (HEAD-VISIT)."""

from __future__ import annotations

from automation.catalog.forms.procedure import PROCESSES
from automation.catalog.forms.vocabulary import RATINGS, dept, f, notes
from automation.catalog.model import FieldSpec, FormSpec, Process, ReferenceList, Rule

TASK_STATUSES = ("جديدة", "قيد التنفيذ", "منجزة", "ملغاة")
"""A task's status; overdue is computed from the due date, never typed."""
DONE, CANCELLED = "منجزة", "ملغاة"
MEETING_KINDS = (
    "اجتماع القسم",
    "اجتماع مع مدير الشؤون التعليمية والفنية",
    "اجتماع مع مدير التربية والتعليم",
)
STAFF = "staff"
"""The reference list of the department's staff (``staff.xlsx``)."""


def staff(key: str, label: str, req: bool = True) -> FieldSpec:
    """A field naming an employee: the staff list is offered, any name is accepted (a name
    not in the list is a warning)."""
    return f(key, label, req=req, choices_from=STAFF)


FORMS: tuple[FormSpec, ...] = (
    dept(
        "TASKS",
        "متابعة مهام العاملين",
        "Staff tasks follow-up",
        "OFFICE",
        rows=(
            f("task", "المهمة", req=True),
            staff("staff", "الموظف"),
            f(
                "process",
                "العملية",
                "choice",
                choices=tuple(p.title_ar for p in PROCESSES if p.code != "PLAN"),
            ),
            f("assigned_on", "تاريخ التكليف", "date", True),
            f("due_on", "تاريخ الاستحقاق", "date", True),
            f("status", "الحالة", "choice", True, choices=TASK_STATUSES),
            f("done_on", "تاريخ الإنجاز", "date"),
            f("source", "المصدر"),
            notes(),
        ),
        rules=(
            Rule("not_before", ("due_on", "assigned_on")),
            Rule("needs", ("done_on",), when="status", values=(DONE,)),
        ),
        record_date="assigned_on",
    ),
    dept(
        "MEETING",
        "محضر اجتماع",
        "Meeting minutes",
        "OFFICE",
        header=(
            f("meeting_date", "تاريخ الاجتماع", "date", True),
            f("kind", "نوع الاجتماع", "choice", True, choices=MEETING_KINDS),
            staff("chair", "رئيس الاجتماع"),
            f("attendees", "الحضور", req=True),
            f("agenda", "جدول الأعمال"),
        ),
        rows=(
            f("decision", "القرار أو التوصية", req=True),
            staff("owner", "المكلف بالتنفيذ"),
            f("due_on", "موعد التنفيذ", "date"),
            notes(),
        ),
        rules=(Rule("not_before", ("due_on", "meeting_date")),),
        identity=("meeting_date", "kind"),
        record_date="meeting_date",
    ),
    dept(
        "HEAD-VISIT",
        "زيارة تفقدية",
        "Inspection visit",
        "OFFICE",
        header=(
            f("visit_date", "تاريخ الزيارة", "date", True),
            staff("staff", "الموظف"),
            f("workplace", "مكان العمل", req=True),
            f("official_hours", "خلال الدوام الرسمي", "yesno", True),
        ),
        rows=(
            f("aspect", "الجانب", req=True),
            f("finding", "الملاحظة", req=True),
            f("rating", "التقدير", "choice", choices=RATINGS),
        ),
        identity=("visit_date", "staff"),
        record_date="visit_date",
    ),
)

REFERENCES: tuple[ReferenceList, ...] = (
    ReferenceList(
        STAFF,
        "staff.xlsx",
        "العاملون في القسم",
        (
            f("name", "الاسم", req=True),
            f("job_title", "المسمى الوظيفي", req=True),
            f("phone", "الهاتف"),
            f("email", "البريد الإلكتروني"),
        ),
    ),
)

PROCESSES: tuple[Process, ...] = (
    Process(
        "OFFICE",
        "متابعة أعمال القسم والعاملين فيه",
        "The head's office: staff tasks, meetings and inspection visits",
        "سجل متابعة مهام العاملين والاجتماعات والزيارات التفقدية",
    ),
)
"""The head's duties of QP-70-2 §4 (planning and following up the department's work, and
the staff's), kept as a register of their own beside P1 … P10."""
