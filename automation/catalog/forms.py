"""Every form of FORMS.md, declared once, as data.

The Arabic labels are a contract: staff see them, a workbook without the
product's metadata is recognised by them, and error messages name them. A test
checks them against ``docs/FORMS.md`` letter for letter.
"""

from __future__ import annotations

from automation.catalog.model import Catalog, FieldSpec, FormSpec, Process, ReferenceList, Rule

# -- shared vocabularies -------------------------------------------------------

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
)

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


FORMS: tuple[FormSpec, ...] = (
    # -- P1 ---------------------------------------------------------------------
    dept(
        "QF75-11",
        "نموذج طلب صيانة (أجهزة، شبكة) تقرير فني",
        "Maintenance request (devices, network) / technical report",
        "P1",
        header=(
            school(),
            f("request_date", "تاريخ الطلب", "date", True),
            f("channel", "طريقة الطلب", "choice", True, choices=CHANNELS),
            f("reference", "رقم الكتاب أو المرجع"),
        ),
        rows=(
            device_type(),
            f("asset_no", "الرقم المتسلسل أو رقم اللوازم"),
            f("location", "الموقع", "choice", True, choices=LOCATIONS),
            f("fault", "وصف العطل", req=True),
            f("diagnosis", "التشخيص الفني"),
            f("action", "الإجراء التصحيحي"),
            f("spare_parts", "قطع الغيار المستخدمة"),
            f("cost_jod", "الكلفة (دينار)", "jod"),
            f("technician", "الفني المنفذ"),
            f("status", "الحالة", "choice", True, choices=MAINTENANCE_STATUS),
            f("done_date", "تاريخ الإنجاز", "date"),
        ),
        rules=(
            Rule("not_before", ("done_date", "request_date")),
            Rule("needs", ("done_date", "action"), when="status", values=(REPAIRED, UNREPAIRABLE)),
        ),
        identity=("school", "request_date", "reference"),
        record_date="request_date",
    ),
    dept(
        "QF70-2-7",
        "طلب صيانة الأجهزة التعليمية",
        "Educational devices maintenance request",
        "P1",
        header=(
            school(),
            f("request_date", "تاريخ الطلب", "date", True),
            f("requested_by", "مقدم الطلب", req=True),
        ),
        rows=(
            device_type(),
            f("asset_no", "الرقم المتسلسل"),
            f("quantity", "العدد", "int", True, minimum=1),
            f("fault", "وصف العطل", req=True),
            f("priority", "الأولوية", "choice", True, choices=("عاجل", "عادي")),
        ),
        identity=("school", "request_date"),
        record_date="request_date",
    ),
    # -- P2 ---------------------------------------------------------------------
    dept(
        "HD-EXPORT",
        "طلبات نظام الدعم الفني",
        "Help Desk requests",
        "P2",
        rows=(
            f("ticket_no", "رقم الطلب", req=True, unique=True),
            school(),
            f("opened", "تاريخ الفتح", "date", True),
            f("closed", "تاريخ الإغلاق", "date"),
            f(
                "category",
                "التصنيف",
                "choice",
                True,
                choices=("شبكة", "حماية", "أجهزة", "بريد إلكتروني", "أخرى"),
            ),
            f("status", "الحالة", "choice", True, choices=("مفتوح", "منفذ", "ملغى")),
        ),
        rules=(
            Rule("not_before", ("closed", "opened")),
            Rule("needs", ("closed",), when="status", values=("منفذ",)),
        ),
        unique_key="ticket_no",
        record_date="opened",
    ),
    # -- P3 ---------------------------------------------------------------------
    dept(
        "FO-SITES",
        "مواقع شبكة الألياف الضوئية",
        "Fibre network sites",
        "P3",
        retention_years=None,
        retention_ar="دائم طوال مدة المشروع",
        rows=(
            f("site_code", "رمز الموقع", req=True, unique=True),
            f("site_name", "اسم الموقع", req=True),
            f("site_type", "نوع الموقع", "choice", True, choices=("مدرسة", "مديرية", "أخرى")),
            f("connected", "موصول", "yesno", True),
            f("connected_on", "تاريخ الربط", "date"),
            f("bandwidth_mbps", "السرعة (ميغابت)", "int"),
            notes(),
        ),
        unique_key="site_code",
        record_date="connected_on",
    ),
    dept(
        "FO-FAULTS",
        "قائمة الأعطال",
        "Fibre faults handled",
        "P3",
        rows=(
            f("site_code", "رمز الموقع", req=True),
            f("reported", "تاريخ الإبلاغ", "date", True),
            f("fault", "العطل", req=True),
            f("handled_by", "الجهة المعالجة", req=True),
            f("resolved", "تاريخ المعالجة", "date"),
            f("status", "الحالة", "choice", True, choices=("مفتوح", "تمت المعالجة")),
        ),
        rules=(
            Rule("exists_in", ("site_code",), ref_form="FO-SITES", ref_field="site_code"),
            Rule("not_before", ("resolved", "reported")),
            Rule("needs", ("resolved",), when="status", values=("تمت المعالجة",)),
        ),
        record_date="reported",
    ),
    dept(
        "QF75-13",
        "تقرير زيارة ميدانية",
        "Field visit report",
        "P3",
        header=(
            f("site", "الموقع / المدرسة", req=True),
            f("visit_date", "تاريخ الزيارة", "date", True),
            f(
                "purpose",
                "الغرض",
                "choice",
                True,
                choices=(
                    "شبكة الألياف الضوئية",
                    "العطاءات والمشاريع",
                    "الصيانة",
                    "الأنظمة التربوية",
                    "موارد التعلم",
                    "أخرى",
                ),
            ),
            f("visitors", "أسماء الزائرين", req=True),
        ),
        rows=(
            f("item", "البند", req=True),
            f("finding", "الملاحظة", req=True),
            f("recommendation", "التوصية"),
            f("responsible", "الجهة المسؤولة"),
            f("due_date", "موعد التنفيذ", "date"),
        ),
        identity=("site", "visit_date"),
        record_date="visit_date",
    ),
    # -- P4 ---------------------------------------------------------------------
    dept(
        "QF70-2-12",
        "قائمة الأجهزة الزائدة/الناقصة",
        "Surplus/shortage devices list",
        "P4",
        header=(school(), f("date", "التاريخ", "date", True)),
        rows=(
            device_type(),
            f("required", "العدد المطلوب", "int", True),
            f("available", "العدد المتوفر", "int", True),
            f("working", "العدد الصالح", "int", True),
            notes(),
        ),
        rules=(Rule("not_more", ("working", "available")),),
        identity=("school", "date"),
        record_date="date",
    ),
    dept(
        "PRJ",
        "المشاريع والعطاءات",
        "Projects and tenders",
        "P4",
        rows=(
            f("tender_no", "رقم العطاء", req=True),
            f("title", "اسم المشروع", req=True),
            f("supplier", "المورد"),
            school(),
            device_type("نوع الجهاز أو البند"),
            f("quantity", "الكمية", "int", True, minimum=1),
            f("committee", "لجنة الاستلام"),
            f("received_on", "تاريخ الاستلام", "date"),
            f("status", "الحالة", "choice", True, choices=("قيد التنفيذ", "تم الاستلام", "ملغى")),
        ),
        rules=(Rule("needs", ("received_on",), when="status", values=("تم الاستلام",)),),
        record_date="received_on",
    ),
    # -- P5 ---------------------------------------------------------------------
    dept(
        "DISPOSAL",
        "كشف بالمواد المراد إتلافها",
        "Items to dispose",
        "P5",
        header=(
            f("source", "الجهة", req=True),
            f("date", "التاريخ", "date", True),
            f("correspondence_ref", "رقم الكتاب"),
        ),
        rows=(
            f("category", "الفئة", "choice", True, choices=DISPOSAL_CATEGORIES),
            f("description", "الوصف", req=True),
            f("asset_no", "رقم اللوازم أو الرقم المتسلسل أو ردمك"),
            f("quantity", "الكمية", "int", True, minimum=1),
            f("reason", "سبب الإتلاف", req=True),
            f("maintenance_ref", "رقم تقرير الصيانة"),
        ),
        rules=(
            Rule(
                "cites_unrepairable",
                ("maintenance_ref",),
                when="category",
                values=(BOOKS,),
                ref_form="QF75-11",
                ref_field="reference",
            ),
        ),
        identity=("source", "date"),
        record_date="date",
    ),
    # -- P6, P7 -------------------------------------------------------------------
    dept(
        "EMIS-ISSUES",
        "سجل مشكلات الأنظمة التربوية",
        "System problems log",
        "P6",
        rows=(
            f("date", "التاريخ", "date", True),
            school(extra_choices=(DIRECTORATE,)),
            f("system", "النظام", "choice", True, choices=SYSTEMS),
            f("user_level", "مستوى المستخدم", "choice", True, choices=("مدرسة", "مديرية")),
            f("problem", "المشكلة", req=True),
            f("action", "الإجراء"),
            f(
                "status",
                "الحالة",
                "choice",
                True,
                choices=("محلولة", "قيد المعالجة", "محولة إلى مركز الملكة رانيا"),
            ),
            f("resolved_on", "تاريخ الحل", "date"),
        ),
        rules=(
            Rule("not_before", ("resolved_on", "date")),
            Rule("needs", ("resolved_on",), when="status", values=("محلولة",)),
        ),
        record_date="date",
    ),
    dept(
        "EMIS-UPDATES",
        "سجل تحديثات الأنظمة",
        "System updates log",
        "P6",
        rows=(
            f("date", "التاريخ", "date", True),
            f("system", "النظام", req=True),
            f("update", "التحديث", req=True),
            f("source", "الجهة"),
            notes(),
        ),
        record_date="date",
    ),
    dept(
        "EMIS-ACTIVATION",
        "متابعة تفعيل وظائف الأنظمة",
        "Function activation follow-up",
        "P7",
        header=(
            school(),
            f("visit_date", "تاريخ الزيارة", "date", True),
            f("visitor", "الزائر", req=True),
        ),
        rows=(
            f("function", "الوظيفة", req=True),
            f("activated", "مفعلة", "yesno", True),
            f("completion", "نسبة الإنجاز", "pct", True),
            notes(),
        ),
        identity=("school", "visit_date"),
        record_date="visit_date",
    ),
    # -- P8 ---------------------------------------------------------------------
    dept(
        "INITIATIVES",
        "سجل المبادرات والمشاريع الإبداعية",
        "Initiatives register",
        "P8",
        rows=(
            f("initiative", "المبادرة", req=True),
            school(),
            f("start_date", "تاريخ البدء", "date", True),
            f("status", "الحالة", "choice", True, choices=("فعالة", "متوقفة", "منتهية")),
            f("participants", "عدد المشاركين", "int"),
            notes(),
        ),
        record_date="start_date",
    ),
    # -- P9 ---------------------------------------------------------------------
    dept(
        "WEB-REVIEW",
        "مراجعة الصفحة الإلكترونية",
        "Web page review",
        "P9",
        header=(
            f("page", "الصفحة", req=True),
            f("review_date", "تاريخ المراجعة", "date", True),
            f("last_news_date", "تاريخ آخر خبر منشور", "date"),
        ),
        rows=(
            f("criterion", "المعيار", req=True),
            f("met", "متحقق", "yesno", True),
            notes(),
        ),
        identity=("page", "review_date"),
        record_date="review_date",
    ),
    # -- P10 --------------------------------------------------------------------
    dept(
        "QF70-2-1",
        "برنامج الزيارات الميدانية",
        "Field visits programme",
        "P10",
        rows=(
            f("planned_date", "التاريخ المخطط", "date", True),
            school(),
            f("purpose", "الغرض", req=True),
            f("visitor", "الزائر", req=True),
            f(
                "status",
                "الحالة",
                "choice",
                True,
                choices=("مخططة", "منفذة", "مؤجلة", "ملغاة"),
            ),
            f("actual_date", "تاريخ التنفيذ", "date"),
        ),
        rules=(Rule("needs", ("actual_date",), when="status", values=("منفذة",)),),
        record_date="planned_date",
    ),
    dept(
        "QF70-2-3",
        "نموذج التقرير الشهري للمكتبة المدرسية",
        "School library monthly report",
        "P10",
        header=(
            school(),
            f("month", "الشهر", "month", True),
            f("librarian", "أمين المكتبة", req=True),
            f("books_total", "عدد الكتب الكلي", "int", True),
            f("books_new", "عدد الكتب الجديدة", "int"),
            f("loans_students", "إعارات الطلبة", "int", True),
            f("loans_teachers", "إعارات المعلمين", "int"),
            f("visits", "عدد الزيارات", "int", True),
            f("library_lessons", "الحصص المكتبية", "int"),
            f("activities", "الأنشطة"),
            f("needs", "الاحتياجات"),
        ),
        rules=(Rule("not_more", ("books_new", "books_total")),),
        identity=("school", "month"),
        record_date="month",
    ),
    dept(
        "QF70-2-8",
        "سجل استعارة الأشرطة التعليمية",
        "Educational tapes (media) lending register",
        "P10",
        retention_years=None,
        retention_ar="دائم",
        rows=(
            f("title", "عنوان الشريط أو الوسيلة", req=True),
            f(
                "media_type",
                "النوع",
                "choice",
                True,
                choices=("شريط فيديو", "شريط صوتي", "قرص مدمج", "وسيط رقمي"),
            ),
            f("borrower", "المستعير", req=True),
            f("school", "المدرسة", "school"),
            f("loan_date", "تاريخ الإعارة", "date", True),
            f("return_date", "تاريخ الإرجاع", "date"),
            f("condition", "الحالة عند الإرجاع"),
        ),
        rules=(Rule("not_before", ("return_date", "loan_date")),),
        record_date="loan_date",
    ),
    dept(
        "QF70-2-9",
        "تقرير زيارة مسؤول المكتبات",
        "Libraries officer visit report",
        "P10",
        header=(
            school(),
            f("visit_date", "تاريخ الزيارة", "date", True),
            f("officer", "مسؤول المكتبات", req=True),
            f("recommendations", "التوصيات"),
        ),
        rows=(f("criterion", "المعيار", req=True), rating(), notes()),
        identity=("school", "visit_date"),
        record_date="visit_date",
    ),
    dept(
        "QF70-2-17",
        "تقرير الزيارة الميدانية للمختبر المدرسي",
        "School lab field visit report",
        "P10",
        header=(
            school(),
            f("visit_date", "تاريخ الزيارة", "date", True),
            f("lab", "المختبر", "choice", True, choices=LABS),
            f("visitor", "الزائر", req=True),
            f("recommendations", "التوصيات"),
        ),
        rows=(f("criterion", "المعيار", req=True), rating(), notes()),
        identity=("school", "visit_date", "lab"),
        record_date="visit_date",
    ),
    dept(
        "QF70-2-18",
        "الخطة التنفيذية لأنشطة التجارب المخبرية",
        "Executive plan of lab experiment activities",
        "P10",
        kept_at="school",
        header=(
            school(),
            f("term", "الفصل الدراسي", "choice", True, choices=("الأول", "الثاني")),
            f("year", "العام الدراسي", "year", True),
            f("subject", "المبحث", req=True),
            f("grade", "الصف", req=True),
        ),
        rows=(
            f("experiment", "التجربة", req=True),
            f("planned_week", "الأسبوع المخطط", "int", True, minimum=1, maximum=20),
            f("executed", "نفذت", "yesno", True),
            f("executed_on", "تاريخ التنفيذ", "date"),
            notes(),
        ),
        identity=("school", "term", "year", "subject", "grade"),
        record_date="year",
    ),
    dept(
        "QF70-2-19",
        "إحصائية المختبرات المدرسية نموذج (أ)",
        "School labs statistics, form (A)",
        "P10",
        kept_at="school",
        header=(school(), f("year", "العام الدراسي", "year", True)),
        rows=(
            f("lab_type", "نوع المختبر", "choice", True, choices=LABS),
            f("count", "العدد", "int", True),
            f("area_m2", "المساحة (م²)", "int"),
            f("technician", "يوجد محضر مختبر", "yesno", True),
            f("condition", "حالة المختبر", "choice", True, choices=("جيدة", "متوسطة", "سيئة")),
            f("equipment_pct", "نسبة كفاية التجهيزات", "pct", True),
        ),
        identity=("school", "year"),
        record_date="year",
    ),
    dept(
        "QF70-2-22",
        "التقرير الشهري للعمل المخبري",
        "Monthly lab work report",
        "P10",
        kept_at="school",
        header=(
            school(),
            f("month", "الشهر", "month", True),
            f("technician", "محضر المختبر", req=True),
        ),
        rows=(
            f("subject", "المبحث", req=True),
            f("grade", "الصف", req=True),
            f("planned", "التجارب المخططة", "int", True),
            f("executed", "التجارب المنفذة", "int", True),
            f("student_exps", "التجارب الطلابية", "int"),
            f("demo_exps", "تجارب العرض", "int"),
            notes(),
        ),
        rules=(Rule("not_more", ("executed", "planned")),),
        identity=("school", "month"),
        record_date="month",
    ),
    dept(
        "QF70-2-27",
        "سجل العمل المخبري اليومي",
        "Daily lab work register",
        "P10",
        kept_at="school",
        rows=(
            f("date", "التاريخ", "date", True),
            f("period", "الحصة", "int", True, minimum=1, maximum=8),
            f("grade_section", "الصف والشعبة", req=True),
            f("subject", "المبحث", req=True),
            f("experiment", "التجربة", req=True),
            f("teacher", "المعلم", req=True),
            f("kind", "نوع التجربة", "choice", True, choices=("طلابية", "عرض")),
            f("materials", "المواد المستهلكة"),
        ),
        record_date="date",
    ),
    dept(
        "QF70-2-28",
        "الخطة السنوية العامة للمختبر المدرسي",
        "General annual plan of the school lab",
        "P10",
        kept_at="school",
        header=(school(), f("year", "العام الدراسي", "year", True)),
        rows=(
            f("objective", "الهدف", req=True),
            f("activity", "النشاط", req=True),
            f("month", "الشهر", "choice", True, choices=SCHOOL_MONTHS),
            f("responsible", "المسؤول", req=True),
            f("indicator", "مؤشر الأداء"),
        ),
        identity=("school", "year"),
        record_date="year",
    ),
    dept(
        "QF70-2-40",
        "تقرير المتابعة الميدانية (الوسائل)",
        "Field follow-up report (educational aids)",
        "P10",
        header=(
            school(),
            f("visit_date", "تاريخ الزيارة", "date", True),
            f("visitor", "الزائر", req=True),
            f("recommendations", "التوصيات"),
        ),
        rows=(
            f("aid", "الوسيلة", req=True),
            f("available", "متوفرة", "yesno", True),
            f("used", "مستخدمة", "yesno", True),
            f("condition", "الحالة", "choice", choices=("صالحة", "تحتاج صيانة", "تالفة")),
            notes(),
        ),
        identity=("school", "visit_date"),
        record_date="visit_date",
    ),
    dept(
        "QF70-2-43",
        "سجل إنتاج الوسائل التعليمية",
        "Educational aids production register",
        "P10",
        kept_at="school",
        rows=(
            f("date", "التاريخ", "date", True),
            f("aid", "اسم الوسيلة", req=True),
            f("subject", "المبحث", req=True),
            f("grade", "الصف"),
            f("producer", "المنتج (المعلم)", req=True),
            f("materials", "المواد الخام"),
            f("cost_jod", "الكلفة (دينار)", "jod"),
            f("used_in_class", "استخدمت في الحصة", "yesno", True),
        ),
        record_date="date",
    ),
    # -- the annual plan --------------------------------------------------------
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
            f("indicator", "مؤشر الأداء", "choice", True, choices=tuple(i for i, _ in INDICATORS)),
            f("target", "المستهدف", "int", True),
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

CATALOG = Catalog(forms=FORMS, processes=PROCESSES, references=REFERENCES, indicators=INDICATORS)
