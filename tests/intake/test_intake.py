"""Intake end to end: drop real workbooks made from the blank forms, run a batch,
open what came out."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from ledger_factory import backend_ledger

from automation.catalog.reference import load_references
from automation.cli.main import main
from automation.core.department import Department
from automation.intake.inbox import JOURNAL_SUFFIX, Intake, safe_name
from automation.intake.pipeline import run_batch
from automation.intake.workers import validation_context
from automation.ledger.store import Ledger
from tests.department_factory import (
    clock,
    drop,
    maintenance_rows,
    make_department,
    own_directorate,
    school_names,
)

pytestmark = pytest.mark.usefixtures("ledger_backend")  # its tests run on both backends


@pytest.fixture()
def dept(tmp_path: Path) -> Department:
    return make_department(tmp_path / "dept")


def qf75_11_header(school: str, reference: str = "ت ت/70/15") -> dict[str, object]:
    return {
        "school": school,
        "request_date": dt.date(2026, 3, 1),
        "channel": "كتاب رسمي",
        "reference": reference,
    }


def register_rows(dept: Department, process: str, sheet: str) -> list[tuple[object, ...]]:
    path = next(dept.registers.glob(f"{process} *.xlsx"))
    wb = openpyxl.load_workbook(path, read_only=True)
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def run(dept: Department, day: str = "2026-03-10 09:00"):
    return run_batch(dept, clock=clock(day), documents=False)


def test_accepted_duplicate_superseded(dept: Department) -> None:
    school = school_names(dept)[0]
    first = drop(dept, "طلب صيانة آذار.xlsx", "QF75-11", qf75_11_header(school),
                 maintenance_rows(3), workbook_id="wb-1")
    kept = first.read_bytes()
    batch = run(dept)
    assert [(f.outcome, f.form, f.rows) for f in batch.files] == [("accepted", "QF75-11", 3)]
    assert any(o.process == "P1" for o in batch.registers)
    p1 = register_rows(dept, "P1", "QF75-11")
    assert len(p1) == 4  # header + 3 rows
    assert school in p1[1]

    # the same bytes again: a duplicate, nothing added, the register unchanged
    (dept.inbox / "نسخة.xlsx").write_bytes(kept)
    batch = run(dept, "2026-03-11 09:00")
    assert [f.outcome for f in batch.files] == ["duplicate"]
    assert register_rows(dept, "P1", "QF75-11") == p1

    # a corrected version of the same filled copy supersedes the first
    drop(dept, "طلب صيانة آذار - مصحح.xlsx", "QF75-11", qf75_11_header(school),
         maintenance_rows(2), workbook_id="wb-1")
    batch = run(dept, "2026-03-12 09:00")
    assert [f.outcome for f in batch.files] == ["superseded"]
    assert len(register_rows(dept, "P1", "QF75-11")) == 3
    with backend_ledger(dept.ledger_path) as ledger:
        outcomes = [r["outcome"] for r in ledger.conn.execute(
            "SELECT outcome FROM submissions ORDER BY id")]
        assert outcomes == ["superseded", "duplicate", "accepted"]
        assert len(ledger.current_rows("QF75-11")) == 2
        assert ledger.count_rows() == 5  # history kept
        assert ledger.integrity() == "ok"
    processed = list((dept.processed / "2026-03").iterdir())
    assert len(processed) == 3
    assert not any(dept.inbox.glob("*.xlsx"))


def test_copies_of_one_blank_for_two_schools_are_not_superseded(dept: Department) -> None:
    a, b = school_names(dept)[:2]
    drop(dept, "a.xlsx", "QF75-11", qf75_11_header(a), maintenance_rows(1), workbook_id="same")
    drop(dept, "b.xlsx", "QF75-11", qf75_11_header(b), maintenance_rows(1), workbook_id="same")
    batch = run(dept)
    assert sorted(f.outcome for f in batch.files) == ["accepted", "accepted"]


def test_rejected_with_errors_workbook(dept: Department) -> None:
    school = school_names(dept)[0]
    rows = maintenance_rows(3)
    rows[0]["location"] = "المطبخ"  # not a choice
    rows[1]["fault"] = None  # required
    rows[2]["done_date"] = "31/2/2026"  # impossible
    path = drop(dept, "خطأ.xlsx", "QF75-11", qf75_11_header(school), rows)
    original = path.read_bytes()
    batch = run(dept)
    (result,) = batch.files
    assert result.outcome == "rejected"
    codes = {p.code for p in result.problems}
    assert {"bad-choice", "required", "impossible-date"} <= codes
    stored = dept.root / result.stored_path
    assert stored.read_bytes() == original  # the original, unchanged
    errors = stored.with_name(stored.stem + ".errors.xlsx")
    wb = openpyxl.load_workbook(errors)
    assert wb.sheetnames[0] == "الأخطاء"
    listed = [r for r in wb["الأخطاء"].iter_rows(min_row=4, values_only=True)]
    assert len(listed) == len(result.problems)
    ws = wb["QF75-11"]
    for problem in result.problems:
        cell = ws[problem.cell]
        assert cell.fill.fgColor.rgb.endswith("FFC7CE")
        assert cell.comment is not None
        assert any("\u0600" <= c <= "\u06ff" for c in cell.comment.text)
    with backend_ledger(dept.ledger_path) as ledger:
        assert ledger.count_rows() == 0
        assert len(ledger.problems_of(result.submission_id)) == len(result.problems)


def test_near_miss_school_suggests(dept: Department) -> None:
    school = school_names(dept)[0]
    typo = school.replace("مدرسة ", "مدرسه ").replace("ة", "ه")[:-1]
    drop(dept, "x.xlsx", "QF75-11", qf75_11_header(typo), maintenance_rows(1))
    (result,) = run(dept).files
    assert result.outcome == "rejected"
    assert any("هل تقصد" in p.message and school in p.message for p in result.problems)


def test_arabic_digits_and_text_dates_are_read(dept: Department) -> None:
    school = school_names(dept)[1]
    header = qf75_11_header(school) | {"request_date": "٢٠٢٦/٣/١"}
    rows = maintenance_rows(1)
    rows[0] |= {"done_date": "5/3/2026", "cost_jod": "١٢٫٥٠٠", "status": "تم الاصلاح"}
    drop(dept, "digits.xlsx", "QF75-11", header, rows)
    (result,) = run(dept).files
    assert result.outcome == "accepted", result.problems
    with backend_ledger(dept.ledger_path) as ledger:
        (row,) = ledger.current_rows("QF75-11")
    assert row.data["request_date"] == "2026-03-01"
    assert row.data["cost_jod"] == "12.500"
    assert row.data["status"] == "تم الإصلاح"
    assert row.data["school_no"]


def test_workbook_without_meta_is_identified_by_labels(dept: Department) -> None:
    school = school_names(dept)[0]
    drop(dept, "old copy.xlsx", "QF75-11", qf75_11_header(school), maintenance_rows(2),
         meta=False)
    (result,) = run(dept).files
    assert (result.outcome, result.form, result.rows) == ("accepted", "QF75-11", 2)


def test_running_list_resent_with_more_rows_replaces_it(dept: Department) -> None:
    school = school_names(dept)[0]

    def tickets(n: int, status: str = "مفتوح") -> list[dict[str, object]]:
        return [
            {"ticket_no": f"HD-{i}", "school": school, "opened": dt.date(2026, 2, i + 1),
             "closed": dt.date(2026, 2, 20) if status == "منفذ" else None,
             "category": "شبكة", "status": status}
            for i in range(n)
        ]

    drop(dept, "hd1.xlsx", "HD-EXPORT", {}, tickets(3), workbook_id="hd")
    run(dept)
    drop(dept, "hd2.xlsx", "HD-EXPORT", {}, tickets(5), workbook_id="hd")
    (result,) = run(dept, "2026-03-11 09:00").files
    assert result.outcome == "superseded"
    # another export (another workbook) updates tickets by number
    drop(dept, "hd3.xlsx", "HD-EXPORT", {}, tickets(2, "منفذ"), workbook_id="hd-other")
    (result,) = run(dept, "2026-03-12 09:00").files
    assert result.outcome == "accepted"
    with backend_ledger(dept.ledger_path) as ledger:
        rows = ledger.current_rows("HD-EXPORT")
    assert sorted(r.data["ticket_no"] for r in rows) == [f"HD-{i}" for i in range(5)]
    assert sum(r.data["status"] == "منفذ" for r in rows) == 2


def test_cross_form_references(dept: Department) -> None:
    fault = {"site_code": "FO-X-1", "reported": dt.date(2026, 3, 1), "fault": "انقطاع",
             "handled_by": "شركة الاتصالات", "resolved": None, "status": "مفتوح"}
    drop(dept, "faults.xlsx", "FO-FAULTS", {}, [fault])
    (result,) = run(dept).files
    assert result.outcome == "rejected"
    assert [p.code for p in result.problems] == ["unknown-reference"]
    site = {"site_code": "FO-X-1", "site_name": "مدرسة", "site_type": "مدرسة",
            "connected": "نعم", "connected_on": dt.date(2025, 5, 1)}
    drop(dept, "sites.xlsx", "FO-SITES", {}, [site])
    run(dept, "2026-03-11 09:00")
    drop(dept, "faults again.xlsx", "FO-FAULTS", {}, [fault])
    (result,) = run(dept, "2026-03-12 09:00").files
    assert result.outcome == "accepted"


def test_disposal_without_unrepairable_report_is_a_warning(dept: Department) -> None:
    school = school_names(dept)[0]
    drop(dept, "m.xlsx", "QF75-11", qf75_11_header(school, "REF-9"),
         maintenance_rows(1, "غير قابل للإصلاح"))
    run(dept)
    items = [
        {"category": "حاسوب وملحقاته", "description": "حاسوب", "quantity": 1,
         "reason": "تالف", "maintenance_ref": "REF-9"},
        {"category": "حاسوب وملحقاته", "description": "طابعة", "quantity": 2,
         "reason": "تالف", "maintenance_ref": "REF-404"},
        {"category": "كتب مكتبة", "description": "كتب قديمة", "quantity": 40,
         "reason": "ممزقة"},
    ]
    drop(dept, "d.xlsx", "DISPOSAL", {"source": school, "date": dt.date(2026, 3, 9)}, items)
    (result,) = run(dept, "2026-03-11 09:00").files
    assert result.outcome == "accepted"
    warnings = [p for p in result.problems if p.severity == "warning"]
    assert [(p.code, p.row) for p in warnings] == [("no-unrepairable-report", 10)]


def test_hostile_file_is_rejected_with_a_message(dept: Department) -> None:
    (dept.inbox / "CON.xlsx").write_text("<html><body>not a workbook</body></html>")
    (dept.inbox / "\u200fقديم.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    batch = run(dept)
    assert sorted(f.outcome for f in batch.files) == ["rejected", "rejected"]
    for f in batch.files:
        stored = dept.root / f.stored_path
        assert stored.exists()
        errors = stored.with_name(stored.stem + ".errors.xlsx")
        wb = openpyxl.load_workbook(errors)
        assert wb.sheetnames == ["الأخطاء"]
        listed = [str(c.value) for c in wb["الأخطاء"]["D"]]
        assert f"{f.problems[0].message}\n{f.problems[0].message_en}" in listed
        todo = str(wb["الأخطاء"]["A2"].value)
        assert "workbooks/forms" in todo and "workbooks/forms/" in todo.split("\n")[1]
        assert "الأحمر" not in todo and "red cells" not in todo


def test_ignored_files_stay(dept: Department) -> None:
    for name in ("~$lock.xlsx", "x.tmp", ".hidden.xlsx", "d.crdownload"):
        (dept.inbox / name).write_bytes(b"x")
    assert run(dept).files == []
    assert len(list(dept.inbox.glob("*"))) >= 4


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CON.xlsx", "_CON.xlsx"),
        ("طلب\u200f صيانة.xlsx", "طلب صيانة.xlsx"),
        ("a/b\\c:d.xlsx", "abcd.xlsx"),
        ("x" * 300 + ".xlsx", "x" * 75 + ".xlsx"),
        ("noext", "noext"),
    ],
)
def test_safe_name(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_cli_process_json_equals_library(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "a")
    school = school_names(dept)[0]
    drop(dept, "one.xlsx", "QF75-11", qf75_11_header(school), maintenance_rows(1))
    bad = maintenance_rows(1)
    bad[0]["status"] = "خربان"
    drop(dept, "two.xlsx", "QF75-11", qf75_11_header(school, "r2"), bad)
    twin = tmp_path / "b"
    shutil.copytree(dept.root, twin)
    own_directorate(Department.at(twin), "b")  # apart from "a" on a shared PostgreSQL
    result = CliRunner().invoke(main, ["process", "--root", str(dept.root), "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    library = run_batch(Department.at(twin), clock=clock(), documents=False).to_json()
    strip = lambda items: [  # noqa: E731 - ids and paths differ between the two runs
        {k: v for k, v in item.items() if k not in ("stored_path", "submission_id",
                                                     "documents")}
        for item in items
    ]
    assert sorted(strip(printed), key=str) == sorted(strip(library), key=str)
    assert {p["outcome"] for p in printed} == {"accepted", "rejected"}
    problem = next(p for p in printed if p["outcome"] == "rejected")["problems"][0]
    assert set(problem) == {"code", "severity", "sheet", "cell", "field", "message",
                            "message_en"}
    for item in printed:
        for each in item["problems"]:
            assert each["message"] and each["message_en"], each


def _intake(dept: Department, ledger: Ledger) -> Intake:
    refs = load_references(dept)
    return Intake(dept, ledger, validation_context(refs), clock=clock())


def test_claims_share_one_journal_kept_until_the_last_is_filed(dept: Department) -> None:
    """Files claimed together are noted in one journal (creating a file costs more than
    renaming one); a run killed half way leaves it, and the next run finishes the rest
    under their original names, then removes it."""
    names = [f"طلب صيانة {i}.xlsx" for i in range(3)]
    for i, name in enumerate(names):
        drop(dept, name, "QF75-11", qf75_11_header(school_names(dept)[0], f"ت ت/70/{i}"),
             maintenance_rows(2))
    with backend_ledger(dept.ledger_path) as ledger:
        intake = _intake(dept, ledger)
        claims = intake.claim_all(sorted(dept.inbox.glob("*.xlsx")) + [dept.inbox / "gone.xlsx"])
        assert [c.original for c in claims] == sorted(names)  # the vanished one left out
        journals = list(dept.claimed.glob("*.claims.json"))
        assert len(journals) == 1 and {c.note for c in claims} == {journals[0]}
        assert intake.handle(claims[0]).outcome == "accepted"  # then the run is killed
        assert journals[0].exists()
    with backend_ledger(dept.ledger_path) as ledger:
        intake = _intake(dept, ledger)
        left = intake.leftovers()
        assert [c.original for c in left] == sorted(names)[1:]
        intake.handle(left[0])
        assert journals[0].exists()
        intake.handle(left[1])
    assert not any(dept.claimed.iterdir())
    stored = [p.name for p in (dept.inbox / "processed").rglob("*.xlsx")]
    assert sorted(name.split("_", 2)[2] for name in stored) == sorted(names)


def test_leftovers_of_spent_cut_short_and_older_notes(dept: Department) -> None:
    dept.claimed.mkdir(parents=True, exist_ok=True)
    spent = dept.claimed / f"20260301090000-aaaaaaaaaa{JOURNAL_SUFFIX}"
    spent.write_text(json.dumps({"claims": [{"id": "20260301090000-aaaaaaaaaa",
                                             "original": "x.xlsx"}]}), encoding="utf-8")
    cut = dept.claimed / f"20260301090000-bbbbbbbbbb{JOURNAL_SUFFIX}"
    cut.write_text('{"claimed_at": "2026-03-01T09:00:00", "claims": [{"id": "2026', "utf-8")
    (dept.claimed / "20260301090000-cccccccccc.xlsx").write_bytes(b"a note of its own")
    (dept.claimed / "20260301090000-cccccccccc.json").write_text(
        json.dumps({"original": "قديم.xlsx", "claimed_at": "2026-03-01T09:00:00"},
                   ensure_ascii=False), encoding="utf-8")
    (dept.claimed / "20260301090000-dddddddddd.xlsx").write_bytes(b"no note at all")
    with backend_ledger(dept.ledger_path) as ledger:
        left = _intake(dept, ledger).leftovers()
    assert sorted(c.original for c in left) == ["20260301090000-dddddddddd.xlsx", "قديم.xlsx"]
    assert not spent.exists() and not cut.exists()


def test_workers_are_forked_only_by_a_process_without_other_threads() -> None:
    """A fork could catch another thread holding a lock (the watch service runs several):
    then, and off Linux, the workers are spawned."""
    import sys
    import threading

    from automation.intake.workers import start_method

    alone = threading.active_count() == 1
    assert start_method() == ("fork" if sys.platform.startswith("linux") and alone else "spawn")
    release = threading.Event()
    helper = threading.Thread(target=release.wait)
    helper.start()
    try:
        assert start_method() == "spawn"
    finally:
        release.set()
        helper.join()


def test_a_worker_failing_on_one_file_costs_no_other(
    dept: Department, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers read several files a task: a file whose reading fails there is read again
    by the batch process (here failing again: rejected as an internal error), and the
    files that shared its task are committed as usual."""
    from concurrent.futures import ThreadPoolExecutor

    from automation.catalog.forms import CATALOG
    from automation.intake import inbox as intake_module
    from automation.intake import pipeline, workers
    from automation.intake.safety import Limits

    school = school_names(dept)[0]
    for i in range(12):
        drop(dept, f"طلب {i:02d}.xlsx", "QF75-11", qf75_11_header(school, f"ت ت/70/{i}"),
             maintenance_rows(2), workbook_id=f"wb-{i}")
    real = intake_module.analyse
    calls: list[Path] = []

    def analyse(path: Path, *args: object) -> object:
        calls.append(path)
        if len(calls) > 5 and path == calls[5]:  # the sixth claimed, in the first task
            raise ValueError("a bug")
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 10)
    monkeypatch.setattr(workers, "analyse", analyse)
    monkeypatch.setattr(intake_module, "analyse", analyse)
    refs = load_references(dept)
    monkeypatch.setattr(workers, "_WORKER", {
        "context": validation_context(refs), "catalog": CATALOG, "limits": Limits()})
    with backend_ledger(dept.ledger_path) as ledger:
        intake = Intake(dept, ledger, validation_context(refs), clock=clock("2026-03-10 09:00"))
        with ThreadPoolExecutor(1) as pool:
            results, stopped = pipeline.intake_files(dept, intake, None, None,
                                                     pool=lambda: pool)
    assert stopped == ""
    assert len(calls) == 13  # twelve in the worker, the failed one again here
    outcomes = [(r.outcome, [p.code for p in r.problems]) for r in results]
    assert outcomes[5] == ("rejected", ["internal"])
    assert outcomes[:5] + outcomes[6:] == [("accepted", [])] * 11
    assert len(list(dept.rejected.glob("*.xlsx"))) == 2  # the file and its errors workbook
    assert not list(dept.inbox.glob("*.xlsx")) and not list(dept.claimed.iterdir())
