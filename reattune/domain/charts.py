"""Small server-rendered SVG charts: a line chart (with average lines) and a grouped bar chart.

Plain Python, no Django: the progress page and the reports feature both use it. Charts are
readable without colour: every series has its own marker shape or fill pattern, lines of
averages are dashed, and every series is named in the legend. Each SVG carries role="img", a <title> and a <desc> (linked by aria-labelledby) so a screen reader
announces what the chart shows; pages should also offer the numbers as a table.

Only presentation attributes are used (no style attributes or <style>), so the SVG renders
under a Content-Security-Policy without 'unsafe-inline'.

Phone first: charts are drawn on a narrow canvas (WIDTH) and scaled to the page width, so at a
phone's 320 px the smallest text (MIN_FONT) is still at least 12 px. The legend sits below the
plot and wraps onto as many rows as it needs (long names wrap at spaces), so no label is ever
cut off. A time axis can start at the couple's first day (`first_day` with `dates`), so no
empty weeks from before the couple existed are drawn.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

PALETTE = ("#2f6f62", "#8a4f7d", "#9a6a12", "#3b5b92")
MARKERS = ("circle", "square", "triangle", "diamond")
PATTERNS = ("solid", "hatch", "dots", "cross")
FONT = "system-ui, sans-serif"
WIDTH = 400  # the canvas; pages scale it to their width
PHONE_WIDTH = 320  # the narrowest width a chart is shown at
MIN_FONT = 15  # 15 * 320 / 400 = 12 px at phone width
CHAR_W = 0.6  # average width of a character, in font sizes (for layout only)
LEGEND_ROW = 24


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
    width: int = WIDTH
    height: int = 260
    left: int = 40
    right: int = 12
    top: int = 36
    bottom: int = 30
    legend_h: int = 0  # rows of legend below the x labels, added to the height
    extra: list[str] = field(default_factory=list)

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def total_h(self) -> int:
        return self.height + self.legend_h


_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")


def _id(chart_id: str) -> str:
    return _NOT_ID.sub("-", chart_id) or "chart"


def _fmt(number: float) -> str:
    # One decimal, a trailing ".0" dropped: "4", "4.5", "-0". With one decimal the only zero
    # rstrip("0").rstrip(".") could take is that decimal, so this is the same text, faster.
    text = f"{number:.1f}"
    return text[:-2] if text[-1] == "0" else text


def _text(x, y, content, size=MIN_FONT, anchor="start", weight="normal", fill="#2b2622") -> str:
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
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.total_h}" '
        f'width="100%" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'class="chart" id="{cid}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{frame.width}" height="{frame.total_h}" fill="#ffffff"/>',
    ]


def _x_labels(parts: list[str], frame: Frame, labels: Sequence[str], xs: list[float]) -> None:
    if not labels:
        return
    widest = max(len(str(label)) for label in labels) * CHAR_W * MIN_FONT + 12
    room = max(1, int(frame.plot_w // widest))
    every = max(1, -(-len(labels) // room))
    last_x = None
    for i in range(0, len(labels), every):
        # kept inside the picture, and never on top of the label before it
        x = min(max(xs[i], widest / 2), frame.width - widest / 2)
        if last_x is not None and x - last_x < widest:
            continue
        last_x = x
        parts.append(_text(x, frame.height - frame.bottom + 20, labels[i], MIN_FONT, "middle"))


def _y_axis(parts, frame, y_min, y_max, ticks, y_of):
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{frame.left}" y1="{_fmt(y)}" x2="{_fmt(frame.left + frame.plot_w)}" '
            f'y2="{_fmt(y)}" stroke="#e6ded5" stroke-width="1"/>'
        )
        parts.append(_text(frame.left - 6, y + 5, _fmt(tick), MIN_FONT, "end"))


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


def _legend_lines(label: str, room: float) -> list[str]:
    """A legend label in lines that fit `room` (SVG units), wrapped at spaces, never cut."""
    per_line = max(8, int(room // (CHAR_W * MIN_FONT)))
    lines, current = [], ""
    for word in label.split():
        if current and len(current) + 1 + len(word) > per_line:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines or [""]


def _legend_layout(frame: Frame, entries) -> list[tuple[float, float, list[str], tuple]]:
    """Where each legend entry goes below the plot: (x, y, lines, entry); sets legend_h."""
    placed = []
    left, right = 8, frame.width - 8
    x, y, row_h = left, frame.height + 4 + LEGEND_ROW / 2, 0
    for entry in entries:
        lines = _legend_lines(entry[1], right - left - 28)
        w = 28 + max(len(line) for line in lines) * CHAR_W * MIN_FONT + 16
        if x > left and x + w > right:
            x, y = left, y + row_h
            row_h = 0
        placed.append((x, y, lines, entry))
        row_h = max(row_h, LEGEND_ROW * len(lines))
        x += w
    frame.legend_h = int(y - frame.height + row_h) if placed else 0
    return placed


def _legend(parts, frame, placed) -> None:
    """Each series' swatch and its full name, in rows below the plot."""
    for x, y, lines, (kind, label, color, style, cid) in placed:
        if kind == "line":
            parts.append(
                f'<line x1="{_fmt(x)}" y1="{_fmt(y)}" x2="{_fmt(x + 22)}" y2="{_fmt(y)}" '
                f'stroke="{color}" stroke-width="2"/>'
            )
            parts.append(_marker(style, x + 11, y, color, label))
        elif kind == "average":
            parts.append(
                f'<line x1="{_fmt(x)}" y1="{_fmt(y)}" x2="{_fmt(x + 22)}" y2="{_fmt(y)}" '
                f'stroke="{color}" stroke-width="3" stroke-dasharray="6 4"/>'
            )
        else:
            parts.append(
                f'<rect x="{_fmt(x + 4)}" y="{_fmt(y - 7)}" width="14" height="14" '
                f'fill="{_fill(style, color, cid)}" stroke="{color}" stroke-width="1.5"/>'
            )
        for n, line in enumerate(lines):
            parts.append(_text(x + 28, y + 5 + n * LEGEND_ROW, line))


def since_first_day(
    x_labels: Sequence[str],
    series: Sequence[Series],
    dates: Sequence[date],
    first_day: date | None,
) -> tuple[list[str], list[Series]]:
    """Drop the columns from before the couple existed: a column whose period (from its date
    to the next column's) ends on or before `first_day`. The column holding the first day
    stays, so the axis starts where the couple began."""
    if first_day is None or not dates:
        return list(x_labels), list(series)
    start = 0
    for i in range(1, len(dates)):
        if dates[i] <= first_day:
            start = i
    kept = [
        Series(s.label, list(s.values)[start:], s.average, s.marker, s.pattern, s.color)
        for s in series
    ]
    return list(x_labels)[start:], kept


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


@functools.lru_cache(maxsize=64)
def _line_xs(n: int, left: float, plot_w: float) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """Where a line chart's n x positions go, and their text (_fmt): layout only, the same
    for every chart of that size, so worked out once per process."""
    xs = tuple(left + (plot_w * (i + 0.5) / n if n else plot_w / 2) for i in range(n))
    return xs, tuple(_fmt(x) for x in xs)


def _escaped_each(texts: list[str]) -> list[str]:
    """[escape(text) for text in texts] with one escape() call: escape() replaces character
    by character, so the joined texts escaped are the escaped texts joined (the separator,
    a control character, is one escape() leaves alone, checked to be in no text)."""
    joined = "\x1f".join(texts)
    if joined.count("\x1f") != max(len(texts) - 1, 0):
        return [escape(text) for text in texts]
    return escape(joined).split("\x1f") if texts else []


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
    width: int = WIDTH,
    height: int = 260,
    dates: Sequence[date] | None = None,
    first_day: date | None = None,
) -> str:
    """Lines over shared x positions; average series are dashed. Returns an SVG string.

    With `dates` (one per x label) and `first_day`, the axis starts at the couple's first day.
    """
    if dates is not None:
        x_labels, series = since_first_day(x_labels, series, dates, first_day)
    frame = Frame(width=width, height=height)
    cid = _id(chart_id)
    legend = []
    for index, s in enumerate(series):
        color = s.color or PALETTE[index % len(PALETTE)]
        marker = s.marker or MARKERS[index % len(MARKERS)]
        legend.append(("average" if s.average else "line", s.label, color, marker, cid))
    placed = _legend_layout(frame, legend)
    parts = _open(frame, cid, title, desc)
    n = len(x_labels)
    span = (y_max - y_min) or 1

    def y_of(v):
        return frame.top + frame.plot_h * (1 - (v - y_min) / span)

    _y_axis(parts, frame, y_min, y_max, _ticks(y_min, y_max), y_of)
    if y_label:
        parts.append(_text(4, frame.top - 12, y_label))
    xs, x_text = _line_xs(n, frame.left, frame.plot_w)
    _x_labels(parts, frame, x_labels, xs)
    # Each x position and each value is formatted once for the whole chart (a 12-week chart
    # has ~340 points on 84 x positions and 11 whole-number values): the same text as _fmt.
    x_escaped = _escaped_each([str(x_label) for x_label in x_labels])
    x_square: dict[int, str] = {}  # _fmt(x - 4) of an x position, for square markers
    y_known: dict[float, tuple[float, str]] = {}
    y_square: dict[float, str] = {}  # _fmt(y - 4) of a value, for square markers
    v_known: dict[float, str] = {}

    def y_point(value: float) -> tuple[float, str]:
        """(y, its text) of a value, formatted once per chart (0 and -0.0 share a y)."""
        found = y_known.get(value)
        if found is None:
            y = y_of(max(y_min, min(y_max, value)))
            found = y_known[value] = (y, _fmt(y))
        return found

    def v_text(value: float) -> str:
        found = v_known.get(value)
        if found is None or value == 0:  # 0 == -0.0 as keys, but they format differently
            found = v_known[value] = _fmt(value)
        return found

    for index, s in enumerate(series):
        color = s.color or PALETTE[index % len(PALETTE)]
        marker = s.marker or MARKERS[index % len(MARKERS)]
        segments, current = [], []
        for i, value in enumerate(s.values[:n]):
            if value is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((i, value))
        if current:
            segments.append(current)
        label = escape(s.label)
        group = [f'<g role="group" aria-label="{label}">']
        # A marker's end, the same for every point of the series (as _marker writes it).
        closing = f' fill="{color}" stroke="#ffffff" stroke-width="1"><title>{label}, '
        for segment in segments:
            if len(segment) > 1:
                path = "M" + " L".join(f"{x_text[i]},{y_point(v)[1]}" for i, v in segment)
                dash = ' stroke-dasharray="6 4"' if s.average else ""
                stroke = 3 if s.average else 2
                group.append(
                    f'<path d="{path}" fill="none" stroke="{color}" stroke-width="{stroke}"'
                    f'{dash} stroke-linejoin="round" stroke-linecap="round"/>'
                )
            if not s.average or len(segment) == 1:
                # The common shapes from the texts made above. escape() replaces character
                # by character, so the parts escaped apart are the whole escaped; a value's
                # text is digits, a sign and a point.
                for i, v in segment:
                    if marker == "circle":
                        group.append(
                            f'<circle cx="{x_text[i]}" cy="{y_point(v)[1]}" r="4"{closing}'
                            f"{x_escaped[i]}: {v_text(v)}</title></circle>"
                        )
                    elif marker == "square":
                        sx = x_square.get(i)
                        if sx is None:
                            sx = x_square[i] = _fmt(xs[i] - 4)
                        sy = y_square.get(v)
                        if sy is None:
                            sy = y_square[v] = _fmt(y_point(v)[0] - 4)
                        group.append(
                            f'<rect x="{sx}" y="{sy}" width="8" height="8"{closing}'
                            f"{x_escaped[i]}: {v_text(v)}</title></rect>"
                        )
                    else:
                        tip = f"{s.label}, {x_labels[i]}: {v_text(v)}"
                        group.append(_marker(marker, xs[i], y_point(v)[0], color, tip))
        group.append("</g>")
        parts.extend(group)
    _legend(parts, frame, placed)
    if not any(v is not None for s in series for v in s.values):
        parts.append(
            _text(
                frame.left + frame.plot_w / 2,
                frame.top + frame.plot_h / 2,
                "No data yet",
                16,
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
    width: int = WIDTH,
    height: int = 240,
    dates: Sequence[date] | None = None,
    first_day: date | None = None,
) -> str:
    """Grouped bars (one group per x label), each series with its own fill pattern.

    With `dates` (one per x label) and `first_day`, the axis starts at the couple's first day.
    """
    if dates is not None:
        x_labels, series = since_first_day(x_labels, series, dates, first_day)
    frame = Frame(width=width, height=height)
    cid = _id(chart_id)
    legend = []
    for index, s in enumerate(series):
        color = s.color or PALETTE[index % len(PALETTE)]
        pattern = s.pattern or PATTERNS[index % len(PATTERNS)]
        legend.append(("bar", s.label, color, pattern, cid))
    placed = _legend_layout(frame, legend)
    parts = _open(frame, cid, title, desc)
    n = len(x_labels)
    top = y_max if y_max is not None else max([v or 0 for s in series for v in s.values] + [1])
    ticks = _ticks(0, top)
    top = max(top, ticks[-1] if ticks else top)

    def y_of(v):
        return frame.top + frame.plot_h * (1 - v / (top or 1))

    _y_axis(parts, frame, 0, top, ticks, y_of)
    if y_label:
        parts.append(_text(4, frame.top - 12, y_label))
    group_w = frame.plot_w / n if n else frame.plot_w
    bar_w = max(2.0, min(28.0, group_w * 0.8 / max(1, len(series))))
    xs = [frame.left + group_w * (i + 0.5) for i in range(n)]
    _x_labels(parts, frame, x_labels, xs)
    defs = []
    # Formatted once per chart, not once per bar: each x label escaped, and for each value
    # its text and its bar's top and height (the same text as _fmt and escape give).
    x_escaped = [escape(str(x_label)) for x_label in x_labels]
    width_text = _fmt(bar_w - 1)
    show_values = {}  # does the value's text fit above its bar
    bar_of: dict[float, tuple[float, str, str, str]] = {}
    for index, s in enumerate(series):
        color = s.color or PALETTE[index % len(PALETTE)]
        pattern = s.pattern or PATTERNS[index % len(PATTERNS)]
        if pattern != "solid":
            defs.append(_pattern_defs(cid, pattern, color))
        label = escape(s.label)
        group = [f'<g role="group" aria-label="{label}">']
        fill = f'" fill="{_fill(pattern, color, cid)}" stroke="{color}" stroke-width="1"><title>'
        half, shift = bar_w * len(series) / 2, bar_w * index
        for i, value in enumerate(s.values[:n]):
            value = value or 0  # never -0.0 here: one text per value
            x = xs[i] - half + shift
            found = bar_of.get(value)
            if found is None:
                y = y_of(value)
                h = frame.top + frame.plot_h - y
                found = bar_of[value] = (y, _fmt(y), _fmt(h), _fmt(value))
            y, y_text, h_text, v_text = found
            group.append(
                f'<rect x="{_fmt(x)}" y="{y_text}" width="{width_text}" height="{h_text}{fill}'
                f"{label}, {x_escaped[i]}: {v_text}</title></rect>"
            )
            if value:
                fits = show_values.get(v_text)
                if fits is None:
                    fits = show_values[v_text] = bar_w >= CHAR_W * MIN_FONT * len(v_text) + 2
                if fits:
                    group.append(_text(x + bar_w / 2, y - 4, v_text, MIN_FONT, "middle"))
        group.append("</g>")
        parts.extend(group)
    if defs:
        parts.insert(4, "<defs>" + "".join(defs) + "</defs>")
    parts.append(
        f'<line x1="{frame.left}" y1="{_fmt(frame.top + frame.plot_h)}" '
        f'x2="{_fmt(frame.left + frame.plot_w)}" y2="{_fmt(frame.top + frame.plot_h)}" '
        f'stroke="#5f5750" stroke-width="1"/>'
    )
    _legend(parts, frame, placed)
    parts.append("</svg>")
    return "\n".join(parts)
