"""A form with a repeat on the officer's phone with no network: the products typed as cards, moved and taken
out by mistake, come back as they were after a reload (the draft keeps the list and its version), and the
visit reaches the server with the list of objects (forms-v3-spec §2)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from fieldwork.extensions import db
from fieldwork.forms.expressions import parse
from fieldwork.forms.services import publish_form
from fieldwork.models import FormVersion
from tests.browser.conftest import screenshot
from tests.browser.forms_helpers import field
from tests.browser.offline_helpers import (
    fill_visit,
    log_in_and_get_ready,
    network_fixture,  # noqa: F401  (fixture `network`: everything off and on)
    open_form,
    save_visit,
    saved_after,
    server_fixture,  # noqa: F401  (fixture `server`: a live server that can be stopped)
    stored_visits,
    wait_until_all_sent,
)
from tests.builders import make_mipyme, make_user

pytestmark = pytest.mark.browser


def text(es: str) -> dict[str, str]:
    return {"es": es, "en": es}


def stored_question(name: str, type_: str, label: str, **extra) -> dict:
    found = {"name": name, "type": type_, "label": text(label), "required": extra.pop("required", False), **extra}
    ast = {key: parse(found[key]) for key in ("relevant", "constraint") if key in found}
    return {**found, "ast": ast} if ast else found


PRODUCTS = [
    stored_question("negocio", "text", "Nombre del negocio"),
    {"type": "begin_repeat", "name": "productos", "label": text("Producto")},
    stored_question("nombre", "text", "Nombre del producto", required=True),
    stored_question("unidades", "integer", "Unidades al mes", constraint=". > 0",
                    constraint_message=text("Escriba más de cero.")),
    {"type": "end_repeat", "name": "productos"},
]


@pytest.fixture
def published(app):
    """An officer with a Mipyme, and a published form that asks for each product."""
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    supervisor = make_user("supervisor", username="sara")
    version = FormVersion(form_id="productos", version="1", title="Productos", filename="productos.xlsx",
                          original_file=b"", uploaded_by_id=supervisor.id,
                          definition={"form_id": "productos", "version": "1", "title": "Productos",
                                      "questions": PRODUCTS})
    db.session.add(version)
    db.session.flush()
    publish_form(supervisor, version)
    db.session.commit()
    return mipyme, version


def tool(page, path: str, name: str):
    return page.locator(f".repeat-card[data-instance='{path}'] > .repeat-head").get_by_role("button", name=name)


def names(page, count: int) -> list[str]:
    return [page.input_value(field(f"productos[{n}].nombre")) for n in range(1, count + 1)]


def test_products_moved_and_taken_out_by_mistake_survive_a_reload_offline(server, network, page, published):
    mipyme, _ = published
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    page.fill(field("productos[1].nombre"), "Sandalias")
    page.get_by_role("button", name="Agregar Producto").click()
    page.fill(field("productos[2].nombre"), "Botas")
    page.fill(field("productos[2].unidades"), "40")
    saved_after(page, lambda: tool(page, "productos[2]", "Subir").click())
    saved_after(page, lambda: tool(page, "productos[1]", "Quitar").click())  # the wrong one: Botas
    assert names(page, 1) == ["Sandalias"]
    saved_after(page, lambda: page.get_by_role("button", name="Deshacer").click())
    screenshot(page, "repeat-offline-draft")

    page.reload()  # offline: the page from the phone's cache, the draft from its storage
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    assert names(page, 2) == ["Botas", "Sandalias"]
    assert page.input_value(field("productos[1].unidades")) == "40"
    assert page.locator(".repeat-card").count() == 2


def test_each_product_is_checked_on_its_own_and_the_list_reaches_the_server(server, network, page, published):
    mipyme, version = published
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    page.fill(field("productos[1].nombre"), "Sandalias")
    page.fill(field("productos[1].unidades"), "12")
    page.get_by_role("button", name="Agregar Producto").click()
    page.fill(field("productos[2].nombre"), "Botas")
    page.fill(field("productos[2].unidades"), "0")
    error = page.locator("[data-path='productos[2].unidades'] .error")
    assert error.inner_text() == "Escriba más de cero."  # the second product's constraint, beside its field
    assert page.locator("[data-path='productos[1].unidades'] .error").count() == 0
    page.click("button[type=submit]")
    assert page.get_attribute("form[data-visit-form]", "data-last-queued") is None
    screenshot(page, "repeat-offline-constraint")

    page.fill(field("productos[2].unidades"), "1.200")
    save_visit(page)
    network.on()
    wait_until_all_sent(page)
    [visit] = stored_visits()
    assert visit.form_version_id == version.id
    assert visit.answers["productos"] == [{"nombre": "Sandalias", "unidades": 12},
                                          {"nombre": "Botas", "unidades": 1200}]


NEWER = [
    {"type": "start", "name": "inicio"}, {"type": "end", "name": "fin"}, {"type": "today", "name": "hoy"},
    {"type": "username", "name": "usuario"},
    stored_question("apertura", "time", "Hora de apertura"),
    stored_question("acepta", "acknowledge", "Leí el acuerdo con la Mipyme"),
    stored_question("satisfaccion", "range", "Satisfacción", parameters={"start": 1, "end": 5, "step": 1}),
    {"type": "begin_repeat", "name": "entregas", "label": text("Entrega")},
    stored_question("hora", "time", "Hora de la entrega"),
    {"type": "end_repeat", "name": "entregas"},
]


@pytest.fixture
def newer(app):
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    supervisor = make_user("supervisor", username="sara")
    version = FormVersion(form_id="nuevos", version="1", title="Tipos nuevos", filename="nuevos.xlsx",
                          original_file=b"", uploaded_by_id=supervisor.id,
                          definition={"form_id": "nuevos", "version": "1", "title": "Tipos nuevos",
                                      "questions": NEWER})
    db.session.add(version)
    db.session.flush()
    publish_form(supervisor, version)
    db.session.commit()
    return mipyme, version


def test_newer_types_in_a_draft_survive_a_reload_offline_and_the_phone_fills_the_metadata(server, network, page, newer):
    mipyme, version = newer
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    assert page.locator("[data-question=inicio], [data-question=usuario]").count() == 0  # never drawn
    page.fill(field("apertura"), "08:30")
    page.check(field("acepta"))
    page.locator("[data-question=satisfaccion]").get_by_role("button", name="Más").click()
    page.fill(field("entregas[1].hora"), "10:00")
    page.get_by_role("button", name="Agregar Entrega").click()
    saved_after(page, lambda: page.fill(field("entregas[2].hora"), "14:15"))
    screenshot(page, "repeat-newer-types")

    page.reload()
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    assert page.input_value(field("apertura")) == "08:30"
    assert page.is_checked(field("acepta"))
    assert page.locator("[data-question=satisfaccion] .widget-range-value").inner_text() == "2"
    assert page.input_value(field("entregas[2].hora")) == "14:15"
    save_visit(page)
    network.on()
    wait_until_all_sent(page)
    [visit] = stored_visits()
    assert visit.form_version_id == version.id
    answers = visit.answers
    assert {key: answers[key] for key in ("apertura", "acepta", "satisfaccion", "entregas")} == {
        "apertura": "08:30:00", "acepta": "OK", "satisfaccion": 2,
        "entregas": [{"hora": "10:00:00"}, {"hora": "14:15:00"}]}
    day = visit.visited_at.astimezone(ZoneInfo("America/Bogota")).date().isoformat()
    assert answers["hoy"] == day
    assert answers["inicio"] <= answers["fin"] and answers["inicio"][:4] == day[:4]
