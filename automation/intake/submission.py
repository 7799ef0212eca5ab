"""A workbook read into a plain value, every value with the cell it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class CellValue(NamedTuple):
    """A raw value as the workbook held it (cached, never a formula) and its cell."""

    value: object
    cell: str


@dataclass
class SubmittedRow:
    """One table row: raw values by field key, and the sheet row number (1-based).

    ``raw`` holds the values alone, as validation reads them; ``letters`` the column
    of each field (shared by the rows of a sheet). :attr:`values` pairs each value
    with its cell, made only when asked (to point at a cell in a problem).
    """

    number: int
    raw: dict[str, object]
    letters: dict[str, str]

    @property
    def values(self) -> dict[str, CellValue]:
        return {key: CellValue(value, self.cell(key)) for key, value in self.raw.items()}

    def cell(self, key: str) -> str:
        """The reference of the field's cell in this row (``C12``)."""
        return f"{self.letters[key]}{self.number}"


@dataclass
class Submission:
    """What the reader made of one workbook.

    ``form`` is the identified form code, or ``""`` when the layout is unknown.
    ``workbook_id`` comes from the hidden ``_meta`` sheet when there is one.
    ``header`` and ``rows`` hold raw values keyed by field key; validation
    turns them into typed values.
    """

    form: str
    sheet: str
    header: dict[str, CellValue] = field(default_factory=dict)
    rows: list[SubmittedRow] = field(default_factory=list)
    workbook_id: str = ""
    catalog_version: str = ""
    meta_school: str = ""
    column_of: dict[str, str] = field(default_factory=dict)
    header_row: int = 0
