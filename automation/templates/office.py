"""The head's office templates: the minutes of a meeting (محضر اجتماع) and the staff
member's performance evidence for a year (the head fills the ministry's approved
performance record from it). Their contexts are in :mod:`automation.templates.samples`.
"""

from __future__ import annotations

from automation.templates.doc import TemplateDoc
from automation.templates.docx_xml import Col, Run


def meeting_minutes() -> TemplateDoc:
    t = TemplateDoc("محضر اجتماع")
    t.letterhead()
    t.title("محضر اجتماع", "{{ kind }} — {{ meeting_day }}")
    t.heading("بيانات الاجتماع")
    t.table(
        [Col("البيان", "{{ f.label }}", 50), Col("القيمة", "{{ f.value }}", 124)],
        "f in header_fields",
    )
    t.heading("القرارات والتوصيات ({{ decision_count }})")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("القرار أو التوصية", "{{ d.decision }}", 80),
            Col("المكلف بالتنفيذ", "{{ d.owner }}", 40),
            Col("موعد التنفيذ", "{{ d.due }}", 24, "center"),
            Col("ملاحظات", "{{ d.notes }}", 30),
        ],
        "d in decisions",
        size=10,
    )
    t.p(Run("تُتابع القرارات في سجل متابعة مهام العاملين: ", bold=True),
        "كل قرار مهمة للمكلف بتنفيذه، مصدرها هذا المحضر.", size=10, before=4)
    t.heading("التواقيع")
    t.signatures()
    t.p(Run("{{ records }}", color="595959"), size=9, before=6)
    return t


def staff_report() -> TemplateDoc:
    t = TemplateDoc("شواهد أداء الموظف")
    t.letterhead()
    t.title("شواهد الأداء من سجلات القسم", "{{ staff.name }} — عام {{ year }}")
    t.p(
        "تعرض هذه الوثيقة ما تُظهره سجلات القسم من عمل الموظف خلال عام {{ year }}، "
        "ليستعين بها رئيس القسم في تعبئة سجل الأداء المعتمد من الوزارة.",
        size=11,
    )
    t.table(
        [Col("البيان", "{{ f.label }}", 50), Col("القيمة", "{{ f.value }}", 124)],
        "f in identity",
    )
    t.heading("أولاً: المهام المكلف بها")
    t.figures("f in task_figures")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("المهمة", "{{ k.task }}", 60),
            Col("تاريخ التكليف", "{{ k.assigned }}", 22, "center"),
            Col("تاريخ الاستحقاق", "{{ k.due }}", 22, "center"),
            Col("الحالة", "{{ k.state }}", 30, "center"),
            Col("المصدر", "{{ k.source }}", 32),
        ],
        "k in tasks",
        size=9,
    )
    t.heading("ثانياً: الزيارات الميدانية ({{ visit_count }})")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("التاريخ", "{{ v.day }}", 22, "center"),
            Col("النموذج", "{{ v.form }}", 60),
            Col("المكان", "{{ v.place }}", 50),
            Col("الصفة", "{{ v.role }}", 34),
        ],
        "v in visits",
        size=9,
    )
    t.heading("ثالثاً: الأجهزة التي أصلحها فنياً ({{ repair_count }})")
    t.figures("f in repairs")
    t.heading("رابعاً: الاجتماعات التي حضرها ({{ meeting_count }})")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("التاريخ", "{{ m.day }}", 24, "center"),
            Col("نوع الاجتماع", "{{ m.kind }}", 90),
            Col("الصفة", "{{ m.role }}", 40),
        ],
        "m in meetings",
        size=9,
    )
    t.heading("خامساً: ملاحظات الزيارات التفقدية ({{ inspection_count }})")
    t.table(
        [
            Col("م", "{{ loop.index }}", 8, "center"),
            Col("التاريخ", "{{ i.day }}", 22, "center"),
            Col("خلال الدوام", "{{ i.official }}", 18, "center"),
            Col("الجانب", "{{ i.aspect }}", 36),
            Col("الملاحظة", "{{ i.finding }}", 70),
            Col("التقدير", "{{ i.rating }}", 20, "center"),
        ],
        "i in inspections",
        size=9,
    )
    t.head_signature()
    return t
