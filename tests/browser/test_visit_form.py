"""The visit form in a phone-sized Chromium: drafts survive reloads, errors show beside the fields,
photos are made small on the phone and arrive, returned visits are fixed and resent."""
from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.models import Mipyme, Visit
from tests.browser.conftest import screenshot
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
from tests.builders import make_mipyme, make_user, make_visit

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def officer(app):
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    make_mipyme(officer, name="Calzado Vallenato", neighborhood="Villa Castro")
    make_mipyme(officer, name="Panadería La 14", neighborhood="Centro")
    make_mipyme(officer, name="Mochilas Arhuacas", neighborhood="Los Mayales")
    return officer


def mipyme_named(officer, name):
    return next(m for m in officer_mipymes(officer) if m.name == name)


def officer_mipymes(officer):
    return list(db.session.scalars(select(Mipyme).where(Mipyme.officer_id == officer.id)))


def test_draft_is_autosaved_and_restored_after_a_reload(server, page, officer):
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    page.fill("#mipyme_search", "villa")  # the picker narrows to one and picks it
    assert page.locator("select[name=mipyme_id] option").count() == 2  # the prompt and the match
    page.check("input[name=topics][value=financiacion]")
    page.fill("input[name=monthly_sales_cop]", "4500000")
    page.press("input[name=monthly_sales_cop]", "Tab")
    assert page.input_value("input[name=monthly_sales_cop]") == "4.500.000"
    page.fill("textarea[name=notes]", "Medio llenar")
    page.locator("[data-draft-status]", has_text="Borrador guardado").wait_for()

    page.reload()
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    assert page.input_value("textarea[name=notes]") == "Medio llenar"
    assert page.input_value("input[name=monthly_sales_cop]") == "4.500.000"
    assert page.is_checked("input[name=topics][value=financiacion]")
    selected = page.eval_on_selector("select[name=mipyme_id]", "s => s.selectedOptions[0].textContent")
    assert selected.startswith("Calzado Vallenato")
    assert "Se recuperó el borrador" in page.locator("[data-form-notice]").inner_text()


def test_missing_fields_show_spanish_errors_beside_them_and_nothing_is_queued(server, page, officer):
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    page.fill("input[name=employees]", "3")
    page.click("button[type=submit]")
    assert page.locator("#mipyme_id-error").inner_text() == "Elija la Mipyme visitada."
    assert page.locator("#topics-error").inner_text() == "Marque al menos un tema tratado."
    assert page.evaluate("document.activeElement.name") == "mipyme_id"
    assert page.locator("[data-syncbar]").get_attribute("data-pending") == "0"
    screenshot(page, "visit-form-errors-phone")


def test_a_visit_dated_before_the_mipymes_enrolment_is_stopped_on_the_phone(server, network, page, officer):
    """Offline, on the cached form: the Mipyme joined the programme today, so a visit dated last week gets
    the server's words beside the date and nothing enters the outbox; today's date then saves, and the
    sales typed the Colombian way arrive as the number they are."""
    from datetime import datetime, timedelta  # noqa: PLC0415
    from zoneinfo import ZoneInfo  # noqa: PLC0415

    today = datetime.now(ZoneInfo("America/Bogota")).date()  # the phone's zone and the programme's
    mipyme = mipyme_named(officer, "Panadería La 14")
    mipyme.enrolled_on = today
    db.session.commit()
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    page.fill("input[name=monthly_sales_cop]", "4.500.000")
    page.fill("input[name=visited_at]", f"{(today - timedelta(days=7)).isoformat()}T10:00")
    page.click("button[type=submit]")
    message = page.locator("#visited_at-error").inner_text()
    assert message.startswith("La visita es anterior al ingreso de la Mipyme al programa (")
    assert page.get_attribute("input[name=visited_at]", "aria-invalid") == "true"
    assert page.locator("[data-syncbar]").get_attribute("data-pending") == "0"
    screenshot(page, "visit-form-before-enrolment-phone")
    page.fill("input[name=visited_at]", f"{today.isoformat()}T00:05")
    save_visit(page)
    network.on()
    wait_until_all_sent(page)
    [visit] = stored_visits()
    assert (visit.mipyme_id, visit.monthly_sales_cop) == (mipyme.id, 4_500_000)


def test_photo_taken_offline_is_downscaled_and_arrives(server, network, page, officer, tmp_path):
    picture = tmp_path / "taller.jpg"
    Image.new("RGB", (3000, 2000), (180, 120, 60)).save(picture, "JPEG")
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    open_form(page, server.url)
    fill_visit(page, mipyme_named(officer, "Panadería La 14").id)
    page.set_input_files("input[data-photo-input]", str(picture))
    page.wait_for_selector("[data-photo-list][data-count='1'] img")
    visit_id = save_visit(page)
    page.locator("[data-sync-counts]", has_text="1 foto por enviar").wait_for()

    network.on()
    wait_until_all_sent(page)
    photos = stored_photos()
    assert len(photos) == 1 and photos[0].visit_id == visit_id
    assert (photos[0].width, photos[0].height) == (1600, 1067)  # long side 1600 px, proportions kept
    answer = page.request.get(f"{server.url}/api/v1/photos/{photos[0].id}")
    assert answer.status == 200 and answer.headers["content-type"].startswith("image/")
    assert Image.open(BytesIO(answer.body())).size == (1600, 1067)


def test_returned_visit_is_fixed_and_resent_as_its_next_revision(server, page, officer):
    mipyme = mipyme_named(officer, "Mochilas Arhuacas")
    returned = make_visit(mipyme, review_status="returned", review_comment="Falta el número de empleados.",
                          notes="Primera versión")
    log_in_and_get_ready(page, server.url, "lucia")
    page.goto(server.url + "/visits/mine")
    page.get_by_role("button", name="Corregir y reenviar").click()
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    assert "Falta el número de empleados." in page.locator("[data-form-notice]").inner_text()
    assert page.locator("[data-form-title]").inner_text() == "Corregir visita"
    assert page.input_value("textarea[name=notes]") == "Primera versión"
    page.fill("input[name=employees]", "6")
    page.click("button[type=submit]")
    page.wait_for_selector("form[data-last-queued]")
    wait_until_all_sent(page)
    db.session.expire_all()
    visit = db.session.get(Visit, returned.id)
    assert (visit.revision, visit.employees, visit.review_status) == (2, 6, "submitted")
    assert len(stored_visits()) == 1


def test_form_and_my_visits_look_right_on_a_phone_and_a_laptop(server, page, officer):
    mipyme = mipyme_named(officer, "Calzado Vallenato")
    make_visit(mipyme, review_status="returned", review_comment="Agregue las ventas del mes.")
    make_visit(mipyme, review_status="approved", owner_confirmation="disputed", owner_comment="No vino ese día.")
    make_visit(mipyme_named(officer, "Panadería La 14"), review_status="approved", owner_confirmation="confirmed")
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    page.wait_for_selector("form[data-draft-saved]")
    for size, suffix in ((None, "phone"), (LAPTOP, "laptop")):
        if size:
            page.set_viewport_size(size)
        page.goto(server.url + "/visits/new")
        page.wait_for_selector("form[data-visit-form][data-ready=true]")
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        screenshot(page, f"visit-form-{suffix}")
        page.goto(server.url + "/visits/mine")
        page.wait_for_selector("[data-local-visits][data-ready=true]")
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        screenshot(page, f"my-visits-{suffix}")


def test_location_is_captured_with_its_accuracy_and_stored(server, context, page, officer):
    context.grant_permissions(["geolocation"], origin=server.url)
    context.set_geolocation({"latitude": 10.4631, "longitude": -73.2532, "accuracy": 12})
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    fill_visit(page, mipyme_named(officer, "Calzado Vallenato").id)
    page.click("button[data-geo-capture]")
    page.locator("[data-geo-status]", has_text="± 12 m").wait_for()
    visit_id = save_visit(page)
    wait_until_all_sent(page)
    visit = db.session.get(Visit, visit_id)
    assert (visit.latitude, visit.longitude, visit.accuracy_m) == (10.4631, -73.2532, 12)


def test_the_agendas_link_opens_the_form_on_that_mipyme(server, page, officer):
    log_in_and_get_ready(page, server.url, "lucia")
    bakery = mipyme_named(officer, "Panadería La 14")
    page.goto(f"{server.url}/visits/new?mipyme_id={bakery.id}")
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    assert page.input_value("select[name=mipyme_id]") == str(bakery.id)
