"""The charts of the quarterly report: each draws figures a table of the report prints,
and is titled by what it counts.

- the support requests done by category: the P2 figures «المنفذة حسب التصنيف: …»;
- the maintenance devices of the quarter: the four device figures of the P1 table
  (reported, repaired, unrepairable, still open at the quarter's end), labelled as the
  table labels them, so the chart and the table never disagree;
- the plan lines of the quarter, target and achieved as the plan table prints them: the
  counts in one chart and the percentages in another (a count and a percentage never
  share an axis); a value the table prints as «—» is left out, not drawn as 0.
"""

from __future__ import annotations

import math
from typing import Any

from automation.documents.charts import Chart, bar_chart, target_chart
from automation.processes import p02_helpdesk
from automation.processes.figures import PERCENT
from automation.processes.plan import PlanLine, shared_indicators

CHART_WIDTH_MM = 150.0

HELPDESK_TITLE = "طلبات الدعم الفني المنفذة في الربع حسب التصنيف (كما في جدول P2)"
DEVICES_TITLE = "أجهزة طلبات الصيانة في الربع (أرقام جدول P1)"
PLAN_COUNTS_TITLE = "الخطة السنوية في الربع: المستهدف والمنجز للمؤشرات العددية"
PLAN_PERCENT_TITLE = "الخطة السنوية في الربع: المستهدف والمنجز للمؤشرات النسبية (%)"

DEVICE_KEYS = ("p1.devices_reported", "p1.devices_repaired", "p1.devices_unrepairable",
               "p1.devices_open")
"""The P1 figures the devices chart draws, in the table's order."""


def helpdesk_chart(result: Any) -> dict[str, Any] | None:
    """The P2 requests done by category, most first, as the P2 figures count them."""
    categories = sorted(
        ((c, n) for c in p02_helpdesk.CATEGORIES
         if (n := int(result.by_key(p02_helpdesk.category_key(c)).value or 0))),
        key=lambda cn: (-cn[1], cn[0]))
    if not categories:
        return None
    return {"title": HELPDESK_TITLE,
            "image": bar_chart([c for c, _ in categories], [n for _, n in categories],
                               ylabel="عدد الطلبات", width_mm=CHART_WIDTH_MM)}


def devices_chart(result: Any) -> dict[str, Any] | None:
    """The P1 table's device figures of the quarter, each bar labelled as its row."""
    figures = [result.by_key(key) for key in DEVICE_KEYS]
    if not any(f.value for f in figures):
        return None
    return {"title": DEVICES_TITLE,
            "image": bar_chart([f.label for f in figures], [int(f.value or 0) for f in figures],
                               ylabel="عدد الأجهزة", width_mm=CHART_WIDTH_MM)}


def _labels(lines: list[PlanLine]) -> list[str]:
    """Each line's indicator; with its quarter where two lines share an indicator."""
    twice = shared_indicators(lines)  # counted by the plan
    return [line.indicator if line.indicator not in twice else f"{line.indicator} ({line.quarter})"
            for line in lines]


def _value(number: object) -> float:
    return math.nan if number is None else float(number)  # type: ignore[arg-type]


def plan_charts(lines: list[PlanLine]) -> list[dict[str, Any]]:
    """The plan lines' target and achieved: a chart of the counts, one of the percentages."""
    out = []
    for title, chosen in (
        (PLAN_COUNTS_TITLE, [ln for ln in lines if ln.kind not in PERCENT]),
        (PLAN_PERCENT_TITLE, [ln for ln in lines if ln.kind in PERCENT]),
    ):
        if not chosen:
            continue
        chart: Chart = target_chart(_labels(chosen), [float(ln.target) for ln in chosen],
                                    [_value(ln.achieved) for ln in chosen],
                                    width_mm=CHART_WIDTH_MM)
        out.append({"title": title, "image": chart})
    return out


def quarterly_charts(result: Any, lines: list[PlanLine]) -> list[dict[str, Any]]:
    """Every chart of the quarterly report, in the order printed."""
    found = [helpdesk_chart(result), devices_chart(result)]
    return [c for c in found if c is not None] + plan_charts(lines)
