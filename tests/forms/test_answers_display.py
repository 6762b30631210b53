"""Every page that shows a visit shows its answers, with the labels of the version it was filled in."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from fieldwork import confirmation_links as links
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login
from tests.forms.fixtures import CHANNELS, SOURCES, YES_NO, programme_form, programme_survey, publish
from tests.forms.xlsform import choice, xlsform

FIRST_ANSWERS = {"recibio_financiacion": "si", "monto": 4500000, "fuente": "banco", "canales": ["tienda", "redes"],
                 "empleados_formales": 3, "empleados_informales": 2, "empleados_total": "5",
                 "renovo_matricula": "2026-01-02", "observacion": "Vende también en la plaza"}
SECOND_ANSWERS = {"recibio_financiacion": "no", "canales": ["feria"], "empleados_formales": 1,
                  "monto_decimal": 35.5}


def renamed_form() -> bytes:
    """Version 2: the same questions relabelled, the bank choice renamed, and a decimal question added."""
    relabel = {"recibio_financiacion": "¿Le prestaron dinero?", "canales": "¿Dónde vende?",
               "empleados_formales": "Personas con contrato"}
    survey = [dict(q, label=relabel.get(q.get("name"), q.get("label"))) for q in programme_survey()]
    survey.append({"type": "decimal", "name": "monto_decimal", "label": "Horas de apertura al día"})
    sources = [choice("fuentes", "banco", "Entidad bancaria")] + [c for c in SOURCES if c["name"] != "banco"]
    channels = [choice("canales", "feria", "Ferias y mercados")] + [c for c in CHANNELS if c["name"] != "feria"]
    return xlsform(survey, YES_NO + sources + channels,
                   {"form_title": "Seguimiento Mipyme", "form_id": "seguimiento_mipyme", "version": "2"})


@pytest.fixture
def world(app):
    supervisor = make_user("supervisor")
    first = publish(programme_form("1"), supervisor)
    second = publish(renamed_form(), supervisor)
    officer = make_user("officer", name="Lucía Ramos")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    old = make_visit(mipyme, officer, visited_at=datetime(2026, 1, 10, 14, tzinfo=UTC),
                     form_version_id=first.id, answers=FIRST_ANSWERS)
    new = make_visit(mipyme, officer, visited_at=datetime(2026, 2, 10, 14, tzinfo=UTC),
                     form_version_id=second.id, answers=SECOND_ANSWERS)
    plain = make_visit(mipyme, officer, visited_at=datetime(2026, 2, 20, 14, tzinfo=UTC))
    owner = make_user("owner", mipyme=mipyme)
    return {"supervisor": supervisor, "officer": officer, "owner": owner, "old": old, "new": new, "plain": plain}


def _answers_of(html: str) -> str:
    """The text of each answers block on the page, tags stripped, whitespace collapsed."""
    blocks = re.findall(r'<section class="form-answers".*?</section>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", b).split()) for b in blocks]


def assert_first_version_answers(text: str) -> None:
    assert "¿Recibió financiación desde la última visita? Sí" in text
    assert "Financiación Monto recibido (millones de pesos) 4.500.000" in text  # the group heads its answers
    assert "Fuente de la financiación Banco" in text
    assert "Canales de venta Tienda propia Redes sociales" in text
    assert "Empleados formales 3" in text
    assert "2 ene 2026" in text
    assert "Vende también en la plaza" in text


def assert_second_version_answers(text: str) -> None:
    assert "¿Le prestaron dinero? No" in text
    assert "¿Dónde vende? Ferias y mercados" in text
    assert "Personas con contrato 1" in text
    assert "Horas de apertura al día 35,5" in text
    assert "Financiación" not in text  # an empty group gets no heading
    assert "Empleados informales" not in text  # unanswered questions are skipped


def test_supervisors_visit_page_shows_answers_with_the_labels_of_each_visits_version(client, world):
    login(client, world["supervisor"])
    old = _answers_of(client.get(f"/supervision/visits/{world['old'].id}").get_data(as_text=True))
    new = _answers_of(client.get(f"/supervision/visits/{world['new'].id}").get_data(as_text=True))
    assert len(old) == len(new) == 1
    assert_first_version_answers(old[0])
    assert_second_version_answers(new[0])
    assert "Entidad bancaria" not in old[0] and "¿Le prestaron dinero?" not in old[0]
    plain = client.get(f"/supervision/visits/{world['plain'].id}").get_data(as_text=True)
    assert _answers_of(plain) == []  # a visit without a form has no answers block


def test_officers_visit_detail_shows_each_visits_answers(client, world):
    login(client, world["officer"])
    blocks = _answers_of(client.get("/visits/mine").get_data(as_text=True))
    assert len(blocks) == 2  # newest first; the visit without a form shows none
    assert_second_version_answers(blocks[0])
    assert_first_version_answers(blocks[1])


def test_owner_sees_the_answers_of_each_visit_on_their_home(client, world):
    login(client, world["owner"])
    blocks = _answers_of(client.get("/owner/").get_data(as_text=True))
    assert len(blocks) == 2
    assert_second_version_answers(blocks[0])
    assert_first_version_answers(blocks[1])


def test_confirmation_link_page_shows_the_visits_answers(client, world):
    html = client.get("/c/" + links.make_token(world["old"])).get_data(as_text=True)
    (block,) = _answers_of(html)
    assert_first_version_answers(block)


def test_answers_are_labelled_in_the_requests_language(client, world):
    login(client, world["supervisor"])
    with client.session_transaction() as session:
        session["lang"] = "en"
    (block,) = _answers_of(client.get(f"/supervision/visits/{world['old'].id}").get_data(as_text=True))
    assert "Did it receive financing since the last visit? Yes" in block


def _statements(client, path: str) -> int:
    from tests.test_query_count import counting_statements

    client.get(path)  # warm what is loaded once per process
    with counting_statements() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_lists_of_visits_load_their_versions_in_one_query_not_one_per_visit(client, make_client, world):
    old, new = world["old"], world["new"]
    officer, owner = make_client(), make_client()
    login(officer, world["officer"])
    login(owner, world["owner"])
    few = (_statements(officer, "/visits/mine"), _statements(owner, "/owner/"))
    for k in range(8):
        source = (old, new)[k % 2]
        make_visit(source.mipyme, world["officer"], visited_at=datetime(2026, 1, 1 + k, 14, tzinfo=UTC),
                   form_version_id=source.form_version_id, answers=dict(source.answers))
    assert (_statements(officer, "/visits/mine"), _statements(owner, "/owner/")) == few
    assert owner.get("/owner/").get_data(as_text=True).count('class="form-answers"') == 10


def test_a_calculated_total_without_a_label_shows_through_the_note_that_names_it(client, world):
    """The programme's (and the demo's) total is a calculate without a label; its note says it to the officer."""
    login(client, world["supervisor"])
    (old,) = _answers_of(client.get(f"/supervision/visits/{world['old'].id}").get_data(as_text=True))
    (new,) = _answers_of(client.get(f"/supervision/visits/{world['new'].id}").get_data(as_text=True))
    assert "Empleados en total: 5" in old
    assert "Empleados en total" not in new  # the note names no answer of that visit
    login(client, world["owner"])
    assert "Empleados en total: 5" in " ".join(_answers_of(client.get("/owner/").get_data(as_text=True)))
