"""The SVG charts: plain Python, valid XML, readable without colour, safe with any label."""

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

from reattune.domain import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str):
    return ET.fromstring(svg)  # noqa: S314 - our own output, in a test


def test_it_imports_no_django():
    source = Path(charts.__file__).read_text()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
            )
            assert not any(n.startswith("django") for n in names)


def test_a_line_chart_has_a_title_desc_markers_labels_and_a_dashed_average():
    svg = charts.line_chart(
        ["1 Mar", "2 Mar", "3 Mar"],
        [
            charts.Series("You", [4, None, 6]),
            charts.Series("You, 7-day average", [4, 4, 5], average=True),
            charts.Series("Sam", [7, 8, 9]),
        ],
        title="How connected you felt",
        desc="Connection from 0 to 10",
        chart_id="c1",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "How connected you felt"
    assert root.find(f"{SVG}desc").text == "Connection from 0 to 10"
    assert "stroke-dasharray" in svg
    # Different marker shapes per series, each with a tooltip title.
    assert root.findall(f".//{SVG}circle") and root.findall(f".//{SVG}rect")
    assert "You, 1 Mar: 4" in svg
    # The series names are written in the legend, not only shown by colour.
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Sam" in texts and "You" in texts
    assert "style" not in svg


def test_a_gap_breaks_the_line():
    svg = charts.line_chart(
        ["a", "b", "c", "d"], [charts.Series("x", [1, 2, None, 3])], title="t", desc="d"
    )
    paths = parse(svg).findall(f".//{SVG}path")
    assert len(paths) == 1  # 1-2 joined, 3 stands alone as a marker


def test_a_bar_chart_uses_patterns_and_value_labels():
    svg = charts.bar_chart(
        ["w1", "w2"],
        [charts.Series("You", [3, 5]), charts.Series("Sam", [2, 0])],
        title="Rituals each week",
        desc="d",
        chart_id="bars",
    )
    root = parse(svg)
    patterns = root.findall(f".//{SVG}pattern")
    assert len(patterns) == 1  # the second series is hatched, the first solid
    assert any((r.get("fill") or "").startswith("url(#bars-hatch") for r in root.iter(f"{SVG}rect"))
    assert "Sam, w1: 2" in svg
    assert [t.text for t in root.iter(f"{SVG}text")].count("5") >= 1


def test_labels_are_escaped():
    svg = charts.line_chart(
        ["<b>"], [charts.Series('Sam "&" <script>', [5])], title="<t>", desc="&", chart_id='x"y'
    )
    parse(svg)
    assert "<script>" not in svg and "<b>" not in svg


def test_no_data_says_so():
    svg = charts.line_chart(["a", "b"], [charts.Series("You", [None, None])], title="t", desc="d")
    assert "No data yet" in svg
    parse(svg)
    parse(charts.bar_chart([], [], title="t", desc="d"))
