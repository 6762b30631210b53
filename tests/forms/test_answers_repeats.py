"""The walk with repeats, choice filters, pulldata(), the title and metadata (forms-v3 §4): each case judged by the
server's validate_answers and the phone's walk (validate.js, under node), which must give the expected verdict,
the same one, under the same keys; with the definition as the API gives it (a repeat holding its children) and as
it is stored (begin_repeat/end_repeat markers)."""
from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldwork.forms.answers import MAX_INSTANCES, judge_answers, validate_answers
from fieldwork.forms.expressions import parse
from tests.node.runner import run

DAY = date(2026, 3, 2)
NOW = "2026-03-02T09:15:00.000-05:00"
PARSED_AS = {"relevant": False, "constraint": False, "calculation": False, "repeat_count": False,
             "choice_filter": True}


def q(kind: str, name: str, **keys: Any) -> dict[str, Any]:
    """An item as the API gives it, its expressions parsed as the upload stores them."""
    item = {"type": kind, "name": name, "label": name.capitalize(), **keys}
    item["ast"] = {key: parse(keys[key], columns=columns) for key, columns in PARSED_AS.items() if key in keys}
    if kind == "repeat":
        item["children"] = keys.get("children", [])
    return item


def choices(*names: str, **columns: dict[str, str]) -> list[dict[str, Any]]:
    return [{"name": n, "label": n.upper(), **({"columns": columns[n]} if n in columns else {})} for n in names]


HOGAR = {
    "questions": [
        q("integer", "n_personas", required=True),
        q("select_one", "tiene_productos", choices=choices("si", "no")),
        q("repeat", "personas", repeat_count="${n_personas}", children=[
            q("text", "nombre", required=True),
            q("integer", "edad", constraint=". < 120 and (position(..) = 1 or . < indexed-repeat(${edad}, "
                                            "${personas}, 1))"),
            q("begin_group", "trabajo", relevant="${edad} >= 18"),
            q("text", "oficio", required=True),
            q("end_group", "trabajo"),
            q("calculate", "etiqueta", calculation="concat(position(..), ':', ${nombre})"),
            q("repeat", "hijos", relevant="${edad} >= 15", children=[
                q("text", "hijo", required=True),
                q("integer", "hijo_edad", constraint=". < ${edad}"),
            ]),
        ]),
        q("repeat", "productos", relevant="${tiene_productos} = 'si'", children=[
            q("select_one", "comuna", choices=choices("c1", "c2")),
            q("select_one", "barrio", choice_filter="comuna = ${comuna}",
              choices=choices("b1", "b2", "b3", b1={"comuna": "c1"}, b2={"comuna": "c1"}, b3={"comuna": "c2"})),
            q("text", "codigo"),
            q("calculate", "precio", calculation="pulldata('precios', 'precio', 'codigo', ${codigo})"),
        ]),
        q("calculate", "total_edades", calculation="sum(${edad})"),
        q("calculate", "mayores", calculation="count-non-empty(${oficio})"),
        q("note", "nota"),
        q("start", "inicio"), q("username", "usuario"), q("deviceid", "equipo"), q("audit", "auditoria"),
    ],
    "tables": {"precios": {"columns": ["codigo", "precio"], "rows": [["a1", "2500"], ["b2", "4000"]]}},
    "instance_name_ast": parse("concat(indexed-repeat(${nombre}, ${personas}, 1), ' y ', count(${personas}) - 1, "
                               "' más')"),
}
ANA = {"nombre": "Ana", "edad": 40, "oficio": "Tendera", "hijos": [{"hijo": "Leo", "hijo_edad": 12}]}
LUIS = {"nombre": "Luis", "edad": 12}
GOOD = {"n_personas": 2, "tiene_productos": "no", "personas": [ANA, LUIS]}
KEPT_PERSONAS = [{**ANA, "etiqueta": "1:Ana"}, {**LUIS, "etiqueta": "2:Luis"}]
REQUIRED, UNKNOWN = "Esta pregunta es obligatoria.", "Esta pregunta no existe en el formulario."
LIST = "Las respuestas de esta sección que se repite deben ser una lista de objetos {pregunta: valor}."
COUNT = ("Esta sección debe repetirse las veces que indica el formulario: agregue o quite repeticiones hasta "
         "completarlas.")
TOO_MANY = "Esta sección se repite más de 200 veces: quite las repeticiones que sobran."
CONSTRAINT, CHOICE = "La respuesta no cumple la condición de esta pregunta.", "Elija una de las opciones de la lista."


def stored(definition: dict[str, Any]) -> dict[str, Any]:
    """The same definition with each repeat as begin_repeat … end_repeat markers, as the upload stores it."""
    def flat(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            if item["type"] == "repeat":
                marker = {k: v for k, v in item.items() if k != "children"}
                out += [{**marker, "type": "begin_repeat"}, *flat(item["children"]),
                        {"type": "end_repeat", "name": item["name"]}]
            else:
                out.append(item)
        return out
    return {**copy.deepcopy(definition), "questions": flat(definition["questions"])}


def both_sides(answers: Any, definition: dict[str, Any] = HOGAR) -> tuple[dict, dict]:
    """The server's (clean, errors), after checking the phone's walk agrees, with both shapes of the definition."""
    server = validate_answers(definition, answers, DAY, NOW)
    assert validate_answers(stored(definition), answers, DAY, NOW) == server
    phone = run("walk", [{"definition": d, "answers": answers, "today": DAY.isoformat(), "now": NOW}
                         for d in (definition, stored(definition))])
    for verdict in phone:
        assert (verdict["answers"], verdict["errors"]) == server, answers
    return server


def test_valid_repeats_are_kept_instance_by_instance_with_their_calculates():
    clean, errors = both_sides(GOOD)
    assert errors == {}
    assert clean == {**GOOD, "personas": KEPT_PERSONAS, "total_edades": "52", "mayores": "1"}


@pytest.mark.parametrize(("answers", "key", "message"), [
    ({**GOOD, "personas": "Ana"}, "answers.personas", LIST),
    ({**GOOD, "personas": [ANA, "Luis"]}, "answers.personas", LIST),
    ({**GOOD, "personas": {"nombre": "Ana"}}, "answers.personas", LIST),
    ({**GOOD, "n_personas": 201, "personas": [LUIS] * (MAX_INSTANCES + 1)}, "answers.personas", TOO_MANY),
    ({**GOOD, "n_personas": 3}, "answers.personas", COUNT),
    ({**GOOD, "n_personas": 1}, "answers.personas", COUNT),
    ({**GOOD, "personas": [ANA, {**LUIS, "apodo": "Lucho"}]}, "answers.personas[2].apodo", UNKNOWN),
    ({**GOOD, "nombre": "Ana"}, "answers.nombre", UNKNOWN),
    ({**GOOD, "personas": [ANA, {"edad": 12}]}, "answers.personas[2].nombre", REQUIRED),
    ({**GOOD, "personas": [ANA, {**LUIS, "edad": "doce"}]}, "answers.personas[2].edad", "Escriba un número entero."),
    ({**GOOD, "personas": [ANA, {**LUIS, "edad": 41, "oficio": "x"}]}, "answers.personas[2].edad", CONSTRAINT),
    ({**GOOD, "personas": [{**ANA, "oficio": None}, LUIS]}, "answers.personas[1].oficio", REQUIRED),
    ({**GOOD, "personas": [{**ANA, "hijos": [{"hijo": "Leo", "hijo_edad": 50}]}, LUIS]},
     "answers.personas[1].hijos[1].hijo_edad", CONSTRAINT),
    ({**GOOD, "personas": [{**ANA, "hijos": [{"hijo": "Leo"}, {"hijo_edad": 3}]}, LUIS]},
     "answers.personas[1].hijos[2].hijo", REQUIRED),
    ({**GOOD, "personas": [{**ANA, "hijos": [{"hijo": "Leo"}, 3]}, LUIS]}, "answers.personas[1].hijos", LIST),
    ({**GOOD, "tiene_productos": "si", "productos": [{"comuna": "c2", "barrio": "b1"}]},
     "answers.productos[1].barrio", CHOICE),
    ({**GOOD, "tiene_productos": "si", "productos": [{"barrio": "b3"}]}, "answers.productos[1].barrio", CHOICE),
    ({**GOOD, "inicio": "2026-03-02 09:00"}, "answers.inicio", "Escriba la fecha y la hora: AAAA-MM-DD y HH:MM."),
    ({**GOOD, "nota": "hola"}, "answers.nota", UNKNOWN),
])
def test_each_refusal_has_its_key_and_message_on_both_sides(answers, key, message):
    _clean, errors = both_sides(answers)
    assert errors == {key: [message]}


def test_a_repeat_count_is_floored_and_a_count_that_is_no_number_asks_for_none():
    form = {"questions": [q("decimal", "cuantos"), q("repeat", "filas", repeat_count="${cuantos}",
                                                     children=[q("text", "x")])]}
    assert both_sides({"cuantos": 2.9, "filas": [{"x": "a"}, {"x": "b"}]}, form)[1] == {}
    assert both_sides({"cuantos": -3}, form)[1] == {}
    assert both_sides({"filas": [{"x": "a"}]}, form)[1] == {"answers.filas": [COUNT]}
    assert both_sides({"cuantos": 1e15, "filas": [{}] * MAX_INSTANCES}, form)[1] == {}


def test_what_is_not_relevant_is_dropped_whole_even_malformed():
    answers = {**GOOD, "personas": [{**ANA, "edad": 14, "oficio": "x", "hijos": "no es lista"}, LUIS],
               "productos": [{"comuna": "c9"}]}
    clean, errors = both_sides(answers)
    assert errors == {}
    assert clean["personas"][0] == {"nombre": "Ana", "edad": 14, "etiqueta": "1:Ana"}
    assert "productos" not in clean and clean["mayores"] == "0"


def test_empty_lists_and_instances_are_dropped_like_empty_answers():
    form = {"questions": [q("repeat", "filas", children=[q("text", "x")])]}
    assert both_sides({"filas": []}, form) == ({}, {})
    assert both_sides({"filas": None}, form) == ({}, {})
    assert both_sides({"filas": [{}, {"x": ""}]}, form) == ({"filas": [{}, {}]}, {})


def test_choice_filter_and_pulldata_inside_a_repeat():
    answers = {**GOOD, "tiene_productos": "si",
               "productos": [{"comuna": "c1", "barrio": "b2", "codigo": "b2"}, {"comuna": "c2", "barrio": "b3"}]}
    clean, errors = both_sides(answers)
    assert errors == {}
    assert clean["productos"] == [{"comuna": "c1", "barrio": "b2", "codigo": "b2", "precio": "4000"},
                                  {"comuna": "c2", "barrio": "b3"}]
    [walk] = run("walk", [{"definition": HOGAR, "answers": answers, "today": DAY.isoformat()}])
    assert dict(walk["choices"]) == {"productos[1].barrio": ["b1", "b2"], "productos[2].barrio": ["b3"]}
    assert dict(walk["counts"]) == {"personas": 2}


def test_metadata_is_kept_as_answered_and_device_and_audit_are_dropped_silently():
    answers = {**GOOD, "inicio": "2026-03-02T08:00:00-05:00", "usuario": "ana", "equipo": "imei:1", "auditoria": "x"}
    clean, errors = both_sides(answers)
    assert errors == {}
    assert clean["inicio"] == "2026-03-02T08:00:00-05:00" and clean["usuario"] == "ana"
    assert "equipo" not in clean and "auditoria" not in clean


def test_the_walk_gives_relevance_by_path_for_instances_and_their_items():
    answers = {**GOOD, "personas": [ANA, LUIS], "productos": [{"comuna": "c1"}]}
    [walk] = run("walk", [{"definition": HOGAR, "answers": answers, "today": DAY.isoformat()}])
    relevant = dict(walk["relevant"])
    assert relevant["personas"] and relevant["personas[1]"] and relevant["personas[2].nombre"]
    assert relevant["personas[1].trabajo"] and not relevant["personas[2].trabajo"]
    assert not relevant["personas[2].oficio"] and not relevant["personas[2].hijos"]
    assert relevant["personas[1].hijos[1].hijo"] and not relevant["productos"] and not relevant["productos[1]"]


def test_the_title_is_instance_name_over_the_answers_on_both_sides():
    assert judge_answers(HOGAR, GOOD, DAY, NOW).title == "Ana y 1 más"
    assert judge_answers(stored(HOGAR), GOOD, DAY, NOW).title == "Ana y 1 más"
    walks = run("walk", [{"definition": HOGAR, "answers": a, "today": DAY.isoformat()} for a in (GOOD, {}, [])])
    assert [w["title"] for w in walks] == ["Ana y 1 más", " y -1 más", ""]
    assert judge_answers(HOGAR, [], DAY).title == "" and judge_answers({"questions": []}, GOOD, DAY).title == ""


def test_a_failing_expression_inside_a_repeat_stops_the_walk_under_its_path():
    wide = ["call", "concat", ["ref", "x"], *[["num", 1]] * 1988]
    form = {"questions": [q("repeat", "filas", children=[
        q("text", "x"), {"type": "calculate", "name": "largo", "ast": {"calculation": wide}}])]}
    clean, errors = both_sides({"filas": [{"x": "a"}] * 60}, form)
    assert clean == {} and list(errors) == ["answers.filas[51].largo"]
    assert judge_answers({**form, "instance_name_ast": ["str", "t"]}, {"filas": [{"x": "a"}] * 60}, DAY).title == ""


ODD = st.one_of(st.sampled_from(["", "Ana", "b2", "c1", "c2", "b1", "b3", "x", "si", "no", "2026-03-02T08:00:00Z"]),
                st.integers(-3, 130), st.sampled_from([None, 2.5, True, [], ["a"], {"k": 1}]))


def _instance(keys: list[str], inner: st.SearchStrategy | None = None) -> st.SearchStrategy[dict[str, Any]]:
    values = ODD if inner is None else st.one_of(ODD, inner)
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys))


def _list_of(instance: st.SearchStrategy) -> st.SearchStrategy[Any]:
    return st.one_of(st.lists(instance, max_size=4), ODD, st.lists(st.one_of(instance, ODD), min_size=1, max_size=2))


HIJOS = _list_of(_instance(["hijo", "hijo_edad", "otro"]))
ANSWER_SETS = st.fixed_dictionaries({}, optional={
    "n_personas": st.one_of(st.integers(0, 4), ODD), "tiene_productos": st.sampled_from(["si", "no", "x"]),
    "personas": _list_of(_instance(["nombre", "edad", "oficio", "etiqueta", "apodo", "hijos"], HIJOS)),
    "productos": _list_of(_instance(["comuna", "barrio", "codigo", "precio"])),
    "inicio": ODD, "usuario": ODD, "equipo": ODD, "nota": ODD, "total_edades": ODD})


@settings(max_examples=4, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(ANSWER_SETS, min_size=60, max_size=80))
def test_phone_and_server_walk_random_repeat_answers_alike(answer_sets):
    definitions = (HOGAR, stored(HOGAR))
    phone = run("walk", [{"definition": d, "answers": a, "today": DAY.isoformat(), "now": NOW}
                         for a in answer_sets for d in definitions])
    for at, answers in enumerate(answer_sets):
        server = validate_answers(HOGAR, answers, DAY, NOW)
        title = judge_answers(HOGAR, answers, DAY, NOW).title
        for verdict in phone[2 * at: 2 * at + 2]:
            assert (verdict["answers"], verdict["errors"]) == server, answers
            assert verdict["title"] == title, answers


def test_answers_in_repeats_nested_deeper_than_the_walk_goes_stop_it_alike():
    from fieldwork.forms.answers_walk import MAX_DEPTH

    inner: dict[str, Any] = q("text", "x")
    answers: dict[str, Any] = {"x": "fondo"}
    for level in range(MAX_DEPTH + 1, 0, -1):
        inner = q("repeat", f"r{level}", children=[inner])
        answers = {f"r{level}": [answers]}
    form = {"questions": [inner]}
    clean, errors = both_sides(answers, form)
    deepest = "".join(f"r{level}[1]." for level in range(1, MAX_DEPTH + 1)) + f"r{MAX_DEPTH + 1}"
    assert clean == {} and errors == {f"answers.{deepest}": [
        "Esta parte del formulario no se puede calcular con estas respuestas: revise lo que escribió o avise a su "
        "supervisor."]}
    assert both_sides({"r1": [{"r2": [{"r3": [{}]}]}]}, form) == ({"r1": [{"r2": [{"r3": [{}]}]}]}, {})


def test_a_calculate_too_long_inside_an_instance_stops_the_walk_under_its_path():
    form = {"questions": [q("repeat", "filas", children=[
        q("text", "x"), q("calculate", "copia", calculation="concat(${x}, ${x})")])]}
    clean, errors = both_sides({"filas": [{"x": "a"}, {"x": "b" * 5001}]}, form)
    assert clean == {} and errors == {"answers.filas[2].copia": [
        "El cálculo de esta pregunta da un texto de más de 10.000 caracteres: acorte las respuestas de las que "
        "depende."]}
