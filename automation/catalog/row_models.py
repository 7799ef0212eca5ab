"""Pydantic models made from the catalog: one for a form's header, one for its rows.

Each field gets a before-validator that reads what staff typed (every digit set,
date form, yes/no variant, a choice or school matched after Arabic
normalization) and raises :class:`ValueProblem` with an Arabic message. The
field's Arabic label is its alias, so a model validates by key or by label.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    create_model,
)

from automation.catalog.model import FieldSpec, FormSpec
from automation.catalog.schools import SchoolIndex, SchoolMatch
from automation.text.arabic import clean_text, normalize_name
from automation.text.dates import parse_date, parse_month, parse_year
from automation.text.numbers import parse_decimal, parse_int, parse_pct, parse_yesno
from automation.text.problem import ValueProblem

PY_TYPES: dict[str, type] = {
    "text": str,
    "int": int,
    "jod": Decimal,
    "date": dt.date,
    "month": dt.date,
    "year": str,
    "yesno": bool,
    "pct": Decimal,
    "choice": str,
    "school": str,
}


@dataclass
class ValidationContext:
    """What validation needs beyond the workbook: the reference lists."""

    schools: SchoolIndex
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    matched_schools: dict[str, SchoolMatch] = field(default_factory=dict)
    cache: dict[tuple[object, ...], object] = field(default_factory=dict)
    device_specs: tuple[tuple[str, str], ...] = ()
    """(device type, specification) of each approved specification (``device_specs.xlsx``)."""

    def choices(self, spec: FieldSpec) -> tuple[str, ...]:
        if spec.choices_from:
            return self.lists.get(spec.choices_from, ()) + spec.extra_choices
        return spec.choices + spec.extra_choices


@functools.cache
def _normalized_options(options: tuple[str, ...]) -> dict[str, str]:
    return {normalize_name(o): o for o in options}


def match_choice(value: object, options: tuple[str, ...]) -> str:
    """The option ``value`` names after normalization, else a ValueProblem with a suggestion."""
    normalized = _normalized_options(options)
    key = normalize_name(value)
    if key in normalized:
        return normalized[key]
    shown = clean_text(value)
    close = difflib.get_close_matches(key, list(normalized), n=1, cutoff=0.6)
    if close:
        hint = normalized[close[0]]
        raise ValueProblem(
            "bad-choice",
            f"القيمة «{shown}» ليست من القائمة. هل تقصد «{hint}»؟ اختر من القائمة المنسدلة.",
            f"{shown!r} is not one of the choices; did you mean {hint!r}?",
        )
    listed = "، ".join(options[:8]) + ("، …" if len(options) > 8 else "")
    raise ValueProblem(
        "bad-choice",
        f"القيمة «{shown}» ليست من القائمة. اختر من القائمة المنسدلة: {listed}",
        f"{shown!r} is not one of the choices",
    )


def _school(value: object, spec: FieldSpec, ctx: ValidationContext) -> str:
    extra = _normalized_options(spec.extra_choices).get(normalize_name(value))
    if extra is not None:
        return extra
    found = ctx.schools.find(value)
    if found is not None:
        ctx.matched_schools[found.name] = found
        return found.name
    shown = clean_text(value)
    hint = ctx.schools.suggest(value)
    if hint:
        raise ValueProblem(
            "unknown-school",
            f"المدرسة «{shown}» غير موجودة في قائمة المدارس. هل تقصد «{hint}»؟",
            f"school {shown!r} is not in schools.xlsx; did you mean {hint!r}?",
        )
    raise ValueProblem(
        "unknown-school",
        f"المدرسة «{shown}» غير موجودة في قائمة المدارس. اختر المدرسة من القائمة المنسدلة "
        "أو اكتب رقمها الوطني.",
        f"school {shown!r} is not in schools.xlsx",
    )


def parse_field(value: object, spec: FieldSpec, ctx: ValidationContext) -> object:
    """One typed value, ``None`` for an empty cell; raises ValueProblem."""
    if value is None or (isinstance(value, str) and not clean_text(value)):
        if spec.required:
            raise ValueProblem(
                "required",
                f"الحقل «{spec.label}» مطلوب ولا يجوز تركه فارغاً.",
                f"{spec.key} is required",
            )
        return None
    kind = spec.type
    if kind == "text":
        return clean_text(value)
    if kind == "int":
        return parse_int(value, minimum=spec.minimum if spec.minimum is not None else 0,
                         maximum=spec.maximum)
    if kind == "jod":
        return parse_decimal(value, places=3)
    if kind == "pct":
        return parse_pct(value)
    if kind == "date":
        return parse_date(value)
    if kind == "month":
        return parse_month(value)
    if kind == "year":
        return parse_year(value)
    if kind == "yesno":
        return parse_yesno(value)
    if kind == "choice":
        return match_choice(value, ctx.choices(spec))
    return _school(value, spec, ctx)


_CACHE_LIMIT = 50_000


def _validator(spec: FieldSpec) -> Callable[[object, ValidationInfo], object]:
    """A before-validator; the same value of the same field is parsed once per context
    (staff repeat device types, dates and choices on every row)."""

    field_token = object()  # stands for ``spec`` in the cache keys: cheaper to hash

    def validate(value: object, info: ValidationInfo) -> object:
        ctx: ValidationContext = info.context["ctx"]
        key = (field_token, type(value), value)
        try:
            known = ctx.cache[key]
        except KeyError:
            pass
        except TypeError:  # not hashable: parse it directly
            return parse_field(value, spec, ctx)
        else:
            if isinstance(known, ValueProblem):
                raise known
            return known
        try:
            result = parse_field(value, spec, ctx)
        except ValueProblem as problem:
            result = problem
        if len(ctx.cache) < _CACHE_LIMIT:
            ctx.cache[key] = result
        if isinstance(result, ValueProblem):
            raise result
        return result

    return validate


def _model(name: str, fields: tuple[FieldSpec, ...]) -> type[BaseModel]:
    definitions: dict[str, Any] = {
        spec.key: (
            Annotated[PY_TYPES[spec.type] | None, BeforeValidator(_validator(spec))],
            Field(default=None, alias=spec.label),
        )
        for spec in fields
    }
    config = ConfigDict(validate_by_name=True, validate_by_alias=True, frozen=True)
    return create_model(name, __config__=config, **definitions)


@functools.cache
def header_model(form: FormSpec) -> type[BaseModel]:
    """The model of a form's header block."""
    return _model(f"{form.code.replace('-', '_')}_Header", form.header)


@functools.cache
def row_model(form: FormSpec) -> type[BaseModel]:
    """The model of one table row of a form."""
    return _model(f"{form.code.replace('-', '_')}_Row", form.rows)


@functools.cache
def rows_adapter(form: FormSpec) -> TypeAdapter[list[BaseModel]]:
    """All the table rows of a form at once (:func:`row_model` each), in one call."""
    return TypeAdapter(list[row_model(form)])  # type: ignore[valid-type]
