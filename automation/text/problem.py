"""A value staff typed that cannot be read: :class:`ValueProblem`.

It carries a stable ``code``, an Arabic message for staff (what is wrong and what
is expected) and an English message for the log. The readers of
:mod:`automation.text.numbers` and :mod:`automation.text.dates` raise it, as do the
catalog's row models.
"""

from __future__ import annotations

from automation.text.arabic import clean_text

__all__ = ["ValueProblem", "as_typed", "empty_value"]


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


def as_typed(value: object) -> str:
    """The value as staff typed it, shortened for a message."""
    text = clean_text(value)
    return text if len(text) <= 40 else text[:40] + "…"


def empty_value() -> ValueProblem:
    """The problem of a cell left empty where a value is needed."""
    return ValueProblem("empty", "هذه الخانة فارغة. اكتب قيمة فيها.", "empty value")
