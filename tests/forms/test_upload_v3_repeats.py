"""Repeats at upload (contract v3, forms-v3-spec §1): stored as markers, shown as one item with its children;
what a repeat's expressions may say, and what stays refused inside one."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.forms.services import definition, upload_form
from fieldwork.models import FormVersion
from fieldwork.services import ServiceError
from tests.builders import make_user
from tests.conftest import login
from tests.forms.xlsform import question, xlsform


@pytest.fixture
def supervisor(app):
    return make_user("supervisor")


def _products(count: str = "${productos}") -> list[dict]:
    """The workshop's products: how many, then per product its units, and per product its sizes."""
    return [
        question("integer", "productos", "¿Cuántos productos fabrica?"),
        question("begin_repeat", "producto", "Producto", label__en="Product", repeat_count=count,
                 relevant="${productos} > 0"),
        question("text", "nombre", "Nombre del producto"),
        question("begin_group", "cifras", "Cifras"),
        question("integer", "unidades", "Unidades al mes", constraint="position(..) <= ${productos}"),
        question("end_group", ""),
        question("begin_repeat", "talla", "Talla"),
        question("decimal", "precio", "Precio"),
        question("end_repeat", ""),
        question("end_repeat", ""),
        question("calculate", "total_unidades", calculation="sum(${unidades})"),
        question("note", "resumen", "Productos: ${productos}; unidades: ${total_unidades}",
                 relevant="count(${producto}) > 0"),
    ]


def test_a_nested_repeat_is_stored_as_markers_with_its_count_and_relevance(supervisor):
    version = upload_form(supervisor, xlsform(_products()), "taller.xlsx")
    db.session.commit()
    stored = version.definition["questions"]
    assert [(q["type"], q.get("name")) for q in stored] == [
        ("integer", "productos"), ("begin_repeat", "producto"), ("text", "nombre"), ("begin_group", "cifras"),
        ("integer", "unidades"), ("end_group", "cifras"), ("begin_repeat", "talla"), ("decimal", "precio"),
        ("end_repeat", "talla"), ("end_repeat", "producto"), ("calculate", "total_unidades"), ("note", "resumen")]
    assert stored[1] == {"type": "begin_repeat", "name": "producto", "label": {"es": "Producto", "en": "Product"},
                         "relevant": "${productos} > 0", "repeat_count": "${productos}",
                         "ast": {"relevant": [">", ["ref", "productos"], ["num", 0]],
                                 "repeat_count": ["ref", "productos"]}}
    assert stored[9] == {"type": "end_repeat", "name": "producto"}
    assert stored[4]["ast"]["constraint"] == ["<=", ["call", "position", ["parent"]], ["ref", "productos"]]


def test_a_count_written_as_a_number_is_kept_as_written_without_pyxforms_helper(supervisor):
    """pyxform turns repeat_count 3 into a calculate `producto_count`: the definition keeps the expression."""
    version = upload_form(supervisor, xlsform(_products("3")), "taller.xlsx")
    names = [q.get("name") for q in version.definition["questions"]]
    assert "producto_count" not in names
    assert version.definition["questions"][1]["repeat_count"] == "3"
    assert version.definition["questions"][1]["ast"]["repeat_count"] == ["num", 3]


def test_the_api_shows_a_repeat_as_one_item_with_its_children(supervisor):
    version = upload_form(supervisor, xlsform(_products()), "taller.xlsx")
    questions = definition(version, "en")["questions"]
    assert [q["name"] for q in questions] == ["productos", "producto", "total_unidades", "resumen"]
    repeat = questions[1]
    assert {k: repeat[k] for k in ("name", "type", "label", "relevant", "repeat_count")} == {
        "name": "producto", "type": "repeat", "label": "Product", "relevant": "${productos} > 0",
        "repeat_count": "${productos}"}
    assert [(q["type"], q["name"]) for q in repeat["children"]] == [
        ("text", "nombre"), ("begin_group", "cifras"), ("integer", "unidades"), ("end_group", "cifras"),
        ("repeat", "talla")]
    assert repeat["children"][4]["children"][0]["name"] == "precio"
    assert repeat["children"][4]["children"][0]["label"] == "Precio"


def _refused(supervisor, content) -> list[str]:
    with pytest.raises(ServiceError) as refused:
        upload_form(supervisor, content, "f.xlsx")
    assert db.session.scalar(select(func.count()).select_from(FormVersion)) == 0
    return refused.value.errors["file"]


@pytest.mark.parametrize(("rows", "expected"), [
    ([question("integer", "n", "N", constraint="position(..) > 0")],
     "Hoja survey, fila 3, columna constraint: position(..) da el número de la repetición en curso, y esta fila "
     "no está dentro de una repetición (begin_repeat)."),
    ([question("begin_repeat", "r", "R", relevant="position(..) = 1"), question("text", "t", "T"),
      question("end_repeat", "")],
     "Hoja survey, fila 3, columna relevant: position(..) da el número de la repetición en curso, y esta fila "
     "no está dentro de una repetición (begin_repeat)."),
    ([question("begin_repeat", "r", "R"), question("integer", "ventas", "Ventas", indicator="sales_month_cop"),
      question("end_repeat", "")],
     "Hoja survey, fila 4: una pregunta dentro de una repetición se responde una vez por fila y no alimenta el "
     "indicador «sales_month_cop»; póngalo en un calculate fuera de la repetición que la resuma, por ejemplo "
     "sum(${ventas})."),
    ([question("begin_repeat", "r", "R", repeat_count="${nadie}"), question("text", "t", "T"),
      question("end_repeat", "")],
     "Hoja survey, fila 3, columna repeat_count: ${nadie} no es ninguna pregunta del formulario."),
    ([question("begin_repeat", "r", "R", repeat_count="${r} +"), question("text", "t", "T"),
      question("end_repeat", "")],
     "Hoja survey, fila 3, columna repeat_count: La expresión termina antes de tiempo."),
])
def test_what_a_repeat_may_not_say_is_refused_with_sheet_row_and_column(supervisor, rows, expected):
    assert expected in _refused(supervisor, xlsform([question("text", "a", "A"), *rows]))


def test_a_repeat_left_open_is_refused_with_pyxforms_reason(supervisor):
    messages = _refused(supervisor, xlsform([question("begin_repeat", "r", "R"), question("text", "t", "T")]))
    assert messages[0].startswith("Hoja survey, fila 2: el XLSForm no es válido (pyxform:"), messages


def test_the_upload_answer_carries_the_repeat_with_its_children_and_their_expressions(client):
    login(client, make_user("supervisor"))
    response = client.post("/api/v1/forms", data={"file": (io.BytesIO(xlsform(_products())), "taller.xlsx")})
    assert response.status_code == 201
    repeat = response.get_json()["questions"][1]
    assert repeat["type"] == "repeat" and repeat["ast"]["repeat_count"] == ["ref", "productos"]
    unidades = repeat["children"][2]
    assert unidades["name"] == "unidades" and unidades["constraint"] == "position(..) <= ${productos}"
    assert unidades["ast"]["constraint"][1] == ["call", "position", ["parent"]]
    assert repeat["children"][4]["children"] == [{"name": "precio", "type": "decimal", "label": "Precio",
                                                  "required": False}]
