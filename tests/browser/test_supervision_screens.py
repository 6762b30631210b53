"""The supervisor's pages and the officer's agenda in Chromium at phone and laptop size.

Checks that nothing overflows sideways and saves screenshots under test-artifacts/ for people to look at.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import PHONE, login_through_page, screenshot
from tests.builders import PASSWORD, make_mipyme, make_user, make_visit

BOGOTA = ZoneInfo("America/Bogota")
LAPTOP = {"width": 1280, "height": 800}
NAMES = ["Panadería La Esquina", "Artesanías Wayuu Kanas", "Confecciones Valle", "Tienda Doña Rosa",
         "Café El Cañaguate", "Hostal Sierra Nevada", "Quesos del Cesar", "Taller Mochilas Arhuacas"]


@pytest.fixture
def demo(app):
    rng = random.Random(7)  # noqa: S311 (screenshot data)
    now = datetime.now(BOGOTA)
    officers = [make_user("officer", username=f"oficial{i}", name=n)
                for i, n in enumerate(["Ana Núñez", "Luis Peña", "Marta Díaz"])]
    supervisor = make_user("supervisor", username="supervisora", name="Sara Supervisora")
    visits = []
    for i, name in enumerate(NAMES):
        mipyme = make_mipyme(officers[i % 3], name=name, neighborhood=f"Comuna {i % 4 + 1}", phone="3001234567",
                             sector=["alimentos", "artesanias", "confecciones", "comercio"][i % 4])
        for k in range(i % 5):
            visited = now - timedelta(days=7 * k + rng.randrange(0, 40) + (60 if i == 5 else 0))
            visits.append(make_visit(
                mipyme, visited_at=visited, production_units=100 + 15 * (4 - k) + rng.randrange(10),
                monthly_sales_cop=2_000_000 + 250_000 * (4 - k), employees=3 + (4 - k) // 2,
                follow_up_due=(visited.date() + timedelta(days=10)) if k == 0 else None,
                follow_up_reason="Revisar el inventario y la lista de precios" if k == 0 else None,
                notes="Taller ordenado; pide apoyo para comercializar en línea.", needs="Capital de trabajo",
                latitude=10.4631 + i / 1000, longitude=-73.2532, accuracy_m=15,
                owner_confirmation="disputed" if (i, k) == (3, 0) else rng.choice(["pending", "confirmed"]),
                owner_comment="La visita fue el martes, no el lunes." if (i, k) == (3, 0) else None,
            ))
    return {"officer": officers[0], "supervisor": supervisor, "visit": visits[-1], "mipyme_id": visits[-1].mipyme_id}


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("laptop", LAPTOP)])
def test_supervision_pages_fit_the_screen(browser, live_server, demo, size, viewport):
    context = browser.new_context(viewport=viewport, locale="es-CO", timezone_id="America/Bogota",
                                  service_workers="block")
    page = context.new_page()
    login_through_page(page, live_server.url, "supervisora", PASSWORD)
    pages = {
        "dashboard": "/supervision/",
        "mipyme": f"/supervision/mipymes/{demo['mipyme_id']}",
        "visit-log": "/supervision/visits",
        "visit": f"/supervision/visits/{demo['visit'].id}",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        _no_sideways_scroll(page)
        screenshot(page, f"supervision-{name}-{size}")
    context.close()

    context = browser.new_context(viewport=viewport, locale="es-CO", timezone_id="America/Bogota",
                                  service_workers="block")
    page = context.new_page()
    login_through_page(page, live_server.url, "oficial0", PASSWORD)
    page.goto(live_server.url + "/visits/")
    page.wait_for_load_state("networkidle")
    _no_sideways_scroll(page)
    screenshot(page, f"agenda-{size}")
    context.close()

