"""The demo year's forms of P6 to P10 and the annual plan: systems, initiatives, web
pages and learning resources (labs, libraries, educational aids, visits, science fairs,
multipurpose rooms); the systems' function tests, QRC's plan, e-services and feedback
are :mod:`automation.demo.systems`.
"""

from __future__ import annotations

import copy
import datetime as dt

from automation.catalog.forms import (
    DIRECTORATE,
    INDICATORS,
    LABS,
    PROCESSES,
    QUARTERS_AR,
    RATINGS,
    SCHOOL_MONTHS,
)
from automation.demo.forms import _NO, _YES, _quarter, _short, _words
from automation.demo.systems import SystemsForms
from automation.text.dates import ARABIC_MONTHS

_EMIS_PROBLEMS = {
    "OpenEMIS": _words("تعذر إدخال العلامات، نقل طالب لم يظهر في المدرسة الجديدة، "
                       "خطأ في الجدول المدرسي، صلاحيات مستخدم غير مفعلة"),
    "منصة التعلم الإلكتروني": _words("تعذر دخول الطلبة، الحصص المسجلة لا تعمل"),
    "المحتوى الإلكتروني": _words("روابط محتوى معطلة، دروس لا تظهر للصف السابع"),
    "البريد الإلكتروني الرسمي": _words("نسيان كلمة المرور، امتلاء صندوق البريد"),
    "أخرى": _words("مشكلة في نظام الإجازات"),
}
_EMIS_ACTIONS = _words("إعادة تعيين كلمة المرور، تعديل الصلاحيات، تصحيح البيانات في النظام، "
                       "رفع طلب إلى الدعم الفني")
_UPDATES = _words("تحديث شاشة إدخال العلامات، إضافة تقرير الحضور الشهري، "
                  "تحديث واجهة منصة درسك، إضافة خاصية نقل الطلبة إلكترونياً، "
                  "تحديث دليل المستخدم، تفعيل التحقق بخطوتين للبريد الرسمي")
_FUNCTIONS = _words("إدخال العلامات، الحضور والغياب، الجدول المدرسي، بيانات الطلبة، "
                    "بيانات المعلمين، الكتب المدرسية، التقارير الإحصائية")
_INITIATIVES = _words("نادي البرمجة، الروبوت التعليمي، المكتبة الرقمية، "
                      "مسابقة العلوم والتكنولوجيا، "
                      "الإذاعة المدرسية الرقمية، مبادرة القراءة الإلكترونية، الطاقة المتجددة، "
                      "المختبر الافتراضي، صناع المحتوى، المدرسة الخضراء")
_WEB_CRITERIA = _words("نشر خبر خلال الشهر الأخير، رؤية المدرسة ورسالتها، بيانات التواصل محدثة، "
                       "روابط الخدمات الإلكترونية، التقويم المدرسي، صور الأنشطة، "
                       "سهولة التصفح، خلو الصفحة من الروابط المعطلة")
_LIB_CRITERIA = _words("تنظيم المكتبة وفق التصنيف العشري، سجل الإعارة، الأنشطة المكتبية، "
                       "نظافة المكتبة وتهويتها، الحصص المكتبية، الفهرسة الإلكترونية")
_LAB_CRITERIA = _words("إجراءات السلامة العامة، ترتيب المواد الكيميائية، سجل العمل المخبري، "
                       "صلاحية الأجهزة، تنفيذ التجارب المقررة، التهوية وطفايات الحريق")
_AIDS = _words("خريطة الأردن الطبيعية، مجسم الجهاز الهضمي، الكرة الأرضية، لوحة الجدول الدوري، "
               "مجسم الخلية النباتية، بطاقات الحروف، المعداد الحسابي، نموذج المجموعة الشمسية")
_EXPERIMENTS = _words("قياس الكثافة، تحضير غاز الأكسجين، فحص الخلية تحت المجهر، قانون أوم، "
                      "التفاعل بين الحمض والقاعدة، انكسار الضوء، التقطير البسيط، "
                      "الكشف عن النشا، المغناطيسية، سرعة التفاعل")
_SUBJECTS = _words("العلوم، الفيزياء، الكيمياء، الأحياء")
_GRADES = _words("السادس، السابع، الثامن، التاسع، العاشر، الأول الثانوي")
_PURPOSES = _words("متابعة المختبرات، متابعة المكتبة، متابعة الوسائل التعليمية، "
                   "متابعة تفعيل الأنظمة، متابعة الصيانة")
_FAIR_PROJECTS = _words("تنقية المياه بالطاقة الشمسية، الري الذكي، إنذار الحريق المبكر، "
                        "البيت الموفر للطاقة، السيارة الكهربائية الصغيرة، تدوير الورق، "
                        "قياس تلوث الهواء، الذراع الآلية")
_ROOMS = _words("الغرفة متعددة الأغراض، غرفة المصادر، قاعة الأنشطة")
_MEDIA = (("أفلام تعليمية في العلوم", "قرص مدمج"), ("تلاوات وأناشيد", "شريط صوتي"),
          ("رحلات جغرافية", "شريط فيديو"), ("مكتبة الرياضيات التفاعلية", "وسيط رقمي"))


class YearPlanner(SystemsForms):
    """Builds the whole year form by form; mistakes are laid on afterwards."""

    def build(self) -> None:
        """Every form of the year, the annual plan last (its targets follow the year)."""
        for make in (self.maintenance, self.helpdesk, self.fibre, self.field_visits,
                     self.needs, self.disposal, self.systems, self.initiatives, self.web,
                     self.programme, self.library, self.school_visits, self.labs,
                     self.function_tests, self.qrc_plan, self.e_services, self.feedback,
                     self.fairs, self.rooms, self.plan):
            make()

    def systems(self) -> None:
        for month in range(1, 13):
            drop = self.day(month, 25, 31)
            rows = []
            for _ in range(self.rng.randint(2, self.scale(0.15) + 2)):
                day = self.day(month, 1, max(1, drop.day - 1))
                system = self.rng.choices(list(_EMIS_PROBLEMS), (50, 15, 12, 15, 8))[0]
                directorate = self.rng.random() < 0.1
                status = self.rng.choices(("محلولة", "قيد المعالجة",
                                           "محولة إلى مركز الملكة رانيا"), (70, 15, 15))[0]
                solved = min(day + dt.timedelta(days=self.rng.randint(0, 6)), drop)
                rows.append({"date": day, "school": DIRECTORATE if directorate
                             else self.rng.choice(self.schools), "system": system,
                             "user_level": "مديرية" if directorate else "مدرسة",
                             "problem": self.rng.choice(_EMIS_PROBLEMS[system]),
                             "action": self.rng.choice(_EMIS_ACTIONS),
                             "status": status,
                             "resolved_on": solved if status == "محلولة" else None})
                if status == "محلولة":
                    self.achieved[(7, _quarter(solved))] += 1
            self.add("EMIS-ISSUES", drop, f"مشكلات الأنظمة - {ARABIC_MONTHS[month]}", {}, rows)
            if month != 8:
                rows = [{"date": self.day(month, 1, drop.day), "system": self.rng.choice(
                    ("OpenEMIS", "منصة درسك", "البريد الإلكتروني الرسمي")),
                         "update": self.rng.choice(_UPDATES), "source": "مركز الملكة رانيا",
                         "notes": "تم تعميمه على المدارس"} for _ in range(self.rng.randint(1, 3))]
                name = f"تحديثات الأنظمة {ARABIC_MONTHS[month]} {self.year}"
                self.add("EMIS-UPDATES", drop, name, {}, rows)
        for _ in range(self.scale(0.3, 4)):
            school = self.rng.choice(self.schools)
            visit = self.day(self.rng.choice((2, 3, 4, 5, 10, 11, 12)))
            rows = []
            for function in self.rng.sample(_FUNCTIONS, self.rng.randint(4, 7)):
                on = self.rng.random() < 0.8
                rows.append({"function": function, "activated": _YES if on else _NO,
                             "completion": self.rng.randint(55, 100) if on
                             else self.rng.randint(0, 40), "notes": None if on
                             else "تحتاج تدريب المستخدمين"})
            self.add("EMIS-ACTIVATION", self.after(visit, 0, 2),
                     f"متابعة تفعيل OpenEMIS - {_short(school)} {visit:%d-%m}",
                     {"school": school, "visit_date": visit, "visitor": self.visitors[0]}, rows)

    def initiatives(self) -> None:
        register: list[dict[str, object]] = []
        names = list(_INITIATIVES)
        self.rng.shuffle(names)
        workbook = self.new_id()
        for quarter in range(1, 5):
            for _ in range(self.rng.randint(1, 3) if register else self.scale(0.08, 2)):
                start = self.day(3 * quarter - self.rng.randint(0, 2), 1, 20)
                register.append({"initiative": names[len(register) % len(names)],
                                 "school": self.rng.choice(self.schools), "start_date": start,
                                 "status": "فعالة", "participants": self.rng.randint(12, 90),
                                 "notes": None})
            for row in register[:-2]:
                if row["status"] == "فعالة" and self.rng.random() < 0.15:
                    row["status"] = self.rng.choice(("متوقفة", "منتهية"))
            drop = self.day(3 * quarter, 24, 31)
            self.add("INITIATIVES", drop, f"سجل المبادرات - الربع {QUARTERS_AR[quarter - 1]}",
                     {}, copy.deepcopy(register), workbook_id=workbook)
        self.achieved[(9, 4)] = sum(1 for r in register if r["status"] == "فعالة")

    def web(self) -> None:
        pages = [self.refs.directorate.name or "موقع المديرية"]
        pages += self.rng.sample(self.schools, min(self.n, self.scale(0.1)))
        for quarter in range(1, 5):
            for page in pages:
                review = self.day(3 * quarter, 5, 25)
                rows = [{"criterion": c, "met": _YES if self.rng.random() < 0.72 else _NO,
                         "notes": None} for c in _WEB_CRITERIA]
                header = {"page": page, "review_date": review,
                          "last_news_date": review - dt.timedelta(days=self.rng.randint(2, 70))}
                self.add("WEB-REVIEW", self.after(review, 0, 2),
                         f"مراجعة صفحة {_short(page)} - الربع {QUARTERS_AR[quarter - 1]}",
                         header, rows)

    # P10 ----------------------------------------------------------------------------
    def programme(self) -> None:
        for months, issued, updated, term in (((2, 3, 4, 5), (2, 1, 5), (6, 7, 14), "الثاني"),
                                              ((9, 10, 11, 12), (9, 1, 8), (12, 15, 21), "الأول")):
            planned = self.day(*issued)
            rows = [{"planned_date": self.day(self.rng.choice(months)),
                     "school": self.rng.choice(self.schools),
                     "purpose": self.rng.choice(_PURPOSES), "visitor":
                     self.rng.choice(self.visitors), "status": "مخططة", "actual_date": None}
                    for _ in range(self.scale(0.4, 4))]
            rows.sort(key=lambda r: r["planned_date"])  # type: ignore[arg-type, return-value]
            name = f"برنامج الزيارات الميدانية - الفصل {term}"
            first = self.add("QF70-2-1", planned, name, {}, copy.deepcopy(rows))
            review = self.day(*updated)
            for row in rows:
                when = row["planned_date"]
                status = self.rng.choices(("منفذة", "مؤجلة", "ملغاة"), (80, 15, 5))[0]
                if when < review - dt.timedelta(days=3):  # type: ignore[operator]
                    row["status"] = status
                    if status == "منفذة":
                        row["actual_date"] = min(self.after(when, 0, 3), review)  # type: ignore
                        self.achieved[(11, _quarter(row["actual_date"]))] += 1  # type: ignore
            self.add("QF70-2-1", review, f"{name} - محدث", {}, rows,
                     workbook_id=first.workbook_id)

    def sent_on(self, month: int) -> dt.date:
        """When a school sends a month's report: by the 5th of the next month, one in five
        late (after the due day); December's before the year ends (issue 25)."""
        if month == 12:
            return self.day(12, 24, 31)
        return self.day(month + 1, 8, 20) if self.rng.random() < 0.2 else \
            self.day(month + 1, 1, 5)

    def library(self) -> None:
        library_schools = self.schools[: max(3, self.scale(0.2))]
        for school in library_schools:
            books = self.rng.randint(3000, 9000)
            librarian = f"{self.person(True)}"
            for month in (1, 2, 3, 4, 5, 6, 9, 10, 11, 12):
                new = self.rng.randint(0, 60)
                books += new
                header = {"school": school, "month": dt.date(self.year, month, 1),
                          "librarian": librarian, "books_total": books, "books_new": new,
                          "loans_students": self.rng.randint(40, 400),
                          "loans_teachers": self.rng.randint(3, 40),
                          "visits": self.rng.randint(80, 600),
                          "library_lessons": self.rng.randint(4, 20),
                          "activities": self.rng.choice(("مسابقة القارئ الصغير",
                                                         "معرض الكتاب المدرسي", "ركن القراءة")),
                          "needs": self.rng.choice((None, "رفوف إضافية", "حاسوب للفهرسة"))}
                name = f"التقرير الشهري للمكتبة - {_short(school)} - {ARABIC_MONTHS[month]}"
                sent = self.sent_on(month)
                if school == library_schools[0] and month == 10:  # rejected, then corrected
                    bad = self.add("QF70-2-3", sent, name, {**header, "librarian": None}, [],
                                   protected=True)
                    bad.mistake = "missing-required"
                    fixed = self.add("QF70-2-3", self.after(sent, 2, 6), f"{name} - مصحح",
                                     header, [], protected=True)
                    fixed.corrects = bad.name
                    continue
                self.add("QF70-2-3", sent, name, header, [])
        register: list[dict[str, object]] = []
        workbook = self.new_id()
        for month in (3, 6, 12):
            for _ in range(self.rng.randint(3, 6)):
                title, kind = self.rng.choice(_MEDIA)
                loaned = self.day(month, 1, 20)
                register.append({"title": title, "media_type": kind, "borrower":
                                 f"المعلم {self.person()}", "school": self.rng.choice(self.schools),
                                 "loan_date": loaned, "return_date": self.after(loaned, 3, 10),
                                 "condition": "سليمة"})
            self.add("QF70-2-8", self.day(month, 24, 31), "سجل استعارة الأشرطة التعليمية",
                     {}, copy.deepcopy(register), workbook_id=workbook)

    def school_visits(self) -> None:
        for form, share, criteria in (("QF70-2-9", 0.15, _LIB_CRITERIA),
                                      ("QF70-2-17", 0.15, _LAB_CRITERIA), ("QF70-2-40", 0.1, ())):
            for _ in range(self.scale(share, 2)):
                school = self.rng.choice(self.schools)
                visit = self.day(self.rng.choice((2, 3, 4, 5, 10, 11, 12)))
                header: dict[str, object] = {"school": school, "visit_date": visit,
                                             "recommendations": "متابعة تنفيذ الملاحظات"}
                if criteria:
                    rows = [{"criterion": c, "rating": self.rng.choice(RATINGS[:4]),
                             "notes": None} for c in criteria]
                else:
                    rows = [{"aid": a, "available": _YES, "used": self.rng.choice((_YES, _NO)),
                             "condition": self.rng.choice(("صالحة", "صالحة", "تحتاج صيانة"))}
                            for a in self.rng.sample(_AIDS, 4)]
                if form == "QF70-2-9":
                    header["officer"] = self.libraries_officer()
                    name = f"زيارة المكتبة {_short(school)} {visit:%d-%m}"
                elif form == "QF70-2-17":
                    header.update(lab=self.rng.choice(LABS), visitor=self.visitors[1])
                    name = f"زيارة مختبر {header['lab']} - {_short(school)}"
                else:
                    header["visitor"] = self.visitors[2]
                    name = f"متابعة الوسائل - {_short(school)}"
                self.add(form, self.after(visit, 0, 3), name, header, rows)
                self.achieved[(11, _quarter(visit))] += 1

    def labs(self) -> None:
        labs = self.schools[-max(2, self.scale(0.15)):]
        past, next_ = f"{self.year - 1}/{self.year}", f"{self.year}/{self.year + 1}"
        for school in labs:
            for term, year, months, drop in (("الثاني", past, (2, 3, 4, 5), (5, 20, 28)),
                                             ("الأول", next_, (9, 10, 11, 12), (12, 10, 20))):
                rows = []
                for week, exp in enumerate(self.rng.sample(_EXPERIMENTS, 6), start=1):
                    done = self.rng.random() < 0.8
                    rows.append({"experiment": exp, "planned_week": week * 2, "executed":
                                 _YES if done else _NO, "executed_on":
                                 self.day(months[min(3, week // 2)]) if done else None})
                header = {"school": school, "term": term, "year": year,
                          "subject": self.rng.choice(_SUBJECTS), "grade": self.rng.choice(_GRADES)}
                self.add("QF70-2-18", self.day(*drop),
                         f"الخطة التنفيذية للتجارب - {_short(school)} - الفصل {term}",
                         header, rows)
            for year, month in ((past, 2), (next_, 10)):
                rows = [{"lab_type": lab, "count": self.rng.randint(1, 2),
                         "area_m2": self.rng.randint(40, 90),
                         "technician": self.rng.choice((_YES, _YES, _NO)),
                         "condition": self.rng.choice(("جيدة", "متوسطة", "سيئة")),
                         "equipment_pct": self.rng.randint(40, 95)}
                        for lab in self.rng.sample(LABS, 3)]
                self.add("QF70-2-19", self.day(month, 5, 25),
                         f"إحصائية المختبرات - {_short(school)} {year}",
                         {"school": school, "year": year}, rows)
            rows = [{"objective": "تفعيل العمل المخبري", "activity": a, "month": m,
                     "responsible": "محضر المختبر", "indicator": "نسبة التجارب المنفذة"}
                    for a, m in zip(self.rng.sample(_EXPERIMENTS, 7),
                                    sorted(self.rng.sample(SCHOOL_MONTHS, 7),
                                           key=SCHOOL_MONTHS.index), strict=True)]
            sent = self.day(9, 8, 24)
            if school != labs[0]:  # the first lab school never sends its plan (issue 25)
                self.add("QF70-2-28", sent, f"الخطة السنوية للمختبر {_short(school)} {next_}",
                         {"school": school, "year": next_}, rows)
            technician = self.person()
            monthly = school in labs[: max(2, len(labs) // 2)]
            for month in (2, 3, 4, 5, 10, 11, 12) if monthly else ():
                rows = []
                for subject in self.rng.sample(_SUBJECTS, 2):
                    planned = self.rng.randint(4, 12)
                    done = self.rng.randint(planned - 3, planned)
                    student = self.rng.randint(0, done)
                    rows.append({"subject": subject, "grade": self.rng.choice(_GRADES),
                                 "planned": planned, "executed": done, "student_exps": student,
                                 "demo_exps": done - student})
                self.add("QF70-2-22", self.sent_on(month),
                         f"التقرير الشهري للمختبر - {_short(school)} - {ARABIC_MONTHS[month]}",
                         {"school": school, "month": dt.date(self.year, month, 1),
                          "technician": technician}, rows)
        for school, month in zip(labs[:2] * 2, (3, 4, 10, 11), strict=False):
            rows = [{"date": self.day(month, 1, 25), "period": self.rng.randint(1, 7),
                     "grade_section": f"{self.rng.choice(_GRADES)}/{self.rng.choice('أبج')}",
                     "subject": self.rng.choice(_SUBJECTS), "experiment":
                     self.rng.choice(_EXPERIMENTS), "teacher": self.person(),
                     "kind": self.rng.choice(("طلابية", "عرض")), "materials": "مواد مستهلكة"}
                    for _ in range(self.rng.randint(6, 12))]
            rows.sort(key=lambda r: r["date"])  # type: ignore[arg-type, return-value]
            self.add("QF70-2-27", self.day(month, 26, 31),
                     f"سجل العمل المخبري اليومي - {_short(school)} - {ARABIC_MONTHS[month]}",
                     {}, rows)
        for school, month in zip(self.rng.sample(self.schools, min(self.n, 3)), (4, 5, 11),
                                 strict=False):
            rows = [{"date": self.day(month, 1, 20), "aid": aid, "subject":
                     self.rng.choice(_SUBJECTS), "grade": self.rng.choice(_GRADES),
                     "producer": f"المعلم {self.person()}", "materials": "كرتون وألوان",
                     "cost_jod": round(self.rng.randint(4, 60) * 0.5, 3),
                     "used_in_class": _YES} for aid in self.rng.sample(_AIDS, 4)]
            self.add("QF70-2-43", self.day(month, 24, 30),
                     f"سجل انتاج الوسائل - {_short(school)}", {}, rows)

    def fairs(self) -> None:
        """SCIENCE-FAIR: school fairs in spring, and the directorate's fair at one school."""
        hosts = self.rng.sample(self.schools, min(self.n, self.scale(0.1, 2) + 1))
        for n, school in enumerate(hosts):
            level = "مديرية" if n == len(hosts) - 1 else "مدرسة"
            held = self.day(4 if level == "مديرية" else self.rng.choice((2, 3)), 5, 25)
            rows = [{"project": project, "students": self.rng.randint(2, 5),
                     "supervisor": f"المعلم {self.person()}",
                     "prize": f"المركز {rank}" if rank <= 3 else None}
                    for rank, project in enumerate(self.rng.sample(_FAIR_PROJECTS,
                                                                   self.rng.randint(3, 6)), 1)]
            self.add("SCIENCE-FAIR", self.after(held, 1, 4),
                     f"المعرض العلمي - {_short(school)} {held:%m-%Y}",
                     {"school": school, "fair_date": held, "level": level}, rows)
            self.achieved[(12, _quarter(held))] += 1

    def rooms(self) -> None:
        """MP-ROOMS: the multipurpose rooms of some schools, each school year."""
        past, next_ = f"{self.year - 1}/{self.year}", f"{self.year}/{self.year + 1}"
        for n, school in enumerate(self.rng.sample(self.schools,
                                                   min(self.n, self.scale(0.15, 2)))):
            for year, month in ((past, 2), (next_, 10)) if n % 2 == 0 else ((past, 2),):
                rows = []
                for room in self.rng.sample(_ROOMS, self.rng.randint(1, 3)):
                    there = self.rng.random() < 0.85
                    rows.append({"room": room, "available": _YES if there else _NO,
                                 "condition": self.rng.choice(("جيدة", "جيدة", "متوسطة", "سيئة")),
                                 "uses_per_week": self.rng.randint(0, 12) if there else 0,
                                 "equipment": "جهاز عرض وحاسوب" if there else None,
                                 "notes": None if there else "تستخدم مستودعاً مؤقتاً"})
                self.add("MP-ROOMS", self.day(month, 5, 25),
                         f"الغرف متعددة الأغراض - {_short(school)} {year}",
                         {"school": school, "year": year}, rows)

    # the annual plan ----------------------------------------------------------------
    def plan(self) -> None:
        """QF12-1: about 20 lines over the 13 indicators, targets near what the year holds
        (``self.achieved`` is keyed by the indicator's place in the catalog's list)."""
        processes = {p.code: p.title_ar for p in PROCESSES}
        lines: list[tuple[int, int]] = [(i, q) for i in (0, 1, 11) for q in range(1, 5)]
        lines += [(2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 2), (7, 4), (8, 0), (9, 0), (10, 0),
                  (12, 0)]
        percentages = {5: 70, 8: 80, 10: 75}  # the ratio and the two means: a target in %
        rows = []
        for index, quarter in lines:
            indicator, process = INDICATORS[index]
            if index in percentages:
                target = percentages[index]
            else:
                done = sum(v for (i, q), v in self.achieved.items()
                           if i == index and quarter in (0, q))
                target = max(1, round(done * self.rng.uniform(0.9, 1.2)))
            rows.append({"process": processes[process], "goal": f"تحسين الأداء في {indicator}",
                         "activity": _followed(processes[process]), "indicator": indicator,
                         "target": target, "quarter": QUARTERS_AR[quarter - 1 if quarter else 4],
                         "responsible": "رئيس القسم" if quarter == 0 else self.visitors[0]})
        on_time = "نسبة المدارس الملتزمة بإرسال التقارير في موعدها"  # typed: issue 25
        rows.append({"process": processes["P10"], "goal": f"تحسين الأداء في {on_time}",
                     "activity": "متابعة ورود النماذج من المدارس", "indicator": on_time,
                     "target": 90, "quarter": QUARTERS_AR[4], "responsible": "رئيس القسم"})
        self.add("QF12-1", dt.datetime(self.year, 1, 4, 9, 0),
                 f"الخطة السنوية للقسم {self.year}", {"year": str(self.year)}, rows,
                 protected=True)


def _followed(process_title: str) -> str:
    """A plan line's activity: following the process («متابعة …»), said once when the
    process's title already starts with it (P7, P8)."""
    return process_title if process_title.startswith("متابعة") else f"متابعة {process_title}"
