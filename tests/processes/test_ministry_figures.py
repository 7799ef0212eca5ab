"""The ministry's view (issue 18, item 5): two directorates' departments on one shared
PostgreSQL ledger, forms dropped and processed into each; ``eti figures
--all-directorates`` shows each directorate as its own ``eti figures`` does and a total
whose means are weighted by what they average.

Every expected number was counted by hand from the rows dropped below; both
departments' forms name the same school (the first of the demo list): a school of the
same name in two directorates is two schools.

    قصبة عمان  HD-EXPORT  1 request executed (1 → 11 Feb: 10 days)
               QF75-11    2 devices repaired (5 Mar)
               EMIS       1 school visited, 1 function at 100 %
    الجامعة    HD-EXPORT  3 requests executed (2 days each), 1 opened and still open
               QF75-11    3 devices repaired (5 Mar)
               EMIS       1 school visited, 3 functions at 40 %

    total      executed 1 + 3 = 4; repaired 2 + 3 = 5; schools visited 1 + 1 = 2
               mean days (10 + 2 + 2 + 2) / 4 = 4.0   (the mean of means would be 6.0)
               mean completion (100 + 40 + 40 + 40) / 4 = 55.0   (mean of means: 70.0)
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from department_factory import clock, drop, maintenance_rows, make_department, school_names

from automation.cli import main
from automation.core.department import Department
from automation.core.periods import parse_period
from automation.intake.pipeline import run_batch
from automation.processes.ministry import ministry_figures

D = dt.date
AMMAN = "قصبة عمان"
JAMIAH = "الجامعة"

EXECUTED = "عدد طلبات الدعم الفني المنفذة"
CORRECTIVE = "عدد الإجراءات التصحيحية المنفذة"
ACTIVATION = "متوسط نسبة تفعيل الوظائف"
MEAN_DAYS = "متوسط مدة التنفيذ (يوم)"
OPEN = "الطلبات المفتوحة حتى نهاية الفترة"
SCHOOLS_VISITED = "المدارس التي تمت زيارتها"
BUDGET = ["موازنة الصيانة وقطع الغيار للسنة (دينار)", "المصروف منذ بداية السنة (دينار)",
          "المتبقي من الموازنة (دينار)", "نسبة الصرف من الموازنة"]
NO_BUDGET = BUDGET[0]


def _ticket(no: str, opened: D, closed: D | None, status: str = "منفذ") -> dict[str, object]:
    return {"ticket_no": no, "opened": opened, "closed": closed, "category": "شبكة",
            "status": status}


def department(root: Path, directorate: str, url: str | None) -> Department:
    """A department of ``directorate`` whose ledger is the shared database at ``url``
    (its own SQLite file when None)."""
    dept = make_department(root)
    ledger = f'[ledger]\nurl = "{url}"\n' if url else ""
    (dept.root / "eti.toml").write_text(
        f'[department]\ndirectorate = "{directorate}"\n{ledger}', encoding="utf-8")
    shared = url or os.environ.get("ETI_LEDGER_URL")
    if shared:  # a shared database knows the directorates its administrator granted
        from postgres_server import know_directorates

        know_directorates(shared, directorate)
    return dept


def fill(dept: Department, tickets: list[dict[str, object]], repaired: int,
         completions: list[int], school_index: int) -> None:
    """Drop the three forms into the department's inbox and process them."""
    school = school_names(dept)[school_index]
    drop(dept, "الدعم الفني.xlsx", "HD-EXPORT", {},
         [{**t, "school": school} for t in tickets])
    drop(dept, "صيانة.xlsx", "QF75-11",
         {"school": school, "request_date": D(2026, 3, 1), "channel": "هاتف"},
         maintenance_rows(repaired))
    drop(dept, "تفعيل.xlsx", "EMIS-ACTIVATION",
         {"school": school, "visit_date": D(2026, 3, 2), "visitor": "المتابع"},
         [{"function": f"وظيفة {i}", "activated": True, "completion": pct}
          for i, pct in enumerate(completions, 1)])
    batch = run_batch(dept, clock=clock("2026-04-02 10:00"), documents=False,
                      registers=False, parallel=False)
    outcomes = {f.file: f.outcome for f in batch.files}
    assert outcomes == dict.fromkeys(("الدعم الفني.xlsx", "صيانة.xlsx", "تفعيل.xlsx"),
                                     "accepted"), [
        (f.file, [p.message for p in f.problems]) for f in batch.files]


def two_directorates(tmp_path: Path, url: str) -> tuple[Department, Department]:
    """The scenario of the module's docstring, on the shared database at ``url``."""
    amman = department(tmp_path / "amman", AMMAN, url)
    jamiah = department(tmp_path / "jamiah", JAMIAH, url)
    fill(amman, [_ticket("A1", D(2026, 2, 1), D(2026, 2, 11))], 2, [100], 0)
    fill(jamiah, [_ticket("J1", D(2026, 2, 1), D(2026, 2, 3)),
                  _ticket("J2", D(2026, 2, 10), D(2026, 2, 12)),
                  _ticket("J3", D(2026, 3, 1), D(2026, 3, 3)),
                  _ticket("J4", D(2026, 3, 20), None, "مفتوح")],
         3, [40, 40, 40], 0)
    return amman, jamiah


def figures_json(root: Path, *extra: str) -> dict:
    shown = CliRunner().invoke(main, ["figures", "--root", str(root), "--period", "2026-Q1",
                                      "--json", *extra])
    assert shown.exit_code == 0, shown.output
    return json.loads(shown.output)


def value(figures: dict, code: str, label: str) -> object:
    return next(f["value"] for f in figures["processes"][code] if f["label"] == label)


@pytest.mark.postgres
def test_every_directorate_apart_and_the_total_weighted(tmp_path: Path, postgres_url: str,
                                                        ) -> None:
    amman, jamiah = two_directorates(tmp_path, postgres_url)
    shown = figures_json(jamiah.root, "--all-directorates")  # from any department
    assert set(shown) == {"directorates", "total"}
    assert list(shown["directorates"]) == sorted([AMMAN, JAMIAH])
    a, j, total = shown["directorates"][AMMAN], shown["directorates"][JAMIAH], shown["total"]
    for one in (a, j, total):  # the shape of one directorate's eti figures --json
        assert set(one) == {"period", "indicators", "processes", "plan"}
        assert one["period"] == {"start": "2026-01-01", "end": "2026-03-31"}

    assert (a["indicators"][EXECUTED], j["indicators"][EXECUTED]) == (1, 3)
    assert (a["indicators"][CORRECTIVE], j["indicators"][CORRECTIVE]) == (2, 3)
    assert (value(a, "P2", MEAN_DAYS), value(j, "P2", MEAN_DAYS)) == (10.0, 2.0)
    assert (value(a, "P2", OPEN), value(j, "P2", OPEN)) == (0, 1)
    assert (a["indicators"][ACTIVATION], j["indicators"][ACTIVATION]) == (100.0, 40.0)

    assert total["indicators"][EXECUTED] == 4  # 1 + 3
    assert total["indicators"][CORRECTIVE] == 5  # 2 + 3
    assert value(total, "P2", OPEN) == 1  # a stock adds up
    assert value(total, "P7", SCHOOLS_VISITED) == 2  # one school in each (of the same name)
    assert value(total, "P2", MEAN_DAYS) == 4.0  # 16 days / 4 requests, not (10 + 2) / 2
    assert total["indicators"][ACTIVATION] == 55.0  # 220 / 4 functions, not (100 + 40) / 2
    assert total["plan"] == []  # a plan is its directorate's


@pytest.mark.postgres
def test_a_departments_own_figures_show_only_its_directorate(tmp_path: Path,
                                                             postgres_url: str) -> None:
    amman, jamiah = two_directorates(tmp_path, postgres_url)
    own = figures_json(amman.root)
    assert own["indicators"][EXECUTED] == 1 and own["indicators"][CORRECTIVE] == 2
    assert value(own, "P2", MEAN_DAYS) == 10.0
    assert figures_json(jamiah.root)["indicators"][EXECUTED] == 3
    # and each directorate's part of the ministry's view is its own eti figures
    # (the budget, a reference list of the department's folder, is not in the shared
    # ledger: the ministry's view leaves P1's budget lines out)
    ministry = figures_json(amman.root, "--all-directorates")["directorates"][AMMAN]
    assert ministry["indicators"] == own["indicators"]
    assert {c: f for c, f in ministry["processes"].items() if c != "P1"} == {
        c: f for c, f in own["processes"].items() if c != "P1"}
    assert ministry["processes"]["P1"][:-4] == own["processes"]["P1"][:-4]
    assert [f["label"] for f in own["processes"]["P1"][-4:]] == BUDGET
    assert [f["label"] for f in ministry["processes"]["P1"][-4:]] == BUDGET
    assert [f["value"] for f in ministry["processes"]["P1"][-4:]] == [None] * 4
    plain = CliRunner().invoke(main, ["figures", "--root", str(amman.root), "--period",
                                      "2026-Q1", "--all-directorates"])
    assert plain.exit_code == 0, plain.output
    assert f"  {EXECUTED}: {JAMIAH} 3 | {AMMAN} 1 | المجموع 4" in plain.output
    assert f"  {MEAN_DAYS}: {JAMIAH} 2.0 | {AMMAN} 10.0 | المجموع 4.0" in plain.output


def test_one_department_alone_is_one_directorate_and_its_total(tmp_path: Path,
                                                              ledger_backend: str) -> None:
    """On its own ledger (the SQLite file, or a database of its own on the PostgreSQL
    run) a department is the one directorate and the total equals it."""
    amman = department(tmp_path / "amman", AMMAN, None)
    fill(amman, [_ticket("A1", D(2026, 2, 1), D(2026, 2, 11)),
                 _ticket("A2", D(2026, 3, 1), D(2026, 3, 5))], 2, [100, 50], 0)
    found = ministry_figures(amman, parse_period("2026-Q1"))
    assert list(found.directorates) == [AMMAN]
    own = found.directorates[AMMAN]
    assert own.processes == found.total.processes
    if ledger_backend == "sqlite":  # the department's file: its references are its own
        assert own.value("P1", BUDGET[0]) is not None
    else:  # a shared database: no directorate's references are in it
        assert own.value("P1", NO_BUDGET) is None
    assert own.indicators == found.total.indicators
    assert own.value("P2", MEAN_DAYS) == 7  # (10 + 4) / 2
    assert own.indicators[ACTIVATION] == 75  # (100 + 50) / 2
    shown = figures_json(amman.root, "--all-directorates")
    assert shown["total"]["indicators"] == shown["directorates"][AMMAN]["indicators"]
