"""Reference workbooks staff keep in ``workbooks/reference/``: read them.

Each list is one right-to-left sheet with a header row of the Arabic labels of
:data:`automation.catalog.forms.REFERENCES`; staff add rows under it in Excel. Columns are
found by their header labels, so staff may reorder them or add their own. They are
written by :mod:`automation.catalog.reference_books`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog, FieldSpec, ReferenceList
from automation.core.department import Department

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 10
"""How many top rows are searched for the header row."""

_SPACES = re.compile(r"\s+")


# -- the values ------------------------------------------------------------------


@dataclass(frozen=True)
class School:
    school_no: str
    name: str
    district: str = ""
    level: str = ""
    gender: str = ""
    fibre_site_code: str = ""
    library: str = ""
    lab: str = ""

    @property
    def has_library(self) -> bool:
        """Whether the school has a library (the «مكتبة» column; empty means yes)."""
        return is_yes(self.library)

    @property
    def has_lab(self) -> bool:
        """Whether the school has a lab (the «مختبر» column; empty means yes)."""
        return is_yes(self.lab)


NO_WORDS: frozenset[str] = frozenset({"لا", "كلا", "no", "n", "0", "false", "لايوجد", "لا يوجد"})


def is_yes(text: str, default: bool = True) -> bool:
    """A yes/no cell of a reference list: «لا» (or no, 0) is no, empty is ``default``,
    anything else yes."""
    value = " ".join(str(text or "").split()).lower()
    if not value:
        return default
    return value not in NO_WORDS


@dataclass(frozen=True)
class DeviceType:
    name: str
    category: str = ""


@dataclass(frozen=True)
class DeviceSpec:
    """An approved technical specification of a device type (P4's tenders follow them)."""

    device_type: str
    spec: str
    approved_on: str = ""


@dataclass(frozen=True)
class Employee:
    """A member of the department's staff (``staff.xlsx``)."""

    name: str
    job_title: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class BudgetLine:
    year: str
    item: str
    amount_jod: Decimal


@dataclass(frozen=True)
class Member:
    """A member of the disposal committee."""

    role: str
    name: str
    title: str = ""


DIRECTORATE_DEFAULTS: dict[str, str] = {
    "name": "مديرية التربية والتعليم",
    "head": "رئيس قسم تكنولوجيا التعليم والمعلومات",
    "director": "مدير التربية والتعليم",
    "address": "",
    "letter_prefix": "ت ت",
    "logo": "",
}
"""What a document says when ``directorate.xlsx`` leaves a value empty."""


@dataclass(frozen=True)
class Directorate:
    name: str = DIRECTORATE_DEFAULTS["name"]
    head: str = DIRECTORATE_DEFAULTS["head"]
    director: str = DIRECTORATE_DEFAULTS["director"]
    address: str = DIRECTORATE_DEFAULTS["address"]
    letter_prefix: str = DIRECTORATE_DEFAULTS["letter_prefix"]
    logo: str = DIRECTORATE_DEFAULTS["logo"]


@dataclass
class References:
    """Every reference list of a department, read from its workbooks."""

    schools: list[School] = field(default_factory=list)
    device_types: list[DeviceType] = field(default_factory=list)
    budget: list[BudgetLine] = field(default_factory=list)
    committee: list[Member] = field(default_factory=list)
    directorate: Directorate = field(default_factory=Directorate)
    device_specs: list[DeviceSpec] = field(default_factory=list)
    staff: list[Employee] = field(default_factory=list)

    @property
    def staff_names(self) -> list[str]:
        return [s.name for s in self.staff if s.name]

    @property
    def school_names(self) -> list[str]:
        return [s.name for s in self.schools if s.name]

    @property
    def device_type_names(self) -> list[str]:
        return [d.name for d in self.device_types if d.name]

    @property
    def spec_texts(self) -> list[str]:
        """The approved specifications, as PRJ's «المواصفات المعتمدة» names them."""
        return [s.spec for s in self.device_specs if s.spec]


# -- reading -----------------------------------------------------------------------


def clean(value: object) -> str:
    """A cell value as a clean string: ``123`` not ``123.0``, dates as ``d/m/yyyy``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "نعم" if value else "لا"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, datetime | date):
        return f"{value.day}/{value.month}/{value.year}"
    return _SPACES.sub(" ", str(value)).strip()


def _label_key(text: object) -> str:
    return _SPACES.sub("", clean(text))


def read_reference(path: Path, ref: ReferenceList) -> list[dict[str, str]]:
    """The rows of a reference workbook, by column key; a missing file gives no rows.

    The header row is the first row (of the first sheet that has one) where at
    least the required labels of ``ref`` appear; empty rows are skipped.
    """
    path = Path(path)
    if not path.exists():
        return []
    wanted = {_label_key(spec.label): spec.key for spec in ref.columns}
    required = {_label_key(spec.label) for spec in ref.columns if spec.required}
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # a reference list staff broke: say so, keep going
        log.error("cannot read %s: %s", path, exc)
        return []
    try:
        for meta in book.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible:
                continue
            rows = iter(book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False))
            positions: dict[str, int] | None = None
            for _ in range(HEADER_SCAN_ROWS):
                row = next(rows, None)
                if row is None:
                    break
                found = {_label_key(v): i for i, v in enumerate(row) if _label_key(v) in wanted}
                if found and required <= set(found):
                    positions = {wanted[label]: i for label, i in found.items()}
                    break
            if positions is None:
                continue
            out: list[dict[str, str]] = []
            for row in rows:
                record = {
                    spec.key: clean(row[positions[spec.key]])
                    if spec.key in positions and positions[spec.key] < len(row)
                    else ""
                    for spec in ref.columns
                }
                if any(record.values()):
                    out.append(record)
            return out
        log.warning("no header row of %s found in %s", ref.key, path)
        return []
    finally:
        book.close()


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("٫", ".").strip())
    except InvalidOperation:
        return None


SCHOOL_FLAGS: tuple[FieldSpec, ...] = (
    FieldSpec("library", "مكتبة", "yesno", choices=("نعم", "لا")),
    FieldSpec("lab", "مختبر", "yesno", choices=("نعم", "لا")),
)
"""The columns of ``schools.xlsx`` after FORMS.md's: whether the school has a library, a
lab (which periodic forms it owes, issue 25); an empty cell or a missing column is yes."""


def with_school_flags(ref: ReferenceList) -> ReferenceList:
    """The school list with its «مكتبة» and «مختبر» columns (any other list as it is)."""
    if ref.key != "schools" or any(c.key == "library" for c in ref.columns):
        return ref
    return replace(ref, columns=ref.columns + SCHOOL_FLAGS)


def load_references(dept: Department, catalog: Catalog = CATALOG) -> References:
    """Read every reference workbook of ``dept`` (missing files give empty lists)."""

    def rows(key: str) -> list[dict[str, str]]:
        ref = with_school_flags(catalog.reference(key))
        return read_reference(dept.reference_file(ref.file), ref)

    schools = [School(**r) for r in rows("schools") if r["name"] or r["school_no"]]
    device_types = [DeviceType(**r) for r in rows("device_types") if r["name"]]
    budget: list[BudgetLine] = []
    for r in rows("budget"):
        amount = _amount(r["amount_jod"])
        if amount is None:
            log.warning("budget line %r has no readable amount: %r", r["item"], r["amount_jod"])
            continue
        budget.append(BudgetLine(year=r["year"], item=r["item"], amount_jod=amount))
    committee = [Member(**r) for r in rows("committee") if r["name"]]
    device_specs = [DeviceSpec(**r) for r in rows("device_specs") if r["spec"]]
    found = rows("directorate")
    values = dict(DIRECTORATE_DEFAULTS)
    if found:
        values.update({k: v for k, v in found[0].items() if v})
    return References(
        schools=schools,
        device_types=device_types,
        budget=budget,
        committee=committee,
        directorate=Directorate(**values),
        device_specs=device_specs,
        staff=[Employee(**r) for r in rows("staff") if r["name"]],
    )
