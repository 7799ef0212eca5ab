"""Every form of FORMS.md, declared once, as data, and assembled here into
:data:`CATALOG`.

The declarations are split by process group, in the order the catalog lists them:
:mod:`.p01_p05` (maintenance, help desk, fibre, projects, disposal),
:mod:`.p06_p09` (information systems, activation, initiatives, web pages),
:mod:`.p10` (learning resources), :mod:`.plan_and_references` (the annual plan
and the reference lists) and :mod:`.office` (the head's office: staff tasks,
meetings, inspection visits, the staff list and the OFFICE process); QP-70-2's
processes and the plan's indicators are in :mod:`.procedure`, the choices several
forms share and the declaration helpers in :mod:`.vocabulary`. To add a form to P9,
declare it in :mod:`.p06_p09`.

The Arabic labels are a contract: staff see them, a workbook without the product's
metadata is recognised by them, and error messages name them. A test checks them
against ``docs/FORMS.md`` letter for letter. The order of the declarations is part of
the catalog's ``version``, which identifies the blank workbooks in the field.
"""

from __future__ import annotations

from automation.catalog.forms import (
    office,
    p01_p05,
    p06_p09,
    p10,
    plan_and_references,
    procedure,
)
from automation.catalog.forms.procedure import INDICATORS
from automation.catalog.forms.vocabulary import (
    BOOKS,
    CHANNELS,
    DEVICE_CATEGORIES,
    DIRECTORATE,
    DISPOSAL_CATEGORIES,
    LABS,
    LOCATIONS,
    MAINTENANCE_STATUS,
    QUARTERS_AR,
    RATINGS,
    REPAIRED,
    SCHOOL_MONTHS,
    SYSTEMS,
    UNREPAIRABLE,
)
from automation.catalog.model import Catalog, FormSpec

__all__ = [
    "BOOKS",
    "CATALOG",
    "CHANNELS",
    "DEVICE_CATEGORIES",
    "DIRECTORATE",
    "DISPOSAL_CATEGORIES",
    "FORMS",
    "INDICATORS",
    "LABS",
    "LOCATIONS",
    "MAINTENANCE_STATUS",
    "PROCESSES",
    "QUARTERS_AR",
    "RATINGS",
    "REFERENCES",
    "REPAIRED",
    "SCHOOL_MONTHS",
    "SYSTEMS",
    "UNREPAIRABLE",
]

FORMS: tuple[FormSpec, ...] = (
    p01_p05.FORMS + p06_p09.FORMS + p10.FORMS + plan_and_references.FORMS + office.FORMS
)
PROCESSES = procedure.PROCESSES + office.PROCESSES
"""QP-70-2's processes and the head's office (OFFICE, :mod:`.office`)."""
REFERENCES = plan_and_references.REFERENCES + office.REFERENCES

CATALOG = Catalog(forms=FORMS, processes=PROCESSES, references=REFERENCES, indicators=INDICATORS)
