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

from automation.catalog.forms import CATALOG
from automation.core.periods import Period
from automation.ledger.store import LedgerRow
from automation.processes.definition import (
    TOTAL,
    Block,
    Indicator,
    ProcessDef,
    SummaryContext,
    status_table,
)
from automation.processes.figures import (
    Figure,
    RowSource,
    field_date,
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


def open_at_end(src: RowSource, period: Period | None) -> list[LedgerRow]:
    """Problems logged by the period's end and not solved by then, oldest first."""
    rows = [
        r for r, logged_on, solved_on in zip(
            src.rows(ISSUES), src.dates(ISSUES, "date"), src.dates(ISSUES, "resolved_on"),
            strict=True)
        if up_to(period, logged_on)
        and not (r.data.get("status") == SOLVED and up_to(period, solved_on))
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


def figures(src: RowSource, period: Period, references: object) -> list[Figure]:
    issues = logged(src, period)
    tests = function_tests(src, period)
    passed = sum(1 for t in tests if t.passed)
    return [
        Figure("المشكلات المسجلة", "flow", len(issues)),
        Figure(RESOLVED, "flow", len(rows_in(src, ISSUES, "resolved_on", period,
                                             status=SOLVED))),
        Figure("المحولة إلى مركز الملكة رانيا", "flow",
               sum(1 for r in issues if r.data.get("status") == REFERRED)),
        Figure("مشكلات لم تُحل حتى نهاية الفترة", "stock", len(open_at_end(src, period))),
        Figure("تحديثات الأنظمة", "flow", len(updates(src, period))),
        Figure(TESTED, "distinct", len(tests)),
        Figure("الوظائف الناجحة في آخر اختبار", "distinct", passed),
        Figure("الوظائف الفاشلة في آخر اختبار", "distinct", len(tests) - passed),
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
    indicators=(Indicator("عدد مشكلات الأنظمة المحلولة", RESOLVED, "flow", (ISSUES,)),),
    summary=summary,
)
