"""One visit the server cannot take never holds up the others (issue 16, item 12): a batch answered 500 is
tried a bounded number of times, then its visits go one at a time; the others arrive, the one the server
fails on stays on the phone, marked for the officer, and goes once the server can take it."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.offline_helpers import log_in_and_get_ready, stored_visits, wait_until_all_sent
from tests.browser.test_offline_sync_batches import QUEUE_VISITS
from tests.builders import make_mipyme, make_user

pytestmark = pytest.mark.browser

OUTBOX = "async (id) => (await import('/static/js/store.js')).listOutbox(id)"


def test_a_batch_the_server_fails_on_is_split_and_the_poisoned_visit_kept(live_server, context, page):
    officer = make_user("officer", username="lucia")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    log_in_and_get_ready(page, live_server.url, "lucia")
    ids = page.evaluate(QUEUE_VISITS, [str(officer.id), mipyme.id, 3])
    poisoned = ids[1]
    batches = []

    def answer(route):
        sent = [v["id"] for v in route.request.post_data_json["visits"]]
        batches.append(sent)
        if poisoned in sent:  # as a regex() in one answer made the whole batch answer 500
            route.fulfill(status=500, content_type="application/json", body='{"error": "Internal Server Error"}')
        else:
            route.continue_()

    context.route("**/api/v1/visits/sync", answer)
    page.click("[data-sync-now]")
    page.wait_for_function("() => !!document.querySelector('[data-syncbar][data-pending=\"1\"]')", timeout=30_000)
    assert sorted(v.id for v in stored_visits()) == sorted([ids[0], ids[2]])
    assert [len(b) for b in batches if poisoned in b and len(b) > 1] == [3, 3, 3]  # bounded, then one at a time
    [kept] = page.evaluate(OUTBOX, str(officer.id))
    assert kept["id"] == poisoned and kept["stuck"] is True
    assert "El servidor no pudo recibir 1 visita; las demás se enviaron." in page.inner_text("[data-sync-error]")

    page.goto(live_server.url + "/visits/mine")
    card = page.locator(f"[data-local-id='{poisoned}']")
    card.wait_for()
    assert "El servidor no pudo recibirla" in card.inner_text()
    assert "El servidor no pudo recibir esta visita (error 500)." in card.inner_text()
    screenshot(page, "mine-visit-the-server-could-not-take-phone")

    context.unroute("**/api/v1/visits/sync")  # the server is fixed: the kept visit goes
    page.click("[data-sync-now]")
    wait_until_all_sent(page)
    assert sorted(v.id for v in stored_visits()) == sorted(ids)
