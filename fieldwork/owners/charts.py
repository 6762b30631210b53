"""A small server-side SVG line chart: an owner's figures over time, readable on a cheap phone.

(fieldwork/supervision has no charts module yet; when it gets one, this can give way to it.)
The geometry is computed here and drawn by templates/owners/_chart.html, so no script is needed
and the Content-Security-Policy stays strict.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 8, 12, 14, 26  # room for the value labels and the dates


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    day: date
    value: int
    label: str


@dataclass(frozen=True)
class LineChart:
    points: list[ChartPoint]
    path: str
    gridlines: list[tuple[float, str]]  # (y, label) at 0, half and the top of the scale
    first_day: date
    last_day: date
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def latest(self) -> ChartPoint:
        return self.points[-1]


def _nice_top(value: int) -> int:
    """A round upper bound (1, 2 or 5 times a power of ten) so gridline labels read well."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def line_chart(series: Sequence[tuple[date, int | None]], fmt: Callable[[int], str]) -> LineChart | None:
    """The chart of (day, value) pairs, oldest first; None when no value was ever recorded."""
    known = sorted(((d, v) for d, v in series if v is not None), key=lambda pair: pair[0])
    if not known:
        return None
    first, last = known[0][0], known[-1][0]
    span = max((last - first).days, 1)
    top = _nice_top(max(v for _, v in known))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(d: date) -> float:
        # A single visit sits in the middle rather than against the axis.
        return round(LEFT + (plot_w / 2 if first == last else plot_w * (d - first).days / span), 1)

    def y_of(v: int) -> float:
        return round(TOP + plot_h * (1 - v / top), 1)

    points = [ChartPoint(x_of(d), y_of(v), d, v, fmt(v)) for d, v in known]
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    gridlines = [(y_of(value), fmt(value)) for value in (0, top // 2, top)] if top > 1 else [(y_of(0), fmt(0))]
    return LineChart(points=points, path=path, gridlines=gridlines, first_day=first, last_day=last)
