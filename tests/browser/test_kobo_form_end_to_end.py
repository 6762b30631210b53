"""Issue 18 item 11, the whole way for the Kobo-style production form (tests/forms/fixtures.kobo_form): uploaded with
its CSV and published, filled offline on the phone at 390 px with every new type (cascading barrio, a barrio from
the CSV, GPS, photo, time, moment, products as a repeat with a nested one, or_other, rank, range, acknowledge),
synced, validated and computed on the server, then read by the supervisor on the visit page, in the dashboard's
chart and in the XLSX with the repeat's own sheet."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from fieldwork.extensions import db
from fieldwork.forms.services import publish_form, upload_form
from tests.browser.conftest import login_through_page, screenshot
from tests.browser.forms_helpers import field, png
from tests.browser.offline_helpers import (
    fill_visit,
    log_in_and_get_ready,
    network_fixture,  # noqa: F401  (fixture `network`: everything off and on)
    open_form,
    save_visit,
    server_fixture,  # noqa: F401  (fixture `server`: a live server that can be stopped)
    stored_photos,
    stored_visits,
    wait_until_all_sent,
)
from tests.builders import PASSWORD, make_mipyme, make_user
from tests.forms.fixtures import kobo_form

pytestmark = pytest.mark.browser


@pytest.fixture
def kobo(app):
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    supervisor = make_user("supervisor", username="sara", name="Sara Daza")
    workbook, media = kobo_form()
    version = upload_form(supervisor, workbook, "produccion.xlsx", media=media)
    publish_form(supervisor, version)
    db.session.commit()
    return mipyme, version


def test_the_kobo_form_filled_offline_reaches_the_supervisor_the_charts_and_the_workbook(server, network, context,
                                                                                         page, kobo):
    mipyme, version = kobo
    context.grant_permissions(["geolocation"], origin=server.url)
    context.set_geolocation({"latitude": 10.4631, "longitude": -73.2532, "accuracy": 12})
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    answer_every_new_type(page)
    screenshot(page, "kobo-form-offline-phone")
    visit_id = save_visit(page)

    # Still offline, the officer's list shows the unsent visit under the form's title, its Mipyme below.
    page.goto(server.url + "/visits/mine")
    page.wait_for_selector("[data-local-visits][data-ready=true]")
    card = page.locator(f".local-visit[data-local-id='{visit_id}']")
    assert card.locator(".card-title").inner_text().startswith("Taller Vallenato – ")
    assert card.locator(".muted").first.inner_text().startswith("Calzado Vallenato · ")
    screenshot(page, "kobo-unsent-list-offline-phone")

    network.on()
    wait_until_all_sent(page)
    [visit] = stored_visits()
    assert visit.id == visit_id and visit.form_version_id == version.id
    assert visit.title == f"Taller Vallenato – {visit.answers['today']}"  # the form's instance_name
    assert_the_server_kept_and_computed(visit.answers, visit_id)
    the_supervisor_reads_it(page, server.url, visit_id)


def answer_every_new_type(page) -> None:
    page.fill(field("negocio"), "Taller Vallenato")

    # Cascading lists: Comuna 2 offers only its own barrio.
    page.locator("[data-question=comuna]").get_by_label("Comuna 2").check()
    barrios = page.locator("[data-question=barrio]")
    assert barrios.get_by_label("Los Mayales").is_visible()
    assert barrios.get_by_label("Centro").count() == 0 or not barrios.get_by_label("Centro").is_visible()
    barrios.get_by_label("Los Mayales").check()
    page.locator("[data-question=barrio_csv]").get_by_label("Los Mayales").check()

    page.get_by_role("button", name="Tomar ubicación").click()
    page.locator("[data-question=lugar] [role=status]").filter(has_text="± 12 m").wait_for()
    page.set_input_files("[data-question=foto] input[type=file]", files=[
        {"name": "producto.png", "mimeType": "image/png", "buffer": png(2400, 1800)}])
    page.get_by_role("button", name="Cambiar foto").wait_for()
    page.fill(field("hora_apertura"), "07:45")
    page.fill(field("ultima_venta"), "2026-12-05T16:30")

    # Two products: repeat_count draws two cards; the first's size is a nested repeat.
    page.fill(field("num_productos"), "2")
    page.locator(field("producto[2].nombre_producto")).wait_for()
    page.fill(field("producto[1].nombre_producto"), "Sandalias")
    page.fill(field("producto[1].unidades"), "120")
    page.fill(field("producto[1].precio"), "35.000")
    # A repeat without repeat_count starts with one card, as in ODK Collect.
    page.locator(".repeat-card[data-instance='producto[1].talla[1]']").get_by_label("Grande").check()
    page.fill(field("producto[2].nombre_producto"), "Botas")
    page.fill(field("producto[2].unidades"), "30")
    page.fill(field("producto[2].precio"), "120.000")

    channel = page.locator("[data-question=canal]")
    channel.get_by_label("Otro").check()
    page.fill(field("canal_other"), "Tienda en línea")
    page.locator("[data-question=prioridad]").get_by_role("button", name="Confirmar orden").click()
    page.locator("[data-question=satisfaccion]").get_by_role("button", name="Más").click()
    page.locator("[data-question=consentimiento]").get_by_label("OK").check()


def assert_the_server_kept_and_computed(answers: dict, visit_id: str) -> None:
    [photo] = stored_photos()
    assert (answers["comuna"], answers["barrio"], answers["barrio_csv"]) == ("2", "mayales", "201")
    assert answers["estrato"] == "4"  # pulldata() from the CSV, computed by the server
    assert answers["lugar"] == {"lat": 10.4631, "lon": -73.2532, "accuracy_m": 12}
    assert answers["foto"] == photo.id and photo.visit_id == visit_id
    assert answers["hora_apertura"] == "07:45:00"
    assert answers["ultima_venta"].startswith("2026-12-05T16:30:00") and answers["ultima_venta"].endswith("-05:00")
    products = answers["producto"]
    # A calculate has no type of its own in an XLSForm: its value is stored as the text ODK would store.
    assert [(p["nombre_producto"], p["unidades"], p["precio"], p["ventas"], p["posicion"]) for p in products] == [
        ("Sandalias", 120, 35000, "4200000", "1"), ("Botas", 30, 120000, "3600000", "2")]
    assert [p["talla"] for p in products] == [[{"talla_nombre": "l"}], [{}]]  # an untouched card stays, empty
    assert answers["ventas_total"] == "7800000"
    assert (answers["canal"], answers["canal_other"]) == ("other", "Tienda en línea")
    # pyxform adds or_other's "other" to the list itself, so the rank over the same list orders it too.
    assert answers["prioridad"] == ["tienda", "feria", "redes", "other"]
    assert (answers["satisfaccion"], answers["consentimiento"], answers["username"]) == (2, "OK", "lucia")


def the_supervisor_reads_it(page, base_url: str, visit_id: str) -> None:
    """The visit page with labels, the dashboard's chart, the workbook's repeat sheet."""
    page.context.clear_cookies()
    login_through_page(page, base_url, "sara", PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base_url}/supervision/visits/{visit_id}")
    body = page.locator("main")
    shown = body.inner_text()
    for text in ("Comuna 2", "Los Mayales", "10.46310, -73.25320 (± 12 m)", "07:45", "5 dic 2026, 16:30",
                 "Sandalias\t120\t35.000", "Botas\t30\t120.000", "1.1\tGrande", "Tienda en línea"):
        assert text in shown, text
    assert body.locator("img[src*='/photos/']").count() >= 1
    screenshot(page, "kobo-form-visit-page-laptop")

    page.goto(base_url + "/supervision/")
    charts = page.locator("main").inner_text()  # each chart's table: option, visits, businesses
    assert "Los Mayales\t1\t1" in charts and "Otro\t1\t1" in charts and "Comuna 1\t0\t0" in charts
    workbook = load_workbook(io.BytesIO(page.request.get(base_url + "/supervision/visits.xlsx").body()),
                             read_only=True)
    sheet = next(workbook[name] for name in workbook.sheetnames if name.startswith("producto"))
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert [row[header.index("visit_id")] for row in rows[1:]] == [visit_id, visit_id]
    units = next(i for i, title in enumerate(header) if title and "unidades" in str(title).lower())
    assert [row[units] for row in rows[1:]] == [120, 30]
