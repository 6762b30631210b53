"""The visit form without JavaScript posts `answers.<name>` fields; they reach the same checks as the phone's."""
from __future__ import annotations

import uuid

import pytest

from fieldwork.extensions import db
from fieldwork.models import Visit
from tests.builders import make_mipyme, make_user
from tests.conftest import form_token, login
from tests.forms.fixtures import publish


@pytest.fixture
def officer_page(client):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    login(client, officer)
    return client, mipyme


def _post(client, mipyme, **answers):
    visit_id = str(uuid.uuid4())
    data = {"csrf_token": form_token(client, "/visits/new"), "id": visit_id, "revision": "1",
            "mipyme_id": str(mipyme.id), "visited_at": "2026-01-10T09:30", "topics": ["produccion"], **answers}
    return client.post("/visits/new", data=data), visit_id


def test_posted_answers_are_read_as_colombians_write_numbers(officer_page):
    client, mipyme = officer_page
    version = publish()
    response, visit_id = _post(client, mipyme, **{
        "form_version_id": str(version.id), "answers.recibio_financiacion": "si", "answers.monto": "1.234,5",
        "answers.canales": ["tienda", "redes"], "answers.empleados_formales": "3",
        "answers.renovo_matricula": "2026-01-02", "answers.observacion": " "})
    assert response.status_code == 302, response.get_data(as_text=True)
    visit = db.session.get(Visit, visit_id)
    assert visit.form_version_id == version.id
    assert visit.answers == {"recibio_financiacion": "si", "monto": 1234.5, "canales": ["tienda", "redes"],
                             "empleados_formales": 3, "renovo_matricula": "2026-01-02", "empleados_total": "NaN"}


def test_a_figure_that_does_not_read_is_refused_and_nothing_is_stored(officer_page):
    client, mipyme = officer_page
    version = publish()
    response, visit_id = _post(client, mipyme, **{
        "form_version_id": str(version.id), "answers.recibio_financiacion": "no", "answers.empleados_formales": "3,5"})
    assert response.status_code == 200
    assert "Escriba un número entero." in response.get_data(as_text=True)
    assert db.session.get(Visit, visit_id) is None


def test_a_page_that_posts_no_questions_stores_a_visit_without_a_form(officer_page):
    client, mipyme = officer_page
    publish()
    response, visit_id = _post(client, mipyme)
    assert response.status_code == 302
    assert db.session.get(Visit, visit_id).answers is None


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("answers.observacion", "a" * 10_001, "La respuesta es demasiado larga: escriba como máximo 10.000 caracteres."),
    ("answers.monto", "5.000.000.000.000.000,5", "Escriba un número."),
    ("answers.empleados_formales", "9.000.000.000.000.000", "Escriba un número entero.")])
def test_a_text_or_figure_past_the_limits_is_refused_beside_it_without_javascript(officer_page, field, typed, message):
    client, mipyme = officer_page
    version = publish()
    response, visit_id = _post(client, mipyme, **{
        "form_version_id": str(version.id), "answers.recibio_financiacion": "si", "answers.monto": "2,5", field: typed})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.get(Visit, visit_id) is None
