"""QP-70-2's processes (P1 … P10 and the department's annual plan) and the indicators
the annual plan (QF12-1) measures them by, each with the process that provides it."""

from __future__ import annotations

from automation.catalog.model import Process

PROCESSES = (
    Process(
        "P1",
        "الإشراف الفني على صيانة الأجهزة والشبكات الداخلية",
        "Technical supervision of device and network maintenance",
        "سجل الإجراءات التصحيحية",
    ),
    Process(
        "P2",
        "الإشراف الفني على مشروع الربط والحماية الإلكترونية",
        "E-connectivity & protection project",
        "سجل طلبات الدعم الفني",
    ),
    Process(
        "P3",
        "الإشراف الإداري على مشروع شبكة الألياف الضوئية",
        "Fibre-optic network project",
        "سجل مواقع وأعطال الألياف الضوئية",
    ),
    Process(
        "P4",
        "الإشراف الفني على تنفيذ العطاءات والمشاريع",
        "Tenders and projects",
        "سجل المشاريع والاحتياجات",
    ),
    Process(
        "P5",
        "إتلاف الأجهزة الحاسوبية والمخبرية والعلمية وكتب المكتبات",
        "Disposal of devices and library books",
        "سجل المواد المراد إتلافها وقرارات اللجنة",
    ),
    Process(
        "P6",
        "إدارة أنظمة المعلومات التربوية والمحتوى والتعلم الإلكتروني",
        "Educational information systems",
        "سجل مشكلات الأنظمة وتحديثاتها",
    ),
    Process(
        "P7",
        "متابعة تفعيل وظائف أنظمة المعلومات التربوية",
        "Activation of information-system functions",
        "سجل تفعيل الوظائف ونسب الإنجاز",
    ),
    Process(
        "P8",
        "متابعة المبادرات والمشاريع الإبداعية",
        "Creative initiatives",
        "سجل المبادرات",
    ),
    Process(
        "P9",
        "الأنظمة الإدارية والموقع الإلكتروني والحكومة الإلكترونية",
        "Web pages and e-government",
        "سجل مراجعة الصفحات الإلكترونية",
    ),
    Process(
        "P10",
        "مصادر التعلم: المختبرات والمكتبات والوسائل التعليمية",
        "Learning resources",
        "سجل مصادر التعلم",
    ),
    Process(
        "PLAN",
        "الخطة السنوية للقسم",
        "Department annual plan",
        "سجل الخطة السنوية: المستهدف والمنجز",
    ),
)

INDICATORS = (
    ("عدد الإجراءات التصحيحية المنفذة", "P1"),
    ("عدد طلبات الدعم الفني المنفذة", "P2"),
    ("عدد المواقع الموصولة بالألياف", "P3"),
    ("عدد أعطال الألياف المعالجة", "P3"),
    ("عدد الاحتياجات الموفرة", "P4"),
    ("نسبة تلبية الاحتياجات", "P4"),
    ("عدد المواد المتلفة بقرار", "P5"),
    ("عدد مشكلات الأنظمة المحلولة", "P6"),
    ("متوسط نسبة تفعيل الوظائف", "P7"),
    ("عدد المبادرات الفعالة", "P8"),
    ("متوسط نسبة تحقق معايير الصفحات", "P9"),
    ("عدد الزيارات الميدانية المنفذة", "P10"),
    ("عدد المعارض العلمية المنفذة", "P10"),
)
"""The indicators of the plan's dropdown (FORMS.md). A line may also name, typed by hand,
an indicator a process computes beyond these: «نسبة المدارس الملتزمة بإرسال التقارير في
موعدها» (P10, issue 25: :mod:`automation.processes.collection`)."""
