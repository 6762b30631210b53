"""What a version changes from the current one: the pure comparison, the API's `changes`, and the page that
shows them and publishes only once they were marked as read."""
from __future__ import annotations

import io
import re

import pytest

from fieldwork.forms import services
from fieldwork.forms.changes import changes
from tests.builders import make_user
from tests.conftest import login
from tests.forms.fixtures import SOURCES, YES_NO, programme_form, programme_survey
from tests.forms.xlsform import choice, question, xlsform


def _q(name, type_="text", **keys):
    return {"name": name, "type": type_, "label": {"es": name, "en": name}, "required": False, **keys}


def _choices(*names):
    return [{"name": n, "label": {"es": n.title(), "en": n.title()}} for n in names]


def _form(*questions):
    return {"questions": list(questions)}


def test_added_removed_and_changed_by_name_in_each_versions_order():
    current = _form(_q("a"), _q("b", "integer"), _q("c"))
    candidate = _form(_q("z"), _q("b", "decimal"), _q("a"), _q("y"))
    assert changes(current, candidate) == {"added": ["z", "y"], "removed": ["c"], "changed": ["b"],
                                           "reasons": {"b": ["type"]}}


def test_against_no_published_version_every_question_is_added():
    assert changes(None, _form(_q("a"), _q("b"))) == {"added": ["a", "b"], "removed": [], "changed": [],
                                                      "reasons": {}}


def test_groups_are_not_questions_and_a_question_moved_into_a_group_keeps_its_series():
    current = _form(_q("monto", "decimal"), _q("nota"))
    candidate = _form({"type": "begin_group", "name": "financiacion", "label": {"es": "F", "en": "F"},
                       "relevant": "${x} = 'si'"},
                      _q("monto", "decimal"), {"type": "end_group", "name": "financiacion"},
                      {"type": "group", "name": "nested", "children": [_q("nota"), _q("nueva")]})
    assert changes(current, candidate) == {"added": ["nueva"], "removed": [], "changed": [], "reasons": {}}


def test_a_repeats_questions_are_compared_by_name_too():
    current = _form({"type": "repeat", "name": "productos", "children": [_q("unidades", "integer")]})
    candidate = _form({"type": "repeat", "name": "productos", "children": [_q("unidades", "decimal"), _q("precio")]})
    result = changes(current, candidate)
    assert result["added"] == ["precio"] and result["reasons"] == {"unidades": ["type"]}


def test_choices_compare_by_name_as_a_set_not_by_label_or_order():
    current = _form(_q("fuente", "select_one", choices=_choices("banco", "familiar")))
    relabelled = _form(_q("fuente", "select_one", choices=[{"name": "familiar", "label": {"es": "Familia", "en": "F"}},
                                                           {"name": "banco", "label": {"es": "Un banco", "en": "B"}}]))
    assert changes(current, relabelled)["changed"] == []
    widened = _form(_q("fuente", "select_one", choices=_choices("banco", "familiar", "cooperativa")))
    assert changes(current, widened)["reasons"] == {"fuente": ["choices"]}


def test_every_compared_key_is_a_reason_and_wording_is_not():
    current = _form(_q("n", "integer", relevant="${a} = 1", constraint=". > 0"))
    candidate = _form(_q("n", "select_one", choices=_choices("x"), relevant="${a} = 2", constraint=". > 1",
                         calculation="1", required=True, indicator="sales", hint={"es": "nueva", "en": "new"},
                         label={"es": "Otra etiqueta", "en": "Other"}))
    assert changes(current, candidate)["reasons"] == {
        "n": ["type", "choices", "relevant", "constraint", "calculation", "required", "indicator"]}


# --- API and page ------------------------------------------------------------------------------------

def _second_form() -> bytes:
    """The programme's form, next version: one question gone, one new, a type and a list changed."""
    survey = [q for q in programme_survey() if q["name"] != "observacion"]
    for row in survey:
        if row["name"] == "empleados_formales":
            row["type"] = "decimal"
    survey.append(question("text", "proveedor", "Proveedor principal"))
    return xlsform(survey, YES_NO + SOURCES + [choice("fuentes", "ong", "ONG")] + [
        choice("canales", n, n.title()) for n in ("tienda", "feria", "redes", "web", "mayorista")],
        {"form_title": "Seguimiento Mipyme", "form_id": "seguimiento_mipyme", "version": "2026030202"})


@pytest.fixture
def manager(client):
    login(client, make_user("supervisor"))
    return client


def _upload(client, content):
    return client.post("/api/v1/forms", data={"file": (io.BytesIO(content), "seguimiento.xlsx")}).get_json()


def test_api_changes_against_the_current_version_and_null_on_the_current_one(manager):
    first = _upload(manager, programme_form())
    assert first["changes"]["added"][0] == "recibio_financiacion" and first["changes"]["removed"] == []
    assert manager.post(f"/api/v1/forms/{first['id']}/publish").get_json()["changes"] is None
    second = _upload(manager, _second_form())
    assert second["changes"] == {"added": ["proveedor"], "removed": ["observacion"],
                                 "changed": ["fuente", "empleados_formales"]}
    assert manager.get(f"/api/v1/forms/{second['id']}").get_json()["changes"] == second["changes"]
    assert manager.get(f"/api/v1/forms/{first['id']}").get_json()["changes"] is None


def _token(html):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_the_page_shows_the_changes_and_publishes_only_once_they_were_marked_as_read(manager):
    first = _upload(manager, programme_form())
    manager.post(f"/api/v1/forms/{first['id']}/publish")
    second = _upload(manager, _second_form())["id"]
    page = manager.get(f"/supervision/forms/{second}").get_data(as_text=True)
    assert "Preguntas nuevas" in page and "<code>proveedor</code> · Proveedor principal" in page
    assert "Preguntas que ya no se hacen" in page and "<code>observacion</code> · Observación" in page
    assert "Preguntas cambiadas" in page and "cambia el tipo" in page and "cambia las opciones" in page
    assert "Empiezan una serie nueva: <code>empleados_formales</code>." in page and "He revisado los cambios" in page

    refused = manager.post(f"/supervision/forms/{second}/publish", data={"csrf_token": _token(page)})
    assert refused.status_code == 400
    assert 'id="reviewed-error"' in refused.get_data(as_text=True)
    assert services.current_version().id == first["id"]

    read = {"csrf_token": _token(page), "reviewed": "y", "compared_with": str(first["id"])}
    third = _upload(manager, programme_form(version="tercera"))["id"]
    manager.post(f"/api/v1/forms/{third}/publish")  # someone else publishes while the changes are read
    stale = manager.post(f"/supervision/forms/{second}/publish", data=read)
    assert stale.status_code == 409 and "Otra versión se publicó mientras revisaba" in stale.get_data(as_text=True)
    assert services.current_version().id == third

    manager.post(f"/api/v1/forms/{first['id']}/publish")
    published = manager.post(f"/supervision/forms/{second}/publish", data=read)
    assert published.status_code == 302 and services.current_version().id == second


def test_the_list_sends_to_the_review_instead_of_publishing_in_one_click(manager):
    version = _upload(manager, programme_form())["id"]
    listing = manager.get("/supervision/forms/").get_data(as_text=True)
    assert f'/supervision/forms/{version}/publish"' not in listing and "Revisar y publicar" in listing
    page = manager.get(f"/supervision/forms/{version}").get_data(as_text=True)
    assert "Todavía no hay ninguna versión publicada: todas sus preguntas son nuevas." in page
