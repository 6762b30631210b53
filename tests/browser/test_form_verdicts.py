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


#: Near misses of each new type's shape beside the right ones (answer_types.py's rules, both sides').
TIMES = ["09:30:00", "23:59:59.123", "08:00:00", "17:45:30", "00:00:00", "24:00:00", "9:30:00", "09:30",
         "12:00:00.5", "12:60:00"]
MOMENTS = ["2026-03-02T09:15:00-05:00", "2026-03-02T09:15:00.000Z", "2026-03-01T23:00:00+05:30",
           "2026-02-30T09:15:00Z", "2026-03-02 09:15:00Z", "2026-03-02T09:15:00", "2026-03-03T09:15:00Z"]
PHOTO_IDS = ["0b6f5e0a-54a2-4d4c-9d8e-1f2a3b4c5d6e", "0B6F5E0A-54A2-4D4C-9D8E-1F2A3B4C5D6E", "foto.jpg"]
POINTS = st.fixed_dictionaries(
    {"lat": st.floats(-95, 95, allow_nan=False), "lon": st.floats(-185, 185, allow_nan=False)},
    optional={"altitude": st.floats(-50, 3000, allow_nan=False), "accuracy_m": st.floats(-2, 50, allow_nan=False),
              "velocidad": st.integers(0, 3)})


def answer_for(question: dict) -> st.SearchStrategy:
    """Answers of the question's type, right and wrong, and now and then anything at all."""
    names = [c["name"] for c in question.get("choices", [])]
    by_type = {  # built for the question's own type only: a range's needs its parameters
        "integer": lambda: st.one_of(st.integers(-5, 15),
                                     st.floats(-5, 15, allow_nan=False).map(lambda x: round(x, 1))),
        "decimal": lambda: st.one_of(st.floats(-10, 10, allow_nan=False, allow_infinity=False), st.integers(-2, 5)),
        "date": lambda: st.sampled_from(DATES),
        "select_one": lambda: st.sampled_from([*names, "otra_cosa"]),
        "select_multiple": lambda: st.lists(st.sampled_from([*names, "otra_cosa"]), max_size=5),
        "text": lambda: st.text(alphabet="ab 1", max_size=4),
        "time": lambda: st.sampled_from(TIMES),
        "dateTime": lambda: st.sampled_from(MOMENTS),
        "geopoint": lambda: POINTS,
        "acknowledge": lambda: st.sampled_from(["OK", "ok", "OK ", True]),
        "image": lambda: st.sampled_from(PHOTO_IDS),
        "range": lambda: _on_and_off_steps(question["parameters"]),
        # every choice once in any order most of the time; now and then one missing or twice
        "rank": lambda: st.one_of(st.permutations(names), st.lists(st.sampled_from(names), max_size=len(names) + 1)),
    }
    # half the time the type's own: st.one_of would set ANYTHING's four branches beside the type's one
    return st.booleans().flatmap(lambda own: by_type[question["type"]]() if own else ANYTHING)


def _on_and_off_steps(parameters: dict) -> st.SearchStrategy:
    """A range's values on its steps (start + k × step, as the widget computes them), a tenth of a step off
    them, and up to two steps past either end."""
    start, end, step = parameters["start"], parameters["end"], parameters["step"]
    steps = round(abs(end - start) / step) if step else 0
    return st.tuples(st.integers(-2, steps + 2), st.sampled_from([0, 0, 0.1])).map(
        lambda t: start + (t[0] + t[1]) * step * (1 if end >= start else -1))


#: The answered types the generated answers cover.
GENERATED = ("integer", "decimal", "date", "select_one", "select_multiple", "text", "time", "dateTime", "geopoint",
             "acknowledge", "image", "range", "rank")


def answers_for(form: dict) -> st.SearchStrategy:
    """Some of the answerable questions (now and then a name the form does not have)."""
    fields = {q["name"]: answer_for(q) for q in form["questions"] if q["type"] in GENERATED}
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
  const { prepareWalk, validateAnswers } = await import('/static/js/forms/validate.js');
  await prepareWalk(definition);
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
