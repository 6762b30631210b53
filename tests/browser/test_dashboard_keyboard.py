"""The dashboard's scrolling chart and table are reachable and scrollable by keyboard (axe's rule
`scrollable-region-focusable`, checked as axe does it: every region that scrolls is focusable or
holds something focusable, and has a name) (issue 11, item 8)."""
from __future__ import annotations

import pytest

from tests.browser.conftest import LAPTOP, login_through_page, screenshot
from tests.builders import PASSWORD, make_mipyme, make_user, make_visit

pytestmark = pytest.mark.browser

UNREACHABLE_SCROLL_REGIONS = """() => [...document.querySelectorAll('main *')].filter((el) => {
  const style = getComputedStyle(el);
  const scrolls = (/(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth)
    || (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight);
  if (!scrolls) return false;
  const focusable = el.tabIndex >= 0 || el.querySelector('a[href], button, input, select, textarea, [tabindex]');
  const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
  return !(focusable && named);
}).map((el) => el.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize("viewport", ["phone", "laptop"])
def test_every_scrolling_region_of_the_dashboard_is_reachable_by_keyboard(live_server, context, page, viewport):
    officer = make_user("officer", username="olga", name="Olga Pérez")
    make_visit(make_mipyme(officer, name="Cerámica Atánquez"), officer)
    make_user("supervisor", username="sofia")
    if viewport == "laptop":
        page.set_viewport_size(LAPTOP)
    login_through_page(page, live_server.url, "sofia", PASSWORD)
    page.goto(live_server.url + "/supervision/")
    assert page.evaluate(UNREACHABLE_SCROLL_REGIONS) == []
    screenshot(page, f"dashboard-keyboard-{viewport}")


def test_the_weekly_chart_scrolls_with_the_arrow_keys_on_a_phone(live_server, page):
    make_user("supervisor", username="sofia")
    login_through_page(page, live_server.url, "sofia", PASSWORD)
    page.goto(live_server.url + "/supervision/")
    chart = page.locator("figure.chart-box")
    chart.focus()
    assert page.evaluate("() => document.activeElement.classList.contains('chart-box')")
    assert chart.evaluate("(el) => el.scrollWidth > el.clientWidth")  # it does scroll at 390 px
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('figure.chart-box').scrollLeft > 0")
