"""Per-school copies of the blank forms, for sending to one school.

Each copy has the school written into the form's school header cell, that cell
locked, the school in ``_meta`` B4 and in the title row, and its own workbook id.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from automation.catalog.blank import write_form_workbook
from automation.catalog.department_init import dropdown_lists, other_lists
from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog, FormSpec
from automation.catalog.reference import read_reference
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.text.names import windows_name

log = logging.getLogger(__name__)

_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def school_forms(catalog: Catalog = CATALOG) -> tuple[FormSpec, ...]:
    """The forms a school fills: those with a school header field or kept at the school."""
    return tuple(f for f in catalog.forms if f.school_field is not None or f.kept_at == "school")


def find_school_name(dept: Department, school: str, catalog: Catalog = CATALOG) -> str:
    """The name of the school ``school`` names (by name or national number) in schools.xlsx."""
    ref = catalog.reference("schools")
    wanted = _norm(school)
    for row in read_reference(dept.reference_file(ref.file), ref):
        if wanted and wanted in (_norm(row["name"]), _norm(row["school_no"])):
            return _norm(row["name"]) or _norm(row["school_no"])
    raise EtiError(
        f"school {school!r} is not in {ref.file}",
        f"المدرسة «{school}» غير موجودة في قائمة المدارس ({ref.file}). "
        "أضفها إلى القائمة أو تحقق من الاسم أو الرقم الوطني.",
        code="unknown-school",
    )


def issue_forms(
    dept: Department,
    school: str,
    codes: list[str] | None,
    catalog: Catalog = CATALOG,
) -> list[Path]:
    """Write ``outbox/forms/<school>/<CODE>.xlsx`` for ``codes`` (default: the school forms)."""
    name = find_school_name(dept, school, catalog)
    if codes is None:
        forms = school_forms(catalog)
    else:
        unknown = [c for c in codes if c not in catalog.codes]
        if unknown:
            listed = "، ".join(unknown)
            raise EtiError(
                f"unknown form code(s): {', '.join(unknown)}",
                f"رمز النموذج غير معروف: {listed}",
                code="unknown-form",
            )
        forms = tuple(catalog.form(c) for c in codes)
    schools, devices = dropdown_lists(dept, catalog)
    lists = other_lists(dept, catalog)
    folder = dept.outbox / "forms" / windows_name(name, replace="_", fallback="school")
    written: list[Path] = []
    for form in forms:
        path = folder / f"{form.code}.xlsx"
        write_form_workbook(path, form, catalog, schools=schools, device_types=devices, school=name,
                            lists=lists)
        written.append(path)
    log.info("issued %d forms for %s into %s", len(written), name, folder)
    return written
