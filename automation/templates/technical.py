"""The printable technical report of a maintenance request (QF75-11): the request,
then each device's fault, diagnosis, corrective action, spare parts and cost."""

from __future__ import annotations

from automation.templates.blocks import each, fields, record_document, record_signatures
from automation.templates.doc import TemplateDoc
from automation.templates.docx_xml import Run


def technical_report() -> TemplateDoc:
    t = record_document("تقرير فني", "تقرير فني عن طلب صيانة", "{{ form_name }} ({{ form_code }})",
                        "بيانات الطلب")
    t.heading("التقرير الفني ({{ device_count }} من الأجهزة)")
    with each(t, "d in devices"):
        t.p(Run("{{ d.n }}. {{ d.title }}", bold=True), before=6, after=2, keep_next=True)
        fields(t, "f in d.fields", size=10)
    t.p(Run("مجموع الكلفة: ", bold=True), "{{ total_cost }} دينار", before=6)
    record_signatures(t)
    return t
