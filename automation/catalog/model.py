"""The form catalog's vocabulary: what a form, a field and a rule are.

The forms themselves are declared once, as data, in :mod:`automation.catalog.forms`;
everything else (blank workbooks, row models, the reader's header matching,
register columns, error messages) is derived from those declarations.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Literal

FieldType = Literal[
    "text", "int", "jod", "date", "month", "year", "yesno", "pct", "choice", "school"
]
"""The field types of FORMS.md."""

KeptAt = Literal["department", "school"]

Frequency = Literal["monthly", "school_year", "calendar_year"]
"""How often a school owes a copy of a form (:class:`Expected`)."""

OwedBy = Literal["all", "library", "lab"]
"""Which schools owe it: every school, those with a library, those with a lab (the
«مكتبة» and «مختبر» columns of ``workbooks/reference/schools.xlsx``)."""

FREQUENCY_AR: dict[str, str] = {
    "monthly": "شهري",
    "school_year": "مرة كل عام دراسي",
    "calendar_year": "مرة كل سنة",
}
OWED_BY_AR: dict[str, str] = {
    "all": "جميع المدارس",
    "library": "المدارس التي فيها مكتبة",
    "lab": "المدارس التي فيها مختبر",
}

KEPT_AT_AR: dict[str, str] = {"department": "القسم", "school": "المدرسة"}
"""Where a record is kept, as QP-70-2's records table says it."""

DATE_TYPES: frozenset[str] = frozenset({"date", "month", "year"})
LIST_TYPES: frozenset[str] = frozenset({"choice", "yesno", "school"})


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form: a header value or a table column.

    ``choices`` holds a fixed list; ``choices_from`` names a reference list
    (``"device_types"``) whose values are the choices. ``extra_choices`` are
    allowed besides the reference list (``المديرية`` for a school field).
    """

    key: str
    label: str
    type: FieldType = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    choices_from: str | None = None
    extra_choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    unique: bool = False
    hint: str = ""

    @property
    def is_list(self) -> bool:
        """Whether the blank workbook offers a dropdown for this field (a text field
        naming a reference list, or with fixed ``choices``, offers it as an open list: any
        text is accepted)."""
        return (self.type in LIST_TYPES or self.choices_from is not None
                or (self.type == "text" and bool(self.choices)))


@dataclass(frozen=True)
class Rule:
    """A rule between fields of one row (header values count as row values).

    kinds:
    - ``not_before``: ``fields[0]`` (a date) is not earlier than ``fields[1]``.
    - ``not_more``: ``fields[0]`` (a number) is not more than ``fields[1]``.
    - ``needs``: when ``when`` (a field) holds one of ``values``, ``fields``
      must all be filled.
    - ``exists_in``: ``fields[0]`` must equal a ``ref_field`` value of an
      accepted ``ref_form`` row (an error), e.g. a fibre fault's site.
    - ``cites_unrepairable``: ``fields[0]`` should be the reference of a
      QF75-11 report with a device found unrepairable (a warning), skipped when
      ``when`` holds one of ``values``.
    """

    kind: Literal["not_before", "not_more", "needs", "exists_in", "cites_unrepairable"]
    fields: tuple[str, ...]
    when: str | None = None
    values: tuple[str, ...] = ()
    ref_form: str | None = None
    ref_field: str | None = None


@dataclass(frozen=True)
class Expected:
    """That schools must send a form, how often and by when (issue 25: who has not sent).

    A monthly form is due on ``due_day`` of the month after the report's month (the 5th
    by default); a school-year form on ``due_day``/``due_month`` of its school year (30
    September by default); a calendar-year form on ``due_day``/``due_month`` of the
    following year. Days overdue count from the day after the due day. ``eti.toml``
    ``[collection]`` may move the due day or switch the form off.
    """

    frequency: Frequency
    owed_by: OwedBy = "all"
    due_day: int = 5
    due_month: int = 0
    """For a once-a-year form: the month of its due day (9 = September)."""

    @property
    def frequency_ar(self) -> str:
        return FREQUENCY_AR[self.frequency]

    @property
    def owed_by_ar(self) -> str:
        return OWED_BY_AR[self.owed_by]


@dataclass(frozen=True)
class FormSpec:
    """One form of FORMS.md.

    ``identity`` names the header fields that identify one filled copy (school
    and period, typically); a new file with the same identity supersedes the
    earlier one. An empty identity marks a running list, identified by its
    workbook id. ``unique_key`` is a row field that updates rows by its value
    across submissions (a Help Desk ticket). ``record_date`` is the field that
    dates a record for periods and retention; ``retention_years`` is ``None``
    for permanent records. ``expected`` says that schools owe the form periodically
    (:mod:`automation.processes.collection` follows who has not sent it).
    """

    code: str
    name_ar: str
    name_en: str
    process: str
    kept_at: KeptAt
    retention_years: int | None
    retention_ar: str
    header: tuple[FieldSpec, ...] = ()
    rows: tuple[FieldSpec, ...] = ()
    rules: tuple[Rule, ...] = ()
    identity: tuple[str, ...] = ()
    unique_key: str | None = None
    record_date: str = ""
    retention_from_year_end: bool = False
    expected: Expected | None = None

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        """Header fields then table fields."""
        return self.header + self.rows

    @property
    def is_running_list(self) -> bool:
        """A list with no identity in its header: identified by workbook id."""
        return not self.identity

    @property
    def has_table(self) -> bool:
        return bool(self.rows)

    def field(self, key: str) -> FieldSpec:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(f"{self.code} has no field {key!r}")

    @property
    def kept_at_ar(self) -> str:
        """Where QP-70-2's records table keeps it: «القسم» or «المدرسة»."""
        return KEPT_AT_AR[self.kept_at]

    @property
    def records_ar(self) -> str:
        """The records-table line every blank form, register and visit document shows:
        where the record is kept and for how long."""
        return f"مكان الحفظ: {self.kept_at_ar} — مدة الحفظ: {self.retention_ar}"

    @property
    def school_field(self) -> FieldSpec | None:
        """The header field naming the school, where the form has one."""
        for spec in self.header:
            if spec.type == "school":
                return spec
        return None


@dataclass(frozen=True)
class Process:
    """One of the ten processes of QP-70-2 section 5.2."""

    code: str
    title_ar: str
    title_en: str
    register_ar: str


@dataclass(frozen=True)
class ReferenceList:
    """A list staff keep in ``workbooks/reference/<file>``."""

    key: str
    file: str
    title_ar: str
    columns: tuple[FieldSpec, ...]
    single_row: bool = False


@dataclass(frozen=True)
class Catalog:
    """All forms, processes and reference lists, with a version derived from them."""

    forms: tuple[FormSpec, ...]
    processes: tuple[Process, ...]
    references: tuple[ReferenceList, ...]
    indicators: tuple[tuple[str, str], ...] = field(default=())

    def form(self, code: str) -> FormSpec:
        for spec in self.forms:
            if spec.code == code:
                return spec
        raise KeyError(f"unknown form {code!r}")

    def process(self, code: str) -> Process:
        for proc in self.processes:
            if proc.code == code:
                return proc
        raise KeyError(f"unknown process {code!r}")

    def reference(self, key: str) -> ReferenceList:
        for ref in self.references:
            if ref.key == key:
                return ref
        raise KeyError(f"unknown reference list {key!r}")

    def forms_of(self, process: str) -> tuple[FormSpec, ...]:
        return tuple(f for f in self.forms if f.process == process)

    @property
    def expected_forms(self) -> tuple[FormSpec, ...]:
        """The forms schools owe periodically, in catalog order."""
        return tuple(f for f in self.forms if f.expected is not None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.forms)

    @property
    def version(self) -> str:
        """A short hash of every declaration: changes whenever a form changes (what
        schools owe and when is not part of a workbook: it leaves the version alone)."""
        forms = [{k: v for k, v in asdict(f).items() if k != "expected"} for f in self.forms]
        payload = json.dumps(
            forms + [asdict(r) for r in self.references],
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:8]
