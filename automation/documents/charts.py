"""Charts for the reports (matplotlib, Agg, PNG files).

matplotlib ≥ 3.11 shapes Arabic and orders right-to-left text itself: labels
are passed as plain strings in an Arabic font (no reshaper, no bidi tricks,
which would now come out reversed). Bars run from the right, as the page reads.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Sequence
from pathlib import Path

ARABIC_FONTS = (
    "Noto Sans Arabic",
    "Noto Naskh Arabic",
    "Amiri",
    "Arial",
    "Tahoma",
    "DejaVu Sans",
)
"""Preferred fonts, the first installed one first; DejaVu Sans (shipped with
matplotlib, with Arabic glyphs) is always there as the fallback."""

BAR = "#2F5597"
TARGET = "#A5A5A5"
DPI = 150


@functools.lru_cache(maxsize=1)
def chart_fonts() -> list[str]:
    """The installed fonts of :data:`ARABIC_FONTS`, in order, for ``font.family``."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    fonts = [name for name in ARABIC_FONTS if name in installed]
    return fonts or ["DejaVu Sans"]


def _wrap(label: str, width: int = 16) -> str:
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def _style():  # noqa: ANN202 - a matplotlib rc context
    """Arabic fonts for this chart only (matplotlib's global settings are left alone)."""
    from matplotlib import rc_context

    return rc_context({"font.family": chart_fonts(), "axes.unicode_minus": False})


def _figure(width: float, height: float):  # noqa: ANN202 - a matplotlib Figure
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def bar_chart(
    path: Path, labels: Sequence[str], values: Sequence[float], *, ylabel: str = ""
) -> Path:
    """Vertical bars, first label at the right, each bar with its value on top."""
    with _style():
        return _bar_chart(path, labels, values, ylabel)


def _bar_chart(path: Path, labels: Sequence[str], values: Sequence[float], ylabel: str) -> Path:
    from matplotlib.ticker import MaxNLocator

    fig = _figure(7.0, 3.0)
    ax = fig.subplots()
    positions = list(range(len(labels)))
    bars = ax.bar(positions, list(values), color=BAR, width=0.6)
    ax.bar_label(bars, labels=[_number(v) for v in values], padding=2, fontsize=9)
    ax.set_xticks(positions, [_wrap(label, 14) for label in labels], fontsize=9)
    ax.invert_xaxis()
    ax.yaxis.tick_right()
    ax.yaxis.set_label_position("right")
    if all(float(v).is_integer() for v in values):
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.margins(y=0.15)
    ax.spines[["top", "left"]].set_visible(False)
    fig.savefig(path, format="png")
    return path


def target_chart(
    path: Path,
    labels: Sequence[str],
    targets: Sequence[float],
    achieved: Sequence[float],
    *,
    target_label: str = "المستهدف",
    achieved_label: str = "المنجز",
) -> Path:
    """Horizontal paired bars (target and achieved) per line, labels at the right."""
    with _style():
        return _target_chart(path, labels, targets, achieved, target_label, achieved_label)


def _target_chart(
    path: Path,
    labels: Sequence[str],
    targets: Sequence[float],
    achieved: Sequence[float],
    target_label: str,
    achieved_label: str,
) -> Path:
    count = len(labels)
    fig = _figure(7.0, max(2.4, 0.55 * count + 1.0))
    ax = fig.subplots()
    positions = list(range(count))
    high = 0.2
    t_bars = ax.barh([p - high for p in positions], list(targets), height=0.38, color=TARGET,
                     label=target_label)
    a_bars = ax.barh([p + high for p in positions], list(achieved), height=0.38, color=BAR,
                     label=achieved_label)
    for bars, values in ((t_bars, targets), (a_bars, achieved)):
        for bar, value in zip(bars, values, strict=True):
            ax.annotate(_number(value), (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                        xytext=(-3, 0), textcoords="offset points", ha="right", va="center",
                        fontsize=9)
    ax.set_yticks(positions, [_wrap(label, 30) for label in labels], fontsize=9)
    ax.invert_yaxis()
    ax.invert_xaxis()
    ax.yaxis.tick_right()
    ax.margins(x=0.15)
    ax.spines[["top", "left"]].set_visible(False)
    ax.legend(loc="lower left", fontsize=9, frameon=False)
    fig.savefig(path, format="png")
    return path


def _number(value: float) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.1f}"
