"""The Kobo-style production form of issue 18 (tests/forms/fixtures.kobo_form) is accepted whole, in both
languages, and the API shows it as contract v3 says."""
from __future__ import annotations

import io

from fieldwork.extensions import db
from fieldwork.models import FormVersion
from tests.builders import make_user
from tests.conftest import login
from tests.forms.fixtures import kobo_form


def test_the_kobo_style_production_form_is_accepted_with_its_csv(client):
    login(client, make_user("supervisor"))
    workbook, media = kobo_form()
    response = client.post("/api/v1/forms", data={
        "file": (io.BytesIO(workbook), "produccion.xlsx"),
        "media": [(io.BytesIO(content), name) for name, content in media]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["form_id"], body["version"], body["warnings"]) == ("produccion_taller", "v3-1", [])
    items = {q["name"]: q for q in body["questions"]}
    assert [items[n]["type"] for n in ("start", "lugar", "foto", "hora_apertura", "ultima_venta", "producto",
                                       "prioridad", "satisfaccion", "consentimiento", "canal_other")] == [
        "start", "geopoint", "image", "time", "dateTime", "repeat", "rank", "range", "acknowledge", "text"]
    assert items["barrio"]["label"] == "Barrio" and items["barrio"]["choices"][0]["label"] == "Centro"
    assert items["barrio"]["choices"][0]["columns"] == {"comuna": "1"}
    assert [c["name"] for c in items["barrio_csv"]["choices"]] == ["101", "102", "201", "202"]
    product = items["producto"]
    assert product["repeat_count"] == "${num_productos}"
    assert [child["name"] for child in product["children"]] == [
        "nombre_producto", "unidades", "precio", "ventas", "talla", "orden", "posicion"]
    assert body["instance_name"] == "concat(${negocio}, ' – ', ${today})"
    assert body["tables"]["barrios"]["columns"] == ["codigo", "nombre", "comuna", "estrato"]
    stored = db.session.get(FormVersion, body["id"]).definition
    barrio = next(q for q in stored["questions"] if q.get("name") == "barrio")
    assert barrio["label"] == {"es": "Barrio", "en": "Neighbourhood"}
    assert barrio["choices"][0]["label"] == {"es": "Centro", "en": "Centre"}
