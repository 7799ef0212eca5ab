"""Finding a school of the reference list by its name or national number."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Protocol

from automation.text.arabic import normalize_name, to_ascii_digits


class SchoolLike(Protocol):
    school_no: str
    name: str


@dataclass(frozen=True)
class SchoolMatch:
    name: str
    school_no: str


class SchoolIndex:
    """Schools by normalized name and by national number, with near-miss suggestions."""

    def __init__(self, schools: list[SchoolLike], extra: tuple[str, ...] = ()) -> None:
        self.by_name: dict[str, SchoolMatch] = {}
        self.by_number: dict[str, SchoolMatch] = {}
        for school in schools:
            match = SchoolMatch(school.name, str(school.school_no))
            self.by_name[normalize_name(school.name)] = match
            number = to_ascii_digits(str(school.school_no)).strip()
            if number:
                self.by_number[number] = match
        for name in extra:
            self.by_name.setdefault(normalize_name(name), SchoolMatch(name, ""))
        self._cache: dict[str, SchoolMatch | None] = {}

    def __len__(self) -> int:
        return len(self.by_name)

    def find(self, value: object) -> SchoolMatch | None:
        """The school named or numbered by ``value``, or None."""
        text = str(value)
        if text in self._cache:
            return self._cache[text]
        key = normalize_name(text)
        number = to_ascii_digits(text).strip()
        if number.endswith(".0"):
            number = number[:-2]
        found = self.by_name.get(key) or self.by_number.get(number)
        if found is None:
            stripped = key.removeprefix("مدرسه ").strip()
            for name, match in self.by_name.items():
                if name.removeprefix("مدرسه ").strip() == stripped:
                    found = match
                    break
        self._cache[text] = found
        return found

    def suggest(self, value: object) -> str | None:
        """The closest school name, for «هل تقصد …؟»."""
        close = difflib.get_close_matches(
            normalize_name(value), list(self.by_name), n=1, cutoff=0.75
        )
        return self.by_name[close[0]].name if close else None
