"""API.md's expression limits at upload: nesting past 50 and length past 4,000 are refused with the row and the
column, a long chain of or/and is not nesting, numbers stay within ±10^15, and no pattern or depth answers 500."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.forms.expressions import references
from fieldwork.forms.services import upload_form
from fieldwork.forms.xpath import evaluate
from fieldwork.models import FormVersion
from fieldwork.services import ServiceError
from tests.builders import make_user
from tests.forms.xlsform import question, xlsform


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
