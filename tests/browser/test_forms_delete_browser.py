"""On a phone, a supervisor deletes a version that was never published from the forms page; a published one
offers no delete."""
from __future__ import annotations

from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.forms.services import publish_form, upload_form
from fieldwork.models import FormVersion
from tests.browser.conftest import login_through_page, screenshot
from tests.builders import PASSWORD, make_user
from tests.forms.fixtures import programme_form


def test_supervisor_deletes_an_unpublished_version_from_the_forms_page(app, live_server, page):
    supervisor = make_user("supervisor")
    published = upload_form(supervisor, programme_form("1"), "seguimiento.xlsx")
    publish_form(supervisor, published)
    draft = upload_form(supervisor, programme_form("2-borrador"), "seguimiento.xlsx")
    db.session.commit()
    published_id, draft_id = published.id, draft.id
    login_through_page(page, live_server.url, supervisor.username, PASSWORD)
    page.goto(live_server.url + "/supervision/forms/")
    rows = page.locator("tbody tr")
    assert rows.filter(has_text="2-borrador").get_by_text("Borrar", exact=True).is_visible()
    assert rows.filter(has_text="· 1").get_by_text("Borrar", exact=True).count() == 0
    rows.filter(has_text="2-borrador").get_by_text("Borrar", exact=True).click()
    confirm = page.get_by_role("button", name="Sí, borrar esta versión")
    assert confirm.is_visible()
    screenshot(page, "forms-delete-confirm")
    confirm.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Versión «seguimiento_mipyme · 2-borrador» borrada.").is_visible()
    screenshot(page, "forms-delete-done")
    db.session.expire_all()
    assert db.session.scalars(select(FormVersion.id)).all() == [published_id]
    assert db.session.get(FormVersion, draft_id) is None
