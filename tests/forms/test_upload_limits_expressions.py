"""API.md's expression limits at upload: nesting past 50 and length past 4,000 are refused with the row and the
column, a long chain of or/and is not nesting, numbers stay within ±10^15, and no pattern or depth answers 500."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.forms.answers import validate_answers
from fieldwork.forms.expressions import references
from fieldwork.forms.services import definition, upload_form
from fieldwork.forms.xpath import evaluate
from fieldwork.models import FormVersion
from fieldwork.services import ServiceError
from tests.builders import make_user
from tests.forms.xlsform import question, xlsform
from tests.node.runner import run


@pytest.fixture
def supervisor(app):
    return make_user("supervisor")


def _form(**columns):
    return xlsform([question("integer", "edad", "Edad"), question("integer", "hijos", "Hijos", **columns)])


def _refusal(supervisor, content):
    with pytest.raises(ServiceError) as refused:
        upload_form(supervisor, content, "f.xlsx")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(FormVersion)) == 0
    return refused.value.errors["file"]


def _depth(node):
    return 1 + max((_depth(child) for child in node[1:] if isinstance(child, list)), default=0)


NESTED_51 = "(" * 51 + "${edad}" + ")" * 51 + " > 1"


@pytest.mark.parametrize(("column", "expression", "reason"), [
    ("relevant", NESTED_51, "La expresión anida paréntesis o funciones a más de 50 niveles; divídala en varias "
                            "preguntas calculate."),
    ("relevant", "not(" * 51 + "1" + ")" * 51, "La expresión anida paréntesis o funciones a más de 50 niveles; "
                                               "divídala en varias preguntas calculate."),
    ("constraint", ". > " + "1 + " * 1000 + "1", "La expresión tiene 4.005 caracteres; el máximo es 4.000. Divídala "
                                                 "en varias preguntas calculate."),
    ("constraint", ". < " + "1" * 309, "El número 11111111111111111111… pasa de 10^15 (1.000.000.000.000.000), el "
                                       "mayor que admiten las respuestas."),
    ("constraint", ". < 1000000000000000.5", "El número 1000000000000000.5 pasa de 10^15 (1.000.000.000.000.000), el "
                                             "mayor que admiten las respuestas."),
    ("constraint", ". > " + "-" * 250 + "1", "La expresión encadena demasiadas operaciones (más de 200 niveles); "
                                             "divídala en varias preguntas calculate."),
    ("constraint", "regex(., 'a{4294967296}')", "El patrón de regex() no se admite: Las repeticiones {m,n} del "
                                                "patrón pueden ir hasta 100"),
    ("constraint", "regex(., '^\\w+$')", "El patrón de regex() no se admite: «\\w» no se admite en el patrón"),
    ("constraint", "regex(., '(?P<a>x)')", "El patrón de regex() no se admite: Los grupos del patrón se escriben"),
])
def test_an_expression_past_the_limits_is_refused_with_its_row_and_column(supervisor, column, expression, reason):
    messages = _refusal(supervisor, _form(**{column: expression}))
    assert len(messages) == 1 and messages[0].startswith(f"Hoja survey, fila 3, columna {column}: {reason}"), messages


@pytest.mark.parametrize("default", ["1" + "0" * 15 + "1", "-" + "9" * 309])
def test_a_numeric_default_outside_the_bound_of_answers_is_refused(supervisor, default):
    messages = _refusal(supervisor, _form(default=default))
    assert messages == [f"Hoja survey, fila 3: el valor por defecto «{default}» no es una respuesta válida para esta "
                        "pregunta."]


def test_expressions_at_the_limits_are_read_and_stored_as_plain_json(supervisor):
    nested = "(" * 50 + "${edad}" + ")" * 50 + " > 1"
    long = ". != '" + "x" * (4000 - len(". != ''")) + "'"
    version = upload_form(supervisor, _form(relevant=nested, constraint=long, default="1000000000000000"), "f.xlsx")
    db.session.commit()
    hijos = json.loads(json.dumps(db.session.get(FormVersion, version.id).definition, allow_nan=False))["questions"][1]
    assert hijos["ast"]["relevant"] == [">", ["ref", "edad"], ["num", 1]]
    assert len(hijos["constraint"]) == 4000


def test_a_long_chain_of_or_is_not_nesting_and_is_stored_shallow(supervisor):
    chain = "${edad} = 0 or " + " or ".join(f". = {n}" for n in range(300))
    assert 2000 < len(chain) <= 4000
    version = upload_form(supervisor, _form(constraint=chain), "f.xlsx")
    db.session.commit()
    ast = db.session.get(FormVersion, version.id).definition["questions"][1]["ast"]["constraint"]
    assert _depth(ast) <= 12  # balanced: log2(301) levels, not 301
    assert references(ast) == {"edad"}
    assert evaluate(ast, {"edad": 3.0}, 299.0) is True and evaluate(ast, {"edad": 3.0}, 300.0) is False


def _spec_form() -> bytes:
    """What Kobo users write with the spec's library: date arithmetic, format-date(), text and number functions."""
    survey = [
        question("date", "entrega", "Fecha de entrega", constraint=". <= today() + 1",
                 constraint_message="La entrega no puede pasar de mañana."),
        question("date", "inicio", "Inicio", constraint=". >= date(today() - 365)"),
        question("calculate", "dias", calculation="${entrega} - ${inicio}"),
        question("calculate", "mes", calculation="format-date(${entrega}, '%b %Y')"),
        question("text", "codigo", "Código", constraint="starts-with(., 'VP') and string-length(substr(., 2)) = 4 "
                                                        "and not(contains(normalize-space(.), ' '))"),
        question("decimal", "precio", "Precio", constraint="pow(., 1) = abs(.) and . <= max(1, 100) and "
                                                           "floor(.) = ceiling(.) and round(., 400) = ."),
        question("calculate", "limpio", calculation="translate(substring-after(${codigo}, 'VP'), '0', 'O')"),
        question("calculate", "hecho", calculation="if(boolean-from-string('true') and true(), "
                                                   "join('-', ${codigo}, selected-at('a b', 1)), false())"),
    ]
    return xlsform(survey, [], {"form_title": "Entregas", "form_id": "entregas", "version": "1"})


@pytest.mark.parametrize(("delivered", "error"), [
    ("2026-03-03", None), ("2026-03-02", None), ("2026-03-04", "La entrega no puede pasar de mañana."),
])
def test_a_date_compared_with_today_plus_one_is_judged_alike_on_phone_and_server(supervisor, delivered, error):
    """`. <= today() + 1` was accepted and then refused every answer: a date is now days since 1970-01-01."""
    version = upload_form(supervisor, _spec_form(), "f.xlsx")
    db.session.commit()
    form = definition(version, "es")
    answers = {"entrega": delivered, "inicio": "2026-02-01", "codigo": "VP1020", "precio": 12}
    clean, errors = validate_answers(form, answers, date(2026, 3, 2))
    assert errors == ({} if error is None else {"answers.entrega": [error]})
    phone = run("verdict", [{"definition": form, "answers": answers, "today": "2026-03-02"}])[0]
    assert phone == {"answers": clean, "errors": errors}
    if error is None:
        assert clean["dias"] == str((date.fromisoformat(delivered) - date(2026, 2, 1)).days)
        assert clean["mes"] == "mar 2026" and clean["limpio"] == "1O2O" and clean["hecho"] == "VP1020-b"


@pytest.mark.parametrize(("expression", "reason"), [
    ("jr:itext('edad')", "Fieldwork no admite todavía la función jr:itext()."),
    ("digest(., 'SHA-256') != ''", "Fieldwork no admite todavía la función digest()."),
    ("format-date(today()) != ''", "La función format-date() no admite 1 argumentos."),
])
def test_a_function_not_supported_yet_is_named_not_taken_for_a_question(supervisor, expression, reason):
    messages = _refusal(supervisor, _form(constraint=expression))
    assert messages == [f"Hoja survey, fila 3, columna constraint: {reason}"], messages
