"""The forms of the demo year, one generator per process: what staff and schools send.

:class:`YearPlanner` writes realistic values for every form of the catalog over a
calendar year (choices from the catalog, schools and device types from the
reference lists) and keeps the figures the annual plan's targets are set from.
:mod:`automation.demo.year` lays the mistakes on and orders the year.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field

from automation.catalog.forms import REPAIRED, UNREPAIRABLE
from automation.catalog.reference import References
from automation.text.dates import ARABIC_MONTHS


@dataclass
class PlannedFile:
    """One workbook dropped into ``inbox/`` during the demo year.

    ``meta`` False is an old copy without the hidden ``_meta`` sheet;
    ``duplicate_of`` names an earlier file whose exact bytes are dropped again;
    ``corrects`` names the earlier file this one corrects. ``expected`` and
    ``expected_code`` are the outcome and Problem code the product should give;
    ``protected`` files carry no mistake (other files cite them, or they are
    the originals of a copy).
    """

    drop_at: dt.datetime
    name: str
    form: str
    header: dict[str, object]
    rows: list[dict[str, object]]
    mistake: str | None = None
    meta: bool = True
    duplicate_of: str | None = None
    corrects: str | None = None
    workbook_id: str = ""
    expected: str = "accepted"
    expected_code: str | None = None
    protected: bool = field(default=False, repr=False)


# -- vocabularies ------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split("،") if w.strip())


_FIRST_M = _words("محمد، أحمد، خالد، يوسف، عمر، إبراهيم، سامي، ناصر، باسم، فراس، مازن، هاني")
_FIRST_F = _words("رنا، سناء، هالة، ميسون، عبير، لينا، نسرين، منى، دعاء، ريم، سهى، أمل")
_FAMILY = _words("العبادي، الزعبي، الخوالدة، المومني، الطراونة، الحياري، النسور، العمري، "
                 "الشوبكي، القضاة، الرواشدة، البطاينة، الحوراني، السرحان")
_FAULTS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    # category: (fault, diagnosis, corrective action, spare part)
    "حاسوب وملحقاته": (
        ("لا يعمل عند التشغيل", "تلف مزود الطاقة", "استبدال مزود الطاقة", "مزود طاقة 450 واط"),
        ("بطء شديد وتوقف متكرر", "القرص الصلب تالف", "استبدال القرص وتنصيب النظام",
         "قرص SSD سعة 256 غيغا"),
        ("لا تظهر صورة على الشاشة", "تلف كرت الشاشة", "استبدال كرت الشاشة", "كرت شاشة"),
        ("الطابعة لا تسحب الورق", "تآكل بكرة السحب", "استبدال بكرة سحب الورق", "بكرة سحب"),
    ),
    "شبكات": (
        ("انقطاع الإنترنت عن المختبر", "تلف منفذ في الموزع", "نقل التوصيلات وبرمجة الموزع", ""),
        ("ضعف إشارة الشبكة اللاسلكية", "تلف محول نقطة الوصول", "استبدال المحول", "محول 12 فولت"),
        ("الخادم لا يستجيب", "امتلاء القرص وتلف ملفات النظام", "إعادة تهيئة الخادم", ""),
    ),
    "جهاز مخبري": (
        ("العدسة الشيئية لا تركز", "تلف آلية الضبط الدقيق", "تنظيف وضبط الآلية", "شحم تزييت"),
        ("الميزان يعطي قراءات خاطئة", "خلل في المعايرة", "معايرة الميزان", ""),
    ),
    "جهاز علمي": (
        ("لا تظهر الإشارة على الشاشة", "تلف المجس", "استبدال المجس", "مجس قياس"),
        ("الجهاز لا يعمل", "تلف لوحة التحكم", "فحص اللوحة", ""),
    ),
    "وسيلة تعليمية": (
        ("الصورة باهتة", "انتهاء عمر المصباح", "استبدال مصباح جهاز العرض", "مصباح بروجكتر"),
        ("اللوح لا يستجيب للمس", "خلل في برنامج التعريف", "إعادة تنصيب برنامج التعريف", ""),
    ),
}
_LOCATIONS = {
    "حاسوب وملحقاته": ("مختبر حاسوب", "مختبر حاسوب", "الإدارة", "مكتبة"),
    "شبكات": ("غرفة الخوادم والشبكة",),
    "جهاز مخبري": ("مختبر علوم",),
    "جهاز علمي": ("مختبر علوم",),
    "وسيلة تعليمية": ("غرفة صفية", "غرفة متعددة الأغراض"),
}
_TO_DISPOSAL = {"جهاز مخبري": "جهاز مخبري", "جهاز علمي": "جهاز علمي"}
_FIBRE_FAULTS = _words("انقطاع الخدمة عن الموقع، قطع في كابل الألياف بسبب حفريات، "
                       "تلف محول الوسائط، بطء شديد في الاتصال، تلف وصلة التوزيع")
_HANDLERS = _words("شركة الاتصالات المتعاقدة، الفريق الفني في المديرية، "
                   "مركز الملكة رانيا لتكنولوجيا التعليم")
_SUPPLIERS = _words("شركة الحلول التقنية المتقدمة، مؤسسة الرواد للحاسوب، شركة الشبكات الحديثة")
_YES, _NO = "نعم", "لا"
MAINTENANCE_TITLE = "صيانة"
"""The job titles (``staff.xlsx``) of who repairs devices (QF75-11's technician)."""
VISITOR_TITLES = ("أنظمة", "مختبرات", "مصادر تعلم")
"""The job titles of the three visitors: systems (activation visits, the plan), labs,
learning resources (learning aids and libraries)."""


def _quarter(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def _short(school: str) -> str:
    return school.removeprefix("مدرسة ").strip()


# -- the planner -------------------------------------------------------------------------


class DepartmentForms:
    """The planner's state and helpers, and the forms of P1 to P5."""

    def __init__(self, refs: References, year: int, rng: random.Random) -> None:
        self.refs, self.year, self.rng = refs, year, rng
        self.schools = [s.name for s in refs.schools] or ["مدرسة تجريبية"]
        self.devices: dict[str, list[str]] = {}
        for device in refs.device_types:
            self.devices.setdefault(device.category or "حاسوب وملحقاته", []).append(device.name)
        self.n = len(self.schools)
        self.files: list[PlannedFile] = []
        self.names: set[str] = set()
        self.unrepairable: list[tuple[dt.date, str, str, str, str, str]] = []
        self.shortages: list[tuple[dt.date, str, str, int]] = []
        self.achieved: Counter[tuple[int, int]] = Counter()  # (indicator, quarter) -> count
        # drawn first whatever the staff list holds, so the rest of the year stays the same
        self.technicians = [self.person() for _ in range(3)]
        self.visitors = [f"م. {self.person()}" for _ in range(3)]
        self.end = dt.date(year, 12, 31)
        repairers = self.staff_titled(MAINTENANCE_TITLE)
        if repairers:  # the people the staff list names do the repairs and the visits
            self.technicians = [repairers[i % len(repairers)] for i in range(3)]
        for n, title in enumerate(VISITOR_TITLES):
            self.visitors[n] = next(iter(self.staff_titled(title)), self.visitors[n])

    # helpers
    def scale(self, share: float, least: int = 1) -> int:
        return max(least, round(self.n * share))

    def staff_titled(self, word: str) -> list[str]:
        """The names of the staff list whose job title holds ``word``."""
        return [e.name for e in self.refs.staff if e.name and word in e.job_title]

    def libraries_officer(self) -> str:
        """Who visits a school library (QF70-2-9): the staff's learning-resources
        supervisor, else a name drawn (drawn in either case, for the same year)."""
        drawn = self.person(True)
        return self.visitors[2] if self.staff_titled(VISITOR_TITLES[2]) else drawn

    def person(self, female: bool | None = None) -> str:
        female = self.rng.random() < 0.5 if female is None else female
        return f"{self.rng.choice(_FIRST_F if female else _FIRST_M)} {self.rng.choice(_FAMILY)}"

    def day(self, month: int, lo: int = 1, hi: int = 31) -> dt.date:
        """A working day (Sunday to Thursday) of ``month`` between ``lo`` and ``hi``."""
        last = calendar.monthrange(self.year, month)[1]
        d = dt.date(self.year, month, self.rng.randint(min(lo, last), min(hi, last)))
        return self.workday(d)

    def workday(self, d: dt.date) -> dt.date:
        """``d`` moved off the weekend (Friday, Saturday), within its month and the year."""
        d = min(d, self.end)
        if d.weekday() in (4, 5):
            back = d - dt.timedelta(days=d.weekday() - 3)
            ahead = d + dt.timedelta(days=6 - d.weekday())
            d = back if back.month == d.month or ahead > self.end else ahead
        return d

    def after(self, d: dt.date, lo: int, hi: int) -> dt.date:
        """A working day ``lo`` to ``hi`` days after ``d`` (the next one after a weekend)."""
        later = min(d + dt.timedelta(days=self.rng.randint(lo, hi)), self.end)
        while later.weekday() in (4, 5) and later < self.end:
            later += dt.timedelta(days=1)
        return later

    def at(self, d: dt.date) -> dt.datetime:
        return dt.datetime.combine(d, dt.time(self.rng.randint(8, 13), self.rng.randint(0, 59)))

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def device(self, *categories: str) -> tuple[str, str]:
        usable = [c for c in categories if self.devices.get(c)] or list(self.devices)
        category = self.rng.choice(usable)
        return self.rng.choice(self.devices[category]), category

    def add(self, form: str, drop: dt.date | dt.datetime, name: str, header: dict[str, object],
            rows: list[dict[str, object]], *, workbook_id: str = "",
            protected: bool = False) -> PlannedFile:
        when = drop if isinstance(drop, dt.datetime) else self.at(drop)
        stem = name.replace("/", "-").removesuffix(".xlsx").strip()
        unique, n = stem, 2
        while unique in self.names:
            unique, n = f"{stem} ({n})", n + 1
        self.names.add(unique)
        planned = PlannedFile(when, f"{unique}.xlsx", form, header, rows,
                              workbook_id=workbook_id or self.new_id(), protected=protected)
        self.files.append(planned)
        return planned

    # P1 -----------------------------------------------------------------------------
    def maintenance(self) -> None:
        seq = 0
        for month in range(1, 13):
            for _ in range(self.scale(1 / 8) if month not in (7, 8) else self.scale(1 / 40)):
                seq += 1
                school = self.rng.choice(self.schools)
                asked = self.day(month)
                channel = self.rng.choice(("كتاب رسمي", "بريد إلكتروني", "هاتف",
                                           "زيارة ميدانية", "نظام الدعم الفني"))
                reference = f"ص/{self.year}/{seq:03d}"
                rows, dead = [], False
                for _ in range(self.rng.choice((1, 1, 2, 2, 3, 4, 5, 8))):
                    device, category = self.device("حاسوب وملحقاته", "حاسوب وملحقاته", "شبكات",
                                                   "وسيلة تعليمية", "جهاز مخبري")
                    fault, diagnosis, action, part = self.rng.choice(_FAULTS[category])
                    status = self.rng.choices((REPAIRED, UNREPAIRABLE, "قيد المعالجة",
                                               "بانتظار قطع غيار"), (55, 17, 14, 14))[0]
                    row: dict[str, object] = {
                        "device_type": device, "asset_no": f"ل-{self.rng.randint(10000, 99999)}",
                        "location": self.rng.choice(_LOCATIONS[category]), "fault": fault,
                        "diagnosis": diagnosis, "technician": self.rng.choice(self.technicians),
                        "status": status,
                    }
                    if status in (REPAIRED, UNREPAIRABLE):
                        done = self.after(asked, 1, 12)
                        row["done_date"] = done
                        self.achieved[(0, _quarter(done))] += 1
                    if status == REPAIRED:
                        row.update(action=action, spare_parts=part or None,
                                   cost_jod=round(self.rng.randint(8, 480) * 0.25, 3) if part
                                   else None)
                    elif status == UNREPAIRABLE:
                        row.update(diagnosis="تلف اللوحة الأم وعدم توفر قطع بديلة",
                                   action="يوصى بإتلاف الجهاز لعدم جدوى إصلاحه")
                        dead = True
                        self.unrepairable.append((row["done_date"], reference, school, device,
                                                  category, str(row["asset_no"])))  # type: ignore[arg-type]
                    rows.append(row)
                header = {"school": school, "request_date": asked, "channel": channel,
                          "reference": reference}
                done_by = max([asked, *(r["done_date"] for r in rows if r.get("done_date"))])
                self.add("QF75-11", self.after(done_by, 0, 3),  # type: ignore[arg-type]
                         f"طلب صيانة - {_short(school)} - {ARABIC_MONTHS[month]}", header, rows,
                         protected=dead)
        for month in (1, 2, 3, 4, 5, 9, 10, 11, 12):
            for _ in range(self.scale(1 / 20)):
                school = self.rng.choice(self.schools)
                asked = self.day(month)
                rows = []
                for _ in range(self.rng.randint(1, 3)):
                    device, category = self.device("وسيلة تعليمية", "جهاز مخبري", "جهاز علمي")
                    rows.append({"device_type": device,
                                 "asset_no": f"ت-{self.rng.randint(100, 999)}",
                                 "quantity": self.rng.randint(1, 4),
                                 "fault": self.rng.choice(_FAULTS[category])[0],
                                 "priority": self.rng.choice(("عاجل", "عادي", "عادي"))})
                header = {"school": school, "request_date": asked,
                          "requested_by": f"مدير المدرسة {self.person(False)}"}
                name = f"طلب صيانة الأجهزة التعليمية {_short(school)} {asked:%d-%m}"
                self.add("QF70-2-7", self.after(asked, 0, 2), name, header, rows)

    # P2 -----------------------------------------------------------------------------
    def helpdesk(self) -> None:
        tickets: list[dict[str, object]] = []
        pending: list[dict[str, object]] = []
        for month in range(1, 13):
            export = self.day(month, 26, 31)
            fresh = []
            for _ in range(self.rng.randint(self.scale(0.75), self.scale(2))):
                opened = self.day(month, 1, export.day)
                fate = self.rng.choices(("done", "cancel", "open"), (91, 4, 5))[0]
                ticket = {"no": f"HD-{self.year}-{len(tickets) + 1:05d}", "school":
                          self.rng.choice(self.schools), "opened": opened, "fate": fate,
                          "close": opened + dt.timedelta(days=self.rng.randint(0, 25)),
                          "category": self.rng.choices(("شبكة", "حماية", "أجهزة",
                                                        "بريد إلكتروني", "أخرى"),
                                                       (35, 20, 25, 12, 8))[0]}
                tickets.append(ticket)
                fresh.append(ticket)
            rows, still = [], []
            for t in pending + fresh:
                closed = t["fate"] == "done" and t["close"] <= export  # type: ignore[operator]
                status = "منفذ" if closed else "ملغى" if t["fate"] == "cancel" else "مفتوح"
                rows.append({"ticket_no": t["no"], "school": t["school"], "opened": t["opened"],
                             "closed": t["close"] if closed else None,
                             "category": t["category"], "status": status})
                if status == "مفتوح":
                    still.append(t)
                elif status == "منفذ":
                    self.achieved[(1, _quarter(t["close"]))] += 1  # type: ignore[arg-type]
            pending = still
            self.add("HD-EXPORT", export, f"HelpDesk export {self.year}-{month:02d}", {}, rows)

    # P3 -----------------------------------------------------------------------------
    def fibre(self) -> None:
        sites = [(s.fibre_site_code, s.name, "مدرسة") for s in self.refs.schools
                 if s.fibre_site_code] + [("FO-AMN-000", "مبنى المديرية", "مديرية")]
        state: dict[str, dict[str, object]] = {}
        for code, name, kind in sites:
            on = self.rng.random() < 0.75
            state[code] = {"site_code": code, "site_name": name, "site_type": kind,
                           "connected": _YES if on else _NO,
                           "connected_on": dt.date(self.year - 1, self.rng.randint(1, 12),
                                                   self.rng.randint(1, 28)) if on else None,
                           "bandwidth_mbps": self.rng.choice((100, 200, 500, 1000)) if on else None,
                           "notes": None if on else "بانتظار استكمال التمديدات"}
        first = self.at(self.day(1, 4, 8))
        self.add("FO-SITES", first, f"مواقع شبكة الألياف الضوئية {self.year}",
                 {}, copy.deepcopy(list(state.values())), protected=True)
        for row in state.values():
            if row["connected"] == _NO and self.rng.random() < 0.6:
                row.update(connected=_YES, connected_on=self.day(self.rng.randint(2, 5)),
                           bandwidth_mbps=200, notes="تم الربط هذا العام")
        self.achieved[(2, 4)] = sum(1 for r in state.values() if r["connected"] == _YES)
        self.add("FO-SITES", self.day(6, 10, 20), "مواقع الألياف - تحديث حزيران",
                 {}, list(state.values()))
        live = [c for c, r in state.items() if r["connected"] == _YES] or list(state)
        for month in range(1, 13):
            drop = self.day(month, 26, 31)
            rows = []
            for _ in range(self.rng.randint(1, self.scale(0.08) + 1)):
                reported = self.day(month, 10, max(10, drop.day - 1))
                done = self.rng.random() < 0.85
                resolved = min(reported + dt.timedelta(days=self.rng.randint(0, 4)), drop)
                rows.append({"site_code": self.rng.choice(live), "reported": reported,
                             "fault": self.rng.choice(_FIBRE_FAULTS),
                             "handled_by": self.rng.choice(_HANDLERS),
                             "resolved": resolved if done else None,
                             "status": "تمت المعالجة" if done else "مفتوح"})
                if done:
                    self.achieved[(3, _quarter(resolved))] += 1
            self.add("FO-FAULTS", drop, f"أعطال الألياف - {ARABIC_MONTHS[month]} {self.year}",
                     {}, rows)

    def field_visits(self) -> None:
        purposes = ("شبكة الألياف الضوئية", "العطاءات والمشاريع", "الصيانة", "الأنظمة التربوية",
                    "موارد التعلم", "أخرى")
        for i in range(self.scale(0.25, 4)):
            school = self.rng.choice(self.schools)
            visit = self.day(self.rng.choice((2, 3, 4, 5, 9, 10, 11, 12)))
            rows = [{"item": item, "finding": finding, "recommendation": advice,
                     "responsible": self.rng.choice(("إدارة المدرسة", "قسم الصيانة",
                                                     "القسم الهندسي")),
                     "due_date": visit + dt.timedelta(days=self.rng.randint(14, 45))}
                    for item, finding, advice in self.rng.sample((
                        ("خزانة الشبكة", "الخزانة غير مقفلة ومعرضة للغبار", "تركيب قفل وتنظيفها"),
                        ("التمديدات", "كوابل مكشوفة في الممر", "تمديدها داخل مجاري بلاستيكية"),
                        ("مختبر الحاسوب", "ثلاثة أجهزة معطلة", "تقديم طلب صيانة QF75-11"),
                        ("الأجهزة المستلمة", "مطابقة للمواصفات", "إدخالها في سجل اللوازم"),
                        ("نقطة الألياف", "الإشارة مستقرة", "متابعة دورية"),
                    ), self.rng.randint(2, 4))]
            header = {"site": school, "visit_date": visit, "purpose": purposes[i % len(purposes)],
                      "visitors": "، ".join(self.rng.sample(self.visitors, 2))}
            self.add("QF75-13", self.after(visit, 0, 3),
                     f"تقرير زيارة ميدانية - {_short(school)} - {visit:%d-%m-%Y}", header, rows)
            if header["purpose"] == "موارد التعلم":  # a field visit of P10 (docs/FIGURES.md)
                self.achieved[(11, _quarter(visit))] += 1

    # P4, P5 -------------------------------------------------------------------------
    def needs(self) -> None:
        for school in self.rng.sample(self.schools, min(self.n, self.scale(1 / 3))):
            listed = self.day(self.rng.choice((2, 3, 4, 5, 9, 10)))
            rows = []
            choices = self.devices.get("حاسوب وملحقاته", [])[:6] or [self.device()[0]]
            for device in self.rng.sample(choices, min(len(choices), self.rng.randint(2, 4))):
                required = self.rng.randint(5, 25)
                available = self.rng.randint(max(0, required - 10), required + 3)
                working = self.rng.randint(max(0, available - 5), available)
                rows.append({"device_type": device, "required": required,
                             "available": available, "working": working,
                             "notes": "نقص يؤثر على الحصص" if working < required else None})
                if working < required:
                    self.shortages.append((listed, school, device, required - working))
            self.add("QF70-2-12", self.after(listed, 0, 2), f"الأجهزة الناقصة - {_short(school)}",
                     {"school": school, "date": listed}, rows)
        specs = {s.device_type: s.spec for s in self.refs.device_specs}
        for number, month in ((1, 6), (2, 11)):
            drop = self.day(month, 20, 30)
            rows = []
            for listed, school, device, short in self.shortages:
                if listed >= drop - dt.timedelta(days=20) or self.rng.random() < 0.4:
                    continue
                got = self.rng.random() < 0.8
                on = self.day(month, 1, max(1, drop.day - 2))
                rows.append({"tender_no": f"ع/{number}/{self.year}", "title":
                             "توريد أجهزة حاسوب ولوازمها للمدارس", "supplier":
                             self.rng.choice(_SUPPLIERS), "school": school, "device_type": device,
                             "quantity": short, "committee": "لجنة الاستلام الفرعية في المديرية",
                             "follow_committee": "لجنة متابعة العطاءات في المديرية",
                             "spec_ref": specs.get(device),
                             "received_on": on if got else None,
                             "status": "تم الاستلام" if got else "قيد التنفيذ"})
                if got:
                    self.achieved[(4, 4)] += short
            if not rows:
                device = self.device("حاسوب وملحقاته")[0]
                rows.append({"tender_no": f"ع/{number}/{self.year}", "title": "توريد طابعات",
                             "school": self.rng.choice(self.schools), "device_type": device,
                             "quantity": 2, "status": "قيد التنفيذ"})
            self.add("PRJ", drop, f"المشاريع والعطاءات - عطاء {number}-{self.year}", {}, rows)

    def disposal(self) -> None:
        cited: set[str] = set()
        for month, store in ((6, False), (11, True)):
            listed = self.day(month, 15, 25)
            items = [u for u in self.unrepairable
                     if u[0] < listed - dt.timedelta(days=10) and u[5] not in cited]
            if not store:
                by_school = Counter(u[2] for u in items)
                if not by_school:
                    continue
                source = by_school.most_common(1)[0][0]
                items = [u for u in items if u[2] == source]
            else:
                source = "مستودع المديرية"
            rows: list[dict[str, object]] = []
            for _done, reference, _school, device, category, asset in items:
                cited.add(asset)
                rows.append({"category": _TO_DISPOSAL.get(category, "حاسوب وملحقاته"),
                             "description": device, "asset_no": asset, "quantity": 1,
                             "reason": "غير قابل للإصلاح حسب تقرير الصيانة",
                             "maintenance_ref": reference})
            if store:
                rows.append({"category": "كتب مكتبة", "description": "كتب تالفة غير صالحة للإعارة",
                             "asset_no": "ردمك متعدد", "quantity": self.rng.randint(30, 120),
                             "reason": "تلف بسبب الرطوبة"})
                rows.append({"category": "حاسوب وملحقاته", "description": "طابعات نقطية قديمة",
                             "asset_no": "ل-00412", "quantity": 2,
                             "reason": "قديمة ومتهالكة", "maintenance_ref": None})
            self.achieved[(6, 4)] += sum(int(r["quantity"]) for r in rows)  # type: ignore[call-overload]
            header = {"source": source, "date": listed,
                      "correspondence_ref": f"ت ت/70/{self.rng.randint(100, 999)}"}
            planned = self.add("DISPOSAL", self.after(listed, 0, 2),
                               f"كشف بالمواد المراد إتلافها - {_short(source)}", header, rows)
            if store:
                planned.mistake = "no-maintenance-report"

    # P6 - P9 ------------------------------------------------------------------------
