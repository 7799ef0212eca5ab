"""Who has not sent: the forms schools owe, period by period, and where each one stands.

The catalog declares which forms schools owe (:class:`~automation.catalog.model.Expected`:
monthly, once a school year or once a calendar year; from every school, from those with a
library or from those with a lab) and by which day; ``eti.toml`` ``[collection]`` moves a
due day, switches a form off and names the summer months that owe no monthly report. Each
(form, school, period) is then in one state (:data:`STATE_AR`):

- received on time / late: by its *first* accepted copy (a superseding copy sent later
  counts from the first arrival), on or before the due day, or after it;
- rejected awaiting correction: a rejected file is not a submission, but the school shows
  «مرفوض — بانتظار التصحيح» until a corrected copy arrives;
- missing: nothing by the due day (days overdue count from the day after it);
- not yet due; not owed (the school has no library or no lab).

The ledger is read through :meth:`Ledger.arrivals` and the outgoing register's reminders
(:func:`automation.ledger.reminders.reminders`) only. The register is
:mod:`automation.registers.collection`, the command ``eti missing`` and the reminder
letters :mod:`automation.cli.collection`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog, Expected, FormSpec
from automation.catalog.reference import References, School, load_references
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.core.periods import Calendar, Period, month, parse_period
from automation.core.settings import CollectionSettings, Settings, load_settings
from automation.ledger.guard import department_of
from automation.ledger.reminders import CIRCULAR_KIND, ReminderLetter, reminder_letters
from automation.ledger.store import Arrival, Ledger
from automation.processes.figures import Figure, RowSource, ratio_pct, school_key

log = logging.getLogger(__name__)

ON_TIME, LATE, MISSING, REJECTED, NOT_DUE, NOT_OWED = (
    "on_time", "late", "missing", "rejected", "not_due", "not_owed")
STATE_AR: dict[str, str] = {
    ON_TIME: "ورد في موعده",
    LATE: "ورد متأخراً",
    MISSING: "لم يرد",
    REJECTED: "مرفوض — بانتظار التصحيح",
    NOT_DUE: "لم يحن موعده",
    NOT_OWED: "غير مطلوب",
}
OWING: frozenset[str] = frozenset({MISSING, REJECTED})
"""The states ``eti missing`` lists and reminders chase: past due, or rejected."""

RATE_AR = "نسبة المدارس الملتزمة بإرسال التقارير في موعدها"
"""The figure and QF12-1 indicator: on time ÷ owed and due."""


# -- the rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """How the department follows collection: the catalog's declarations with
    ``[collection]`` of ``eti.toml`` over them."""

    calendar: Calendar = Calendar()
    months_off: frozenset[int] = frozenset({7, 8})
    due_days: Mapping[str, int] = field(default_factory=dict)
    forms_off: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings) -> Rules:
        calendar = settings.department.calendar
        section: CollectionSettings = settings.collection
        months = set(section.months_off)
        if "months_off" not in section.model_fields_set:  # the two months before the year
            start = calendar.school_year_start_month
            months = {(start - 3) % 12 + 1, (start - 2) % 12 + 1}
        return cls(calendar, frozenset(months), dict(section.due_days),
                   frozenset(section.forms_off))

    def expected(self, form: FormSpec) -> Expected | None:
        """What the form asks of schools, with its due day as ``eti.toml`` sets it; None
        for a form schools do not owe or one switched off."""
        if form.expected is None or form.code in self.forms_off:
            return None
        day = self.due_days.get(form.code)
        return replace(form.expected, due_day=day) if day else form.expected


def followed_forms(rules: Rules, catalog: Catalog = CATALOG) -> list[tuple[FormSpec, Expected]]:
    """The forms followed up, in catalog order, each with its effective expectation."""
    unknown = (set(rules.forms_off) | set(rules.due_days)) - set(catalog.codes)
    if unknown:
        log.warning("[collection] names forms the catalog does not have: %s",
                    ", ".join(sorted(unknown)))
    return [(form, exp) for form in catalog.expected_forms
            if (exp := rules.expected(form)) is not None]


def owes(school: School, expected: Expected) -> bool:
    """Whether the school owes the form at all (a library, a lab)."""
    if expected.owed_by == "library":
        return school.has_library
    if expected.owed_by == "lab":
        return school.has_lab
    return True


# -- the periods a form is owed for -------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One period a form is owed for: a month, a school year or a calendar year."""

    slug: str
    """``2026-11``, ``2025-2026`` or ``2026``: what ``--period`` and JSON name it by."""
    label_ar: str
    start: dt.date
    end: dt.date
    due: dt.date


def _day_in(year: int, month_no: int, day: int) -> dt.date:
    """``day`` of the month, or the month's last day when it is shorter."""
    last = (dt.date(year + month_no // 12, month_no % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month_no, min(day, last))


def month_slot(year: int, month_no: int, expected: Expected) -> Slot:
    due_year, due_month = (year + 1, 1) if month_no == 12 else (year, month_no + 1)
    span = month(year, month_no)
    return Slot(span.slug, span.label_ar, span.start, span.end,
                _day_in(due_year, due_month, expected.due_day))


def school_year_slot(first_year: int, expected: Expected, calendar: Calendar) -> Slot:
    span = calendar.school_year(first_year)
    due_month = expected.due_month or calendar.school_year_start_month
    due_year = first_year if due_month >= calendar.school_year_start_month else first_year + 1
    return Slot(span.slug, f"{first_year}/{first_year + 1}", span.start, span.end,
                _day_in(due_year, due_month, expected.due_day))


def year_slot(year: int, expected: Expected) -> Slot:
    return Slot(str(year), str(year), dt.date(year, 1, 1), dt.date(year, 12, 31),
                _day_in(year + 1, expected.due_month or 1, expected.due_day))


def school_year_of(day: dt.date, calendar: Calendar) -> int:
    """The first calendar year of the school year holding ``day``."""
    return day.year if day.month >= calendar.school_year_start_month else day.year - 1


def slots(expected: Expected, rules: Rules, start: dt.date, end: dt.date) -> list[Slot]:
    """The periods ``expected`` is owed for that overlap ``start``–``end``, oldest first
    (no monthly report for the summer months)."""
    out: list[Slot] = []
    if expected.frequency == "monthly":
        year, month_no = start.year, start.month
        while dt.date(year, month_no, 1) <= end:
            if month_no not in rules.months_off:
                out.append(month_slot(year, month_no, expected))
            year, month_no = (year + 1, 1) if month_no == 12 else (year, month_no + 1)
    elif expected.frequency == "school_year":
        for first in range(school_year_of(start, rules.calendar),
                           school_year_of(end, rules.calendar) + 1):
            out.append(school_year_slot(first, expected, rules.calendar))
    else:
        out = [year_slot(y, expected) for y in range(start.year, end.year + 1)]
    return out


def slot_of(expected: Expected, period_iso: str, rules: Rules) -> str:
    """The slot a copy belongs to, from its record date (``submissions.period``)."""
    try:
        day = dt.date.fromisoformat(period_iso[:10])
    except ValueError:
        return ""
    if expected.frequency == "monthly":
        return f"{day.year}-{day.month:02d}"
    if expected.frequency == "school_year":
        first = school_year_of(day, rules.calendar)
        return f"{first}-{first + 1}"
    return str(day.year)


_MONTH_RE = re.compile(r"^\s*(\d{4})\s*-\s*(\d{1,2})\s*$")


def parse_collection_period(text: str, calendar: Calendar) -> Period:
    """``2026-11`` (a month), ``2026-Q1``, ``2026`` or ``2025/2026``; ValueError otherwise."""
    if (match := _MONTH_RE.match(text)) and 1 <= int(match[2]) <= 12:
        return month(int(match[1]), int(match[2]))
    try:
        return parse_period(text, calendar)
    except ValueError:
        raise ValueError(
            f"unknown period {text!r}: write a month (2026-11), a quarter (2026-Q1), "
            "a year (2026) or a school year (2025/2026)") from None


def school_year_so_far(today: dt.date, calendar: Calendar) -> Period:
    """From the start of the current school year to today."""
    span = calendar.school_year(school_year_of(today, calendar))
    return Period(span.start, today, span.label_ar, span.slug)


# -- where each one stands --------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One (form, school, period) and its state."""

    form: str
    school: str
    slot: Slot
    state: str
    received: dt.date | None = None
    days_overdue: int = 0
    reminders: tuple[dt.date, ...] = ()

    @property
    def state_ar(self) -> str:
        return STATE_AR[self.state]

    @property
    def owing(self) -> bool:
        return self.state in OWING

    def json(self) -> dict[str, object]:
        """What ``eti missing --json`` prints of it."""
        return {"form": self.form, "period": self.slot.slug, "school": self.school,
                "due": self.slot.due.isoformat(), "days_overdue": self.days_overdue,
                "state": self.state}


@dataclass(frozen=True)
class Reminder:
    """A reminder sent for a form and period: to one school, or (``school`` empty) a
    circular to every school that owed it that day."""

    form: str
    slot: str
    day: dt.date
    school: str = ""
    number: str = ""


SCHOOL_PREFIX = "مدير/ة "
"""How a reminder letter is addressed to a school."""
_REMINDED = re.compile(r"([A-Z][A-Za-z0-9.-]*?) عن (\d{4}(?:-\d{2,4})?)")


def reminder_subject(items: Iterable[tuple[str, str]]) -> str:
    """A reminder letter's subject, naming each (form, slot) it reminds of."""
    return "تذكير بإرسال النماذج: " + "، ".join(f"{form} عن {slot}" for form, slot in items)


def reminders_of(letters: Iterable[ReminderLetter]) -> list[Reminder]:
    """The reminders the outgoing register's reminder letters stand for."""
    out: list[Reminder] = []
    for letter in letters:
        try:
            day = dt.date.fromisoformat(letter.issued_on[:10])
        except ValueError:
            continue
        school = "" if letter.kind == CIRCULAR_KIND else \
            letter.addressee.removeprefix(SCHOOL_PREFIX).strip()
        out += [Reminder(form, slot, day, school, letter.number)
                for form, slot in _REMINDED.findall(letter.subject)]
    return out


@dataclass
class _Copies:
    """What arrived for one (form, school): first accepted day by slot, rejections."""

    first: dict[str, dt.datetime] = field(default_factory=dict)
    rejected: list[tuple[dt.datetime, str]] = field(default_factory=list)


def _arrivals_by(arrivals: Iterable[Arrival], forms: dict[str, Expected],
                 rules: Rules) -> dict[tuple[str, str], _Copies]:
    out: dict[tuple[str, str], _Copies] = defaultdict(_Copies)
    for a in arrivals:
        expected = forms.get(a.form)
        if expected is None or not a.school:
            continue
        try:
            when = dt.datetime.fromisoformat(a.received_at)
        except ValueError:
            continue
        copies = out[(a.form, school_key(a.school))]
        slug = slot_of(expected, a.period, rules) if a.period else ""
        if a.outcome == "rejected":
            copies.rejected.append((when, slug))
        elif slug and (slug not in copies.first or when < copies.first[slug]):
            copies.first[slug] = when
    return out


def _rejected_slots(copies: _Copies, owed: list[Slot]) -> set[str]:
    """The slots a rejected copy still stands for: its own (read from the file) or, when
    the file did not say, the latest owed period begun by then and not yet received (a
    month already over first). A corrected copy that arrived after it clears it."""
    standing: set[str] = set()
    for when, slug in copies.rejected:
        if not slug:
            day = when.date()
            open_ = [s for s in owed if s.start <= day
                     and not (s.slug in copies.first and copies.first[s.slug] <= when)]
            ended = [s for s in open_ if s.end < day]
            pick = (ended or open_)[-1:] if (ended or open_) else []
            slug = pick[0].slug if pick else ""
        if slug and not (slug in copies.first and copies.first[slug] > when):
            standing.add(slug)
    return standing


def collect(
    arrivals: Iterable[Arrival],
    schools: Sequence[School],
    rules: Rules,
    today: dt.date,
    period: Period,
    *,
    forms: Sequence[str] = (),
    reminders: Sequence[Reminder] = (),
    catalog: Catalog = CATALOG,
) -> list[Entry]:
    """Every (form, school, period) of the periods overlapping ``period``, by form (catalog
    order), period, then school (the reference list's order)."""
    followed = [(f, e) for f, e in followed_forms(rules, catalog) if not forms or f.code in forms]
    by_school = _arrivals_by(arrivals, {f.code: e for f, e in followed}, rules)
    sent_on: dict[tuple[str, str], list[Reminder]] = defaultdict(list)
    for reminder in reminders:
        if reminder.day <= today:
            sent_on[(reminder.form, reminder.slot)].append(reminder)
    out: list[Entry] = []
    for form, expected in followed:
        owed_slots = slots(expected, rules, period.start, period.end)
        # a rejected file without a readable period may be for an earlier period
        all_slots = slots(expected, rules, min(period.start, today.replace(day=1))
                          - dt.timedelta(days=400), max(period.end, today))
        for slot in owed_slots:
            for school in schools:
                key = school_key(school.name)
                if not owes(school, expected):
                    out.append(Entry(form.code, school.name, slot, NOT_OWED))
                    continue
                copies = by_school.get((form.code, key), _Copies())
                first = copies.first.get(slot.slug)
                sent = tuple(sorted(
                    r.day for r in sent_on.get((form.code, slot.slug), ())
                    if (school_key(r.school) == key if r.school
                        else first is None or first.date() > r.day)))
                if first is not None and first.date() <= today:
                    state = ON_TIME if first.date() <= slot.due else LATE
                    out.append(Entry(form.code, school.name, slot, state, first.date(),
                                     reminders=sent))
                    continue
                overdue = max(0, (today - slot.due).days)
                if slot.slug in _rejected_slots(copies, all_slots):
                    state = REJECTED
                elif overdue > 0:
                    state = MISSING
                else:
                    state = NOT_DUE
                out.append(Entry(form.code, school.name, slot, state, None, overdue, sent))
    return out


def owing(entries: Iterable[Entry]) -> list[Entry]:
    """The entries still owed (missing or rejected), longest overdue first."""
    return sorted((e for e in entries if e.owing),
                  key=lambda e: (-e.days_overdue, e.form, e.slot.start, e.school))


@dataclass(frozen=True)
class FormTally:
    """How many schools still owe one form: missing, and rejected awaiting correction."""

    form: str
    missing: int
    rejected: int


def owing_by_form(entries: Iterable[Entry], catalog: Catalog = CATALOG) -> list[FormTally]:
    """The owed entries counted per form, in the catalog's order of forms."""
    tallies: dict[str, list[int]] = {}
    for entry in entries:
        counts = tallies.setdefault(entry.form, [0, 0])
        if entry.state == MISSING:
            counts[0] += 1
        elif entry.state == REJECTED:
            counts[1] += 1
    return [FormTally(code, *tallies[code]) for code in catalog.codes if code in tallies]


# -- the rate --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """On time ÷ owed and due, of one form over some periods."""

    on_time: int
    due: int

    @property
    def pct(self) -> Decimal | None:
        """The rate in % to one place (None when nothing was due)."""
        return ratio_pct(self.on_time, self.due)


def rate(entries: Iterable[Entry], today: dt.date) -> Rate:
    """Of the entries owed whose due day has passed by ``today``: how many arrived on time."""
    due = [e for e in entries if e.state != NOT_OWED and e.slot.due < today]
    return Rate(sum(1 for e in due if e.state == ON_TIME), len(due))


def rate_by_due_day(entries: Iterable[Entry], period: Period, today: dt.date) -> Rate:
    """The figure over ``period``: the (school, period) pairs whose due day falls in it
    (and has passed by ``today``), on time ÷ all of them. Each monthly report counts in
    the quarter its due day falls in: December's, due in January, in the first quarter."""
    chosen = [e for e in entries if e.state != NOT_OWED and period.start <= e.slot.due
              <= min(period.end, today - dt.timedelta(days=1))]
    return Rate(sum(1 for e in chosen if e.state == ON_TIME), len(chosen))


# -- read from a department -----------------------------------------------------------------------


def load_rules(dept: Department) -> Rules:
    """The department's rules (``eti.toml``); a bad file raises ConfigError."""
    return Rules.from_settings(load_settings(dept))


def entries_of(
    dept: Department,
    ledger: Ledger,
    today: dt.date,
    period: Period | None = None,
    *,
    forms: Sequence[str] = (),
    references: References | None = None,
    rules: Rules | None = None,
) -> list[Entry]:
    """:func:`collect` over the department's ledger, school list and settings; the
    current school year up to today when no period is given."""
    rules = rules or load_rules(dept)
    refs = references if references is not None else load_references(dept)
    followed = tuple(f.code for f, _ in followed_forms(rules))
    return collect(ledger.arrivals(followed), refs.schools, rules, today,
                   period or school_year_so_far(today, rules.calendar), forms=forms,
                   reminders=reminders_of(reminder_letters(ledger)))


# -- the figure ---------------------------------------------------------------------------------


def _rules_of(ledger: Ledger) -> Rules:
    dept = department_of(ledger.path)
    if dept is None:
        return Rules()
    try:
        return load_rules(dept)
    except EtiError as exc:  # a bad eti.toml is reported where it is read; figures go on
        log.warning("[collection] of eti.toml not read, defaults used: %s", exc)
        return Rules()


def collection_figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    """«نسبة المدارس الملتزمة بإرسال التقارير في موعدها» of all followed forms, then of
    each: the (school, period) pairs whose due day falls in ``period`` (and has passed),
    on time ÷ all of them (:func:`rate_by_due_day`)."""
    memo = src.memo.get(("collection", period.start, period.end))
    if memo is not None:
        return memo  # type: ignore[return-value]
    ledger = src.ledger
    rules = _rules_of(ledger)
    schools = list(getattr(references, "schools", None) or [])
    if not schools and (dept := department_of(ledger.path)) is not None:
        schools = load_references(dept).schools
    today = min(period.end + dt.timedelta(days=1), dt.date.today())
    followed = followed_forms(rules)
    span = Period(period.start - dt.timedelta(days=400), period.end, "", "")
    entries = collect(ledger.arrivals(tuple(f.code for f, _ in followed)), schools, rules,
                      today, span)
    rates = {form: rate_by_due_day([e for e in entries if e.form == form.code], period,
                                   today) for form, _ in followed}
    total = Rate(sum(r.on_time for r in rates.values()), sum(r.due for r in rates.values()))
    found = [Figure.keyed("p10.on_time_pct", RATE_AR, "ratio", total.pct)]  # type: ignore[arg-type]
    # labelled by the form's Arabic name (a report's Arabic text isolates a Latin code)
    found += [Figure.keyed(f"p10.on_time_pct.{form.code}", f"{RATE_AR}: {form.name_ar}",
                           "ratio", rate.pct)
              for form, rate in rates.items()]
    src.memo[("collection", period.start, period.end)] = found
    return found
