"""The officer's work on the phone: visits to correct, editing before sending, search, honest status."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from fieldwork.extensions import db
from fieldwork.models import Visit
from tests.browser.conftest import PHONE
from tests.browser.offline_helpers import (
    fill_visit,
    log_in_and_get_ready,
    network_fixture,  # noqa: F401  (fixture `network`)
    open_form,
    save_visit,
    server_fixture,  # noqa: F401  (fixture `server`)
    stored_visits,
    wait_until_all_sent,
)
from tests.builders import make_mipyme, make_user, make_visit

pytestmark = pytest.mark.browser
SHOTS = Path("/work/wt/shots/officer")


def shot(page, name):
    """The page at phone size, then at 1280×800, for people to look at (and back to the phone)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=str(SHOTS / f"{name}-laptop.png"), full_page=True)
    page.set_viewport_size(PHONE)


@pytest.fixture
def lucia(app):
    return make_user("officer", username="lucia", name="Lucía Ramos")


def counts_text(page):
    return page.locator("[data-sync-counts]").inner_text()


def test_home_starts_with_the_visit_to_correct_and_one_tap_corrects_it(server, page, lucia):
    bakery = make_mipyme(lucia, name="Panadería La 14")
    make_mipyme(lucia, name="Cerámica Atánquez")
    returned = make_visit(bakery, review_status="returned", review_comment="Falta el número de empleados.")
    log_in_and_get_ready(page, server.url, "lucia")
    page.goto(server.url + "/visits/")
    section = page.locator("[data-returned-list]")
    assert section.get_by_role("heading", level=2).inner_text() == "Por corregir (1)"
    assert "Falta el número de empleados." in section.inner_text()
    page.locator("[data-syncbar][data-to-correct='1']").wait_for()
    assert "1 por corregir" in counts_text(page) and "Todo enviado" not in counts_text(page)
    shot(page, "home-returned")

    section.get_by_role("button", name="Corregir visita").click()
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    assert page.locator("h1").inner_text() == "Corregir visita"
    assert "Falta el número de empleados." in page.locator("[data-form-notice]").inner_text()
    shot(page, "correct-visit-form")
    page.fill("input[name=employees]", "6")
    page.click("button[type=submit]")
    wait_until_all_sent(page)
    assert "por corregir" not in counts_text(page) and "Todo enviado" in counts_text(page)
    db.session.expire_all()
    visit = db.session.get(Visit, returned.id)
    assert (visit.revision, visit.employees, visit.review_status) == (2, 6, "submitted")


def test_visit_waiting_in_the_outbox_is_edited_before_it_is_sent(server, network, page, lucia):
    mipyme = make_mipyme(lucia, name="Calzado Vallenato")
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, mipyme.id, notes="Primera nota.")
    visit_id = save_visit(page)
    page.goto(server.url + "/visits/mine")
    card = page.locator(f"[data-local-id='{visit_id}']")
    assert "Pendiente de envío" in card.inner_text()
    assert re.fullmatch(r"\d{1,2} \w{3} \d{4}, \d{2}:\d{2}", card.locator(".muted").first.inner_text())
    card.get_by_role("link", name="Editar antes de enviar").click()
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    assert page.locator("h1").inner_text() == "Editar visita pendiente de envío"
    assert page.input_value("textarea[name=notes]") == "Primera nota."
    assert page.input_value("select[name=mipyme_id]") == str(mipyme.id)
    page.fill("textarea[name=notes]", "Nota corregida antes de enviar.")
    assert save_visit(page) == visit_id

    network.on()
    wait_until_all_sent(page)
    [visit] = stored_visits()
    assert (visit.id, visit.notes, visit.revision) == (visit_id, "Nota corregida antes de enviar.", 1)


def test_search_in_my_visits_and_the_agenda_ignores_case_and_accents_offline(server, network, page, lucia):
    pottery = make_mipyme(lucia, name="Cerámica Atánquez", neighborhood="Los Mayales")
    shoes = make_mipyme(lucia, name="Calzado Vallenato")
    make_visit(pottery, notes="Horno nuevo")
    make_visit(shoes, notes="Pidió crédito")
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, shoes.id)
    save_visit(page)

    page.goto(server.url + "/visits/mine")
    page.wait_for_selector("[data-local-visits][data-ready=true]")
    page.fill("#list-search", "CERAMICA atanquez")
    visible = page.locator("[data-search-item]:visible")
    assert visible.count() == 1 and "Cerámica Atánquez" in visible.inner_text()
    assert page.locator("[data-search-count]").inner_text() == "1 de 3"
    shot(page, "my-visits-search")
    page.fill("#list-search", "vallenato")
    assert page.locator("[data-search-item]:visible").count() == 2  # the sent one and the one on the phone

    page.goto(server.url + "/visits/")
    page.fill("#list-search", "mayales")
    cards = page.locator("[data-search-item]:visible")
    assert cards.count() == 1 and "Cerámica Atánquez" in cards.inner_text()


def test_status_is_honest_about_drafts_photos_and_the_network(server, network, page, lucia):
    mipyme = make_mipyme(lucia, name="Calzado Vallenato")
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    page.fill("textarea[name=notes]", "Sin terminar")
    page.wait_for_selector("form[data-draft-saved]")
    page.goto(server.url + "/visits/")
    page.locator("[data-sync-counts]", has_text="1 borrador sin terminar").wait_for()
    assert counts_text(page) == "Todo enviado · 1 borrador sin terminar"

    network.off()
    page.click("[data-sync-now]")
    page.locator("[data-sync-error]", has_text="Sin conexión: ahora no se puede enviar.").wait_for()
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    save_visit(page)
    page.locator("[data-sync-counts]", has_text="1 pendiente").wait_for()
    assert "Todo enviado" not in counts_text(page)


def test_logout_offline_ends_on_the_apps_page_and_the_session_ends_when_back_online(server, network, page, lucia):
    make_mipyme(lucia, name="Calzado Vallenato")
    log_in_and_get_ready(page, server.url, "lucia")
    page.goto(server.url + "/visits/")
    network.off()
    with page.expect_navigation(url="**/offline?logout=1"):
        page.click("form[data-logout-form] button[type=submit]")
    assert page.locator("h1").inner_text() == "Sin conexión"
    assert page.locator("[data-logout-note]").is_visible()
    assert "Calzado Vallenato" not in page.content()
    page.goto(server.url + "/visits/mine")  # the pages are gone from the phone
    assert "Calzado Vallenato" not in page.content()

    network.on()
    page.goto(server.url + "/visits/")
    page.wait_for_url("**/login")
    assert page.request.get(server.url + "/api/v1/session").status == 401
    # Her next login is not ended by that old request.
    log_in_and_get_ready(page, server.url, "lucia")
    page.goto(server.url + "/visits/mine")
    assert page.url.endswith("/visits/mine")
    assert page.request.get(server.url + "/api/v1/session").status == 200


def test_focus_is_never_hidden_behind_the_sticky_save_bar_and_actions_are_48px(server, page, lucia):
    make_mipyme(lucia)
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    page.evaluate("window.scrollTo(0, 0)")
    page.focus("select[name=mipyme_id]")
    hidden = []
    for _ in range(25):
        page.keyboard.press("Tab")
        covered = page.evaluate("""() => {
          const el = document.activeElement, bar = document.querySelector('.sticky-actions');
          if (!el || bar.contains(el) || !el.closest('form')) return null;
          const r = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
          return r.bottom > b.top + 1 ? (el.name || el.id || el.tagName) : null;
        }""")
        if covered:
            hidden.append(covered)
    assert hidden == []
    heights = page.evaluate("""[...document.querySelectorAll('.button, [data-sync-now]')]
      .filter((b) => b.offsetParent).map((b) => [b.textContent.trim(), b.getBoundingClientRect().height])""")
    assert heights and all(h >= 48 for _, h in heights), heights


def test_a_correction_saved_offline_is_what_opens_again_never_the_old_copy(server, network, page, lucia):
    bakery = make_mipyme(lucia, name="Panadería La 14")
    returned = make_visit(bakery, review_status="returned", review_comment="Falta el número de empleados.",
                          employees=None)
    log_in_and_get_ready(page, server.url, "lucia")
    page.goto(server.url + "/visits/")
    network.off()
    page.get_by_role("button", name="Corregir visita").click()
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    page.fill("input[name=employees]", "6")
    assert save_visit(page) == returned.id

    page.goto(server.url + "/visits/")  # the cached home still lists it as returned
    card = page.locator(f"[data-returned-visit='{returned.id}']")
    card.locator("[data-correction-state]", has_text="Corrección guardada en el teléfono").wait_for()
    card.get_by_role("button", name="Corregir visita").click()
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    assert page.input_value("input[name=employees]") == "6"  # the correction, not the office's old copy
    page.fill("textarea[name=notes]", "Y una nota")
    save_visit(page)

    network.on()
    wait_until_all_sent(page)
    db.session.expire_all()
    visit = db.session.get(Visit, returned.id)
    assert (visit.revision, visit.employees, visit.notes, visit.review_status) == (2, 6, "Y una nota", "submitted")
