"""A draft belongs to the Mipyme it was started for (issue 16, item 7): "Nueva visita" opens a blank visit
and offers the waiting drafts by name; choosing another Mipyme in a draft with content starts that
Mipyme's visit and keeps the draft where it was, unless the officer says the draft was for the wrong
business. Online and on the cached form offline alike."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.offline_helpers import (
    log_in_and_get_ready,
    network_fixture,  # noqa: F401  (fixture `network`)
    server_fixture,  # noqa: F401  (fixture `server`)
)
from tests.builders import make_mipyme, make_user

pytestmark = pytest.mark.browser

LIST_DRAFTS = "(officer) => import('/static/js/store.js').then((s) => s.listDrafts(officer))"


@pytest.fixture
def shops(app):
    """Lucía and three of her Mipymes: (officer, calzado, panaderia, tienda)."""
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    return (officer, make_mipyme(officer, name="Calzado Vallenato", neighborhood="Villa Castro"),
            make_mipyme(officer, name="Panadería La 14", neighborhood="Centro"),
            make_mipyme(officer, name="Tienda Doña Rosa", neighborhood="Cañaguate"))


def ready(page):
    page.wait_for_selector("form[data-visit-form][data-ready=true]")


def half_fill(page, base_url, mipyme_id, notes, topic):
    page.goto(f"{base_url}/visits/new?mipyme_id={mipyme_id}")
    ready(page)
    page.check(f"input[name=topics][value={topic}]")
    page.fill("input[name=monthly_sales_cop]", "4500000")
    page.fill("textarea[name=notes]", notes)
    page.locator("[data-draft-status]", has_text="Borrador guardado").wait_for()


def drafts_by_mipyme(page, officer):
    return {d["mipyme_id"]: (d["fields"]["notes"], d["fields"]["topics"], d["fields"]["monthly_sales_cop"])
            for d in page.evaluate(LIST_DRAFTS, str(officer.id))}


def new_visit_from_menu(page):
    page.click("nav.mainnav >> text=Nueva visita")
    ready(page)


def test_new_visit_is_blank_and_changing_the_mipyme_never_moves_a_draft(server, network, page, shops):
    officer, calzado, panaderia, tienda = shops
    log_in_and_get_ready(page, server.url, "lucia")
    half_fill(page, server.url, calzado.id, "Calzado a medias", "produccion")
    half_fill(page, server.url, panaderia.id, "Panadería a medias", "financiacion")
    both = {str(calzado.id): ("Calzado a medias", ["produccion"], "4.500.000"),
            str(panaderia.id): ("Panadería a medias", ["financiacion"], "4.500.000")}

    new_visit_from_menu(page)
    assert page.input_value("select[name=mipyme_id]") == ""
    assert page.input_value("textarea[name=notes]") == ""
    offer = page.locator("[data-other-drafts]")
    assert re.search(r"Panadería La 14 \(hoy \d\d:\d\d\).*Calzado Vallenato \(hoy \d\d:\d\d\)", offer.inner_text())
    screenshot(page, "new-visit-offers-drafts-phone")

    offer.locator("a", has_text="Calzado Vallenato").click()
    ready(page)
    assert page.input_value("textarea[name=notes]") == "Calzado a medias"
    page.select_option("select[name=mipyme_id]", str(tienda.id))  # the officer goes on to another shop
    page.locator("[data-move-draft]").wait_for()
    assert page.input_value("select[name=mipyme_id]") == str(tienda.id)
    assert page.input_value("textarea[name=notes]") == ""
    assert not page.is_checked("input[name=topics][value=produccion]")
    assert "Calzado Vallenato" in page.locator("[data-form-notice]").inner_text()
    assert drafts_by_mipyme(page, officer) == both  # Calzado's draft is where it was
    screenshot(page, "draft-kept-offer-move-phone")

    network.off()  # the same on the cached form, with no network
    new_visit_from_menu(page)
    assert page.input_value("textarea[name=notes]") == ""
    page.locator("[data-other-drafts] a", has_text="Panadería La 14").click()
    ready(page)
    page.select_option("select[name=mipyme_id]", str(calzado.id))  # Calzado has its own draft: it opens
    expect(page.locator("textarea[name=notes]")).to_have_value("Calzado a medias")
    assert drafts_by_mipyme(page, officer) == both

    page.select_option("select[name=mipyme_id]", str(tienda.id))
    move = page.locator("[data-move-draft] button")
    assert move.inner_text() == "Este borrador era para otro negocio: moverlo a Tienda Doña Rosa"
    move.click()  # the officer says so: now, and only now, the answers go to Tienda
    page.locator("[data-form-notice]", has_text="ahora es de Tienda Doña Rosa").wait_for()
    assert page.input_value("textarea[name=notes]") == "Calzado a medias"
    assert page.input_value("select[name=mipyme_id]") == str(tienda.id)
    assert drafts_by_mipyme(page, officer) == {
        str(panaderia.id): ("Panadería a medias", ["financiacion"], "4.500.000"),
        str(tienda.id): ("Calzado a medias", ["produccion"], "4.500.000"),
    }
    page.set_viewport_size({"width": 1280, "height": 800})
    new_visit_from_menu(page)
    assert "Tienda Doña Rosa" in page.locator("[data-other-drafts]").inner_text()
    screenshot(page, "new-visit-offers-drafts-laptop")
    network.on()
