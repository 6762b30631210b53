"""Phone and server reach the same verdict on a form with repeats and the new types (issue 18 item 11):
hypothesis generates answers, right and wrong, for an uploaded form whose repeat has a repeat_count, a
constraint and a relevant inside, a nested repeat and a sum over it, and time, dateTime, geopoint, range,
acknowledge, rank and image questions inside and outside it; validate.js's walk in Chromium and
fieldwork.forms.answers's (answers_walk.py) must refuse the same paths with the same messages and keep the same
answers."""
from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fieldwork.forms.answers import validate_answers
from fieldwork.forms.services import definition
from tests.browser.test_form_verdicts import ANYTHING, DAY, GENERATED, answer_for
from tests.forms.fixtures import YES_NO, publish
from tests.forms.xlsform import choice, question, xlsform

pytestmark = pytest.mark.browser

NOW = "2026-03-02T09:15:00.000-05:00"
CHANNELS = [choice("canales", name, name.capitalize()) for name in ("tienda", "feria", "redes")]


def production_form() -> bytes:
    """A workshop's products as a repeat, as issue 18's programme form has them, every new type in and beside it."""
    survey = [
        question("integer", "n_productos", "¿Cuántos productos hace?", constraint=". >= 0 and . <= 3"),
        question("begin_repeat", "productos", "Producto", repeat_count="${n_productos}"),
        question("text", "nombre", "Nombre del producto", required="yes"),
        question("integer", "unidades", "Unidades al mes", constraint=". >= 0",
                 constraint_message="Las unidades no pueden ser negativas."),
        question("decimal", "precio", "Precio", relevant="${unidades} > 0",
                 constraint=". > 0 and . < indexed-repeat(${unidades}, ${productos}, 1) + 5"),
        question("time", "hora", "Hora de la última venta",
                 constraint="decimal-time(.) >= decimal-time('08:00:00')"),
        question("range", "calidad", "Calidad", parameters="start=0 end=5 step=0.5",
                 constraint=". >= position(..) - 1"),
        question("select_one si_no", "vende", "¿Lo vende por unidades?"),
        question("begin_repeat", "ventas", "Venta", relevant="${vende} = 'si'"),
        question("integer", "cantidad", "Cantidad", required="yes", constraint=". <= ${unidades}"),
        question("geopoint", "donde", "Dónde"),
        question("end_repeat", "ventas"),
        question("end_repeat", "productos"),
        question("calculate", "total_unidades", calculation="sum(${unidades})"),
        question("integer", "vendidas", "Unidades vendidas", constraint=". <= ${total_unidades}"),
        question("dateTime", "ultima_visita", "Última visita", constraint=". <= now()"),
        question("geopoint", "ubicacion", "Ubicación del taller", required="yes"),
        question("acknowledge", "acepta", "Confirmo los datos", required="yes", relevant="${total_unidades} > 0"),
        question("rank canales", "orden_canales", "Ordene los canales"),
        question("image", "foto", "Foto del producto"),
    ]
    return xlsform(survey, YES_NO + CHANNELS, {"form_title": "Producción", "form_id": "produccion", "version": "1"})


def _level_answers(items: list[dict[str, Any]]) -> st.SearchStrategy:
    """A level's answers, every answerable question's (None, an empty answer, among them), its repeats as lists
    of instances (now and then not a list, or with an instance that is not an object), now and then a name the
    level does not have. `items` as the API gives them: a repeat holds its children."""
    fields = {q["name"]: answer_for(q) for q in items if q["type"] in GENERATED}
    fields.update({q["name"]: _instances(q["children"]) for q in items if q["type"] == "repeat"})
    return st.fixed_dictionaries(fields, optional={"no_existe": ANYTHING})


def _instances(children: list[dict[str, Any]]) -> st.SearchStrategy:
    """A repeat's list of instances four times in five; else one that is no list of objects."""
    instances = st.lists(_level_answers(children), max_size=3)
    malformed = st.one_of(instances.map(lambda listed: [*listed, "no es objeto"]), ANYTHING)
    return st.integers(0, 4).flatmap(lambda n: instances if n else malformed)


@st.composite
def production_answers(draw: st.DrawFn, form: dict[str, Any]) -> dict[str, Any]:
    """Answers whose n_productos mostly matches the products given, so the walk goes inside the instances."""
    answers = draw(_level_answers(form["questions"]))
    products = answers.get("productos")
    if isinstance(products, list) and draw(st.integers(0, 4)):
        answers["n_productos"] = len(products)
    return answers


#: Two products, the first right to its nested sale, the second wrong at each level: whatever hypothesis draws,
#: the comparison reaches every kind of path once.
WORKSHOP = {
    "n_productos": 2, "vendidas": 10, "ultima_visita": "2026-03-02T08:00:00-05:00", "acepta": "OK",
    "ubicacion": {"lat": 10.4631, "lon": -73.2532, "accuracy_m": 4.5}, "orden_canales": ["redes", "tienda", "feria"],
    "foto": "0b6f5e0a-54a2-4d4c-9d8e-1f2a3b4c5d6e",
    "productos": [
        {"nombre": "Mochila", "unidades": 10, "precio": 12.5, "hora": "09:30:00", "calidad": 4.5, "vende": "si",
         "ventas": [{"cantidad": 4, "donde": {"lat": 10.47, "lon": -73.24}}]},
        {"nombre": "Sombrero", "unidades": 0, "precio": 3, "hora": "07:59:59", "calidad": 0.5, "vende": "si",
         "ventas": [{"cantidad": 3, "donde": {"lat": 91, "lon": 0}}]},
    ],
}


BROWSER_VERDICT = """async ([definition, answers, today, now]) => {
  const { prepareWalk, validateAnswers } = await import('/static/js/forms/validate.js');
  await prepareWalk(definition);
  return JSON.stringify(validateAnswers(definition, answers, today, now));
}"""


def test_browser_and_server_give_the_same_verdict_on_repeats_and_new_types(live_server, page):
    form = definition(publish(production_form()), "es")
    page.goto(live_server.url + "/offline", wait_until="domcontentloaded")
    seen: dict[str, set] = {"error paths": set(), "kept": set()}

    @settings(max_examples=200, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(production_answers(form))
    @example(WORKSHOP)
    def same_verdict(answers):
        clean, errors = validate_answers(form, answers, DAY, NOW)
        browser = json.loads(page.evaluate(BROWSER_VERDICT, [form, answers, DAY.isoformat(), NOW]))
        assert browser["errors"] == errors, answers
        assert browser["answers"] == clean, answers
        seen["error paths"] |= set(errors)
        seen["kept"] |= {f"productos[].{name}" for product in clean.get("productos", []) for name in product}

    same_verdict()
    # drawn answers reached inside the repeat too (margins are wide: dozens of each in 200 examples)
    assert seen["kept"] and any(path.startswith("answers.productos[") for path in seen["error paths"])
