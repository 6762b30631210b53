"""Phone and server reach the same verdict on any answers (issue 10 item 5): hypothesis generates answers,
right and wrong, for real uploaded forms; validate.js in Chromium and fieldwork.forms.answers must agree on
which questions fail, with which message, and on what is kept."""
from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldwork.forms.answers import validate_answers
from fieldwork.forms.services import definition
from tests.forms.fixtures import YES_NO, complete_form, programme_form, publish
from tests.forms.xlsform import question, xlsform

pytestmark = pytest.mark.browser

DAY = date(2026, 3, 2)
DATES = ["2026-01-20", "2026-03-02", "2026-03-03", "2025-12-31", "2026-02-30", "20/01/2026", ""]
ANYTHING = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=4))


def _answer(question: dict) -> st.SearchStrategy:
    names = [c["name"] for c in question.get("choices", [])]
    by_type = {
        "integer": st.one_of(st.integers(-5, 15), st.floats(-5, 15, allow_nan=False).map(lambda x: round(x, 1))),
        "decimal": st.one_of(st.floats(-10, 10, allow_nan=False, allow_infinity=False), st.integers(-2, 5)),
        "date": st.sampled_from(DATES),
        "select_one": st.sampled_from([*names, "otra_cosa"]),
        "select_multiple": st.lists(st.sampled_from([*names, "otra_cosa"]), max_size=5),
        "text": st.text(alphabet="ab 1", max_size=4),
    }
    return st.one_of(by_type[question["type"]], ANYTHING)


def answers_for(form: dict) -> st.SearchStrategy:
    """Some of the answerable questions (now and then a name the form does not have)."""
    questions = [q for q in form["questions"]
                 if q["type"] in ("integer", "decimal", "date", "select_one", "select_multiple", "text")]
    fields = {q["name"]: _answer(q) for q in questions}
    return st.fixed_dictionaries({}, optional={**fields, "no_existe": ANYTHING})


def chained_form() -> bytes:
    """Later expressions that read questions which may be hidden (they must then read '' on both sides)."""
    survey = [
        question("select_one si_no", "tiene", "¿Tiene local?"),
        question("integer", "area", "Área del local", relevant="${tiene} = 'si'"),
        question("integer", "bodega", "Área de bodega", constraint=". < ${area} or ${area} = ''",
                 constraint_message="La bodega no puede ser mayor que el local."),
        question("calculate", "total", calculation="concat(${area}, '+', ${bodega})"),
        question("text", "motivo", "¿Por qué no tiene local?", relevant="${total} = '+' or ${tiene} = 'no'",
                 required="yes"),
    ]
    return xlsform(survey, YES_NO, {"form_title": "Encadenado", "form_id": "encadenado", "version": "1"})


def _normalised(clean: dict) -> dict:
    return {name: sorted(value) if isinstance(value, list) else value for name, value in clean.items()}


BROWSER_VERDICT = """async ([definition, answers, today]) => {
  const { validateAnswers } = await import('/static/js/forms/validate.js');
  return JSON.stringify(validateAnswers(definition, answers, today));
}"""


@pytest.mark.parametrize("content", [programme_form(), complete_form(), chained_form()],
                         ids=["programme", "complete", "chained"])
def test_browser_and_server_give_the_same_verdict_on_generated_answers(live_server, page, content):
    form = definition(publish(content), "es")
    page.goto(live_server.url + "/offline", wait_until="domcontentloaded")

    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(answers_for(form))
    def same_verdict(answers):
        clean, errors = validate_answers(form, answers, DAY)
        browser = json.loads(page.evaluate(BROWSER_VERDICT, [form, answers, DAY.isoformat()]))
        assert browser["errors"] == errors, answers
        if not errors:
            assert _normalised(browser["answers"]) == _normalised(clean), answers

    same_verdict()
