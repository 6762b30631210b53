"""Server-side SVG charts: accessible (role, title, desc) and safe with any officer's name."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from fieldwork.web import charts

SVG = "{http://www.w3.org/2000/svg}"


def test_stacked_bars_are_an_accessible_image_with_escaped_text():
    svg = charts.stacked_bars(["7 abr", "14 abr"], [charts.Series("<script>alert(1)</script>", [2, 0]),
                                                     charts.Series("Luis & Ana", [1, 3])],
                              title="Visitas por semana", desc="Barras apiladas")
    root = ET.fromstring(str(svg))  # noqa: S314 (our own output) — well-formed XML: every text was escaped
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Visitas por semana"
    assert root.get("aria-labelledby").split() == [root.find(f"{SVG}title").get("id"),
                                                   root.find(f"{SVG}desc").get("id")]
    assert "<script>" not in str(svg)
    heights = [float(r.get("height")) for r in root.iter(f"{SVG}rect")]
    assert len(heights) == 3  # zero values draw nothing
    assert heights[1] + heights[2] > heights[0]  # week 2 (3 visits) is taller than week 1's first stack


def test_a_line_chart_needs_at_least_one_value():
    assert charts.line([], title="t", desc="d") is None
    svg = charts.line([("1 mar", 100), ("1 abr", 130)], title="Unidades", desc="d", fmt=lambda v: f"{v} u")
    root = ET.fromstring(str(svg))  # noqa: S314 (our own output)
    assert len(list(root.iter(f"{SVG}circle"))) == 2
    assert "130 u" in str(svg)


def test_nice_top_rounds_up_to_1_2_or_5():
    assert [charts.nice_top(v) for v in (0, 1, 3, 7, 12, 180, 2_600_000)] == [1, 1, 5, 10, 20, 200, 5_000_000]
