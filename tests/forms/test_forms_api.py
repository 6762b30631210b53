"""`/api/v1/forms`, the supervisors' pages under /supervision/forms and `flask forms upload`."""
from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.models import FormVersion
from tests.builders import make_user
from tests.conftest import login
from tests.forms.fixtures import programme_form
from tests.forms.xlsform import question, xlsform


def _upload(client, content=None, filename="seguimiento.xlsx"):
    content = programme_form() if content is None else content
    return client.post("/api/v1/forms", data={"file": (io.BytesIO(content), filename)})


@pytest.fixture
def supervisor_client(client):
    login(client, make_user("supervisor"))
    return client


def _count():
    return db.session.scalar(select(func.count()).select_from(FormVersion))


def test_upload_answers_the_unpublished_version_in_the_contract_shape(supervisor_client):
    response = _upload(supervisor_client)
    assert response.status_code == 201
    body = response.get_json()
    assert {"id", "form_id", "version", "title", "published", "questions"} <= set(body)
    assert body["published"] is False and body["form_id"] == "seguimiento_mipyme"
    monto = next(q for q in body["questions"] if q.get("name") == "monto")
    assert monto == {"name": "monto", "type": "decimal", "label": "Monto recibido (millones de pesos)",
                     "required": True, "constraint": ". > 0", "constraint_message": "El monto debe ser mayor que cero.",
                     "ast": {"constraint": [">", ["self"], ["num", 0]]}}


def test_a_refused_upload_answers_400_with_sheet_and_row_and_stores_nothing(supervisor_client):
    response = _upload(supervisor_client, xlsform([question("text", "a", "A"), question("audio", "g", "G")]))
    assert response.status_code == 400
    assert response.get_json()["errors"]["file"][0].startswith("Hoja survey, fila 3:")
    assert _count() == 0


def test_an_upload_without_a_file_is_a_field_error(supervisor_client):
    response = supervisor_client.post("/api/v1/forms", data={})
    assert response.status_code == 400
    assert "file" in response.get_json()["errors"]


def test_current_is_404_until_a_version_is_published_then_every_role_reads_it(supervisor_client, make_client):
    assert supervisor_client.get("/api/v1/forms/current").status_code == 404
    version_id = _upload(supervisor_client).get_json()["id"]
    published = supervisor_client.post(f"/api/v1/forms/{version_id}/publish")
    assert published.status_code == 200 and published.get_json()["published"] is True
    officer = make_client()
    login(officer, make_user("officer"))
    current = officer.get("/api/v1/forms/current")
    assert current.status_code == 200 and current.get_json()["id"] == version_id
    assert officer.get(f"/api/v1/forms/{version_id}").status_code == 200


def test_officers_do_not_see_unpublished_versions(supervisor_client, make_client):
    version_id = _upload(supervisor_client).get_json()["id"]
    officer = make_client()
    login(officer, make_user("officer"))
    assert officer.get(f"/api/v1/forms/{version_id}").status_code == 404


def test_list_is_newest_first_and_says_which_is_current(supervisor_client):
    first = _upload(supervisor_client, programme_form("1")).get_json()["id"]
    second = _upload(supervisor_client, programme_form("2")).get_json()["id"]
    supervisor_client.post(f"/api/v1/forms/{first}/publish")
    body = supervisor_client.get("/api/v1/forms").get_json()
    assert body["total"] == 2
    assert [item["id"] for item in body["items"]] == [second, first]
    assert [item["current"] for item in body["items"]] == [False, True]
    assert body["items"][0]["uploaded_by"]["name"].startswith("Supervisor")


def test_labels_come_in_the_callers_language(supervisor_client):
    version_id = _upload(supervisor_client).get_json()["id"]
    supervisor_client.post("/lang", data={"lang": "en"})
    body = supervisor_client.get(f"/api/v1/forms/{version_id}").get_json()
    assert body["questions"][0]["label"] == "Did it receive financing since the last visit?"


def test_the_original_file_downloads_byte_for_byte(supervisor_client):
    content = programme_form()
    body = _upload(supervisor_client, content).get_json()
    response = supervisor_client.get(body["file_url"])
    assert response.status_code == 200 and response.data == content
    assert 'filename=seguimiento.xlsx' in response.headers["Content-Disposition"]


# --- pages -------------------------------------------------------------------------------------------

def _page_token(client, path="/supervision/forms/"):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_page_upload_shows_every_refusal_beside_the_field_and_stores_nothing(supervisor_client):
    content = xlsform([question("text", "a", "A"), question("audio", "g", "G"), question("barcode", "t", "T")])
    response = supervisor_client.post("/supervision/forms/", data={
        "csrf_token": _page_token(supervisor_client), "file": (io.BytesIO(content), "malo.xlsx")})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="file-error"' in html
    assert "Hoja survey, fila 3: las preguntas de audio no están admitidas." in html
    assert "Hoja survey, fila 4: las preguntas de código de barras (barcode)" in html
    assert _count() == 0


def test_page_upload_then_preview_then_publish(supervisor_client):
    response = supervisor_client.post("/supervision/forms/", data={
        "csrf_token": _page_token(supervisor_client), "file": (io.BytesIO(programme_form()), "seguimiento.xlsx")})
    assert response.status_code == 302
    preview = supervisor_client.get(response.headers["Location"]).get_data(as_text=True)
    island = re.search(r'<script type="application/json" id="form-definition">(.*?)</script>', preview, re.S)
    definition = json.loads(island.group(1))
    assert definition["published"] is False and definition["questions"][0]["name"] == "recibio_financiacion"
    assert 'id="form-preview"' in preview and "js/forms/preview.js" in preview
    version_id = definition["id"]
    published = supervisor_client.post(f"/supervision/forms/{version_id}/publish",
                                       data={"csrf_token": _page_token(supervisor_client), "reviewed": "y",
                                             "compared_with": ""})  # nothing published yet
    assert published.status_code == 302
    listing = supervisor_client.get("/supervision/forms/").get_data(as_text=True)
    assert "Actual" in listing and "seguimiento_mipyme · 2026030201" in listing


def test_a_label_cannot_close_the_definitions_script_tag(supervisor_client):
    content = xlsform([question("text", "a", "</script><script>alert(1)</script>")])
    version_id = _upload(supervisor_client, content).get_json()["id"]
    html = supervisor_client.get(f"/supervision/forms/{version_id}").get_data(as_text=True)
    assert "</script><script>alert(1)" not in html
    island = re.search(r'id="form-definition">(.*?)</script>', html, re.S).group(1)
    assert json.loads(island)["questions"][0]["label"] == "</script><script>alert(1)</script>"


# --- CLI ---------------------------------------------------------------------------------------------

def test_cli_uploads_and_publishes(app, runner, tmp_path):
    make_user("admin", username="jefa")
    path = tmp_path / "seguimiento.xlsx"
    path.write_bytes(programme_form())
    result = runner.invoke(args=["forms", "upload", str(path), "--publish"])
    assert result.exit_code == 0, result.output
    assert "publicada" in result.output
    version = db.session.scalar(select(FormVersion))
    assert version.published_at is not None and version.uploaded_by.username == "jefa"


def test_cli_lists_the_refusals_and_fails(app, runner, tmp_path):
    make_user("supervisor")
    path = tmp_path / "malo.xlsx"
    path.write_bytes(xlsform([question("text", "a", "A"), question("barcode", "b", "B")]))
    result = runner.invoke(args=["forms", "upload", str(path)])
    assert result.exit_code == 1
    assert "Hoja survey, fila 3" in result.output
    assert _count() == 0
