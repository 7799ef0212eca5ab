"""The catalog against FORMS.md: every form, every field, every Arabic label, exactly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from automation.catalog.forms import CATALOG

FORMS_MD = Path(__file__).parents[2] / "docs" / "FORMS.md"
SHARED_FORMS_MD = Path(__file__).parents[3] / "shared" / "FORMS.md"

FORM_HEADING = re.compile(
    r"^\*\*([A-Z0-9-]+) (.+?) — (.+?)\*\*(?: \([^)]*\))? · (department|school) · (.+)$"
)
FIELD = re.compile(r"(\w+)(\*?) «([^»]+)»")


ADDITIONS = "## Additions"
NOT_YET_DECLARED: set[str] = set()
"""Forms FORMS.md §Additions names that the product does not declare yet (the head's office,
an open issue): each leaves this set when it is declared."""
NOT_YET_GAINED: set[str] = set()
"""Forms whose new columns (§Additions: "**CODE** … gains …") are not declared yet: each
leaves this set when its columns are."""
LISTS_NOT_YET_DECLARED: set[str] = set()
"""Reference lists §Additions names that the product does not declare yet."""
GAINS = re.compile(r"^\*\*([A-Z0-9-]+)\*\* \([^)]*\) gains (.+)$")
GAINED_FIELD = re.compile(r"([a-z]+_[a-z_]+)(\*?) «([^»]+)»")
"""A column a form gains: its key is a field key (snake case), unlike the prose around it."""


def parse_forms(text: str, additions: bool = False) -> dict[str, dict[str, object]]:
    """{code: {name_ar, kept_at, retention, header: [(key, req, label)], rows: [...]}} of the
    forms before §Additions (``additions``: of the forms under it)."""
    before, _, after = text.partition(ADDITIONS)
    text = after if additions else before
    forms: dict[str, dict[str, object]] = {}
    current: dict[str, object] | None = None
    for line in text.splitlines():
        heading = FORM_HEADING.match(line)
        if heading:
            code, _english, arabic, kept, retention = heading.groups()
            current = {"name_ar": arabic, "kept_at": kept, "retention": retention,
                       "header": [], "rows": []}
            forms[code] = current
            continue
        if current is None or not line.startswith("- "):
            continue
        part, _, fields = line[2:].partition(":")
        if part.startswith("header"):
            current["header"] += FIELD.findall(fields)  # type: ignore[operator]
        elif part == "rows":
            current["rows"] += FIELD.findall(fields)  # type: ignore[operator]
    return forms


def parse_gains(text: str) -> dict[str, list[tuple[str, str, str]]]:
    """{code: [(key, req, label)]} of the columns §Additions says a form gains."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for line in text.partition(ADDITIONS)[2].splitlines():
        match = GAINS.match(line)
        if match:
            found[match.group(1)] = GAINED_FIELD.findall(match.group(2))
    return found


def all_forms(text: str) -> dict[str, dict[str, object]]:
    """Every form FORMS.md declares, §Additions included."""
    return {**parse_forms(text), **parse_forms(text, additions=True)}


def parse_references(text: str) -> dict[str, list[tuple[str, str, str]]]:
    found = {}
    for line in text.splitlines():
        match = re.match(r"^\| .+? \(`(\w+)\.xlsx`\) \| (.+) \|$", line)
        if match:
            found[match.group(1)] = FIELD.findall(match.group(2))
        match = re.match(r"^Reference list `workbooks/reference/(\w+)\.xlsx`[^:]*: (.+)$", line)
        if match:
            found[match.group(1)] = FIELD.findall(match.group(2).split(". ")[0])
    return found


@pytest.fixture(scope="module", params=[FORMS_MD, SHARED_FORMS_MD], ids=["docs", "shared"])
def spec_text(request: pytest.FixtureRequest) -> str:
    path: Path = request.param
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path.read_text(encoding="utf-8")


def test_docs_copy_is_the_shared_one() -> None:
    if not SHARED_FORMS_MD.exists():
        pytest.skip("no shared/ beside the project")
    assert FORMS_MD.read_text(encoding="utf-8") == SHARED_FORMS_MD.read_text(encoding="utf-8")


def test_every_form_is_declared(spec_text: str) -> None:
    spec = parse_forms(spec_text)
    assert len(spec) == 27
    additions = parse_forms(spec_text, additions=True)
    assert set(additions) == NOT_YET_DECLARED | (set(additions) & set(CATALOG.codes))
    assert set(spec) | (set(additions) - NOT_YET_DECLARED) == set(CATALOG.codes)


@pytest.mark.parametrize("code", CATALOG.codes)
def test_form_fields_and_labels_exactly(spec_text: str, code: str) -> None:
    spec = all_forms(spec_text)[code]
    form = CATALOG.form(code)
    assert form.name_ar == spec["name_ar"]
    assert form.kept_at == spec["kept_at"]
    gains = [] if code in NOT_YET_GAINED else parse_gains(spec_text).get(code, [])
    gained = [(key, req == "*", label) for key, req, label in gains]
    for part, declared in (("header", form.header), ("rows", form.rows)):
        expected = [(key, req == "*", label) for key, req, label in spec[part]]  # type: ignore[union-attr]
        actual = [(f.key, f.required, f.label) for f in declared]
        if part == "rows":  # the columns a form gains are table columns, placed anywhere
            assert [a for a in gained if a in actual] == gained, f"{code} gains"
            actual = [a for a in actual if a not in gained]
        assert actual == expected, f"{code} {part}"


def test_projects_gain_the_follow_up_committee_and_the_specification(spec_text: str) -> None:
    assert parse_gains(spec_text)["PRJ"] == [
        ("follow_committee", "", "لجنة المتابعة"), ("spec_ref", "", "المواصفات المعتمدة")]
    keys = [f.key for f in CATALOG.form("PRJ").rows]
    at = keys.index("committee")  # «لجنة الاستلام» stays, the follow-up committee beside it
    assert keys[at: at + 3] == ["committee", "follow_committee", "spec_ref"]
    spec = CATALOG.form("PRJ").field("spec_ref")
    assert spec.choices_from == "device_specs" and spec.type == "text" and spec.is_list


@pytest.mark.parametrize("code", CATALOG.codes)
def test_retention_matches_records_table(spec_text: str, code: str) -> None:
    retention = str(all_forms(spec_text)[code]["retention"])
    form = CATALOG.form(code)
    if "permanent" in retention:
        assert form.retention_years is None
        assert form.retention_ar.startswith("دائم")
    else:
        assert form.retention_years == 1
        assert form.retention_ar.startswith("سنة واحدة")
    kept = {"department": "القسم", "school": "المدرسة"}[form.kept_at]
    assert form.records_ar == f"مكان الحفظ: {kept} — مدة الحفظ: {form.retention_ar}"


def test_reference_lists_exactly(spec_text: str) -> None:
    spec = parse_references(spec_text)
    assert set(spec) - LISTS_NOT_YET_DECLARED == {r.key for r in CATALOG.references}
    for ref in CATALOG.references:
        expected = [(key, req == "*", label) for key, req, label in spec[ref.key]]
        assert [(c.key, c.required, c.label) for c in ref.columns] == expected
        assert ref.file == f"{ref.key}.xlsx"


def test_indicators_and_choices_in_the_plan(spec_text: str) -> None:
    plan = CATALOG.form("QF12-1")
    indicators = plan.field("indicator").choices
    for name in indicators:
        assert name in spec_text
    assert len(indicators) == 13
    assert indicators[-1] == "عدد المعارض العلمية المنفذة"
    assert len(plan.field("process").choices) == 10


def test_choice_lists_come_from_forms_md(spec_text: str) -> None:
    """Every fixed choice list's values appear in FORMS.md (no invented values)."""
    for form in CATALOG.forms:
        if form.code in ("QF12-1", "TASKS"):  # their «العملية» lists the processes' titles
            continue
        if form.code == "QF70-2-28":  # FORMS.md: «أيلول … حزيران», the school year's months
            assert field_months_ok(form)
            continue
        for field in form.fields:
            for choice in field.choices:
                assert choice in spec_text, (form.code, field.key, choice)


def field_months_ok(form: object) -> bool:
    months = form.field("month").choices  # type: ignore[attr-defined]
    return months[0] == "أيلول" and months[-1] == "حزيران" and len(months) == 10


def test_rules_and_identity_name_real_fields() -> None:
    for form in CATALOG.forms:
        keys = {f.key for f in form.fields}
        for rule in form.rules:
            assert set(rule.fields) <= keys, form.code
            if rule.when:
                assert rule.when in keys
        assert set(form.identity) <= {f.key for f in form.header}, form.code
        assert form.record_date in keys, form.code
        if form.unique_key:
            assert form.field(form.unique_key).unique


def test_version_changes_with_a_label() -> None:
    from dataclasses import replace

    from automation.catalog.model import Catalog

    first = CATALOG.forms[0]
    changed = replace(first, header=(replace(first.header[0], label="x"),) + first.header[1:])
    other = Catalog((changed,) + CATALOG.forms[1:], CATALOG.processes, CATALOG.references)
    assert other.version != CATALOG.version
