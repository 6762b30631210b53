"""validate_answers: the contract's Validation paragraph, rule by rule, on the programme's form."""
from __future__ import annotations

from datetime import date

import pytest

from fieldwork.forms.answers import validate_answers
from fieldwork.forms.services import definition
from tests.forms.fixtures import publish

DAY = date(2026, 3, 2)
GOOD = {"recibio_financiacion": "si", "monto": 2.5, "fuente": "banco", "canales": ["redes", "tienda"],
        "empleados_formales": 3, "empleados_informales": 4, "renovo_matricula": "2026-01-20",
        "observacion": "  Todo bien  "}


@pytest.fixture
def form(app):
    return definition(publish(), "es")


def test_valid_answers_are_kept_typed_with_the_calculate_computed(form):
    clean, errors = validate_answers(form, GOOD, DAY)
    assert errors == {}
    assert clean == {**GOOD, "empleados_total": "7"}


def test_answers_to_a_non_relevant_group_are_dropped_and_its_required_question_is_not_asked(form):
    clean, errors = validate_answers(form, {**GOOD, "recibio_financiacion": "no", "monto": -1}, DAY)
    assert errors == {}
    assert "monto" not in clean and "fuente" not in clean


def test_calculate_sent_by_the_phone_is_recomputed(form):
    clean, _errors = validate_answers(form, {**GOOD, "empleados_total": "999"}, DAY)
    assert clean["empleados_total"] == "7"


def test_calculate_of_unanswered_numbers_is_nan_as_xpath_says(form):
    answers = {k: v for k, v in GOOD.items() if not k.startswith("empleados")}
    clean, errors = validate_answers(form, answers, DAY)
    assert errors == {} and clean["empleados_total"] == "NaN"


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"monto": None}, "monto", "Esta pregunta es obligatoria."),
    ({"recibio_financiacion": None}, "recibio_financiacion", "Esta pregunta es obligatoria."),
    ({"monto": 0}, "monto", "El monto debe ser mayor que cero."),
    ({"canales": ["tienda", "feria", "redes", "web"]}, "canales", "Elija como máximo tres canales."),
    ({"empleados_formales": -1}, "empleados_formales", "La respuesta no cumple la condición de esta pregunta."),
    ({"renovo_matricula": "2026-03-03"}, "renovo_matricula", "La fecha no puede ser posterior a la visita."),
    ({"empleados_formales": 2.5}, "empleados_formales", "Escriba un número entero."),
    ({"empleados_formales": "3"}, "empleados_formales", "Escriba un número entero."),
    ({"empleados_formales": True}, "empleados_formales", "Escriba un número entero."),
    ({"monto": "2,5"}, "monto", "Escriba un número."),
    ({"fuente": "prestamista"}, "fuente", "Elija una de las opciones de la lista."),
    ({"canales": "tienda"}, "canales", "Elija una de las opciones de la lista."),
    ({"canales": ["tienda", "trueque"]}, "canales", "Elija una de las opciones de la lista."),
    ({"renovo_matricula": "2026-02-30"}, "renovo_matricula", "Escriba una fecha AAAA-MM-DD."),
    ({"renovo_matricula": "20/01/2026"}, "renovo_matricula", "Escriba una fecha AAAA-MM-DD."),
    ({"observacion": 12}, "observacion", "Escriba un texto."),
    ({"color_favorito": "azul"}, "color_favorito", "Esta pregunta no existe en el formulario."),
    ({"resumen": "una nota"}, "resumen", "Esta pregunta no existe en el formulario."),
    ({"financiacion": "un grupo"}, "financiacion", "Esta pregunta no existe en el formulario."),
])
def test_each_rule_refuses_with_its_message_under_answers_name(form, change, field, message):
    _clean, errors = validate_answers(form, {**GOOD, **change}, DAY)
    assert errors == {f"answers.{field}": [message]}


def test_today_is_the_visits_day_not_the_day_it_arrives(form):
    answers = {**GOOD, "renovo_matricula": "2026-03-05"}
    assert validate_answers(form, answers, date(2026, 3, 2))[1] != {}
    assert validate_answers(form, answers, date(2026, 3, 6))[1] == {}


def test_answers_must_be_an_object(form):
    assert validate_answers(form, ["si"], DAY) == (
        {}, {"answers": ["Las respuestas deben ser un objeto {pregunta: valor}."]})


def test_empty_text_and_empty_selection_count_as_unanswered_and_spaces_are_kept_as_typed(form):
    clean, errors = validate_answers(form, {**GOOD, "observacion": "", "canales": []}, DAY)
    assert errors == {} and "observacion" not in clean and "canales" not in clean
    assert validate_answers(form, {**GOOD, "observacion": "  "}, DAY)[0]["observacion"] == "  "


def test_a_malformed_answer_to_a_hidden_question_is_dropped_not_refused(form):
    clean, errors = validate_answers(form, {**GOOD, "recibio_financiacion": "no", "monto": "mucho"}, DAY)
    assert errors == {} and "monto" not in clean


def test_required_comes_before_type_and_type_before_constraint(form):
    _clean, errors = validate_answers(form, {**GOOD, "monto": "cero"}, DAY)
    assert errors == {"answers.monto": ["Escriba un número."]}
