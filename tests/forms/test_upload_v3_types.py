"""The question types of contract v3 at upload: each stored as forms-v3-spec §1 says, and their refusals."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.forms.answers import validate_answers
from fieldwork.forms.services import definition, upload_form
from fieldwork.models import FormVersion
from fieldwork.services import ServiceError
from tests.builders import make_user
from tests.forms.fixtures import YES_NO
from tests.forms.xlsform import choice, question, rewritten, xlsform

RANKED = [choice("canales", "tienda", "Tienda", label__en="Shop"), choice("canales", "feria", "Feria")]


@pytest.fixture
def supervisor(app):
    return make_user("supervisor")


def _stored(supervisor, rows, choices=None, filename="f.xlsx"):
    content = xlsform(rows, choices if choices is not None else YES_NO + RANKED)
    version = upload_form(supervisor, content, filename)
    db.session.commit()
    return {q["name"]: q for q in version.definition["questions"]}


def _refused(supervisor, rows, choices=None) -> list[str]:
    with pytest.raises(ServiceError) as refused:
        upload_form(supervisor, xlsform(rows, choices if choices is not None else YES_NO), "f.xlsx")
    assert db.session.scalar(select(func.count()).select_from(FormVersion)) == 0
    return refused.value.errors["file"]


@pytest.mark.parametrize(("written", "stored"), [
    ("time", "time"), ("dateTime", "dateTime"), ("datetime", "dateTime"), ("geopoint", "geopoint"),
    ("geotrace", "geotrace"), ("geoshape", "geoshape"), ("image", "image"), ("photo", "image"),
    ("acknowledge", "acknowledge"), ("trigger", "acknowledge"),
])
def test_each_new_type_is_stored_with_the_specs_name(supervisor, written, stored):
    questions = _stored(supervisor, [question(written, "q", "Pregunta", required="yes")])
    assert questions["q"] == {"name": "q", "type": stored, "label": {"es": "Pregunta", "en": "Pregunta"},
                              "required": True}


def test_metadata_rows_are_stored_by_type_and_name_without_a_label(supervisor):
    rows = [question(kind, kind) for kind in ("start", "end", "today", "deviceid", "username", "audit")]
    questions = _stored(supervisor, [question("text", "nombre", "Nombre"), *rows])
    assert [questions[kind] for kind in ("start", "end", "today", "deviceid", "username", "audit")] == [
        {"type": kind, "name": kind} for kind in ("start", "end", "today", "deviceid", "username", "audit")]


def test_a_range_keeps_its_parameters_as_numbers_and_odks_defaults_without_them(supervisor):
    questions = _stored(supervisor, [
        question("range", "satisfaccion", "Satisfacción", parameters="start=0 end=5 step=0.5", default="2.5"),
        question("range", "escala", "Escala")])
    assert questions["satisfaccion"]["parameters"] == {"start": 0, "end": 5, "step": 0.5}
    assert questions["satisfaccion"]["default"] == "2.5"
    assert questions["escala"]["parameters"] == {"start": 1, "end": 10, "step": 1}


def test_rank_carries_its_choices(supervisor):
    questions = _stored(supervisor, [question("rank canales", "orden", "Ordene los canales")])
    assert questions["orden"]["type"] == "rank"
    assert questions["orden"]["choices"] == [{"name": "tienda", "label": {"es": "Tienda", "en": "Shop"}},
                                             {"name": "feria", "label": {"es": "Feria", "en": "Feria"}}]


def test_or_other_is_pyxforms_expansion_in_both_languages(supervisor):
    version = upload_form(supervisor, xlsform([question("select_one canales or_other", "canal", "Canal")], RANKED),
                          "f.xlsx")
    questions = {q["name"]: q for q in version.definition["questions"]}
    assert questions["canal"]["choices"][-1] == {"name": "other", "label": {"es": "Otro", "en": "Other"}}
    assert questions["canal_other"] == {
        "name": "canal_other", "type": "text", "required": False,
        "label": {"es": "Especifique otro.", "en": "Specify other."}, "relevant": "selected(${canal}, 'other')",
        "ast": {"relevant": ["call", "selected", ["ref", "canal"], ["str", "other"]]}}
    shown = {q["name"]: q for q in definition(version, "es")["questions"]}
    assert shown["canal_other"]["label"] == "Especifique otro."


def test_an_xlsm_workbook_is_read_as_an_xlsx_and_its_macros_never_run(supervisor):
    """Excel's macro-enabled workbook: its own content type and a vbaProject.bin part, which nothing opens."""
    content = rewritten(xlsform([question("time", "hora", "Hora")]), "[Content_Types].xml", lambda xml: xml.replace(
        "spreadsheetml.sheet.main+xml", "ms-excel.sheet.macroEnabled.main+xml").replace(
        "application/vnd.openxmlformats-officedocument.ms-excel", "application/vnd.ms-excel"))
    content = rewritten(content, "xl/vbaProject.bin", data=b"\xd0\xcf\x11\xe0 not a real macro")
    version = upload_form(supervisor, content, "con_macros.xlsm")
    assert version.definition["questions"][0]["type"] == "time"


@pytest.mark.parametrize(("row", "expected"), [
    (question("range", "r", "R", parameters="start=0 end=diez"),
     "Hoja survey, fila 3: el XLSForm no es válido (pyxform: On the 'survey' sheet, the 'parameters' value is "
     "invalid. For the 'range' question type, the parameter 'end' must be a number.)"),
    (question("range", "r", "R", parameters="start=0 end=10 step=-1"),
     "Hoja survey, fila 3: el parámetro step de range debe ser mayor que cero."),
    (question("range", "r", "R", parameters="start=0 end=10 step=2", default="3"),
     "Hoja survey, fila 3: el valor por defecto «3» no es una respuesta válida para esta pregunta."),
    (question("geopoint", "g", "G", default="4.6 -74.1"),
     "Hoja survey, fila 3: las preguntas geopoint no admiten valor por defecto en Fieldwork; quítelo."),
    (question("time", "t", "T", default="25:00:00"),
     "Hoja survey, fila 3: el valor por defecto «25:00:00» no es una respuesta válida para esta pregunta."),
    (question("image", "foto", None), "Hoja survey, fila 3: falta la etiqueta (columna label)."),
    (question("phonenumber", "tel"), "Hoja survey, fila 3: el tipo «phonenumber» no está admitido."),
])
def test_a_new_type_used_wrongly_is_refused_naming_the_row(supervisor, row, expected):
    assert expected in _refused(supervisor, [question("text", "nombre", "Nombre"), row])


def test_a_time_compared_with_a_text_is_accepted_with_a_warning_that_says_it_is_always_false(supervisor):
    rows = [question("time", "abre", "¿A qué hora abre?", constraint=". >= '08:00:00'"),
            question("time", "cierra", "¿A qué hora cierra?", relevant="${abre} < '12:00'"),
            question("time", "almuerzo", "¿Almuerzo?", constraint="decimal-time(.) >= decimal-time('12:00:00')"),
            question("date", "dia", "Día", constraint=". >= '2026-01-01'"),
            question("text", "nota", "Nota", constraint=". > '08:00'")]
    version = upload_form(supervisor, xlsform(rows, YES_NO), "f.xlsx")
    warnings = version.definition["warnings"]
    assert warnings == [
        "Hoja survey, fila 2, columna constraint: «. >= '08:00:00'» compara una hora con el texto «08:00:00»: en "
        "las expresiones de ODK los dos lados de <, <=, > y >= se leen como números, una hora no lo es, y la "
        "comparación siempre es falsa. Para comparar horas escriba decimal-time(.) >= decimal-time('08:00:00').",
        "Hoja survey, fila 3, columna relevant: «${abre} < '12:00'» compara una hora con el texto «12:00»: en "
        "las expresiones de ODK los dos lados de <, <=, > y >= se leen como números, una hora no lo es, y la "
        "comparación siempre es falsa. Para comparar horas escriba decimal-time(.) >= decimal-time('12:00').",
    ]
    # What the warning says holds on the server: the first refuses every time; the suggested form does not.
    day = date(2026, 12, 7)
    assert validate_answers(definition(version, "es"), {"abre": "09:00:00"}, day)[1] == {
        "answers.abre": ["La respuesta no cumple la condición de esta pregunta."]}
    assert validate_answers(definition(version, "es"), {"almuerzo": "13:00:00"}, day)[1] == {}
