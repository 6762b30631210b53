"""Every case of the shared corpus through the server's parser and evaluator (the browser runs the same file)."""
from __future__ import annotations

import pytest

from fieldwork.forms.expressions import ExpressionError, parse, references
from fieldwork.forms.xpath import evaluate
from tests.forms.corpus import DEFAULT_TODAY, load_cases, matches, xpath_value

CASES = load_cases()


def test_corpus_is_large_enough_and_covers_every_function_and_operator():
    assert len(CASES) >= 150
    text = " ".join(case["expr"] for case in CASES)
    for word in ("selected(", "count-selected(", "string-length(", "regex(", "if(", "coalesce(", "concat(",
                 "number(", "int(", "round(", "today(", "not(", " or ", " and ", " div ", " mod ",
                 "!=", "<=", ">=", " < ", " > ", " = ", " + ", " - ", " * ", "${", "."):
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


def test_ast_is_plain_json_of_the_contract():
    assert parse("if(selected(${m}, 'a'), -. * 2, 0)") == [
        "call", "if", ["call", "selected", ["ref", "m"], ["str", "a"]],
        ["*", ["neg", ["self"]], ["num", 2]], ["num", 0]]


def test_references_lists_every_question_read():
    assert references(parse("${a} + coalesce(${b}, ${a}) > .")) == {"a", "b"}


@pytest.mark.parametrize(("text", "reason"), [
    ("edad > 5", "${edad}"),
    ("pulldata('a', 'b', 'c', 'd')", "pulldata()"),
    ("if(1, 2)", "if()"),
    ("${a} >", "termina"),
])
def test_refusals_say_why_in_spanish(text, reason):
    with pytest.raises(ExpressionError, match=reason.replace("$", r"\$").replace("(", r"\(").replace(")", r"\)")):
        parse(text)


def test_deeply_nested_expression_is_refused_not_crashed():
    assert parse("(" * 50 + "1" + ")" * 50) == ["num", 1]  # API.md: nesting up to 50 is fine
    for text in ("(" * 51 + "1" + ")" * 51, "not(" * 300 + "1" + ")" * 300):
        with pytest.raises(ExpressionError, match="anida"):
            parse(text)
