"""Reading the numbers and yes/no answers staff type into Arabic Excel forms.

Whole numbers, amounts (JOD, three decimals) and percentages in any digit set, with
thousands separators; yes/no in Arabic, English and check marks. A value that
cannot be read raises :class:`~automation.text.problem.ValueProblem`.

Standard library only.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from automation.text.arabic import clean_text, is_blank, normalize_name, to_ascii_digits
from automation.text.problem import ValueProblem, as_typed, empty_value

__all__ = ["parse_decimal", "parse_int", "parse_pct", "parse_yesno"]

# ------------------------------------------------------------------------ numbers

_NUMBER_RE = re.compile(r"[+-]?(?:(?:\d{1,3}(?:[, ]\d{3})+|\d+)(?:\.\d+)?|\.\d+)")

_NUMBER_HINTS = {
    "int": ("عدداً صحيحاً", "اكتب رقماً بدون كسور، مثل 12.", "a whole number"),
    "decimal": ("رقماً", "اكتب الرقم فقط، مثل 12.500 أو 1250.", "a number"),
    "pct": ("نسبة مئوية", "اكتب رقماً بين 0 و100، مثل 85 أو 85%.", "a percentage"),
}


def _bad_number(value: object, kind: str) -> ValueProblem:
    what_ar, hint_ar, what_en = _NUMBER_HINTS[kind]
    shown = as_typed(value)
    return ValueProblem(
        "bad-number",
        f"القيمة «{shown}» ليست {what_ar}. {hint_ar}",
        f"not {what_en}: {shown!r}",
    )


def _to_decimal(value: object, kind: str) -> Decimal:
    """Read a finite Decimal from a number or number text (any digit set)."""
    if is_blank(value):
        raise empty_value()
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
    shown = as_typed(value)
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
        shown = as_typed(value)
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
        raise empty_value()
    text = value
    if isinstance(value, str):
        text = clean_text(value).strip("%٪﹪％").strip()  # noqa: B005 - a set of signs
        if not text:
            raise _bad_number(value, "pct")
    number = _to_decimal(text, "pct")
    if not 0 <= number <= 100:
        shown = as_typed(value)
        raise ValueProblem(
            "negative" if number < 0 else "out-of-range",
            f"النسبة «{shown}» غير ممكنة. اكتب نسبة بين 0 و100.",
            f"percentage {shown!r} is outside 0..100",
        )
    return number


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
        raise empty_value()
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
    shown = as_typed(value)
    raise ValueProblem(
        "bad-yesno",
        f"القيمة «{shown}» غير مفهومة. اختر نعم أو لا.",
        f"not a yes/no answer: {shown!r}",
    )
