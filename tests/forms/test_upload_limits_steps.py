"""A form whose expressions together pass the server's evaluation budget per visit (xpath.MAX_STEPS nodes) is
refused at upload, saying why and by how much: each expression runs at most once per visit, so a form within
the total can never have a visit refused for the budget, and one past it could have every visit refused."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.forms.expressions import parse, size
from fieldwork.forms.xpath import MAX_STEPS
from fieldwork.models import FormVersion, Visit
from tests.builders import make_mipyme, make_user, visit_payload
from tests.conftest import login
from tests.forms.xlsform import question, xlsform


def heavy(operands: int) -> str:
    """A legal calculate, "one of these targets met": `${u}*2>1 or ${u}*3>2 or …`, 6 nodes an operand less one."""
    return " or ".join(f"${{u}}*{n % 8 + 2}>{n % 9 + 1}" for n in range(operands))


def form(calculates: list[str]) -> bytes:
    survey = [question("integer", "u", "Unidades vendidas en el mes")]
    survey += [question("calculate", f"meta_{i}", "", calculation=text) for i, text in enumerate(calculates)]
    return xlsform(survey, settings={"form_title": "Metas", "form_id": "metas", "version": "1"})


@pytest.fixture
def supervisor(make_client):
    client = make_client()
    login(client, make_user("supervisor", username="sara"))
    return client


def upload(client, content):
    return client.post("/api/v1/forms", data={"file": (io.BytesIO(content), "metas.xlsx")})


def test_a_form_past_the_budget_in_total_is_refused_with_why_and_how_much(supervisor):
    expression = heavy(333)
    assert len(expression) <= 4000 and size(parse(expression)) == 1997  # each one within every other limit
    response = upload(supervisor, form([expression] * 60))
    assert response.status_code == 400
    assert response.get_json()["errors"]["file"] == [
        "Hoja survey: las expresiones (relevant, constraint y calculation) suman 119.820 operaciones y el máximo "
        "por formulario es 100.000: con más, una visita podría pasar de lo que el servidor evalúa por visita y ser "
        "rechazada. Simplifique las expresiones o reparta las preguntas en dos formularios; la más grande está en "
        "la fila 3, columna calculation, con 1.997 operaciones."]
    assert db.session.scalar(select(func.count()).select_from(FormVersion)) == 0


def test_a_form_at_the_budget_is_accepted_and_its_costliest_visit_is_synced(supervisor, make_client):
    # 50 × 1,997 + 149 + 1 = MAX_STEPS exactly; an unanswered `u` leaves every operand false, so the server
    # evaluates every node of every calculate (no `or` stops early).
    calculates = [heavy(333)] * 50 + [heavy(25), "1"]
    assert sum(size(parse(text)) for text in calculates) == MAX_STEPS
    response = upload(supervisor, form(calculates))
    assert response.status_code == 201, response.get_json()
    version_id = response.get_json()["id"]
    assert supervisor.post(f"/api/v1/forms/{version_id}/publish").status_code == 200

    officer = make_user("officer", username="lucia")
    mipyme = make_mipyme(officer)
    phone = make_client()
    login(phone, officer)
    visit = visit_payload(mipyme.id, form_version_id=version_id, answers={})
    result = phone.post("/api/v1/visits/sync", json={"visits": [visit]}).get_json()["results"][0]
    assert result["status"] == "created", result
    db.session.expire_all()
    stored = db.session.get(Visit, visit["id"])
    assert stored.answers["meta_0"] == "false" and stored.answers["meta_51"] == "1"
