"""The bar charts' x-axis labels never overlap, on a phone (390 px) or a laptop (1280 px): measured in
Chromium, as drawn, for the dashboard's weekly chart and the programme's choice charts (long labels)."""
from __future__ import annotations

import pytest

from fieldwork.web import charts
from tests.browser.conftest import screenshot

WEEKS = ["14 sept", "21 sept", "28 sept", "5 oct", "12 oct", "19 oct", "26 oct", "2 nov", "9 nov", "16 nov",
         "23 nov", "30 nov"]
CHANNELS = ["Local propio", "Puerta a puerta", "Ferias y mercados", "Tiendas de terceros", "WhatsApp",
            "Redes sociales", "Tienda en línea"]
MANY_LONG = [f"Opción número {i} con una descripción bastante larga" for i in range(1, 21)]

#: Each drawn <text> as the four corners of its box on screen (rotation included).
CORNERS = """svg => [...svg.querySelectorAll('text')].map(t => {
  const b = t.getBBox(), m = t.getScreenCTM();
  return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
    .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
})"""


def _overlap(a: list[list[float]], b: list[list[float]]) -> bool:
    """Separating-axis test of two convex quadrilaterals (touching by less than half a pixel is apart)."""
    for poly in (a, b):
        for i in range(4):
            (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % 4]
            axis = (y1 - y2, x2 - x1)
            pa = [axis[0] * x + axis[1] * y for x, y in a]
            pb = [axis[0] * x + axis[1] * y for x, y in b]
            length = (axis[0] ** 2 + axis[1] ** 2) ** 0.5 or 1
            if min(pa) >= max(pb) - 0.5 * length or min(pb) >= max(pa) - 0.5 * length:
                return False
    return True


def _drawn(page, svg: str) -> tuple[list, dict]:
    page.set_content(f'<html><body style="margin:8px;font-family:system-ui,sans-serif">'
                     f'<div style="width:100%">{svg}</div></body></html>')
    page.add_style_tag(content=".chart { display: block; width: 100%; height: auto; }")
    chart = page.locator("svg.chart")
    return chart.evaluate(CORNERS), chart.bounding_box()


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}])
@pytest.mark.parametrize("labels", [WEEKS, CHANNELS, MANY_LONG, ["Sí", "No"]], ids=["weeks", "channels",
                                                                                      "twenty-long", "yes-no"])
def test_axis_labels_never_overlap_and_stay_inside_the_chart(page, viewport, labels):
    page.set_viewport_size(viewport)
    svg = charts.stacked_bars(labels, [charts.Series("Visitas", [3 + i % 5 for i in range(len(labels))])],
                              title="Visitas", desc="Barras")
    boxes, frame = _drawn(page, str(svg))
    overlapping = [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes)) if _overlap(boxes[i], boxes[j])]
    if overlapping:
        screenshot(page, f"chart-labels-{len(labels)}-{viewport['width']}")
    assert overlapping == []
    for corners in boxes:
        for x, y in corners:
            assert frame["x"] - 0.5 <= x <= frame["x"] + frame["width"] + 0.5
            assert frame["y"] - 0.5 <= y <= frame["y"] + frame["height"] + 0.5
    if len(labels) <= len(CHANNELS):  # a few choices: every one keeps its label
        assert len(boxes) == len(labels) + 3  # and the three gridline values
