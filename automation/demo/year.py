"""A year of submissions for ``eti demo``: every form, and the mistakes staff really make.

:func:`plan_year` returns the workbooks a directorate's ETI department receives
in one calendar year, in drop order: each with its header and table values as
staff type them, the mistake it carries (if any) and the outcome the product
should give it. Values come from the catalog's choices and the reference lists.
The same references and seed always give the same year.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from dataclasses import dataclass

from automation.catalog.forms import CATALOG
from automation.catalog.model import FieldSpec, FormSpec
from automation.catalog.reference import References
from automation.catalog.schools import SchoolIndex
from automation.demo.forms import PlannedFile
from automation.demo.learning import YearPlanner
from automation.demo.office import plan_office

__all__ = ["MISTAKES", "Mistake", "PlannedFile", "plan_year"]


@dataclass(frozen=True)
class Mistake:
    """A kind of mistake staff make, and what the product does with it."""

    kind: str
    outcome: str
    code: str | None
    title_ar: str
    title_en: str


MISTAKES: dict[str, Mistake] = {
    m.kind: m
    for m in (
        Mistake("school-typo", "rejected", "unknown-school",
                "اسم مدرسة فيه خطأ إملائي", "a misspelled school name"),
        Mistake("arabic-digits", "accepted", None,
                "تاريخ مكتوب نصاً بالأرقام العربية", "a date typed in Arabic-Indic digits"),
        Mistake("text-date", "accepted", None,
                "تاريخ مكتوب نصاً مثل 15/3/2026", "a date typed as text"),
        Mistake("choice-near-miss", "accepted", None,
                "قيمة مكتوبة بدل اختيارها (بلا همزة)", "a choice typed without its hamza"),
        Mistake("choice-wrong", "rejected", "bad-choice",
                "قيمة ليست من القائمة", "a value that is not one of the choices"),
        Mistake("missing-required", "rejected", "required",
                "حقل مطلوب ترك فارغاً", "a required value left empty"),
        Mistake("working-over-available", "rejected", "too-many",
                "العدد الصالح أكبر من العدد المتوفر", "more working devices than available"),
        Mistake("executed-over-planned", "rejected", "too-many",
                "التجارب المنفذة أكثر من المخططة", "more experiments executed than planned"),
        Mistake("impossible-date", "rejected", "impossible-date",
                "تاريخ غير موجود في التقويم مثل 31/2/2026", "a date that does not exist"),
        Mistake("no-meta", "accepted", None,
                "نسخة قديمة من النموذج بلا بيانات التعريف",
                "an old copy of the form without _meta"),
        Mistake("duplicate", "duplicate", None,
                "الملف نفسه أرسل مرتين", "the same file dropped twice"),
        Mistake("resubmission", "superseded", None,
                "نسخة مصححة من ملف مقبول", "a corrected copy of an accepted file"),
        Mistake("no-maintenance-report", "accepted", "no-unrepairable-report",
                "مادة للإتلاف بلا تقرير صيانة", "a disposal item without a maintenance report"),
    )
}
"""Every kind of mistake the demo year carries at least once."""

_REJECTING = tuple(k for k, m in MISTAKES.items() if m.outcome == "rejected")
_SPREAD = ("school-typo", "text-date", "arabic-digits", "missing-required", "choice-near-miss",
           "choice-wrong", "impossible-date", "no-meta", "duplicate", "resubmission")


def _text_date(day: dt.date, arabic: bool = False) -> str:
    """A date as staff type it: ``15/3/2026``, or in Arabic-Indic digits."""
    text = f"{day.day}/{day.month}/{day.year}"
    return text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) if arabic else text


def _near_miss(text: str) -> str:
    """A choice typed without its hamza or tanween, as staff often do."""
    return text.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ً", "")


# -- mistakes -------------------------------------------------------------------------------


def _cells(form: FormSpec, planned: PlannedFile, row: int,
           table_first: bool) -> list[tuple[FieldSpec, dict[str, object]]]:
    """(field, the values holding it) of a file's header and of one table row."""
    header = [(spec, planned.header) for spec in form.header if spec.key in planned.header]
    table = [(spec, planned.rows[row]) for spec in form.rows] if planned.rows else []
    return table + header if table_first else header + table


def _apply(kind: str, planned: PlannedFile, planner: YearPlanner, index: SchoolIndex) -> bool:
    """Lay the mistake ``kind`` on ``planned`` in place; False when it cannot carry it."""
    form = CATALOG.form(planned.form)
    header, rows = planned.header, planned.rows
    if kind == "school-typo":
        school = header.get("school")
        if not isinstance(school, str) or form.school_field is None:
            return False
        core = school.removeprefix("مدرسة ")
        spots = range(2, max(3, len(core) - 2))
        for pos in planner.rng.sample(spots, min(6, len(spots))):
            if core[pos] == " ":
                continue
            typo = "مدرسة " + core[:pos] + core[pos + 1:]
            if index.find(typo) is None and index.suggest(typo) == school:
                header["school"] = typo
                return True
        return False
    row = planner.rng.randrange(len(rows)) if rows else 0
    # a rejecting mistake goes in the table first, where most typing happens
    cells = _cells(form, planned, row, table_first=kind not in ("arabic-digits", "text-date"))
    if kind in ("arabic-digits", "text-date", "impossible-date"):
        for spec, where in cells:
            day = where.get(spec.key)
            if spec.type != "date" or not isinstance(day, dt.date):
                continue
            if kind == "impossible-date":
                if day.month not in (2, 4, 6, 9, 11):
                    continue
                where[spec.key] = f"31/{day.month}/{day.year}"
            else:
                where[spec.key] = _text_date(day, arabic=kind == "arabic-digits")
            return True
        return False
    if kind in ("choice-near-miss", "choice-wrong"):
        for spec, where in cells:
            value = where.get(spec.key)
            if spec.type != "choice" or spec.choices_from or not isinstance(value, str):
                continue
            if kind == "choice-near-miss" and _near_miss(value) != value:
                where[spec.key] = _near_miss(value)
                return True
            if kind == "choice-wrong":
                where[spec.key] = {"status": "منجز", "priority": "مستعجل", "channel": "واتساب",
                                   "month": "تموز", "rating": "ممتاز جداً"}.get(spec.key, "غير ذلك")
                return True
        return False
    if kind == "missing-required":
        for spec, where in cells:
            if spec.required and spec.type == "text" and where.get(spec.key):
                where[spec.key] = None
                return True
        return False
    if kind == "working-over-available" and planned.form == "QF70-2-12":
        rows[0]["working"] = int(rows[0]["available"]) + 2  # type: ignore[call-overload]
        return True
    if kind == "executed-over-planned" and planned.form == "QF70-2-22":
        rows[0]["executed"] = int(rows[0]["planned"]) + 1  # type: ignore[call-overload]
        rows[0]["student_exps"] = rows[0]["executed"]
        rows[0]["demo_exps"] = 0
        return True
    if kind == "no-meta" and form.identity:
        planned.meta = False
        return True
    return False


def _copy(planner: YearPlanner, original: PlannedFile, name: str, lo: int, hi: int) -> PlannedFile:
    drop = planner.after(original.drop_at.date(), lo, hi)
    when = max(planner.at(drop), original.drop_at + dt.timedelta(minutes=5))
    twin = planner.add(original.form, when, name, copy.deepcopy(original.header),
                       copy.deepcopy(original.rows), workbook_id=original.workbook_id)
    twin.meta = original.meta
    return twin


def _lay_mistakes(planner: YearPlanner) -> None:
    """About one file in ten carries a mistake; every kind at least once."""
    rng, index = planner.rng, SchoolIndex(planner.refs.schools)
    clean = [f for f in planner.files if not f.protected and f.mistake is None]
    kinds = [k for k in MISTAKES if k != "no-maintenance-report"]
    want = max(len(kinds), round(len(planner.files) * 0.1))
    spread = list(_SPREAD)
    rng.shuffle(spread)
    kinds += [spread[i % len(spread)] for i in range(want - len(kinds))]
    later = _later_copies(planner.files)
    for kind in kinds:
        rng.shuffle(clean)
        for planned in clean:
            if MISTAKES[kind].outcome == "accepted" and planned.name in later:
                continue  # it would supersede an earlier copy: its outcome says so instead
            if kind in ("duplicate", "resubmission"):
                if kind == "resubmission" and not CATALOG.form(planned.form).identity:
                    continue
                stem = planned.name.removesuffix(".xlsx")
                twin = _copy(planner, planned, f"{stem} - نسخة" if kind == "duplicate"
                             else f"{stem} - معدل", 1, 6)
                twin.mistake = kind
                if kind == "duplicate":
                    twin.duplicate_of = planned.name
                else:
                    twin.corrects = planned.name
                    _bump(twin)
                planned.protected = True
                break
            original = copy.deepcopy((planned.header, planned.rows))
            if not _apply(kind, planned, planner, index):
                continue
            planned.mistake = kind
            if kind in _REJECTING and rng.random() < 0.85:
                fixed = _copy(planner, planned, f"{planned.name.removesuffix('.xlsx')} - مصحح",
                              2, 8)
                fixed.header, fixed.rows = original
                fixed.meta, fixed.mistake, fixed.corrects = True, None, planned.name
            break
        clean = [f for f in clean if f.mistake is None and not f.protected]


def _later_copies(files: list[PlannedFile]) -> set[str]:
    """The files that are a later copy of the same record (a running list's workbook, or a
    form's identity) as an earlier file: accepted, they supersede it."""
    seen: set[str] = set()
    later: set[str] = set()
    for planned in sorted(files, key=lambda f: (f.drop_at, f.name)):
        form = CATALOG.form(planned.form)
        key = ("|".join(str(planned.header.get(k)) for k in form.identity) if form.identity
               else f"wb:{planned.workbook_id}")
        key = f"{planned.form}|{key}"
        if key in seen:
            later.add(planned.name)
        seen.add(key)
    return later


def _bump(planned: PlannedFile) -> None:
    """A corrected copy: one figure raised, or else a note added (never an identity field)."""
    form = CATALOG.form(planned.form)
    where, specs = (planned.rows[0], form.rows) if planned.rows else (planned.header, form.header)
    bound = {key for rule in form.rules for key in rule.fields[:1]} | set(form.identity)
    for spec in specs:
        value = where.get(spec.key)
        if spec.type == "int" and isinstance(value, int) and spec.key not in bound \
                and spec.maximum is None:
            where[spec.key] = value + 3
            return
    for spec in specs:
        if spec.type == "text" and not spec.required and spec.key not in bound:
            where[spec.key] = "عُدّلت بعد المراجعة"
            return


def _expect(files: list[PlannedFile]) -> None:
    """The outcome each file should get, replaying the ledger's identity rules."""
    live: set[str] = set()
    for planned in files:
        form = CATALOG.form(planned.form)
        mistake = MISTAKES.get(planned.mistake or "")
        if planned.duplicate_of:
            planned.expected, planned.expected_code = "duplicate", None
            continue
        if mistake and mistake.outcome == "rejected":
            planned.expected, planned.expected_code = "rejected", mistake.code
            continue
        if form.identity:
            key = "|".join(str(_clean(planned.header.get(k))) for k in form.identity)
        else:
            key = f"wb:{planned.workbook_id}" if planned.meta else ""
        key = f"{planned.form}|{key}" if key else ""
        planned.expected = "superseded" if key and key in live else "accepted"
        planned.expected_code = mistake.code if mistake else None
        if key:
            live.add(key)


def _clean(value: object) -> object:
    """A date typed as text (any digits) as the date the product reads."""
    parts = value.split("/") if isinstance(value, str) else []
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        day, month, year = (int(p) for p in parts)
        return dt.date(year, month, day)
    return value


def plan_year(refs: References, *, year: int = 2026, seed: int = 7) -> list[PlannedFile]:
    """Every file of the demo year, oldest first, with its mistake and expected outcome."""
    planner = YearPlanner(refs, year, random.Random(seed))
    planner.build()
    plan_office(planner, seed)
    _lay_mistakes(planner)
    files = sorted(planner.files, key=lambda f: (f.drop_at, f.name))
    _expect(files)
    return files
