"""The head's office templates: the minutes of a meeting (محضر اجتماع) and the staff
member's performance evidence for a year (the head fills the ministry's approved
performance record from it). Their contexts are in :mod:`automation.templates.samples`.
"""

from __future__ import annotations

from automation.templates.blocks import (
    C,
    fields,
    numbered,
    record_document,
    record_signatures,
    titled,
)
from automation.templates.doc import TemplateDoc
from automation.templates.docx_xml import Run


def meeting_minutes() -> TemplateDoc:
    t = record_document("محضر اجتماع", "محضر اجتماع", "{{ kind }} — {{ meeting_day }}",
                        "بيانات الاجتماع")
    t.heading("القرارات والتوصيات ({{ decision_count }})")
    numbered(
        t, "d in decisions",
        ("القرار أو التوصية", "decision", 80), ("المكلف بالتنفيذ", "owner", 40),
        ("موعد التنفيذ", "due", 24, C), ("ملاحظات", "notes", 30),
        size=10,
    )
    t.p(Run("تُتابع القرارات في سجل متابعة مهام العاملين: ", bold=True),
        "كل قرار مهمة للمكلف بتنفيذه، مصدرها هذا المحضر.", size=10, before=4)
    record_signatures(t)
    return t


def staff_report() -> TemplateDoc:
    t = titled("شواهد أداء الموظف", "شواهد الأداء من سجلات القسم",
               "{{ staff.name }} — عام {{ year }}")
    t.p(
        "تعرض هذه الوثيقة ما تُظهره سجلات القسم من عمل الموظف خلال عام {{ year }}، "
        "ليستعين بها رئيس القسم في تعبئة سجل الأداء المعتمد من الوزارة.",
        size=11,
    )
    fields(t, "f in identity")
    t.heading("أولاً: المهام المكلف بها")
    t.figures("f in task_figures")
    numbered(
        t, "k in tasks",
        ("المهمة", "task", 60), ("تاريخ التكليف", "assigned", 22, C),
        ("تاريخ الاستحقاق", "due", 22, C), ("الحالة", "state", 30, C), ("المصدر", "source", 32),
    )
    t.heading("ثانياً: الزيارات الميدانية ({{ visit_count }})")
    numbered(
        t, "v in visits",
        ("التاريخ", "day", 22, C), ("النموذج", "form", 60), ("المكان", "place", 50),
        ("الصفة", "role", 34),
    )
    t.heading("ثالثاً: الأجهزة التي أصلحها فنياً ({{ repair_count }})")
    t.figures("f in repairs")
    t.heading("رابعاً: الاجتماعات التي حضرها ({{ meeting_count }})")
    numbered(
        t, "m in meetings",
        ("التاريخ", "day", 24, C), ("نوع الاجتماع", "kind", 90), ("الصفة", "role", 40),
    )
    t.heading("خامساً: ملاحظات الزيارات التفقدية ({{ inspection_count }})")
    numbered(
        t, "i in inspections",
        ("التاريخ", "day", 22, C), ("خلال الدوام", "official", 18, C), ("الجانب", "aspect", 36),
        ("الملاحظة", "finding", 70), ("التقدير", "rating", 20, C),
    )
    t.head_signature()
    return t
