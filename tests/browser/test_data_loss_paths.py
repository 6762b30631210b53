"""The offline app's data-loss paths, each tried in Chromium: an answer for old content never deletes
newer content queued under the same id; a photo still being prepared goes with the visit it was taken
for; photos answered with a transient 4xx are retried, and the ones the server will never take are
shown to the officer, who chooses; a tab whose database is upgraded by another closes it and says so."""
from __future__ import annotations

import time

import pytest
from PIL import Image

from fieldwork.extensions import db
from fieldwork.models import Visit
from tests.browser.conftest import screenshot
from tests.browser.offline_helpers import (
    fill_visit,
    log_in_and_get_ready,
    open_form,
    save_visit,
    server_fixture,  # noqa: F401  (fixture `server`)
    stored_photos,
    wait_until_all_sent,
)
from tests.builders import make_mipyme, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def mipyme(app):
    return make_mipyme(make_user("officer", username="lucia", name="Lucía Ramos"), name="Calzado Vallenato")


@pytest.fixture
def picture(tmp_path):
    path = tmp_path / "taller.jpg"
    Image.new("RGB", (800, 600), (180, 120, 60)).save(path, "JPEG")
    return str(path)


EDIT_WHILE_SENDING = """async ([officerId, mipymeId]) => {
  const store = await import('/static/js/store.js');
  const data = await import('/static/js/visit-data.js');
  const sync = await import('/static/js/sync.js');
  const id = store.newId();
  const fields = { ...data.emptyFields(new Date(Date.now() - 3600000)), mipyme_id: String(mipymeId),
                   topics: ['produccion'], notes: 'Primera versión' };
  const realFetch = window.fetch;
  let edited = false;
  window.fetch = async (url, options) => {
    const response = await realFetch(url, options);
    if (String(url).includes('/visits/sync') && !edited) {
      edited = true; // the officer corrects the visit while its first version is on its way
      await store.queueVisit({ id, officer_id: officerId },
                             data.fieldsToPayload(id, 2, { ...fields, notes: 'Corregida' }));
    }
    return response;
  };
  await store.queueVisit({ id, officer_id: officerId }, data.fieldsToPayload(id, 1, fields));
  await sync.syncNow(officerId, { force: true });
  const waiting = (await store.listOutbox(officerId)).map((r) => r.visit.notes);
  await sync.syncNow(officerId, { force: true });
  return { id, waiting, left: (await store.listOutbox(officerId)).length };
}"""


def test_answer_for_the_first_version_keeps_the_correction_queued_meanwhile(server, page, mipyme):
    log_in_and_get_ready(page, server.url, "lucia")
    wait_until_all_sent(page)
    result = page.evaluate(EDIT_WHILE_SENDING, [str(mipyme.officer_id), mipyme.id])
    assert result["waiting"] == ["Corregida"]  # the answer for "Primera versión" did not delete it
    assert result["left"] == 0
    db.session.rollback()
    visit = db.session.get(Visit, result["id"])
    assert (visit.notes, visit.revision) == ("Corregida", 2)


HOLD_PHOTOS = """() => {
  // The phone is slow to prepare a photo: hold it until the test lets it go.
  const real = window.createImageBitmap.bind(window);
  window.releasePhoto = null;
  const gate = new Promise((resolve) => { window.releasePhoto = resolve; });
  window.createImageBitmap = (...args) => gate.then(() => real(...args));
}"""


def test_photo_still_being_prepared_goes_with_the_visit_it_was_taken_for(server, page, mipyme, picture):
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    page.evaluate(HOLD_PHOTOS)
    fill_visit(page, mipyme.id)
    page.set_input_files("input[data-photo-input]", picture)
    page.wait_for_selector("form[data-photos-in-progress='1']")
    page.click("button[type=submit]")
    page.evaluate("window.releasePhoto()")
    page.wait_for_selector("form[data-last-queued]")
    visit_id = page.get_attribute("form[data-visit-form]", "data-last-queued")
    wait_until_all_sent(page)
    photos = stored_photos()
    assert [p.visit_id for p in photos] == [visit_id]
    assert page.locator("[data-photo-list]").get_attribute("data-count") == "0"  # the next visit starts bare


def fake_photo_answers(page, answers):
    """The next photo uploads get `answers` ([(status, body)]) instead of reaching the server."""
    page.evaluate("""(answers) => {
      const realFetch = window.fetch;
      window.fetch = async (url, options) => {
        if (String(url).includes('/photos') && options?.method === 'POST' && answers.length) {
          const [status, body] = answers.shift();
          return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
        }
        return realFetch(url, options);
      };
    }""", answers)


def save_visit_with_photo(page, server, mipyme, picture):
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    page.set_input_files("input[data-photo-input]", picture)
    page.wait_for_selector("[data-photo-list][data-count='1'] img")


SYNC = """() => import('/static/js/sync.js')
  .then((m) => m.syncNow(document.querySelector('meta[name=fieldwork-user]').content, { force: true }))"""


@pytest.mark.parametrize("answer", [
    (400, {"error": "La sesión del formulario expiró o falta el token CSRF. Recargue e intente de nuevo."}),
    (401, {"error": "Inicie sesión."}),
    (403, {"error": "Prohibido."}),
], ids=["csrf-400", "401", "403"])
def test_photo_answered_with_a_transient_4xx_is_sent_again(server, page, mipyme, picture, answer):
    log_in_and_get_ready(page, server.url, "lucia")
    save_visit_with_photo(page, server, mipyme, picture)
    fake_photo_answers(page, [list(answer)])
    save_visit(page)
    page.locator("[data-sync-counts]", has_text="1 foto por enviar").wait_for()
    page.evaluate(SYNC)  # the next attempt, which the back-off would make by itself
    wait_until_all_sent(page)
    assert len(stored_photos()) == 1


def test_photo_the_server_will_never_take_is_shown_with_its_reason_and_the_officers_choice(server, page, mipyme,
                                                                                            picture):
    log_in_and_get_ready(page, server.url, "lucia")
    save_visit_with_photo(page, server, mipyme, picture)
    fake_photo_answers(page, [[413, {"errors": {"file": ["La foto pesa más de 10 MB."]}}]] * 2)
    save_visit(page)
    refused = page.locator("[data-refused-photos]")
    refused.locator("[data-refused-photo]").wait_for()
    assert "La foto pesa más de 10 MB." in refused.inner_text()
    screenshot(page, "visit-form-refused-photo-phone")
    wait_until_all_sent(page)  # a refused photo is not "por enviar": it waits for the officer
    assert "foto por enviar" not in page.locator("[data-sync-counts]").inner_text()

    page.get_by_role("button", name="Reintentar envío").click()  # refused again (the second fake answer)
    refused.locator("[data-refused-photo]").wait_for()
    page.get_by_role("button", name="Reintentar envío").click()  # now the server takes it
    refused.wait_for(state="hidden")
    # The bar was already idle with nothing pending (a refused photo is not "por enviar"), so it cannot say
    # when this upload lands: ask the server, for as long as the page waits for anything.
    deadline = time.monotonic() + 15
    while not stored_photos() and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    wait_until_all_sent(page)
    assert len(stored_photos()) == 1


def test_officer_may_discard_a_refused_photo(server, page, mipyme, picture):
    log_in_and_get_ready(page, server.url, "lucia")
    save_visit_with_photo(page, server, mipyme, picture)
    fake_photo_answers(page, [[415, {"errors": {"file": ["El archivo no es una imagen JPEG, PNG o WebP válida."]}}]])
    save_visit(page)
    page.locator("[data-refused-photo]").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Descartar foto").click()
    page.locator("[data-refused-photos]").wait_for(state="hidden")
    left = page.evaluate("() => import('/static/js/store.js').then((s) => s.counts("
                         "document.querySelector('meta[name=fieldwork-user]').content))")
    assert (left["photos"], left["refusedPhotos"]) == (0, 0)
    assert stored_photos() == []


UPGRADE_ELSEWHERE = """() => new Promise((resolve) => {
  const request = indexedDB.open('fieldwork', 99);
  request.onupgradeneeded = () => request.result.createObjectStore('added_by_a_newer_version');
  request.onblocked = () => resolve('blocked');
  request.onsuccess = () => { request.result.close(); resolve('upgraded'); };
  request.onerror = () => resolve(String(request.error));
})"""


def test_tab_closes_its_database_when_another_upgrades_it_and_asks_for_a_reload(server, context, page, mipyme):
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    page.fill("textarea[name=notes]", "Escrito antes de la actualización")
    page.wait_for_selector("form[data-draft-saved]")

    newer = context.new_page()
    newer.goto(server.url + "/offline", wait_until="domcontentloaded")
    assert newer.evaluate(UPGRADE_ELSEWHERE) == "upgraded"  # the old tab did not block it
    notice = page.locator("[data-storage-notice=outdated]")
    notice.wait_for()
    assert "Recargue esta página" in notice.inner_text()
    assert notice.get_by_role("button", name="Recargar").is_visible()
    screenshot(page, "visit-form-outdated-tab-phone")
    page.fill("textarea[name=notes]", "Escrito después")  # no silent failure: the form says it could not save
    page.locator("[data-form-notice]", has_text="No se pudo guardar en el teléfono").wait_for()
