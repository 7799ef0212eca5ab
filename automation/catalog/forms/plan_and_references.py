"""The department's annual plan (QF12-1), whose choices are the processes and their
indicators, and the reference lists staff keep beside the forms (schools, device
types, the approved device specifications, budget, the disposal committee, the
directorate)."""

from __future__ import annotations

from automation.catalog.forms.procedure import INDICATORS, PROCESSES
from automation.catalog.forms.vocabulary import DEVICE_CATEGORIES, QUARTERS_AR, dept, f
from automation.catalog.model import FormSpec, ReferenceList

FORMS: tuple[FormSpec, ...] = (
    dept(
        "QF12-1",
        "الخطة السنوية للقسم",
        "Department annual plan",
        "PLAN",
        retention_ar="سنة واحدة بعد انتهاء سنتها",
        retention_from_year_end=True,
        header=(f("year", "السنة", "year", True),),
        rows=(
            f(
                "process",
                "العملية",
                "choice",
                True,
                choices=tuple(p.title_ar for p in PROCESSES if p.code != "PLAN"),
            ),
            f("goal", "الهدف", req=True),
            f("activity", "النشاط", req=True),
            # free text beside the list: a line may name an indicator the product does not
            # compute, its achieved value then typed by hand in «المنجز (يدوي)»
            f("indicator", "مؤشر الأداء", "text", True, choices=tuple(i for i, _ in INDICATORS)),
            f("target", "المستهدف", "int", True),
            f("manual_achieved", "المنجز (يدوي)", "int"),
            f("quarter", "الربع", "choice", True, choices=QUARTERS_AR),
            f("responsible", "المسؤول", req=True),
        ),
        identity=("year",),
        record_date="year",
    ),
)


REFERENCES: tuple[ReferenceList, ...] = (
    ReferenceList(
        "schools",
        "schools.xlsx",
        "المدارس",
        (
            f("school_no", "الرقم الوطني للمدرسة", req=True),
            f("name", "اسم المدرسة", req=True),
            f("district", "اللواء"),
            f("level", "المرحلة"),
            f("gender", "الجنس"),
            f("fibre_site_code", "رمز موقع الألياف"),
        ),
    ),
    ReferenceList(
        "device_types",
        "device_types.xlsx",
        "أنواع الأجهزة",
        (
            f("name", "نوع الجهاز", req=True),
            f("category", "الفئة", "choice", True, choices=DEVICE_CATEGORIES),
        ),
    ),
    ReferenceList(
        "device_specs",
        "device_specs.xlsx",
        "المواصفات الفنية المعتمدة",
        (
            f("device_type", "نوع الجهاز", req=True),
            f("spec", "المواصفات الفنية", req=True),
            f("approved_on", "تاريخ الاعتماد", "date"),
        ),
    ),
    ReferenceList(
        "budget",
        "budget.xlsx",
        "الموازنة",
        (
            f("year", "السنة", "year", True),
            f("item", "بند الموازنة", req=True),
            f("amount_jod", "المبلغ (دينار)", "jod", True),
        ),
    ),
    ReferenceList(
        "committee",
        "committee.xlsx",
        "لجنة الإتلاف",
        (
            f("role", "الصفة", "choice", True, choices=("رئيس اللجنة", "عضو", "مقرر")),
            f("name", "الاسم", req=True),
            f("title", "الوظيفة"),
        ),
    ),
    ReferenceList(
        "directorate",
        "directorate.xlsx",
        "المديرية",
        (
            f("name", "اسم المديرية"),
            f("head", "رئيس القسم"),
            f("director", "مدير التربية والتعليم"),
            f("address", "العنوان"),
            f("letter_prefix", "رمز الكتب"),
            f("logo", "الشعار"),
        ),
        single_row=True,
    ),
)
