"""Figures by key, and the documents reading them (issue 22, "reports read figures").

Every figure of a process has a stable key beside its Arabic label; ``eti figures
--json`` prints it; the P2, P6, P7 and P9 reports and the quarterly report take their
numbers from the figures and the processes' tables, on small ledgers counted by hand (the
comment beside each assertion says which rows count and why).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from department_factory import make_department
from ledger_factory import add_submission, backend_ledger

from automation.catalog.reference import References, School
from automation.cli import main
from automation.core.periods import Calendar, parse_period
from automation.documents import quarterly, quarterly_charts, reports
from automation.ledger.store import Ledger, SubmissionRecord
from automation.processes import (
    PROCESSES,
    TABLES,
    compute_figures,
    figure,
    p01_maintenance,
    p02_helpdesk,
    p06_systems,
    p07_activation,
    p09_webpages,
    returned,
)
from automation.processes.figures import RowSource

D = dt.date
AT = dt.datetime(2026, 9, 1, 9)
CAL = Calendar()
Q1 = parse_period("2026-Q1", CAL)
A, B, C = "مدرسة الأمل", "مدرسة النور", "مدرسة الفجر"
KEY = re.compile(r"^(p\d+|office)\.[a-z0-9_]+(\.[A-Za-z0-9_-]+)?$")
"""A figure's key: its process, its name, and for one of a family its member (a category,
a form code)."""


@pytest.fixture()
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with backend_ledger(tmp_path / "ledger.sqlite") as led:
        yield led


# -- P2: one rule for the categories ----------------------------------------------------------


def helpdesk(ledger: Ledger) -> None:
    """Q1 2026: five requests executed — A: t1, t2 network; B: t3 protection, t4 a category
    not in the list («طابعات»), t5 none; t6 (A) still open; t7 (C) executed in Q2."""
    def ticket(n: int, school: str, category: str | None, closed: D | None,
               status: str = "منفذ") -> dict[str, object]:
        return {"ticket_no": str(n), "school": school, "opened": D(2026, 1, 1),
                "closed": closed, "category": category, "status": status}

    add_submission(ledger, "HD-EXPORT", {}, [
        ticket(1, A, "شبكة", D(2026, 1, 10)),
        ticket(2, A, "شبكة", D(2026, 2, 20)),
        ticket(3, B, "حماية", D(2026, 3, 5)),
        ticket(4, B, "طابعات", D(2026, 3, 6)),
        ticket(5, B, None, D(2026, 3, 7)),
        ticket(6, A, "أجهزة", None, "مفتوح"),
        ticket(7, C, "بريد إلكتروني", D(2026, 4, 2)),
    ], received_at=AT)


def test_p2_categories_add_up_to_the_requests_executed(ledger: Ledger) -> None:
    helpdesk(ledger)
    result = compute_figures(ledger, Q1)
    assert result.by_key("p2.executed").value == 5  # t1–t5
    by_category = {c: result.by_key(p02_helpdesk.category_key(c)).value
                   for c in p02_helpdesk.CATEGORIES}
    # t1, t2 network; t3 protection; t4 (not in the list) and t5 (none) under «أخرى»
    assert by_category == {"شبكة": 2, "حماية": 1, "أجهزة": 0, "بريد إلكتروني": 0, "أخرى": 2}
    assert result.by_key("p2.executed_by_category.other").label == "المنفذة حسب التصنيف: أخرى"
    schools = p02_helpdesk.executed_by_school(RowSource(ledger), Q1)
    assert [(s.name, s.counts, s.total) for s in schools] == [
        (B, [0, 1, 0, 0, 2], 3),  # t3; t4, t5 under «أخرى»: most requests first
        (A, [2, 0, 0, 0, 0], 2),
    ]


def test_p2_report_and_quarterly_report_count_the_categories_alike(
        ledger: Ledger, tmp_path: Path) -> None:
    helpdesk(ledger)
    context = reports.helpdesk_context(RowSource(ledger), Q1, References())
    assert context["total"] == 5
    assert context["category_totals"] == [2, 1, 0, 0, 2]
    assert [(e["school"], e["counts"], e["total"]) for e in context["by_school"]] == [
        (B, [0, 1, 0, 0, 2], 3), (A, [2, 0, 0, 0, 0], 2)]
    assert [e["pct"] for e in context["by_category"]] == [
        "40.0%", "20.0%", "0.0%", "0.0%", "40.0%"]
    assert context["chart"].categories == ("شبكة", "حماية", "أخرى")  # the list's order
    dept = make_department(tmp_path / "dept")
    whole = quarterly.quarterly_context(dept, ledger, 2026, 1, References(), day=D(2026, 4, 5))
    # the chart's title names what it counts (issue 23, point 3)
    chart = next(c["image"] for c in whole["charts"]
                 if c["title"] == quarterly_charts.HELPDESK_TITLE)
    # the same counts, most first (a tie by name): «أخرى» 2, «شبكة» 2, «حماية» 1 — no bar
    # of its own for «طابعات» or for a request without a category
    assert chart.categories == ("أخرى", "شبكة", "حماية")
    assert list(chart.series[0].values) == [2, 2, 1]


# -- P7: QRC's plan, the schools and the functions -------------------------------------------


def activation(ledger: Ledger) -> None:
    """QRC's plan 2025/2026: marks in 50% of the schools by 31/3, attendance in 75% by 30/6.
    A is visited 10/2 and again 25/3 (its latest: marks on at 70%, attendance off at 30%);
    B 20/3 (marks on at 90%, attendance on at 100%)."""
    add_submission(ledger, "QRC-PLAN", {"year": "2025/2026"}, [
        {"system": "OpenEMIS", "function": "إدخال العلامات", "target_pct": 50,
         "by_date": D(2026, 3, 31)},
        {"system": "OpenEMIS", "function": "الحضور والغياب", "target_pct": 75,
         "by_date": D(2026, 6, 30)},
    ], received_at=AT)
    for school, day, marks, attendance in (
        (A, D(2026, 2, 10), (True, 80), (False, 50)),
        (B, D(2026, 3, 20), (True, 90), (True, 100)),
        (A, D(2026, 3, 25), (True, 70), (False, 30)),
    ):
        add_submission(ledger, "EMIS-ACTIVATION",
                       {"school": school, "visit_date": day, "visitor": "منى سالم"},
                       [{"function": "إدخال العلامات", "activated": marks[0],
                         "completion": marks[1]},
                        {"function": "الحضور والغياب", "activated": attendance[0],
                         "completion": attendance[1]}], received_at=AT)


def test_p7_report_reads_the_qrc_ratio_from_the_figures(ledger: Ledger) -> None:
    activation(ledger)
    refs = References(schools=[School(str(n), f"مدرسة {n}") for n in range(4)])
    src = RowSource(ledger)
    # at 31/3: marks on in A and B = 2 of 4 = 50% ≥ 50% (met); attendance in B = 25% < 75%
    assert figure(src, "p7.qrc_lines", Q1, refs).value == 2
    assert figure(src, "p7.qrc_lines_met", Q1, refs).value == 1
    assert figure(src, "p7.qrc_plan_pct", Q1, refs).value == Decimal("50.0")
    # the latest visits: A 70, 30; B 90, 100 → (70 + 30 + 90 + 100) / 4
    assert figure(src, "p7.mean_completion", Q1, refs).value == Decimal("72.5")
    context = reports.activation_context(src, Q1, refs)
    assert (context["qrc_met"], context["qrc_total"], context["qrc_pct"]) == (1, 2, "50.0%")
    assert context["overall_pct"] == "72.5%"
    # each school at its latest visit, in order of the visits: B 20/3, then A 25/3
    assert [(s["school"], s["functions"], s["activated"], s["avg_completion"])
            for s in context["schools"]] == [(B, 2, 2, "95.0%"), (A, 2, 1, "50.0%")]
    # marks: A and B, both on, (70 + 90) / 2; attendance: A off, B on, (30 + 100) / 2
    assert [(f["function"], f["schools"], f["activated"], f["avg_completion"])
            for f in context["functions"]] == [
        ("إدخال العلامات", 2, 2, "80.0%"), ("الحضور والغياب", 2, 1, "65.0%")]
    assert [(r.school, r.functions, r.activated, r.completion)
            for r in p07_activation.school_results(src, Q1)] == [
        (B, 2, 2, Decimal("95.0")), (A, 2, 1, Decimal("50.0"))]


# -- P9: criteria, services and feedback --------------------------------------------------------


def webpages(ledger: Ledger) -> None:
    add_submission(ledger, "WEB-REVIEW", {"page": A, "review_date": D(2026, 2, 10)}, [
        {"criterion": "الرؤية", "met": True}, {"criterion": "الأخبار", "met": True},
        {"criterion": "الخدمات", "met": False}], received_at=AT)
    add_submission(ledger, "E-SERVICES", {}, [
        {"page": A, "service": "التسجيل", "activated": True, "activated_on": D(2026, 2, 1)},
        {"page": A, "service": "كشف علامات", "activated": True, "activated_on": D(2026, 5, 1)},
        {"page": A, "service": "مصدقة", "activated": False},
        {"page": B, "service": "حجز موعد", "activated": True},  # undated: counted as before
    ], received_at=AT)
    add_submission(ledger, "FEEDBACK", {}, [
        {"date": D(2026, 1, 5), "page": A, "kind": "شكوى", "text": "x", "status": "مغلقة",
         "closed_on": D(2026, 1, 9)},                                                  # f1
        {"date": D(2026, 3, 25), "page": A, "kind": "اقتراح", "text": "x", "status": "مغلقة",
         "closed_on": D(2026, 4, 2)},                                                  # f2
        {"date": D(2026, 3, 28), "page": B, "kind": "استفسار", "text": "x",
         "status": "قيد المعالجة"},                                                    # f3
        {"date": D(2026, 5, 1), "page": B, "kind": "شكر", "text": "x", "status": "جديدة"},
    ], received_at=AT)


def test_p9_report_reads_criteria_and_services_from_the_figures(ledger: Ledger) -> None:
    webpages(ledger)
    src = RowSource(ledger)
    assert figure(src, "p9.criteria_met", Q1).value == 2  # الرؤية, الأخبار
    assert figure(src, "p9.services_activated", Q1).value == 2  # التسجيل 1/2, B's undated
    context = reports.webpages_context(src, Q1, References())
    assert (context["criteria_met"], context["criteria_total"]) == (2, 3)
    assert context["average_score"] == "66.7%"  # 2 of 3
    # listed 4; activated by 31/3: التسجيل and حجز موعد; in Q1: التسجيل only
    assert context["services_total"] == {"services": 4, "activated": 2, "in_period": 1,
                                         "pct": "50.0%"}
    # f1 received and closed in Q1; f2 received 25/3, closed 2/4 (open at 31/3); f3 open
    assert [(k.kind, k.received, k.handled, k.open)
            for k in p09_webpages.feedback_by_kind(src, Q1)] == [
        ("شكوى", 1, 1, 0), ("اقتراح", 1, 0, 1), ("استفسار", 1, 0, 1)]
    assert context["feedback_total"] == {"received": 3, "handled": 1, "open": 2}


# -- P6, P1 and the forms returned ----------------------------------------------------------------


def test_p6_system_status_and_problems_by_system(ledger: Ledger) -> None:
    add_submission(ledger, "EMIS-ISSUES", {}, [
        {"date": D(2026, 1, 5), "school": A, "system": "OpenEMIS", "problem": "p1",
         "status": "محلولة", "resolved_on": D(2026, 1, 7)},                        # i1
        {"date": D(2026, 2, 5), "school": B, "system": "OpenEMIS", "problem": "p2",
         "status": "قيد المعالجة"},                                                # i2
        {"date": D(2026, 3, 1), "school": B, "system": "المحتوى الإلكتروني", "problem": "p3",
         "status": "محولة إلى مركز الملكة رانيا"},                                 # i3
        {"date": D(2026, 4, 1), "school": A, "system": "OpenEMIS", "problem": "p4",
         "status": "قيد المعالجة"},                                                # i4: Q2
    ], received_at=AT)
    add_submission(ledger, "EMIS-UPDATES", {}, [
        {"date": D(2026, 2, 1), "system": "openemis", "update": "u1"}], received_at=AT)
    src = RowSource(ledger)
    status = p06_systems.system_status(src, Q1)
    # OpenEMIS: i1, i2 logged, i2 open; u1 (typed in small letters); content: i3, open
    assert [(e["system"], e["problems"], e["open"], e["updates"]) for e in status] == [
        ("OpenEMIS", 2, 1, 1), ("المحتوى الإلكتروني", 1, 1, 0)]
    assert [(e.name, e.counts, e.total) for e in p06_systems.problems_by_system(src, Q1)] == [
        ("OpenEMIS", [1, 1, 0], 2), ("المحتوى الإلكتروني", [0, 0, 1], 1)]
    context = reports.systems_context(src, Q1, References())
    assert context["issues_total"] == 3  # i1–i3
    assert context["systems_total"] == {"problems": 3, "open": 2, "updates": 1, "tested": 0,
                                        "passed": 0, "failed": 0}
    assert context["status_totals"] == [1, 1, 1]


def test_p1_devices_requested_by_status(ledger: Ledger) -> None:
    def device(status: str) -> dict[str, object]:
        return {"device_type": "حاسوب", "location": "مختبر حاسوب", "fault": "x",
                "status": status}

    add_submission(ledger, "QF75-11", {"school": A, "request_date": D(2026, 2, 3)},
                   [device("تم الإصلاح"), device("قيد المعالجة"), device("تم الإصلاح")],
                   received_at=AT)
    add_submission(ledger, "QF75-11", {"school": B, "request_date": D(2026, 4, 3)},
                   [device("غير قابل للإصلاح")], received_at=AT)  # Q2
    assert p01_maintenance.requested_by_status(RowSource(ledger), Q1) == {
        "تم الإصلاح": 2, "قيد المعالجة": 1}


def test_forms_returned_to_schools(ledger: Ledger) -> None:
    def received(school: str, day: dt.datetime, outcome: str) -> None:
        received.n += 1  # type: ignore[attr-defined]
        ledger.record(SubmissionRecord(f"f{received.n}.xlsx", f"sha{received.n}",  # type: ignore[attr-defined]
                                       100, day, outcome, "QF75-11", school=school))

    received.n = 0  # type: ignore[attr-defined]
    received(A, dt.datetime(2026, 1, 4, 8), "rejected")
    received(A, dt.datetime(2026, 3, 31, 23, 59), "rejected")  # the quarter's last minute
    received("", dt.datetime(2026, 2, 1, 9), "rejected")      # a file naming no school
    received(B, dt.datetime(2026, 4, 1, 0, 0), "rejected")    # Q2
    received(B, dt.datetime(2026, 2, 1, 9), "accepted")
    found = returned.rejected_by_school(ledger, Q1)
    assert [(r.school, r.count) for r in found] == [(A, 2), ("", 1)]


# -- the keys ----------------------------------------------------------------------------------


def test_every_figure_has_its_own_key_of_its_process(ledger: Ledger) -> None:
    helpdesk(ledger)
    for period in ("2026-Q1", "2026"):
        result = compute_figures(ledger, parse_period(period, CAL))
        keys = [f.key for figures in result.processes.values() for f in figures]
        assert len(keys) == len(set(keys))
        for code, figures in result.processes.items():
            assert code in PROCESSES
            for f in figures:
                assert KEY.match(f.key), (code, f.label, f.key)
                assert f.key.split(".")[0] == code.lower(), (code, f.key)
                assert result.by_key(f.key) == f
    with pytest.raises(KeyError):
        result.by_key("p2.no_such_figure")
    assert result.by_key("p1.devices_repaired").label == "الأجهزة التي تم إصلاحها"


def test_every_table_is_declared_with_a_key_of_its_process(ledger: Ledger) -> None:
    for code, process in PROCESSES.items():
        for table in process.tables:
            assert KEY.match(table.key) and table.key.split(".")[0] == code.lower(), table.key
            assert table.title
    assert len(TABLES) == sum(len(p.tables) for p in PROCESSES.values())  # no key twice
    helpdesk(ledger)
    src = RowSource(ledger)
    found = TABLES["p2.executed_by_school"].of(src, Q1)
    assert found is p02_helpdesk.BY_SCHOOL.of(src, Q1)  # worked out once per source
    assert [s.total for s in found] == [3, 2]


def test_eti_figures_json_adds_the_key(tmp_path: Path) -> None:
    dept = make_department(tmp_path / "dept")
    with backend_ledger(dept.ledger_path) as led:
        helpdesk(led)
    shown = CliRunner().invoke(main, ["figures", "--root", str(dept.root), "--period",
                                      "2026-Q1", "--json"])
    assert shown.exit_code == 0, shown.output
    found = json.loads(shown.output)
    assert set(found) == {"period", "indicators", "processes", "plan"}
    p2 = found["processes"]["P2"]
    assert p2[1] == {"label": "الطلبات المنفذة", "value": 5, "key": "p2.executed"}
    assert {"label": "المنفذة حسب التصنيف: أخرى", "value": 2,
            "key": "p2.executed_by_category.other"} in p2
    for figures in found["processes"].values():
        for item in figures:
            assert set(item) == {"label", "value", "key"} and KEY.match(item["key"])
