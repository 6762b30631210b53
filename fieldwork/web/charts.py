"""Charts drawn on the server as SVG: no script, no chart library, a strict CSP stays strict.

Each chart is an `<svg role="img">` with a `<title>` and a `<desc>`; pages put the same numbers in
a text table beside it, so a screen reader (or a printout) loses nothing.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Distinguishable on white and for the common colour-vision deficiencies (Okabe–Ito, darkened for AA).
PALETTE = ("#0b5d3b", "#b35900", "#1c4f8c", "#a4262c", "#6a3d9a", "#00707a", "#7a4b00", "#4f5b62")
_ids = itertools.count(1)


def nice_top(value: float) -> int:
    """A round upper bound (1, 2 or 5 times a power of ten), so gridline labels read well."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return int(step * power) if step * power >= 1 else 1
    return int(10 * power)  # pragma: no cover - the loop always returns


def _open(width: int, height: int, title: str, desc: str, css_class: str) -> tuple[str, str]:
    n = next(_ids)
    title_id, desc_id = f"chart-{n}-title", f"chart-{n}-desc"
    head = (
        f'<svg class="{css_class}" role="img" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(desc)}</desc>'
    )
    return head, "</svg>"


@dataclass(frozen=True)
class Series:
    """One stack of a bar chart: a name and a value per category."""

    name: str
    values: Sequence[int]


#: Axis labels' font size, and the widest average character at that size in the fonts pages use
#: (digits measure 7.6 units in Chromium's Noto Sans; Roboto on phones is narrower): an upper bound.
LABEL_FONT = 12
CHAR_WIDTH = 7.6
#: A slanted label keeps this many characters at most; the bar's tooltip and the table beside have it whole.
MAX_LABEL = 22
SLANT = math.sin(math.radians(45))


@dataclass(frozen=True)
class _Axis:
    """How the category labels fit under their bars: all level, or slanted 45° and every `step`-th one."""

    slanted: bool
    step: int
    labels: list[str]
    depth: float  # how far below the axis the labels reach

    @classmethod
    def plan(cls, categories: Sequence[str], slot: float) -> _Axis:
        widest = max((len(c) for c in categories), default=0) * CHAR_WIDTH
        if widest <= slot - 6:  # level, each within its own bar's width
            return cls(False, 1, list(categories), LABEL_FONT + 12)
        labels = [c if len(c) <= MAX_LABEL else c[:MAX_LABEL - 1].rstrip() + "…" for c in categories]
        # Slanted labels are parallel lines slot·sin 45° apart: each needs a line of text.
        step = max(1, math.ceil((LABEL_FONT + 3) / (slot * SLANT)))
        longest = max(len(label) for label in labels[::step]) * CHAR_WIDTH
        return cls(True, step, labels, longest * SLANT + LABEL_FONT + 10)

    def text(self, i: int, x: float, y: float) -> str:
        """The label of category `i` under its bar's middle `x` (empty when this one is skipped)."""
        if i % self.step != (len(self.labels) - 1) % self.step:  # the latest category always keeps its label
            return ""
        common = f'font-size="{LABEL_FONT}" fill="#4f5b62">{escape(self.labels[i])}</text>'
        if not self.slanted:
            return f'<text x="{x}" y="{y + LABEL_FONT + 6}" text-anchor="middle" {common}'
        y = y + 10
        return f'<text x="{x}" y="{y}" text-anchor="end" transform="rotate(-45 {x} {y})" {common}'


def stacked_bars(
    categories: Sequence[str], series: Sequence[Series], title: str, desc: str, fmt: Callable[[int], str] = str
) -> Markup:
    """Vertical bars per category, stacked by series (e.g. visits per week, by officer).

    Labels never overlap, whatever the width the page gives the chart (it scales as a whole): level
    when each fits its bar, otherwise slanted 45°, shortened, and thinned when even slanted they crowd.
    """
    width, plot_h, top, right, left = 640, 212, 12, 8, 44
    count = max(len(categories), 1)
    axis = _Axis.plan(categories, (width - left - right) / count)
    if axis.slanted:  # a slanted label reaches left of its bar: room for the first one
        reach = len(axis.labels[(len(categories) - 1) % axis.step]) * CHAR_WIDTH * SLANT
        left = max(left, math.ceil(reach - (width - left - right) / count / 2) + 4)
        axis = _Axis.plan(categories, (width - left - right) / count)
    height = round(top + plot_h + axis.depth)
    plot_w = width - left - right
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    scale_top = nice_top(max(totals, default=0))
    head, tail = _open(width, height, title, desc, "chart chart-bars")
    parts = [head]

    def y_of(value: float) -> float:
        return round(top + plot_h * (1 - value / scale_top), 1)

    for tick in sorted({0, scale_top // 2, scale_top}):
        y = y_of(tick)
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y}" y2="{y}" stroke="#c9d1d6"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" font-size="12" fill="#4f5b62">'
                     f"{escape(fmt(tick))}</text>")
    slot = plot_w / max(len(categories), 1)
    bar_w = round(slot * 0.7, 1)
    for i, category in enumerate(categories):
        x = round(left + slot * i + (slot - bar_w) / 2, 1)
        base = 0
        for k, s in enumerate(series):
            value = s.values[i]
            if value:
                y_top, y_bottom = y_of(base + value), y_of(base)
                parts.append(
                    f'<rect x="{x}" y="{y_top}" width="{bar_w}" height="{round(y_bottom - y_top, 1)}" '
                    f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(s.name)} · {escape(category)}: '
                    f"{escape(fmt(value))}</title></rect>"
                )
            base += value
        parts.append(axis.text(i, round(x + bar_w / 2, 1), y_of(0)))
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y_of(0)}" y2="{y_of(0)}" stroke="#1d2327"/>')
    parts.append(tail)
    return Markup("".join(parts))  # noqa: S704 (every text in it went through escape())


def legend(names: Sequence[str]) -> list[tuple[str, str]]:
    """(colour, name) pairs in the order `stacked_bars` paints its series."""
    return [(PALETTE[k % len(PALETTE)], name) for k, name in enumerate(names)]


def line(points: Sequence[tuple[str, int]], title: str, desc: str, fmt: Callable[[int], str] = str) -> Markup | None:
    """A small line chart of (label, value) pairs, oldest first; None without any value."""
    if not points:
        return None
    width, height = 300, 130
    left, right, top, bottom = 10, 10, 18, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high = min(v for _, v in points), max(v for _, v in points)
    # Show movement: start the axis at zero unless the values sit far above it.
    floor = 0 if low < high / 2 or low == high else low - (high - low) * 0.25
    span = (high - floor) or 1

    def x_of(i: int) -> float:
        return round(left + (plot_w / 2 if len(points) == 1 else plot_w * i / (len(points) - 1)), 1)

    def y_of(v: float) -> float:
        return round(top + plot_h * (1 - (v - floor) / span), 1)

    head, tail = _open(width, height, title, desc, "chart chart-line")
    parts = [head, f'<line x1="{left}" x2="{width - right}" y1="{y_of(floor)}" y2="{y_of(floor)}" stroke="#c9d1d6"/>']
    path = " ".join(f"{'M' if i == 0 else 'L'}{x_of(i)},{y_of(v)}" for i, (_, v) in enumerate(points))
    parts.append(f'<path d="{path}" fill="none" stroke="#0b5d3b" stroke-width="2.5"/>')
    for i, (label, value) in enumerate(points):
        parts.append(f'<circle cx="{x_of(i)}" cy="{y_of(value)}" r="4" fill="#0b5d3b">'
                     f"<title>{escape(label)}: {escape(fmt(value))}</title></circle>")
    first_label, last_label = points[0][0], points[-1][0]
    parts.append(f'<text x="{left}" y="{height - 6}" font-size="12" fill="#4f5b62">{escape(first_label)}</text>')
    if len(points) > 1:
        parts.append(f'<text x="{width - right}" y="{height - 6}" text-anchor="end" font-size="12" '
                     f'fill="#4f5b62">{escape(last_label)}</text>')
    last_x, last_y = x_of(len(points) - 1), y_of(points[-1][1])
    anchor = "end" if len(points) > 1 else "middle"
    parts.append(f'<text x="{last_x}" y="{max(last_y - 8, 12)}" text-anchor="{anchor}" font-size="13" '
                 f'font-weight="600" fill="#1d2327">{escape(fmt(points[-1][1]))}</text>')
    parts.append(tail)
    return Markup("".join(parts))  # noqa: S704 (every text in it went through escape())


#: Colours of `share_bar`'s parts when they mean better / the same / worse (green, grey, red).
OUTCOME_COLOURS = ("#0b5d3b", "#8a959b", "#a4262c")


def paired_bars(rows: Sequence[tuple[str, float | None]], title: str, desc: str,
                fmt: Callable[[float], str] = str, top: float | None = None) -> Markup | None:
    """Horizontal bars, one per (label, value), each with its value written after it: e.g. a total at
    the baseline and at the latest visit. `top` fixes the scale (1 for shares); None without values."""
    values = [v for _label, v in rows if v is not None]
    if not values:
        return None
    texts = ["—" if v is None else fmt(v) for _label, v in rows]
    width, bar_h, gap = 360, 22, 10
    left = round(max(len(label) for label, _v in rows) * CHAR_WIDTH) + 12
    right = round(max(len(text) for text in texts) * 8.4) + 12  # the values, 13 px bold, after the longest bar
    height = len(rows) * (bar_h + gap) + gap
    scale = top if top else (max(values) or 1)
    head, tail = _open(width, height, title, desc, "chart chart-pair")
    parts = [head]
    for i, ((label, value), text) in enumerate(zip(rows, texts, strict=True)):
        y = gap + i * (bar_h + gap)
        parts.append(f'<text x="{left - 6}" y="{y + bar_h / 2 + 4}" text-anchor="end" font-size="{LABEL_FONT}" '
                     f'fill="#4f5b62">{escape(label)}</text>')
        length = 0.0 if value is None else round((width - left - right) * max(value, 0) / scale, 1)
        if length:  # the first bar (the baseline) blue, the others green
            parts.append(f'<rect x="{left}" y="{y}" width="{length}" height="{bar_h}" rx="2" '
                         f'fill="{PALETTE[2 if i == 0 else 0]}"><title>{escape(label)}: {escape(text)}</title></rect>')
        parts.append(f'<text x="{left + length + 6}" y="{y + bar_h / 2 + 5}" font-size="13" font-weight="600" '
                     f'fill="#1d2327">{escape(text)}</text>')
    parts.append(f'<line x1="{left}" x2="{left}" y1="{gap / 2}" y2="{height - gap / 2}" stroke="#1d2327"/>')
    parts.append(tail)
    return Markup("".join(parts))  # noqa: S704 (every text in it went through escape())


def share_bar(parts: Sequence[tuple[str, int]], title: str, desc: str, fmt: Callable[[int], str] = str,
              colours: Sequence[str] = OUTCOME_COLOURS) -> Markup | None:
    """One bar split into its parts' shares (e.g. businesses that improved, stayed, worsened), each part
    named with its count under the bar; None when every count is 0."""
    total = sum(count for _label, count in parts)
    if not total:
        return None
    texts = [f"{label}: {fmt(count)}" for label, count in parts]
    # Wide enough for the legend's line (each part's name and count after the previous one's).
    width = max(360, round(sum(24 + len(text) * CHAR_WIDTH for text in texts)))
    bar_h, top = 20, 4
    legend_y = top + bar_h + 18
    height = legend_y + 6
    head, tail = _open(width, height, title, desc, "chart chart-share")
    out = [head]
    x = 0.0
    for k, (label, count) in enumerate(parts):
        if count:
            length = round(width * count / total, 1)
            out.append(f'<rect x="{round(x, 1)}" y="{top}" width="{length}" height="{bar_h}" '
                       f'fill="{colours[k % len(colours)]}">'
                       f"<title>{escape(label)}: {escape(fmt(count))}</title></rect>")
            x += length
    x = 0.0
    for k, text in enumerate(texts):
        out.append(f'<rect x="{round(x, 1)}" y="{legend_y - 10}" width="10" height="10" rx="2" '
                   f'fill="{colours[k % len(colours)]}"/>')
        out.append(f'<text x="{round(x + 14, 1)}" y="{legend_y}" font-size="{LABEL_FONT}" fill="#1d2327">'
                   f"{escape(text)}</text>")
        x += 14 + len(text) * CHAR_WIDTH + 10
    out.append(tail)
    return Markup("".join(out))  # noqa: S704 (every text in it went through escape())
