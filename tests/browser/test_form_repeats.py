"""Repeats on the officer's phone (static/js/forms/repeat-cards.js), in a real Chromium at 390×844: each
instance a numbered card, added, taken out (with «Deshacer»), moved up and down, nested; what is typed follows
its card and comes out as the list of objects the server takes (forms-v3-spec §2)."""
from __future__ import annotations

import pytest

from fieldwork.forms.expressions import parse
from tests.browser.conftest import screenshot
from tests.browser.forms_helpers import definition, field, mount, question

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


def parsed(item: dict, **expressions: str) -> dict:
    """A marker or question with the AST of its repeat_count or choice_filter, as the server stores it."""
    ast = {key: parse(text, columns=key == "choice_filter") for key, text in expressions.items()}
    return {**item, **expressions, "ast": {**item.get("ast", {}), **ast}}


def test_relevance_and_constraints_are_judged_in_each_card(live_server, page):
    mount(page, live_server.url, definition([
        {"type": "begin_repeat", "name": "productos", "label": "Producto"},
        question("exporta", "select_one", "¿Se exporta?", choices=[{"name": "si", "label": "Sí"},
                                                                  {"name": "no", "label": "No"}]),
        question("pais", "text", "País de destino", relevant="${exporta} = 'si'", required=True),
        question("unidades", "integer", "Unidades", constraint=". <= 100 * position(..)",
                 constraint_message="Demasiadas unidades para este producto."),
        {"type": "end_repeat", "name": "productos"},
    ]))
    page.get_by_role("button", name="Agregar Producto").click()
    page.check(f"{field('productos[2].exporta')}[value=si]")
    assert page.locator("[data-path='productos[2].pais']").is_visible()
    assert page.locator("[data-path='productos[1].pais']").is_hidden()  # the first product does not export
    page.fill(field("productos[1].unidades"), "150")
    page.fill(field("productos[2].unidades"), "150")  # 100 × position(..) = 200 for the second card
    assert page.locator("[data-path='productos[1].unidades'] .error").inner_text() == (
        "Demasiadas unidades para este producto.")
    assert page.locator("[data-path='productos[2].unidades'] .error").count() == 0
    errors = page.evaluate("window.questions.check().errors")
    assert errors == {"answers.productos[1].unidades": ["Demasiadas unidades para este producto."],
                      "answers.productos[2].pais": ["Esta pregunta es obligatoria."]}
    screenshot(page, "repeat-per-card-verdicts")


def test_a_counted_repeat_has_the_counts_cards_and_keeps_what_a_lower_count_leaves_out(live_server, page):
    mount(page, live_server.url, definition([
        question("socios", "integer", "¿Cuántos socios tiene?"),
        parsed({"type": "begin_repeat", "name": "socio", "label": "Socio"}, repeat_count="${socios}"),
        question("nombre", "text", "Nombre del socio"),
        {"type": "end_repeat", "name": "socio"},
    ]))
    assert page.locator(".repeat-card").count() == 0
    page.fill(field("socios"), "3")
    assert titles(page, "socio") == ["Socio 1", "Socio 2", "Socio 3"]
    assert page.get_by_role("button", name="Agregar Socio").count() == 0  # the count decides, not the officer
    assert page.get_by_role("button", name="Quitar").count() == 0
    for n, name in ((1, "Ana"), (3, "Carla")):
        page.fill(field(f"socio[{n}].nombre"), name)
    page.fill(field("socios"), "2")  # a mistake: Carla's name is not thrown away
    assert titles(page, "socio") == ["Socio 1", "Socio 2"]
    kept = page.locator("[data-repeat=socio] > .repeat-kept")
    assert "lo escrito en 1 más queda guardado en el borrador" in kept.inner_text()
    assert [i["nombre"] for i in typed(page)["socio"]] == ["Ana", "", "Carla"]  # the draft keeps it
    assert page.evaluate("window.questions.check()")["answers"]["socio"] == [{"nombre": "Ana"}, {}]
    screenshot(page, "repeat-count-kept")
    page.fill(field("socios"), "3")
    assert page.input_value(field("socio[3].nombre")) == "Carla"
    page.fill(field("socios"), "1")
    kept.get_by_role("button", name="Borrar lo que ya no se pide").click()
    assert [i["nombre"] for i in typed(page)["socio"]] == ["Ana"]
    assert kept.is_hidden()


def test_a_filtered_list_shows_the_choices_of_the_answer_it_depends_on(live_server, page):
    places = [{"name": "med", "label": "Medellín", "columns": {"dpto": "ant"}},
              {"name": "env", "label": "Envigado", "columns": {"dpto": "ant"}},
              {"name": "cali", "label": "Cali", "columns": {"dpto": "valle"}}]
    mount(page, live_server.url, definition([
        question("dpto", "select_one", "Departamento", choices=[{"name": "ant", "label": "Antioquia"},
                                                               {"name": "valle", "label": "Valle"}]),
        parsed(question("municipio", "select_one", "Municipio", choices=places), choice_filter="dpto = ${dpto}"),
    ]))
    shown = page.locator("[data-question=municipio] [data-choice]:visible")
    page.check(f"{field('dpto')}[value=ant]")
    assert shown.all_inner_texts() == ["Medellín", "Envigado"]
    page.check(f"{field('municipio')}[value=env]")
    page.check(f"{field('dpto')}[value=valle]")  # Envigado is not in Valle: kept, shown, and refused aloud
    assert shown.all_inner_texts() == ["Envigado", "Cali"]
    assert page.is_checked(f"{field('municipio')}[value=env]")
    assert page.locator("[data-question=municipio] .error").inner_text() == "Elija una de las opciones de la lista."


def test_metadata_is_never_drawn_and_the_phone_fills_it(live_server, page):
    page.goto(live_server.url + "/offline", wait_until="domcontentloaded")
    form = definition([{"type": "start", "name": "inicio"}, {"type": "end", "name": "fin"},
                       {"type": "today", "name": "hoy"}, {"type": "username", "name": "usuario"},
                       {"type": "deviceid", "name": "equipo"}, question("nota", "text", "Nota")])
    answers = page.evaluate("""async (form) => {
      document.querySelector('main').innerHTML = '<section data-form-questions></section>';
      const { renderForm } = await import('/static/js/forms/render.js');
      const container = document.querySelector('[data-form-questions]');
      const metadata = { start: '2026-03-02T09:15:00-05:00', end: () => '2026-03-02T09:40:00-05:00',
                         username: 'lucia' };
      const form_ = renderForm(container, form, { today: () => '2026-03-02', metadata });
      return { drawn: container.querySelectorAll('[data-question]').length, answers: form_.check().answers };
    }""", form)
    assert answers == {"drawn": 1, "answers": {
        "inicio": "2026-03-02T09:15:00-05:00", "fin": "2026-03-02T09:40:00-05:00", "hoy": "2026-03-02",
        "usuario": "lucia"}}
