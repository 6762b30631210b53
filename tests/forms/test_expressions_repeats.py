"""The repeats corpus (expression_cases_repeats.json: node-sets, position(..), indexed-repeat(), count(), sum(),
pulldata(), choice_filter columns, written from the ODK XForms spec) through the server's and the phone's
evaluators, and the upload's refusals of the new syntax in Spanish."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fieldwork.forms.expressions import ExpressionError, column_names, parse
from fieldwork.forms.xpath import EvaluationError, evaluate
from fieldwork.forms.xpath_document import Document
from tests.forms.corpus import DEFAULT_TODAY, matches, xpath_value
from tests.node.runner import as_python, run

CORPUS = json.loads(Path(__file__).with_name("expression_cases_repeats.json").read_text(encoding="utf-8"))
DOCUMENTS = CORPUS["documents"]
CASES = [{**case, "spec": group["spec"], "document": DOCUMENTS.get(group.get("document")),
          "tables": case.get("tables", group.get("tables"))}
         for group in CORPUS["groups"] for case in group["cases"]]
EVALUATED = [case for case in CASES if case["expect"] != {"error": "parse"}]


def _request(case: dict[str, Any]) -> dict[str, Any]:
    document = case["document"]
    if document is not None:
        document = {**document, "values": {path: xpath_value(v) for path, v in document["values"].items()}}
    return {"ast": parse(case["expr"], columns=case.get("filter", False)),
            "values": {name: xpath_value(raw) for name, raw in case.get("values", {}).items()},
            "self": "", "today": DEFAULT_TODAY, "tables": case["tables"], "columns": case.get("columns"),
            "document": document, "context": case.get("context", [])}


def _server(request: dict[str, Any]) -> Any:
    scope = None
    if request["document"] is not None:
        document = Document(request["document"]["items"], request["tables"])
        document.counts.update(request["document"]["counts"])
        document.values.update(request["document"]["values"])
        scope = document.scope(tuple((repeat, index) for repeat, index in request["context"]))
    try:
        return evaluate(request["ast"], request["values"], request["self"], request["today"], tables=request["tables"],
                        columns=request["columns"], scope=scope)
    except EvaluationError as failed:
        return {"error": failed.reason}


def test_the_corpus_covers_every_new_function():
    text = " ".join(case["expr"] for case in CASES)
    for word in ("position(..)", "indexed-repeat(", "count(", "sum(", "count-non-empty(", "pulldata(", "max(", "min(",
                 "join("):
        assert word in text, word
    assert len(EVALUATED) >= 120


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c['expr']}" for i, c in enumerate(CASES)])
def test_repeat_case_on_the_server(case):
    if case["expect"] == {"error": "parse"}:
        with pytest.raises(ExpressionError):
            parse(case["expr"], columns=case.get("filter", False))
        return
    result = _server(_request(case))
    assert matches(result, case["expect"]), f"{case['expr']} in {case.get('context')} gave {result!r}"


def test_every_repeat_case_on_the_phone():
    answers = run("evaluate", [_request(case) for case in EVALUATED])
    wrong = [(c["expr"], c.get("context"), c["expect"], a) for c, a in zip(EVALUATED, answers, strict=True)
             if not matches(as_python(a), c["expect"])]
    assert wrong == [], "\n".join(f"{e!r} in {at}: expected {x!r}, node said {a!r}" for e, at, x, a in wrong)


@pytest.mark.parametrize(("text", "reason"), [
    ("..", "«..» solo se admite como argumento de position(..), dentro de una repetición."),
    ("position(.)", "position() se escribe position(..): la posición de la repetición en que está la pregunta."),
    ("count(1)", "count() se aplica a una pregunta o a una repetición: escriba count(${nombre})."),
    ("sum(${a} + 1)", "sum() se aplica a una pregunta o a una repetición: escriba sum(${nombre})."),
    ("indexed-repeat(${a}, 2, 3)", "indexed-repeat() se escribe indexed-repeat(${pregunta}, ${repetición}, número), "
                                   "con hasta tres pares ${repetición}, número."),
    ("pulldata(${f}, 'b', 'c', 'd')", "El primer argumento de pulldata() es el nombre del archivo CSV, entre comillas: "
                                      "pulldata('archivo', 'columna', 'columna_clave', ${clave})."),
    ("comuna = ${c}", "«comuna» no es una función ni una pregunta; una pregunta se escribe ${comuna}."),
    ("jr:foo(1)", "Fieldwork no admite todavía la función jr:foo()."),
    ("jr:foo_bar(${a})", "Fieldwork no admite todavía la función jr:foo_bar()."),
    ("odk:Algo(1) + 2", "Fieldwork no admite todavía la función odk:Algo()."),
    ("Total(${a})", "Fieldwork no admite todavía la función Total()."),
])
def test_refusals_of_the_new_syntax_say_why_in_spanish(text, reason):
    with pytest.raises(ExpressionError) as refused:
        parse(text)
    assert str(refused.value) == reason


def test_a_choice_filter_reads_bare_names_as_the_choices_columns():
    ast = parse("comuna = ${comuna} and estrato >= 2", columns=True)
    assert ast == ["and", ["=", ["col", "comuna"], ["ref", "comuna"]], [">=", ["col", "estrato"], ["num", 2]]]
    assert column_names(ast) == {"comuna", "estrato"}
    assert parse("position(..) > 1") == [">", ["call", "position", ["parent"]], ["num", 1]]
