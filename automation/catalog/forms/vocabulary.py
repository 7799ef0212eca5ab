"""The words the forms share: choices several forms offer, and the helpers every
declaration is written with (:func:`f` a field, :func:`dept` a form kept at the
department, :func:`school` the school header field …)."""

from __future__ import annotations

from automation.catalog.model import FieldSpec, FormSpec

CHANNELS = ("كتاب رسمي", "بريد إلكتروني", "هاتف", "زيارة ميدانية", "نظام الدعم الفني")
LOCATIONS = (
    "مختبر حاسوب",
    "مختبر علوم",
    "مكتبة",
    "غرفة متعددة الأغراض",
    "الإدارة",
    "غرفة صفية",
    "غرفة الخوادم والشبكة",
)
MAINTENANCE_STATUS = ("قيد المعالجة", "تم الإصلاح", "بانتظار قطع غيار", "غير قابل للإصلاح")
REPAIRED = "تم الإصلاح"
UNREPAIRABLE = "غير قابل للإصلاح"
RATINGS = ("ممتاز", "جيد جداً", "جيد", "مقبول", "ضعيف")
LABS = ("فيزياء", "كيمياء", "أحياء", "علوم عامة", "حاسوب")
SYSTEMS = (
    "OpenEMIS",
    "منصة التعلم الإلكتروني",
    "المحتوى الإلكتروني",
    "البريد الإلكتروني الرسمي",
    "أخرى",
)
DEVICE_CATEGORIES = ("حاسوب وملحقاته", "شبكات", "جهاز مخبري", "جهاز علمي", "وسيلة تعليمية")
DISPOSAL_CATEGORIES = ("حاسوب وملحقاته", "جهاز مخبري", "جهاز علمي", "كتب مكتبة")
BOOKS = "كتب مكتبة"
SCHOOL_MONTHS = (
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
)
QUARTERS_AR = ("الأول", "الثاني", "الثالث", "الرابع", "طوال العام")
DIRECTORATE = "المديرية"

ONE_YEAR = "سنة واحدة"


def f(key: str, label: str, type_: str = "text", req: bool = False, **kw: object) -> FieldSpec:
    """Declare a field; ``type_`` is one of FORMS.md's types."""
    return FieldSpec(key=key, label=label, type=type_, required=req, **kw)  # type: ignore[arg-type]


def school(label: str = "المدرسة", **kw: object) -> FieldSpec:
    return f("school", label, "school", True, **kw)


def device_type(label: str = "نوع الجهاز") -> FieldSpec:
    return f("device_type", label, "choice", True, choices_from="device_types")


def notes(key: str = "notes", label: str = "ملاحظات") -> FieldSpec:
    return f(key, label)


def rating() -> FieldSpec:
    return f("rating", "التقدير", "choice", True, choices=RATINGS)


def dept(
    code: str,
    name_ar: str,
    name_en: str,
    process: str,
    *,
    kept_at: str = "department",
    retention_years: int | None = 1,
    retention_ar: str = ONE_YEAR,
    **kw: object,
) -> FormSpec:
    return FormSpec(
        code=code,
        name_ar=name_ar,
        name_en=name_en,
        process=process,
        kept_at=kept_at,  # type: ignore[arg-type]
        retention_years=retention_years,
        retention_ar=retention_ar,
        **kw,  # type: ignore[arg-type]
    )
