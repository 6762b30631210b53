"""On the phone, the form refuses before saving what the server would refuse, in the server's words: a text over
10,000 characters, a figure beyond ±10^15, calculates that run out of budget; and questions named like
JavaScript's own properties are answers like any other."""
from __future__ import annotations

import json

import pytest

from tests.browser.forms_helpers import definition, field, mount, question

pytestmark = pytest.mark.browser


def type_long(page, name: str, length: int) -> None:
    """A paste of `length` characters (fill() would send them one key at a time)."""
    page.eval_on_selector(field(name), "(node, n) => { node.value = 'a'.repeat(n); "
                          "node.dispatchEvent(new Event('input', { bubbles: true })); }", length)


def test_a_long_text_and_a_huge_figure_are_refused_beside_their_fields(live_server, page):
    mount(page, live_server.url, definition([question("nota", "text", "Observación"),
                                             question("monto", "decimal", "Monto (COP)")]))
    type_long(page, "nota", 10_001)
    page.fill(field("monto"), "9.000.000.000.000.000")
    verdict = page.evaluate("window.questions.check()")
    assert verdict["errors"] == {
        "answers.nota": ["La respuesta es demasiado larga: escriba como máximo 10.000 caracteres."],
        "answers.monto": ["Escriba un número."]}
    assert page.locator("[data-question=nota] .error").inner_text() == (
        "La respuesta es demasiado larga: escriba como máximo 10.000 caracteres.")
    type_long(page, "nota", 10_000)
    page.fill(field("monto"), "1.000.000.000.000.000")
    assert page.evaluate("window.questions.check()")["errors"] == {}


def test_calculates_that_run_out_of_budget_are_said_above_the_questions(live_server, page):
    copies = [question(f"copia{i}", "calculate", "", calculation="${nota}") for i in range(250)]
    mount(page, live_server.url, definition([question("nota", "text", "Observación"), *copies]))
    type_long(page, "nota", 9_000)
    verdict = page.evaluate("window.questions.check()")
    assert list(verdict["errors"]) == ["answers.copia222"]
    box = page.locator("[data-form-errors]")
    assert box.inner_text().startswith("Calcular el formulario con estas respuestas tomaría demasiado trabajo")
    assert page.evaluate("window.questions.firstInvalid().dataset.formErrors") == "true"
    type_long(page, "nota", 10)
    assert page.evaluate("window.questions.check()")["errors"] == {}
    assert box.count() == 0


def test_questions_named_like_object_properties_are_read_as_answers(live_server, page):
    form = definition([question("zzconstructor", "integer", "Constructor"),
                       question("zztoString", "text", "Texto", relevant="${zzconstructor} > 2"),
                       question("zz__proto__", "calculate", "Suma", calculation="${zzconstructor} + 1")])
    mount(page, live_server.url, json.loads(json.dumps(form).replace("zz", "")))
    assert page.locator("[data-question=toString]").is_hidden()
    page.fill(field("constructor"), "3")
    assert page.locator("[data-question=toString]").is_visible()
    page.fill(field("toString"), "hola")
    verdict = page.evaluate("JSON.stringify(window.questions.check())")
    assert json.loads(verdict)["answers"] == {"constructor": 3, "toString": "hola", "__proto__": "4"}
