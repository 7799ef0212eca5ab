"""``eti init``: lay out a department folder, its blank forms and reference workbooks.

Running it again is safe: reference workbooks and ``eti.toml`` are never
overwritten, Word templates are copied only where missing, and a blank form is
regenerated only when the catalog version or the school / device-type / device-spec
lists its dropdowns were built from have changed (or when asked to).
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from automation.catalog.blank import lists_hash, read_meta, write_form_workbook
from automation.catalog.forms import CATALOG
from automation.catalog.model import Catalog
from automation.catalog.reference import read_reference
from automation.catalog.reference_books import create_reference_workbook
from automation.core.assets import ASSET_TEMPLATES
from automation.core.department import Department
from automation.core.settings import default_toml

log = logging.getLogger(__name__)

"""Word templates shipped with the package, copied into ``templates_docx/``."""


@dataclass
class InitResult:
    """The files ``init_department`` created, left alone, or regenerated."""

    root: Path
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    regenerated: list[Path] = field(default_factory=list)


def dropdown_lists(dept: Department, catalog: Catalog = CATALOG) -> tuple[list[str], list[str]]:
    """School names and device-type names for the blank forms' dropdowns."""
    schools_ref = catalog.reference("schools")
    devices_ref = catalog.reference("device_types")
    schools = [
        r["name"] for r in read_reference(dept.reference_file(schools_ref.file), schools_ref)
    ]
    devices = [
        r["name"] for r in read_reference(dept.reference_file(devices_ref.file), devices_ref)
    ]
    return [s for s in schools if s], [d for d in devices if d]


def other_lists(dept: Department, catalog: Catalog = CATALOG) -> dict[str, list[str]]:
    """The values of the other reference lists a form's dropdown offers, by list key: the
    approved device specifications (PRJ's «المواصفات المعتمدة») and the staff names."""
    found: dict[str, list[str]] = {}
    for ref in catalog.references:
        if ref.key == "device_specs":
            rows = read_reference(dept.reference_file(ref.file), ref)
            found[ref.key] = list(dict.fromkeys(r["spec"] for r in rows if r["spec"]))
        elif ref.key == "staff":
            rows = read_reference(dept.reference_file(ref.file), ref)
            found[ref.key] = list(dict.fromkeys(r["name"] for r in rows if r["name"]))
    return found


def init_department(
    root: Path, catalog: Catalog = CATALOG, *, force_forms: bool = False
) -> InitResult:
    """Create or bring up to date the department folder at ``root``."""
    dept = Department.at(root)
    dept.ensure()
    result = InitResult(root=dept.root)

    for ref in catalog.references:
        path = dept.reference_file(ref.file)
        if path.exists():
            result.kept.append(path)
        else:
            create_reference_workbook(path, ref)
            result.created.append(path)

    schools, devices = dropdown_lists(dept, catalog)
    lists = other_lists(dept, catalog)
    wanted_hash = lists_hash(schools, devices, lists)
    for form in catalog.forms:
        path = dept.forms / f"{form.code}.xlsx"
        if not path.exists():
            write_form_workbook(path, form, catalog, schools=schools, device_types=devices,
                                lists=lists)
            result.created.append(path)
            continue
        meta = read_meta(path)
        stale = (
            force_forms
            or meta.get("form_code") != form.code
            or meta.get("catalog_version") != catalog.version
            or meta.get("lists_hash") != wanted_hash
        )
        if stale:
            write_form_workbook(path, form, catalog, schools=schools, device_types=devices,
                                lists=lists)
            result.regenerated.append(path)
        else:
            result.kept.append(path)

    if dept.config_path.exists():
        result.kept.append(dept.config_path)
    else:
        dept.config_path.write_text(default_toml(), encoding="utf-8")  # every setting
        result.created.append(dept.config_path)

    _copy_templates(dept, result)
    log.info(
        "init %s: %d created, %d regenerated, %d kept",
        dept.root,
        len(result.created),
        len(result.regenerated),
        len(result.kept),
    )
    return result


def _copy_templates(dept: Department, result: InitResult, source: Path | None = None) -> None:
    """Copy shipped Word templates that the department folder does not have yet."""
    source = ASSET_TEMPLATES if source is None else source
    if not source.is_dir():
        return
    for src in sorted(source.rglob("*")):
        if not src.is_file() or src.name.startswith((".", "~$")):
            continue
        dest = dept.templates / src.relative_to(source)
        if dest.exists():
            result.kept.append(dest)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
        result.created.append(dest)
