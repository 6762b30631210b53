"""A visit's life as people see it on a phone (390×844), issue 16 items 4, 6, 19: the supervisor's
visit page says the owner has not answered, and each dispute outcome reads on one line; the officer's
"Por corregir" card shows the owner's words and the supervisor's instruction, each signed.
Screenshots under test-artifacts/."""
from __future__ import annotations

from fieldwork.extensions import db
from fieldwork.models import Visit
from fieldwork.supervision.services import resolve_dispute
from tests.browser.conftest import login_through_page, screenshot
from tests.builders import PASSWORD, make_mipyme, make_user, make_visit

# How many lines the text after each outcome radio takes on screen.
LINES = """() => [...document.querySelectorAll('input[name=outcome]')].map((input) => {
  const range = document.createRange();
  range.selectNodeContents(input.parentElement);
  range.setStartAfter(input);
  return new Set([...range.getClientRects()].filter((r) => r.width > 1).map((r) => Math.round(r.top))).size;
})"""


def test_supervisor_sees_the_owner_unanswered_and_one_line_outcomes(app, live_server, page):
    officer = make_user("officer", name="Ana Núñez")
    mipyme = make_mipyme(officer, name="Artesanías Wayuu Kanas")
    unanswered = make_visit(mipyme, notes="Taller ordenado.")
    disputed = make_visit(mipyme, owner_confirmation="disputed", owner_comment="La visita fue el martes.")
    make_user("supervisor", username="supervisora", name="Sara Supervisora")
    login_through_page(page, live_server.url, "supervisora", PASSWORD)
    page.goto(f"{live_server.url}/supervision/visits/{unanswered.id}")
    assert page.locator(".owner-unanswered").is_visible()
    screenshot(page, "lifecycle-supervisor-owner-unanswered")
    page.goto(f"{live_server.url}/supervision/visits/{disputed.id}")
    assert page.evaluate(LINES) == [1, 1]
    screenshot(page, "lifecycle-supervisor-dispute-outcomes")


def test_officer_card_signs_the_owners_words_and_the_supervisors_instruction(app, live_server, page):
    officer = make_user("officer", username="oficial", name="Ana Núñez")
    supervisor = make_user("supervisor", name="Sara Supervisora")
    visit = make_visit(make_mipyme(officer, name="Quesos del Cesar"), owner_confirmation="disputed",
                       owner_comment="Somos 6 empleados, no 4.")
    resolve_dispute(supervisor, db.session.get(Visit, visit.id), "Vuelva a contar los empleados con el dueño.",
                    "owner_right")
    db.session.commit()
    login_through_page(page, live_server.url, "oficial", PASSWORD)
    page.goto(f"{live_server.url}/visits/")
    card = page.locator("[data-returned-visit]")
    assert card.locator(".owner-said").inner_text() == "El propietario escribió: Somos 6 empleados, no 4."
    assert card.locator(".supervisor-said").inner_text() == (
        "Supervisión (Sara Supervisora) indica: Vuelva a contar los empleados con el dueño.")
    screenshot(page, "lifecycle-officer-card-to-correct")
