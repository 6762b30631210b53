"""GET /api/v1/mipymes and /mipymes/<id> as API.md writes them: fields, filters, pages, roles."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login

NOW = datetime(2025, 3, 31, 12, 0, tzinfo=ZoneInfo("America/Bogota"))
ITEM_FIELDS = {"id", "name", "nit", "sector", "officer_id", "neighborhood", "visit_count", "last_visit_at",
               "next_follow_up_due", "flags"}


@pytest.fixture
def world(app):
    app.config["FIELDWORK_CLOCK"] = lambda: NOW
    ana, luis = make_user("officer"), make_user("officer")
    pan = make_mipyme(ana, name="Panadería 100% Ñapa", sector="alimentos")
    taller = make_mipyme(luis, name="Taller_Uno", sector="artesanias")
    make_mipyme(luis, name="Tienda", sector="comercio")
    make_visit(pan, visited_at=datetime(2025, 3, 3, 9, tzinfo=NOW.tzinfo), follow_up_due=date(2025, 4, 2))
    return {"ana": ana, "luis": luis, "pan": pan, "taller": taller}


def names(client, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/mipymes{query}")
    assert response.status_code == 200, response.get_json()
    return [item["name"] for item in response.get_json()["items"]]


def test_items_carry_every_field_of_the_contract(client, world):
    login(client, make_user("supervisor"))
    body = client.get("/api/v1/mipymes").get_json()
    assert body["total"] == 3
    item = next(i for i in body["items"] if i["id"] == world["pan"].id)
    assert ITEM_FIELDS <= set(item)
    assert item["visit_count"] == 1 and item["next_follow_up_due"] == "2025-04-02"
    assert item["last_visit_at"] == "2025-03-03T14:00:00+00:00" and item["flags"] == []
    one = client.get(f"/api/v1/mipymes/{world['pan'].id}").get_json()
    assert one == item


def test_filters_officer_sector_and_name(client, world):
    login(client, make_user("supervisor"))
    assert names(client, f"?officer_id={world['luis'].id}") == ["Taller_Uno", "Tienda"]
    assert names(client, "?sector=alimentos") == ["Panadería 100% Ñapa"]
    assert names(client, "?q=taller") == ["Taller_Uno"]
    assert names(client, "?q=100%25") == ["Panadería 100% Ñapa"]  # % is a character, not a wildcard
    assert names(client, "?q=a_l") == []  # so is _ ("Taller" would match a wildcard)
    assert names(client, "?flag=never_visited&officer_id=" + str(world["luis"].id)) == ["Taller_Uno", "Tienda"]


@pytest.mark.parametrize("query", ["?per_page=0", "?per_page=1001", "?page=0", "?sector=minería", "?officer_id=x"])
def test_bad_arguments_get_field_errors(client, world, query):
    login(client, make_user("supervisor"))
    response = client.get(f"/api/v1/mipymes{query}")
    assert response.status_code == 400
    assert response.get_json()["errors"]


def test_pages_default_to_100_and_allow_1000(client, world):
    login(client, make_user("supervisor"))
    for i in range(105):
        make_mipyme(world["ana"], name=f"Z {i:03d}")
    body = client.get("/api/v1/mipymes").get_json()
    assert body["total"] == 108 and len(body["items"]) == 100
    assert len(client.get("/api/v1/mipymes?page=2").get_json()["items"]) == 8
    assert len(client.get("/api/v1/mipymes?per_page=1000").get_json()["items"]) == 108


def test_officers_see_their_own_and_owners_their_one(client, make_client, world):
    login(client, world["ana"])
    assert names(client) == ["Panadería 100% Ñapa"]
    assert client.get(f"/api/v1/mipymes/{world['taller'].id}").status_code == 404
    owner = make_client()
    login(owner, make_user("owner", mipyme=world["taller"]))
    assert names(owner) == ["Taller_Uno"]
    assert owner.get(f"/api/v1/mipymes/{world['pan'].id}").status_code == 404


def test_without_a_session_the_list_is_401_json(client, world):
    response = client.get("/api/v1/mipymes")
    assert response.status_code == 401 and response.is_json
