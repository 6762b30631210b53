"""Sync of a visit filled in a form with repeats, a cascading select, pulldata() and an instance_name: the server
keeps what the phone's walk keeps and refuses under the same paths (forms-v3 §4), through the real upload."""
from __future__ import annotations

from datetime import date

import pytest

from fieldwork.extensions import db
from fieldwork.forms import services
from fieldwork.forms.answers import judge_answers
from fieldwork.forms.definition import localized
from fieldwork.models import Visit
from tests.builders import make_mipyme, make_user, visit_payload
from tests.conftest import login
from tests.forms.xlsform import question, xlsform
from tests.node.runner import run

SYNC = "/api/v1/visits/sync"
PRICES = b"codigo,precio\na1,2500\nb2,4000\n"


def household_form() -> bytes:
    survey = [
        question("integer", "n", "¿Cuántas personas?", required="yes"),
        question("begin_repeat", "personas", "Persona", repeat_count="${n}"),
        question("text", "nombre", "Nombre", required="yes"),
        question("integer", "edad", "Edad", constraint=". < 120"),
        question("select_one comunas", "comuna", "Comuna"),
        question("select_one barrios", "barrio", "Barrio", choice_filter="comuna = ${comuna}"),
        question("text", "codigo", "Código"),
        question("calculate", "precio", calculation="pulldata('precios', 'precio', 'codigo', ${codigo})"),
        question("calculate", "orden", calculation="position(..)"),
        question("end_repeat", "personas"),
        question("calculate", "edades", calculation="sum(${edad})"),
    ]
    choices = [{"list_name": "comunas", "name": "c1", "label": "Centro"},
               {"list_name": "comunas", "name": "c2", "label": "Norte"},
               {"list_name": "barrios", "name": "b1", "label": "Uno", "comuna": "c1"},
               {"list_name": "barrios", "name": "b2", "label": "Dos", "comuna": "c2"}]
    return xlsform(survey, choices, {"form_title": "Hogar", "form_id": "hogar", "version": "1",
                                     "instance_name": "concat('Hogar de ', indexed-repeat(${nombre}, ${personas}, 1))"})


@pytest.fixture
def version(app):
    supervisor = make_user("supervisor")
    uploaded = services.upload_form(supervisor, household_form(), "hogar.xlsx", media=[("precios.csv", PRICES)])
    services.publish_form(supervisor, uploaded)
    db.session.commit()
    return uploaded


@pytest.fixture
def phone(client, app):
    officer = make_user("officer")
    login(client, officer)
    client.mipyme = make_mipyme(officer)
    return client


def send(phone, answers, version):
    visit = visit_payload(phone.mipyme.id, form_version_id=version.id, answers=answers)
    result = phone.post(SYNC, json={"visits": [visit]}).get_json()["results"][0]
    return visit, result


GOOD = {"n": 2, "personas": [{"nombre": "Ana", "edad": 40, "comuna": "c1", "barrio": "b1", "codigo": "b2"},
                             {"nombre": "Luis", "edad": 12, "comuna": "c2", "barrio": "b2"}]}


def test_a_household_is_stored_with_its_instances_and_calculates(phone, version):
    visit, result = send(phone, GOOD, version)
    assert result["status"] == "created", result
    db.session.expire_all()
    kept = db.session.get(Visit, visit["id"]).answers
    assert kept["edades"] == "52"
    assert kept["personas"][0] == {**GOOD["personas"][0], "precio": "4000", "orden": "1"}
    assert kept["personas"][1] == {**GOOD["personas"][1], "orden": "2"}


@pytest.mark.parametrize(("change", "key"), [
    ({"n": 3}, "answers.personas"),
    ({"personas": [GOOD["personas"][0], {**GOOD["personas"][1], "barrio": "b1"}]}, "answers.personas[2].barrio"),
    ({"personas": [GOOD["personas"][0], {"edad": 3}]}, "answers.personas[2].nombre"),
    ({"personas": [{**GOOD["personas"][0], "edad": 130}, GOOD["personas"][1]]}, "answers.personas[1].edad"),
    ({"personas": "Ana y Luis"}, "answers.personas"),
])
def test_a_wrong_instance_is_refused_under_its_path_as_the_phone_says(phone, version, change, key):
    answers = {**GOOD, **change}
    _visit, result = send(phone, answers, version)
    assert result["status"] == "rejected" and list(result["errors"]) == [key], result
    definition = services.definition(version, "es")
    [walk] = run("walk", [{"definition": definition, "answers": answers, "today": date.today().isoformat()}])
    assert walk["errors"] == result["errors"]


def test_the_visit_title_is_the_forms_instance_name_on_both_sides(app, version):
    stored = {"questions": localized(version.definition, "es"), **{k: version.definition[k] for k in (
        "tables", "instance_name_ast")}}
    assert judge_answers(stored, GOOD, date(2026, 3, 2)).title == "Hogar de Ana"
    [walk] = run("walk", [{"definition": services.definition(version, "es"), "answers": GOOD, "today": "2026-03-02"}])
    assert walk["title"] == "Hogar de Ana"
