"""Small server-rendered SVG charts: a line chart (with average lines) and a grouped bar chart.

Plain Python, no Django: the progress page and the reports feature both use it. Charts are
readable without colour: every series has its own marker shape or fill pattern, lines of
averages are dashed, and the series name is written next to its line and in the legend. Each
SVG carries role="img", a <title> and a <desc> (linked by aria-labelledby) so a screen reader
announces what the chart shows; pages should also offer the numbers as a table.

Only presentation attributes are used (no style attributes or <style>), so the SVG renders
under a Content-Security-Policy without 'unsafe-inline'.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

PALETTE = ("#2f6f62", "#8a4f7d", "#9a6a12", "#3b5b92")
MARKERS = ("circle", "square", "triangle", "diamond")
PATTERNS = ("solid", "hatch", "dots", "cross")
FONT = "system-ui, sans-serif"


@dataclass
class Series:
    """One line or one set of bars. `values` align with the chart's x labels; None is a gap."""

    label: str
    values: Sequence[float | None]
    average: bool = False  # drawn dashed and without markers
    marker: str | None = None  # circle | square | triangle | diamond (lines)
    pattern: str | None = None  # solid | hatch | dots | cross (bars)
    color: str | None = None


@dataclass
class Frame:
    width: int = 640
    height: int = 280
    left: int = 40
    right: int = 96
    top: int = 40
    bottom: int = 44
    extra: list[str] = field(default_factory=list)

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom


def _id(chart_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", chart_id) or "chart"


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _text(x, y, content, size=12, anchor="start", weight="normal", fill="#2b2622") -> str:
    return (
        f'<text x="{_fmt(x)}" y="{_fmt(y)}" font-family="{FONT}" font-size="{size}" '
        f'text-anchor="{anchor}" font-weight="{weight}" fill="{fill}">{escape(str(content))}</text>'
    )


def _marker(shape: str, x: float, y: float, color: str, label: str) -> str:
    tip = f"<title>{escape(label)}</title>"
    if shape == "square":
        body = f'<rect x="{_fmt(x - 4)}" y="{_fmt(y - 4)}" width="8" height="8"'
    elif shape == "triangle":
        body = (
            f'<polygon points="{_fmt(x)},{_fmt(y - 5)} {_fmt(x + 5)},{_fmt(y + 4)} '
            f'{_fmt(x - 5)},{_fmt(y + 4)}"'
        )
    elif shape == "diamond":
        body = (
            f'<polygon points="{_fmt(x)},{_fmt(y - 5)} {_fmt(x + 5)},{_fmt(y)} '
            f'{_fmt(x)},{_fmt(y + 5)} {_fmt(x - 5)},{_fmt(y)}"'
        )
    else:
        body = f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="4"'
    return f'{body} fill="{color}" stroke="#ffffff" stroke-width="1">{tip}</{body.split()[0][1:]}>'


def _open(frame: Frame, chart_id: str, title: str, desc: str) -> list[str]:
    cid = _id(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" '
        f'width="100%" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'class="chart" id="{cid}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{frame.width}" height="{frame.height}" fill="#ffffff"/>',
    ]


def _x_labels(parts: list[str], frame: Frame, labels: Sequence[str], xs: list[float]) -> None:
    if not labels:
        return
    room = max(1, int(frame.plot_w // 70))
    every = max(1, -(-len(labels) // room))
    for i, (label, x) in enumerate(zip(labels, xs, strict=True)):
        if i % every == 0 or i == len(labels) - 1 and (len(labels) - 1) % every > every // 2:
            parts.append(_text(x, frame.height - frame.bottom + 18, label, 11, "middle"))


def _y_axis(parts, frame, y_min, y_max, ticks, y_of):
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{frame.left}" y1="{_fmt(y)}" x2="{_fmt(frame.left + frame.plot_w)}" '
            f'y2="{_fmt(y)}" stroke="#e6ded5" stroke-width="1"/>'
        )
        parts.append(_text(frame.left - 6, y + 4, _fmt(tick), 11, "end"))


def _ticks(y_min: float, y_max: float) -> list[float]:
    span = y_max - y_min
    if span <= 0:
        return [y_min]
    step = 1
    for candidate in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        step = candidate
        if span / candidate <= 6:
            break
    first = int(y_min // step) * step
    ticks, value = [], first
    while value <= y_max + 1e-9:
        if value >= y_min - 1e-9:
            ticks.append(value)
        value += step
    return ticks


def _legend(parts, frame, entries) -> None:
    """entries: (kind, label, color, marker/pattern, chart id) drawn left to right at the top."""
    x, y = frame.left, 16
    for kind, label, color, style, cid in entries:
        if kind == "line":
            parts.append(
                f'<line x1="{x}" y1="{y}" x2="{x + 22}" y2="{y}" stroke="{color}" '
                f'stroke-width="2"/>'
            )
            parts.append(_marker(style, x + 11, y, color, label))
        elif kind == "average":
            parts.append(
                f'<line x1="{x}" y1="{y}" x2="{x + 22}" y2="{y}" stroke="{color}" '
                f'stroke-width="3" stroke-dasharray="6 4"/>'
            )
        else:
            parts.append(
                f'<rect x="{x + 4}" y="{y - 7}" width="14" height="14" '
                f'fill="{_fill(style, color, cid)}" stroke="{color}" stroke-width="1.5"/>'
            )
        parts.append(_text(x + 28, y + 4, label, 12))
        x += 36 + 7 * len(label)
        if x > frame.width - 120:
            x, y = frame.left, y + 18


def _fill(pattern: str, color: str, cid: str) -> str:
    return color if pattern == "solid" else f"url(#{cid}-{pattern}-{color.lstrip('#')})"


def _pattern_defs(cid: str, pattern: str, color: str) -> str:
    pid = f"{cid}-{pattern}-{color.lstrip('#')}"
    if pattern == "hatch":
        shape = (
            f'<rect width="6" height="6" fill="#ffffff"/>'
            f'<path d="M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5" stroke="{color}" stroke-width="2"/>'
        )
    elif pattern == "dots":
        shape = f'<rect width="6" height="6" fill="#ffffff"/><circle cx="3" cy="3" r="1.6" fill="{color}"/>'
    else:  # cross
        shape = (
            f'<rect width="6" height="6" fill="#ffffff"/>'
            f'<path d="M0,3 L6,3 M3,0 L3,6" stroke="{color}" stroke-width="1.5"/>'
        )
    return (
        f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">{shape}</pattern>'
    )


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    chart_id: str = "line",
    y_min: float = 0,
    y_max: float = 10,
    y_label: str = "",
    width: int = 640,
    height: int = 280,
) -> str:
    """Lines over shared x positions; average series are dashed. Returns an SVG string."""
    frame = Frame(width=width, height=height)
    cid = _id(chart_id)
    parts = _open(frame, cid, title, desc)
    n = len(x_labels)
    span = (y_max - y_min) or 1

    def x_of(i):
        return frame.left + (frame.plot_w * (i + 0.5) / n if n else frame.plot_w / 2)

    def y_of(v):
        return frame.top + frame.plot_h * (1 - (v - y_min) / span)

    _y_axis(parts, frame, y_min, y_max, _ticks(y_min, y_max), y_of)
    if y_label:
        parts.append(_text(4, frame.top - 10, y_label, 11))
    xs = [x_of(i) for i in range(n)]
    _x_labels(parts, frame, x_labels, xs)
    legend = []
    end_labels: list[tuple[float, str, str]] = []
    for index, s in enumerate(series):
        color = s.color or PALETTE[index % len(PALETTE)]
        marker = s.marker or MARKERS[index % len(MARKERS)]
        legend.append(("average" if s.average else "line", s.label, color, marker, cid))
        segments, current = [], []
        for i, value in enumerate(s.values[:n]):
            if value is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((xs[i], y_of(max(y_min, min(y_max, value))), i, value))
        if current:
            segments.append(current)
        group = [f'<g role="group" aria-label="{escape(s.label)}">']
        for segment in segments:
            if len(segment) > 1:
                path = " ".join(
                    f"{'M' if j == 0 else 'L'}{_fmt(x)},{_fmt(y)}"
                    for j, (x, y, _i, _v) in enumerate(segment)
                )
                dash = ' stroke-dasharray="6 4"' if s.average else ""
                stroke = 3 if s.average else 2
                group.append(
                    f'<path d="{path}" fill="none" stroke="{color}" stroke-width="{stroke}"'
                    f'{dash} stroke-linejoin="round" stroke-linecap="round"/>'
                )
            if not s.average or len(segment) == 1:
                for x, y, i, v in segment:
                    group.append(
                        _marker(marker, x, y, color, f"{s.label}, {x_labels[i]}: {_fmt(v)}")
                    )
        group.append("</g>")
        parts.extend(group)
        if segments:
            x, y, _i, v = segments[-1][-1]
            end_labels.append((y, f"{s.label} {_fmt(v)}", color))
    # Labels at the right end of each line, nudged apart so they never overlap.
    end_labels.sort()
    last_y = -100.0
    for y, label, color in end_labels:
        y = max(y + 4, last_y + 14)
        last_y = y
        parts.append(_text(frame.left + frame.plot_w + 6, y, label, 11, fill=color, weight="bold"))
    _legend(parts, frame, legend)
    if not any(v is not None for s in series for v in s.values):
        parts.append(
            _text(
                frame.left + frame.plot_w / 2,
                frame.top + frame.plot_h / 2,
                "No data yet",
                14,
                "middle",
            )
        )
    parts.append("</svg>")
    return "\n".join(parts)


def bar_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    chart_id: str = "bars",
    y_max: float | None = None,
    y_label: str = "",
    width: int = 640,
    height: int = 260,
) -> str:
    """Grouped bars (one group per x label), each series with its own fill pattern."""
    frame = Frame(width=width, height=height, right=16)
    cid = _id(chart_id)
    parts = _open(frame, cid, title, desc)
    n = len(x_labels)
    top = y_max if y_max is not None else max([v or 0 for s in series for v in s.values] + [1])
    ticks = _ticks(0, top)
    top = max(top, ticks[-1] if ticks else top)

    def y_of(v):
        return frame.top + frame.plot_h * (1 - v / (top or 1))

    _y_axis(parts, frame, 0, top, ticks, y_of)
    if y_label:
        parts.append(_text(4, frame.top - 10, y_label, 11))
    group_w = frame.plot_w / n if n else frame.plot_w
    bar_w = max(2.0, min(28.0, group_w * 0.8 / max(1, len(series))))
    xs = [frame.left + group_w * (i + 0.5) for i in range(n)]
    _x_labels(parts, frame, x_labels, xs)
    defs, legend = [], []
    for index, s in enumerate(series):
        color = s.color or PALETTE[index % len(PALETTE)]
        pattern = s.pattern or PATTERNS[index % len(PATTERNS)]
        if pattern != "solid":
            defs.append(_pattern_defs(cid, pattern, color))
        legend.append(("bar", s.label, color, pattern, cid))
        group = [f'<g role="group" aria-label="{escape(s.label)}">']
        for i, value in enumerate(s.values[:n]):
            value = value or 0
            x = xs[i] - bar_w * len(series) / 2 + bar_w * index
            y = y_of(value)
            h = frame.top + frame.plot_h - y
            tip = f"<title>{escape(s.label)}, {escape(x_labels[i])}: {_fmt(value)}</title>"
            group.append(
                f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(bar_w - 1)}" height="{_fmt(h)}" '
                f'fill="{_fill(pattern, color, cid)}" stroke="{color}" stroke-width="1">{tip}</rect>'
            )
            if value and bar_w >= 12:
                group.append(_text(x + bar_w / 2, y - 3, _fmt(value), 10, "middle"))
        group.append("</g>")
        parts.extend(group)
    if defs:
        parts.insert(4, "<defs>" + "".join(defs) + "</defs>")
    parts.append(
        f'<line x1="{frame.left}" y1="{_fmt(frame.top + frame.plot_h)}" '
        f'x2="{_fmt(frame.left + frame.plot_w)}" y2="{_fmt(frame.top + frame.plot_h)}" '
        f'stroke="#5f5750" stroke-width="1"/>'
    )
    _legend(parts, frame, legend)
    parts.append("</svg>")
    return "\n".join(parts)
