"""Left-to-right runs inside Arabic text, isolated so the bidi algorithm keeps them whole.

In a right-to-left paragraph a file name «مدرسة الأمل 12-11.xlsx» is laid out as
"xlsx.11-12", a path ``outbox/decisions/قرار-1.docx`` comes apart at its slashes and a
code ``QF75-11`` beside a number can trade places with it. Wrapping each such run in the
Unicode isolates LRI … PDI (U+2066, U+2069) makes it one left-to-right unit that the
surrounding Arabic cannot reorder: Word and LibreOffice lay it out as written.

:func:`isolate_ltr` is applied to every text value a document prints, after the values
were cleaned of any bidi control they carried (:data:`automation.text.characters.
DOCUMENT_CONTROL_RE`), so the only isolates in a document are these balanced pairs.
Plain numbers, dates (``15/10/2026``) and percentages keep their order without help and
are left alone; charts (drawn by matplotlib, which has no glyph for an isolate) are not
passed through here.
"""

from __future__ import annotations

import re

__all__ = ["LRI", "PDI", "isolate_ltr"]

LRI = "\u2066"
"""LEFT-TO-RIGHT ISOLATE: starts a run laid out left to right as one unit."""
PDI = "\u2069"
"""POP DIRECTIONAL ISOLATE: ends it."""

_LATIN = "A-Za-z\u00c0-\u024f"
_PATH_RE = re.compile(r"[^\s«»\"'()،؛]*[/\\][^\s«»\"'()،؛]*")
"""A token holding a slash or backslash (a path or a file's place)."""
_RUN_RE = re.compile(
    rf"[{_LATIN}0-9](?:[{_LATIN}0-9._\-/\\:@+#]|\s(?=[{_LATIN}/]|/\s[{_LATIN}]))*"
    rf"[{_LATIN}0-9]|[{_LATIN}]"
)
"""A left-to-right run: Latin letters and digits, joined by the punctuation of codes,
file names and addresses, and by single spaces between Latin words or around a slash
(``QP-70-2 / P7``)."""
_ARABIC_RE = re.compile("[\u0600-\u06ff]")
_NEEDS_RE = re.compile(rf"[{_LATIN}\-_\\@]")
"""What makes a run reorder in Arabic text: a Latin letter, or digits joined by a hyphen,
underscore, backslash or at sign (``12-11`` shows as ``11-12``)."""


def _wrap(run: str) -> str:
    return f"{LRI}{run}{PDI}"


def _isolate_runs(text: str) -> str:
    return _RUN_RE.sub(
        lambda m: _wrap(m.group()) if _NEEDS_RE.search(m.group()) else m.group(), text
    )


def _is_path(token: str) -> bool:
    """A path or a place of a file, not a date or a «أ/ب» choice: it has a Latin letter."""
    return re.search(f"[{_LATIN}]", token) is not None


def _isolated_path(token: str) -> str:
    """A path: its folders as one left-to-right unit; a file name in Arabic after them
    reads right to left with its own Latin runs isolated («outbox/reports/» then
    «تقرير-ربعي-2026-Q1.docx»). A path with Arabic among its folders is isolated whole."""
    cut = max(token.rfind("/"), token.rfind("\\")) + 1
    folders, name = token[:cut], token[cut:]
    if _ARABIC_RE.search(name) and not _ARABIC_RE.search(folders):
        return _wrap(folders) + _isolate_runs(name)
    return _wrap(token)


def isolate_ltr(text: str) -> str:
    """``text`` with each left-to-right run wrapped in LRI … PDI.

    A token holding a slash and a Latin letter is a path: its folders are isolated whole
    (:func:`_isolated_path`); elsewhere each run of Latin letters and digits joined
    by code punctuation is, when it would reorder (it has a letter, or a hyphen between
    digits). Text with nothing left-to-right in it is returned as it is.
    """
    if not text or _NEEDS_RE.search(text) is None:
        return text
    out: list[str] = []
    last = 0
    for m in _PATH_RE.finditer(text):
        token = m.group()
        if not _is_path(token):
            continue
        out.append(_isolate_runs(text[last:m.start()]))
        out.append(_isolated_path(token))
        last = m.end()
    out.append(_isolate_runs(text[last:]))
    return "".join(out)
