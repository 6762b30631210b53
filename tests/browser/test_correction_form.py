"""The correction form of a visit sent back after the owner's dispute (issue 16, items 6 and 19): the owner's
complaint and the supervisor's instruction, each labelled with who wrote it, on the form and in "Mis
visitas"; and the programme's money answers shown as Colombians write them (4.500.000)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fieldwork.extensions import db
from fieldwork.forms.services import publish_form, upload_form
from fieldwork.models import Visit
from tests.browser.conftest import LAPTOP, screenshot
from tests.browser.offline_helpers import (
    log_in_and_get_ready,
    server_fixture,  # noqa: F401  (fixture `server`)
    wait_until_all_sent,
)
from tests.builders import make_mipyme, make_user, make_visit
from tests.forms.xlsform import question, xlsform

pytestmark = pytest.mark.browser

COMPLAINT = "Las ventas no son esas: este mes vendimos 2 millones."
INSTRUCTION = "Revise las ventas con el cuaderno de caja y corrija la cifra."


def money_form() -> bytes:
    return xlsform([question("integer", "ventas_mes", "Ventas del mes (pesos)", constraint=". >= 0"),
                    question("decimal", "credito", "Crédito recibido (pesos)")], [],
                   {"form_title": "Seguimiento", "form_id": "seguimiento", "version": "2026030201"})


@pytest.fixture
def disputed(app):
    """A visit the owner disputed and the supervisor, Sara Gómez, sent back agreeing with the owner."""
    officer = make_user("officer", username="lucia", name="Lucía Ramos")
    supervisor = make_user("supervisor", username="sara", name="Sara Gómez")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    version = publish_form(supervisor, upload_form(supervisor, money_form(), "seguimiento.xlsx"))
    db.session.commit()
    return make_visit(mipyme, review_status="returned", review_comment=INSTRUCTION, reviewed_by_id=supervisor.id,
                      reviewed_at=datetime.now(UTC), owner_confirmation="disputed", owner_comment=COMPLAINT,
                      dispute_outcome="owner_right", dispute_resolved_at=datetime.now(UTC),
                      form_version_id=version.id, answers={"ventas_mes": 4500000, "credito": 1234567.5})


def test_the_correction_form_signs_each_note_and_shows_money_as_written_in_colombia(server, page, disputed):
    log_in_and_get_ready(page, server.url, "lucia")
    page.goto(server.url + "/visits/")
    page.get_by_role("button", name="Corregir visita").click()
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    notice = page.locator("[data-form-notice]")
    lines = notice.locator("p").all_inner_texts()
    assert lines == [f"El propietario escribió: {COMPLAINT}", f"Supervisión (Sara Gómez) indica: {INSTRUCTION}"]
    assert "Comentario de supervisión" not in notice.inner_text()
    assert page.input_value("[name='answers.ventas_mes']") == "4.500.000"
    assert page.input_value("[name='answers.credito']") == "1.234.567,5"
    screenshot(page, "correction-form-after-dispute-phone")
    page.set_viewport_size(LAPTOP)
    screenshot(page, "correction-form-after-dispute-laptop")

    page.goto(server.url + "/visits/mine")  # the draft on the phone, and the office's card
    page.wait_for_selector("[data-local-visits][data-ready=true]")
    local = page.locator(f"[data-local-id='{disputed.id}']").inner_text()
    assert f"El propietario escribió: {COMPLAINT}" in local
    assert f"Supervisión (Sara Gómez) indica: {INSTRUCTION}" in local
    office = page.locator(f"[data-visit-id='{disputed.id}']").inner_text()
    assert f"Supervisión (Sara Gómez) indica: {INSTRUCTION}" in office

    page.goto(server.url + f"/visits/new?draft={disputed.id}")
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    page.fill("[name='answers.ventas_mes']", "2.000.000")  # typed as written, received as the number it is
    page.click("button[type=submit]")
    page.wait_for_selector("form[data-last-queued]")
    wait_until_all_sent(page)
    db.session.expire_all()
    visit = db.session.get(Visit, disputed.id)
    assert (visit.revision, visit.answers["ventas_mes"], visit.answers["credito"]) == (2, 2000000, 1234567.5)
