"""The owner's pages: their Mipyme and its visits only, confirm or dispute, figures, owner accounts."""
from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, User, Visit
from tests.builders import PASSWORD, make_mipyme, make_user, make_visit, visit_payload
from tests.conftest import form_token, login
from tests.test_query_count import counting_statements

NOW = datetime.now(UTC)


@pytest.fixture
def world(app):
    officer = make_user("officer", name="Lucía Ramos")
    mipyme = make_mipyme(officer, name="Calzado Vallenato", owner_name="Rosa Mendoza")
    other = make_mipyme(officer, name="Arepas Doña Ana")
    older = make_visit(mipyme, officer, visited_at=NOW - timedelta(days=60), production_units=80,
                       monthly_sales_cop=3_000_000, employees=3, notes="Primera visita.")
    newer = make_visit(mipyme, officer, visited_at=NOW - timedelta(days=2), topics=["comercializacion"],
                       production_units=120, monthly_sales_cop=4_500_000, employees=4,
                       needs="Capital de trabajo", notes="Taller ordenado.")
    foreign = make_visit(other, officer, notes="Visita ajena secreta")
    return {"officer": officer, "mipyme": mipyme, "other": other, "older": older, "newer": newer,
            "foreign": foreign, "owner": make_user("owner", mipyme=mipyme, name="Rosa Mendoza")}


def _state(visit_id):
    db.session.expire_all()
    return db.session.get(Visit, visit_id)


def _decide(client, visit, decision, comment="", revision="1"):
    prefix = f"v-{visit.id}-"
    return client.post(f"/owner/visits/{visit.id}/confirmation", data={
        prefix + "csrf_token": form_token(client, "/owner/"), prefix + "decision": decision,
        prefix + "comment": comment, prefix + "revision": revision})


def test_owner_home_shows_their_visits_newest_first_and_nothing_else(client, world):
    login(client, world["owner"])
    html = client.get("/owner/").get_data(as_text=True)
    assert "Calzado Vallenato" in html and "Lucía Ramos" in html
    assert html.index("Taller ordenado.") < html.index("Primera visita.")  # newest first
    for text in ("Comercialización", "Capital de trabajo", "$ 4.500.000", "120 unidades"):
        assert text in html
    assert "Arepas Doña Ana" not in html and "Visita ajena secreta" not in html
    assert html.count('class="trend"') == 3 and "<svg" in html  # production, sales, employees over time
    assert "Tiene 2 visitas por confirmar." in html
    assert 'href="/account/password"' in html


def test_root_sends_an_owner_home(client, world):
    login(client, world["owner"])
    assert client.get("/").headers["Location"].endswith("/owner/")


def test_owner_confirms_from_the_page_and_the_audit_log_records_it(client, world):
    login(client, world["owner"])
    response = _decide(client, world["newer"], "confirmed")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#visit-{world['newer'].id}")
    assert "Gracias: confirmó la visita." in client.get("/owner/").get_data(as_text=True)
    assert _state(world["newer"].id).owner_confirmation == "confirmed"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "visit.confirmed"))
    assert entry.via == "web" and entry.actor_id == world["owner"].id


def test_dispute_without_comment_shows_the_error_beside_the_field(client, world):
    login(client, world["owner"])
    response = _decide(client, world["newer"], "disputed", "   ")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(rf'id="v-{world["newer"].id}-comment-error">[^<]*cuéntenos qué no es correcto', html)
    assert _state(world["newer"].id).owner_confirmation == "pending"


def test_owner_disputes_then_changes_their_mind_even_after_approval(client, world):
    login(client, world["owner"])
    _decide(client, world["newer"], "disputed", "Las ventas fueron menores.")
    html = client.get("/owner/").get_data(as_text=True)
    assert "Las ventas fueron menores." in html and "Cambiar mi respuesta" in html
    _decide(client, world["newer"], "confirmed")
    assert _state(world["newer"].id).owner_confirmation == "confirmed"
    visit = _state(world["newer"].id)
    visit.review_status = "approved"
    db.session.commit()
    # Issue 16 item 4: approval does not end the owner's say, and a dispute reopens the visit.
    html = client.get("/owner/").get_data(as_text=True)
    assert "ya no se puede cambiar" not in html
    assert f'/owner/visits/{visit.id}/confirmation' in html
    assert _decide(client, visit, "disputed", "Otra vez.").status_code == 302
    assert (_state(visit.id).owner_confirmation, _state(visit.id).review_status) == ("disputed", "submitted")


def test_an_approved_visit_the_owner_never_answered_still_asks_for_their_answer(client, world):
    world["newer"].review_status = "approved"
    db.session.commit()
    login(client, world["owner"])
    html = client.get("/owner/").get_data(as_text=True)
    card = html[html.index(f'id="visit-{world["newer"].id}"'):]
    card = card[:card.index("</li>")]
    assert "ya no se puede cambiar" not in card
    assert "Supervisión aprobó esta visita, pero su palabra sigue contando" in card
    assert 'value="confirmed"' in card and 'value="disputed"' in card
    assert _decide(client, world["newer"], "confirmed").status_code == 302
    assert (_state(world["newer"].id).owner_confirmation, _state(world["newer"].id).review_status) == (
        "confirmed", "approved")


def test_owner_cannot_answer_for_another_business(client, world):
    login(client, world["owner"])
    assert _decide(client, world["foreign"], "confirmed").status_code == 404
    assert _state(world["foreign"].id).owner_confirmation == "pending"


def test_owner_cannot_use_officer_or_supervisor_pages(client, world):
    login(client, world["owner"])
    for path in ("/visits/", "/visits/new", "/visits/mine", "/supervision/", "/mipymes",
                 f"/mipymes/{world['mipyme'].id}/edit"):
        assert client.get(path).status_code == 403, path


def test_owner_cannot_sync_visits_or_review(client, world):
    login(client, world["owner"])
    response = client.post("/api/v1/visits/sync", json={"visits": [visit_payload(world["mipyme"].id)]})
    assert response.status_code == 403
    response = client.post(f"/api/v1/visits/{world['newer'].id}/review", json={"decision": "approved"})
    assert response.status_code == 403
    assert _state(world["newer"].id).review_status == "submitted"
    assert db.session.scalar(select(Visit).where(Visit.mipyme_id == world["mipyme"].id,
                                                 Visit.id.not_in([world["newer"].id, world["older"].id]))) is None


def test_owner_api_lists_only_their_visits(client, world):
    login(client, world["owner"])
    body = client.get("/api/v1/visits").get_json()
    assert [item["id"] for item in body["items"]] == [world["newer"].id, world["older"].id]
    assert client.get(f"/api/v1/visits/{world['newer'].id}").status_code == 200
    assert client.get(f"/api/v1/visits/{world['foreign'].id}").status_code == 404


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (11, 93, 59)).save(buffer, "PNG")
    return buffer.getvalue()


def _upload(phone, visit) -> str:
    photo_id = str(uuid.uuid4())
    response = phone.post(f"/api/v1/visits/{visit.id}/photos", content_type="multipart/form-data",
                          data={"photo_id": photo_id, "file": (io.BytesIO(_png()), "p.png", "image/png")})
    assert response.status_code == 201, response.get_json()
    return photo_id


def test_owner_sees_photos_of_their_visits_only(client, make_client, world):
    phone = make_client()
    login(phone, world["officer"])
    own, foreign = _upload(phone, world["newer"]), _upload(phone, world["foreign"])
    login(client, world["owner"])
    assert f"/api/v1/photos/{own}" in client.get("/owner/").get_data(as_text=True)
    image = client.get(f"/api/v1/photos/{own}")
    image.close()  # send_file streams from an open file
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert client.get(f"/api/v1/photos/{foreign}").status_code == 404


def _mipyme_edit(client, mipyme):
    return f"/mipymes/{mipyme.id}/edit"


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_office_creates_an_owner_account_from_the_mipyme_page(client, make_client, world, role):
    login(client, make_user(role))
    page = client.get(_mipyme_edit(client, world["mipyme"])).get_data(as_text=True)
    assert "Cuenta del propietario" in page and 'value="Rosa Mendoza"' in page
    response = client.post(f"/mipymes/{world['mipyme'].id}/owner-account", data={
        "owner-csrf_token": form_token(client, _mipyme_edit(client, world["mipyme"])),
        "owner-username": "rosa.calzado", "owner-name": "Rosa Mendoza", "owner-password": "zapatos-2026"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "rosa.calzado"))
    assert (user.role, user.mipyme_id) == ("owner", world["mipyme"].id)
    assert "rosa.calzado" in client.get(_mipyme_edit(client, world["mipyme"])).get_data(as_text=True)
    owner = make_client()
    login(owner, "rosa.calzado", "zapatos-2026")
    assert owner.get("/owner/").headers["Location"] == "/account/password"  # the office chose it: hers first
    token = form_token(owner, "/account/password")
    owner.post("/account/password", data={"csrf_token": token, "current": "zapatos-2026",
                                          "password": "mis-zapatos-9", "confirm": "mis-zapatos-9"})
    assert "Calzado Vallenato" in owner.get("/owner/").get_data(as_text=True)


@pytest.mark.parametrize(
    "case",
    [
        ("", PASSWORD, "username", "Escriba un nombre de usuario."),
        ("rosa mendoza", PASSWORD, "username", "Use de 1 a 64 letras"),
        ("taken", PASSWORD, "username", "Ese nombre de usuario ya existe."),
        ("rosa", "corta", "password", "al menos 8 caracteres"),
    ],
)
def test_owner_account_errors_show_beside_the_fields(client, world, case):
    username, password, field, message = case
    make_user("officer", username="taken")
    login(client, make_user("supervisor"))
    response = client.post(f"/mipymes/{world['mipyme'].id}/owner-account", data={
        "owner-csrf_token": form_token(client, _mipyme_edit(client, world["mipyme"])),
        "owner-username": username, "owner-password": password})
    assert response.status_code == 400
    assert re.search(rf'id="owner-{field}-error">[^<]*{message}', response.get_data(as_text=True))
    assert db.session.scalar(select(User).where(User.role == "owner", User.id != world["owner"].id)) is None


def test_officers_and_owners_cannot_create_owner_accounts(make_client, world):
    for user in (world["officer"], world["owner"]):
        client = make_client()
        login(client, user)
        response = client.post(f"/mipymes/{world['mipyme'].id}/owner-account",
                               data={"owner-username": "x", "owner-password": PASSWORD})
        assert response.status_code == 403
    assert db.session.scalar(select(User).where(User.username == "x")) is None


def test_login_leaves_a_csrf_token_in_the_session(app, client, world):
    response = client.post("/login", data={"csrf_token": form_token(client, "/login"),
                                           "username": world["owner"].username, "password": PASSWORD})
    assert response.status_code == 302
    cookie = client.get_cookie("session").value
    session = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert session.get("_user_id")  # logged in
    assert session.get("csrf_token"), "every page after the login must reuse one token"


def test_owner_home_costs_the_same_queries_for_2_and_20_visits(client, world):
    login(client, world["owner"])

    def statements() -> int:
        db.session.expire_all()  # the test shares the app's session: start each count from a cold one
        with counting_statements() as sent:
            assert client.get("/owner/").status_code == 200
        return len(sent)

    few = statements()
    for day in range(18):
        make_visit(world["mipyme"], world["officer"], visited_at=NOW - timedelta(days=70 + day), employees=day)
    assert statements() == few
