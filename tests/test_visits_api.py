"""`GET /api/v1/visits` and `/visits/<id>`: what each role sees, filters, order and pagination."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from fieldwork.extensions import db
from fieldwork.models import Photo
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import CsrfClient, login

DAY = timedelta(days=1)
NOW = datetime.now(UTC)


@pytest.fixture
def as_user(app):
    def build(user) -> CsrfClient:
        app.test_client_class = CsrfClient
        client = app.test_client()
        login(client, user)
        return client

    return build


@pytest.fixture
def world(app):
    ana, beto = make_user("officer", username="ana"), make_user("officer", username="beto")
    taller, tienda = make_mipyme(ana, name="Taller"), make_mipyme(beto, name="Tienda")
    visits = {
        "ana_old": make_visit(taller, ana, visited_at=NOW - 30 * DAY, received_at=NOW - 29 * DAY),
        "ana_new": make_visit(taller, ana, visited_at=NOW - 2 * DAY, received_at=NOW - DAY,
                              review_status="returned", review_comment="Faltan datos"),
        "beto": make_visit(tienda, beto, visited_at=NOW - 5 * DAY, received_at=NOW - 5 * DAY,
                           owner_confirmation="disputed", owner_comment="No vinieron"),
    }
    return {"ana": ana, "beto": beto, "taller": taller, "tienda": tienda, "visits": visits,
            "owner": make_user("owner", mipyme=taller), "supervisor": make_user("supervisor"),
            "admin": make_user("admin")}


def ids(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


@pytest.mark.parametrize("who, expected", [
    ("ana", ["ana_new", "ana_old"]),
    ("beto", ["beto"]),
    ("owner", ["ana_new", "ana_old"]),
    ("supervisor", ["ana_new", "beto", "ana_old"]),
    ("admin", ["ana_new", "beto", "ana_old"]),
])
def test_each_role_sees_its_visits_newest_first(world, as_user, who, expected):
    body = as_user(world[who]).get("/api/v1/visits").get_json()
    assert [item["id"] for item in body["items"]] == [world["visits"][name].id for name in expected]
    assert body["total"] == len(expected)


@pytest.mark.parametrize("who, visible", [
    ("ana", False), ("owner", False), ("beto", True), ("supervisor", True)])
def test_single_visit_is_404_to_who_may_not_see_it(world, as_user, who, visible):
    response = as_user(world[who]).get(f"/api/v1/visits/{world['visits']['beto'].id}")
    assert response.status_code == (200 if visible else 404)
    if visible:
        body = response.get_json()
        assert body["owner_confirmation"] == "disputed" and body["owner_comment"] == "No vinieron"


def test_unknown_visit_is_404(world, as_user):
    assert as_user(world["supervisor"]).get("/api/v1/visits/not-a-visit").status_code == 404


@pytest.mark.parametrize("query, expected", [
    ("review_status=returned", ["ana_new"]),
    ("owner_confirmation=disputed", ["beto"]),
    ("officer_id={beto}", ["beto"]),
    ("mipyme_id={taller}", ["ana_new", "ana_old"]),
    ("since={since}", ["ana_new", "beto"]),
    ("review_status=submitted&officer_id={ana}", ["ana_old"]),
])
def test_filters(world, as_user, query, expected):
    since = (NOW - 6 * DAY).isoformat().replace("+", "%2B")
    url = "/api/v1/visits?" + query.format(beto=world["beto"].id, ana=world["ana"].id, taller=world["taller"].id,
                                           since=since)
    assert ids(as_user(world["supervisor"]).get(url)) == [world["visits"][name].id for name in expected]


def test_filters_cannot_widen_what_a_role_sees(world, as_user):
    assert ids(as_user(world["ana"]).get(f"/api/v1/visits?officer_id={world['beto'].id}")) == []
    assert ids(as_user(world["owner"]).get(f"/api/v1/visits?mipyme_id={world['tienda'].id}")) == []


@pytest.mark.parametrize("query, field", [
    ("review_status=perdida", "review_status"),
    ("since=2026-01-01T10:00:00", "since"),
    ("per_page=1001", "per_page"),
    ("page=0", "page"),
    ("mipyme_id=uno", "mipyme_id"),
])
def test_bad_filters_get_field_errors(world, as_user, query, field):
    response = as_user(world["supervisor"]).get("/api/v1/visits?" + query)
    assert response.status_code == 400 and field in response.get_json()["errors"]


def test_pagination_walks_every_visit_once(world, as_user):
    for n in range(7):
        make_visit(world["taller"], world["ana"], visited_at=NOW - (10 + n) * DAY)
    client = as_user(world["supervisor"])
    pages = [client.get(f"/api/v1/visits?per_page=4&page={page}").get_json() for page in (1, 2, 3)]
    assert [p["total"] for p in pages] == [10, 10, 10]
    assert [len(p["items"]) for p in pages] == [4, 4, 2]
    seen = [item["id"] for p in pages for item in p["items"]]
    assert len(set(seen)) == 10
    times = [item["visited_at"] for p in pages for item in p["items"]]
    assert times == sorted(times, reverse=True)


def test_listing_loads_photos_without_a_query_per_visit(app, world, as_user):
    for visit in world["visits"].values():
        for n in range(2):
            db.session.add(Photo(id=f"{visit.id[:30]}-{n:05d}", visit_id=visit.id, content_type="image/jpeg",
                                 width=10, height=10, size_bytes=100, sha256="0" * 64))
    db.session.commit()
    client = as_user(world["supervisor"])
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        body = client.get("/api/v1/visits").get_json()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert all(len(item["photos"]) == 2 for item in body["items"])
    assert body["items"][0]["photos"][0]["url"].startswith("/api/v1/photos/")
    photo_queries = [s for s in statements if "FROM photos" in s]
    assert len(photo_queries) == 1, photo_queries


def test_anonymous_gets_401_json(client):
    response = client.get("/api/v1/visits")
    assert response.status_code == 401 and response.is_json
