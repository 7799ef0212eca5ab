"""``eti demo``: a whole year replayed through a 12-school department, end to end."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from ledger_factory import backend_ledger

import automation.demo.run as demo_module
from automation.catalog.forms import CATALOG
from automation.catalog.reference import DeviceType, References, School
from automation.catalog.schools import SchoolIndex
from automation.cli.demo import register
from automation.core.department import Department
from automation.core.errors import EtiError
from automation.demo.references import demo_references
from automation.demo.run import DemoSummary, format_summary, run_demo, week_of
from automation.demo.year import MISTAKES, PlannedFile, plan_year
from automation.intake.reader import read_workbook
from automation.registers.builder import register_path


def references(n: int, seed: int = 7) -> References:
    data = demo_references(n, seed)
    return References(
        schools=[School(**row) for row in data["schools"]],
        device_types=[DeviceType(**row) for row in data["device_types"]],
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    lines: list[str] = []
    summary = run_demo(tmp_path_factory.mktemp("demo") / "dept", schools=12, seed=7,
                       progress=lines.append)
    summary.progress_lines = lines  # type: ignore[attr-defined]
    return summary


# -- the plan (no department needed) -----------------------------------------------------------


def test_plan_is_deterministic_and_varies_with_the_seed() -> None:
    refs = references(12)
    first, again, other = plan_year(refs, seed=7), plan_year(refs, seed=7), plan_year(refs, seed=8)

    def shape(files: list[PlannedFile]) -> list[tuple[object, ...]]:
        return [(f.drop_at, f.name, f.form, f.header, f.rows, f.mistake, f.workbook_id)
                for f in files]

    assert shape(first) == shape(again)
    assert shape(first) != shape(other)


def test_plan_of_a_40_school_year() -> None:
    files = plan_year(references(40), seed=7)
    assert 300 <= len(files) <= 420
    assert {f.form for f in files} == set(CATALOG.codes)
    assert [f.drop_at for f in files] == sorted(f.drop_at for f in files)
    assert all(f.drop_at.year == 2026 and f.drop_at.weekday() not in (4, 5) for f in files)
    assert len({f.name for f in files}) == len(files)
    assert all("/" not in f.name and f.name.endswith(".xlsx") for f in files)
    kinds = Counter(f.mistake for f in files if f.mistake)
    assert set(kinds) == set(MISTAKES)
    assert 0.07 <= sum(kinds.values()) / len(files) <= 0.14
    counts = Counter(f.form for f in files)
    assert counts["HD-EXPORT"] >= 12 and counts["QF75-11"] >= 40
    assert counts["FO-SITES"] == 2 and counts["QF12-1"] == 1


def test_plan_values_come_from_the_catalog_and_the_references() -> None:
    refs = references(12)
    index = SchoolIndex(refs.schools)
    devices = set(refs.device_type_names)
    for planned in plan_year(refs, seed=7):
        if planned.mistake or planned.duplicate_of:
            continue
        form = CATALOG.form(planned.form)
        for values in [planned.header, *planned.rows]:
            for key, value in values.items():
                spec = form.field(key)
                if value is None:
                    assert not spec.required, (planned.name, key)
                elif spec.type == "school":
                    assert value in spec.extra_choices or index.find(value), (planned.name, value)
                elif spec.choices_from == "device_types":
                    assert value in devices
                elif spec.type == "choice":
                    assert value in spec.choices, (planned.name, key, value)
                elif spec.type == "yesno":
                    assert value in ("نعم", "لا")


def test_hd_exports_update_tickets_by_number() -> None:
    exports = [f for f in plan_year(references(12), seed=7) if f.form == "HD-EXPORT"]
    seen: dict[str, list[str]] = {}
    for export in exports:
        numbers = [str(row["ticket_no"]) for row in export.rows]
        assert len(numbers) == len(set(numbers))
        for row in export.rows:
            seen.setdefault(str(row["ticket_no"]), []).append(str(row["status"]))
    reincluded = [s for s in seen.values() if len(s) > 1]
    assert reincluded and any(s[0] == "مفتوح" and s[-1] != "مفتوح" for s in reincluded)


def test_the_annual_plan_covers_every_indicator() -> None:
    plan = next(f for f in plan_year(references(12), seed=7) if f.form == "QF12-1")
    assert 18 <= len(plan.rows) <= 24
    indicators = CATALOG.form("QF12-1").field("indicator").choices
    typed = "نسبة المدارس الملتزمة بإرسال التقارير في موعدها"  # beside the list (issue 25)
    assert {row["indicator"] for row in plan.rows} == {*indicators, typed}
    assert {row["quarter"] for row in plan.rows} >= {"الأول", "الثاني", "الثالث", "الرابع"}
    assert all(int(row["target"]) >= 1 for row in plan.rows)  # type: ignore[call-overload]


def test_weeks_start_on_sunday() -> None:
    assert week_of(dt.date(2026, 3, 19)) == dt.date(2026, 3, 15)  # Thursday → Sunday
    assert week_of(dt.date(2026, 3, 15)) == dt.date(2026, 3, 15)


# -- the folder ---------------------------------------------------------------------------------


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "ledger.sqlite").write_text("not a demo", encoding="utf-8")
    for force in (False, True):  # --force replaces only a folder an earlier demo made
        with pytest.raises(EtiError) as caught:
            run_demo(tmp_path, schools=3, force=force)
        assert caught.value.code == "not-empty"
        assert "ليس فارغاً" in caught.value.message_ar
    assert (tmp_path / "ledger.sqlite").read_text(encoding="utf-8") == "not a demo"


def test_cli_reports_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    group = click.Group("eti")
    register(group)
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(group, ["demo", "--root", str(tmp_path), "--schools", "3"])
    assert result.exit_code != 0
    assert "ليس فارغاً" in result.output and "not empty" in result.output


# -- the year, replayed -------------------------------------------------------------------------


def test_every_form_is_accepted(demo: DemoSummary) -> None:
    with backend_ledger(demo.dept.ledger_path) as ledger:
        forms = {r[0] for r in ledger.conn.execute(
            "SELECT DISTINCT form FROM submissions WHERE outcome IN ('accepted', 'superseded')")}
        assert ledger.integrity() == "ok"
    assert forms == set(CATALOG.codes)


def test_every_outcome_happens_as_planned(demo: DemoSummary) -> None:
    assert demo.unexpected == []
    assert demo.failures == []
    assert all(result is not None for _, result in demo.results)
    for outcome in ("accepted", "rejected", "duplicate", "superseded"):
        assert demo.outcomes[outcome] >= 1, outcome
    assert sum(demo.outcomes.values()) == demo.files == len(demo.results)
    assert not any(demo.dept.inbox.glob("*.xlsx"))  # every file was filed away


def test_every_mistake_gives_its_outcome(demo: DemoSummary) -> None:
    seen = Counter()
    for planned, result in demo.results:
        if not planned.mistake:
            continue
        assert result is not None
        mistake = MISTAKES[planned.mistake]
        assert result.outcome == mistake.outcome, (planned.name, result.problems)
        codes = {p.code for p in result.problems}
        if mistake.code:
            assert mistake.code in codes, (planned.name, codes)
        if mistake.outcome == "accepted":
            assert not any(p.severity == "error" for p in result.problems)
        seen[planned.mistake] += 1
    assert set(seen) == set(MISTAKES)
    typo = next(r for p, r in demo.results if p.mistake == "school-typo")
    assert typo is not None and any("هل تقصد" in p.message for p in typo.problems)


def test_corrected_files_are_accepted(demo: DemoSummary) -> None:
    by_name = {p.name: (p, r) for p, r in demo.results}
    fixes = [(p, r) for p, r in demo.results if p.corrects and not p.mistake]
    assert fixes
    for planned, result in fixes:
        original, _ = by_name[planned.corrects]  # type: ignore[index]
        assert MISTAKES[original.mistake or ""].outcome == "rejected"
        assert result is not None and result.outcome in ("accepted", "superseded")


def test_registers_exist_for_every_process(demo: DemoSummary) -> None:
    for process in CATALOG.processes:
        assert register_path(demo.dept, process.code).is_file(), process.code
    assert len(demo.registers) >= len(CATALOG.processes)


def test_documents_in_the_outbox(demo: DemoSummary) -> None:
    outbox = demo.dept.outbox
    for n in range(1, 5):
        assert list(outbox.glob(f"reports/تقرير-ربعي-2026-Q{n}.docx")), n
    assert list(outbox.glob("decisions/*.docx"))
    assert list(outbox.glob("visits/*.docx"))
    assert list(outbox.glob("letters/*.docx"))
    assert list(outbox.glob("digest/2026-12-31*.docx"))
    assert list(demo.dept.rejected.glob("*.errors.xlsx"))


def test_json_lists_every_document_the_year_made(demo: DemoSummary) -> None:
    from automation.cli.demo import _summary_json

    data = _summary_json(demo)
    assert data["files"] == demo.files and data["outcomes"] == dict(demo.outcomes)
    listed = {d["path"] for d in data["documents"]}
    assert all(set(d) == {"kind", "path", "pdf"} for d in data["documents"])
    assert all((demo.dept.root / path).is_file() for path in listed)
    on_disk = {p.relative_to(demo.dept.root).as_posix() for p in demo.dept.outbox.rglob("*.docx")
               if ".previous" not in p.parts}
    assert on_disk <= listed
    assert {"technical-report", "quarterly-report", "rejection-letter"} <= \
        {d["kind"] for d in data["documents"]}


def test_the_year_has_a_decision_approved_and_one_voided(demo: DemoSummary) -> None:
    from automation.documents.correspondence import outgoing_list
    from automation.documents.decision import list_decisions
    from automation.registers.outgoing import outgoing_path

    with backend_ledger(demo.dept.ledger_path) as ledger:
        states = [d.state for d in list_decisions(ledger)]
        entries = outgoing_list(ledger)
    assert states == ["approved", "void"]
    numbers = [e["number"] for e in entries]
    assert len(numbers) == len(set(numbers))  # letters and decisions: one numbering
    kinds = {e["kind"] for e in entries}
    assert {"decision-disposal", "rejection-letter", "letter-thanks"} <= kinds
    assert [e["void"] for e in entries if e["kind"] == "decision-disposal"] == [False, True]
    assert outgoing_path(demo.dept).is_file()


def test_summary_says_what_happened_and_what_to_open(demo: DemoSummary) -> None:
    text = format_summary(demo)
    assert f"Files: {demo.files}" in text and "مقبولة" in text
    assert "Commonest reasons for rejection" in text
    assert "Open first" in text and "افتح أولاً" in text
    assert len(demo.reasons) <= 5 and all(r.example_ar for r in demo.reasons)
    assert demo.open_first and all(path.is_file() for _, _, path in demo.open_first)
    assert demo.open_first[0][2].name == "تقرير-ربعي-2026-Q4.docx"  # the head's first read
    progress = demo.progress_lines  # type: ignore[attr-defined]
    assert any(line.startswith("2026-12:") for line in progress)
    assert not (Department.at(demo.root).data / "demo-staging").exists()


def test_open_first_points_at_documents_in_force(demo: DemoSummary) -> None:
    from automation.documents.decision import list_decisions

    with backend_ledger(demo.dept.ledger_path) as ledger:
        decisions = {d.state: d for d in list_decisions(ledger)}
    # the year voids its second decision after approving it: the head reads the one in force
    approved, void = decisions["approved"], decisions["void"]
    shown = {en: path for _, en, path in demo.open_first}
    decision = next(path for en, path in shown.items() if "decision" in en)
    assert decision.name == Path(approved.document).name != Path(void.document).name
    assert approved.number and approved.number.split("/")[-1] in decision.name
    assert len(shown) == 5 and all(path.is_file() for path in shown.values())


def test_workbooks_are_written_in_this_process_when_no_second_one_starts(
    demo: DemoSummary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_process(*args: object, **kwargs: object) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr(demo_module, "ProcessPoolExecutor", no_process)
    planned = [p for p, _ in demo.results if p.meta and not p.duplicate_of][:3]
    old = next(p for p, _ in demo.results if not p.meta)
    with demo_module._writer(demo.dept.forms) as writer:
        writer.submit(demo_module._write_batch, str(tmp_path), [*planned, old], set()).result()
    for p in [*planned, old]:
        submission, _ = read_workbook(tmp_path / p.name)
        assert submission.form == p.form
        assert submission.workbook_id == (p.workbook_id if p.meta else "")
