"""What every document's context shares: letterhead values, the QP-70-2 block,
and showing ledger values (ISO dates, yes/no, decimals) the way staff read them."""

from __future__ import annotations

import datetime as dt
import logging
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automation.core.assets import ASSET_TEMPLATES
from automation.core.department import Department
from automation.documents.render import ImageRef
from automation.text.dates import format_date

if TYPE_CHECKING:  # the reference lists and the figures load where used: the render worker
    # imports this module (through the outbox) and needs neither
    from automation.catalog.model import FieldSpec
    from automation.catalog.reference import References
    from automation.processes.figures import Figure

log = logging.getLogger(__name__)

DEPARTMENT_AR = "قسم تكنولوجيا التعليم والمعلومات"
PROCEDURE = "QP-70-2"
ISSUE = "1/1"
LOGO_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp"})
WEEKDAYS_AR = ("الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
UNKNOWN_SCHOOL = "غير محددة"


def references_of(dept: Department, references: References | None) -> References:
    if references is not None:
        return references
    from automation.catalog.reference import load_references

    return load_references(dept)


def template_for(dept: Department, name: str) -> Path:
    """The department's own (possibly staff-edited) template, else the shipped one."""
    own = dept.templates / name
    return own if own.is_file() else ASSET_TEMPLATES / name


def logo_of(dept: Department, refs: References, width_mm: float = 24.0) -> ImageRef | str:
    """The directorate's logo (a file in workbooks/reference/), or "" when there is none."""
    name = (refs.directorate.logo or "").strip()
    if not name:
        return ""
    path = dept.reference / Path(name).name
    if path.is_file() and path.suffix.lower() in LOGO_SUFFIXES:
        return ImageRef(str(path), width_mm)
    log.warning("the directorate's logo %s is not an image file in %s", name, dept.reference)
    return ""


def _unless_default(value: str, key: str) -> str:
    """A name staff entered; the default (a job title, not a name) shows as ""."""
    from automation.catalog.reference import DIRECTORATE_DEFAULTS

    return "" if value == DIRECTORATE_DEFAULTS[key] else value


def common_context(
    dept: Department, refs: References, *, doc_code: str, title: str, day: dt.date
) -> dict[str, Any]:
    """Letterhead, QP-70-2 block and footer values every template uses."""
    d = refs.directorate
    return {
        "directorate": {
            "name": d.name,
            "head": _unless_default(d.head, "head"),
            "director": _unless_default(d.director, "director"),
            "address": d.address,
            "letter_prefix": d.letter_prefix,
        },
        "department": DEPARTMENT_AR,
        "logo": logo_of(dept, refs),
        "doc_code": doc_code,
        "doc_title": title,
        "issue": ISSUE,
        "date": format_date(day),
    }


# -- showing values --------------------------------------------------------------------


def show_date(value: object) -> str:
    """An ISO date (as the ledger keeps it) or a date as ``15/3/2026``; "" for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return format_date(value.date())
    if isinstance(value, dt.date):
        return format_date(value)
    try:
        return format_date(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def show_month(value: object) -> str:
    day = show_date(value)
    return day.split("/", 1)[1] if day.count("/") == 2 else day


def show_decimal(value: object) -> str:
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    text = format(number.normalize(), "f") if number == number.to_integral() else str(number)
    return text


def show_field(spec: FieldSpec, value: object) -> str:
    """A ledger value of ``spec``'s field as printed in a document."""
    if value is None or value == "":
        return ""
    if spec.type == "date":
        return show_date(value)
    if spec.type == "month":
        return show_month(value)
    if spec.type == "yesno":
        return "نعم" if value is True else "لا" if value is False else str(value)
    if spec.type == "pct":
        return f"{show_decimal(value)}%"
    if spec.type == "jod":
        return str(value)
    return str(value)


def figure_rows(figures: list[Figure]) -> list[dict[str, str]]:
    """A process's figures as the documents' tables print them (a mean over nothing: «—»)."""
    return [{"label": f.label, "value": f.text} for f in figures]


def weekday_ar(day: dt.date) -> str:
    return WEEKDAYS_AR[day.weekday()]


def official_number(prefix: str, year: int, sequence: int) -> str:
    """The directorate's number of a letter or decision: ``prefix/year/sequence``."""
    prefix = prefix.strip().strip("/")
    return f"{prefix}/{year}/{sequence}" if prefix else f"{year}/{sequence}"


def document_title(path: Path) -> str:
    """How a letter names a document the department made: its printed title and subtitle
    («تقرير ربعي … — الربع الأول من عام 2026»), never its file name; a file that is not a
    Word document (or has no centred title) is named by its stem with spaces for dashes."""
    centred: list[str] = []
    if path.suffix.lower() == ".docx":
        try:
            from docx import Document
            from docx.enum.text import WD_ALIGN_PARAGRAPH

            for paragraph in Document(str(path)).paragraphs:
                text = " ".join(paragraph.text.split())
                if text and paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER:
                    centred.append(text)
                    if len(centred) == 2:
                        break
        except Exception as exc:  # noqa: BLE001 - any unreadable file is named by its stem
            log.warning("could not read the title of %s: %s", path, exc)
            centred = []
    if centred and centred[0] != "مسودة":
        return " — ".join(centred)
    return path.stem.replace("-", " ").strip() or path.name


def is_official_code(code: str) -> bool:
    """A code the ministry's forms carry (``QF75-11``) or a QP-70-2 process (``P7``), shown
    beside a name; any other (``MEETING``, ``EMIS-ACTIVATION``, ``OFFICE``) is internal."""
    return re.match(r"^(QF\d|P\d+$)", code or "") is not None


def form_text(code: str) -> str:
    """A form as documents name it: «QF75-13 تقرير زيارة ميدانية», or only its Arabic name
    when its code is internal («متابعة تفعيل وظائف الأنظمة», never «EMIS-ACTIVATION»)."""
    from automation.catalog.forms import CATALOG

    if code not in CATALOG.codes:
        return code
    name = CATALOG.form(code).name_ar
    return f"{code} {name}" if is_official_code(code) else name
