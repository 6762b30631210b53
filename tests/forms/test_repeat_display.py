"""The supervisor's visit page and the owner's pages show contract-v3 answers as people read them: a repeat
as a small table (a row per instance), a place, a photo or that it has not arrived, times in Bogotá, a rank
in its order; labels in the page's language."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from fieldwork import confirmation_links as links
from tests.builders import make_mipyme, make_user, make_visit
from tests.conftest import login
from tests.forms.stored_v3 import (
    PHOTO_PENDING,
    PHOTO_STORED,
    production_answers,
    production_definition,
    store_photo,
    store_version,
)


@pytest.fixture
def world(app):
    supervisor = make_user("supervisor")
    version = store_version(production_definition(), supervisor)
    officer = make_user("officer")
    mipyme = make_mipyme(officer, name="Calzado Vallenato")
    visit = make_visit(mipyme, officer, visited_at=datetime(2026, 2, 10, 14, tzinfo=UTC),
                       form_version_id=version.id, answers=production_answers())
    store_photo(visit.id, PHOTO_STORED)
    owner = make_user("owner", mipyme=mipyme)
    return {"supervisor": supervisor, "officer": officer, "owner": owner, "visit": visit}


def _block(html: str) -> str:
    (block,) = re.findall(r'<section class="form-answers".*?</section>', html, re.S)
    return block


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _tables(block: str) -> dict[str, list[list[str]]]:
    """Each repeat table by its caption: rows of cell texts (header row first)."""
    tables = {}
    for caption, body in re.findall(r"<caption[^>]*>(.*?)</caption>(.*?)</table>", block, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        tables[caption.strip()] = [[_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]
    return tables


def test_the_supervisors_page_shows_each_new_type_as_people_read_it(client, world):
    login(client, world["supervisor"])
    block = _block(client.get(f"/supervision/visits/{world['visit'].id}").get_data(as_text=True))
    text = _text(block)
    assert "Ubicación del taller 10.46310, -73.25320 (± 5 m)" in text
    assert "Hora de apertura 07:30" in text
    assert "Última entrega 9 feb 2026, 15:15" in text  # 20:15 UTC is 15:15 in Bogotá
    assert re.search(r"<ol class=\"answer-choices answer-rank\"><li>Ventas</li><li>Crédito</li><li>Formación</li></ol>",
                     block)
    assert f'src="/api/v1/photos/{PHOTO_STORED}"' in block  # the photo that arrived
    assert "Foto del letrero Foto pendiente de enviar" in text and PHOTO_PENDING not in block
    assert "Recorrido 2 puntos: 10.10000, -73.20000; 10.20000, -73.30000 (± 3 m)" in text
    assert "Satisfacción 4" in text and "Acepta el registro OK" in text
    assert "2026-02-10T09:00:00" not in block  # the phone's metadata is not an answer to read


def test_a_repeat_is_a_table_with_a_row_per_instance_and_nested_repeats_follow(client, world):
    login(client, world["supervisor"])
    tables = _tables(_block(client.get(f"/supervision/visits/{world['visit'].id}").get_data(as_text=True)))
    products = tables["Productos"]
    assert products[0] == ["#", "Producto", "Tipo de producto", "Unidades al mes", "Precio unitario",
                           "Ventas del producto", "Foto del producto"]
    assert products[1][:6] == ["1", "Abarcas", "Calzado", "120", "35.000,5", "4.200.060"]
    assert products[2] == ["2", "Mochilas", "Bolsos", "15", "90.000", "1.350.000", "—"]  # no photo in that one
    assert tables["Productos › Tallas"] == [["#", "Talla", "Pares"], ["1.1", "38", "40"], ["1.2", "40", "80"]]


def test_the_owners_link_page_shows_the_repeat_and_the_photo_through_the_link(client, world):
    token = links.make_token(world["visit"])
    block = _block(client.get("/c/" + token).get_data(as_text=True))
    assert f'src="/c/{token}/photos/{PHOTO_STORED}"' in block  # the link's own photo route, no account needed
    assert "Abarcas" in block and "Foto pendiente de enviar" in block
    assert _tables(block)["Productos"][1][1] == "Abarcas"


def test_the_owners_home_shows_the_same_answers(client, world):
    login(client, world["owner"])
    block = _block(client.get("/owner/").get_data(as_text=True))
    assert "10.46310, -73.25320 (± 5 m)" in block and "Productos › Tallas" in block


def test_labels_follow_the_pages_language(client, world):
    login(client, world["supervisor"])
    with client.session_transaction() as session:
        session["lang"] = "en"
    block = _block(client.get(f"/supervision/visits/{world['visit'].id}").get_data(as_text=True))
    assert "Products" in _tables(block) and "Workshop location" in block
    assert _tables(block)["Products"][1][2] == "Footwear"


@pytest.mark.parametrize("odd", [
    {"productos": "no es una lista"}, {"productos": [1, "x", None]}, {"lugar": [10, 20]}, {"lugar": {"lat": "x"}},
    {"abre": "25:99"}, {"ultima_entrega": "ayer"}, {"prioridades": "credito"}, {"recorrido": {"lat": 1}},
    {"fachada": 42}, {"productos": [{"tallas": "x", "unidades": "muchas"}]},
])
def test_answers_stored_in_another_shape_still_show_the_page(client, world, odd):
    visit = make_visit(world["visit"].mipyme, world["officer"], form_version_id=world["visit"].form_version_id,
                       answers={"nombre": "Taller", **odd})
    login(client, world["supervisor"])
    response = client.get(f"/supervision/visits/{visit.id}")
    assert response.status_code == 200 and "Taller" in _block(response.get_data(as_text=True))
