"""The upload matrix: every supported type and column is read; every refusal names its sheet and row,
and a refused file stores nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.forms.services import current_definition, definition, publish_form, upload_form
from fieldwork.models import AuditEntry, FormVersion
from fieldwork.services import ServiceError
from tests.builders import make_user
from tests.forms.fixtures import YES_NO, complete_form, programme_form
from tests.forms.xlsform import choice, legacy_xls, question, xlsform


@pytest.fixture
def supervisor(app):
    return make_user("supervisor")


def _questions(version, locale="es"):
    return {q["name"]: q for q in definition(version, locale)["questions"] if q["type"] != "end_group"}


def test_every_supported_type_and_column_is_read(supervisor):
    version = upload_form(supervisor, complete_form(), "completo.xlsx")
    db.session.commit()
    questions = _questions(version)
    assert [q["type"] for q in definition(version, "es")["questions"]] == [
        "text", "integer", "decimal", "date", "select_one", "select_multiple", "begin_group", "begin_group",
        "integer", "end_group", "calculate", "end_group", "note"]
    assert questions["nombre"] == {
        "name": "nombre", "type": "text", "label": "Nombre del negocio", "hint": "Como aparece en el letrero",
        "required": True, "required_message": "Escriba el nombre."}
    assert questions["edad"]["constraint"] == ". >= 0 and . < 200"
    assert questions["edad"]["constraint_message"] == "Entre 0 y 199."
    assert questions["edad"]["ast"]["constraint"][0] == "and"
    assert questions["edad"]["default"] == "1"
    assert questions["canales"]["relevant"] == "${formal} = 'si'"
    assert questions["canales"]["choices"][0] == {"name": "tienda", "label": "Tienda propia"}
    assert questions["doble"]["calculation"] == "${formales} * 2"
    assert questions["empleo"]["ast"]["relevant"] == [">", ["ref", "edad"], ["num", 0]]
    assert questions["aviso"]["label"] == "Doble: ${doble}"
    assert "meta" not in questions and "instanceID" not in questions


def test_labels_follow_the_language_and_fall_back_to_the_default_language(supervisor):
    version = upload_form(supervisor, complete_form(), "completo.xlsx")
    english = _questions(version, "en")
    assert english["nombre"]["label"] == "Business name"
    assert english["nombre"]["hint"] == "As on the sign"
    assert english["formal"]["choices"] == [{"name": "si", "label": "Yes"}, {"name": "no", "label": "No"}]
    # Channels have no English labels: the form's default language (es) stands in.
    assert english["canales"]["choices"][0]["label"] == "Tienda propia"


def test_form_without_translations_shows_its_only_label_in_both_languages(supervisor):
    version = upload_form(supervisor, programme_form(), "seguimiento.xlsx")
    assert _questions(version, "en")["monto"]["label"] == "Monto recibido (millones de pesos)"
    assert _questions(version, "en")["recibio_financiacion"]["label"] == (
        "Did it receive financing since the last visit?")


def test_settings_give_title_id_and_version_and_the_upload_is_kept_as_it_came(supervisor):
    content = programme_form()
    version = upload_form(supervisor, content, "C:\\Users\\ana\\seguimiento.xlsx")
    db.session.commit()
    stored = db.session.get(FormVersion, version.id)
    assert (stored.form_id, stored.version, stored.title) == ("seguimiento_mipyme", "2026030201",
                                                             "Seguimiento Mipyme")
    assert stored.original_file == content
    assert stored.filename == "seguimiento.xlsx"
    assert stored.uploaded_by_id == supervisor.id and stored.published_at is None
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.entity_id == str(version.id))) == (
        "form.uploaded")


def test_publishing_makes_a_version_current_and_an_older_one_can_be_published_again(supervisor):
    assert current_definition("es") is None
    first = upload_form(supervisor, programme_form("1"), "f.xlsx")
    second = upload_form(supervisor, programme_form("2"), "f.xlsx")
    assert definition(first, "es")["published"] is False
    publish_form(supervisor, first)
    publish_form(supervisor, second)
    assert current_definition("es")["version"] == "2"
    publish_form(supervisor, first)
    db.session.commit()
    assert current_definition("es")["id"] == first.id
    assert current_definition("es")["published"] is True


def test_a_stored_version_cannot_be_changed(supervisor):
    version = upload_form(supervisor, programme_form(), "f.xlsx")
    db.session.commit()
    version.title = "Otro"
    with pytest.raises(ValueError, match="immutable"):
        db.session.flush()
    db.session.rollback()


def test_uploading_the_same_version_twice_is_refused(supervisor):
    upload_form(supervisor, programme_form("7"), "f.xlsx")
    with pytest.raises(ServiceError) as refused:
        upload_form(supervisor, programme_form("7"), "f.xlsx")
    assert "Hoja settings, fila 2" in refused.value.errors["file"][0]


def test_a_version_without_settings_gets_one_from_the_upload_time(supervisor):
    version = upload_form(supervisor, xlsform([question("text", "a", "A")]), "mi_formulario.xlsx")
    assert version.form_id == "mi_formulario" and version.version.isdigit() and len(version.version) == 14


def test_officers_and_owners_cannot_upload(app):
    with pytest.raises(ServiceError) as refused:
        upload_form(make_user("officer"), programme_form(), "f.xlsx")
    assert refused.value.status == 403


def _refusal(supervisor, content, filename="f.xlsx"):
    with pytest.raises(ServiceError) as refused:
        upload_form(supervisor, content, filename)
    assert db.session.scalar(select(func.count()).select_from(FormVersion)) == 0
    return refused.value.errors["file"]


def _survey(*rows, choices=None):
    return xlsform([question("text", "nombre", "Nombre"), *rows], choices if choices is not None else YES_NO)


REFUSALS = [
    (_survey(question("audio", "voz", "Voz")), "Hoja survey, fila 3", "audio"),
    (_survey(question("video", "clip", "Clip")), "Hoja survey, fila 3", "video"),
    (_survey(question("file", "adjunto", "Adjunto")), "Hoja survey, fila 3", "archivo (file)"),
    (_survey(question("barcode", "codigo", "Código")), "Hoja survey, fila 3", "barcode"),
    (_survey(question("osm", "mapa", "Mapa")), "Hoja survey, fila 3", "aplicaciones externas"),
    (_survey(question("ex:org.example.app", "app", "App")), "Hoja survey, fila 3", "aplicaciones externas"),
    (_survey(question("select_one_from_file barrios.csv", "barrio", "Barrio")), "Hoja survey, fila 3",
     "«barrios.csv», que no se subió"),
    (_survey(question("select_one_from_file barrios.xml", "barrio", "Barrio")), "Hoja survey, fila 3",
     "CSV (.csv)"),
    (_survey(question("include", "otro_formulario", "Otro")), "Hoja survey, fila 3", "include"),
    (_survey(question("select_one_external barrios", "b", "B")), "Hoja survey, fila 3", "external_choices"),
    (_survey(question("text", "t", "T", choice_filter="name = 'si'")), "Hoja survey, fila 3",
     "choice_filter solo va"),
    (_survey(question("text", "t", "T", read_only="yes")), "Hoja survey, fila 3", "solo lectura"),
    (_survey(question("text", "t", "T", trigger="${nombre}")), "Hoja survey, fila 3", "trigger"),
    (_survey(question("text", "t", "T", bind="x")), "Hoja survey, fila 3", "«bind» es el nombre que pyxform da"),
    (_survey(question("text", "t", "T", save_to="nombre")), "Hoja survey, fila 3", "entidades (save_to)"),
    (_survey(question("text", "t", "T", repeat_count="3")), "Hoja survey, fila 3", "repeat_count solo va"),
    (_survey(question("calculate", "c", calculation="pulldata('precios', 'valor', 'id', ${nombre})")),
     "Hoja survey, fila 3, columna calculation", "pulldata()"),
    (_survey(question("integer", "n", "N", constraint="jr:itext('x') = 1")),
     "Hoja survey, fila 3, columna constraint", "jr:itext()"),
    (_survey(question("integer", "n", "N", relevant="${nombre} = = 'x'")), "Hoja survey, fila 3, columna relevant",
     "no se esperaba"),
    (_survey(question("integer", "n", "N", relevant="${nadie} = 'x'")), "Hoja survey, fila 3, columna relevant",
     "${nadie} no es ninguna pregunta"),
    (_survey(question("note", "n", "Hola ${nadie}")), "Hoja survey, fila 3, columna label", "${nadie}"),
    (_survey(question("integer", "n", "N", required="${nombre} != ''")), "Hoja survey, fila 3", "required"),
    (_survey(question("text", "nombre", "Otra vez")), "Hoja survey, fila 3", "ya se usa en la fila 2"),
    (_survey(question("text", "", "Sin nombre")), "Hoja survey, fila 3", "falta el nombre"),
    (_survey(question("text", "1a", "Mal nombre")), "Hoja survey, fila 3", "no sirve"),
    (_survey(question("integer", "n", "N", default="muchos")), "Hoja survey, fila 3", "por defecto"),
    (_survey(question("date", "d", "D", default="today()")), "Hoja survey, fila 3", "calculados"),
    (_survey(question("select_one si_no", "s", "S", default="quizas")), "Hoja survey, fila 3", "por defecto"),
    (_survey(question("text", "sin_etiqueta")), "Hoja survey, fila 3", "etiqueta"),
    (_survey(question("text", "t", "T", calculation="'x'")), "Hoja survey, fila 3", "calculation solo"),
    (_survey(question("select_one nada", "s", "S")), "Hoja survey, fila 3", "List name not in choices sheet"),
    (_survey(question("begin_group", "g", "G"), question("text", "t", "T")), "Hoja survey, fila 3", "end_group"),
    (_survey(question("begin_group", "g", "G"), question("text", "t", "T"), question("end_group", ""),
             question("integer", "n", "N", relevant="${g} = 1")), "Hoja survey, fila 6, columna relevant",
     "es un grupo"),
    (_survey(choices=[*YES_NO, choice("si_no", "si", "Otra vez")]), "Hoja choices, fila 4", "ya está en la lista"),
    (_survey(choices=[*YES_NO, choice("canales", "tienda propia", "Tienda")]), "Hoja choices, fila 4", "espacios"),
    (xlsform([question("text", "a", "A")], settings={"form_id": "x", "public_key": "MIIBIjANBgkq"}),
     "Hoja settings, fila 2", "public_key"),
    (xlsform([question("text", "a", "A")], settings={"form_id": "x", "instance_name": "concat(${nadie})"}),
     "Hoja settings, fila 2, columna instance_name", "${nadie} no es ninguna pregunta"),
    (xlsform([question("text", "a", "A")], extra_sheets={"entities": [{"list_name": "casas", "label": "${a}"}]}),
     "Hoja entities", "entidades"),
]


@pytest.mark.parametrize(("content", "place", "reason"), REFUSALS,
                         ids=[f"{place}:{reason}" for _c, place, reason in REFUSALS])
def test_unsupported_forms_are_refused_naming_sheet_and_row(supervisor, content, place, reason):
    messages = _refusal(supervisor, content)
    assert any(m.startswith(place) and reason in m for m in messages), messages


def test_empty_rows_keep_the_row_numbers_people_see(supervisor):
    content = xlsform([question("text", "a", "A"), {}, {}, question("audio", "g", "G")])
    assert _refusal(supervisor, content) == ["Hoja survey, fila 5: las preguntas de audio no están admitidas."]


def test_every_problem_of_a_form_is_listed_at_once(supervisor):
    content = _survey(question("audio", "g", "G"), question("video", "t", "T"))
    messages = _refusal(supervisor, content)
    assert [m.split(":")[0] for m in messages] == ["Hoja survey, fila 3", "Hoja survey, fila 4"]


@pytest.mark.parametrize(("content", "filename", "reason"), [
    (b"type,name,label\ntext,a,A\n", "f.csv", ".xlsx, .xlsm o .xls"),
    (b"no soy una hoja", "f.xlsx", "no se puede leer"),
    (b"\xd0\xcf\x11\xe0 roto", "f.xls", "no se puede leer"),
    (xlsform([]), "f.xlsx", "survey"),
    (xlsform([question("calculate", "c", calculation="1")]), "f.xlsx", "ninguna pregunta"),
])
def test_a_file_that_is_not_a_usable_xlsform_is_refused(supervisor, content, filename, reason):
    messages = _refusal(supervisor, content, filename)
    assert any(reason in m for m in messages), messages


def test_forms_written_the_way_real_spreadsheets_are_written_are_read(supervisor):
    """Habits seen in pyxform's own example forms and in KoboToolbox exports."""
    survey = [
        {"TYPE": "select one from sexes", "NAME": "sexo", "label:English (en)": "Sex", "$kuid": "ab12"},
        {"TYPE": "begin group", "NAME": "padre", "label:English (en)": "Father"},
        {"TYPE": "int", "NAME": "edad", "label:English (en)": "Age", "Relevance": "${sexo} = 'f'",
         "constraint message:English (en)": "Too old", "Constraint": ". < 120"},
        {},
        {"TYPE": "end group"},
        {"TYPE": "select all that apply canales", "NAME": "canales", "label:English (en)": "Channels"},
    ]
    choices = [{"list name": "sexes", "name": "f", "label:English (en)": "Female"},
               {"list name": "sexes", "name": "m", "label:English (en)": "Male"},
               {"list name": "canales", "name": "feria", "label:English (en)": "Fairs"}]
    content = xlsform(survey, choices,
                      {"FORM_TITLE": "Legacy", "FORM_ID": "legacy", "DEFAULT_LANGUAGE": "English (en)"})
    version = upload_form(supervisor, content, "legacy.xlsx")
    questions = _questions(version, "en")
    assert questions["sexo"]["type"] == "select_one"
    assert questions["sexo"]["choices"][0] == {"name": "f", "label": "Female"}
    assert questions["edad"]["type"] == "integer" and questions["edad"]["relevant"] == "${sexo} = 'f'"
    assert questions["edad"]["constraint_message"] == "Too old"
    assert questions["canales"]["type"] == "select_multiple"
    assert _questions(version, "es")["edad"]["label"] == "Age"  # no Spanish: the default language


def test_refusals_are_listed_in_row_order_whatever_check_found_them(supervisor):
    content = _survey(question("integer", "n", "N", relevant="${nadie} = 1"), question("barcode", "g", "G"))
    assert [m.split(":")[0] for m in _refusal(supervisor, content)] == [
        "Hoja survey, fila 3, columna relevant", "Hoja survey, fila 4"]


def test_a_legacy_xls_workbook_is_read_like_an_xlsx(supervisor):
    content = legacy_xls({
        "survey": [question("select_one si_no", "formal", "¿Tiene RUT?"),
                   question("integer", "empleados", "Empleados", relevant="${formal} = 'si'"), {},
                   question("video", "clip", "Clip")],
        "choices": YES_NO,
    })
    assert _refusal(supervisor, content, "viejo.xls") == [
        "Hoja survey, fila 5: las preguntas de video no están admitidas."]
    content = legacy_xls({"survey": [question("select_one si_no", "formal", "¿Tiene RUT?"),
                                     question("integer", "empleados", "Empleados", relevant="${formal} = 'si'")],
                          "choices": YES_NO, "settings": [{"form_id": "viejo", "version": "3"}]})
    version = upload_form(supervisor, content, "viejo.xls")
    assert _questions(version)["empleados"]["relevant"] == "${formal} = 'si'"
    assert (version.form_id, version.version, version.filename) == ("viejo", "3", "viejo.xls")


def test_pyxform_example_shapes_single_colon_language_and_an_empty_choices_sheet(supervisor):
    """The shapes of pyxform's own tests/example_xls (yes_or_no_question, text_and_integer)."""
    yes_no = xlsform([{"type": "select one from yes_or_no", "name": "good_day",
                       "label:english": "have you had a good day today?"}],
                     [{"list name": "yes_or_no", "name": "yes", "label:english": "yes"},
                      {"list name": "yes_or_no", "name": "no", "label:english": "no"}])
    question_ = _questions(upload_form(supervisor, yes_no, "yes_or_no_question.xlsx"), "es")["good_day"]
    # English is the form's only language: Spanish pages show it rather than nothing.
    assert question_["label"] == "have you had a good day today?"
    assert question_["choices"] == [{"name": "yes", "label": "yes"}, {"name": "no", "label": "no"}]
    text_and_integer = xlsform(
        [{"type": "text", "name": "your_name", "label:english": "What is your name?"},
         {"type": "integer", "name": "your_age", "label:english": "How many years old are you?"}],
        [{"list name": None, "name": None, "label:english": None}])
    questions = _questions(upload_form(supervisor, text_and_integer, "text_and_integer.xlsx"), "en")
    assert [q["type"] for q in questions.values()] == ["text", "integer"]


def test_kobotoolbox_style_bilingual_form_with_its_bookkeeping_columns(supervisor):
    survey = [{"type": "select_one yes_no", "name": "rut", "label::Español (es)": "¿Tiene RUT?",
               "label::English (en)": "Has a RUT?", "required": "true", "$kuid": "k1", "$autoname": "rut",
               "hint::Español (es)": "Registro Único Tributario", "hint::English (en)": "Tax registry"},
              {"type": "integer", "name": "empleados", "label::Español (es)": "Empleados",
               "label::English (en)": "Employees", "relevant": "${rut}='yes'", "$kuid": "k2"}]
    choices = [{"list_name": "yes_no", "name": "yes", "label::Español (es)": "Sí", "label::English (en)": "Yes",
                "$kuid": "c1"},
               {"list_name": "yes_no", "name": "no", "label::Español (es)": "No", "label::English (en)": "No",
                "$kuid": "c2"}]
    version = upload_form(supervisor, xlsform(survey, choices, {"form_title": "Kobo", "version": "vK"}), "kobo.xlsx")
    spanish, english = _questions(version, "es"), _questions(version, "en")
    assert (spanish["rut"]["label"], english["rut"]["label"]) == ("¿Tiene RUT?", "Has a RUT?")
    assert (spanish["rut"]["hint"], english["rut"]["hint"]) == ("Registro Único Tributario", "Tax registry")
    assert spanish["rut"]["required"] is True and english["rut"]["choices"][0]["label"] == "Yes"
