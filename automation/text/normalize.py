"""Reading the values staff type into Arabic Excel forms.

Every cell value passes through here before it is trusted: text is cleaned of
invisible characters, Arabic-Indic and Persian digits become ASCII digits,
names are folded for matching (alef forms, taa marbuta, alef maqsura, tatweel,
diacritics), and numbers, dates, months, years and yes/no answers are parsed.

A value that cannot be read raises :class:`ValueProblem`, which carries a
stable ``code``, an Arabic message for staff (what is wrong and what is
expected) and an English message for the log.

Standard library only.
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "ARABIC_MONTHS",
    "ValueProblem",
    "clean_text",
    "format_date",
    "is_blank",
    "normalize_name",
    "parse_date",
    "parse_decimal",
    "parse_int",
    "parse_month",
    "parse_pct",
    "parse_year",
    "parse_yesno",
    "to_ascii_digits",
    "year_span",
]


class ValueProblem(ValueError):
    """A value staff typed that cannot be read as its type."""

    code: str
    message_ar: str
    message_en: str

    def __init__(self, code: str, message_ar: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_ar = message_ar
        self.message_en = message_en

    def __repr__(self) -> str:
        return f"ValueProblem({self.code!r}, {self.message_en!r})"


# --------------------------------------------------------------------------- text

_DIGITS: dict[int, str | None] = {
    ord(zero) + i: str(i)
    for zero in ("٠", "۰")
    for i in range(10)  # Arabic-Indic, Persian
}
_DIGITS[ord("٫")] = "."  # Arabic decimal separator
_DIGITS[ord("٬")] = None  # Arabic thousands separator

# Characters removed outright: C0/C1 controls (except those turned into spaces),
# zero-width characters, bidi marks/embeddings/isolates, BOM, Arabic letter mark.
_REMOVED = (
    "\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f"
    "\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u061c"
)
_REMOVED_RE = re.compile(f"[{_REMOVED}]")
# Line-like controls that separate words: turned into a space, not glued.
_SPACE_CONTROLS_RE = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]")
_SPACES_RE = re.compile(r"\s+")  # str patterns: includes NBSP, U+2000-U+200A, U+202F, U+3000


def to_ascii_digits(text: str) -> str:
    """Turn Arabic-Indic (٠-٩) and Persian (۰-۹) digits into 0-9.

    The Arabic decimal separator ``٫`` becomes ``.`` and the Arabic thousands
    separator ``٬`` is removed.
    """
    return text.translate(_DIGITS)


def clean_text(value: object) -> str:
    """Return ``value`` as one line of visible text.

    ``None`` gives ``""``; whole floats (``3.0``) give ``"3"``. Tabs and line
    breaks become spaces; other control characters, zero-width characters and
    bidi marks are removed; runs of whitespace (including NBSP) collapse to
    one space; the result is stripped.
    """
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    text = _SPACE_CONTROLS_RE.sub(" ", text)
    text = _REMOVED_RE.sub("", text)
    return _SPACES_RE.sub(" ", text).strip()


_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",  # Persian yeh, from copy-paste and Persian keyboards
        "ک": "ك",  # Persian keheh
        "،": ",",
        "؛": ";",
        "؟": "?",
    }
)
_MARKS_RE = re.compile("[\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")  # tatweel, diacritics
_AROUND_SEPARATOR_RE = re.compile(r"\s*([,;:])\s*")
_AROUND_JOINER_RE = re.compile(r"\s*([-/])\s*")
_AFTER_OPEN_RE = re.compile(r"\(\s+")
_BEFORE_CLOSE_RE = re.compile(r"\s+([).!?])")


def normalize_name(value: object) -> str:
    """Fold a name, label or choice for matching (not for display).

    After :func:`clean_text`: alef forms (أ إ آ ٱ) become ا, ة becomes ه,
    ى becomes ي (ؤ and ئ are kept); tatweel and diacritics are removed;
    Arabic punctuation becomes Latin (، → ,); spacing around punctuation is
    made uniform (``a , b`` → ``a, b``; ``a - b`` → ``a-b``); Latin letters
    are casefolded; digits become ASCII; spaces collapse.
    """
    if type(value) is not str:
        return _normalize(value)
    try:
        return _NORMALIZED[value]  # schools, choices and dates come again file after file
    except KeyError:
        folded = _normalize(value)
        if len(_NORMALIZED) < 20_000 and len(value) <= 200:
            _NORMALIZED[value] = folded
        return folded


_NORMALIZED: dict[str, str] = {}


def _normalize(value: object) -> str:
    text = to_ascii_digits(clean_text(value))
    text = _MARKS_RE.sub("", text.translate(_LETTERS)).casefold()
    text = _SPACES_RE.sub(" ", text)
    text = _AROUND_SEPARATOR_RE.sub(r"\1 ", text)
    text = _AROUND_JOINER_RE.sub(r"\1", text)
    text = _AFTER_OPEN_RE.sub("(", text)
    text = _BEFORE_CLOSE_RE.sub(r"\1", text)
    return _SPACES_RE.sub(" ", text).strip()


# ------------------------------------------------------------------------ helpers


def _shown(value: object) -> str:
    """The value as staff typed it, shortened for a message."""
    text = clean_text(value)
    return text if len(text) <= 40 else text[:40] + "…"


def is_blank(value: object) -> bool:
    """Whether a cell's value is empty once cleaned (:func:`clean_text`)."""
    if value is None:
        return True
    if type(value) is str and value.isprintable():  # no control, no mark, no space but " "
        return not value.strip()
    return isinstance(value, str) and not clean_text(value)


def _empty() -> ValueProblem:
    return ValueProblem("empty", "هذه الخانة فارغة. اكتب قيمة فيها.", "empty value")


# ------------------------------------------------------------------------ numbers

_NUMBER_RE = re.compile(r"[+-]?(?:(?:\d{1,3}(?:[, ]\d{3})+|\d+)(?:\.\d+)?|\.\d+)")

_NUMBER_HINTS = {
    "int": ("عدداً صحيحاً", "اكتب رقماً بدون كسور، مثل 12.", "a whole number"),
    "decimal": ("رقماً", "اكتب الرقم فقط، مثل 12.500 أو 1250.", "a number"),
    "pct": ("نسبة مئوية", "اكتب رقماً بين 0 و100، مثل 85 أو 85%.", "a percentage"),
}


def _bad_number(value: object, kind: str) -> ValueProblem:
    what_ar, hint_ar, what_en = _NUMBER_HINTS[kind]
    shown = _shown(value)
    return ValueProblem(
        "bad-number",
        f"القيمة «{shown}» ليست {what_ar}. {hint_ar}",
        f"not {what_en}: {shown!r}",
    )


def _to_decimal(value: object, kind: str) -> Decimal:
    """Read a finite Decimal from a number or number text (any digit set)."""
    if is_blank(value):
        raise _empty()
    if isinstance(value, bool):
        raise _bad_number(value, kind)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _bad_number(value, kind)
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _bad_number(value, kind)
        return value
    if not isinstance(value, str):
        raise _bad_number(value, kind)
    text = to_ascii_digits(clean_text(value)).replace("\u2212", "-")
    text = re.sub(r"^([+-])\s+", r"\1", text)
    if not _NUMBER_RE.fullmatch(text):
        raise _bad_number(value, kind)
    return Decimal(text.replace(",", "").replace(" ", ""))


def _check_range(
    number: Decimal,
    value: object,
    minimum: Decimal | int | None,
    maximum: Decimal | int | None,
) -> None:
    shown = _shown(value)
    if minimum is not None and number < minimum:
        if number < 0 <= minimum:
            raise ValueProblem(
                "negative",
                f"القيمة «{shown}» سالبة، ولا تُقبل هنا قيمة سالبة. اكتب رقماً لا يقل عن {minimum}.",
                f"negative value {shown!r} (minimum {minimum})",
            )
        if maximum is not None:
            expected = f"اكتب رقماً بين {minimum} و{maximum}."
        else:
            expected = f"اكتب رقماً لا يقل عن {minimum}."
        raise ValueProblem(
            "out-of-range",
            f"القيمة «{shown}» أقل من المسموح. {expected}",
            f"{shown!r} is below the minimum {minimum}",
        )
    if maximum is not None and number > maximum:
        if minimum is not None:
            expected = f"اكتب رقماً بين {minimum} و{maximum}."
        else:
            expected = f"اكتب رقماً لا يزيد عن {maximum}."
        raise ValueProblem(
            "out-of-range",
            f"القيمة «{shown}» أكبر من المسموح. {expected}",
            f"{shown!r} is above the maximum {maximum}",
        )


def parse_int(value: object, *, minimum: int | None = 0, maximum: int | None = None) -> int:
    """Read a whole number: ``12``, ``12.0``, ``"١٢"``, ``"1,250"``, ``"١٬٢٥٠"``, ``"1 250"``.

    Fractions (2.5), text, NaN, infinity and booleans are problems
    (``bad-number``); values outside ``minimum``/``maximum`` give ``negative``
    (a negative value where negatives are not allowed) or ``out-of-range``.
    """
    number = _to_decimal(value, "int")
    if number != number.to_integral_value():
        raise _bad_number(value, "int")
    result = int(number)
    _check_range(Decimal(result), value, minimum, maximum)
    return result


def parse_decimal(
    value: object,
    *,
    places: int = 3,
    minimum: Decimal | None = Decimal(0),
    maximum: Decimal | None = None,
) -> Decimal:
    """Read an amount (JOD has 3 decimals: fils), rounded half-up to ``places``.

    Accepts numbers and text such as ``"١٢٫٥٠٠"``, ``"1,250.5"`` or ``"12.5"``.
    Text, NaN, infinity and booleans are ``bad-number``; range problems as in
    :func:`parse_int`.
    """
    number = _to_decimal(value, "decimal")
    try:
        result = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        shown = _shown(value)
        raise ValueProblem(
            "out-of-range",
            f"القيمة «{shown}» كبيرة جداً. اكتب المبلغ الصحيح.",
            f"number too large: {shown!r}",
        ) from None
    if result == 0:
        result = abs(result)  # no "-0.000"
    _check_range(result, value, minimum, maximum)
    return result


def parse_pct(value: object) -> Decimal:
    """Read a percentage between 0 and 100: ``85``, ``"85%"``, ``"٨٥٪"``, ``"%85"``.

    ``0.85`` means 0.85 percent (no guessing). Returned as typed, not rounded.
    """
    if is_blank(value):
        raise _empty()
    text = value
    if isinstance(value, str):
        text = clean_text(value).strip("%٪﹪％").strip()  # noqa: B005 - a set of signs
        if not text:
            raise _bad_number(value, "pct")
    number = _to_decimal(text, "pct")
    if not 0 <= number <= 100:
        shown = _shown(value)
        raise ValueProblem(
            "negative" if number < 0 else "out-of-range",
            f"النسبة «{shown}» غير ممكنة. اكتب نسبة بين 0 و100.",
            f"percentage {shown!r} is outside 0..100",
        )
    return number


# -------------------------------------------------------------------------- dates

_MIN_YEAR = 1900
_MAX_YEAR = 2100
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 61 and later (after the fake 29/2/1900)

_DATE_HINT_AR = "اكتب التاريخ بالشكل يوم/شهر/سنة مثل 15/3/2026."
_TIME = (
    r"(?:(?:\s+|[Tt])\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:\s*[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_SEP = r"\s*([/.\\-])\s*"
_YMD_RE = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}})\s*\2\s*(\d{{1,2}}){_TIME}")
_DMY_RE = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}})\s*\2\s*(\d+){_TIME}")


def _bad_date(value: object) -> ValueProblem:
    shown = _shown(value)
    return ValueProblem(
        "bad-date",
        f"لا يمكن قراءة التاريخ «{shown}». {_DATE_HINT_AR}",
        f"cannot read date {shown!r}; expected d/m/yyyy",
    )


def _year_out_of_range(value: object) -> ValueProblem:
    shown = _shown(value)
    return ValueProblem(
        "bad-date",
        f"سنة التاريخ «{shown}» غير مقبولة. "
        f"اكتب تاريخاً بين سنة {_MIN_YEAR} وسنة {_MAX_YEAR}، مثل 15/3/2026.",
        f"date {shown!r} is outside the years {_MIN_YEAR}..{_MAX_YEAR}",
    )


def _impossible(value: object) -> ValueProblem:
    shown = _shown(value)
    return ValueProblem(
        "impossible-date",
        f"التاريخ غير موجود في التقويم: {shown}. تأكد من اليوم والشهر، و{_DATE_HINT_AR}",
        f"no such date in the calendar: {shown!r}",
    )


def _checked(result: datetime.date, value: object) -> datetime.date:
    if not _MIN_YEAR <= result.year <= _MAX_YEAR:
        raise _year_out_of_range(value)
    return result


def _make_date(year: int, month: int, day: int, value: object) -> datetime.date:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise _year_out_of_range(value)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise _impossible(value) from None


def _from_serial(serial: float | int | Decimal, value: object) -> datetime.date:
    """An Excel serial number (1900 date system) as a date; the time part is dropped."""
    if isinstance(serial, Decimal):
        if not serial.is_finite():
            raise _bad_date(value)
    elif not math.isfinite(serial):
        raise _bad_date(value)
    if not 1 <= serial < _EXCEL_MAX_SERIAL + 1:
        raise _bad_date(value)
    days = int(serial)  # serial >= 1, so int() is floor
    if days == 60:  # Excel's 29/2/1900, a day that never existed
        raise _impossible(value)
    if days < 60:
        days += 1
    return _checked(_EXCEL_EPOCH + datetime.timedelta(days=days), value)


def _date_from_text(text: str, value: object) -> datetime.date | None:
    """Read d/m/yyyy or yyyy/m/d text (ASCII digits); None if it is no such form."""
    match = _YMD_RE.fullmatch(text)
    if match:
        year, _, month, day = match.groups()
        return _make_date(int(year), int(month), int(day), value)
    match = _DMY_RE.fullmatch(text)
    if match:
        day, _, month, year = match.groups()
        if len(year) == 2:
            shown = _shown(value)
            raise ValueProblem(
                "bad-date",
                f"السنة في التاريخ «{shown}» مكتوبة برقمين. "
                "اكتب السنة كاملة بأربعة أرقام، مثل 15/3/2026.",
                f"two-digit year in date {shown!r}; write four digits",
            )
        if len(year) != 4:
            raise _bad_date(value)
        return _make_date(int(year), int(month), int(day), value)
    return None


def parse_date(value: object) -> datetime.date:
    """Read a date as staff or Excel give it.

    Accepts ``datetime.datetime``/``datetime.date``; Excel serial numbers
    (1900 date system, e.g. 45000 → 2023-03-15; fractions are the time of day
    and are dropped); and text in any digit set: ``d/m/yyyy``, ``d-m-yyyy``,
    ``d.m.yyyy``, ``yyyy/m/d``, ``yyyy-m-d`` (optionally followed by a time).
    Two-digit years, unreadable values and years outside 1900..2100 give
    ``bad-date``; days that do not exist (31/2/2026) give ``impossible-date``.
    """
    if is_blank(value):
        raise _empty()
    if isinstance(value, datetime.datetime):
        return _checked(value.date(), value)
    if isinstance(value, datetime.date):
        return _checked(value, value)
    if isinstance(value, bool):
        raise _bad_date(value)
    if isinstance(value, int | float | Decimal):
        return _from_serial(value, value)
    if not isinstance(value, str):
        raise _bad_date(value)
    result = _date_from_text(to_ascii_digits(clean_text(value)), value)
    if result is None:
        raise _bad_date(value)
    return result


def format_date(d: datetime.date) -> str:
    """Show a date as staff read it in Arabic documents: ``15/3/2026``."""
    return f"{d.day}/{d.month}/{d.year}"


# ------------------------------------------------------------------------- months

ARABIC_MONTHS: dict[int, str] = {
    1: "كانون الثاني",
    2: "شباط",
    3: "آذار",
    4: "نيسان",
    5: "أيار",
    6: "حزيران",
    7: "تموز",
    8: "آب",
    9: "أيلول",
    10: "تشرين الأول",
    11: "تشرين الثاني",
    12: "كانون الأول",
}

_OTHER_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("كانون ثاني", "يناير"),
    2: ("فبراير",),
    3: ("مارس",),
    4: ("أبريل", "إبريل"),
    5: ("مايو",),
    6: ("يونيو", "يونيه"),
    7: ("يوليو", "يوليه"),
    8: ("أغسطس",),
    9: ("سبتمبر",),
    10: ("تشرين أول", "أكتوبر"),
    11: ("تشرين ثاني", "نوفمبر"),
    12: ("كانون أول", "ديسمبر"),
}

_MONTH_BY_NAME: dict[str, int] = {
    normalize_name(name): month
    for month, names in _OTHER_MONTH_NAMES.items()
    for name in (ARABIC_MONTHS[month], *names)
}

_MONTH_HINT_AR = "اكتب الشهر والسنة، مثل 3/2026 أو آذار 2026."
_MONTH_YEAR_RE = re.compile(r"(\d{1,2})(?:\s*[/.\\-]\s*|\s+)(\d+)")
_YEAR_MONTH_RE = re.compile(r"(\d{4})(?:\s*[/.\\-]\s*|\s+)(\d{1,2})")
_NAME_PARTS_RE = re.compile(r"[-/\\,().]")


def _bad_month(value: object, detail_ar: str = "", detail_en: str = "") -> ValueProblem:
    shown = _shown(value)
    return ValueProblem(
        "bad-month",
        f"لا يمكن قراءة الشهر «{shown}». {detail_ar}{_MONTH_HINT_AR}",
        f"cannot read month {shown!r}{detail_en}; expected e.g. 3/2026",
    )


def _make_month(year: int, month: int, value: object) -> datetime.date:
    if not 1 <= month <= 12:
        raise _bad_month(value, "رقم الشهر يجب أن يكون من 1 إلى 12. ", " (month not 1..12)")
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise _bad_month(
            value,
            f"السنة يجب أن تكون بين {_MIN_YEAR} و{_MAX_YEAR}. ",
            " (year out of range)",
        )
    return datetime.date(year, month, 1)


def _two_digit_year(value: object) -> ValueProblem:
    return _bad_month(value, "اكتب السنة كاملة بأربعة أرقام. ", " (two-digit year)")


def parse_month(value: object) -> datetime.date:
    """Read a month; returns its first day.

    Accepts dates and datetimes (any day), Excel serials, ``m/yyyy``,
    ``m-yyyy``, ``yyyy/m``, ``yyyy-m``, a full date string, and Arabic month
    names (Levantine: كانون الثاني … كانون الأول; Egyptian/Gulf: يناير …
    ديسمبر; hamza/alef variants; both together such as «آذار (مارس)»)
    before or after a four-digit year. A month name without a year is a
    ``bad-month`` problem: the year is needed. Unreadable values are
    ``bad-month``; a full date that does not exist is ``impossible-date``.
    """
    if is_blank(value):
        raise _empty()
    if isinstance(value, bool):
        raise _bad_month(value)
    if isinstance(value, datetime.date | int | float | Decimal):
        try:
            return parse_date(value).replace(day=1)
        except ValueProblem as exc:
            if exc.code == "bad-date":
                raise _bad_month(value) from None
            raise
    if not isinstance(value, str):
        raise _bad_month(value)

    text = to_ascii_digits(clean_text(value))
    match = _MONTH_YEAR_RE.fullmatch(text)
    if match:
        month, year = match.groups()
        if len(year) == 2:
            raise _two_digit_year(value)
        if len(year) != 4:
            raise _bad_month(value)
        return _make_month(int(year), int(month), value)
    match = _YEAR_MONTH_RE.fullmatch(text)
    if match:
        year, month = match.groups()
        return _make_month(int(year), int(month), value)
    try:
        full_date = _date_from_text(text, value)
    except ValueProblem as exc:
        if exc.code == "bad-date":
            raise _bad_month(value) from None
        raise  # impossible-date names the day that does not exist
    if full_date is not None:
        return full_date.replace(day=1)

    folded = normalize_name(value)
    numbers = re.findall(r"\d+", folded)
    words = re.sub(r"\d+", " ", folded)
    parts = [part.strip() for part in _NAME_PARTS_RE.split(words)]
    parts = [re.sub(r"^شهر\s*", "", part) for part in parts if part]
    months = {_MONTH_BY_NAME.get(part) for part in parts}
    if not parts or None in months or len(months) != 1:
        raise _bad_month(value)
    month = months.pop()
    assert month is not None
    if not numbers:
        shown = _shown(value)
        raise ValueProblem(
            "bad-month",
            f"الشهر «{shown}» مكتوب بدون سنة. اكتب الشهر مع السنة، مثل آذار 2026.",
            f"month {shown!r} has no year; expected e.g. 3/2026",
        )
    if len(numbers) != 1:
        raise _bad_month(value)
    if len(numbers[0]) == 2:
        raise _two_digit_year(value)
    if len(numbers[0]) != 4:
        raise _bad_month(value)
    return _make_month(int(numbers[0]), month, value)


# -------------------------------------------------------------------------- years

_FIRST_YEAR = 1990
_LAST_YEAR = 2100
_YEAR_HINT_AR = "اكتب السنة مثل 2026، أو العام الدراسي مثل 2025/2026."
_CALENDAR_YEAR_RE = re.compile(r"(\d{4})(?:\.0+)?")
_SCHOOL_YEAR_RE = re.compile(r"(\d{4})\s*[/\\-]\s*(\d+)")


def _bad_year(value: object, detail_ar: str = "", detail_en: str = "") -> ValueProblem:
    shown = _shown(value)
    return ValueProblem(
        "bad-year",
        f"لا يمكن قراءة السنة «{shown}». {detail_ar}{_YEAR_HINT_AR}",
        f"cannot read year {shown!r}{detail_en}; expected 2026 or 2025/2026",
    )


def _check_year(year: int, value: object) -> None:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise _bad_year(
            value,
            f"السنة يجب أن تكون بين {_FIRST_YEAR} و{_LAST_YEAR}. ",
            f" (outside {_FIRST_YEAR}..{_LAST_YEAR})",
        )


def parse_year(value: object) -> str:
    """Read a calendar year (``"2026"``) or a school year (``"2025/2026"``).

    ``2026``, ``2026.0``, ``"٢٠٢٦"`` give ``"2026"``; ``"2025/2026"``,
    ``"2025-2026"`` and ``"2025/26"`` give ``"2025/2026"`` (the second year
    must follow the first). Years must lie in 1990..2100 (``bad-year``).
    """
    if is_blank(value):
        raise _empty()
    if isinstance(value, bool):
        raise _bad_year(value)
    if isinstance(value, int | float | Decimal):
        try:
            number = _to_decimal(value, "int")
        except ValueProblem:
            raise _bad_year(value) from None
        if number != number.to_integral_value():
            raise _bad_year(value)
        _check_year(int(number), value)
        return str(int(number))
    if not isinstance(value, str):
        raise _bad_year(value)

    text = to_ascii_digits(clean_text(value))
    match = _CALENDAR_YEAR_RE.fullmatch(text)
    if match:
        year = int(match.group(1))
        _check_year(year, value)
        return str(year)
    match = _SCHOOL_YEAR_RE.fullmatch(text)
    if not match:
        raise _bad_year(value)
    first = int(match.group(1))
    second_text = match.group(2)
    if len(second_text) == 2:
        second = first - first % 100 + int(second_text)
        if second < first:
            second += 100  # 2099/00
    elif len(second_text) == 4:
        second = int(second_text)
    else:
        raise _bad_year(value)
    if second != first + 1:
        shown = _shown(value)
        raise ValueProblem(
            "bad-year",
            f"العام الدراسي «{shown}» غير صحيح: السنة الثانية يجب أن تلي الأولى مباشرة، "
            "مثل 2025/2026.",
            f"school year {shown!r}: the second year must follow the first",
        )
    _check_year(first, value)
    return f"{first}/{second}"


def year_span(year: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a year: ``"2026"`` → 1/1/2026–31/12/2026;
    school year ``"2025/2026"`` → 1/9/2025–31/8/2026."""
    canonical = parse_year(year)
    if "/" in canonical:
        first = int(canonical.split("/")[0])
        return datetime.date(first, 9, 1), datetime.date(first + 1, 8, 31)
    calendar_year = int(canonical)
    return datetime.date(calendar_year, 1, 1), datetime.date(calendar_year, 12, 31)


# ------------------------------------------------------------------------- yes/no

_YES = {
    normalize_name(word)
    for word in ("نعم", "ن", "✓", "✔", "☑", "✅", "yes", "y", "true", "1", "1.0", "صح", "صحيح")
}
_NO = {
    normalize_name(word)
    for word in ("لا", "✗", "✘", "✖", "❌", "☒", "x", "×", "no", "n", "false", "0", "0.0", "خطأ")
}


def parse_yesno(value: object) -> bool:
    """Read a yes/no answer.

    Yes: نعم, ن, ✓, ✔, صح, yes, y, true, 1. No: لا, ✗, ✘, x, خطأ, no, n,
    false, 0. Booleans pass through. Anything else is ``bad-yesno``.
    """
    if is_blank(value):
        raise _empty()
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        word = normalize_name(value.replace("\ufe0f", "").replace("\ufe0e", ""))
        if word in _YES:
            return True
        if word in _NO:
            return False
    shown = _shown(value)
    raise ValueProblem(
        "bad-yesno",
        f"القيمة «{shown}» غير مفهومة. اختر نعم أو لا.",
        f"not a yes/no answer: {shown!r}",
    )
