"""The printable technical report of a maintenance request (QF75-11): the request,
then each device's fault, diagnosis, corrective action, spare parts and cost."""

from __future__ import annotations

from automation.templates.doc import TemplateDoc
from automation.templates.docx_xml import Col, Run


def technical_report() -> TemplateDoc:
    t = TemplateDoc("تقرير فني")
    t.letterhead()
    t.title("تقرير فني عن طلب صيانة", "{{ form_name }} ({{ form_code }})")
    t.heading("بيانات الطلب")
    t.table(
        [Col("البيان", "{{ f.label }}", 50), Col("القيمة", "{{ f.value }}", 124)],
        "f in header_fields",
    )
    t.heading("التقرير الفني ({{ device_count }} من الأجهزة)")
    t.tag("{%p for d in devices %}")
    t.p(Run("{{ d.n }}. {{ d.title }}", bold=True), before=6, after=2, keep_next=True)
    t.table(
        [Col("البيان", "{{ f.label }}", 50), Col("القيمة", "{{ f.value }}", 124)],
        "f in d.fields",
        size=10,
    )
    t.tag("{%p endfor %}")
    t.p(Run("مجموع الكلفة: ", bold=True), "{{ total_cost }} دينار", before=6)
    t.heading("التواقيع")
    t.signatures()
    t.p(Run("{{ records }}", color="595959"), size=9, before=6)
    return t
