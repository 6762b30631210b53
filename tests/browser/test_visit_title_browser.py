"""A returned visit with a title (the form's instance_name) on the officer's phone: the card leads with the
title, and "Corregir visita" still keeps the Mipyme's name with the draft, not the title."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fieldwork.extensions import db
from fieldwork.forms.services import publish_form, upload_form
from tests.browser.offline_helpers import (
    log_in_and_get_ready,
    server_fixture,  # noqa: F401  (fixture `server`)
)
from tests.builders import make_mipyme, make_user, make_visit
from tests.forms.xlsform import question, xlsform

pytestmark = pytest.mark.browser


@pytest.fixture
def returned(app):
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    supervisor = make_user("supervisor", name="Sara Gómez")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    form = xlsform([question("text", "producto", "Producto"), question("integer", "unidades", "Unidades")], [],
                   {"form_title": "Producción", "form_id": "produccion", "version": "1",
                    "instance_name": "concat(${producto}, ' – ', ${unidades})"})
    version = publish_form(supervisor, upload_form(supervisor, form, "produccion.xlsx"))
    db.session.commit()
    return make_visit(mipyme, review_status="returned", review_comment="Revise las unidades",
                      reviewed_by_id=supervisor.id, reviewed_at=datetime.now(UTC), form_version_id=version.id,
                      answers={"producto": "Mochilas", "unidades": 12}, title="Mochilas – 12")


def test_correcting_a_titled_visit_keeps_its_mipymes_name_with_the_draft(server, page, returned):
    log_in_and_get_ready(page, server.url, "lucia")
    page.goto(server.url + "/visits/")
    card = page.locator("[data-returned-visit]")
    assert card.locator(".card-title").inner_text() == "Mochilas – 12"
    assert card.locator(".muted").first.inner_text().startswith("Calzado Vallenato · ")
    card.get_by_role("button", name="Corregir visita").click()
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    draft = page.evaluate("(id) => import('/static/js/store.js').then((store) => store.getDraft(id))", returned.id)
    assert draft["mipyme_name"] == "Calzado Vallenato"
