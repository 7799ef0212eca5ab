"""Issue 25, who has not sent: a small year counted by hand.

Twelve schools (S1 … S12; S12 has no lab), school year 2025/2026, today 20/7/2026; the
period followed is May–July 2026 (July is a summer month: no monthly report is owed).
Due days: a month's report on the 5th of the next month (May → 5/6, June → 5/7); the
school-year forms on 30/9/2025. QF70-2-18 is switched off in eti.toml.

QF70-2-3 (library, every school):
  May:  S1–S8 on 1/6–5/6 (on time); S9 on 10/6 (late); S10 rejected 3/6, corrected 8/6
        (late); S11 nothing (missing); S12 rejected 4/6, never corrected.
        → on time 8 / owed 12
  June: S1–S10 on 2/7 (S3 sends a second copy on 12/7: still on time); S12 on 9/7 (late);
        S11 nothing.  → on time 10 / 12
QF70-2-22 (lab: S1–S11):
  May:  all on 3/6 but S5 (missing).  → 10 / 11
  June: S1–S6 on 3/7; S7–S11 nothing.  → 6 / 11
QF70-2-28 (lab, once a year): S1–S10 on 20/9/2025; S11 never.  → 10 / 11
QF70-2-19 (lab, once a year): nobody.  → 0 / 11
Reminders: to S11 for QF70-2-3 May on 15/6 and again on 10/7; a circular for QF70-2-22
May on 20/6 (S5 is the only school owing it then).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from department_factory import make_department
from ledger_factory import add_submission

from automation.catalog.forms import CATALOG
from automation.catalog.reference import load_references
from automation.catalog.reference_books import write_reference_rows
from automation.cli import collection as cli_collection
from automation.cli.main import main
from automation.core.clock import FakeClock
from automation.core.department import Department
from automation.core.periods import date_range
from automation.documents.correspondence import issue_number
from automation.ledger.open import open_ledger
from automation.ledger.reminders import CIRCULAR_KIND, REMINDER_KIND
from automation.ledger.store import Ledger, SubmissionRecord
from automation.processes import collection as coll
from automation.processes import figures_of, indicator_value
from automation.registers.collection import collection_path, write_collection_register

pytestmark = pytest.mark.usefixtures("ledger_backend")  # on SQLite and on PostgreSQL

D = dt.date
TODAY = D(2026, 7, 20)
LIBRARY, LAB_MONTHLY, LAB_YEAR, LAB_STATS, LAB_PLAN = (
    "QF70-2-3", "QF70-2-22", "QF70-2-28", "QF70-2-19", "QF70-2-18")


def at(day: D) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0))


def _library(ledger: Ledger, school: str, month: D, day: D) -> None:
    add_submission(ledger, LIBRARY, {"school": school, "month": month, "librarian": "أمين",
                                     "books_total": 100, "loans_students": 5, "visits": 3},
                   [], received_at=at(day))


def _lab(ledger: Ledger, school: str, month: D, day: D) -> None:
    add_submission(ledger, LAB_MONTHLY, {"school": school, "month": month, "technician": "م"},
                   [], received_at=at(day))


def _rejected(ledger: Ledger, form: str, school: str, day: D, period: str) -> None:
    ledger.record(SubmissionRecord(f"{form} {school}.xlsx", f"sha-{form}-{school}-{day}", 10,
                                   at(day), "rejected", form=form, school=school,
                                   period=period))


def _remind(ledger: Ledger, day: D, kind: str, to: str, subject: str) -> None:
    with ledger.transaction() as conn:
        issue_number(ledger, conn, prefix="ت ت", number_format="{prefix}/{year}/{sequence}",
                     day=day, now=at(day), kind=kind, to=to, subject=subject, process="P10")


@pytest.fixture()
def year(tmp_path: Path) -> tuple[Department, list[str]]:
    dept = make_department(tmp_path / "dept", 12)
    schools = load_references(dept).schools[:12]
    names = [s.name for s in schools]
    rows = [{"school_no": s.school_no, "name": s.name, "lab": "لا" if i == 11 else ""}
            for i, s in enumerate(schools)]
    write_reference_rows(dept.reference_file("schools.xlsx"), CATALOG.reference("schools"), rows)
    with dept.config_path.open("a", encoding="utf-8") as out:
        out.write('\n[collection]\nforms_off = ["QF70-2-18"]\n')
    s = names
    with open_ledger(dept) as ledger:
        may, june = D(2026, 5, 1), D(2026, 6, 1)
        for i in range(8):
            _library(ledger, s[i], may, D(2026, 6, 1 + i % 5))
        _library(ledger, s[8], may, D(2026, 6, 10))
        _rejected(ledger, LIBRARY, s[9], D(2026, 6, 3), "2026-05-01")
        _library(ledger, s[9], may, D(2026, 6, 8))
        _rejected(ledger, LIBRARY, s[11], D(2026, 6, 4), "")  # its month unreadable
        for i in range(10):
            _library(ledger, s[i], june, D(2026, 7, 2))
        _library(ledger, s[2], june, D(2026, 7, 12))  # supersedes: still on time
        _library(ledger, s[11], june, D(2026, 7, 9))
        for i in range(11):
            if i != 4:
                _lab(ledger, s[i], may, D(2026, 6, 3))
        for i in range(6):
            _lab(ledger, s[i], june, D(2026, 7, 3))
        for i in range(10):
            add_submission(ledger, LAB_YEAR, {"school": s[i], "year": "2025/2026"},
                           [{"objective": "هدف", "activity": "نشاط", "month": "أيلول",
                             "responsible": "م"}], received_at=at(D(2025, 9, 20)))
        subject = coll.reminder_subject([(LIBRARY, "2026-05")])
        _remind(ledger, D(2026, 6, 15), REMINDER_KIND, coll.SCHOOL_PREFIX + s[10], subject)
        _remind(ledger, D(2026, 7, 10), REMINDER_KIND, coll.SCHOOL_PREFIX + s[10], subject)
        _remind(ledger, D(2026, 6, 20), CIRCULAR_KIND, "مديرو المدارس",
                coll.reminder_subject([(LAB_MONTHLY, "2026-05")]))
    return dept, names


def entries(dept: Department, period: str = "2026-05") -> list[coll.Entry]:
    rules = coll.load_rules(dept)
    with open_ledger(dept) as ledger:
        return coll.entries_of(dept, ledger, TODAY,
                               date_range(D(2026, 5, 1), D(2026, 7, 31)) if period == "all"
                               else coll.parse_collection_period(period, rules.calendar))


def states(found: list[coll.Entry], form: str, slot: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for e in found:
        if e.form == form and e.slot.slug == slot:
            out[e.state] = out.get(e.state, 0) + 1
    return out


def test_states_counted_by_hand(year: tuple[Department, list[str]]) -> None:
    dept, s = year
    found = entries(dept, "all")
    assert {e.form for e in found} == {LIBRARY, LAB_MONTHLY, LAB_YEAR, LAB_STATS}  # -18 off
    assert {e.slot.slug for e in found if e.form == LIBRARY} == {"2026-05", "2026-06"}  # no July
    assert states(found, LIBRARY, "2026-05") == {"on_time": 8, "late": 2, "missing": 1,
                                                 "rejected": 1}
    assert states(found, LIBRARY, "2026-06") == {"on_time": 10, "late": 1, "missing": 1}
    assert states(found, LAB_MONTHLY, "2026-05") == {"on_time": 10, "missing": 1,
                                                     "not_owed": 1}
    assert states(found, LAB_MONTHLY, "2026-06") == {"on_time": 6, "missing": 5, "not_owed": 1}
    assert states(found, LAB_YEAR, "2025-2026") == {"on_time": 10, "missing": 1, "not_owed": 1}
    assert states(found, LAB_STATS, "2025-2026") == {"missing": 11, "not_owed": 1}
    one = {(e.form, e.slot.slug, e.school): e for e in found}
    corrected = one[(LIBRARY, "2026-05", s[9])]
    assert (corrected.state, corrected.received) == ("late", D(2026, 6, 8))  # first accepted
    assert one[(LIBRARY, "2026-06", s[2])].received == D(2026, 7, 2)  # first arrival counts
    assert one[(LIBRARY, "2026-05", s[11])].state_ar == "مرفوض — بانتظار التصحيح"
    assert one[(LIBRARY, "2026-05", s[10])].days_overdue == 45  # 6/6 … 20/7
    assert one[(LIBRARY, "2026-05", s[10])].reminders == (D(2026, 6, 15), D(2026, 7, 10))
    assert one[(LAB_MONTHLY, "2026-05", s[4])].reminders == (D(2026, 6, 20),)  # the circular
    assert one[(LAB_MONTHLY, "2026-05", s[0])].reminders == ()  # had sent before it
    assert one[(LAB_YEAR, "2025-2026", s[10])].days_overdue == 293  # 1/10/2025 … 20/7/2026


def test_not_yet_due_before_the_due_day(year: tuple[Department, list[str]]) -> None:
    dept, s = year
    rules = coll.load_rules(dept)
    with open_ledger(dept) as ledger:
        found = coll.entries_of(dept, ledger, D(2026, 7, 5),
                                coll.parse_collection_period("2026-06", rules.calendar),
                                forms=(LIBRARY,))
    # on 5/7 June's reports are due that day: the two not received are not yet due
    assert states(found, LIBRARY, "2026-06") == {"on_time": 10, "not_due": 2}


def test_eti_missing_json(year: tuple[Department, list[str]],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    dept, s = year
    monkeypatch.setattr(cli_collection, "CLOCK", FakeClock(at(TODAY)))
    result = CliRunner().invoke(main, ["missing", "--root", str(dept.root), "--period",
                                       "2026-05", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    # May: S11 and S12 (rejected) for QF70-2-3, S5 for QF70-2-22; the school year's forms:
    # S11 for QF70-2-28, S1–S11 for QF70-2-19 → 1 + 1 + 1 + 1 + 11 = 15
    assert len(listed) == 15
    assert [e["days_overdue"] for e in listed] == [293] * 12 + [45] * 3  # longest first
    assert {"form": LAB_YEAR, "period": "2025-2026", "school": s[10],
            "due": "2025-09-30", "days_overdue": 293, "state": "missing"} in listed
    assert {"form": LIBRARY, "period": "2026-05", "school": s[11], "due": "2026-06-05",
            "days_overdue": 45, "state": "rejected"} in listed
    only = CliRunner().invoke(main, ["missing", "--root", str(dept.root), "--period",
                                     "2026-06", "--form", LAB_MONTHLY, "--json"])
    assert sorted(e["school"] for e in json.loads(only.output)) == sorted(s[6:11])
    text = CliRunner().invoke(main, ["missing", "--root", str(dept.root), "--period",
                                     "2026-05", "--form", LIBRARY])
    assert "تذكير 10/07/2026" in text.output.replace("آخر تذكير", "تذكير")
    bad = CliRunner().invoke(main, ["missing", "--root", str(dept.root), "--period", "May"])
    assert bad.exit_code != 0 and "2026-11" in bad.output


def test_the_figure_reconciles_by_hand(year: tuple[Department, list[str]]) -> None:
    dept, _ = year
    refs = load_references(dept)
    with open_ledger(dept) as ledger:
        june = {f.key: f.text for f in figures_of(
            ledger, "P10", date_range(D(2026, 6, 1), D(2026, 6, 30)), refs)}
        july = {f.key: f.text for f in figures_of(
            ledger, "P10", date_range(D(2026, 7, 1), D(2026, 7, 31)), refs)}
        labels = [f.label for f in figures_of(
            ledger, "P10", date_range(D(2026, 6, 1), D(2026, 6, 30)), refs)]
    rate, key = coll.RATE_AR, "p10.on_time_pct"
    assert rate in labels and f"{rate}: {CATALOG.form(LIBRARY).name_ar}" in labels
    # due in June: May's reports. QF70-2-3 8/12; QF70-2-22 10/11; together 18/23
    assert june[f"{key}.{LIBRARY}"] == "66.7%"
    assert june[f"{key}.{LAB_MONTHLY}"] == "90.9%"
    assert june[key] == "78.3%"
    # due in July: June's reports. 10/12 and 6/11; together 16/23
    assert july[f"{key}.{LIBRARY}"] == "83.3%"
    assert july[f"{key}.{LAB_MONTHLY}"] == "54.5%"
    assert july[key] == "69.6%"
    # nothing else was due in either: the school-year forms were due on 30/9/2025
    assert june[f"{key}.{LAB_YEAR}"] == "—" and july[f"{key}.{LAB_STATS}"] == "—"
    # the QF12-1 indicator a plan line may name: the same 78.3% (18/23) for June
    with open_ledger(dept) as ledger:
        assert indicator_value(ledger, rate, date_range(D(2026, 6, 1), D(2026, 6, 30)),
                               refs) == Decimal("78.3")


def test_register_counted_by_hand(year: tuple[Department, list[str]]) -> None:
    dept, s = year
    with open_ledger(dept) as ledger:
        status = write_collection_register(dept, ledger, clock=FakeClock(at(TODAY)))
    assert status == "written"
    book = openpyxl.load_workbook(collection_path(dept))
    assert book.sheetnames == ["ملخص", LIBRARY, LAB_STATS, LAB_MONTHLY, LAB_YEAR]  # catalog order
    sheet = book[LIBRARY]
    assert sheet.sheet_view.rightToLeft
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$5"  # the title, the periods and their due days
    header = [c.value for c in sheet[4]]
    assert header[0] == "المدرسة" and header[1:] == [
        "9/2025", "10/2025", "11/2025", "12/2025", "1/2026", "2/2026", "3/2026", "4/2026",
        "5/2026", "6/2026"]  # no July or August
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=6) if r[0].value}
    may = header.index("5/2026")
    assert rows[s[0]][may].value == "01/06/2026" and rows[s[0]][may].fill.fgColor.rgb in (
        "00000000", None)
    assert rows[s[8]][may].value == "10/06/2026"
    assert rows[s[8]][may].fill.fgColor.rgb.endswith("FCE4D6")  # late: shaded
    assert rows[s[10]][may].value == "لم يرد — تذكير 10/07/2026"
    assert rows[s[10]][may].fill.fgColor.rgb.endswith("FF9999")  # missing: red
    assert rows[s[11]][may].value == "مرفوض — بانتظار التصحيح"
    lab = book[LAB_MONTHLY]
    lab_rows = {r[0].value: r for r in lab.iter_rows(min_row=6) if r[0].value}
    assert lab_rows[s[11]][may].value == "غير مطلوب"
    summary = [[c.value for c in r] for r in book["ملخص"].iter_rows()]
    may_row = next(r for r in summary if r[0] == "5/2026")  # the first block: QF70-2-3
    assert may_row[2:] == [12, 8, 2, 1, 1, 0, "66.7%"]


def _docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_reminder_letters(year: tuple[Department, list[str]],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    dept, s = year
    monkeypatch.setattr(cli_collection, "CLOCK", FakeClock(at(TODAY)))
    # May's lab reports: only S5 owes, already reminded once by the circular of 20/6
    one = CliRunner().invoke(main, ["letter", "reminder", "--root", str(dept.root),
                                    "--period", "2026-05", "--form", LAB_MONTHLY, "--json"])
    assert one.exit_code == 0, one.output
    letters = json.loads(one.output)
    assert len(letters) == 1
    text = _docx_text(dept.root / letters[0]["document"])
    assert s[4] in text and "تذكير ثانٍ" in text and "QF70-2-22" in text
    assert letters[0]["number"] == "ت ت/70/2026/4"  # after the three reminders of the year
    # a circular for May's library reports: S11 (missing, third reminder) and S12 (rejected)
    circular = CliRunner().invoke(main, ["letter", "reminder", "--root", str(dept.root),
                                         "--period", "2026-05", "--form", LIBRARY,
                                         "--circular", "--json"])
    assert circular.exit_code == 0, circular.output
    [sent] = json.loads(circular.output)
    text = _docx_text(dept.root / sent["document"])
    assert s[10] in text and s[11] in text and s[0] not in text
    assert "تذكير ثالث" in text and "مرفوض — بانتظار التصحيح" in text
    # the register shows the reminders of today beside the owing cells
    book = openpyxl.load_workbook(collection_path(dept))
    rows = {r[0].value: r for r in book[LAB_MONTHLY].iter_rows(min_row=6) if r[0].value}
    header = [c.value for c in book[LAB_MONTHLY][4]]
    assert rows[s[4]][header.index("5/2026")].value == "لم يرد — تذكير 20/07/2026"
    # the outgoing register numbered both
    outgoing = openpyxl.load_workbook(dept.registers / "OUTGOING.xlsx").active
    assert [r[0].value for r in outgoing.iter_rows(min_row=2)][-2:] == [
        "ت ت/70/2026/4", "ت ت/70/2026/5"]
    # nothing owed (July is a summer month): a clean refusal in both languages
    none = CliRunner().invoke(main, ["letter", "reminder", "--root", str(dept.root),
                                     "--period", "2026-07", "--form", LAB_MONTHLY])
    assert none.exit_code != 0 and "no school owes" in none.output


def test_digest_section_counted_by_hand(year: tuple[Department, list[str]]) -> None:
    """The whole school year up to 20/7/2026: nothing arrived for September–April."""
    from automation.documents.letters import digest_context
    from automation.documents.making import make

    dept, s = year
    refs = load_references(dept)
    with open_ledger(dept) as ledger:
        context = digest_context(dept, ledger, TODAY, refs)
        path = make("daily-digest", dept, ledger, TODAY, clock=FakeClock(at(TODAY)),
                    references=refs)
    assert context["missing_forms"] == [
        # Sep–Apr: 8 months × 12 schools = 96, May 1, June 1 missing; May 1 rejected
        {"form": f"{LIBRARY} {CATALOG.form(LIBRARY).name_ar}", "missing": 98, "rejected": 1},
        # 11 lab schools: Sep–Apr 8 × 11 = 88 + May 1 + June 5 = 94
        {"form": f"{LAB_STATS} {CATALOG.form(LAB_STATS).name_ar}", "missing": 11, "rejected": 0},
        {"form": f"{LAB_MONTHLY} {CATALOG.form(LAB_MONTHLY).name_ar}", "missing": 94,
         "rejected": 0},
        {"form": f"{LAB_YEAR} {CATALOG.form(LAB_YEAR).name_ar}", "missing": 1, "rejected": 0},
    ]
    assert context["missing_count"] == 99 + 11 + 94 + 1
    # the longest overdue: the school-year forms due 30/9/2025, 293 days
    assert [(m["form"], m["days"]) for m in context["missing_longest"]] == [(LAB_STATS, 293)] * 5
    assert path is not None and "لم ترد بعد (205)" in _docx_text(path)


def test_a_rejected_file_keeps_the_month_it_was_for(tmp_path: Path) -> None:
    """Through the intake: a library report for April with more new books than books is
    rejected; the ledger keeps its month, so April shows «مرفوض — بانتظار التصحيح»."""
    from department_factory import drop

    from automation.intake.pipeline import run_batch

    dept = make_department(tmp_path / "dept", 12)
    school = load_references(dept).school_names[0]
    drop(dept, "مكتبة نيسان.xlsx", LIBRARY,
         {"school": school, "month": "4/2026", "librarian": "أمين", "books_total": 10,
          "books_new": 20, "loans_students": 5, "visits": 3}, [])
    batch = run_batch(dept, clock=FakeClock(at(D(2026, 5, 3))))
    assert [f.outcome for f in batch.files] == ["rejected"]
    rules = coll.load_rules(dept)
    with open_ledger(dept) as ledger:
        assert [a.period for a in ledger.arrivals((LIBRARY,))] == ["2026-04-01"]
        found = coll.entries_of(dept, ledger, D(2026, 5, 20),
                                coll.parse_collection_period("2026-Q2", rules.calendar),
                                forms=(LIBRARY,))
    april = {e.school: e.state for e in found if e.slot.slug == "2026-04"}
    # the demo's school list: four schools of twelve have a library
    assert april[school] == "rejected" and list(april.values()).count("missing") == 3
    assert list(april.values()).count("not_owed") == 8
    may = {e.school: e.state for e in found if e.slot.slug == "2026-05"}
    assert may[school] == "not_due"  # due 5/6: the rejected April copy is not May's


def test_due_days_and_summer_months_from_settings(year: tuple[Department, list[str]]) -> None:
    from automation.core.settings import settings_from

    dept, s = year
    rules = coll.Rules.from_settings(settings_from({"collection": {
        "due_days": {LIBRARY: 10}, "months_off": [6, 7, 8], "forms_off": [LAB_STATS]}}))
    refs = load_references(dept)
    with open_ledger(dept) as ledger:
        found = coll.collect(ledger.arrivals((LIBRARY,)), refs.schools, rules, TODAY,
                             date_range(D(2026, 5, 1), D(2026, 7, 31)), forms=(LIBRARY,))
    # due 10/6: S9 (10/6) and S10 (8/6) now on time; June is a summer month here
    assert states(found, LIBRARY, "2026-05") == {"on_time": 10, "missing": 1, "rejected": 1}
    assert {e.slot.slug for e in found} == {"2026-05"}
    assert LAB_STATS not in {f.code for f, _ in coll.followed_forms(rules)}
    # by default the summer is the two months before the school year starts
    moved = coll.Rules.from_settings(settings_from(
        {"department": {"school_year_start_month": 8}}))
    assert moved.months_off == {6, 7}
