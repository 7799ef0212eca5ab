"""Reading the text staff type into Arabic Excel forms: one clean line, ASCII digits,
and names folded for matching.

Every cell value passes through :func:`clean_text` before it is trusted: invisible
characters go, Arabic-Indic and Persian digits become ASCII digits
(:func:`to_ascii_digits`), and :func:`normalize_name` folds names for matching (alef
forms, taa marbuta, alef maqsura, tatweel, diacritics). Numbers are read by
:mod:`automation.text.numbers`, dates, months and years by :mod:`automation.text.dates`.

Standard library only.
"""

from __future__ import annotations

import math
import re

from automation.text.characters import BIDI_CONTROLS, BOM, ZERO_WIDTH

__all__ = ["clean_text", "is_blank", "normalize_name", "to_ascii_digits"]

_DIGITS: dict[int, str | None] = {
    ord(zero) + i: str(i)
    for zero in ("٠", "۰")
    for i in range(10)  # Arabic-Indic, Persian
}
_DIGITS[ord("٫")] = "."  # Arabic decimal separator
_DIGITS[ord("٬")] = None  # Arabic thousands separator

# Characters removed outright: C0/C1 controls (except those turned into spaces),
# zero-width characters, bidi marks/embeddings/isolates, word joiner, BOM, Arabic letter mark.
_REMOVED = f"\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f{ZERO_WIDTH}{BIDI_CONTROLS}\u2060{BOM}\u061c"
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




def is_blank(value: object) -> bool:
    """Whether a cell's value is empty once cleaned (:func:`clean_text`)."""
    if value is None:
        return True
    if type(value) is str and value.isprintable():  # no control, no mark, no space but " "
        return not value.strip()
    return isinstance(value, str) and not clean_text(value)
