"""The service worker's life cycle and the officer's sessions on a shared phone."""
from __future__ import annotations

import pytest

from tests.browser.conftest import login_through_page
from tests.browser.offline_helpers import (
    fill_visit,
    log_in_and_get_ready,
    open_form,
    save_visit,
    server_fixture,  # noqa: F401  (fixture `server`: a live server that can be stopped)
    stored_visits,
    wait_until_all_sent,
)
from tests.builders import PASSWORD, make_mipyme, make_user

pytestmark = pytest.mark.browser
SHELL_CACHES = "caches.keys().then(keys => keys.filter(k => k.startsWith('fieldwork-shell-')))"
ACTIVATED = """navigator.serviceWorker.ready.then((r) => new Promise((resolve) => {
  const worker = r.active;
  if (worker.state === 'activated') resolve();
  else worker.addEventListener('statechange', () => { if (worker.state === 'activated') resolve(); });
}))"""


def test_new_version_is_offered_and_replaces_the_old_cache(server, app, page):
    make_user("officer", username="lucia")
    log_in_and_get_ready(page, server.url, "lucia")
    [old_cache] = page.evaluate(SHELL_CACHES)
    # The worker installed from the login page may have activated while this page was loading, and then
    # never controls it; a new version would have nobody to wait behind and simply take over (no prompt
    # is due). Reopen the page, as an officer does the next day, so the worker serves it.
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    app.config["SHELL_VERSION_SALT"] = "next-release"  # as if a static file had changed
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    prompt = page.locator("[data-update-prompt]")
    prompt.wait_for()
    assert "Nueva versión disponible" in prompt.inner_text()
    # The old version keeps serving until the officer chooses.
    assert page.evaluate(SHELL_CACHES) != [] and old_cache in page.evaluate("caches.keys()")

    with page.expect_navigation():
        prompt.get_by_role("button", name="Actualizar").click()
    page.evaluate(ACTIVATED)  # the new worker's activate step (which deletes old caches) has finished
    [new_cache] = page.evaluate(SHELL_CACHES)
    assert new_cache != old_cache


def test_unsent_visits_survive_logout_and_are_never_sent_under_another_officer(server, context, page):
    lucia = make_user("officer", username="lucia")
    mario = make_user("officer", username="mario")
    make_mipyme(mario)
    mipyme = make_mipyme(lucia, name="Calzado Vallenato")
    log_in_and_get_ready(page, server.url, "lucia")
    context.route("**/api/v1/visits/sync", lambda route: route.abort("internetdisconnected"))
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    visit_id = save_visit(page)
    page.wait_for_selector("[data-syncbar][data-state=error]")

    warnings = []
    page.once("dialog", lambda dialog: (warnings.append(dialog.message), dialog.accept()))
    with page.expect_navigation(url="**/login"):
        page.click("form[data-logout-form] button[type=submit]")
    assert "1 visita sin enviar" in warnings[0]
    context.unroute_all(behavior="wait")  # let a replay in flight finish first

    # Another officer on the same phone: Lucía's visit stays put, unsent.
    log_in_and_get_ready(page, server.url, "mario")
    page.click("[data-sync-now]")
    page.wait_for_selector("[data-sync-now]:not([disabled])")
    assert page.locator("[data-syncbar]").get_attribute("data-pending") == "0"
    assert stored_visits() == []
    page.on("dialog", lambda dialog: warnings.append(dialog.message))
    with page.expect_navigation(url="**/login"):
        page.click("form[data-logout-form] button[type=submit]")
    assert len(warnings) == 1  # Mario had nothing unsent: no warning

    login_through_page(page, server.url, "lucia", PASSWORD)
    wait_until_all_sent(page)
    [visit] = stored_visits()
    assert (visit.id, visit.officer_id) == (visit_id, lucia.id)
