"""A phone shared by two people (one browser context, two accounts), and storage that may vanish: the
backup file (the browser's answer about persistent storage: test_storage_notice.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from fieldwork.confirmation_links import make_token
from fieldwork.extensions import db
from fieldwork.models import User, Visit
from tests.browser.conftest import PHONE, login_through_page
from tests.browser.offline_helpers import (
    fill_visit,
    log_in_and_get_ready,
    network_fixture,  # noqa: F401  (fixture `network`)
    open_form,
    save_visit,
    server_fixture,  # noqa: F401  (fixture `server`)
    stored_photos,
    stored_visits,
    wait_until_all_sent,
)
from tests.builders import PASSWORD, make_mipyme, make_user, make_visit

pytestmark = pytest.mark.browser
SHOTS = Path("/work/wt/shots/officer")
PERSONAL_CACHES = """caches.keys().then((k) => k.filter((n) =>
  n.startsWith('fieldwork-pages-') || n.startsWith('fieldwork-data-')))"""
# The scripts this page has fetched (from the network or the worker's cache), without their hashes.
SCRIPTS_FETCHED = """() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)
  .filter((path) => path.endsWith('.js')).map((path) => path.replace(/\\.[0-9a-f]{12}\\.js$/, '.js'))"""
OUTBOX_SIZE = """new Promise((resolve) => { const r = indexedDB.open('fieldwork');
  r.onsuccess = () => { const c = r.result.transaction('outbox').objectStore('outbox').count();
    c.onsuccess = () => resolve(c.result); }; })"""


@pytest.fixture
def two_officers(app):
    lucia = make_user("officer", username="lucia", name="Lucía Ramos")
    mario = make_user("officer", username="mario", name="Mario Díaz")
    return lucia, make_mipyme(lucia, name="Calzado Vallenato"), mario, make_mipyme(mario, name="Panadería La 14")


def end_sessions_elsewhere(user_id):
    """As a logout on another device, a password change or a deactivation does: the cookie stops working."""
    db.session.get(User, user_id).end_all_sessions()
    db.session.commit()


def test_next_person_never_sees_the_previous_persons_pages_online_or_offline(server, network, context, page,
                                                                            two_officers):
    lucia, _, mario, _ = two_officers
    log_in_and_get_ready(page, server.url, "lucia")
    page.goto(server.url + "/visits/mine")
    end_sessions_elsewhere(lucia.id)  # her session ends other than by the logout button

    log_in_and_get_ready(page, server.url, "mario")
    network.off()
    for path in ("/visits/mine", "/visits/", "/visits/new"):
        page.goto(server.url + path)
        assert "Calzado Vallenato" not in page.content() and "Lucía" not in page.content(), path
    page.goto(server.url + "/visits/mine")
    assert "Mario Díaz" in page.content()
    assert page.evaluate(PERSONAL_CACHES) and all(n.endswith(f"-{mario.id}") for n in page.evaluate(PERSONAL_CACHES))


def test_a_401_for_the_session_that_made_the_pages_deletes_them_and_keeps_the_visits(server, network, page,
                                                                                     two_officers):
    lucia, shoes, _, _ = two_officers
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, shoes.id)
    save_visit(page)
    end_sessions_elsewhere(lucia.id)
    network.on()  # the sync asks for its session: 401
    page.locator("[data-sync-error]", has_text="Inicie sesión").wait_for()
    page.wait_for_function(f"{PERSONAL_CACHES}.then((names) => names.length === 0)")

    network.off()
    page.goto(server.url + "/visits/mine")
    assert "Calzado Vallenato" not in page.content()
    assert page.locator("h1").inner_text() == "Sin conexión"
    assert page.evaluate(OUTBOX_SIZE) == 1  # her visit stays on the phone


def test_other_accounts_visits_wait_unseen_and_go_when_their_owner_logs_in(server, network, context, page,
                                                                          two_officers):
    lucia, shoes, mario, _ = two_officers
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, shoes.id, notes="Visita de Lucía")
    visit_id = save_visit(page)
    end_sessions_elsewhere(lucia.id)  # her session expires before the network returns
    network.on()
    page.locator("[data-sync-error]", has_text="Inicie sesión").wait_for()

    login_through_page(page, server.url, "mario", PASSWORD)
    page.goto(server.url + "/visits/mine")
    page.wait_for_selector("[data-local-visits][data-ready=true]")
    notice = page.locator("[data-other-accounts]")
    notice.wait_for()
    assert notice.inner_text().startswith("1 visita de otra cuenta espera en este teléfono")
    assert "Visita de Lucía" not in page.content() and "Calzado Vallenato" not in page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "shared-phone-notice-phone.png"), full_page=True)
    page.click("[data-sync-now]")
    page.wait_for_selector("[data-sync-now]:not([disabled])")
    assert stored_visits() == []  # never sent under Mario's account

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation(url="**/login"):
        page.click("form[data-logout-form] button[type=submit]")
    log_in_and_get_ready(page, server.url, "lucia")
    wait_until_all_sent(page)
    [visit] = stored_visits()
    assert (visit.id, visit.officer_id) == (visit_id, lucia.id)


def test_confirmation_links_are_never_cached(server, network, page, two_officers):
    lucia, shoes, _, _ = two_officers
    visit = make_visit(shoes, officer=lucia)
    token = make_token(visit)
    log_in_and_get_ready(page, server.url, "lucia")
    page.goto(f"{server.url}/c/{token}")
    stored = page.evaluate("""caches.keys().then((names) => Promise.all(names.map((n) => caches.open(n)
      .then((c) => c.keys()).then((reqs) => reqs.map((r) => r.url))))).then((lists) => lists.flat())""")
    assert not [url for url in stored if "/c/" in url]
    network.off()
    page.goto(f"{server.url}/c/{token}")
    assert page.locator("h1").inner_text() == "Sin conexión"


def _visit_with_photo_saved_offline(page, server, network, mipyme, tmp_path):
    picture = tmp_path / "taller.jpg"
    Image.new("RGB", (800, 600), (180, 120, 60)).save(picture, "JPEG")
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, mipyme.id, notes="Respaldada")
    page.set_input_files("input[data-photo-input]", str(picture))
    page.wait_for_selector("[data-photo-list][data-count='1'] img")
    return save_visit(page)


def test_backup_file_goes_through_sync_on_another_device_once_and_only_for_its_officer(  # noqa: PLR0917
        server, network, browser, page, two_officers, tmp_path):
    lucia, shoes, _, _ = two_officers
    visit_id = _visit_with_photo_saved_offline(page, server, network, shoes, tmp_path)
    page.goto(server.url + "/visits/mine", wait_until="load")  # every module the page imports is in
    page.wait_for_selector("[data-backup]:not([hidden])")
    # The file's code is fetched when the officer asks for a backup, not by every opening of the page.
    file_work = {"/static/js/backup-file.js", "/static/js/store-backup.js"}
    assert "/static/js/backup.js" in page.evaluate(SCRIPTS_FETCHED)
    assert not file_work & set(page.evaluate(SCRIPTS_FETCHED))
    with page.expect_download() as download:
        page.click("[data-backup-download]")
    path = tmp_path / "respaldo.json"
    download.value.save_as(path)
    backup = json.loads(path.read_text())
    assert [v["id"] for v in backup["visits"]] == [visit_id] and backup["officer_id"] == str(lucia.id)
    assert len(backup["photos"]) == 1 and len(backup["photos"][0]["data"]) > 1000  # base64 of the JPEG
    assert "Respaldo descargado: 1 visitas y 1 fotos." in page.locator("[data-backup-status]").inner_text()
    assert file_work <= set(page.evaluate(SCRIPTS_FETCHED))
    network.on()  # the server is back for the other device; this phone is lost before it syncs
    page.context.close()

    other = browser.new_context(viewport=PHONE, locale="es-CO", timezone_id="America/Bogota")
    try:
        laptop = other.new_page()
        log_in_and_get_ready(laptop, server.url, "mario")
        laptop.goto(server.url + "/visits/mine")
        laptop.set_input_files("[data-backup-file]", str(path))
        status = laptop.locator("[data-backup-status]")
        status.wait_for()
        assert status.inner_text() == ("Este respaldo es de otra cuenta (Lucía Ramos). Solo esa persona puede "
                                       "cargarlo, con su propio usuario.")
        assert laptop.evaluate(OUTBOX_SIZE) == 0
        laptop.once("dialog", lambda dialog: dialog.accept())
        with laptop.expect_navigation(url="**/login"):
            laptop.click("form[data-logout-form] button[type=submit]")

        log_in_and_get_ready(laptop, server.url, "lucia")
        laptop.goto(server.url + "/visits/mine")
        laptop.set_input_files("[data-backup-file]", str(path))
        laptop.locator("[data-backup-status]", has_text="Respaldo cargado: 1 visitas y 1 fotos").wait_for()
        wait_until_all_sent(laptop)
        laptop.set_input_files("[data-backup-file]", str(path))  # twice: nothing changes
        laptop.locator("[data-backup-status]", has_text="Este respaldo ya estaba en el teléfono").wait_for()
        laptop.set_input_files("[data-backup-file]", str(tmp_path / "taller.jpg"))
        laptop.locator("[data-backup-status]", has_text="Este archivo no es un respaldo de Fieldwork.").wait_for()
    finally:
        other.close()
    [visit] = stored_visits()
    assert (visit.id, visit.officer_id, visit.notes) == (visit_id, lucia.id, "Respaldada")
    assert [p.visit_id for p in stored_photos()] == [visit_id]
    assert db.session.get(Visit, visit_id).revision == 1
