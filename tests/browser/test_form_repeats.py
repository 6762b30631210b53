"""Repeats on the officer's phone (static/js/forms/repeat-cards.js), in a real Chromium at 390×844: each
instance a numbered card, added, taken out (with «Deshacer»), moved up and down, nested; what is typed follows
its card and comes out as the list of objects the server takes (forms-v3-spec §2)."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.forms_helpers import definition, mount, question

pytestmark = pytest.mark.browser

SIZES = [{"name": "s", "label": "Pequeña"}, {"name": "m", "label": "Mediana"}, {"name": "l", "label": "Grande"}]


def products_form() -> dict:
    """Products, each with its units and, nested, the sizes it comes in."""
    return definition([
        question("negocio", "text", "Nombre del negocio"),
        {"type": "begin_repeat", "name": "productos", "label": "Producto"},
        question("nombre", "text", "Nombre del producto"),
        question("unidades", "integer", "Unidades al mes"),
        {"type": "begin_repeat", "name": "tallas", "label": "Talla"},
        question("talla", "select_one", "Talla", choices=SIZES),
        {"type": "end_repeat", "name": "tallas"},
        {"type": "end_repeat", "name": "productos"},
    ])


def field(path: str) -> str:
    return f"[name='answers.{path}']"


def card(page, path: str):
    return page.locator(f".repeat-card[data-instance='{path}']")


def tool(page, path: str, name: str):
    """A card's own button (a nested repeat's cards inside it have theirs)."""
    return card(page, path).locator(":scope > .repeat-head").get_by_role("button", name=name)


def titles(page, repeat: str = "productos") -> list[str]:
    cards = page.locator(f"[data-repeat='{repeat}'] > .repeat-cards > .repeat-card")
    return cards.locator(":scope > .repeat-head .repeat-title").all_inner_texts()


def typed(page) -> dict:
    return page.evaluate("window.questions.read()")


@pytest.fixture
def products(live_server, page):
    mount(page, live_server.url, products_form())
    return page


def add_product(page, name: str, units: str) -> None:
    page.get_by_role("button", name="Agregar Producto").click()
    number = len(titles(page))
    page.fill(field(f"productos[{number}].nombre"), name)
    page.fill(field(f"productos[{number}].unidades"), units)


def test_each_instance_is_a_numbered_card_with_its_own_named_inputs(products):
    assert titles(products) == ["Producto 1"]
    products.fill(field("productos[1].nombre"), "Sandalias")
    add_product(products, "Botas", "40")
    assert titles(products) == ["Producto 1", "Producto 2"]
    assert products.evaluate("document.activeElement.closest('.repeat-card').dataset.instance") == "productos[2]"
    assert card(products, "productos[2]").get_by_label("Unidades al mes").input_value() == "40"
    assert typed(products)["productos"] == [
        {"nombre": "Sandalias", "unidades": "", "tallas": [{"talla": ""}]},
        {"nombre": "Botas", "unidades": "40", "tallas": [{"talla": ""}]}]
    screenshot(products, "repeat-cards")


def test_taking_a_card_out_by_mistake_is_undone_with_what_was_typed(products):
    products.fill(field("productos[1].nombre"), "Sandalias")
    add_product(products, "Botas", "40")
    add_product(products, "Correas", "7")
    tool(products, "productos[2]", "Quitar").click()
    assert titles(products) == ["Producto 1", "Producto 2"]
    assert products.input_value(field("productos[2].nombre")) == "Correas"
    undo = products.locator("[data-repeat=productos] > .repeat-undo")
    assert undo.inner_text().startswith("Se quitó «Producto 2».")
    assert products.evaluate("document.activeElement.textContent") == "Deshacer"  # the undo is one tap away
    screenshot(products, "repeat-undo")
    undo.get_by_role("button", name="Deshacer").click()
    assert undo.is_hidden()
    names = [products.input_value(field(f"productos[{n}].nombre")) for n in (1, 2, 3)]
    assert names == ["Sandalias", "Botas", "Correas"]
    assert products.input_value(field("productos[2].unidades")) == "40"


def test_moving_a_card_carries_its_answers_and_renumbers_the_cards(products):
    products.fill(field("productos[1].nombre"), "Sandalias")
    add_product(products, "Botas", "40")
    tool(products, "productos[2]", "Subir").click()
    assert [products.input_value(field(f"productos[{n}].nombre")) for n in (1, 2)] == ["Botas", "Sandalias"]
    assert products.input_value(field("productos[1].unidades")) == "40"
    assert tool(products, "productos[1]", "Subir").get_attribute("aria-disabled") == "true"
    tool(products, "productos[1]", "Bajar").click()
    assert [products.input_value(field(f"productos[{n}].nombre")) for n in (1, 2)] == ["Sandalias", "Botas"]


def test_a_repeat_inside_a_repeat_has_its_own_cards_per_product(products):
    add_product(products, "Botas", "40")
    boots = card(products, "productos[2]")
    boots.get_by_role("button", name="Agregar Talla").click()
    products.check(f"{field('productos[2].tallas[1].talla')}[value=m]")
    products.check(f"{field('productos[2].tallas[2].talla')}[value=l]")
    products.check(f"{field('productos[1].tallas[1].talla')}[value=s]")  # radios of each instance are their own group
    assert products.is_checked(f"{field('productos[2].tallas[1].talla')}[value=m]")
    assert titles(products, "productos[2].tallas") == ["Talla 1", "Talla 2"]
    assert typed(products)["productos"][1]["tallas"] == [{"talla": "m"}, {"talla": "l"}]
    screenshot(products, "repeat-nested")


def test_buttons_are_big_enough_to_tap_and_fit_the_phone(products):
    add_product(products, "Botas", "40")
    for button in products.locator(".repeat-card button, .repeat-add").all():
        box = button.bounding_box()
        assert box["height"] >= 48 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert products.evaluate("document.documentElement.scrollWidth") <= 390
