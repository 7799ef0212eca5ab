"""P6 — management of educational information systems, e-content and e-learning, with
the Queen Rania Center (QP-70-2 §5.2/6).

Inputs: feedback and letters: problems received from users and solved within the
granted permissions (EMIS-ISSUES), each user level's functions tested (EMIS-TESTS,
step 3), updates received (EMIS-UPDATES). Outputs: reports of new updates, system
status reports, and the quarterly reports of the department's achievements.

A function tested is one system's function at one user level: tested twice in a
period it counts once, with the result of its latest test (docs/FIGURES.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from automation.catalog.forms import CATALOG
from automation.core.periods import Period
from automation.ledger.store import LedgerRow
from automation.processes.definition import (
    TOTAL,
    Block,
    Counts,
    Indicator,
    ProcessDef,
    SummaryContext,
    Table,
    status_table,
)
from automation.processes.figures import (
    Figure,
    RowSource,
    field_date,
    record_of,
    rows_in,
    text_of,
    up_to,
    within,
)
from automation.text.arabic import normalize_name

ISSUES = "EMIS-ISSUES"
UPDATES = "EMIS-UPDATES"
TESTS = "EMIS-TESTS"
STATUSES = CATALOG.form(ISSUES).field("status").choices
SOLVED, PENDING, REFERRED = STATUSES
SYSTEMS = CATALOG.form(ISSUES).field("system").choices
PASSED, FAILED = CATALOG.form(TESTS).field("result").choices
OTHER = SYSTEMS[-1]

RESOLVED = "المشكلات المحلولة"
TESTED = "الوظائف المختبرة"


def logged(src: RowSource, period: Period | None) -> list[LedgerRow]:
    return rows_in(src, ISSUES, "date", period)


PROBLEM = record_of("date", "school", "system", "problem")
"""One problem across the copies of a log: its date, school, system and wording."""


def _solved_by(row: LedgerRow | None, period: Period | None, *, undated: bool) -> bool:
    if row is None or row.data.get("status") != SOLVED:
        return False
    day = field_date(row, "resolved_on")
    return undated if day is None else up_to(period, day)


def open_at_end(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Problems logged by the period's end and not solved by then, oldest first. Each is
    read as the log stood at the period's end (docs/FIGURES.md, "as of the period's end"),
    except that a resolution dated by then (in any later copy) counts as of its date."""
    now = {PROBLEM(r): r for r in src.rows(ISSUES)}
    rows = [
        r for r in src.rows_as_of(ISSUES, period.end if period else None, PROBLEM, "date")
        if up_to(period, field_date(r, "date"))
        and not _solved_by(r, period, undated=True)
        and not _solved_by(now.get(PROBLEM(r)), period, undated=False)
    ]
    return sorted(rows, key=lambda r: (str(r.data.get("date") or ""), r.id))


def updates(src: RowSource, period: Period | None) -> list[LedgerRow]:
    return sorted(rows_in(src, UPDATES, "date", period),
                  key=lambda r: (str(r.data.get("date") or ""), r.id))


@dataclass(frozen=True)
class FunctionTest:
    """A function of a system at a user level, with its latest test of a period."""

    system: str
    user_level: str
    function: str
    result: str
    tested_on: str
    tests: int
    notes: str

    @property
    def passed(self) -> bool:
        return self.result == PASSED


def _tests(src: RowSource) -> list[tuple[str, tuple[str, str, str], LedgerRow]]:
    """Every test, in order of its date: (ISO date, the function's key, the row); the key
    is the system, the user level and the function, normalized. Worked out once."""
    memo = src.memo.get(("p6-tests",))
    if memo is None:
        memo = sorted(
            ((str(r.data.get("test_date") or ""),
              (normalize_name(r.data.get("system")), text_of(r, "user_level"),
               normalize_name(r.data.get("function"))), r) for r in src.rows(TESTS)),
            key=lambda t: (t[0], t[2].id))
        src.memo[("p6-tests",)] = memo
    return memo  # type: ignore[return-value]


def function_tests(src: RowSource, period: Period | None) -> list[FunctionTest]:
    """Each function tested in the period (a system's function at a user level), with the
    result of its latest test, by system, user level and function."""
    latest: dict[tuple[str, str, str], LedgerRow] = {}
    counts: dict[tuple[str, str, str], int] = {}
    for _, key, r in _tests(src):
        if within(period, field_date(r, "test_date")):
            counts[key] = counts.get(key, 0) + 1
            latest[key] = r
    found = [FunctionTest(text_of(r, "system"), text_of(r, "user_level"), text_of(r, "function"),
                          text_of(r, "result"), text_of(r, "test_date"), counts[key],
                          text_of(r, "notes"))
             for key, r in latest.items()]
    return sorted(found, key=lambda t: (system_order(t.system), t.system, t.user_level,
                                        t.function))


def system_order(name: str) -> int:
    """A system's place in the catalog's list (others after)."""
    key = normalize_name(name)
    for index, system in enumerate(SYSTEMS):
        if normalize_name(system) == key and system != OTHER:
            return index
    return len(SYSTEMS)


def system_of(name: object) -> str:
    """The catalog's spelling of a system typed freely (an update's «النظام»), else as typed
    (empty: «أخرى»)."""
    key = normalize_name(name)
    for system in SYSTEMS:
        if normalize_name(system) == key:
            return system
    return str(name or "").strip() or OTHER


STATUS_KEYS = ("problems", "open", "updates", "tested", "passed", "failed")
"""The columns of :func:`system_status`, after the system's name."""


def system_status(src: RowSource, period: Period) -> list[dict[str, Any]]:
    """Per system: problems logged in the period and not solved at its end, updates, and the
    functions tested in it with their latest results (the P6 system-status table), in the
    catalog's order of systems."""
    rows: dict[str, dict[str, Any]] = {}

    def entry(name: object) -> dict[str, Any]:
        system = system_of(name)
        return rows.setdefault(system, {"system": system, **dict.fromkeys(STATUS_KEYS, 0)})

    for r in logged(src, period):
        entry(r.data.get("system"))["problems"] += 1
    for r in open_at_end(src, period):
        entry(r.data.get("system"))["open"] += 1
    for r in updates(src, period):
        entry(r.data.get("system"))["updates"] += 1
    for test in function_tests(src, period):
        found = entry(test.system)
        found["tested"] += 1
        found["passed" if test.passed else "failed"] += 1
    return sorted(rows.values(), key=lambda e: (system_order(e["system"]), e["system"]))


def problems_by_system(src: RowSource, period: Period | None) -> list[Counts]:
    """The problems logged in the period per system (as typed; none: «أخرى») and status
    (in the catalog's order), in the catalog's order of systems."""
    systems: dict[str, list[int]] = {}
    for r in logged(src, period):
        counts = systems.setdefault(str(r.data.get("system") or OTHER), [0] * len(STATUSES))
        status = r.data.get("status")
        if status in STATUSES:
            counts[STATUSES.index(status)] += 1
    order = {s: i for i, s in enumerate(SYSTEMS)}
    return [Counts(s, c)
            for s, c in sorted(systems.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))]


STATUS = Table("p6.system_status", "حالة الأنظمة: المشكلات والتحديثات والوظائف المختبرة",
               system_status)
PROBLEMS = Table("p6.problems_by_system", "المشكلات المسجلة حسب النظام والحالة",
                 problems_by_system)


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    issues = logged(src, period)
    tests = function_tests(src, period)
    passed = sum(1 for t in tests if t.passed)
    return [
        Figure.keyed("p6.problems_logged", "المشكلات المسجلة", "flow", len(issues)),
        Figure.keyed("p6.problems_resolved", RESOLVED, "flow",
            len(rows_in(src, ISSUES, "resolved_on", period,
                                             status=SOLVED))),
        Figure.keyed("p6.problems_to_qrc", "المحولة إلى مركز الملكة رانيا", "flow",
               sum(1 for r in issues if r.data.get("status") == REFERRED)),
        Figure.keyed("p6.problems_open", "مشكلات لم تُحل حتى نهاية الفترة", "stock",
            len(open_at_end(src, period))),
        Figure.keyed("p6.updates", "تحديثات الأنظمة", "flow", len(updates(src, period))),
        Figure.keyed("p6.functions_tested", TESTED, "distinct", len(tests)),
        Figure.keyed("p6.functions_passed", "الوظائف الناجحة في آخر اختبار", "distinct", passed),
        Figure.keyed("p6.functions_failed", "الوظائف الفاشلة في آخر اختبار", "distinct",
            len(tests) - passed),
    ]


def summary(ctx: SummaryContext) -> list[Block]:
    table: dict[tuple[str, str], list[int]] = {}
    for t in function_tests(ctx.src, None):
        counts = table.setdefault((t.system, t.user_level), [0, 0])
        counts[0 if t.passed else 1] += 1
    rows: list[list[object]] = [[system, level, *counts, sum(counts)]
                                for (system, level), counts in table.items()]
    totals = [sum(r[i] for r in rows) for i in (2, 3, 4)]  # type: ignore[misc]
    return [status_table(ctx.fed[ISSUES], "system", "المشكلات حسب النظام والحالة"),
            Block("اختبار الوظائف حسب النظام ومستوى المستخدم (آخر اختبار لكل وظيفة)",
                  ["النظام", "مستوى المستخدم", PASSED, FAILED, TOTAL],
                  rows + ([[TOTAL, "", *totals]] if rows else []),
                  ["text", "text", "int", "int", "int"], total=bool(rows))]


PROCESS = ProcessDef(
    code="P6",
    forms=(ISSUES, UPDATES, TESTS),
    figures=figures,
    indicators=(Indicator("عدد مشكلات الأنظمة المحلولة", "p6.problems_resolved", "flow",
                          (ISSUES,)),),
    summary=summary,
    tables=(STATUS, PROBLEMS),
)
