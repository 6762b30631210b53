"""A version published while the officer is on the home page reaches the phone at its next sync, in a real
Chromium: the sync bar says which version the phone holds, the visit form opens on it with no network, and a
draft started in the earlier version keeps that version. Answers travel compressed (compression.init_app)."""
from __future__ import annotations

import pytest

from fieldwork.extensions import db
from fieldwork.forms.services import publish_form, upload_form
from fieldwork.web import compression
from tests.browser.conftest import screenshot
from tests.browser.offline_helpers import (
    log_in_and_get_ready,
    network_fixture,  # noqa: F401  (fixture `network`: everything off and on)
    saved_after,
    server_fixture,  # noqa: F401  (fixture `server`: a live server that can be stopped)
)
from tests.builders import make_mipyme, make_user
from tests.forms.fixtures import CHANNELS, SOURCES, YES_NO, programme_form, programme_survey
from tests.forms.xlsform import question, xlsform

pytestmark = pytest.mark.browser


def answer(name: str) -> str:
    return f"[name='answers.{name}']"


def second_version() -> bytes:
    """v2 asks whether the business sells online and no longer asks for an observation."""
    survey = [q for q in programme_survey() if q["name"] != "observacion"]
    survey.append(question("select_one si_no", "vende_en_linea", "¿Vende en línea?"))
    return xlsform(survey, YES_NO + SOURCES + CHANNELS,
                   {"form_title": "Seguimiento Mipyme", "form_id": "seguimiento_mipyme", "version": "2026030202"})


@pytest.fixture
def programme(app):
    """Compressed answers (until the app factory registers them), an officer with two Mipymes, v1 published."""
    compression.init_app(app)
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    drafted = make_mipyme(officer, name="Calzado Vallenato")
    fresh = make_mipyme(officer, name="Cerámica Atánquez")
    supervisor = make_user("supervisor", username="sara")
    first = publish_form(supervisor, upload_form(supervisor, programme_form(), "seguimiento.xlsx"))
    db.session.commit()
    return drafted, fresh, supervisor, first


def open_form(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("form[data-visit-form][data-ready=true]")


def test_version_published_during_the_day_reaches_the_offline_form_and_drafts_keep_theirs(
        server, network, page, programme):
    drafted, fresh, supervisor, first = programme
    log_in_and_get_ready(page, server.url, "lucia")  # the officer's home, online
    held = page.locator("[data-sync-form]")
    page.wait_for_selector(f"[data-sync-form][data-version-id='{first.id}']")
    assert held.inner_text() == "Formulario: Seguimiento Mipyme, versión 2026030201"

    # A visit started in v1 and left as a draft.
    open_form(page, f"{server.url}/visits/new?mipyme_id={drafted.id}")
    saved_after(page, lambda: page.fill(answer("observacion"), "Cerrado por remodelación"))

    page.goto(server.url + "/visits/")
    page.wait_for_selector(f"html[data-form-offline='{first.id}']")
    second = publish_form(supervisor, upload_form(supervisor, second_version(), "seguimiento-v2.xlsx"))
    db.session.commit()
    page.get_by_role("button", name="Sincronizar ahora").click()
    page.wait_for_selector(f"html[data-form-offline='{second.id}']")  # the cached form now embeds v2
    page.wait_for_selector(f"[data-sync-form][data-version-id='{second.id}']")
    assert held.inner_text() == "Formulario: Seguimiento Mipyme, versión 2026030202"
    screenshot(page, "form-version-held-home-phone")

    network.off()
    open_form(page, f"{server.url}/visits/new?mipyme_id={fresh.id}")  # a new visit, offline: v2
    assert page.locator(answer("vende_en_linea")).count() > 0
    assert page.locator(answer("observacion")).count() == 0
    assert held.inner_text() == "Formulario: Seguimiento Mipyme, versión 2026030202"

    open_form(page, f"{server.url}/visits/new?mipyme_id={drafted.id}")  # the draft, offline: still v1
    assert page.input_value(answer("observacion")) == "Cerrado por remodelación"
    assert page.locator(answer("vende_en_linea")).count() == 0
    screenshot(page, "form-version-draft-keeps-v1-offline-phone")


def test_sync_asks_for_the_form_with_its_etag_and_gets_a_304_while_nothing_changes(server, page, programme):
    _, _, _, first = programme
    log_in_and_get_ready(page, server.url, "lucia")
    page.wait_for_selector(f"[data-sync-form][data-version-id='{first.id}']")
    asks_form = lambda r: r.url.endswith("/api/v1/forms/current")  # noqa: E731
    with page.expect_response(asks_form) as again:
        page.get_by_role("button", name="Sincronizar ahora").click()
    assert again.value.status == 304  # nothing published since: a few bytes, not the whole form
    assert again.value.request.headers["if-none-match"].endswith(':br"')  # Chromium offers brotli on 127.0.0.1
    assert page.locator("[data-sync-form]").inner_text() == "Formulario: Seguimiento Mipyme, versión 2026030201"
