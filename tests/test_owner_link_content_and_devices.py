"""Issue 9 items 8 and 9: the link page shows what is being confirmed (figures in es-CO, needs, notes,
photos served only to the link's holder); a link answered from the phone that synced the visit is marked
for the supervisor and does not count in the confirmation rate (issue 16 item 5: only an answer with the
owner code counts, from any phone)."""
from __future__ import annotations

import io
import re
import uuid

import pytest

from fieldwork import confirmation_links as links
from fieldwork.extensions import db
from fieldwork.models import Visit
from fieldwork.owners import owner_code
from fieldwork.owners.confirmation import confirmation_rates_by_officer
from tests.builders import make_mipyme, make_user, visit_payload
from tests.conftest import form_token, login
from tests.test_authz_matrix import tiny_jpeg

PHONE = {"User-Agent": "Mozilla/5.0 (Linux; Android 13; SM-A145M) Chrome/124 Mobile"}
OWNER_PHONE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4) Safari/604.1"}
SAME_DEVICE = "Confirmación desde el mismo dispositivo que registró la visita"


@pytest.fixture
def world(app, client):
    officer = make_user("officer", name="Luz Mery Oñate")
    mipyme = make_mipyme(officer, name="Mochilas Atánquez")
    login(client, officer)
    payload = visit_payload(mipyme.id, monthly_sales_cop=4_500_000, production_units=1200, employees=4,
                            needs="Capital de trabajo para hilos", notes="Taller ordenado, 3 telares.")
    answer = client.post("/api/v1/visits/sync", json={"visits": [payload]}, headers=PHONE).get_json()
    assert answer["results"][0]["status"] == "created"
    photo_id = str(uuid.uuid4())
    uploaded = client.post(f"/api/v1/visits/{payload['id']}/photos", headers=PHONE, data={
        "photo_id": photo_id, "file": (io.BytesIO(tiny_jpeg()), "foto.jpg", "image/jpeg")})
    assert uploaded.status_code == 201
    visit = db.session.get(Visit, payload["id"])
    return {"officer": officer, "mipyme": mipyme, "visit": visit, "photo_id": photo_id,
            "url": f"/c/{links.make_token(visit)}"}


def _confirm(client, url, headers, owner_code=""):
    page = client.get(url, headers=headers).get_data(as_text=True)
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
    return client.post(url, headers=headers, data={"csrf_token": form_token(client, url), "decision": "confirmed",
                                                   "revision": revision, "owner_code": owner_code})


def test_link_page_shows_the_figures_needs_notes_and_photos_being_confirmed(make_client, world):
    owner = make_client()
    html = owner.get(world["url"], headers=OWNER_PHONE).get_data(as_text=True)
    assert "¿Esta visita ocurrió como se describe?" in html
    for shown in ("4.500.000", "1.200", "Capital de trabajo para hilos", "Taller ordenado, 3 telares.",
                  "Luz Mery Oñate", "Producción"):
        assert shown in html, shown
    photo_url = f"{world['url']}/photos/{world['photo_id']}"
    assert f'src="{photo_url}"' in html
    image = owner.get(photo_url)
    image.close()
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert "no-store" in image.headers["Cache-Control"]


def test_a_link_serves_only_its_own_visits_photos(client, make_client, world):
    other_visit = visit_payload(world["mipyme"].id)
    client.post("/api/v1/visits/sync", json={"visits": [other_visit]}, headers=PHONE)
    other_photo = str(uuid.uuid4())
    client.post(f"/api/v1/visits/{other_visit['id']}/photos", data={
        "photo_id": other_photo, "file": (io.BytesIO(tiny_jpeg()), "foto.jpg", "image/jpeg")})
    stranger = make_client()
    assert stranger.get(f"{world['url']}/photos/{other_photo}").status_code == 404
    assert stranger.get(f"/c/not-a-token/photos/{world['photo_id']}").status_code == 400
    assert stranger.get(f"/api/v1/photos/{world['photo_id']}").status_code == 401


def test_officer_logged_out_confirming_on_their_own_phone_is_marked_and_not_counted(client, make_client, world):
    client.delete("/api/v1/session")  # the officer logs out, then opens the link on the same phone
    response = _confirm(client, world["url"], PHONE)
    assert response.status_code == 303
    db.session.expire_all()
    visit = db.session.get(Visit, world["visit"].id)
    assert visit.owner_confirmation == "confirmed" and visit.confirmed_via == "link"
    assert visit.link_device == visit.sync_device and len(visit.link_device) == 64
    assert "127.0.0.1" not in visit.link_device  # a keyed hash, not the address itself
    supervisor = make_client()
    login(supervisor, make_user("supervisor"))
    assert SAME_DEVICE in supervisor.get(f"/supervision/visits/{visit.id}").get_data(as_text=True)
    (rates,) = confirmation_rates_by_officer()
    assert (rates.visits, rates.confirmed, rates.same_device) == (1, 0, 1)


def test_owner_confirming_with_their_code_on_their_own_phone_counts_and_is_not_marked(make_client, world):
    supervisor_user = make_user("supervisor")
    code = owner_code.generate(world["mipyme"], supervisor_user)
    db.session.commit()
    owner = make_client()
    assert _confirm(owner, world["url"], OWNER_PHONE, owner_code=code).status_code == 303
    supervisor = make_client()
    login(supervisor, supervisor_user)
    assert SAME_DEVICE not in supervisor.get(f"/supervision/visits/{world['visit'].id}").get_data(as_text=True)
    (rates,) = confirmation_rates_by_officer()
    assert (rates.visits, rates.confirmed, rates.same_device) == (1, 1, 0)
    dashboard = supervisor.get("/supervision/").get_data(as_text=True)
    assert "100 %" in dashboard
