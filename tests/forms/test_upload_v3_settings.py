"""Settings and columns at upload (contract v3): the settings Fieldwork reads, instance_name as an expression,
and what pyxform would ignore, ignored and listed as Spanish warnings on the upload's answer and the version."""
from __future__ import annotations

import io

import pytest

from fieldwork.extensions import db
from fieldwork.forms.services import upload_form
from fieldwork.services import ServiceError
from tests.builders import make_user
from tests.conftest import login
from tests.forms.xlsform import choice, question, xlsform


@pytest.fixture
def supervisor(app):
    return make_user("supervisor")


def _form(settings: dict, *rows, choices=None) -> bytes:
    return xlsform([question("text", "negocio", "Negocio"), *rows], choices, settings)


def test_id_string_names_the_form_and_instance_name_is_stored_as_an_expression(supervisor):
    content = _form({"id_string": "visita_taller", "version": "3", "instance_name": "concat('Visita: ', ${negocio})",
                     "style": "pages", "submission_url": "https://kobo.example.org/submission",
                     "allow_choice_duplicates": "no"})
    version = upload_form(supervisor, content, "f.xlsx")
    db.session.commit()
    assert (version.form_id, version.version) == ("visita_taller", "3")
    assert version.definition["instance_name"] == "concat('Visita: ', ${negocio})"
    assert version.definition["instance_name_ast"] == ["call", "concat", ["str", "Visita: "], ["ref", "negocio"]]
    assert version.definition["warnings"] == []  # settings Fieldwork accepts are no warning


def test_what_fieldwork_does_not_use_is_ignored_and_listed_once_each(supervisor):
    content = _form({"form_id": "f", "clean_text_values": "yes", "namespaces": "esri=\"x\""},
                    question("text", "a", "A", color="rojo", **{"media::image": "a.png", "bind::odk:length": "5"}),
                    question("text", "b", "B", color="azul", guidance_hint="Pregunte despacio"),
                    question("geopoint", "lugar", "Lugar", parameters="capture-accuracy=10"),
                    question("select_one l", "s", "S"),
                    choices=[choice("l", "x", "X", **{"media::image": "x.png"})])
    version = upload_form(supervisor, content, "f.xlsx")
    assert version.definition["warnings"] == [
        "Hoja settings, columna clean_text_values: Fieldwork no usa esta columna; se ignoró.",
        "Hoja settings, columna namespaces: Fieldwork no usa esta columna; se ignoró.",
        "Hoja survey, columna color: Fieldwork no usa esta columna; se ignoró.",
        "Hoja survey, columna media::image: las imágenes, audios y videos de las etiquetas (media) no se muestran; "
        "el teléfono muestra el texto; se ignoró.",
        "Hoja survey, columna bind::odk:length: Fieldwork no usa esta columna; se ignoró.",
        "Hoja survey, columna guidance_hint: guidance_hint no se muestra; use hint para lo que el funcionario debe "
        "leer; se ignoró.",
        "Hoja survey, columna parameters: en «geopoint» solo ajusta cómo se ve la pregunta; se ignoró.",
        "Hoja choices, columna media::image: las imágenes, audios y videos de las etiquetas (media) no se muestran; "
        "el teléfono muestra el texto; se ignoró.",
    ]
    assert {q["name"] for q in version.definition["questions"]} == {"negocio", "a", "b", "lugar", "s"}


def test_the_upload_answer_and_a_versions_get_carry_the_warnings(client):
    login(client, make_user("supervisor"))
    content = _form({"form_id": "f", "version": "1"}, question("text", "a", "A", comentario="revisar con Ana"))
    response = client.post("/api/v1/forms", data={"file": (io.BytesIO(content), "f.xlsx")})
    assert response.status_code == 201
    expected = ["Hoja survey, columna comentario: Fieldwork no usa esta columna; se ignoró."]
    assert response.get_json()["warnings"] == expected
    assert client.get(f"/api/v1/forms/{response.get_json()['id']}").get_json()["warnings"] == expected
    page = client.get(f"/supervision/forms/{response.get_json()['id']}").get_data(as_text=True)
    assert "Avisos de la subida" in page and "columna comentario" in page


@pytest.mark.parametrize(("settings", "expected"), [
    ({"public_key": "MIIBIjANBgkq"}, "Hoja settings, fila 2: el cifrado de visitas (public_key) no está admitido"),
    ({"instance_name": "concat(${negocio}"},
     "Hoja settings, fila 2, columna instance_name: La expresión termina antes de tiempo."),
    ({"instance_name": "concat(negocio)"}, "Hoja settings, fila 2, columna instance_name: «negocio» no es una "
                                           "función ni una pregunta; una pregunta se escribe ${negocio}."),
])
def test_settings_that_cannot_work_are_refused_naming_the_column(supervisor, settings, expected):
    with pytest.raises(ServiceError) as refused:
        upload_form(supervisor, _form(settings), "f.xlsx")
    assert any(message.startswith(expected) for message in refused.value.errors["file"]), refused.value.errors
