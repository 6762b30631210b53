"""The upload limits through the API, the forms page and `flask forms upload` (one service behind all three);
file names that cannot break a download; uploads that race; and deleting versions nobody uses."""
from __future__ import annotations

import io
import re
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from fieldwork.extensions import db
from fieldwork.forms.services import publish_form, upload_form
from fieldwork.models import AuditEntry, FormVersion
from fieldwork.services import ServiceError
from tests.builders import PASSWORD, make_mipyme, make_user, make_visit
from tests.conftest import login
from tests.forms.fixtures import programme_form
from tests.forms.xlsform import question, rewritten, xlsform

INFLATED = ["El archivo descomprimido pasa de 50 MB; un XLSForm ocupa mucho menos. Quite las hojas, imágenes o datos "
            "que no son del formulario."]


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """60 MB of label in some 60 KB of file."""
    book = xlsform([question("text", "nombre", "BOMBA")])
    return rewritten(book, "xl/worksheets/sheet1.xml", lambda xml: xml.replace("BOMBA", "A" * 60 * 1024 * 1024))


@pytest.fixture
def supervisor(app):
    return make_user("supervisor")


@pytest.fixture
def manager(client, supervisor):
    login(client, supervisor)
    return client


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(FormVersion))


def _post(client, content, filename="seguimiento.xlsx"):
    return client.post("/api/v1/forms", data={"file": (io.BytesIO(content), filename)})


def _page_token(client) -> str:
    html = client.get("/supervision/forms/").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


# --- one service behind the API, the page and the CLI -----------------------------------------------------

def test_api_refuses_the_bomb_with_its_reason(manager, bomb):
    response = _post(manager, bomb)
    assert response.status_code == 400
    assert response.get_json()["errors"]["file"] == INFLATED
    assert _count() == 0


def test_page_shows_the_bombs_reason_beside_the_file_field(manager, bomb):
    response = manager.post("/supervision/forms/", data={
        "csrf_token": _page_token(manager), "file": (io.BytesIO(bomb), "bomba.xlsx")})
    assert response.status_code == 400
    assert INFLATED[0] in response.get_data(as_text=True)
    assert _count() == 0


def test_cli_lists_the_bombs_reason_and_fails(runner, supervisor, bomb, tmp_path):
    path = tmp_path / "bomba.xlsx"
    path.write_bytes(bomb)
    result = runner.invoke(args=["forms", "upload", str(path)])
    assert result.exit_code == 1
    assert INFLATED[0] in result.output
    assert _count() == 0


# --- file names ---------------------------------------------------------------------------------------------

def test_a_line_break_in_the_file_name_never_breaks_the_download(manager, supervisor):
    workbook = programme_form()  # its bytes carry the second they were written: build it once
    version = upload_form(supervisor, workbook, "C:\\formularios\\seguimiento\r\nSet-Cookie: x.xlsx")
    db.session.commit()
    assert version.filename == "seguimiento Set-Cookie: x.xlsx"
    response = manager.get(f"/api/v1/forms/{version.id}/file")
    assert response.status_code == 200 and response.data == workbook
    assert "seguimiento Set-Cookie: x.xlsx" in response.headers["Content-Disposition"]


def test_a_version_stored_with_a_line_break_in_its_name_downloads(manager, supervisor):
    version = FormVersion(form_id="viejo", version="1", title="Viejo", filename="viejo\r\n.xlsx",
                          original_file=b"PK", definition={"questions": []}, uploaded_by_id=supervisor.id)
    db.session.add(version)
    db.session.commit()
    response = manager.get(f"/supervision/forms/{version.id}/file")
    assert response.status_code == 200
    assert "viejo .xlsx" in response.headers["Content-Disposition"]


# --- uploads that race ---------------------------------------------------------------------------------------

def _race(app, username: str, contents: list[bytes]) -> list[tuple[int, dict]]:
    """Upload each file from its own thread and client, all released together."""
    answers: list = [None] * len(contents)
    barrier = threading.Barrier(len(contents))

    def browser(slot: int) -> None:
        client = app.test_client()
        token = client.post("/api/v1/session", json={"username": username, "password": PASSWORD}).get_json()
        barrier.wait()
        response = client.post("/api/v1/forms", data={"file": (io.BytesIO(contents[slot]), "f.xlsx")},
                               headers={"X-CSRFToken": token["csrf_token"]})
        answers[slot] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=browser, args=(slot,)) for slot in range(len(contents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_the_same_version_uploaded_twice_at_once_is_stored_once_and_refused_once(app, supervisor):
    for round_ in range(4):
        answers = _race(app, supervisor.username, [programme_form(f"r{round_}")] * 3)
        assert sorted(status for status, _body in answers) == [201, 400, 400], answers
        refusals = [body["errors"]["file"][0] for status, body in answers if status == 400]
        assert all("ya se subió la versión" in refusal for refusal in refusals), refusals
    assert _count() == 4


def test_forms_without_a_version_uploaded_at_once_all_get_their_own(app, supervisor):
    content = xlsform([question("text", "nombre", "Nombre")])
    answers = _race(app, supervisor.username, [content] * 3)
    assert [status for status, _body in answers] == [201, 201, 201], answers
    assert len({body["version"] for _status, body in answers}) == 3


def test_two_uploads_in_the_same_second_get_a_suffix(app, supervisor):
    content = xlsform([question("text", "nombre", "Nombre")])
    second = datetime(2026, 3, 2, 10, 15, 0, tzinfo=UTC)
    versions = [upload_form(supervisor, content, "mi_formulario.xlsx", now=second).version for _ in range(3)]
    assert versions == ["20260302101500", "20260302101500-2", "20260302101500-3"]


# --- deleting versions ---------------------------------------------------------------------------------------

def test_a_version_never_published_is_deleted_and_the_deletion_audited(manager, supervisor):
    version_id = _post(manager, programme_form("borrador")).get_json()["id"]
    response = manager.delete(f"/api/v1/forms/{version_id}")
    assert response.status_code == 204
    assert _count() == 0
    assert manager.get(f"/api/v1/forms/{version_id}").status_code == 404
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.entity_id == str(version_id),
                                                            AuditEntry.action == "form.deleted")) == "form.deleted"


def test_the_current_version_cannot_be_deleted(manager):
    version_id = _post(manager, programme_form("1")).get_json()["id"]
    manager.post(f"/api/v1/forms/{version_id}/publish")
    response = manager.delete(f"/api/v1/forms/{version_id}")
    assert response.status_code == 409
    assert response.get_json()["errors"]["version"] == [
        "Es la versión actual: los teléfonos la están llenando. Publique otra antes de borrarla."]
    assert _count() == 1


def test_a_version_once_published_stays_for_the_drafts_on_phones(manager):
    first = _post(manager, programme_form("1")).get_json()["id"]
    second = _post(manager, programme_form("2")).get_json()["id"]
    manager.post(f"/api/v1/forms/{first}/publish")
    manager.post(f"/api/v1/forms/{second}/publish")
    response = manager.delete(f"/api/v1/forms/{first}")
    assert response.status_code == 409
    assert "borradores o visitas sin enviar" in response.get_json()["errors"]["version"][0]
    assert _count() == 2


def test_a_version_visits_were_filled_in_cannot_be_deleted(manager, supervisor):
    used = upload_form(supervisor, programme_form("1"), "f.xlsx")
    publish_form(supervisor, used)
    publish_form(supervisor, upload_form(supervisor, programme_form("2"), "f.xlsx"))
    db.session.commit()
    make_visit(make_mipyme(make_user("officer")), form_version_id=used.id, answers={})
    response = manager.delete(f"/api/v1/forms/{used.id}")
    assert response.status_code == 409
    assert response.get_json()["errors"]["version"] == ["1 visita se llenó con esta versión; se conserva con ella."]


def test_officers_cannot_delete_and_unknown_versions_are_404(manager, make_client):
    version_id = _post(manager, programme_form("1")).get_json()["id"]
    assert manager.delete("/api/v1/forms/999999").status_code == 404
    officer = make_client()
    login(officer, make_user("officer"))
    assert officer.delete(f"/api/v1/forms/{version_id}").status_code == 403
    assert _count() == 1


def test_the_forms_page_offers_deleting_only_unpublished_versions(manager):
    published = _post(manager, programme_form("1")).get_json()["id"]
    manager.post(f"/api/v1/forms/{published}/publish")
    draft = _post(manager, programme_form("2")).get_json()["id"]
    for page in ("/supervision/forms/", f"/supervision/forms/{draft}", f"/supervision/forms/{published}"):
        html = manager.get(page).get_data(as_text=True)
        assert (f"/supervision/forms/{draft}/delete" in html) is (page != f"/supervision/forms/{published}")
        assert f"/supervision/forms/{published}/delete" not in html
    response = manager.post(f"/supervision/forms/{draft}/delete", data={"csrf_token": _page_token(manager)})
    assert response.status_code == 302
    listing = manager.get("/supervision/forms/").get_data(as_text=True)
    assert "Versión «seguimiento_mipyme · 2» borrada." in listing
    assert _count() == 1


def test_publishing_a_version_deleted_meanwhile_is_refused_not_a_500(app, manager, supervisor):
    version = upload_form(supervisor, programme_form("1"), "f.xlsx")
    db.session.commit()
    db.session.refresh(version)  # read, as the publish page reads it before another manager deletes it
    assert manager.delete(f"/api/v1/forms/{version.id}").status_code == 204
    with pytest.raises(ServiceError) as refused:
        publish_form(supervisor, version)
    assert refused.value.status == 409
    assert refused.value.errors["version"] == ["Esta versión se borró mientras tanto; suba el archivo de nuevo."]
