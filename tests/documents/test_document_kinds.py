"""Every document kind is declared once (automation/documents/kinds.py) and everything else is
derived: a declaration without its template, its sample or its scheduled job fails here."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from automation.catalog.forms import CATALOG
from automation.core.assets import ASSET_TEMPLATES
from automation.documents.kinds import (
    DOCUMENTS,
    TEMPLATES,
    DocumentSpec,
    OnDemand,
    Periodic,
    PerSubmission,
    Template,
    names_ar,
    resolve,
)

REPO = Path(__file__).resolve().parents[2]
DERIVED = ("automation/documents/letters.py", "automation/documents/reports.py",
           "automation/documents/quarterly.py", "automation/documents/visits.py",
           "automation/documents/technical.py", "automation/documents/minutes.py",
           "automation/documents/ministry.py", "automation/documents/making.py",
           "automation/documents/staff_report.py", "automation/documents/decision.py",
           "automation/service/jobs.py", "automation/cli/documents.py",
           "automation/templates/builder.py", "automation/templates/samples.py")
"""Modules that once spelled kinds, titles or template lists of their own."""


def problems(spec: DocumentSpec) -> list[str]:
    """What a declaration lacks: its template's builder, sample or shipped copy, its
    context function, its forms, its scheduled job, its ``eti`` command."""
    from automation.cli.main import main
    from automation.service.jobs import PERIODIC_BY_JOB, SCHEDULE_BY_NAME, default_jobs
    from automation.templates.builder import BUILDERS
    from automation.templates.samples import SAMPLES

    found = []
    template = spec.template
    if template.file not in BUILDERS:
        found.append(f"{spec.key}: no builder for {template.file}")
    if template.file not in SAMPLES:
        found.append(f"{spec.key}: no sample for {template.file}")
    if not (ASSET_TEMPLATES / template.file).is_file():
        found.append(f"{spec.key}: {template.file} is not shipped (eti templates build)")
    for ref in (template.build, template.sample, spec.context):
        try:
            if not callable(resolve(ref)):
                found.append(f"{spec.key}: {ref} is not a function")
        except (ImportError, AttributeError):
            found.append(f"{spec.key}: no {ref}")
    trigger = spec.trigger
    if isinstance(trigger, PerSubmission) and trigger.forms:
        forms = resolve(trigger.forms)
        if not forms or set(forms) - set(CATALOG.codes):
            found.append(f"{spec.key}: forms {forms} are not in the catalog")
    if isinstance(trigger, Periodic):
        if trigger.job not in SCHEDULE_BY_NAME or trigger.job not in default_jobs():
            found.append(f"{spec.key}: no scheduled job {trigger.job}")
        if trigger.every == "quarter" and trigger.job not in PERIODIC_BY_JOB:
            found.append(f"{spec.key}: {trigger.job} is not a periodic report job")
    words = [w for w in spec.command.split() if not w.startswith("--")]
    flags = [w for w in spec.command.split() if w.startswith("--")]
    command: click.Command | None = main
    for word in words:
        group = command if isinstance(command, click.Group) else None
        command = group.commands.get(word) if group else None
    if command is None:
        found.append(f"{spec.key}: no command eti {spec.command}")
    elif flags and not set(flags) <= {o for p in command.params for o in p.opts}:
        found.append(f"{spec.key}: eti {' '.join(words)} has no {flags}")
    return found


@pytest.mark.parametrize("spec", DOCUMENTS, ids=lambda s: s.key)
def test_every_declaration_has_its_template_sample_job_and_command(spec: DocumentSpec) -> None:
    assert problems(spec) == []


def test_a_declaration_lacking_a_template_a_sample_or_a_job_fails() -> None:
    lacking = DocumentSpec(
        key="dummy-report", name_ar="تقرير تجريبي", title_ar="تقرير تجريبي",
        title_en="dummy report",
        template=Template("dummy_report.docx", "automation.templates.reports:dummy_report",
                          "automation.templates.samples:dummy_report"),
        context="automation.documents.reports:dummy_context", shape="process-period",
        folder="reports", file="تقرير-تجريبي-{period}",
        trigger=Periodic("quarter", "dummy-report", "تقرير", "report"),
        command="report dummy", process="P2",
    )
    found = "\n".join(problems(lacking))
    for lack in ("no builder", "no sample", "not shipped", "no scheduled job",
                 "not a periodic report job", "no command", "no automation.documents.reports"):
        assert lack in found, lack


def test_keys_are_unique_and_every_template_is_built_once() -> None:
    from automation.templates.builder import TEMPLATE_NAMES

    keys = [s.key for s in DOCUMENTS]
    assert len(keys) == len(set(keys))
    assert list(TEMPLATE_NAMES) == [t.file for t in TEMPLATES]
    assert len(TEMPLATE_NAMES) == len(set(TEMPLATE_NAMES))
    assert {p.name for p in ASSET_TEMPLATES.glob("*.docx")} == set(TEMPLATE_NAMES)


def test_what_is_derived_from_the_declarations() -> None:
    from automation.cli.documents import report
    from automation.documents.letters import KINDS_AR
    from automation.documents.reports import REPORTS, TITLES
    from automation.service.jobs import PERIODIC_REPORTS, SCHEDULE_BY_NAME

    assert KINDS_AR == names_ar()
    quarterly = [s for s in DOCUMENTS
                 if isinstance(s.trigger, Periodic) and s.trigger.every == "quarter"]
    assert [r.job for r in PERIODIC_REPORTS] == [s.trigger.job for s in quarterly]  # type: ignore[union-attr]
    assert {r.title_ar for r in PERIODIC_REPORTS} == {s.trigger.job_title_ar for s in quarterly}  # type: ignore[union-attr]
    assert SCHEDULE_BY_NAME["digest"].title_ar == "الملخص اليومي لرئيس القسم"
    processes = [s for s in DOCUMENTS if s.shape == "process-period"]
    assert set(REPORTS) == {s.command.split()[-1] for s in processes} <= set(report.commands)
    assert {TITLES[s.command.split()[-1]] for s in processes} == {s.title_ar for s in processes}
    assert all(isinstance(s.trigger, OnDemand | Periodic | PerSubmission) for s in DOCUMENTS)


def test_kinds_are_spelled_only_in_their_declarations() -> None:
    """No module that the declarations feed spells a kind as a string of its own."""
    spelled = re.compile("|".join(rf"[\"']{re.escape(s.key)}[\"']" for s in DOCUMENTS))
    found = [f"{name}: {m.group(0)}" for name in DERIVED
             for m in spelled.finditer((REPO / name).read_text(encoding="utf-8"))]
    assert found == []


def test_the_file_names_the_declarations_give() -> None:
    """The same names as always (a user sees no change): a declaration's parts joined by
    ``-``, each made safe, empty ones left out."""
    from automation.documents.making import file_stem

    by_key = {s.key: s for s in DOCUMENTS}
    assert file_stem(by_key["helpdesk-report"].file, {"period": "2026-Q1"}) == \
        "تقرير-الدعم-الفني-2026-Q1"
    assert file_stem(by_key["quarterly-report"].file, {"period": "2025-Q3"}) == \
        "تقرير-ربعي-2025-Q3"
    assert file_stem(by_key["visit-report"].file,
                     {"date": "2026-03-10", "form": "QF75-13", "school": "مدرسة الأمل"}) == \
        "2026-03-10-QF75-13-مدرسة-الأمل"
    assert file_stem(by_key["technical-report"].file,
                     {"date": "", "form": "QF75-11", "school": "مدرسة/النور", "id": "7"}) == \
        "QF75-11-مدرسة-النور-7"
    assert file_stem(by_key["meeting-minutes"].file, {"date": "2026-03-01", "kind": ""}) == \
        "2026-03-01-محضر-اجتماع"
    assert file_stem(by_key["daily-digest"].file, {"day": "2026-04-05"}) == \
        "2026-04-05-الملخص-اليومي"
