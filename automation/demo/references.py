"""Realistic reference data of a Jordanian directorate, for demos and tests.

Deterministic for a seed: the same seed always gives the same schools, device
types, budget, committee and directorate.
"""

from __future__ import annotations

import random
from pathlib import Path

from automation.catalog.forms import CATALOG
from automation.catalog.reference_books import write_reference_rows
from automation.core.department import Department

DIRECTORATE_NAME = "مديرية التربية والتعليم للواء قصبة عمان"

# (name part, genders it suits): "m" boys, "f" girls, "x" mixed
_NAMES: tuple[tuple[str, str], ...] = (
    ("الأميرة رحمة", "fx"),
    ("الأميرة سلمى", "fx"),
    ("الأميرة إيمان", "fx"),
    ("الملكة رانيا العبدالله", "fx"),
    ("خولة بنت الأزور", "f"),
    ("أم عمارة", "f"),
    ("الخنساء", "f"),
    ("أسماء بنت أبي بكر", "f"),
    ("حفصة بنت عمر", "f"),
    ("رقية بنت الرسول", "f"),
    ("فاطمة الزهراء", "f"),
    ("عائشة أم المؤمنين", "f"),
    ("نسيبة المازنية", "f"),
    ("زينب بنت علي", "f"),
    ("عمر بن الخطاب", "m"),
    ("خالد بن الوليد", "m"),
    ("صلاح الدين الأيوبي", "m"),
    ("أبو بكر الصديق", "m"),
    ("علي بن أبي طالب", "m"),
    ("عثمان بن عفان", "m"),
    ("معاذ بن جبل", "m"),
    ("زيد بن حارثة", "m"),
    ("جعفر بن أبي طالب", "m"),
    ("عبدالرحمن بن عوف", "m"),
    ("بلال بن رباح", "m"),
    ("سعد بن أبي وقاص", "m"),
    ("الشريف الحسين بن علي", "m"),
    ("الملك عبدالله الثاني", "mx"),
    ("الأمير حسن", "mx"),
    ("الجاحظ", "mx"),
    ("ابن سينا", "mx"),
    ("الخوارزمي", "mx"),
    ("ابن خلدون", "mx"),
    ("الفارابي", "mx"),
    ("ابن رشد", "mx"),
    ("جبل النزهة", "mfx"),
    ("الهاشمي الشمالي", "mfx"),
    ("ماركا الشمالية", "mfx"),
    ("طارق", "mfx"),
    ("الأشرفية", "mfx"),
    ("جبل الحسين", "mfx"),
    ("الوحدات", "mfx"),
    ("اليرموك", "mfx"),
    ("المنارة", "mfx"),
    ("الرشيد", "mfx"),
    ("النصر", "mfx"),
)
_LEVELS = (("الأساسية", "أساسية"), ("الثانوية الشاملة", "ثانوية شاملة"), ("الثانوية", "ثانوية"))
_GENDERS = {"m": ("للبنين", "ذكور"), "f": ("للبنات", "إناث"), "x": ("المختلطة", "مختلطة")}
_DISTRICTS = ("قصبة عمان", "قصبة عمان", "قصبة عمان", "ماركا", "ماركا", "القويسمة", "الجامعة")

DEVICE_SPECS: tuple[tuple[str, str, str], ...] = (
    ("حاسوب مكتبي", "حاسوب مكتبي: معالج Core i5 من الجيل الثاني عشر، ذاكرة 8 غيغا، "
     "قرص SSD سعة 256 غيغا، شاشة 22 إنش، كفالة 3 سنوات", "12/1/2025"),
    ("حاسوب محمول", "حاسوب محمول: معالج Core i5، ذاكرة 8 غيغا، قرص SSD سعة 512 غيغا، "
     "شاشة 15.6 إنش، بطارية 6 ساعات، كفالة سنتان", "12/1/2025"),
    ("شاشة حاسوب", "شاشة حاسوب LED مقاس 24 إنش بدقة Full HD، منفذ HDMI", "12/1/2025"),
    ("طابعة ليزرية", "طابعة ليزرية أحادية اللون، 30 صفحة في الدقيقة، طباعة على الوجهين، "
     "منفذ شبكة", "3/3/2025"),
    ("طابعة نافثة للحبر", "طابعة نافثة للحبر ملونة متعددة الوظائف مع خزانات حبر", "3/3/2025"),
    ("ماسح ضوئي", "ماسح ضوئي مسطح بدقة 1200 نقطة، تغذية تلقائية للمستندات", "3/3/2025"),
    ("موزع شبكة (سويتش)", "موزع شبكة مدار 24 منفذاً بسرعة 1 غيغابت", "20/9/2025"),
    ("نقطة وصول لاسلكية", "نقطة وصول لاسلكية Wi-Fi 6 بمنفذ PoE", "20/9/2025"),
)
"""The approved specifications of the devices the demo's tenders supply (P4)."""

DEVICE_TYPES: tuple[tuple[str, str], ...] = (
    ("حاسوب مكتبي", "حاسوب وملحقاته"),
    ("حاسوب محمول", "حاسوب وملحقاته"),
    ("شاشة حاسوب", "حاسوب وملحقاته"),
    ("طابعة ليزرية", "حاسوب وملحقاته"),
    ("طابعة نافثة للحبر", "حاسوب وملحقاته"),
    ("ماسح ضوئي", "حاسوب وملحقاته"),
    ("جهاز لوحي", "حاسوب وملحقاته"),
    ("مزود طاقة غير منقطع (UPS)", "حاسوب وملحقاته"),
    ("موزع شبكة (سويتش)", "شبكات"),
    ("موجه (راوتر)", "شبكات"),
    ("نقطة وصول لاسلكية", "شبكات"),
    ("جهاز خادم", "شبكات"),
    ("جدار حماية ناري", "شبكات"),
    ("خزانة شبكة", "شبكات"),
    ("مجهر ضوئي", "جهاز مخبري"),
    ("ميزان إلكتروني حساس", "جهاز مخبري"),
    ("جهاز تقطير الماء", "جهاز مخبري"),
    ("سخان كهربائي مخبري", "جهاز مخبري"),
    ("جهاز الطرد المركزي", "جهاز مخبري"),
    ("راسم الإشارة (أوسيلوسكوب)", "جهاز علمي"),
    ("مولد فان دي غراف", "جهاز علمي"),
    ("جهاز قياس الرقم الهيدروجيني", "جهاز علمي"),
    ("مجموعة الدارات الكهربائية", "جهاز علمي"),
    ("جهاز عرض (بروجكتر)", "وسيلة تعليمية"),
    ("لوح تفاعلي", "وسيلة تعليمية"),
    ("جهاز عرض علوي", "وسيلة تعليمية"),
    ("كاميرا وثائقية", "وسيلة تعليمية"),
    ("مجسم تعليمي", "وسيلة تعليمية"),
)

BUDGET_ITEMS: tuple[tuple[str, int], ...] = (
    ("صيانة الأجهزة الحاسوبية", 15000),
    ("قطع الغيار", 9000),
    ("صيانة الشبكات", 6000),
)

_FIRST = ("محمد", "أحمد", "خالد", "يوسف", "عمر", "إبراهيم", "سامي", "ناصر", "باسم", "فراس")
_FIRST_F = ("رنا", "سناء", "هالة", "ميسون", "عبير", "لينا", "نسرين", "منى", "دعاء", "ريم")
_FATHER = ("عبدالله", "محمود", "حسن", "سليمان", "عيسى", "مصطفى", "علي", "فيصل")
_FAMILY = (
    "العبادي",
    "الزعبي",
    "الخوالدة",
    "المومني",
    "الطراونة",
    "الحياري",
    "النسور",
    "العمري",
    "الشوبكي",
    "القضاة",
    "الرواشدة",
    "البطاينة",
)


def _person(rng: random.Random, *, female: bool = False) -> str:
    first = rng.choice(_FIRST_F if female else _FIRST)
    return f"{first} {rng.choice(_FATHER)} {rng.choice(_FAMILY)}"


def _schools(rng: random.Random, n: int) -> list[dict[str, str]]:
    combos: list[tuple[str, int, str]] = []
    for name, genders in _NAMES:
        for level in range(len(_LEVELS)):
            for g in genders:
                if g == "x" and level != 0:
                    continue  # mixed schools are basic schools
                combos.append((name, level, g))
    rng.shuffle(combos)
    numbers = rng.sample(range(10_000_000, 100_000_000), n)
    schools: list[dict[str, str]] = []
    seen: set[str] = set()
    fibre = 0
    for i in range(n):
        name, level, g = combos[i % len(combos)]
        level_ar, level_value = _LEVELS[level]
        gender_ar, gender_value = _GENDERS[g]
        full = f"مدرسة {name} {level_ar} {gender_ar}"
        round_ = i // len(combos)
        if round_:
            full = f"{full} ({round_ + 1})"
        if full in seen:  # pragma: no cover - defensive; combos are distinct
            full = f"{full} {i}"
        seen.add(full)
        site = ""
        if rng.random() < 0.7:
            fibre += 1
            site = f"FO-AMN-{fibre:03d}"
        schools.append(
            {
                "school_no": str(numbers[i]),
                "name": full,
                "district": rng.choice(_DISTRICTS),
                "level": level_value,
                "gender": gender_value,
                "fibre_site_code": site,
            }
        )
    library_n, lab_n = max(3, round(n * 0.2)) + 1, max(2, round(n * 0.15))
    for i, school in enumerate(schools):  # who owes the monthly reports (issue 25): the
        # demo year's library schools and one more that never sends; its lab schools
        school["library"] = "نعم" if i < library_n else "لا"
        school["lab"] = "نعم" if i >= n - lab_n else "لا"
    return schools


def demo_references(n_schools: int = 40, seed: int = 7) -> dict[str, list[dict[str, str]]]:
    """Rows of every reference list, keyed by list key, with the column keys of ``REFERENCES``."""
    rng = random.Random(seed)
    schools = _schools(rng, n_schools)
    device_types = [{"name": name, "category": cat} for name, cat in DEVICE_TYPES]
    budget: list[dict[str, str]] = []
    for year, growth in (("2025", 1.0), ("2026", 1.08)):
        for item, base in BUDGET_ITEMS:
            amount = round(base * growth * rng.uniform(0.85, 1.15) / 50) * 50
            budget.append({"year": year, "item": item, "amount_jod": f"{amount}.000"})
    committee = [
        {
            "role": "رئيس اللجنة",
            "name": f"م. {_person(rng)}",
            "title": "رئيس قسم تكنولوجيا التعليم والمعلومات",
        },
        {"role": "عضو", "name": _person(rng), "title": "رئيس قسم اللوازم"},
        {"role": "عضو", "name": _person(rng, female=True), "title": "مشرفة مختبرات"},
        {"role": "عضو", "name": f"م. {_person(rng)}", "title": "مهندس صيانة حاسوب"},
        {"role": "مقرر", "name": _person(rng, female=True), "title": "أمينة مستودع"},
    ]
    directorate = [
        {
            "name": DIRECTORATE_NAME,
            "head": f"م. {committee[0]['name'].removeprefix('م. ')}",
            "director": f"د. {_person(rng)}",
            "address": "عمان - جبل الحسين - شارع خالد بن الوليد",
            "letter_prefix": "ت ت/70",
            "logo": "",  # the ministry's emblem is set by each department
        }
    ]
    return {
        "schools": schools,
        "device_types": device_types,
        "budget": budget,
        "committee": committee,
        "directorate": directorate,
        "device_specs": [{"device_type": device, "spec": spec, "approved_on": day}
                         for device, spec, day in DEVICE_SPECS],
        "staff": _same_people(demo_staff(seed), committee),
    }


def _same_people(staff: list[dict[str, str]],
                 committee: list[dict[str, str]]) -> list[dict[str, str]]:
    """The staff list with the committee's head of department, engineer and labs supervisor
    as the same people (documents sign with the head's name; the meetings are chaired by him)."""
    by_title = {m["title"]: m["name"].removeprefix("م. ") for m in committee}
    return [{**s, "name": by_title.get(s["job_title"], s["name"])} for s in staff]


STAFF_TITLES = (
    "رئيس قسم تكنولوجيا التعليم والمعلومات",
    "مهندس صيانة حاسوب",
    "فني صيانة حاسوب",
    "مشرف أنظمة معلومات",
    "مشرفة مختبرات",
    "مشرفة مصادر تعلم",
)


def demo_staff(seed: int = 7) -> list[dict[str, str]]:
    """The department's staff (``staff.xlsx``), drawn apart from the other lists so that
    adding them changed none of the demo's other names."""
    rng = random.Random(seed * 1000 + 15)
    staff = []
    for n, title in enumerate(STAFF_TITLES):
        name = _person(rng, female="مشرفة" in title)
        staff.append({"name": name, "job_title": title, "phone": f"07955{n:05d}",
                      "email": f"staff{n + 1}@moe.edu.jo"})
    return staff


def write_demo_references(dept: Department, n_schools: int = 40, seed: int = 7) -> list[Path]:
    """Write the demo reference rows into ``dept``'s reference workbooks (overwriting them)."""
    data = demo_references(n_schools, seed)
    written: list[Path] = []
    for ref in CATALOG.references:
        path = dept.reference_file(ref.file)
        write_reference_rows(path, ref, data[ref.key])
        written.append(path)
    return written
