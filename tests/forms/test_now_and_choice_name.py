"""now() and jr:choice-name() in a form: accepted at upload, and the same value on the phone and the server.

now() is the visit's visited_at in the programme's zone; jr:choice-name() reads the choices' labels in the
language they were localized to (the officer's). The phone's side runs the real modules under node
(tests/node/runner.py) on the definition the API gives the phone, with the page's language.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fieldwork.extensions import db
from fieldwork.models import Visit
from tests.builders import make_mipyme, make_user, visit_payload
from tests.conftest import login
from tests.forms.fixtures import publish
from tests.forms.xlsform import choice, question, xlsform
from tests.node.runner import run

SYNC = "/api/v1/visits/sync"
#: 23:30 on Monday 2 March in Valledupar, already Tuesday in UTC.
LATE_MONDAY = datetime(2026, 3, 3, 4, 30, tzinfo=UTC).isoformat()
CHOICE = "jr:choice-name(${canal}, '${canal}')"


def survey_form() -> bytes:
    survey = [
        question("select_one canales", "canal", "Canal principal", label__en="Main channel", required="yes"),
        question("calculate", "canal_nombre", calculation=CHOICE),
        question("calculate", "dia", calculation="format-date-time(now(), '%Y-%m-%d')"),
        question("integer", "precio", "Precio en la tienda", label__en="Shop price",
                 relevant=f"{CHOICE} = 'Tienda propia' or {CHOICE} = 'Own shop'"),
        question("text", "hora", "Hora de la visita", label__en="Time of the visit",
                 constraint=". = format-date-time(now(), '%H:%M')"),
    ]
    choices = [choice("canales", "tienda", "Tienda propia", label__en="Own shop"),
               choice("canales", "feria", "Ferias", label__en="Fairs")]
    return xlsform(survey, choices, {"form_title": "Canales", "form_id": "canales", "version": "2026030201"})


@pytest.fixture
def phone(client, app):
    officer = make_user("officer")
    login(client, officer)
    client.mipyme = make_mipyme(officer)
    return client


@pytest.fixture
def version(app):
    return publish(survey_form())  # refused at upload before: "Fieldwork no admite todavía la función now()."


def both_sides(phone, version, answers, language="es"):
    """(what the server stores or its errors, what the phone's walk keeps or its errors) for one visit."""
    visit = visit_payload(phone.mipyme.id, visited_at=LATE_MONDAY, form_version_id=version.id, answers=answers)
    response = phone.post(SYNC, json={"visits": [visit]})
    assert response.status_code == 200, response.get_json()
    result = response.get_json()["results"][0]
    if result["status"] == "created":
        db.session.expire_all()
        server = db.session.get(Visit, visit["id"]).answers
    else:
        server = result["errors"]
    definition = {**phone.get(f"/api/v1/forms/{version.id}").get_json(), "language": language}
    verdict = run("verdict", [{"definition": definition, "answers": answers, "today": "2026-03-02",
                               "visited_at": LATE_MONDAY, "zone": "America/Bogota"}])[0]
    return server, (verdict["errors"] or verdict["answers"])


def test_the_calculates_are_stored_as_the_phone_computes_them(phone, version):
    server, phone_side = both_sides(phone, version, {"canal": "tienda", "precio": 5000, "hora": "23:30"})
    assert server == phone_side == {"canal": "tienda", "canal_nombre": "Tienda propia", "dia": "2026-03-02",
                                    "precio": 5000, "hora": "23:30"}


def test_choice_names_are_in_the_officers_language_on_both_sides(phone, version):
    with phone.session_transaction() as session:
        session["lang"] = "en"
    server, phone_side = both_sides(phone, version, {"canal": "feria", "hora": "23:30"}, language="en")
    assert server == phone_side == {"canal": "feria", "canal_nombre": "Fairs", "dia": "2026-03-02",
                                    "hora": "23:30"}


def test_a_relevance_on_a_choice_name_drops_the_same_answer_on_both_sides(phone, version):
    server, phone_side = both_sides(phone, version, {"canal": "feria", "precio": 5000, "hora": "23:30"})
    assert "precio" not in server and server == phone_side


def test_a_constraint_on_now_is_the_visits_moment_in_bogota_on_both_sides(phone, version):
    for utc_hour in ("04:30", "23:31"):  # the UTC time, and a minute off
        server, phone_side = both_sides(phone, version, {"canal": "feria", "hora": utc_hour})
        assert server == phone_side == {
            "answers.hora": ["La respuesta no cumple la condición de esta pregunta."]}
