"""Numbers as Colombians write them, in the browser: static/js/numbers.js reads every case of
tests/cases/numbers.json exactly as fieldwork/text/numbers.py does, and the visit form refuses what is not a
whole number beside its field, without changing it and without saving the visit."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask_babel import force_locale

from fieldwork.text.numbers import INTEGER_MESSAGES
from tests.browser.conftest import screenshot
from tests.browser.offline_helpers import fill_visit, log_in_and_get_ready, open_form, server_fixture  # noqa: F401
from tests.builders import make_mipyme, make_user

pytestmark = pytest.mark.browser
CASES = json.loads((Path(__file__).parents[1] / "cases" / "numbers.json").read_text(encoding="utf-8"))["cases"]

READ_ALL = """(cases) => import('/static/js/numbers.js').then((m) => cases.map((c) => {
  const read = c.kind === 'integer' ? m.parseInteger : m.parseDecimal;
  const options = {};
  if ('maximum' in c) options.maximum = c.maximum;
  if ('allow_negative' in c) options.allowNegative = c.allow_negative;
  return read(c.input, options);
}))"""


def test_browser_reads_every_number_case_as_the_server_does(live_server, page):
    page.goto(live_server.url + "/offline", wait_until="domcontentloaded")
    answers = page.evaluate(READ_ALL, CASES)
    disagreements = []
    for case, answer in zip(CASES, answers, strict=True):
        expected = {"error": case["error"]} if "error" in case else {"value": case["value"]}
        if answer != expected:
            disagreements.append((case, answer))
    assert disagreements == []


@pytest.fixture
def mipyme(app):
    """Lucía, an officer, and her one Mipyme."""
    return make_mipyme(make_user("officer", username="lucia", name="Lucía Ramos"), name="Calzado Vallenato")


def test_sales_with_centavos_are_refused_beside_the_field_and_nothing_is_saved(server, page, mipyme, app):
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    sales = page.locator("input[name=monthly_sales_cop]")
    sales.fill("4.500.000,50")
    sales.press("Tab")  # leaving the field says what is wrong at once
    message = page.locator("#monthly_sales_cop-error")
    with app.test_request_context(), force_locale("es"):
        expected = str(INTEGER_MESSAGES["decimal"])
    assert message.inner_text() == expected
    assert expected.startswith("Escriba un número entero, sin centavos ni signo")
    assert sales.get_attribute("aria-invalid") == "true"
    assert sales.get_attribute("aria-describedby") == "monthly_sales_cop-error"
    screenshot(page, "visit-form-sales-with-centavos-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "visit-form-sales-with-centavos-laptop")
    page.set_viewport_size({"width": 390, "height": 844})

    page.click("button[type=submit]")
    assert page.locator("#monthly_sales_cop-error").inner_text() == expected
    assert sales.input_value() == "4.500.000,50"  # never changed into another number
    assert page.get_attribute("form[data-visit-form]", "data-last-queued") is None
    assert page.locator("[data-syncbar]").get_attribute("data-pending") == "0"


@pytest.mark.parametrize("case", [
    ("employees", "2,5", "decimal"), ("employees", "-5", "sign"), ("production_units", "4.50.000", "grouping"),
    ("production_units", "doce", "characters"),
])
def test_figures_that_are_not_whole_numbers_keep_what_was_typed_and_block_saving(server, page, mipyme, app, case):
    field, typed, code = case
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    fill_visit(page, mipyme.id)
    page.fill(f"input[name={field}]", typed)
    page.click("button[type=submit]")
    with app.test_request_context(), force_locale("es"):
        expected = str(INTEGER_MESSAGES[code])
    assert page.locator(f"#{field}-error").inner_text() == expected
    assert page.input_value(f"input[name={field}]") == typed
    assert page.get_attribute("form[data-visit-form]", "data-last-queued") is None


def test_a_whole_number_is_shown_back_with_thousands_dots_when_left(server, page, mipyme):
    log_in_and_get_ready(page, server.url, "lucia")
    open_form(page, server.url)
    page.fill("input[name=monthly_sales_cop]", "4500000")
    assert page.input_value("input[name=monthly_sales_cop]") == "4500000"  # nothing rewritten while typing
    page.press("input[name=monthly_sales_cop]", "Tab")
    assert page.input_value("input[name=monthly_sales_cop]") == "4.500.000"
    assert page.locator("#monthly_sales_cop-error").count() == 0
