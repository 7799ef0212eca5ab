"""A department folder in a temporary directory, with demo reference lists, and
filled workbooks made from the product's own blank forms."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import tempfile
from pathlib import Path

import openpyxl

from automation.catalog.blank import build_form_workbook, fill_form
from automation.catalog.department_init import init_department
from automation.catalog.forms import CATALOG
from automation.catalog.reference import load_references
from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.demo.references import write_demo_references

_BLANKS: dict[tuple[str, tuple[str, ...], tuple[str, ...]], bytes] = {}
_MADE: dict[int, Path] = {}


def make_department(root: Path, schools: int = 12) -> Department:
    """A fresh department at ``root`` (built once per session, then copied)."""
    if schools not in _MADE:
        model = Path(tempfile.mkdtemp(prefix="eti-model-")) / "dept"
        dept = Department.at(model)
        dept.ensure()
        write_demo_references(dept, schools, 7)
        init_department(model)
        _MADE[schools] = model
    shutil.copytree(_MADE[schools], root)
    return Department.at(root)


def own_directorate(dept: Department, name: str) -> Department:
    """Give the department its own directorate in eti.toml (on a shared PostgreSQL
    ledger, a department whose records no other test department sees)."""
    path = dept.config_path
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    line = f'directorate = "{name}"'
    if re.search(r"^\[department\]", text, re.M):
        text = re.sub(r"^\[department\]\n", f"[department]\n{line}\n", text, count=1, flags=re.M)
    else:
        text += f"\n[department]\n{line}\n"
    path.write_text(text, encoding="utf-8")
    import os

    if os.environ.get("ETI_LEDGER_URL"):  # a shared ledger knows only granted directorates
        from tests.postgres_server import know_directorates

        know_directorates(os.environ["ETI_LEDGER_URL"], name)
    return dept


def school_names(dept: Department) -> list[str]:
    return load_references(dept).school_names


def filled_workbook(
    dept: Department,
    code: str,
    header: dict[str, object],
    rows: list[dict[str, object]],
    *,
    workbook_id: str | None = None,
    meta: bool = True,
) -> openpyxl.Workbook:
    """A blank form of the product, filled as staff would."""
    refs = load_references(dept)
    form = CATALOG.form(code)
    key = (code, tuple(refs.school_names), tuple(refs.device_type_names))
    if key not in _BLANKS:
        wb = build_form_workbook(
            form, CATALOG, schools=refs.school_names, device_types=refs.device_type_names
        )
        buffer = io.BytesIO()
        wb.save(buffer)
        _BLANKS[key] = buffer.getvalue()
    wb = openpyxl.load_workbook(io.BytesIO(_BLANKS[key]))
    if workbook_id is not None:
        wb["_meta"]["B3"] = workbook_id
    fill_form(wb, form, header, rows)
    if not meta:
        del wb["_meta"]
    return wb


def drop(
    dept: Department,
    name: str,
    code: str,
    header: dict[str, object],
    rows: list[dict[str, object]],
    **kw: object,
) -> Path:
    """Save a filled workbook into inbox/ under ``name``."""
    path = dept.inbox / name
    filled_workbook(dept, code, header, rows, **kw).save(path)  # type: ignore[arg-type]
    return path


def clock(day: str = "2026-03-10 09:00") -> FakeClock:
    return FakeClock(dt.datetime.fromisoformat(day))


def maintenance_rows(n: int = 3, status: str = "تم الإصلاح") -> list[dict[str, object]]:
    return [
        {
            "device_type": "حاسوب مكتبي",
            "asset_no": f"SN-{i:04d}",
            "location": "مختبر حاسوب",
            "fault": "لا يقلع النظام",
            "diagnosis": "تلف القرص الصلب",
            "action": "استبدال القرص",
            "spare_parts": "قرص صلب 500GB",
            "cost_jod": 25.5,
            "technician": "أحمد سالم",
            "status": status,
            "done_date": dt.date(2026, 3, 5),
        }
        for i in range(n)
    ]
