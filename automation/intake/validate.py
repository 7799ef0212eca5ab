"""A read submission checked against its form: typed rows and a ``Report``.

Types and choices come from the catalog's pydantic models; then the row rules
of FORMS.md, unique keys within the file, and references to other forms
(through a lookup the caller gives, backed by the ledger). Names not in the staff
list and specifications not in the approved list are warnings; so is a plan's
value typed by hand for an indicator the product computes (:mod:`plan_checks`,
through figures the caller gives, backed by the ledger).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import ValidationError

from automation.catalog.model import FormSpec, Rule
from automation.catalog.row_models import (
    ValidationContext,
    header_model,
    parse_field,
    row_model,
    rows_adapter,
)
from automation.core.messages import render
from automation.core.problems import Problem, Report
from automation.intake.plan_checks import LineFigures, plan_warnings
from automation.intake.submission import CellValue, Submission
from automation.text.arabic import clean_text, normalize_name
from automation.text.dates import format_date, year_span
from automation.text.problem import ValueProblem

Lookup = Callable[[str, str], set[str]]
"""(form code, field key) → the normalized live values of that field in the ledger."""


@dataclass
class ValidRow:
    """One row that passed: header and row values merged, typed, with its sheet row."""

    number: int
    values: dict[str, object]


@dataclass
class Validated:
    form: FormSpec
    header: dict[str, object]
    rows: list[ValidRow]
    report: Report = field(default_factory=Report)

    @property
    def school(self) -> str:
        spec = self.form.school_field
        return str(self.header.get(spec.key) or "") if spec else ""


def _problems_from(
    exc: ValidationError, cells: dict[str, CellValue], form: FormSpec, sheet: str, row: int | None
) -> list[Problem]:
    found = []
    for err in exc.errors(include_url=False):
        key = str(err["loc"][0]) if err["loc"] else ""
        cause = (err.get("ctx") or {}).get("error")
        spec = form.field(key) if key else None
        label = spec.label if spec else key
        if isinstance(cause, ValueProblem):
            code, message, english = cause.code, cause.message_ar, cause.message_en
        else:
            code, message, english = "bad-value", f"قيمة غير صالحة في «{label}».", err["msg"]
        cell = cells.get(key)
        found.append(
            Problem(
                code=code,
                message=f"{label}: {message}",
                sheet=sheet,
                cell=cell.cell if cell else "",
                field=label,
                row=row,
                message_en=f"{key}: {english}",
            )
        )
    return found


def _typed(
    model: type, raw: dict[str, object], ctx: ValidationContext
) -> tuple[dict[str, object] | None, ValidationError | None]:
    try:
        obj = model.model_validate(raw, context={"ctx": ctx}, by_name=True)
    except ValidationError as exc:
        return None, exc
    return dict(obj.__dict__), None  # the fields' values, as model_dump gives them


def _typed_rows(
    form: FormSpec, raws: list[dict[str, object]], ctx: ValidationContext
) -> list[dict[str, object]] | None:
    """Every row's typed values in one call (most files have no bad value), or None
    when one is bad: the rows are then validated one by one, to report each."""
    try:
        objs = rows_adapter(form).validate_python(raws, context={"ctx": ctx}, by_name=True)
    except ValidationError:
        return None
    return [dict(obj.__dict__) for obj in objs]


def _compare_key(value: object) -> object:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and "/" in value:  # a school year: compare by its span
        return year_span(value)[0]
    return value


def _shown(value: object) -> str:
    if isinstance(value, dt.date):
        return format_date(value)
    return clean_text(value)


def check_rule(
    rule: Rule, values: dict[str, object], form: FormSpec, lookup: Lookup | None
) -> tuple[str, str, str, str, str] | None:
    """(severity, code, field key, Arabic message, English message) when the rule fails."""
    if rule.kind in ("not_before", "not_more"):
        later, earlier = rule.fields
        a, b = values.get(later), values.get(earlier)
        if a is None or b is None:
            return None
        a_key, b_key = _compare_key(a), _compare_key(b)
        if isinstance(a, dt.date) and isinstance(b, str):
            b_key = year_span(b)[0]
        if type(a_key) is not type(b_key) and not (
            isinstance(a_key, int | Decimal) and isinstance(b_key, int | Decimal)
        ):
            return None
        if a_key >= b_key if rule.kind == "not_before" else a_key <= b_key:  # type: ignore[operator]
            return None
        la, lb = form.field(later).label, form.field(earlier).label
        if rule.kind == "not_before":
            return (
                "error",
                "date-order",
                later,
                f"«{la}» ({_shown(a)}) يسبق «{lb}» ({_shown(b)})، ويجب ألا يكون قبله.",
                f"{later} is before {earlier}",
            )
        return (
            "error",
            "too-many",
            later,
            f"«{la}» ({_shown(a)}) أكبر من «{lb}» ({_shown(b)})، ويجب ألا يزيد عليه.",
            f"{later} exceeds {earlier}",
        )
    if rule.kind == "needs":
        if values.get(rule.when or "") not in rule.values:
            return None
        missing = [k for k in rule.fields if values.get(k) in (None, "")]
        if not missing:
            return None
        labels = "، ".join(f"«{form.field(k).label}»" for k in missing)
        status = form.field(rule.when or "").label
        return (
            "error",
            "needs-value",
            missing[0],
            f"عندما تكون «{status}» «{values.get(rule.when or '')}» يجب تعبئة {labels}.",
            f"{rule.when}={values.get(rule.when or '')!r} needs {', '.join(missing)}",
        )
    if lookup is None or rule.ref_form is None or rule.ref_field is None:
        return None
    key = rule.fields[0]
    value = values.get(key)
    if rule.kind == "exists_in":
        if value is None or normalize_name(value) in lookup(rule.ref_form, rule.ref_field):
            return None
        label = form.field(key).label
        return (
            "error",
            "unknown-reference",
            key,
            f"«{label}» «{_shown(value)}» غير موجود في {rule.ref_form}؛ "
            f"أضفه إلى قائمة المواقع أولاً.",
            f"{key} {value!r} not found in {rule.ref_form}",
        )
    # cites_unrepairable: a warning, not a rejection
    if rule.when and values.get(rule.when) in rule.values:
        return None
    if value is not None and normalize_name(value) in lookup(rule.ref_form, "unrepairable"):
        return None
    label = form.field(key).label
    return (
        "warning",
        "no-unrepairable-report",
        key,
        f"لا يوجد تقرير صيانة (QF75-11) يثبت أن الجهاز غير قابل للإصلاح "
        f"(«{label}»: «{_shown(value) if value is not None else 'فارغ'}»).",
        f"no QF75-11 report found unrepairable for {value!r}",
    )


def _rule_problems(
    form: FormSpec,
    values: dict[str, object],
    cells: Callable[[], dict[str, CellValue]],
    sheet: str,
    row: int | None,
    lookup: Lookup | None,
) -> list[Problem]:
    """The row rules of the form that ``values`` break, each at the cell it names
    (``cells`` gives the cells by field key, asked only when a rule fails)."""
    found = []
    for rule in form.rules:
        failed = check_rule(rule, values, form, lookup)
        if failed:
            severity, code, key, message, english = failed
            cell = cells().get(key)
            found.append(Problem(code, message, severity, sheet, cell.cell if cell else "",
                                 form.field(key).label, row, english))
    return found


def _readable_part(
    form: FormSpec, raw: dict[str, CellValue], ctx: ValidationContext
) -> dict[str, object]:
    """The header values that can be read, when others cannot."""
    readable = {}
    for spec in form.header:
        try:
            readable[spec.key] = parse_field(raw[spec.key].value, spec, ctx)
        except ValueProblem:
            continue
    return readable


def validate(
    sub: Submission,
    form: FormSpec,
    ctx: ValidationContext,
    lookup: Lookup | None = None,
    figures: LineFigures | None = None,
) -> Validated:
    """Check a submission; errors in the report mean the whole file is rejected.

    ``figures`` gives the computed indicators a plan's hand-typed achievements are
    checked against (:mod:`automation.intake.plan_checks`); without it they are not."""
    report = Report()
    header: dict[str, object] = {}
    if form.header:
        raw = {spec.key: sub.header.get(spec.key, CellValue(None, "")) for spec in form.header}
        if sub.meta_school and form.school_field and raw["school"].value in (None, ""):
            raw["school"] = CellValue(sub.meta_school, raw["school"].cell)
        typed, exc = _typed(header_model(form), {k: v.value for k, v in raw.items()}, ctx)
        if exc is not None:
            report.extend(_problems_from(exc, raw, form, sub.sheet, None))
            typed = _readable_part(form, raw, ctx)  # to name the school in the letter back
        header = typed or {}
    rows: list[ValidRow] = []
    seen: dict[str, dict[str, int]] = {s.key: {} for s in form.rows if s.unique}
    model = row_model(form) if form.rows else None
    batch = _typed_rows(form, [row.raw for row in sub.rows], ctx) if sub.rows else None
    for index, row in enumerate(sub.rows):
        assert model is not None
        typed, exc = (batch[index], None) if batch else _typed(model, row.raw, ctx)
        if exc is not None:
            report.extend(_problems_from(exc, row.values, form, sub.sheet, row.number))
            continue
        values = {**header, **(typed or {})}
        report.extend(_rule_problems(form, values, lambda r=row: {**sub.header, **r.values},
                                     sub.sheet, row.number, lookup))
        for key, first in seen.items():
            value = values.get(key)
            if value is None:
                continue
            norm = normalize_name(value)
            if norm in first:
                report.add(
                    Problem(
                        "duplicate-key",
                        f"«{form.field(key).label}» «{_shown(value)}» مكرر في الملف "
                        f"(ورد أيضاً في الصف {first[norm]}).",
                        "error",
                        sub.sheet,
                        row.cell(key),
                        form.field(key).label,
                        row.number,
                        f"{key} {value!r} repeated (first at row {first[norm]})",
                    )
                )
            else:
                first[norm] = row.number
        rows.append(ValidRow(row.number, values))
    if not form.rows and header:
        values = dict(header)
        report.extend(_rule_problems(form, values, lambda: sub.header, sub.sheet, None, lookup))
        rows.append(ValidRow(sub.header_row or 1, values))
    if form.rows and not sub.rows:
        report.add(
            Problem(
                "no-rows",
                "الجدول فارغ: لم تُعبَّأ أي صفوف تحت عناوين الأعمدة.",
                "error",
                sub.sheet,
                "",
                "",
                None,
                "the table has no rows",
            )
        )
    report.extend(_unknown_staff(form, sub, rows, ctx))
    report.extend(_unapproved_specs(form, sub, rows, ctx))
    if figures is not None:
        report.extend(plan_warnings(form, sub, rows, figures))
    return Validated(form, header, rows, report)


STAFF_LIST = "staff"


def _unknown_staff(
    form: FormSpec, sub: Submission, rows: list[ValidRow], ctx: ValidationContext
) -> list[Problem]:
    """A name not in ``staff.xlsx`` where a form names an employee: a warning, never a
    rejection (FORMS.md §Additions). Nothing is said while the staff list is empty."""
    fields = [s for s in form.fields if s.choices_from == STAFF_LIST]
    known_list = ctx.lists.get(STAFF_LIST)
    if not fields or not known_list:
        return []
    known = {normalize_name(n) for n in known_list}
    cells = {r.number: r for r in sub.rows}
    found: list[Problem] = []
    said: set[tuple[str, str]] = set()
    for row in rows:
        for spec in fields:
            value = row.values.get(spec.key)
            if value in (None, "") or normalize_name(value) in known:
                continue
            in_header = spec in form.header
            if in_header and (spec.key, str(value)) in said:
                continue
            said.add((spec.key, str(value)))
            cell = (sub.header.get(spec.key, CellValue(None, "")).cell if in_header
                    else cells[row.number].cell(spec.key) if row.number in cells else "")
            found.append(Problem(
                "unknown-staff",
                f"«{spec.label}» «{_shown(value)}» غير موجود في قائمة العاملين (staff.xlsx)؛ "
                f"قُبل الملف، وأضف الاسم إلى القائمة إن كان من العاملين في القسم.",
                "warning", sub.sheet, cell, spec.label, None if in_header else row.number,
                f"{spec.key} {value!r} is not in staff.xlsx",
            ))
    return found


SPEC_LIST = "device_specs"


def _unapproved_specs(
    form: FormSpec, sub: Submission, rows: list[ValidRow], ctx: ValidationContext
) -> list[Problem]:
    """A specification not in ``device_specs.xlsx``, or listed there only for other device
    types than the row's: a warning, never a rejection (the field takes free text, and the
    P4 register counts the items with unapproved specifications). Nothing is said while
    the list is empty."""
    fields = [s for s in form.fields if s.choices_from == SPEC_LIST]
    if not fields or not ctx.device_specs:
        return []
    approved: dict[str, dict[str, str]] = {}  # spec -> {device type: as written}, normalized
    for device_type, text in ctx.device_specs:
        approved.setdefault(normalize_name(text), {})[normalize_name(device_type)] = \
            clean_text(device_type)
    cells = {r.number: r for r in sub.rows}
    found: list[Problem] = []
    for row in rows:
        device = row.values.get("device_type")
        for spec in fields:
            value = row.values.get(spec.key)
            if value in (None, ""):
                continue
            types = approved.get(normalize_name(value))
            if types is None:
                code = "unknown-spec"
                message, english = render("unknown-spec", spec=_shown(value))
            elif device in (None, "") or "" in types or normalize_name(device) in types:
                continue
            else:
                code = "spec-of-other-type"
                message, english = render(
                    "spec-of-other-type", spec=_shown(value), device_type=_shown(device),
                    types="، ".join(t for t in types.values() if t))
            cell = cells[row.number].cell(spec.key) if row.number in cells else ""
            found.append(Problem(code, message, "warning", sub.sheet, cell, spec.label,
                                 row.number, english))
    return found
