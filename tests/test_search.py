"""Searching by name ignores case and accents everywhere, and `%` and `_` mean themselves (issue 11, item 6)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import insert, select, text

from fieldwork import create_app
from fieldwork.config import TESTING
from fieldwork.extensions import db
from fieldwork.models import Mipyme
from fieldwork.text.search import fold, name_matches
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login

FOLD_CASES = json.loads((Path(__file__).parent / "cases" / "fold.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", FOLD_CASES, ids=lambda case: repr(case["text"]))
def test_fold_drops_case_and_accents(case):
    """The server's half of the one rule; tests/test_phone_modules_node.py runs the phone's on the same cases."""
    assert fold(case["text"]) == case["folded"]


@pytest.fixture
def world(app, client):
    officer = make_user("officer", username="olga")
    ceramica = make_mipyme(officer, name="Cerámica Atánquez")
    make_visit(ceramica, officer)
    make_mipyme(officer, name="Confecciones 50% Algodón")
    make_mipyme(officer, name="Mi_Tienda")
    make_mipyme(officer, name="Panadería La Esperanza")
    make_user("supervisor", username="sofia")
    login(client, "sofia")
    return client


def _api_names(client, q):
    return sorted(item["name"] for item in client.get("/api/v1/mipymes", query_string={"q": q}).get_json()["items"])


@pytest.mark.parametrize("typed", ["ceramica", "CERAMICA", "Cerámica", "atanquez", "ÁTÁNQUEZ", "mica atá"])
def test_api_q_finds_the_name_without_its_accents(world, typed):
    assert _api_names(world, typed) == ["Cerámica Atánquez"]


@pytest.mark.parametrize(("typed", "expected"), [
    ("%", ["Confecciones 50% Algodón"]), ("50%", ["Confecciones 50% Algodón"]),
    ("_", ["Mi_Tienda"]), ("i_t", ["Mi_Tienda"]), ("a%a", []), ("\\", []),
])
def test_percent_and_underscore_are_literal_in_the_api(world, typed, expected):
    assert _api_names(world, typed) == expected


@pytest.mark.parametrize(("path", "key"), [("/mipymes", "q"), ("/supervision/", "q"),
                                           ("/supervision/visits", "mipyme")])
def test_pages_find_the_name_without_its_accents(world, path, key):
    html = world.get(path, query_string={key: "ceramica atanquez"}).get_data(as_text=True)
    assert "Cerámica Atánquez" in html
    assert "Panadería La Esperanza" not in html


@pytest.mark.parametrize("typed", ["%", "_"])
def test_registry_page_takes_percent_and_underscore_literally(world, typed):
    html = world.get("/mipymes", query_string={"q": typed}).get_data(as_text=True)
    assert "Panadería La Esperanza" not in html and "Cerámica Atánquez" not in html


def test_renaming_keeps_the_search_in_step(world):
    mipyme = db.session.scalar(select(Mipyme).where(Mipyme.name == "Panadería La Esperanza"))
    response = world.patch(f"/api/v1/mipymes/{mipyme.id}", json={"name": "Panadería El Ñame"})
    assert response.status_code == 200, response.get_json()
    assert _api_names(world, "name") == ["Panadería El Ñame"]
    assert _api_names(world, "esperanza") == []


def test_rows_inserted_without_the_orm_are_searchable_too(world):
    db.session.execute(insert(Mipyme), [{"name": "Tejidos Wayúu", "sector": "artesanias", "active": True}])
    db.session.commit()
    assert _api_names(world, "wayuu") == ["Tejidos Wayúu"]


def test_migration_fills_the_search_column_of_existing_mipymes(tmp_path):
    """Rows stored before the search column existed are found after `flask db upgrade`."""
    url = "sqlite:///" + str(tmp_path / "old.sqlite")
    app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO mipymes (name, sector, owner_name, phone, address, neighborhood, active, created_at, "
                "updated_at) VALUES ('Cerámica Atánquez', 'artesanias', '', '', '', '', 1, '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00')"))
        upgrade()
        assert db.session.scalar(select(Mipyme.search_name)) == "ceramica atanquez"
        db.session.remove()
        db.engine.dispose()


def test_migration_refolds_names_stored_under_the_old_rule(tmp_path):
    """A name folded by the old rule (casefold: "οδοσ") is found by today's search ("Οδος" → "οδος") after
    `flask db upgrade`."""
    url = "sqlite:///" + str(tmp_path / "old.sqlite")
    app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="0011_awaiting_owner")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO mipymes (name, search_name, sector, owner_name, phone, address, neighborhood, active, "
                "created_at, updated_at, enrolled_on) VALUES ('ΟΔΟΣ Straße', 'οδοσ strasse', 'artesanias', '', '', "
                "'', '', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01')"))
        upgrade()
        assert db.session.scalar(select(Mipyme.name).where(name_matches(Mipyme.search_name, "Οδος"))) == "ΟΔΟΣ Straße"
        db.session.remove()
        db.engine.dispose()
