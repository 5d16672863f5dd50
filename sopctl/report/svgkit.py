"""Static SVG charts: a plot frame with nice axis ticks, bars, lines, markers and a legend.

Everything is a string built from numbers rounded to 0.1 px, so the same data give the same
bytes. Every text is escaped (item and resource names come from users' CSV files). Colours come
from CSS classes defined once in the page's stylesheet (`layout.CSS`), so a chart carries no
style of its own and prints in the page's palette.

Axis ticks use the "nice numbers" method of Heckbert (1990), *Nice numbers for graph labels*,
Graphics Gems I, pp. 61–63: the tick step is 1, 2 or 5 times a power of ten, chosen so that
about `count` ticks cover the data range.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from .fmt import compact

Value = float | None


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def _n(x: float) -> str:
    """A coordinate: one decimal, no trailing '.0', never '-0'."""
    text = f"{x:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


DIP = 0.2  # a negative extent up to this share of a tick step is drawn without its own tick


def nice_step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * power:
            return float(m * power)
    return 10.0 * power


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Ticks from a nice value at or below `lo` to one at or above `hi` (0 included when the
    range crosses it)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    if hi - lo < 1e-9 * max(1.0, abs(lo), abs(hi)):  # one value, or a span below the float's
        pad = max(1.0, abs(lo) * 1e-6)  # resolution there: a unit either side (a millionth)
        lo, hi = (lo - pad, hi + pad) if lo else (0.0, 1.0)
    step = nice_step(hi - lo, count)
    start = math.floor(lo / step + 1e-9) * step
    stop = math.ceil(hi / step - 1e-9) * step
    n = round((stop - start) / step)
    return [round(start + i * step, 10) + 0.0 for i in range(n + 1)]


@dataclass
class Frame:
    """A plot area with a band scale along x (one band per label) and a linear y scale."""

    labels: Sequence[str]
    lo: float
    hi: float
    width: int = 760
    height: int = 300
    left: int = 70
    right: int = 16
    top: int = 58
    bottom: int = 46
    ticks: list[float] = field(default_factory=list)
    y_lo: float = 0.0  # the y domain: the outer ticks, or a short strip below zero (see below)
    y_hi: float = 1.0

    def __post_init__(self) -> None:
        lo = min(self.lo, 0.0)
        self.ticks = nice_ticks(lo, max(self.hi, 0.0))
        self.y_lo, self.y_hi = self.ticks[0], self.ticks[-1]
        step = self.ticks[1] - self.ticks[0] if len(self.ticks) > 2 else 0.0
        if step and self.ticks[1] == 0.0 and -lo <= DIP * step:
            # a dip below zero of a few units (e.g. an override lowering demand) gets a strip
            # of a quarter step, not a whole step of empty axis (−10k under 30k bars)
            self.ticks = self.ticks[1:]
            self.y_lo = -0.25 * step

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def band(self) -> float:
        return self.plot_w / max(len(self.labels), 1)

    def x(self, i: float) -> float:
        """Centre of band i (fractions allowed)."""
        return self.left + (i + 0.5) * self.band

    def y(self, v: float) -> float:
        t0, t1 = self.y_lo, self.y_hi
        return self.top + self.plot_h * (1 - (v - t0) / (t1 - t0))


def axes(f: Frame, x_label: str, y_label: str) -> str:
    """Grid lines, tick labels, both axes and their titles."""
    out = ['<g class="axis">']
    for t in f.ticks:
        y = _n(f.y(t))
        out.append(f'<line class="grid" x1="{f.left}" x2="{f.width - f.right}" y1="{y}" y2="{y}"/>')
        out.append(
            f'<text class="tick" x="{f.left - 6}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{esc(compact(t))}</text>'
        )
    base = _n(f.y(0.0))
    bottom = _n(f.top + f.plot_h)
    out.append(f'<line class="axis-line" x1="{f.left}" x2="{f.left}" y1="{f.top}" y2="{bottom}"/>')
    out.append(
        f'<line class="axis-line" x1="{f.left}" x2="{f.width - f.right}" y1="{base}" y2="{base}"/>'
    )
    # 48 px holds a month label (7 characters) and its gap; each further character ~7 px
    longest = max((len(label) for label in f.labels), default=0)
    space = 48 + 7 * max(0, longest - 7)
    every = max(1, math.ceil(len(f.labels) * space / max(f.plot_w, 1)))
    for i, label in enumerate(f.labels):
        if i % every:
            continue
        out.append(
            f'<text class="tick" x="{_n(f.x(i))}" y="{_n(f.top + f.plot_h + 16)}" '
            f'text-anchor="middle">{esc(label)}</text>'
        )
    out.append(
        f'<text class="axis-title" data-axis="x" x="{_n(f.left + f.plot_w / 2)}" '
        f'y="{f.height - 8}" text-anchor="middle">{esc(x_label)}</text>'
    )
    cy = _n(f.top + f.plot_h / 2)
    out.append(
        f'<text class="axis-title" data-axis="y" x="14" y="{cy}" text-anchor="middle" '
        f'transform="rotate(-90 14 {cy})">{esc(y_label)}</text>'
    )
    out.append("</g>")
    return "".join(out)


def bars(
    f: Frame,
    tops: Sequence[Value],
    cls: str,
    bases: Sequence[Value] | None = None,
    width: float = 0.7,
    offset: float = 0.0,
    tips: Sequence[str] | None = None,
) -> str:
    """One bar per band from `bases[i]` (default 0) to `tops[i]`; None draws nothing."""
    out = []
    w = f.band * width
    for i, top in enumerate(tops):
        base = bases[i] if bases is not None else 0.0
        if top is None or base is None or abs(top - base) < 1e-12:
            continue
        y0, y1 = f.y(max(top, base)), f.y(min(top, base))
        tip = f"<title>{esc(tips[i])}</title>" if tips else ""
        out.append(
            f'<rect class="{cls}" x="{_n(f.x(i + offset) - w / 2)}" y="{_n(y0)}" '
            f'width="{_n(w)}" height="{_n(max(y1 - y0, 0.5))}">{tip}</rect>'
        )
    return "".join(out)


def line(f: Frame, values: Sequence[Value], cls: str, step: bool = False) -> str:
    """A polyline through the band centres (or a step line across whole bands); a None value
    breaks the line."""
    parts: list[str] = []
    pen = False
    for i, v in enumerate(values):
        if v is None:
            pen = False
            continue
        y = _n(f.y(v))
        if step:
            x0, x1 = _n(f.x(i - 0.5)), _n(f.x(i + 0.5))
            parts.append(f"{'L' if pen else 'M'}{x0} {y}L{x1} {y}")
        else:
            parts.append(f"{'L' if pen else 'M'}{_n(f.x(i))} {y}")
        pen = True
    if not parts:
        return ""
    return f'<path class="{cls}" fill="none" d="{"".join(parts)}"/>'


def markers(
    f: Frame, points: Sequence[tuple[int, float, str]], cls: str, shape: str = "triangle"
) -> str:
    """Markers at (band, value) with a tooltip each: a triangle (warning) or a circle."""
    out = []
    for i, v, tip in points:
        x, y = f.x(i), f.y(v)
        if shape == "triangle":
            d = f"M{_n(x)} {_n(y - 7)}L{_n(x + 6)} {_n(y + 4)}L{_n(x - 6)} {_n(y + 4)}Z"
            out.append(f'<path class="{cls}" d="{d}"><title>{esc(tip)}</title></path>')
        else:
            out.append(
                f'<circle class="{cls}" cx="{_n(x)}" cy="{_n(y)}" r="3.5">'
                f"<title>{esc(tip)}</title></circle>"
            )
    return "".join(out)


LEGEND_Y = 38  # the baseline of the legend's first row, under the title
LEGEND_ROW = 16  # the height of each further row


def _legend_width(label: str) -> float:
    """The room an entry takes: its symbol, a gap, its label (~6.2 px a character at 11 px)."""
    return 30 + 6.2 * len(label)


def _legend_rows(
    f: Frame, entries: Sequence[tuple[str, str, str]]
) -> list[list[tuple[str, str, str]]]:
    """The entries in rows from the plot's left edge, a new row where the next label would run
    past the plot's right edge."""
    rows: list[list[tuple[str, str, str]]] = [[]]
    x = float(f.left)
    for entry in entries:
        if rows[-1] and x + _legend_width(entry[2]) - 12 > f.width - f.right:
            rows.append([])
            x = float(f.left)
        rows[-1].append(entry)
        x += _legend_width(entry[2])
    return rows


def legend_room(f: Frame, entries: Sequence[tuple[str, str, str]]) -> None:
    """Room above the plot for a legend of more than one row: each further row adds its height
    to the top and to the chart (the plot keeps its size). Call it before drawing the plot."""
    extra = LEGEND_ROW * (len(_legend_rows(f, entries)) - 1)
    f.top += extra
    f.height += extra


def legend(f: Frame, entries: Sequence[tuple[str, str, str]]) -> str:
    """Entries (css class, kind bar|line|dash|marker|circle, label) in rows under the title
    (one row where they fit; `legend_room` makes room for more); a marker is the triangle of
    `markers`, a circle its circle."""
    out = ['<g class="legend">']
    for r, row in enumerate(_legend_rows(f, entries)):
        x = float(f.left)
        y = float(LEGEND_Y + LEGEND_ROW * r)
        for cls, kind, label in row:
            out.append(_legend_mark(cls, kind, x, y))
            out.append(
                f'<text class="legend-text" x="{_n(x + 18)}" y="{_n(y)}">{esc(label)}</text>'
            )
            x += _legend_width(label)
    out.append("</g>")
    return "".join(out)


def _legend_mark(cls: str, kind: str, x: float, y: float) -> str:
    if kind == "bar":
        return f'<rect class="{cls}" x="{_n(x)}" y="{_n(y - 9)}" width="12" height="10"/>'
    if kind == "marker":
        d = f"M{_n(x + 6)} {_n(y - 10)}L{_n(x + 12)} {_n(y + 1)}L{_n(x)} {_n(y + 1)}Z"
        return f'<path class="{cls}" d="{d}"/>'
    if kind == "circle":  # the circle of `markers`
        return f'<circle class="{cls}" cx="{_n(x + 6)}" cy="{_n(y - 4)}" r="3.5"/>'
    d = f"M{_n(x)} {_n(y - 4)}L{_n(x + 14)} {_n(y - 4)}"
    return f'<path class="{cls}" fill="none" d="{d}"/>'


def svg(chart_id: str, f: Frame, title: str, desc: str, body: str) -> str:
    """The <svg> element: accessible title and description, the visible title, the body."""
    tid = f"t-{chart_id}"
    return (
        f'<svg class="chart-svg" viewBox="0 0 {f.width} {f.height}" width="{f.width}" '
        f'height="{f.height}" role="img" aria-labelledby="{tid}" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{tid}">{esc(title)}</title>'
        f"<desc>{esc(desc)}</desc>"
        f'<text class="chart-title" x="{f.left}" y="20">{esc(title)}</text>{body}</svg>'
    )


def figure(chart_id: str, kind: str, svg_text: str, caption: str) -> str:
    return (
        f'<figure class="chart" id="{esc(chart_id)}" data-chart="{esc(kind)}">{svg_text}'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )
