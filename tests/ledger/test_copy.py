"""``eti ledger copy --to postgresql://…``: a department's SQLite ledger moved into the
central database as its directorate, with every reference mapped to the new ids,
idempotently, all or nothing, each directorate seeing only its own records."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from department_factory import maintenance_rows, make_department, school_names
from ledger_factory import add_decision, add_submission
from postgres_server import know_directorates

from automation.catalog.reference import load_references
from automation.cli.main import main
from automation.core.department import Department
from automation.core.errors import LedgerError
from automation.core.periods import parse_period
from automation.core.problems import Problem
from automation.core.settings import load_settings
from automation.documents.correspondence import issue_number
from automation.ledger.copy import TABLES, copy_ledger, open_source
from automation.ledger.store import Ledger, SubmissionRecord
from automation.processes import PROCESSES, compute_figures
from automation.processes.figures import RowSource

D = dt.date
AT = dt.datetime(2026, 6, 1, 10, 0)
A, B = "قصبة عمان", "لواء ماركا"


# -- building a department's SQLite ledger -------------------------------------------


def _department(root: Path, directorate: str) -> Department:
    dept = make_department(root)
    with (dept.root / "eti.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[department]\ndirectorate = "{directorate}"\n')
    return dept


def _sqlite(dept: Department, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    monkeypatch.delenv("ETI_LEDGER_URL", raising=False)
    return Ledger.sqlite(dept.ledger_path)


def _ticket(no: str, school: str, status: str, closed: D | None = None) -> dict[str, object]:
    return {"ticket_no": no, "school": school, "opened": D(2026, 2, 1), "closed": closed,
            "category": "شبكة", "status": status}


def _fill(ledger: Ledger, schools: list[str]) -> dict[str, int]:
    """Accepted, superseded, rejected and duplicate submissions, a keyed row replaced,
    an approved decision with its outgoing number, a draft, a document, a job run and
    an archived row; returns what was put in, counted by hand."""
    s0, s1 = schools[0], schools[1]
    maint = {"school": s0, "request_date": D(2026, 2, 3), "channel": "هاتف", "reference": "R1"}
    add_submission(ledger, "QF75-11", maint, maintenance_rows(3), received_at=AT)
    # the same school, date and reference again: supersedes the first
    add_submission(ledger, "QF75-11", maint, maintenance_rows(2), received_at=AT)
    third = add_submission(ledger, "QF75-11", {**maint, "school": s1, "reference": "R2",
                                                "request_date": D(2026, 5, 4)},
                           maintenance_rows(1, "قيد الإصلاح"), received_at=AT)
    add_submission(ledger, "HD-EXPORT", {}, [_ticket("T-1", s0, "مفتوح"),
                                             _ticket("T-2", s1, "مفتوح")], received_at=AT)
    # ticket T-1 again, closed: its row replaces the open one
    add_submission(ledger, "HD-EXPORT", {}, [_ticket("T-1", s0, "منفذ", D(2026, 2, 9))],
                   received_at=AT)
    items = add_submission(
        ledger, "DISPOSAL", {"source": s0, "date": D(2026, 1, 10)},
        [{"category": "حاسوب وملحقاته", "description": "x", "quantity": 2, "reason": "تالف"},
         {"category": "جهاز علمي", "description": "z", "quantity": 1, "reason": "مكسور"}],
        received_at=AT)
    rejected = ledger.record(
        SubmissionRecord("ملف.xlsx", "bad-bytes", 100, AT, "rejected", form="QF75-11"),
        [Problem("required", "القيمة مطلوبة", cell="C5", field="school", message_en="required"),
         Problem("bad-date", "تاريخ غير صحيح", cell="C6", message_en="bad date")])
    original = ledger.submission(third)
    assert original is not None
    ledger.record(SubmissionRecord("نسخة.xlsx", original["sha256"], 100, AT, "duplicate",
                                   form="QF75-11", duplicate_of=third))
    item_rows = ledger.rows_of_submission(items)
    with ledger.transaction() as conn:
        issued = issue_number(ledger, conn, prefix="ت ت/70", number_format="{prefix}/{year}/"
                              "{sequence}", day=D(2026, 3, 31), now=AT, kind="decision-disposal",
                              to=s0, subject="قرار لجنة الإتلاف", process="P5")
    approved = add_decision(ledger, issued.number, D(2026, 3, 31), [item_rows[0].id])
    draft = add_decision(ledger, "draft-x", D(2026, 4, 1), [item_rows[1].id])
    with ledger.transaction() as conn:
        conn.execute("UPDATE decisions SET item_ids = ? WHERE id = ?",
                     (json.dumps([item_rows[0].id]), approved))
        conn.execute("UPDATE decisions SET state = 'draft', number = ?, decided_on = '', "
                     "item_ids = ?, scope = ? WHERE id = ?",
                     (f"draft-{draft}", json.dumps([item_rows[1].id]), '{"source": ""}', draft))
        archived = ledger.rows_of_submission(third)[0].id
        conn.execute("UPDATE rows SET archived_at = ? WHERE id = ?", ("2026-06-02T00:00:00",
                                                                      archived))
        conn.execute("INSERT INTO archive (row_id, form, record_date, archived_at, workbook) "
                     "VALUES (?, ?, ?, ?, ?)", (archived, "QF75-11", "2026-05-04",
                                                "2026-06-02T00:00:00", "data/archive/x.xlsx"))
    ledger.record_document("rejection-letter", "outbox/letter.docx", AT, rejected)
    ledger.record_job("digest", AT)
    ledger.record_report_issue("quarterly-report", "2026-Q1", AT)  # issued after its quarter
    return {"submissions": 8, "rows": 3 + 2 + 1 + 2 + 1 + 2, "live_rows": 2 + 1 + 2 + 2,
            "problems": 2, "decisions": 2, "outgoing": 1, "sequences": 1, "job_runs": 1,
            "documents": 1, "archive": 1, "report_issues": 1}


# -- reading a ledger back, ids replaced by what they stand for ----------------------


def _counts(ledger: Ledger) -> dict[str, int]:
    out = {t: int(ledger.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])  # noqa: S608
           for t in TABLES if t not in ("dirty_registers", "sequences")}
    out["sequences"] = int(ledger.conn.execute(  # not the registers' marks (PostgreSQL's)
        "SELECT COUNT(*) FROM sequences WHERE name NOT LIKE 'registers-%'").fetchone()[0])
    out["live_rows"] = int(ledger.conn.execute(
        "SELECT COUNT(*) FROM rows WHERE current = 1").fetchone()[0])
    return out


def _marks(ledger: Ledger) -> dict[str, int]:
    """The registers' marks (a register to rewrite when its mark moves)."""
    return {str(r[0]): int(r[1]) for r in ledger.conn.execute(
        "SELECT name, value FROM sequences WHERE name LIKE 'registers-%'")}


def _content(ledger: Ledger) -> dict[str, list[tuple[object, ...]]]:
    """Every record with its references as the records they name (ids differ by ledger)."""
    c = ledger.conn
    subs = {r["id"]: (r["sha256"], r["received_at"], r["original_name"])
            for r in c.execute("SELECT * FROM submissions")}
    rows = {r["id"]: (subs[r["submission_id"]], r["sheet"], r["row_number"])
            for r in c.execute("SELECT * FROM rows")}
    numbers = {r["id"]: r["number"] if r["state"] != "draft" else "draft"
               for r in c.execute("SELECT * FROM decisions")}

    def of(table: str, make: object) -> list[tuple[object, ...]]:
        return sorted((make(r) for r in c.execute(f"SELECT * FROM {table}")),  # type: ignore[operator]  # noqa: S608
                      key=repr)

    return {
        "submissions": of("submissions", lambda r: (
            subs[r["id"]], r["outcome"], r["form"], r["identity"], r["claim_id"], r["row_count"],
            r["header_json"], subs.get(r["superseded_by"]), subs.get(r["duplicate_of"]))),
        "rows": of("rows", lambda r: (
            rows[r["id"]], r["record_key"], r["record_date"], r["school"], r["data"],
            r["current"], rows.get(r["replaced_by"]), r["archived_at"],
            numbers.get(r["decision_id"]))),
        "problems": of("problems", lambda r: (subs[r["submission_id"]], r["code"], r["cell"],
                                              r["message"], r["message_en"])),
        "decisions": of("decisions", lambda r: (
            numbers[r["id"]], r["state"], r["decided_on"], r["scope"],
            sorted(rows[i] for i in json.loads(r["item_ids"])))),
        "outgoing": of("outgoing", lambda r: (r["number"], r["year"], r["sequence"], r["kind"],
                                              r["subject"])),
        "sequences": [x for x in of("sequences", lambda r: (r["name"], r["value"]))
                      if not str(x[0]).startswith("registers-")],
        "job_runs": of("job_runs", lambda r: (r["job"], r["last_run"], r["last_ok"])),
        "documents": of("documents", lambda r: (r["kind"], r["path"], r["created_at"],
                                                subs.get(r["submission_id"]))),
        "archive": of("archive", lambda r: (rows[r["row_id"]], r["form"], r["workbook"])),
        "report_issues": of("report_issues", lambda r: (r["kind"], r["period"],
                                                        r["first_issued_at"], r["issued_at"])),
    }


def _figures(dept: Department, ledger: Ledger) -> dict[str, object]:
    """What ``eti figures --period 2026 --json`` prints, from this ledger."""
    calendar = load_settings(dept).department.calendar
    return compute_figures(RowSource(ledger, shared=False), parse_period("2026", calendar),
                           load_references(dept), calendar).to_json()


def _central(url: str, directorate: str) -> Ledger:
    return Ledger(Path(os.devnull), url=url, directorate=directorate)


REGISTERS = tuple(PROCESSES)


@pytest.fixture
def postgres_url(postgres_url: str) -> str:
    """The test database, knowing the directorates A and B (as `eti ledger grant` makes
    them known)."""
    know_directorates(postgres_url, A, B)
    return postgres_url


# -- the copy ------------------------------------------------------------------------


@pytest.mark.postgres
def test_copy_moves_everything_with_its_references(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dept = _department(tmp_path / "a", A)
    with _sqlite(dept, monkeypatch) as ledger:
        expected = _fill(ledger, school_names(dept))
        assert _counts(ledger) == expected  # what was put in, counted by hand
        content, figures = _content(ledger), _figures(dept, ledger)
    assert figures["processes"]["P5"]  # the figures compared below are not empty
    with open_source(dept.ledger_path) as source:
        report = copy_ledger(source, postgres_url, A, registers=REGISTERS)
    assert report.copied == {**{t: expected[t] for t in TABLES if t != "dirty_registers"},
                             "dirty_registers": len(REGISTERS)}
    assert not any(report.skipped.values()) and not any(report.updated.values())
    with _central(postgres_url, A) as central:
        assert _counts(central) == expected
        assert _content(central) == content
        assert _figures(dept, central) == figures
        assert central.integrity() == "ok"
        assert sorted(central.dirty_processes()) == sorted(REGISTERS)
        assert central.directorates() == [A]
        draft_id, number = central.conn.execute(
            "SELECT id, number FROM decisions WHERE state = 'draft'").fetchone()
        assert number == f"draft-{draft_id}"  # as a draft made in the database is named
        assert central.conn.execute(  # the next outgoing number continues after the file's
            "SELECT value FROM sequences WHERE name = 'outgoing-2026'").fetchone()[0] == 1


@pytest.mark.postgres
def test_copying_again_adds_nothing_and_says_so(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dept = _department(tmp_path / "a", A)
    with _sqlite(dept, monkeypatch) as ledger:
        expected = _fill(ledger, school_names(dept))
    runner = CliRunner()
    first = runner.invoke(main, ["ledger", "copy", "--root", str(dept.root), "--to",
                                 postgres_url, "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["copied"]["rows"] == expected["rows"]
    with _central(postgres_url, A) as central:
        before, marks = _content(central), _marks(central)
    # the department already points at the central database: the copy still reads its file
    monkeypatch.setenv("ETI_LEDGER_URL", postgres_url)
    again = runner.invoke(main, ["ledger", "copy", "--root", str(dept.root), "--to",
                                 postgres_url])
    assert again.exit_code == 0, again.output
    assert "nothing added" in again.output and "لم يُضف شيء" in again.output
    monkeypatch.delenv("ETI_LEDGER_URL")
    with open_source(dept.ledger_path) as source:
        report = copy_ledger(source, postgres_url, A, registers=REGISTERS)
    assert report.added == 0 and not any(report.copied.values())
    assert report.skipped["submissions"] == expected["submissions"]
    assert report.skipped["rows"] == expected["rows"]
    with _central(postgres_url, A) as central:
        assert _content(central) == before
        assert _marks(central) == marks  # nothing new: no register to rewrite


@pytest.mark.postgres
def test_a_later_copy_brings_what_the_file_received_since(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dept = _department(tmp_path / "a", A)
    schools = school_names(dept)
    with _sqlite(dept, monkeypatch) as ledger:
        _fill(ledger, schools)
    with open_source(dept.ledger_path) as source:
        copy_ledger(source, postgres_url, A, registers=REGISTERS)
    with _sqlite(dept, monkeypatch) as ledger:
        # the department kept working on its file: R1 sent a third time, T-2 closed
        add_submission(ledger, "QF75-11", {"school": schools[0], "request_date": D(2026, 2, 3),
                                           "channel": "هاتف", "reference": "R1"},
                       maintenance_rows(4), received_at=AT)
        add_submission(ledger, "HD-EXPORT", {}, [_ticket("T-2", schools[1], "منفذ",
                                                         D(2026, 2, 5))], received_at=AT)
        with ledger.transaction() as conn:  # and sent a letter: outgoing-2026 is at 2 now
            issue_number(ledger, conn, prefix="ت ت/70", number_format="{prefix}/{year}/"
                         "{sequence}", day=D(2026, 6, 1), now=AT, kind="letter", to=schools[0],
                         subject="شكر", process="P1")
        content, figures = _content(ledger), _figures(dept, ledger)
    with open_source(dept.ledger_path) as source:
        report = copy_ledger(source, postgres_url, A, registers=REGISTERS)
    assert report.copied["submissions"] == 2 and report.copied["rows"] == 5
    assert report.updated["submissions"] == 1  # the R1 copied before is superseded now
    assert report.updated["rows"] == 2 + 1  # its 2 live rows, and the open T-2
    assert report.copied["outgoing"] == 1 and report.updated["sequences"] == 1
    with _central(postgres_url, A) as central:
        assert _content(central) == content
        assert _figures(dept, central) == figures
        assert central.integrity() == "ok"


@pytest.mark.postgres
def test_two_directorates_in_one_database_stay_apart(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dept_a, dept_b = _department(tmp_path / "a", A), _department(tmp_path / "b", B)
    with _sqlite(dept_a, monkeypatch) as ledger:
        expected_a = _fill(ledger, school_names(dept_a))
        content_a, figures_a = _content(ledger), _figures(dept_a, ledger)
    with _sqlite(dept_b, monkeypatch) as ledger:
        schools = school_names(dept_b)
        add_submission(ledger, "QF75-11", {"school": schools[3], "request_date": D(2026, 3, 1),
                                           "channel": "كتاب رسمي", "reference": "R1"},
                       maintenance_rows(5), received_at=AT)
        add_submission(ledger, "HD-EXPORT", {}, [_ticket("T-1", schools[2], "مفتوح")],
                       received_at=AT)
        content_b, figures_b = _content(ledger), _figures(dept_b, ledger)
    for dept, name in ((dept_a, A), (dept_b, B)):
        with open_source(dept.ledger_path) as source:
            copy_ledger(source, postgres_url, name, registers=REGISTERS)
    with _central(postgres_url, A) as central:
        assert _content(central) == content_a
        assert _figures(dept_a, central) == figures_a
    with _central(postgres_url, B) as central:
        assert _content(central) == content_b
        assert _figures(dept_b, central) == figures_b
        assert central.directorates() == [B]
    with _central(postgres_url, "*") as everyone:
        assert everyone.directorates() == sorted([A, B])
        assert _counts(everyone)["submissions"] == expected_a["submissions"] + 2
    assert figures_a != figures_b


@pytest.mark.postgres
def test_a_copy_the_database_refuses_leaves_nothing(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dept = _department(tmp_path / "a", A)
    schools = school_names(dept)
    with _sqlite(dept, monkeypatch) as ledger:
        _fill(ledger, schools)
    with open_source(dept.ledger_path) as source:
        copy_ledger(source, postgres_url, A, registers=REGISTERS)
    with _central(postgres_url, A) as central:
        before, marks = _content(central), _marks(central)
    with _sqlite(dept, monkeypatch) as ledger:
        add_submission(ledger, "QF75-11", {"school": schools[5], "request_date": D(2026, 4, 1),
                                           "channel": "هاتف"}, maintenance_rows(1),
                       received_at=AT)
        # an outgoing number now names another letter than the one the database has
        # (as another department of the directorate numbering from 1 would have it)
        with ledger.transaction() as conn:
            number = conn.execute("SELECT MIN(number) FROM outgoing").fetchone()[0]
            conn.execute("UPDATE outgoing SET created_at = '2026-01-01T00:00:00' "
                         "WHERE number = ?", (number,))
    with open_source(dept.ledger_path) as source, pytest.raises(LedgerError) as caught:
        copy_ledger(source, postgres_url, A, registers=REGISTERS)
    assert caught.value.code == "copy-numbering-conflict"
    assert "لم يُنسخ شيء" in caught.value.message_ar and number in caught.value.message_ar
    assert "[ledger] url" in caught.value.message_en  # what to do
    with _central(postgres_url, A) as central:
        assert _content(central) == before  # the new submission did not get in either
        assert _marks(central) == marks


# -- refusals (no database needed) ----------------------------------------------------


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("directorate", "url", "code"), [
    ("", "postgresql://eti@db/eti", "no-directorate"),
    ("  ", "postgresql://eti@db/eti", "no-directorate"),
    ("*", "postgresql://eti@db/eti", "no-directorate"),
    (A, "sqlite:///tmp/x.sqlite", "bad-ledger-url"),
])
def test_a_copy_without_a_directorate_or_database_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, directorate: str, url: str, code: str
) -> None:
    with _sqlite(Department.at(tmp_path), monkeypatch) as ledger:
        with pytest.raises(LedgerError) as caught:
            copy_ledger(ledger, url, directorate)
    assert caught.value.code == code
    assert caught.value.message_ar != caught.value.message_en  # Arabic for staff, and English


@pytest.mark.sqlite_only
def test_the_command_refuses_a_department_without_a_directorate(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "a")
    result = CliRunner().invoke(main, ["ledger", "copy", "--root", str(dept.root), "--to",
                                       "postgresql://eti@127.0.0.1:1/eti"])
    assert result.exit_code == 1
    assert "[department] directorate" in result.output and "لم يُنسخ شيء" in result.output


@pytest.mark.sqlite_only
def test_records_of_another_directorate_or_no_file_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(LedgerError) as missing:
        open_source(tmp_path / "none.sqlite")
    assert missing.value.code == "no-source-ledger"
    assert not (tmp_path / "none.sqlite").exists()
    with _sqlite(Department.at(tmp_path), monkeypatch) as ledger:
        ledger.record(SubmissionRecord("ملف.xlsx", "x", 1, AT, "rejected"))
        ledger.conn.execute("UPDATE submissions SET directorate = ?", (B,))
        with pytest.raises(LedgerError) as other:
            copy_ledger(ledger, "postgresql://eti@127.0.0.1:1/eti", A)
    assert other.value.code == "other-directorate" and B in other.value.message_ar


@pytest.mark.postgres
def test_a_second_department_of_the_directorate_merges(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = _department(tmp_path / "a", A), _department(tmp_path / "a2", A)
    s = school_names(first)

    def maint(school: str, day: D, ref: str) -> dict[str, object]:
        return {"school": school, "request_date": day, "channel": "هاتف", "reference": ref}

    hour = dt.timedelta(hours=1)
    with _sqlite(first, monkeypatch) as ledger:
        shared = add_submission(ledger, "QF75-11", maint(s[0], D(2026, 2, 3), "R1"),
                                maintenance_rows(2), received_at=AT)
        add_submission(ledger, "QF75-11", maint(s[1], D(2026, 2, 4), "R2"),
                       maintenance_rows(1), received_at=AT)
        sha = ledger.submission(shared)["sha256"]
        ledger.record_report_issue("quarterly-report", "2026-Q1", AT + 2 * hour)
        ledger.record_report_issue("helpdesk-report", "2026-Q1", AT)
    with open_source(first.ledger_path) as source:
        copy_ledger(source, postgres_url, A, registers=REGISTERS)
    with _sqlite(second, monkeypatch) as ledger:
        same = add_submission(ledger, "QF75-11", maint(s[0], D(2026, 2, 3), "R1"),
                              maintenance_rows(2), received_at=AT + hour)
        ledger.conn.execute("UPDATE submissions SET sha256 = ? WHERE id = ?", (sha, same))
        add_submission(ledger, "QF75-11", maint(s[2], D(2026, 2, 5), "R3"),
                       maintenance_rows(3), received_at=AT + 2 * hour)
        # the same request (school, date, reference) sent again later, corrected
        add_submission(ledger, "QF75-11", maint(s[1], D(2026, 2, 4), "R2"),
                       maintenance_rows(4), received_at=AT + 3 * hour)
        # the quarter's report issued by both departments: first by this one, last by the
        # first; the help desk report by the first only, the systems report by this one
        ledger.record_report_issue("quarterly-report", "2026-Q1", AT + hour)
        ledger.record_report_issue("systems-report", "2026-Q1", AT + hour)
    with open_source(second.ledger_path) as source:
        report = copy_ledger(source, postgres_url, A, registers=REGISTERS)
    assert (report.copied["report_issues"], report.updated["report_issues"]) == (1, 1)
    # counted by hand: 3 files of the second department join, one of them the very bytes
    # the first filed (a duplicate, its 2 rows not again); R2 corrected supersedes R2
    assert report.merged == 1
    assert report.copied["submissions"] == 3 and report.copied["rows"] == 3 + 4
    assert report.updated["submissions"] == 1 and report.updated["rows"] == 1
    with _central(postgres_url, A) as central:
        outcomes = sorted(str(r[0]) for r in central.conn.execute(
            "SELECT outcome FROM submissions"))
        assert outcomes == ["accepted"] * 3 + ["duplicate", "superseded"]
        assert central.count_rows() == 2 + 1 + 3 + 4
        assert central.count_current_rows("QF75-11") == 2 + 3 + 4
        stamp = {n: (AT + n * hour).isoformat(timespec="seconds") for n in range(3)}
        assert central.report_issues() == [
            ("helpdesk-report", "2026-Q1", stamp[0], stamp[0]),
            ("quarterly-report", "2026-Q1", stamp[1], stamp[2]),
            ("systems-report", "2026-Q1", stamp[1], stamp[1])]
    with open_source(second.ledger_path) as source:  # again: nothing more
        assert copy_ledger(source, postgres_url, A, registers=REGISTERS).added == 0
