"""Cascading lists and the CSV files uploaded with a form (contract v3): choice_filter with the choices' columns,
select_*_from_file, pulldata() tables, the files' bounds, and the API's and the page's `media` parts."""
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
from tests.forms.xlsform import choice, question, xlsform

COMUNAS = [choice("comunas", "c1", "Comuna 1"), choice("comunas", "c2", "Comuna 2")]
BARRIOS = [choice("barrios", "centro", "Centro", comuna="c1"), choice("barrios", "novalito", "Novalito", comuna="c1"),
           choice("barrios", "mayales", "Los Mayales", comuna="c2")]
BARRIOS_CSV = b"codigo,nombre,comuna\n101,Centro,c1\n102,Novalito,c1\n201,Los Mayales,c2\n"


@pytest.fixture
def supervisor(app):
    return make_user("supervisor")


def _cascade(filter_: str = "comuna = ${comuna}") -> bytes:
    return xlsform([question("select_one comunas", "comuna", "Comuna"),
                    question("select_one barrios", "barrio", "Barrio", choice_filter=filter_)], COMUNAS + BARRIOS)


def _refused(supervisor, content, media=None) -> list[str]:
    before = db.session.scalar(select(func.count()).select_from(FormVersion))
    with pytest.raises(ServiceError) as refused:
        upload_form(supervisor, content, "f.xlsx", media=media)
    assert db.session.scalar(select(func.count()).select_from(FormVersion)) == before  # nothing stored
    return refused.value.errors["file"]


def test_a_choice_filter_is_stored_with_its_columns_ast_and_the_lists_extra_columns(supervisor):
    version = upload_form(supervisor, _cascade(), "f.xlsx")
    db.session.commit()
    barrio = version.definition["questions"][1]
    assert barrio["choice_filter"] == "comuna = ${comuna}"
    assert barrio["ast"]["choice_filter"] == ["=", ["col", "comuna"], ["ref", "comuna"]]
    assert barrio["choices"][0] == {"name": "centro", "label": {"es": "Centro", "en": "Centro"},
                                    "columns": {"comuna": "c1"}}
    # A list without extra columns keeps its choices as before.
    assert version.definition["questions"][0]["choices"][0] == {"name": "c1",
                                                                "label": {"es": "Comuna 1", "en": "Comuna 1"}}
    shown = definition(version, "es")["questions"][1]
    assert shown["choices"][2] == {"name": "mayales", "label": "Los Mayales", "columns": {"comuna": "c2"}}


def test_select_one_from_file_reads_the_csv_uploaded_with_the_form(supervisor):
    content = xlsform([question("select_one_from_file barrios.csv", "barrio", "Barrio",
                                parameters="value=codigo label=nombre"),
                       question("calculate", "comuna",
                                calculation="pulldata('barrios', 'comuna', 'codigo', ${barrio})")])
    version = upload_form(supervisor, content, "f.xlsx", media=[("barrios.csv", b"\xef\xbb\xbf" + BARRIOS_CSV)])
    db.session.commit()
    barrio = version.definition["questions"][0]
    assert barrio["type"] == "select_one" and barrio["file"] == "barrios.csv"
    assert barrio["choices"][2] == {"name": "201", "label": {"es": "Los Mayales", "en": "Los Mayales"},
                                    "columns": {"comuna": "c2"}}
    assert version.definition["tables"] == {"barrios": {"columns": ["codigo", "nombre", "comuna"], "rows": [
        ["101", "Centro", "c1"], ["102", "Novalito", "c1"], ["201", "Los Mayales", "c2"]]}}
    assert version.definition["questions"][1]["ast"]["calculation"][:2] == ["call", "pulldata"]


def test_a_csv_saved_by_excel_in_spanish_is_read(supervisor):
    """Windows-1252 with semicolons: what Excel writes as «CSV (delimitado por comas)» in a Spanish locale."""
    latin = "name;label\nbogota;Bogotá\nvalledupar;Valledupar\n".encode("cp1252")
    version = upload_form(supervisor, xlsform([question("select_multiple_from_file ciudades.csv", "c", "C")]),
                          "f.xlsx", media=[("ciudades.csv", latin)])
    assert version.definition["questions"][0]["type"] == "select_multiple"
    assert version.definition["questions"][0]["choices"][0]["label"] == {"es": "Bogotá", "en": "Bogotá"}


@pytest.mark.parametrize(("content", "media", "expected"), [
    (_cascade("municipio = ${comuna}"), None,
     "Hoja survey, fila 3: choice_filter lee la columna «municipio», que la lista de opciones no tiene (tiene: "
     "name, label, comuna)."),
    (xlsform([question("calculate", "c", calculation="pulldata('precios', 'valor', 'id', '1')")]),
     [("barrios.csv", BARRIOS_CSV)],
     "Hoja survey, fila 2, columna calculation: pulldata() lee el archivo «precios.csv», que no se subió con el "
     "formulario; súbalo junto al XLSForm."),
    (xlsform([question("calculate", "c", calculation="pulldata('barrios', 'valor', 'codigo', '1')")]),
     [("barrios.csv", BARRIOS_CSV)],
     "Hoja survey, fila 2, columna calculation: el archivo «barrios.csv» no tiene la columna «valor» (tiene: "
     "codigo, nombre, comuna)."),
    (xlsform([question("select_one_from_file barrios.csv", "b", "B")]), [("barrios.csv", BARRIOS_CSV)],
     "Hoja survey, fila 2: el archivo «barrios.csv» no tiene la columna «name» (tiene: codigo, nombre, comuna); "
     "nómbrela en parameters, por ejemplo value=codigo label=nombre."),
    (xlsform([question("select_one_from_file b.csv", "b", "B")]), [("b.csv", b"name,label\nx y,X\n")],
     "Archivo b.csv, fila 2: el valor «x y» tiene espacios"),
    (xlsform([question("select_one_from_file b.csv", "b", "B")]), [("b.csv", b"name,label\nx,X\nx,Otra\n")],
     "Archivo b.csv, fila 3: el valor «x» ya está en la fila 2."),
    (xlsform([question("text", "t", "T")]), [("fotos.png", b"\x89PNG")],
     "Archivo fotos.png: solo se suben con el formulario archivos CSV (.csv)"),
    (xlsform([question("text", "t", "T")]), [("b.csv", b"\x81\x8d\x8f")], "Archivo b.csv: no se puede leer como texto"),
    (xlsform([question("text", "t", "T")]), [("b.csv", b"a,b\n" + b"1,2\n" * 400_000)],
     "Archivo b.csv: el archivo pasa de 1 MB"),
    (xlsform([question("text", "t", "T")]), [("b.csv", b"a,a\n1,2\n")],
     "Archivo b.csv, fila 1: la columna «a» está dos veces."),
    (xlsform([question("text", "t", "T")]), [(f"f{n}.csv", b"a\n1\n") for n in range(21)],
     "Se subieron 21 archivos con el formulario; el máximo es 20."),
    (xlsform([question("text", "t", "T")]), [("a.csv", b"a\n" + b"1\n" * 6000), ("b.csv", b"a\n" + b"1\n" * 4001)],
     "Los archivos CSV suman 10.001 filas; el máximo es 10.000"),
])
def test_cascades_and_files_that_cannot_work_are_refused_naming_where(supervisor, content, media, expected):
    assert any(message.startswith(expected) for message in _refused(supervisor, content, media)), expected


@pytest.mark.parametrize(("csv", "expected"), [
    (b"name,label\n", ["Hoja survey, fila 2: el archivo «b.csv» no tiene ninguna opción (solo la fila de "
                       "encabezado)."]),
    (b'name,label\n"x,1\n', ["Archivo b.csv: no se puede leer como CSV; revise las comillas o guárdelo de nuevo "
                             "como CSV."]),
    (b"", ["Archivo b.csv: está vacío; la primera fila lleva los nombres de las columnas."]),
])
def test_a_file_that_came_but_cannot_be_read_is_named_once_never_called_missing(supervisor, csv, expected):
    content = xlsform([question("select_one_from_file b.csv", "b", "B"),
                       question("calculate", "c", calculation="pulldata('b', 'label', 'name', ${b})")])
    assert _refused(supervisor, content, [("b.csv", csv)]) == expected


def test_duplicate_choices_are_accepted_when_the_settings_allow_them(supervisor):
    choices = [choice("l", "a", "A"), choice("l", "a", "Otra A")]
    content = xlsform([question("select_one l", "s", "S")], choices, {"allow_choice_duplicates": "yes"})
    version = upload_form(supervisor, content, "f.xlsx")
    assert [c["name"] for c in version.definition["questions"][0]["choices"]] == ["a", "a"]
    assert "ya está en la lista" in _refused(supervisor, xlsform([question("select_one l", "s", "S")], choices))[0]


def test_the_api_takes_media_parts_beside_the_workbook(client):
    login(client, make_user("supervisor"))
    content = xlsform([question("select_one_from_file barrios.csv", "barrio", "Barrio",
                                parameters="value=codigo label=nombre")])
    response = client.post("/api/v1/forms", data={"file": (io.BytesIO(content), "f.xlsx"),
                                                  "media": [(io.BytesIO(BARRIOS_CSV), "barrios.csv")]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["questions"][0]["file"] == "barrios.csv" and len(body["questions"][0]["choices"]) == 3
    assert body["tables"]["barrios"]["rows"][0] == ["101", "Centro", "c1"]
    missing = client.post("/api/v1/forms", data={"file": (io.BytesIO(content), "f.xlsx")})
    assert missing.status_code == 400
    assert missing.get_json()["errors"]["file"] == [
        "Hoja survey, fila 2: la lista se lee del archivo «barrios.csv», que no se subió con el formulario; súbalo "
        "junto al XLSForm."]


def test_the_forms_page_uploads_the_csv_files_with_the_workbook(client):
    login(client, make_user("supervisor"))
    page = client.get("/supervision/forms/").get_data(as_text=True)
    assert 'name="media"' in page and "multiple" in page
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    content = xlsform([question("select_one_from_file barrios.csv", "barrio", "Barrio",
                                parameters="value=codigo label=nombre")])
    response = client.post("/supervision/forms/", data={"csrf_token": token, "file": (io.BytesIO(content), "f.xlsx"),
                                                       "media": [(io.BytesIO(BARRIOS_CSV), "barrios.csv")]})
    assert response.status_code == 302
    version = db.session.scalar(select(FormVersion))
    assert version.definition["questions"][0]["choices"][0]["name"] == "101"
