"""The offline round trip in a real Chromium: a visit made with no network reaches the server exactly
once, whatever happens on the way (reloads, a closed page, lost answers, a 500, an expired session)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fieldwork.extensions import db
from fieldwork.models import Mipyme
from tests.browser.conftest import login_through_page, screenshot
from tests.browser.offline_helpers import (
    fill_visit,
    log_in_and_get_ready,
    network_fixture,  # noqa: F401  (fixture `network`: everything off and on)
    open_form,
    save_visit,
    server_fixture,  # noqa: F401  (fixture `server`: a live server that can be stopped)
    stored_visits,
    wait_until_all_sent,
)
from tests.builders import PASSWORD, make_mipyme, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def officer_and_mipyme(app):
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    mipyme = make_mipyme(officer, name="Calzado Vallenato", neighborhood="Villa Castro")
    return officer, mipyme


def test_visit_saved_offline_reaches_the_server_once_with_its_fields(server, network, context, page,
                                                                      officer_and_mipyme):
    officer, mipyme = officer_and_mipyme
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    response = open_form(page, server.url)
    assert response.from_service_worker  # the form came from the phone, not the network
    fill_visit(page, mipyme.id, notes="Hecha sin señal.")
    visit_id = save_visit(page)
    assert "guardada en el teléfono" in page.locator("[data-form-notice]").inner_text()
    page.wait_for_selector("[data-syncbar][data-pending='1']")
    assert "Sin conexión" in page.locator("[data-sync-net]").inner_text()
    screenshot(page, "offline-form-saved-phone")

    # Reload, then close the page and open a new one: the visit is still waiting, marked pending.
    page.reload()
    page.wait_for_selector("[data-syncbar][data-pending='1']")
    page.close()
    page = context.new_page()
    page.goto(server.url + "/visits/mine")
    page.wait_for_selector(f"[data-local-id='{visit_id}']")
    assert "Pendiente de envío" in page.locator(f"[data-local-id='{visit_id}']").inner_text()
    screenshot(page, "offline-mine-pending-phone")
    assert stored_visits() == []
    # The installed app starts at "/", which only redirects: offline it opens the agenda.
    page.goto(server.url + "/?source=pwa")
    assert page.locator("h1").inner_text() != "Sin conexión"
    page.goto(server.url + "/visits/mine")
    page.wait_for_selector(f"[data-local-id='{visit_id}']")

    network.on()
    wait_until_all_sent(page)
    page.wait_for_selector(f"[data-local-id='{visit_id}'] .local-sent")  # "Enviada a la oficina"
    visits = stored_visits()
    assert [v.id for v in visits] == [visit_id]
    visit = visits[0]
    assert (visit.mipyme_id, visit.officer_id) == (mipyme.id, officer.id)
    assert sorted(visit.topics) == ["comercializacion", "produccion"]
    assert (visit.production_units, visit.monthly_sales_cop, visit.employees) == (120, 4_500_000, 4)
    assert visit.notes == "Hecha sin señal." and visit.needs == "Capital de trabajo"
    # Sending again (the button) finds nothing to send and stores nothing new.
    page.click("[data-sync-now]")
    wait_until_all_sent(page)
    assert len(stored_visits()) == 1
    page.reload()
    assert page.locator(f"[data-visit-id='{visit_id}']").count() == 1


def test_lost_answers_are_replayed_without_a_duplicate(server, context, page, officer_and_mipyme):
    _, mipyme = officer_and_mipyme
    log_in_and_get_ready(page, server.url, "lucia")
    lost = []

    def lose_the_answer(route):
        route.fetch()  # the server stores the batch…
        lost.append(route.request.post_data_json["visits"][0]["id"])
        route.abort("connectionreset")  # …but the phone never hears back

    context.route("**/api/v1/visits/sync", lose_the_answer)
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    visit_id = save_visit(page)
    page.wait_for_selector("[data-syncbar][data-state=error]")
    assert lost[0] == visit_id and [v.id for v in stored_visits()] == [visit_id]
    assert page.locator("[data-syncbar]").get_attribute("data-pending") == "1"

    context.unroute_all(behavior="wait")  # let a replay in flight finish first
    page.click("[data-sync-now]")  # the replay answers "duplicate": the outbox empties, no second row
    wait_until_all_sent(page)
    assert [v.id for v in stored_visits()] == [visit_id]


def test_server_error_keeps_the_outbox_until_the_server_recovers(server, context, page, officer_and_mipyme):
    _, mipyme = officer_and_mipyme
    log_in_and_get_ready(page, server.url, "lucia")
    context.route("**/api/v1/visits/sync", lambda route: route.fulfill(status=500, body="boom"))
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    save_visit(page)
    page.wait_for_selector("[data-syncbar][data-state=error]")
    assert "error 500" in page.locator("[data-sync-error]").inner_text()
    assert page.locator("[data-syncbar]").get_attribute("data-pending") == "1"
    screenshot(page, "sync-error-phone")
    assert stored_visits() == []

    context.unroute_all(behavior="wait")  # let a replay in flight finish first
    page.click("[data-sync-now]")
    wait_until_all_sent(page)
    assert len(stored_visits()) == 1


def test_expired_session_loses_nothing_and_resumes_after_login(server, network, context, page, officer_and_mipyme):
    _, mipyme = officer_and_mipyme
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    visit_id = save_visit(page)
    context.clear_cookies()  # the session ran out while the officer was away
    network.on()
    # Waits for the message itself: the bar may still show the offline attempt's error for a moment.
    expect(page.locator("[data-sync-error]")).to_contain_text("Inicie sesión para sincronizar")
    assert page.locator("[data-syncbar]").get_attribute("data-state") == "error"
    assert page.locator("[data-syncbar]").get_attribute("data-pending") == "1"
    assert stored_visits() == []

    login_through_page(page, server.url, "lucia", PASSWORD)
    wait_until_all_sent(page)
    assert [v.id for v in stored_visits()] == [visit_id]


def test_rejected_visit_returns_to_the_drafts_with_its_error_beside_the_field(server, network, page,
                                                                              officer_and_mipyme):
    _, mipyme = officer_and_mipyme
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, mipyme.id, notes="Antes de la reasignación.")
    visit_id = save_visit(page)
    # Meanwhile the supervisor gives this Mipyme to another officer.
    other = make_user("officer")
    db.session.get(Mipyme, mipyme.id).officer_id = other.id
    db.session.commit()

    network.on()
    page.wait_for_selector("[data-syncbar][data-pending='0']")
    assert "1 rechazada por el servidor" in page.locator("[data-sync-counts]").inner_text()
    assert "Todo enviado" not in page.locator("[data-sync-counts]").inner_text()
    assert stored_visits() == []

    page.goto(server.url + "/visits/mine")
    card = page.locator(f"[data-local-id='{visit_id}']")
    assert "Rechazada por el servidor" in card.inner_text()
    # The Mipyme is no longer in this officer's list, yet the card and the form keep it, by name.
    assert mipyme.name in card.inner_text() and "Mipyme #" not in card.inner_text()
    card.get_by_role("link").click()
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    assert page.input_value("textarea[name=notes]") == "Antes de la reasignación."
    assert page.input_value("select[name=mipyme_id]") == str(mipyme.id)
    error = page.locator("#mipyme_id-error")
    assert error.is_visible() and error.inner_text()
    assert page.get_attribute("select[name=mipyme_id]", "aria-invalid") == "true"
    screenshot(page, "rejected-visit-phone")
