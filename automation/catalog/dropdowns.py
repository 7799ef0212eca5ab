"""The dropdown lists of a blank form: which values a list field offers, the workbook
name of each list, and a hash of the reference lists they were built from (a blank
form is made again when that changes, :mod:`automation.catalog.department_init`)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence

from automation.catalog.model import FieldSpec, FormSpec

YES_NO = ("نعم", "لا")


def lists_hash(schools: Sequence[str], device_types: Sequence[str],
               lists: Mapping[str, Sequence[str]] | None = None) -> str:
    """A short hash of the school and device-type names (and of any other reference list,
    such as the approved device specifications) a workbook's dropdowns hold."""
    data: list[object] = [list(schools), list(device_types)]
    others = sorted((k, list(v)) for k, v in (lists or {}).items() if v)
    if others:  # without them the hash of the first two lists stays what it was
        data.append(others)
    payload = json.dumps(data, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


def list_name(form: FormSpec, spec: FieldSpec) -> str:
    """The workbook defined name of a field's dropdown list, e.g. ``list_status_QF75_11``."""
    code = re.sub(r"[^0-9A-Za-z]", "_", form.code)
    return f"list_{spec.key}_{code}"


def field_choices(
    spec: FieldSpec, *, schools: Sequence[str], device_types: Sequence[str],
    lists: Mapping[str, Sequence[str]] | None = None,
) -> tuple[list[str], bool]:
    """The dropdown values of a list field and whether the list is open (warning only).
    ``lists`` holds the values of the other reference lists, by their key."""
    if spec.type == "yesno":
        return list(YES_NO), False
    if spec.type == "school":
        return _dedupe([*schools, *spec.extra_choices]), True
    if spec.choices_from == "device_types":
        return _dedupe([*device_types, *spec.extra_choices]), True
    if spec.choices_from:
        found = (lists or {}).get(spec.choices_from, ())
        return _dedupe([*found, *spec.extra_choices]), True
    return list(spec.choices) + list(spec.extra_choices), spec.type == "text"


def _dedupe(values: Sequence[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        text = str(value).strip()
        if text:
            seen.setdefault(text, None)
    return list(seen)
