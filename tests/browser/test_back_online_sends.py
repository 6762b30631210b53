"""Back online means sent (issue 16, item 17): after a long back-off built up with no server, the return of
the network starts the back-off over and sends the outbox within seconds, with no page opened, even when
the first try after reconnecting still finds no server; and the sync bar never says "En línea" beside
"No hay conexión con el servidor"."""
from __future__ import annotations

import time

import pytest

from tests.browser.conftest import screenshot
from tests.browser.offline_helpers import (
    fill_visit,
    log_in_and_get_ready,
    open_form,
    save_visit,
    server_fixture,  # noqa: F401  (fixture `server`)
    stored_visits,
    wait_until_all_sent,
)
from tests.builders import make_mipyme, make_user

pytestmark = pytest.mark.browser

SYNC_STATE = "async (id) => (await import('/static/js/sync.js')).syncState(id)"
# Every state the bar goes through, as the officer would read it at that moment.
WATCH_BAR = """() => {
  window.barStates = [];
  const bar = document.querySelector('[data-syncbar]');
  const note = () => {
    const error = bar.querySelector('[data-sync-error]');
    window.barStates.push([bar.querySelector('[data-sync-net]').textContent, error.hidden ? '' : error.textContent]);
  };
  new MutationObserver(note).observe(bar, { subtree: true, childList: true, characterData: true, attributes: true });
  window.notNavigated = true;
}"""


def test_the_outbox_goes_within_seconds_of_the_network_coming_back(server, context, page):
    officer = make_user("officer", username="lucia")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    page.evaluate(WATCH_BAR)

    server.stop()  # the phone has signal, the server does not answer: failures pile up
    fill_visit(page, mipyme.id)
    save_visit(page)
    for _ in range(5):
        page.click("[data-sync-now]")
        page.wait_for_selector("[data-sync-now]:enabled")
    failures = page.evaluate(SYNC_STATE, str(officer.id))["failures"]
    assert failures >= 5  # the next automatic try is a minute or more away

    context.set_offline(True)
    page.wait_for_selector("[data-sync-net]:has-text('Sin conexión')")
    screenshot(page, "syncbar-offline-phone")
    context.set_offline(False)  # signal again, but the first try still finds no server
    page.locator("[data-sync-net]", has_text="Reconectando…").wait_for(timeout=5000)
    screenshot(page, "syncbar-reconnecting-phone")
    server.start()
    started = time.perf_counter()
    wait_until_all_sent(page)
    assert time.perf_counter() - started < 8
    assert [v.notes for v in stored_visits()] == ["Taller ordenado, buena producción."]
    assert page.evaluate("window.notNavigated") is True  # sent by the page as it was, nothing reopened
    contradictions = [s for s in page.evaluate("window.barStates")
                      if s[0] == "En línea" and "No hay conexión" in s[1]]
    assert contradictions == []
    assert page.locator("[data-sync-net]").inner_text() == "En línea"
    screenshot(page, "syncbar-back-online-sent-phone")
