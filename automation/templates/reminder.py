"""The Word templates of the reminder letters (issue 25, who has not sent): one to a
school listing every form it owes, and one circular listing the schools. Staff may edit
them like the other templates (``templates_docx/``); the samples give every variable."""

from __future__ import annotations

from typing import Any

from automation.templates.blocks import C, numbered
from automation.templates.doc import TemplateDoc
from automation.templates.docx_xml import NOTE_COLOR, Run

_INTRO = ("إشارة إلى تعليمات متابعة النماذج الواجب إرسالها إلى {{ department }} وفق إجراء "
          "إدارة مصادر التعلم (QP-70-2)، نلفت انتباهكم إلى أن النماذج المبينة أدناه لم ترد "
          "إلى القسم حتى تاريخه، أو وردت وأعيدت إليكم للتصحيح ولم ترد نسختها المصححة.")
_ASK = ("راجين التكرم بإرسالها خلال أسبوع من تاريخه، علماً بأن مواعيد الإرسال محددة: "
        "التقارير الشهرية حتى اليوم الخامس من الشهر التالي، والنماذج السنوية حتى نهاية "
        "شهر أيلول من العام الدراسي.")


def _opening(title: str, to: str) -> TemplateDoc:
    t = TemplateDoc(title)
    t.letterhead(("الرقم: {{ number }}", "التاريخ: {{ date }}", "رمز الوثيقة: {{ doc_code }}"))
    t.p(Run(to, bold=True), before=6)
    t.p("تحية طيبة وبعد،", after=6)
    t.p(Run("الموضوع: {{ letter_subject }}", bold=True), after=6)
    t.p(_INTRO, after=4)
    return t


def _closing(t: TemplateDoc) -> None:
    t.p(_ASK, before=6, after=4)
    t.p(Run("{{ note }}", size=9, color=NOTE_COLOR), after=4)
    t.p("وتفضلوا بقبول فائق الاحترام،", before=6)
    t.head_signature()
    t.p("نسخة / الملف", size=9, before=10)


def letter_reminder() -> TemplateDoc:
    """To one school: every form it owes, each with its period, due day and reminder."""
    t = _opening("كتاب تذكير", "حضرة {{ to }} المحترم/ة")
    numbered(t, "e in items", ("النموذج", "form", 62), ("الفترة", "period", 22, C),
             ("تاريخ الاستحقاق", "due", 24, C), ("أيام التأخير", "days", 18, C),
             ("الحالة", "state", 34), ("التذكير", "ordinal", 20, C))
    _closing(t)
    return t


def letter_reminder_circular() -> TemplateDoc:
    """To every school that owes: one table of the schools and what each owes."""
    t = _opening("تعميم تذكير", "{{ to }}")
    numbered(t, "e in items", ("المدرسة", "school", 48), ("النموذج", "form", 44),
             ("الفترة", "period", 20, C), ("أيام التأخير", "days", 16, C),
             ("الحالة", "state", 28), ("التذكير", "ordinal", 18, C))
    _closing(t)
    return t


def _item(school: str = "") -> dict[str, Any]:
    return {"school": school, "form": "QF70-2-3 نموذج التقرير الشهري للمكتبة المدرسية",
            "period": "11/2026", "due": "5/12/2026", "days": 3, "state": "لم يرد",
            "ordinal": "تذكير ثانٍ"}


def sample_letter_reminder(image: Any = "") -> dict[str, Any]:
    from automation.templates.samples import common

    return common("QP-70-2 / P10", "كتاب تذكير", image) | {
        "number": "ت ت/2026/40", "to": "مدير/ة مدرسة الأمل",
        "letter_subject": "تذكير ثانٍ بإرسال النماذج المطلوبة",
        "items": [_item()], "note": "هذا هو التذكير الثاني بالنموذج نفسه عن الفترة نفسها."}


def sample_letter_reminder_circular(image: Any = "") -> dict[str, Any]:
    from automation.templates.samples import common

    return common("QP-70-2 / P10", "تعميم تذكير", image) | {
        "number": "ت ت/2026/41", "to": "حضرات مديري ومديرات المدارس المعنية المحترمين",
        "letter_subject": "تذكير بإرسال النماذج المطلوبة",
        "items": [_item("مدرسة الأمل"), _item("مدرسة النور")], "note": ""}
