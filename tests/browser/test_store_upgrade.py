"""A phone that updates from the old storage layout (store version 2, form definitions in a database of
their own) keeps its unsent visit and its photo, its draft and its cached form, offline too, and sends the
visit and the photo when the network returns; the old forms database is gone afterwards."""
from __future__ import annotations

import pytest
from PIL import Image

from fieldwork.extensions import db
from fieldwork.forms.services import publish_form, upload_form
from tests.browser.offline_helpers import (
    STORE_V2_STORES,
    fill_visit,
    log_in_and_get_ready,
    network_fixture,  # noqa: F401  (fixture `network`: everything off and on)
    open_form,
    save_visit,
    saved_after,
    server_fixture,  # noqa: F401  (fixture `server`: a live server that can be stopped)
    stored_photos,
    stored_visits,
    wait_until_all_sent,
)
from tests.builders import make_mipyme, make_user
from tests.forms.fixtures import programme_form

pytestmark = pytest.mark.browser

# Everything the phone keeps, read with IndexedDB itself (not through the code under test).
DUMP = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('fieldwork');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const database = open.result;
    const names = [...database.objectStoreNames];
    const tx = database.transaction(names, 'readonly');
    const dump = { version: database.version };
    for (const name of names) tx.objectStore(name).getAll().onsuccess = (e) => { dump[name] = e.target.result; };
    tx.oncomplete = () => {
      database.close();
      // A photo's bytes as a list of numbers, so they come out of the page and can go back in.
      dump.photos = dump.photos.map((photo) => ({ ...photo, data: [...new Uint8Array(photo.data)] }));
      resolve(dump);
    };
  };
})"""

# The layout of store version 2 and of the old "fieldwork-forms" database (version 1), filled with `dump`.
OLD_LAYOUT = """(dump) => new Promise((resolve, reject) => {
  const removed = indexedDB.deleteDatabase('fieldwork');
  removed.onerror = () => reject(removed.error);
  removed.onsuccess = () => {
    const store = indexedDB.open('fieldwork', 2);
    store.onupgradeneeded = () => {
      const database = store.result;
      __STORE_V2_STORES__
      for (const name of ['drafts', 'outbox', 'meta']) {
        for (const record of dump[name]) store.transaction.objectStore(name).put(record);
      }
      for (const photo of dump.photos) {
        store.transaction.objectStore('photos').put({ ...photo, data: new Uint8Array(photo.data).buffer });
      }
    };
    store.onerror = () => reject(store.error);
    store.onsuccess = () => {
      store.result.close();
      const forms = indexedDB.open('fieldwork-forms', 1);
      forms.onupgradeneeded = () => {
        const definitions = forms.result.createObjectStore('definitions', { keyPath: 'id' });
        for (const definition of dump.forms) definitions.put(definition);
      };
      forms.onerror = () => reject(forms.error);
      forms.onsuccess = () => { forms.result.close(); resolve(); };
    };
  };
})""".replace("__STORE_V2_STORES__", STORE_V2_STORES)

# Whether the old forms database still waits to be moved (the mark the version-3 upgrade sets).
LEGACY_MARK_GONE = """() => new Promise((resolve) => {
  const open = indexedDB.open('fieldwork');
  open.onsuccess = () => {
    const mark = open.result.transaction('meta').objectStore('meta').get('legacy_forms_pending');
    mark.onsuccess = () => { open.result.close(); resolve(mark.result === undefined); };
  };
})"""
LEGACY_CODE_FETCHED = "performance.getEntriesByType('resource').some((e) => e.name.includes('/store-legacy.'))"

DATABASES = "() => indexedDB.databases().then((all) => all.map((d) => `${d.name} ${d.version}`).sort())"


@pytest.fixture
def picture(tmp_path):
    path = tmp_path / "taller.jpg"
    Image.new("RGB", (800, 600), (180, 120, 60)).save(path, "JPEG")
    return str(path)


@pytest.fixture
def phone(app):
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    first = make_mipyme(officer, name="Calzado Vallenato")
    second = make_mipyme(officer, name="Panadería La Espiga")
    supervisor = make_user("supervisor", username="sara")
    version = publish_form(supervisor, upload_form(supervisor, programme_form(), "seguimiento.xlsx"))
    db.session.commit()
    return first, second, version


def test_phone_on_the_old_layout_keeps_its_visit_draft_and_form_after_updating(server, network, page, phone,
                                                                                picture):
    first, second, version = phone
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, first.id, notes="Visita que no alcanzó a salir")
    page.check("[name='answers.recibio_financiacion'][value=no]")
    page.set_input_files("input[data-photo-input]", picture)
    page.wait_for_selector("[data-photo-list][data-count='1'] img")
    visit_id = save_visit(page)
    page.select_option("select[name=mipyme_id]", str(second.id))
    saved_after(page, lambda: page.fill("textarea[name=notes]", "Borrador a medio escribir"))
    before = page.evaluate(DUMP)
    assert [v["id"] for v in before["outbox"]] == [visit_id] and before["forms"]
    assert [(p["visit_id"], p["state"]) for p in before["photos"]] == [(visit_id, "queued")]

    # The same records as the previous version of the app kept them.
    page.goto(server.url + "/offline", wait_until="domcontentloaded")
    page.evaluate(OLD_LAYOUT, before)
    assert page.evaluate(DATABASES) == ["fieldwork 2", "fieldwork-forms 1"]

    open_form(page, server.url)  # still offline: the updated code opens the old data
    page.wait_for_selector("[data-syncbar][data-pending='1']")
    kept = page.evaluate("(id) => import('/static/js/forms/definitions.js').then((m) => m.find(id))", version.id)
    assert kept["title"] == "Seguimiento Mipyme" and kept["questions"]  # the server is down: from the phone
    after = page.evaluate(DUMP)
    assert after["version"] == 3
    assert after["outbox"] == before["outbox"] and after["photos"] == before["photos"]
    drafts = {d["fields"]["notes"]: d for d in after["drafts"]}
    assert drafts["Borrador a medio escribir"]["fields"] == next(
        d["fields"] for d in before["drafts"] if d["fields"]["notes"] == "Borrador a medio escribir")
    assert [f["id"] for f in after["forms"]] == [version.id]
    page.wait_for_function("indexedDB.databases().then((all) => all.length === 1)")
    assert page.evaluate(DATABASES) == ["fieldwork 3"]  # the old forms database was moved, then deleted
    assert page.evaluate(LEGACY_CODE_FETCHED)  # the page that found the mark fetched the code that moves it
    page.wait_for_function(LEGACY_MARK_GONE, polling=100)

    network.on()
    page.wait_for_selector("[data-syncbar][data-pending='0']")
    wait_until_all_sent(page)
    [visit] = stored_visits()
    assert (visit.id, visit.notes, visit.mipyme_id) == (visit_id, "Visita que no alcanzó a salir", first.id)
    assert visit.form_version_id == version.id
    assert [photo.visit_id for photo in stored_photos()] == [visit_id]

    open_form(page, server.url)  # moved once: the next pages do not even fetch the moving code
    assert not page.evaluate(LEGACY_CODE_FETCHED)

