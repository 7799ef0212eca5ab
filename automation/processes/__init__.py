"""The ten processes of QP-70-2 §5.2 and the annual plan, each declared once.

    p01_maintenance   P1  maintenance of devices and networks (QF75-11, QF70-2-7)
    p02_helpdesk      P2  the connectivity project's Help Desk
    p03_fibre         P3  the fibre-optic network (and the field visit report)
    p04_projects      P4  tenders and projects, needs identified and provided
    p05_disposal      P5  disposal of items, by committee decision
    p06_systems       P6  educational information systems: problems and updates
    p07_activation    P7  activation of the systems' functions in schools
    p08_initiatives   P8  creative initiatives
    p09_webpages      P9  the directorate's and schools' web pages
    p10_learning      P10 learning resources: labs, libraries, aids, visits
    plan              the annual plan (QF12-1): targets against the indicators
    office            the head's office: staff tasks, meetings, inspection visits

:func:`compute_figures` gives every figure, indicator and plan line of a period:
the registers, the reports, the digest and ``eti figures`` all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from automation.core.periods import DEFAULT_CALENDAR, Calendar, Period
from automation.ledger.store import Ledger
from automation.processes import (
    office,
    p01_maintenance,
    p02_helpdesk,
    p03_fibre,
    p04_projects,
    p05_disposal,
    p06_systems,
    p07_activation,
    p08_initiatives,
    p09_webpages,
    p10_learning,
    plan,
)
from automation.processes.definition import Indicator, ProcessDef, Table
from automation.processes.figures import (
    FieldVisit,
    Figure,
    Number,
    RowSource,
    field_date,
    row_source,
    rows_in,
    subject_of,
)
from automation.processes.plan import PlanLine

PROCESSES: dict[str, ProcessDef] = {
    p.code: p for p in (
        p01_maintenance.PROCESS, p02_helpdesk.PROCESS, p03_fibre.PROCESS, p04_projects.PROCESS,
        p05_disposal.PROCESS, p06_systems.PROCESS, p07_activation.PROCESS,
        p08_initiatives.PROCESS, p09_webpages.PROCESS, p10_learning.PROCESS, plan.PROCESS,
        office.PROCESS,
    )
}
"""Every process by its code (P1 … P10, PLAN, and the head's OFFICE), in QP-70-2's order."""
INDICATORS: dict[str, tuple[ProcessDef, Indicator]] = {
    i.name: (p, i) for p in PROCESSES.values() for i in p.indicators
}
"""The QF12-1 indicators by their Arabic name, with the process that provides each."""
TABLES: dict[str, Table[Any]] = {t.key: t for p in PROCESSES.values() for t in p.tables}
"""The breakdowns the processes declare for their documents, by key (``p2.executed_by_school``)."""
VISIT_REPORTS: dict[str, str] = {**p03_fibre.VISIT_REPORTS, **p10_learning.VISIT_REPORTS}
"""The visit report forms (a printable visit report each) and the field naming the visitor."""
PLAN_FORM = plan.PLAN_FORM


def process(code: str) -> ProcessDef:
    try:
        return PROCESSES[code]
    except KeyError:
        raise KeyError(f"unknown process {code!r}") from None


def figures_of(
    ledger: Ledger | RowSource, code: str, period: Period, references: object = None
) -> list[Figure]:
    """The figures of one process for a period (worked out once per source)."""
    src = row_source(ledger)
    key = ("figures", code, period.start, period.end, id(references))
    found = src.memo.get(key)
    if found is None:
        found = src.memo[key] = process(code).figures(src, period, references)
    return found  # type: ignore[return-value]


def code_of(key: str) -> str:
    """The process a figure's key belongs to: ``p7.qrc_plan_pct`` → P7, ``office.…`` → OFFICE."""
    prefix = key.partition(".")[0].upper()
    if prefix not in PROCESSES:
        raise KeyError(f"no process for figure key {key!r}")
    return prefix


def find_figure(figures: list[Figure], key: str) -> Figure:
    for figure in figures:
        if figure.key == key:
            return figure
    raise KeyError(f"no figure {key!r}")


def figure(
    ledger: Ledger | RowSource, key: str, period: Period, references: object = None
) -> Figure:
    """One figure of a period by its stable key, from the one computation of its process
    (:func:`figures_of`, worked out once per source): what documents read."""
    return find_figure(figures_of(ledger, code_of(key), period, references), key)


def indicator_kind(name: str) -> str:
    """How an indicator's value reads (a count, a mean %, a ratio %); ``flow`` when unknown."""
    found = INDICATORS.get(name)
    return found[1].kind if found else "flow"


def indicator_value(
    ledger: Ledger | RowSource, name: str, period: Period, references: object = None
) -> Number | None:
    """One QF12-1 indicator for a period: the value of the figure it names. None where it
    has nothing to measure, or where the name is not one the product computes."""
    found = INDICATORS.get(name)
    if found is None:
        return None
    owner, indicator = found
    for figure in figures_of(ledger, owner.code, period, references):
        if indicator.figure in (figure.key, figure.label):
            return figure.value
    raise LookupError(f"{owner.code} has no figure {indicator.figure!r}")


@dataclass(frozen=True)
class FigureSet:
    """Every figure of a period: by process, the indicators, and the plan lines covering it."""

    period: Period
    processes: dict[str, list[Figure]]
    indicators: dict[str, Number | None]
    plan: list[PlanLine]

    def figures(self, code: str) -> list[Figure]:
        return self.processes[code]

    def value(self, code: str, label: str) -> Number | None:
        for figure in self.processes[code]:
            if figure.label == label:
                return figure.value
        raise KeyError(f"{code} has no figure {label!r}")

    def by_key(self, key: str) -> Figure:
        """A process's figure by its stable key (``p1.devices_repaired``)."""
        return find_figure(self.processes[code_of(key)], key)

    def to_json(self) -> dict[str, object]:
        """What ``eti figures --json`` prints (numbers, null where nothing was measured)."""
        return {
            "period": {"start": self.period.start.isoformat(),
                       "end": self.period.end.isoformat()},
            "indicators": {
                name: Figure(name, INDICATORS[name][1].kind, value).json_value
                for name, value in self.indicators.items()
            },
            "processes": {
                code: [{"label": f.label, "value": f.json_value, "key": f.key}
                       for f in figures]
                for code, figures in self.processes.items()
            },
            "plan": [line.as_json() for line in self.plan],
        }


def compute_figures(
    ledger: Ledger | RowSource,
    period: Period,
    references: object = None,
    calendar: Calendar = DEFAULT_CALENDAR,
) -> FigureSet:
    """Every process's figures, every indicator and the plan lines covering ``period``."""
    src = row_source(ledger)
    by_process = {code: figures_of(src, code, period, references)
                  for code in PROCESSES if code != "PLAN"}
    indicators = {name: indicator_value(src, name, period, references) for name in INDICATORS}
    return FigureSet(period, by_process, indicators,
                     plan.plan_lines(src, period, calendar, references))


def processes_fed_by(form: str) -> tuple[str, ...]:
    """Every register a new row of ``form`` changes (to mark dirty on commit)."""
    out = [p.code for p in PROCESSES.values() if form in p.sheets or form in p.reads]
    if any(form in i.forms for _, i in INDICATORS.values()) or form == PLAN_FORM:
        out.append("PLAN")
    return tuple(dict.fromkeys(out))


def visit_reports(src: RowSource, period: Period | None) -> list[FieldVisit]:
    """Every visit report dated in the period (one per filled form), by day then school."""
    found: dict[tuple[str, int], FieldVisit] = {}
    for form, visitor in VISIT_REPORTS.items():
        for r in rows_in(src, form, "visit_date", period):
            day = field_date(r, "visit_date")
            if day is not None:
                found.setdefault((form, r.submission_id), FieldVisit(
                    subject_of(r), day, form, r.submission_id, str(r.data.get(visitor) or "")))
    return sorted(found.values(), key=lambda v: (v.day, v.submission_id))


__all__ = [
    "INDICATORS", "PROCESSES", "TABLES", "VISIT_REPORTS", "FigureSet", "PlanLine", "code_of",
    "compute_figures", "figure", "figures_of", "find_figure", "indicator_kind",
    "indicator_value", "process", "processes_fed_by", "visit_reports",
]
