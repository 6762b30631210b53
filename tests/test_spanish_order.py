"""Names sort as Spanish readers expect on both databases: accents do not send a name past "z"
("Ánfora" before "Zapatería"), and "ñ" is its own letter after "n" (ICU's "es" order)."""
from __future__ import annotations

import re

import pytest

from fieldwork.database import spanish_key
from tests.builders import make_mipyme, make_user
from tests.conftest import login

MIPYMES = ["Zapatería Kankuama", "Ánfora Artesanías", "Ñame y Yuca", "Nube Café", "óptica Central", "Alfarería"]
IN_ORDER = ["Alfarería", "Ánfora Artesanías", "Nube Café", "Ñame y Yuca", "óptica Central", "Zapatería Kankuama"]
OFFICERS = ["Zoila Ríos", "Álvaro Díaz", "Ñusta Páez", "Nelly Gómez"]
OFFICERS_IN_ORDER = ["Álvaro Díaz", "Nelly Gómez", "Ñusta Páez", "Zoila Ríos"]


def _order(html: str, names: list[str], start: str = "") -> list[str]:
    """The names as they appear in `html` (after `start`), first appearance of each."""
    html = html[html.index(start):] if start else html
    found = sorted((html.index(name), name) for name in names if name in html)
    return [name for _at, name in found]


def test_the_sort_key_orders_as_icu_spanish_does():
    names = ["Zapatería", "Ánfora", "ñame", "Nube", "nz", "ana maría", "Anabel", "Ana", "ana", "Ána", "Óptica", "oso"]
    assert sorted(names, key=spanish_key) == ["ana", "Ana", "Ána", "ana maría", "Anabel", "Ánfora", "Nube", "nz",
                                              "ñame", "Óptica", "oso", "Zapatería"]


@pytest.fixture
def office(client):
    officers = [make_user("officer", name=name) for name in OFFICERS]
    for i, name in enumerate(MIPYMES):
        make_mipyme(officers[i % len(officers)], name=name, neighborhood=["Zuñiga", "Álamos", "Ñeque"][i % 3])
    login(client, make_user("admin"))
    return client


def test_the_registry_lists_mipymes_in_spanish_order(office):
    assert _order(office.get("/mipymes").get_data(as_text=True), MIPYMES) == IN_ORDER


def test_pickers_list_officers_and_mipymes_in_spanish_order(office):
    new_mipyme = office.get("/mipymes/new").get_data(as_text=True)
    assert _order(new_mipyme, OFFICERS, 'name="officer_id"') == OFFICERS_IN_ORDER
    new_user = office.get("/admin/users/new").get_data(as_text=True)
    assert _order(new_user, MIPYMES, 'name="mipyme_id"') == IN_ORDER


def test_the_dashboards_officer_lists_and_barrios_are_in_spanish_order(office):
    html = office.get("/supervision/").get_data(as_text=True)
    assert _order(html, OFFICERS, 'id="reassign_officer_id"') == OFFICERS_IN_ORDER
    assert _order(html, OFFICERS, 'name="officer_id"') == OFFICERS_IN_ORDER
    barrios = re.search(r'name="neighborhood".*?</select>', html, re.S).group(0)
    assert _order(barrios, ["Zuñiga", "Álamos", "Ñeque"]) == ["Álamos", "Ñeque", "Zuñiga"]
    assert _order(html, OFFICERS, 'id="workload-title"') == OFFICERS_IN_ORDER
