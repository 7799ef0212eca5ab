"""The Word template of the notice voiding an approved disposal committee decision (issue 24):
numbered in the outgoing register, naming the decision's number, date and the reason. Staff
may edit it like the other templates (``templates_docx/``); the sample gives every variable.
"""

from __future__ import annotations

from typing import Any

from automation.templates.doc import TemplateDoc
from automation.templates.docx_xml import NOTE_COLOR, Run, layout_table_xml


def void_notice() -> TemplateDoc:
    """To the sources of the decision's items: the decision is void, why, and what follows."""
    t = TemplateDoc("إشعار إلغاء قرار")
    t.letterhead(("الرقم: {{ number }}", "التاريخ: {{ date }}", "رمز الوثيقة: {{ doc_code }}"))
    t.title("إشعار إلغاء قرار لجنة الإتلاف",
            "إلغاء القرار رقم {{ decision_number }} الصادر بتاريخ {{ decision_date }}")
    t.p(Run("إلى: {{ to }}", bold=True), before=6)
    t.p("تحية طيبة وبعد،", after=6)
    t.p(Run("الموضوع: إلغاء قرار لجنة الإتلاف رقم {{ decision_number }}", bold=True), after=6)
    t.p(
        "نُشعركم بإلغاء قرار لجنة الإتلاف المشكلة في {{ directorate.name }} رقم "
        "{{ decision_number }} الصادر بتاريخ {{ decision_date }}، والمتضمن إتلاف "
        "{{ item_count }} بنداً بكمية إجمالية مقدارها {{ total_quantity }} من المواد الواردة "
        "من {{ source_text }}.", after=4)
    t.p(Run("سبب الإلغاء: {{ reason }}", bold=True), after=4)
    t.p(
        "وعليه يُعدّ القرار المذكور ملغى اعتباراً من {{ date }}، ولا تُتلف المواد المدرجة في "
        "كشفه ولا تُشطب من سجلات اللوازم والعهد استناداً إليه، وتعود هذه المواد إلى كشوف "
        "المواد المراد إتلافها بانتظار قرار جديد للجنة. ويبقى رقم القرار في سجل الصادر مؤشراً "
        "عليه بالإلغاء، ولا يُعطى لقرار آخر.", after=4)
    t.p(Run("يُرفق بهذا الإشعار القرار الملغى مؤشراً عليه «ملغى».", size=9, color=NOTE_COLOR),
        after=4)
    t.p("وتفضلوا بقبول فائق الاحترام،", before=6)
    t.p("", after=6)
    t.add(
        layout_table_xml(
            [[Run("رئيس القسم", bold=True), "{{ directorate.head }}",
              "التوقيع: ..............................."],
             [Run("يعتمد،", bold=True), Run("مدير التربية والتعليم", bold=True),
              "{{ directorate.director }}", "التوقيع: ..............................."]],
            (87.0, 87.0),
            align=("start", "center"),
        )
    )
    t.p("نسخة / الملف — نسخة / قسم اللوازم", size=9, before=10)
    return t


def sample_void_notice(image: Any = "") -> dict[str, Any]:
    from automation.templates.samples import common

    return common("QP-70-2 / P5", "إشعار إلغاء قرار", image) | {
        "number": "ت ت/2026/7", "to": "مدرسة الأمل، مستودع المديرية",
        "decision_number": "ت ت/2026/3", "decision_date": "2/4/2026",
        "reason": "أُدرجت في الكشف مواد ما زالت صالحة للاستعمال",
        "source_text": "مدرسة الأمل، مستودع المديرية", "item_count": 4, "total_quantity": 34}
