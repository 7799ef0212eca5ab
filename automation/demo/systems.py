"""The demo year's forms of QP-70-2's system steps that issue 16 gave a home: each user
level's functions tested (P6, EMIS-TESTS), QRC's action plan (P7, QRC-PLAN), and the
pages' e-services and the feedback they receive (P9, E-SERVICES, FEEDBACK).
"""

from __future__ import annotations

import datetime as dt

from automation.catalog.forms import SYSTEMS
from automation.demo.forms import _NO, _YES, DepartmentForms, _short, _words

_TESTED: dict[str, tuple[str, ...]] = {
    "OpenEMIS": _words("إدخال العلامات، الحضور والغياب، نقل الطلبة، الجدول المدرسي، "
                       "التقارير الإحصائية، بيانات المعلمين"),
    "منصة التعلم الإلكتروني": _words("رفع الواجبات، الحصص المسجلة، الاختبارات القصيرة"),
    "المحتوى الإلكتروني": _words("عرض الدروس، البحث في المحتوى"),
    "البريد الإلكتروني الرسمي": _words("إنشاء حساب مستخدم، استعادة كلمة المرور"),
}
"""Functions of each system a test session goes through."""
_LEVELS = ("مدرسة", "مديرية", "وزارة")
_FAILURES = _words("رسالة خطأ عند الحفظ، الشاشة لا تظهر لهذا المستوى، بطء شديد في الاستجابة، "
                   "الصلاحية غير مفعلة لهذا المستوى")
_QRC_FUNCTIONS = _words("إدخال العلامات، الحضور والغياب، الجدول المدرسي، بيانات الطلبة، "
                        "التقارير الإحصائية")
"""Functions QRC's action plan targets (the activation visits follow the same ones)."""
_SERVICES = _words("التسجيل الإلكتروني للطلبة، طلب كشف علامات، حجز موعد مراجعة، "
                   "الاستفسارات والشكاوى، طلب مصدقة، نتائج الامتحانات")
_FEEDBACK: dict[str, tuple[str, ...]] = {
    "شكوى": _words("رابط التسجيل لا يعمل، الأخبار غير محدثة منذ شهرين، بطء تحميل الصفحة"),
    "اقتراح": _words("إضافة التقويم المدرسي، نشر أسماء المتفوقين، إضافة نموذج للتواصل"),
    "استفسار": _words("موعد التسجيل للصف الأول، طريقة طلب كشف العلامات، "
                      "رقم هاتف المدرسة"),
    "شكر": _words("شكراً على سرعة الرد، شكراً على تحديث الصفحة"),
}
_ACTIONS = _words("تم إصلاح الرابط، تم الرد على المرسل، تم تحديث الصفحة، "
                  "أحيل إلى إدارة المدرسة")


class SystemsForms(DepartmentForms):
    """The forms of P6, P7 and P9 that record QP-70-2's steps beyond problems and visits."""

    def function_tests(self) -> None:
        """EMIS-TESTS: a test session after each system release, every user level."""
        for month in (2, 5, 10, 11):
            tested = self.day(month, 3, 20)
            rows: list[dict[str, object]] = []
            for system in self.rng.sample(list(_TESTED), 2):
                for function in self.rng.sample(_TESTED[system], 2):
                    for level in self.rng.sample(_LEVELS, self.rng.randint(1, 3)):
                        passed = self.rng.random() < 0.82
                        rows.append({"test_date": tested, "system": system,
                                     "user_level": level, "function": function,
                                     "result": "ناجح" if passed else "فاشل",
                                     "notes": None if passed else self.rng.choice(_FAILURES)})
            self.add("EMIS-TESTS", self.after(tested, 0, 3),
                     f"اختبار وظائف الأنظمة - {tested:%m-%Y}", {}, rows)

    def qrc_plan(self) -> None:
        """QRC-PLAN: the centre's action plan for the year, sent in January."""
        rows = [{"system": SYSTEMS[0], "function": function,
                 "target_pct": self.rng.choice((20, 25, 30, 40, 50)),
                 "by_date": dt.date(self.year, *self.rng.choice(((6, 30), (12, 31))))}
                for function in _QRC_FUNCTIONS]
        self.add("QRC-PLAN", self.day(1, 10, 20), f"خطة عمل مركز الملكة رانيا {self.year}",
                 {"year": str(self.year)}, rows)

    def e_services(self) -> None:
        """E-SERVICES: the pages' services, one running list updated in spring and autumn."""
        pages = [self.refs.directorate.name or "موقع المديرية"]
        pages += self.rng.sample(self.schools, min(self.n, self.scale(0.1)))
        rows: list[dict[str, object]] = []
        for page in pages:
            for service in self.rng.sample(_SERVICES, self.rng.randint(2, 4)):
                rows.append({"page": page, "service": service, "activated": _NO,
                             "activated_on": None, "notes": None})
        workbook = self.new_id()
        for month in (3, 9):
            listed = self.day(month, 10, 25)
            for row in rows:
                if row["activated"] == _NO and self.rng.random() < 0.55:
                    row.update(activated=_YES, activated_on=self.day(month, 1, listed.day))
            self.add("E-SERVICES", self.after(listed, 0, 2),
                     f"الخدمات الإلكترونية - {listed:%m-%Y}",
                     {}, [dict(r) for r in rows], workbook_id=workbook)

    def feedback(self) -> None:
        """FEEDBACK: what the pages and systems received, logged each quarter."""
        pages = [self.refs.directorate.name or "موقع المديرية", SYSTEMS[0]]
        pages += [f"صفحة {_short(s)}" for s in self.rng.sample(self.schools, min(self.n, 2))]
        for quarter in range(1, 5):
            drop = self.day(3 * quarter, 24, 30)
            rows = []
            for _ in range(self.rng.randint(3, 6)):
                got = self.day(3 * quarter - self.rng.randint(0, 2), 1, 22)
                got = min(got, drop - dt.timedelta(days=1))
                kind = self.rng.choices(list(_FEEDBACK), (35, 25, 30, 10))[0]
                closed = self.rng.random() < 0.75
                when = min(self.after(got, 0, 6), drop)
                rows.append({"date": got, "page": self.rng.choice(pages),
                             "sender": self.person(), "kind": kind,
                             "text": self.rng.choice(_FEEDBACK[kind]),
                             "action": self.rng.choice(_ACTIONS) if closed else None,
                             "status": "مغلقة" if closed else self.rng.choice(
                                 ("جديدة", "قيد المعالجة")),
                             "closed_on": when if closed else None})
            rows.sort(key=lambda r: r["date"])  # type: ignore[arg-type, return-value]
            self.add("FEEDBACK", drop, f"التغذية الراجعة - الربع {quarter}", {}, rows)
