"""Every case of the shared corpora through the server's parser and evaluator, and the spec's cases
(expression_cases_odk.json) through the phone's evaluator too (expression_cases.json reaches the phone through
tests/test_phone_modules_node.py and tests/browser)."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from fieldwork.forms.expressions import FUNCTIONS, ExpressionError, parse, references
from fieldwork.forms.xpath import EvaluationError, evaluate
from tests.forms.corpus import DEFAULT_TODAY, load_cases, matches, xpath_value
from tests.node.runner import as_python, run

CASES = load_cases()
SPEC = json.loads(Path(__file__).with_name("expression_cases_odk.json").read_text(encoding="utf-8"))["groups"]
SPEC_CASES = [{**case, "spec": group["spec"]} for group in SPEC for case in group["cases"]]
REPEATS = json.loads(Path(__file__).with_name("expression_cases_repeats.json").read_text(encoding="utf-8"))["groups"]


def test_corpus_is_large_enough_and_covers_every_function_and_operator():
    assert len(CASES) >= 150 and len(SPEC_CASES) >= 250
    text = " ".join(case["expr"] for case in CASES + SPEC_CASES + [c for g in REPEATS for c in g["cases"]])
    for word in [f"{name}(" for name in FUNCTIONS] + [" or ", " and ", " div ", " mod ", "!=", "<=", ">=", " < ",
                                                       " > ", " = ", " + ", " - ", " * ", "${", "."]:
        assert word in text, word


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c['expr']}" for i, c in enumerate(CASES)])
def test_expression_case(case):
    if case["expect"] == {"error": "parse"}:
        with pytest.raises(ExpressionError):
            parse(case["expr"])
        return
    values = {name: xpath_value(raw) for name, raw in case.get("values", {}).items()}
    result = evaluate(parse(case["expr"]), values, xpath_value(case.get("self")), case.get("today", DEFAULT_TODAY))
    assert matches(result, case["expect"]), f"{case['expr']} gave {result!r}, expected {case['expect']!r}"


def _spec_matches(result: Any, expect: Any) -> bool:
    """matches(), plus {"inf": ±1}, {"range": [low, high)}, {"pattern": regex} and {"error": reason}."""
    if isinstance(expect, dict) and "inf" in expect:
        return isinstance(result, float) and math.isinf(result) and math.copysign(1, result) == expect["inf"]
    if isinstance(expect, dict) and "range" in expect:
        return isinstance(result, float) and expect["range"][0] <= result < expect["range"][1]
    if isinstance(expect, dict) and "pattern" in expect:
        return isinstance(result, str) and re.search(expect["pattern"], result) is not None
    if isinstance(expect, dict) and "error" in expect:
        return result == {"error": expect["error"]}
    return matches(result, expect)


def _request(case: dict[str, Any]) -> dict[str, Any]:
    values = {name: xpath_value(raw) for name, raw in case.get("values", {}).items()}
    return {"ast": parse(case["expr"]), "values": values,
            "self": xpath_value(case.get("self")), "today": case.get("today", DEFAULT_TODAY),
            "now": case.get("now", ""), "language": case.get("language", "es"), "labels": case.get("labels")}


def _server(request: dict[str, Any]) -> Any:
    try:
        return evaluate(request["ast"], request["values"], request["self"], request["today"], now=request["now"],
                        language=request["language"], labels=request["labels"])
    except EvaluationError as failed:
        return {"error": failed.reason}


@pytest.mark.parametrize("case", SPEC_CASES, ids=[f"{i}:{c['expr']}" for i, c in enumerate(SPEC_CASES)])
def test_spec_case_on_the_server(case):
    if case["expect"] == {"error": "parse"}:
        with pytest.raises(ExpressionError):
            parse(case["expr"])
        return
    result = _server(_request(case))
    assert _spec_matches(result, case["expect"]), f"{case['expr']} gave {result!r}, expected {case['expect']!r}"


def test_every_spec_case_on_the_phone():
    cases = [case for case in SPEC_CASES if case["expect"] != {"error": "parse"}]
    answers = run("evaluate", [_request(case) for case in cases])
    wrong = [(c["expr"], c["expect"], a) for c, a in zip(cases, answers, strict=True)
             if not _spec_matches(as_python(a), c["expect"])]
    assert wrong == [], "\n".join(f"{e!r}: expected {x!r}, node said {a!r}" for e, x, a in wrong)


def test_ast_is_plain_json_of_the_contract():
    assert parse("if(selected(${m}, 'a'), -. * 2, 0)") == [
        "call", "if", ["call", "selected", ["ref", "m"], ["str", "a"]],
        ["*", ["neg", ["self"]], ["num", 2]], ["num", 0]]
    assert parse("jr:choice-name(., '${m}')") == ["call", "jr:choice-name", ["self"], ["ref", "m"]]


def test_references_lists_every_question_read():
    assert references(parse("${a} + coalesce(${b}, ${a}) > .")) == {"a", "b"}


@pytest.mark.parametrize(("text", "reason"), [
    ("edad > 5", "«edad» no es una función ni una pregunta; una pregunta se escribe ${edad}."),
    ("instance('ciudades')", "Fieldwork no admite todavía la función instance()."),
    ("instance('barrios')/root/item[name = ${barrio}]/label",
     "instance() lee otra lista del formulario con una ruta XPath, que Fieldwork no admite: para la etiqueta de "
     "una opción use jr:choice-name(), para listas en cascada la columna choice_filter y para un dato de un CSV "
     "pulldata()."),
    ("jr:itext('saludo')", "Fieldwork no admite todavía la función jr:itext()."),
    ("checklist(1, 2, ${a})", "Fieldwork no admite todavía la función checklist()."),
    ("if(1, 2)", "La función if() no admite 2 argumentos."),
    ("${a} >", "La expresión termina antes de tiempo."),
])
def test_refusals_say_why_in_spanish(text, reason):
    with pytest.raises(ExpressionError) as refused:
        parse(text)
    assert str(refused.value) == reason


def test_choice_name_reads_a_quoted_question_as_xlsforms_write_it():
    """The value first, then the question quoted: JavaRosa's order, whatever the spec's table says."""
    with pytest.raises(ExpressionError) as refused:
        parse("jr:choice-name(${ciudad}, ${ciudad})")
    assert str(refused.value) == ("El segundo argumento de jr:choice-name() es la pregunta de selección cuyas "
                                  "opciones nombra, entre comillas: jr:choice-name(${pregunta}, '${pregunta}').")
    assert references(parse("jr:choice-name(${a}, '${ciudad}')")) == {"a", "ciudad"}


def test_deeply_nested_expression_is_refused_not_crashed():
    assert parse("(" * 50 + "1" + ")" * 50) == ["num", 1]  # API.md: nesting up to 50 is fine
    for text in ("(" * 51 + "1" + ")" * 51, "not(" * 300 + "1" + ")" * 300):
        with pytest.raises(ExpressionError, match="anida"):
            parse(text)
