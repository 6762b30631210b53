"""The programme's form on the officer's phone, in a real Chromium: filled with no network (its definition
came with the cached page), refused by its constraint before saving, and received by the server with the
answers; a version published while a draft is open changes neither the draft nor what it sends."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fieldwork.extensions import db
from fieldwork.forms.services import publish_form, upload_form
from fieldwork.models import Visit
from tests.browser.conftest import screenshot
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
from tests.builders import make_mipyme, make_user, make_visit
from tests.forms.fixtures import CHANNELS, SOURCES, YES_NO, programme_form, programme_survey
from tests.forms.xlsform import question, xlsform

pytestmark = pytest.mark.browser


def answer(name: str) -> str:
    return f"[name='answers.{name}']"


@pytest.fixture
def published(app):
    """An officer with a Mipyme, and the programme's form published by a supervisor."""
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    supervisor = make_user("supervisor", username="sara")
    version = publish_form(supervisor, upload_form(supervisor, programme_form(), "seguimiento.xlsx"))
    db.session.commit()
    return officer, mipyme, supervisor, version


def test_form_filled_offline_is_checked_on_the_phone_and_reaches_the_server(server, network, page, published):
    officer, mipyme, _, version = published
    log_in_and_get_ready(page, server.url, "lucia")
    network.off()
    response = open_form(page, server.url)
    assert response.from_service_worker  # page and definition from the phone's cache
    fill_visit(page, mipyme.id)
    assert page.locator("[data-question=monto]").is_hidden()
    page.check(f"{answer('recibio_financiacion')}[value=si]")
    assert page.locator("[data-question=monto]").is_visible()  # relevance follows the answer, offline
    page.fill(answer("monto"), "0")
    page.check(f"{answer('canales')}[value=tienda]")
    page.check(f"{answer('canales')}[value=redes]")
    page.fill(answer("empleados_formales"), "3")
    page.fill(answer("empleados_informales"), "2")
    assert page.locator("[data-question=resumen]").inner_text() == "Empleados en total: 5"

    page.click("button[type=submit]")  # refused on the phone: the constraint's own message, beside the field
    error = page.locator("[data-question=monto] .error")
    assert error.inner_text() == "El monto debe ser mayor que cero."
    assert page.locator(answer("monto")).get_attribute("aria-invalid") == "true"
    assert page.get_attribute("form[data-visit-form]", "data-last-queued") is None
    screenshot(page, "form-offline-constraint-phone")

    page.fill(answer("monto"), "35,5")
    visit_id = save_visit(page)
    network.on()
    wait_until_all_sent(page)
    [visit] = stored_visits()
    assert visit.id == visit_id and visit.form_version_id == version.id
    assert visit.answers == {"recibio_financiacion": "si", "monto": 35.5, "canales": ["tienda", "redes"],
                             "empleados_formales": 3, "empleados_informales": 2, "empleados_total": "5"}


def test_answers_of_a_hidden_question_are_not_sent(server, page, published):
    _, mipyme, _, _ = published
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    page.check(f"{answer('recibio_financiacion')}[value=si]")
    page.fill(answer("monto"), "12")
    page.check(f"{answer('recibio_financiacion')}[value=no]")  # the amount no longer applies
    page.fill(answer("empleados_formales"), "2")
    save_visit(page)
    wait_until_all_sent(page)
    [visit] = stored_visits()
    # The calculate is the server's own sum: 2 + an unanswered question is NaN, stored as its string.
    assert visit.answers == {"recibio_financiacion": "no", "empleados_formales": 2, "empleados_total": "NaN"}


def second_version() -> bytes:
    """v2 asks one question more (required) and drops the observation."""
    survey = [q for q in programme_survey() if q["name"] != "observacion"]
    survey.append(question("select_one si_no", "vende_en_linea", "¿Vende en línea?", required="yes"))
    return xlsform(survey, YES_NO + SOURCES + CHANNELS,
                   {"form_title": "Seguimiento Mipyme", "form_id": "seguimiento_mipyme", "version": "2026030202"})


def test_version_published_while_a_draft_is_open_keeps_the_draft_on_its_version(server, page, published):
    _, mipyme, supervisor, first = published
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    page.check(f"{answer('recibio_financiacion')}[value=no]")
    saved_after(page, lambda: page.fill(answer("observacion"), "Cerrado por remodelación"))

    second = publish_form(supervisor, upload_form(supervisor, second_version(), "seguimiento-v2.xlsx"))
    db.session.commit()
    page.reload()  # the page now embeds v2; the draft (its address: ?mipyme_id=) reopens on v1, answers and all
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    assert page.locator(answer("vende_en_linea")).count() == 0
    assert page.input_value(answer("observacion")) == "Cerrado por remodelación"
    assert page.is_checked(f"{answer('recibio_financiacion')}[value=no]")
    save_visit(page)
    wait_until_all_sent(page)
    [visit] = stored_visits()
    assert visit.form_version_id == first.id
    assert visit.answers == {"recibio_financiacion": "no", "observacion": "Cerrado por remodelación",
                             "empleados_total": "NaN"}

    # The next visit starts on the new version.
    page.wait_for_selector(answer("vende_en_linea"), state="attached")
    assert page.locator(answer("observacion")).count() == 0
    assert second.id != first.id


def test_returned_visit_reopens_on_its_own_version_with_its_answers(server, page, published):
    """Filled in v1 (which this phone never saw), returned by the supervisor after v2 was published."""
    _, mipyme, supervisor, first = published
    returned = make_visit(mipyme, review_status="returned", review_comment="Revise el monto.",
                          form_version_id=first.id,
                          answers={"recibio_financiacion": "si", "monto": 35.5, "canales": ["tienda", "redes"],
                                   "observacion": "Primera versión"})
    publish_form(supervisor, upload_form(supervisor, second_version(), "seguimiento-v2.xlsx"))
    db.session.commit()
    log_in_and_get_ready(page, server.url, "lucia")
    page.goto(server.url + "/visits/mine")
    page.get_by_role("button", name="Corregir y reenviar").click()
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    assert page.input_value(answer("monto")) == "35,5"  # as Colombia writes it
    assert page.is_checked(f"{answer('canales')}[value=redes]")
    assert page.locator(answer("vende_en_linea")).count() == 0  # v1's questions, not v2's
    page.fill(answer("monto"), "40,25")
    page.click("button[type=submit]")
    page.wait_for_selector("form[data-last-queued]")
    wait_until_all_sent(page)
    db.session.expire_all()
    visit = db.session.get(Visit, returned.id)
    assert (visit.revision, visit.review_status, visit.form_version_id) == (2, "submitted", first.id)
    assert visit.answers["monto"] == 40.25 and visit.answers["observacion"] == "Primera versión"


def test_today_in_a_constraint_is_the_visit_day_not_the_phones(server, page, published):
    """A visit typed in on Friday for Monday judges `. <= today()` as on Monday, live."""
    now = datetime.now(ZoneInfo("America/Bogota"))
    visit_day, yesterday = now - timedelta(days=4), (now - timedelta(days=1)).date().isoformat()
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    page.fill("input[name=visited_at]", visit_day.strftime("%Y-%m-%dT%H:%M"))
    page.fill(answer("renovo_matricula"), yesterday)
    error = page.locator("[data-question=renovo_matricula] .error")
    assert error.inner_text() == "La fecha no puede ser posterior a la visita."
    page.fill("input[name=visited_at]", now.strftime("%Y-%m-%dT%H:%M"))
    assert error.count() == 0
