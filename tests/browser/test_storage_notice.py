"""What the officer is told about the phone's storage (issue 16, item 19): one line, not a screen; said once,
and again only when the situation changes; closed with ×."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.offline_helpers import log_in_and_get_ready, server_fixture  # noqa: F401  (fixture `server`)
from tests.builders import make_mipyme, make_user

pytestmark = pytest.mark.browser

# The browser's answers, as a test sets them (window.fakeStorage survives only this page: see set_used).
FAKE_STORAGE = """(() => {
  const used = Number(localStorage.getItem('fake-used') || '1');
  navigator.storage.persisted = async () => false;
  navigator.storage.persist = async () => false;
  navigator.storage.estimate = async () => ({ usage: used, quota: 100 });
})()"""


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
