"""One draft per Mipyme, owned by one tab: the agenda's "Registrar visita" always opens the Mipyme it
names (with that Mipyme's draft, never another's), the picker's own choice creates no draft, the agenda
marks the Mipymes with unfinished drafts, and a second tab never edits a draft another tab holds."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.offline_helpers import (
    log_in_and_get_ready,
    save_visit,
    server_fixture,  # noqa: F401  (fixture `server`)
    stored_visits,
    wait_until_all_sent,
)
from tests.builders import make_mipyme, make_user

pytestmark = pytest.mark.browser

LIST_DRAFTS = "(officer) => import('/static/js/store.js').then((s) => s.listDrafts(officer))"


@pytest.fixture
def shops(app):
    """Lucía and two of her Mipymes: (officer, calzado, panaderia)."""
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    return (officer, make_mipyme(officer, name="Calzado Vallenato", neighborhood="Villa Castro"),
            make_mipyme(officer, name="Panadería La 14", neighborhood="Centro"))


def open_for(page, base_url, mipyme_id):
    page.goto(f"{base_url}/visits/new?mipyme_id={mipyme_id}")
    page.wait_for_selector("form[data-visit-form][data-ready=true]")


def test_agenda_link_opens_its_own_mipyme_and_never_another_mipymes_draft(server, page, shops):
    _, calzado, panaderia = shops
    log_in_and_get_ready(page, server.url, "lucia")
    open_for(page, server.url, calzado.id)
    page.fill("textarea[name=notes]", "Notas de Calzado")
    page.wait_for_selector("form[data-draft-saved]")

    open_for(page, server.url, panaderia.id)
    assert page.input_value("select[name=mipyme_id]") == str(panaderia.id)
    assert page.input_value("textarea[name=notes]") == ""
    assert "Se recuperó" not in page.locator("[data-form-notice]").inner_text()
    assert "Calzado Vallenato" in page.locator("[data-other-drafts]").inner_text()  # the other draft is not hidden

    open_for(page, server.url, calzado.id)
    assert page.input_value("textarea[name=notes]") == "Notas de Calzado"
    assert "Se recuperó el borrador de Calzado Vallenato" in page.locator("[data-form-notice]").inner_text()


def test_picker_choosing_the_only_match_creates_no_draft(server, page, shops):
    officer, calzado, _ = shops
    log_in_and_get_ready(page, server.url, "lucia")
    page.goto(server.url + "/visits/new")
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    page.fill("#mipyme_search", "villa")
    assert page.input_value("select[name=mipyme_id]") == str(calzado.id)
    assert page.evaluate(LIST_DRAFTS, str(officer.id)) == []
    page.fill("textarea[name=notes]", "Ahora sí")  # typing is what makes a draft
    page.wait_for_selector("form[data-draft-saved]")
    drafts = page.evaluate(LIST_DRAFTS, str(officer.id))
    assert [(d["mipyme_id"], d["fields"]["notes"]) for d in drafts] == [(str(calzado.id), "Ahora sí")]


def test_changing_the_mipyme_opens_that_mipymes_draft_and_keeps_this_one(server, page, shops):
    officer, calzado, panaderia = shops
    log_in_and_get_ready(page, server.url, "lucia")
    open_for(page, server.url, panaderia.id)
    page.fill("textarea[name=notes]", "Notas de la panadería")
    page.wait_for_selector("form[data-draft-saved]")
    open_for(page, server.url, calzado.id)
    page.fill("textarea[name=notes]", "Notas de Calzado")
    page.locator("[data-draft-status]", has_text="Borrador guardado").wait_for()

    page.select_option("select[name=mipyme_id]", str(panaderia.id))
    page.locator("[data-form-notice]", has_text="Panadería La 14").wait_for()
    assert page.input_value("textarea[name=notes]") == "Notas de la panadería"
    drafts = {d["mipyme_id"]: d["fields"]["notes"] for d in page.evaluate(LIST_DRAFTS, str(officer.id))}
    assert drafts == {str(calzado.id): "Notas de Calzado", str(panaderia.id): "Notas de la panadería"}


def test_agenda_marks_the_mipymes_with_an_unfinished_draft(server, page, shops):
    _, calzado, panaderia = shops
    log_in_and_get_ready(page, server.url, "lucia")
    open_for(page, server.url, calzado.id)
    page.fill("textarea[name=notes]", "A medias")
    page.wait_for_selector("form[data-draft-saved]")
    page.goto(server.url + "/visits/")
    page.wait_for_selector("html[data-draft-badges=ready]")
    assert page.locator(f"[data-draft-badge='{calzado.id}']").is_visible()
    assert page.locator(f"[data-draft-badge='{calzado.id}']").inner_text() == "Borrador sin terminar"
    assert not page.locator(f"[data-draft-badge='{panaderia.id}']").is_visible()
    screenshot(page, "agenda-draft-badge-phone")


def test_a_second_tab_is_told_the_draft_is_open_elsewhere_and_cannot_save_it(server, context, page, shops):
    _, calzado, _ = shops
    log_in_and_get_ready(page, server.url, "lucia")
    open_for(page, server.url, calzado.id)
    page.check("input[name=topics][value=produccion]")
    page.fill("textarea[name=notes]", "Pestaña uno")
    page.wait_for_selector("form[data-draft-saved]")

    second = context.new_page()
    open_for(second, server.url, calzado.id)
    assert "abierto en otra pestaña" in second.locator("[data-form-notice]").inner_text()
    assert second.is_disabled("button[type=submit]") and second.is_disabled("textarea[name=notes]")
    screenshot(second, "visit-form-draft-open-elsewhere-phone")

    visit_id = save_visit(page)  # the first tab finishes: the second may now start a new visit of it
    second.locator("[data-form-notice]", has_text="puede seguir aquí").wait_for()
    assert second.is_enabled("textarea[name=notes]")
    assert second.input_value("textarea[name=notes]") == ""
    assert second.input_value("input[name=id]") != visit_id
    wait_until_all_sent(page)
    assert [v.notes for v in stored_visits()] == ["Pestaña uno"]
