"""The templates' shared blocks: the cell of a column names the loop item's field unless it
holds a tag or runs; a numbered table starts with «م». (That every template built from the
blocks is byte-for-byte the shipped one is test_documents_templates.)"""

from __future__ import annotations

from automation.templates.blocks import C, columns, numbered
from automation.templates.doc import TemplateDoc
from automation.templates.docx_xml import Col, Run


def test_a_plain_cell_is_the_items_field_and_a_tag_or_runs_stay() -> None:
    runs = [Run("{{ o.note }}", bold=True)]
    assert columns("o in overdue", [
        ("الموعد", "due", 20, C),
        ("العدد", "counts[2]", 10),
        ("المدارس", "{{ o.done }} من {{ o.all }}", 30),
        ("ملاحظات", runs, 40),
    ]) == [
        Col("الموعد", "{{ o.due }}", 20, "center"),
        Col("العدد", "{{ o.counts[2] }}", 10, "start"),
        Col("المدارس", "{{ o.done }} من {{ o.all }}", 30, "start"),
        Col("ملاحظات", runs, 40, "start"),
    ]


def test_a_numbered_table_counts_its_rows_in_the_first_column() -> None:
    t = TemplateDoc("x")
    numbered(t, "w in waiting", ("الملف", "name", 110), ("الحجم", "size", 26, C))
    xml = t.body.xml
    number, name, size = (xml.index(text) for text in (
        "{{ loop.index }}", "{{ w.name }}", "{{ w.size }}"))
    assert number < name < size
    assert xml.index(">م<") < xml.index(">الملف<")
    assert "{%tr for w in waiting %}" in xml
