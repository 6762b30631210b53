"""The results report printed from Chromium, as the director prints it for the mayor: A4 pages, without
the menus, filters or download links, the per-Mipyme table as a table with its column headings."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.browser.conftest import login_through_page
from tests.builders import PASSWORD, make_mipyme, make_user, make_visit


def test_the_report_prints_on_a4_without_the_page_controls(app, browser, live_server):
    officer = make_user("officer", name="Ana Núñez")
    make_user("supervisor", username="supervisora")
    now = datetime.now(UTC)
    for n in range(3):
        mipyme = make_mipyme(officer, name=f"Panadería {n}")
        make_visit(mipyme, visited_at=now - timedelta(days=40), monthly_sales_cop=1_000_000, employees=2)
        make_visit(mipyme, visited_at=now - timedelta(days=3), monthly_sales_cop=1_200_000 + n, employees=3)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-CO",
                                  timezone_id="America/Bogota", service_workers="block")
    page = context.new_page()
    login_through_page(page, live_server.url, "supervisora", PASSWORD)
    page.goto(live_server.url + "/supervision/results")
    assert page.locator(".topbar").is_visible() and page.locator(".results-downloads").is_visible()

    page.emulate_media(media="print")
    for hidden in (".topbar", ".results-filter-box", ".results-downloads", ".footer"):
        assert not page.locator(hidden).is_visible(), hidden
    assert page.get_by_role("heading", name="Resultados del programa").is_visible()
    assert page.locator(".results-table thead th").first.is_visible()  # a table, not the phone's cards

    pdf = page.pdf(format="A4")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) >= 2  # the headline, the indicators and the table on pages of their own
    assert all(abs(float(w) - 595.9) < 1 and abs(float(h) - 842.9) < 1 for w, h in boxes)  # A4 in points
    context.close()
