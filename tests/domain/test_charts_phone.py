"""Charts that read on a phone: text at least 12 px at 320 px wide, the legend below the plot
with every name whole, and a time axis that starts at the couple's first day."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from reattune.domain import charts

SVG = "{http://www.w3.org/2000/svg}"
LONG = "Jonas-Alexander, 7-day average of closeness"


def _charts():
    days = [date(2026, 9, 1) + timedelta(days=i) for i in range(84)]
    labels = [f"{d.day} {d:%b}" for d in days]
    values = [(i % 10) for i in range(84)]
    line = charts.line_chart(
        labels,
        [
            charts.Series("Jonas-Alexander", values),
            charts.Series(LONG, values, average=True),
            charts.Series("Sam", values[::-1]),
            charts.Series("Sam, 7-day average", values, average=True),
        ],
        title="t",
        desc="d",
        chart_id="line",
    )
    bars = charts.bar_chart(
        labels[::7],
        [charts.Series("Jonas-Alexander", [3] * 12), charts.Series(LONG, [5] * 12)],
        title="t",
        desc="d",
        chart_id="bars",
    )
    return line, bars


def _view(root):
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    return width, height


def test_every_text_is_at_least_12_px_at_phone_width():
    for svg in _charts():
        root = ET.fromstring(svg)  # noqa: S314 - our own output, in a test
        width, _ = _view(root)
        sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
        assert sizes
        assert min(sizes) * charts.PHONE_WIDTH / width >= 12


def test_the_legend_is_below_the_plot_whole_and_inside_the_picture():
    for svg in _charts():
        root = ET.fromstring(svg)  # noqa: S314
        width, height = _view(root)
        texts = list(root.iter(f"{SVG}text"))
        words = " ".join(t.text for t in texts)
        for word in LONG.split():
            assert word in words  # wrapped, never cut
        assert "..." not in words and "…" not in words
        axis_bottom = max(float(t.get("y")) for t in texts if re.fullmatch(r"\d+ \w+", t.text))
        legend = [t for t in texts if t.text.split()[0] in ("Jonas-Alexander", "Sam")]
        assert legend and all(float(t.get("y")) > axis_bottom for t in legend)
        for t in texts:
            y = float(t.get("y"))
            assert 0 < y <= height
            x = float(t.get("x"))
            half = len(t.text) * charts.CHAR_W * float(t.get("font-size"))
            if t.get("text-anchor") == "start":
                assert x + half <= width + 1, t.text
            elif t.get("text-anchor") == "middle":
                assert x - half / 2 >= -1 and x + half / 2 <= width + 1, t.text


def test_the_time_axis_starts_at_the_couples_first_day():
    weeks = [date(2026, 9, 14) + timedelta(weeks=i) for i in range(12)]
    labels = [f"{w:%-d %b}" for w in weeks]
    first_day = date(2026, 11, 4)  # a Wednesday in the week of 2 Nov
    kept_labels, kept = charts.since_first_day(
        labels, [charts.Series("You", list(range(12)))], weeks, first_day
    )
    assert kept_labels[0] == "2 Nov" and kept_labels[-1] == labels[-1]
    assert kept[0].values == list(range(7, 12))
    svg = charts.bar_chart(
        labels,
        [charts.Series("You", [1] * 12)],
        title="t",
        desc="d",
        dates=weeks,
        first_day=first_day,
    )
    assert "14 Sep" not in svg and "You, 2 Nov: 1" in svg
    # No first day known: nothing dropped.
    assert charts.since_first_day(labels, [], weeks, None)[0] == labels
    # A first day before the chart's range: nothing dropped either.
    assert charts.since_first_day(labels, [], weeks, date(2020, 1, 1))[0] == labels
