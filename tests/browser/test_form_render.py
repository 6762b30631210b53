"""The programme's questions drawn in the browser (static/js/forms/render.js), as an officer uses them:
relevance shows and hides live, a failed constraint shows its message beside the field, calculates and
notes follow the answers, numbers are read as Colombia writes them."""
from __future__ import annotations

import pytest

from tests.browser.forms_helpers import definition, field, financing_questions, mount, question

pytestmark = pytest.mark.browser


@pytest.fixture
def preview(live_server, page):
    mount(page, live_server.url, definition(financing_questions()))
    return page


FETCHED = "performance.getEntriesByType('resource').map((e) => e.name)"


def test_a_form_without_repeats_widgets_or_regex_fetches_none_of_their_modules(preview):
    """Most programme forms use none: the phone does not download or parse the repeats' cards, the widgets or
    regex()'s dialect."""
    fetched = preview.evaluate(FETCHED)
    assert any("/forms/render." in url for url in fetched)
    assert not [url for url in fetched if any(f"/forms/{name}." in url
                                              for name in ("repeat-cards", "widgets", "regex-dialect"))]


def test_a_regex_constraint_is_checked_on_the_phone_with_its_dialect_fetched_for_it(live_server, page):
    form = definition([question("celular", "text", "Celular", constraint="regex(., '^3[0-9]{9}$')",
                                constraint_message="Escriba los 10 dígitos del celular, empezando por 3.")])
    mount(page, live_server.url, form)
    assert any("/forms/regex-dialect." in url for url in page.evaluate(FETCHED))
    error = page.locator("[data-question=celular] .error")
    page.fill(field("celular"), "310 555")
    assert error.inner_text() == "Escriba los 10 dígitos del celular, empezando por 3."
    page.fill(field("celular"), "3105550123")
    assert error.count() == 0


def test_amount_appears_only_when_financing_was_received(preview):
    amount = preview.locator("[data-question=amount]")
    assert amount.is_hidden()
    preview.check(f"{field('financing')}[value=si]")
    assert amount.is_visible()
    preview.check(f"{field('financing')}[value=no]")
    assert amount.is_hidden()


def test_failed_constraint_shows_its_message_beside_the_field(preview):
    preview.check(f"{field('financing')}[value=si]")
    preview.fill(field("amount"), "0")
    amount = preview.locator(field("amount"))
    error = preview.locator("[data-question=amount] .error")
    assert error.inner_text() == "El monto debe ser mayor que cero."
    assert amount.get_attribute("aria-invalid") == "true"
    assert error.get_attribute("id") in amount.get_attribute("aria-describedby").split()
    assert "q-amount-hint" in amount.get_attribute("aria-describedby").split()
    preview.fill(field("amount"), "1.500.000")
    assert error.count() == 0
    assert amount.get_attribute("aria-invalid") is None


def test_constraint_without_message_gets_the_default_spanish_one(preview):
    preview.check(f"{field('financing')}[value=si]")
    preview.fill(field("rate"), "12,5")
    assert preview.locator("[data-question=rate] .error").inner_text() == (
        "La respuesta no cumple la condición de esta pregunta.")
    preview.fill(field("rate"), "2,5")
    assert preview.locator("[data-question=rate] .error").count() == 0


def test_decimal_comma_and_grouped_integers_are_read_as_numbers(preview):
    preview.check(f"{field('financing')}[value=si]")
    preview.fill(field("amount"), "4.500.000")
    preview.fill(field("rate"), "2,75")
    assert preview.evaluate("window.questions.check()")["answers"] == {
        "financing": "si", "amount": 4_500_000, "rate": 2.75, "formal": 0, "informal": 0, "total": "0"}
    preview.fill(field("amount"), "4,5")
    assert preview.locator("[data-question=amount] .error").inner_text() == "Escriba un número entero."


def test_calculate_and_note_follow_the_answers_and_defaults_fill_in(preview):
    note = preview.locator("[data-question=total_note]")
    assert preview.input_value(field("formal")) == "0"
    assert note.inner_text() == "Total de empleados: 0"
    preview.fill(field("formal"), "3")
    preview.fill(field("informal"), "4")
    assert note.inner_text() == "Total de empleados: 7"
    assert preview.locator("[data-question=total]").is_hidden()  # a calculate without a label is only a value


def test_select_multiple_has_one_checkbox_per_choice_and_its_constraint(preview):
    boxes = preview.locator(f"{field('channels')}[type=checkbox]")
    assert boxes.count() == 5
    for value in ("tienda", "feria", "redes", "whatsapp"):
        preview.check(f"{field('channels')}[value={value}]")
    assert preview.locator("[data-question=channels] .error").inner_text() == "Elija como máximo tres canales."


def test_date_constraint_compares_with_the_visit_day(preview):
    preview.fill(field("rut_date"), "2026-03-03")  # the day after the visit (2026-03-02)
    assert preview.locator("[data-question=rut_date] .error").inner_text() == (
        "La fecha no puede ser posterior a la visita.")
    preview.fill(field("rut_date"), "2026-03-02")
    assert preview.locator("[data-question=rut_date] .error").count() == 0


def test_required_mark_labels_and_group_heading_are_accessible(preview):
    assert preview.locator("fieldset[data-group=finance] > legend").inner_text() == "Financiación"
    assert preview.get_by_label("Empleados formales").count() == 1
    assert preview.locator(f"{field('financing')}[value=si]").get_attribute("aria-required") == "true"
    assert preview.locator("[data-question=financing] legend .required-mark").count() == 1


def test_a_group_that_is_not_relevant_hides_every_question_in_it(live_server, page):
    form = definition([
        question("active", "select_one", "¿Sigue activa?", choices=[{"name": "si", "label": "Sí"},
                                                                    {"name": "no", "label": "No"}]),
        {"type": "begin_group", "name": "sales", "label": "Ventas", "relevant": "${active} = 'si'",
         "ast": {"relevant": ["=", ["ref", "active"], ["str", "si"]]}},
        question("online", "select_one", "¿Vende en línea?", choices=[{"name": "si", "label": "Sí"}]),
        {"type": "end_group", "name": "sales"},
    ])
    mount(page, live_server.url, form)
    assert page.locator("[data-group=sales]").is_hidden()
    page.check(f"{field('active')}[value=si]")
    assert page.locator("[data-question=online]").is_visible()


def test_preview_draws_the_embedded_version_and_saves_nothing(live_server, page):
    page.goto(live_server.url + "/offline", wait_until="domcontentloaded")
    page.evaluate("""(definition) => {
      document.querySelector('main').innerHTML = '<section id="form-preview"></section>';
      const data = Object.assign(document.createElement('script'), { type: 'application/json', id: 'form-definition' });
      data.textContent = JSON.stringify(definition);
      document.body.append(data);
      return import('/static/js/forms/preview.js');
    }""", definition(financing_questions()))
    page.wait_for_selector("#form-preview[data-ready=true]")
    page.check(f"{field('financing')}[value=si]")
    page.fill(field("amount"), "0")
    assert page.locator("[data-question=amount] .error").inner_text() == "El monto debe ser mayor que cero."
    assert page.evaluate("indexedDB.databases().then((all) => all.map((d) => d.name))") == []


def test_today_is_the_visit_day_in_bogota_whatever_the_phones_zone(live_server, browser):
    """today() is the day of visited_at (typed in the phone's zone) in America/Bogota."""
    context = browser.new_context(timezone_id="Europe/Madrid", locale="es-CO")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/offline", wait_until="domcontentloaded")
        days = page.evaluate("""() => import('/static/js/forms/visit-questions.js').then((m) => [
          m.visitDay('2026-03-03T02:00', 'America/Bogota'),   // 20:00 on the 2nd in Bogotá
          m.visitDay('2026-03-03T07:00', 'America/Bogota'),   // 01:00 on the 3rd
        ])""")
    finally:
        context.close()
    assert days == ["2026-03-02", "2026-03-03"]
