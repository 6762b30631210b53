"""What the officer is told about the phone's storage (issue 16, item 19): one line, not a screen; said once,
and again only when the situation changes; closed with ×."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.offline_helpers import (  # noqa: F401  (fixture `server`)
    STORE_V2_STORES,
    log_in_and_get_ready,
    server_fixture,
)
from tests.builders import make_mipyme, make_user

pytestmark = pytest.mark.browser

# The browser's answers, as a test sets them (window.fakeStorage survives only this page: see set_used).
FAKE_STORAGE = """(() => {
  const used = Number(localStorage.getItem('fake-used') || '1');
  navigator.storage.persisted = async () => false;
  navigator.storage.persist = async () => false;
  navigator.storage.estimate = async () => ({ usage: used, quota: 100 });
})()"""

NOTICE_FETCHED = "performance.getEntriesByType('resource').some((e) => e.name.includes('/storage-notice.'))"


@pytest.fixture
def officer(app):
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    make_mipyme(officer, name="Calzado Vallenato")
    return officer


def open_page(page, url):
    page.goto(url)
    page.wait_for_selector("html[data-storage-persistent]")
    page.wait_for_timeout(300)  # the notice, if any, follows the browser's answer


def test_the_storage_notice_is_one_line_said_once_and_again_when_the_phone_fills_up(server, context, page, officer):
    context.add_init_script(FAKE_STORAGE)
    log_in_and_get_ready(page, server.url, "lucia")  # the agenda opens: the notice is there
    assert page.url == server.url + "/visits/"
    notice = page.locator("[data-storage-notice=not_persistent]")
    assert notice.inner_text().startswith("El navegador puede borrar sus datos.")
    assert notice.locator("summary").bounding_box()["height"] < 30  # one line at 390 px, not a screen
    assert "Safari" not in notice.inner_text()
    screenshot(page, "storage-notice-one-line-phone")
    notice.locator("summary").click()  # the whole story, with where the backup is
    assert "descargue un respaldo en «Mis visitas»" in notice.inner_text()
    screenshot(page, "storage-notice-details-phone")

    for path in ("/visits/mine", "/visits/", "/visits/new"):  # said once: not on every page
        open_page(page, server.url + path)
        assert page.locator("[data-storage-notice]").count() == 0, path
        # Nothing to say: the notice's code is not even fetched (storage-notice.js comes only with a notice).
        assert not page.evaluate(NOTICE_FETCHED), path

    page.evaluate("localStorage.setItem('fake-used', '85')")  # the situation changes: said again
    open_page(page, server.url + "/visits/mine")
    full = page.locator("[data-storage-notice=full]")
    assert full.inner_text().startswith("Almacenamiento casi lleno (85 %).")
    assert full.locator("summary").bounding_box()["height"] < 30
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "storage-notice-full-laptop")
    full.get_by_role("button", name="Cerrar aviso").click()
    assert page.locator("[data-storage-notice]").count() == 0
    open_page(page, server.url + "/visits/")
    assert page.locator("[data-storage-notice]").count() == 0


# A tab of the previous version (store version 2, before the forms store) that keeps the database open and
# does not let go when asked: window.held.close() is that tab being closed.
HOLD_OLD_VERSION = """() => new Promise((resolve, reject) => {
  const removed = indexedDB.deleteDatabase('fieldwork');
  removed.onerror = () => reject(removed.error);
  removed.onsuccess = () => {
    const old = indexedDB.open('fieldwork', 2);
    old.onupgradeneeded = () => {
      const database = old.result;
      __STORE_V2_STORES__
    };
    old.onerror = () => reject(old.error);
    old.onsuccess = () => { window.held = old.result; resolve(old.result.version); };
  };
})""".replace("__STORE_V2_STORES__", STORE_V2_STORES)
# Nothing else to say about the storage on this phone, so the only notice is the one under test.
STORAGE_FINE = """navigator.storage.persisted = async () => true;
navigator.storage.estimate = async () => ({ usage: 1, quota: 100 });"""


def test_an_older_tab_holding_the_database_is_named_until_it_lets_go(server, context, page, officer):
    log_in_and_get_ready(page, server.url, "lucia")
    # A page with no script of ours: an officer page (even /offline) would open the store itself, and the
    # newer tab's request would wait behind that one, unannounced.
    page.goto(server.url + "/manifest.webmanifest")
    assert page.evaluate(HOLD_OLD_VERSION) == 2

    context.add_init_script(STORAGE_FINE)
    newer = context.new_page()
    newer.goto(server.url + "/visits/")  # this tab's code needs store version 3: it waits for the old tab
    blocked = newer.locator("[data-storage-notice=blocked]")
    blocked.wait_for()
    assert blocked.inner_text().startswith("Para terminar de actualizar Fieldwork, cierre o recargue sus otras")

    page.evaluate("window.held.close()")  # the old tab goes: the update finishes and the notice is gone
    blocked.wait_for(state="detached")
    assert newer.locator("[data-storage-notice]").count() == 0
    version = newer.evaluate("() => import('/static/js/store.js').then((s) => s.db()).then((d) => d.version)")
    assert version == 3
