"""The phone's pure modules under node, in the fast suite: the shared cases the server passes, the phone passes
too, and on any answers the phone's verdict is the server's (tests/browser runs the same modules in Chromium)."""
from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldwork.forms.answers import validate_answers
from fieldwork.forms.services import definition
from fieldwork.text.search import fold
from tests.browser.test_form_verdicts import answers_for, chained_form
from tests.forms.corpus import DEFAULT_TODAY, cases_with_ast, matches, xpath_value
from tests.forms.fixtures import YES_NO, complete_form, programme_form, publish
from tests.forms.xlsform import question, xlsform
from tests.node.runner import as_python, run

FOLD_CASES = json.loads((Path(__file__).parent / "cases" / "fold.json").read_text(encoding="utf-8"))["cases"]
NUMBER_CASES = json.loads((Path(__file__).parent / "cases" / "numbers.json").read_text(encoding="utf-8"))["cases"]
DAY = date(2026, 3, 2)


def test_phone_evaluator_answers_every_corpus_case_like_python():
    cases = cases_with_ast()
    answers = run("evaluate", [
        {"ast": c["ast"], "values": {k: xpath_value(v) for k, v in c.get("values", {}).items()},
         "self": xpath_value(c.get("self")), "today": c.get("today", DEFAULT_TODAY)} for c in cases])
    wrong = [(c["expr"], c.get("values"), c["expect"], a) for c, a in zip(cases, answers, strict=True)
             if not matches(as_python(a), c["expect"])]
    assert len(cases) >= 150
    assert wrong == [], "\n".join(f"{e!r} with {v}: expected {x!r}, node said {a!r}" for e, v, x, a in wrong)


def test_phone_search_folds_every_case_as_the_server_does():
    """One rule for "ignores case and accents": the cards the phone hides are those the server would not find."""
    answers = run("fold", [{"text": c["text"]} for c in FOLD_CASES])
    wrong = [(c["text"], c["folded"], a) for c, a in zip(FOLD_CASES, answers, strict=True) if a != c["folded"]]
    assert wrong == [], "\n".join(f"{t!r}: expected {x!r}, node said {a!r}" for t, x, a in wrong)


def test_phone_folds_every_character_as_the_server_does():
    """Every character Python's Unicode tables know, one by one, folds alike on both sides."""
    characters = [chr(c) for c in range(0x20, 0x30000)
                  if not 0xD800 <= c < 0xE000 and unicodedata.category(chr(c)) != "Cn"]
    answers = run("fold", [{"text": c} for c in characters])
    wrong = [(f"U+{ord(c):04X}", fold(c), a) for c, a in zip(characters, answers, strict=True) if a != fold(c)]
    assert wrong == []


def test_phone_reads_every_number_case_as_the_server_does():
    requests = [{"parser": "parseInteger" if c["kind"] == "integer" else "parseDecimal", "raw": c["input"],
                 "options": {**({"maximum": c["maximum"]} if "maximum" in c else {}),
                             **({"allowNegative": c["allow_negative"]} if "allow_negative" in c else {})}}
                for c in NUMBER_CASES]
    answers = run("numbers", requests)
    expected = [{"error": c["error"]} if "error" in c else {"value": c["value"]} for c in NUMBER_CASES]
    assert [(c["input"], a) for c, a, e in zip(NUMBER_CASES, answers, expected, strict=True) if a != e] == []


def object_names_form() -> bytes:
    """Questions to be named as JavaScript objects' own properties (the phone once read ${constructor} as a
    function). Uploads now refuse such names; versions stored before keep them, so the names are put back."""
    survey = [
        question("integer", "zzconstructor", "Constructor"),
        question("text", "zztoString", "Texto", relevant="${zzconstructor} > 0"),
        question("select_one si_no", "zzhasOwnProperty", "¿Propio?", required="yes"),
        question("integer", "zzvalueOf", "Valor", constraint=". > ${zzconstructor} or ${zzconstructor} = ''"),
        question("calculate", "zz__proto__", calculation="concat(${zztoString}, ${zzvalueOf})"),
        question("text", "zzisPrototypeOf", "Nota", relevant="${zz__proto__} != ''"),
    ]
    return xlsform(survey, YES_NO, {"form_title": "Nombres", "form_id": "nombres", "version": "1"})


def object_names_definition() -> dict:
    return json.loads(json.dumps(definition(publish(object_names_form()), "es")).replace("zz", ""))


def _verdicts_agree(form: dict, answer_sets: list[dict]) -> None:
    phone = run("verdict", [{"definition": form, "answers": a, "today": DAY.isoformat()} for a in answer_sets])
    for answers, verdict in zip(answer_sets, phone, strict=True):
        clean, errors = validate_answers(form, answers, DAY)
        assert verdict["errors"] == errors, answers
        assert verdict["answers"] == clean, answers


@pytest.mark.parametrize("content", [programme_form(), complete_form(), chained_form(), object_names_form()],
                         ids=["programme", "complete", "chained", "object-names"])
def test_phone_and_server_give_the_same_verdict_on_generated_answers(app, content):
    form = object_names_definition() if content == object_names_form() else definition(publish(content), "es")

    @settings(max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(answers_for(form), min_size=40, max_size=60))
    def same_verdicts(answer_sets):
        _verdicts_agree(form, answer_sets)

    same_verdicts()


def test_names_that_are_object_properties_get_the_same_verdict(app):
    form = object_names_definition()
    answer_sets = [{}, {"constructor": 2, "toString": "ab", "hasOwnProperty": "si", "valueOf": 5, "isPrototypeOf": "x"},
                   {"constructor": 2, "valueOf": 1, "hasOwnProperty": "no"}, {"hasOwnProperty": "si", "valueOf": 3},
                   {"__proto__": "x", "hasOwnProperty": "si"}]
    _verdicts_agree(form, answer_sets)
    clean, errors = validate_answers(form, answer_sets[1], DAY)
    assert errors == {} and clean["__proto__"] == "ab5"


def limits_form() -> bytes:
    survey = [question("text", "texto", "Texto"), question("decimal", "cifra", "Cifra"),
              question("integer", "entero", "Entero"), question("text", "patron", "Patrón"),
              question("text", "codigo", "Código", constraint="regex(., ${patron})"),
              question("integer", "d", "Decimales"),
              question("calculate", "redondeo", calculation="round(${cifra}, ${d})"),
              *(question("calculate", f"copia{i}", calculation="${texto}") for i in range(250)),
              *(question("calculate", f"suma{i}",
                         calculation=f"concat(${{texto}}, ${{suma{i - 1}}})" if i else "${texto}") for i in range(8))]
    return xlsform(survey, [], {"form_title": "Límites", "form_id": "limites", "version": "1"})


def test_limits_and_failing_expressions_get_the_same_verdict(app):
    form = definition(publish(limits_form()), "es")
    answer_sets = [
        {"texto": "a" * 10_001}, {"texto": "ñ" * 1_000}, {"texto": "😀" * 1_250}, {"texto": "x" * 9_999},
        {"texto": "ab", "cifra": 1e27}, {"cifra": -1e15, "entero": 10**15}, {"entero": 10**15 + 1},
        {"cifra": 0.00001, "texto": "x" * 262_000}, {"patron": "\\w+", "codigo": "Muñoz"},
        {"patron": "^[A-Za-zñ]+$", "codigo": "Muñoz"}, {"patron": "(?P<a>x)", "codigo": "x"},
        {"patron": "a{4294967296}", "codigo": "a"}, {"patron": "^.$", "codigo": "\r"},
        {"patron": "^.$", "codigo": "😀"},
        {"cifra": 2.5, "d": 400}, {"cifra": 2.5, "d": -400}, {"cifra": 2.25, "d": 1}, {"cifra": 1e15, "d": 300},
        {"texto": "x" * 2_000}, {"texto": "x" * 9_000}, {"texto": "x" * 16_000}, {"unknown" * 5: "y" * 300_000},
    ]
    _verdicts_agree(form, answer_sets)
    reasons = {m for answers in answer_sets for ms in validate_answers(form, answers, DAY)[1].values() for m in ms}
    assert {"La respuesta es demasiado larga: escriba como máximo 10.000 caracteres.", "Escriba un número.",
            "Las respuestas de esta visita pasan de 256 KB: acorte los textos más largos.",
            "Escriba un número entero."} <= reasons
    assert any(m.startswith("Calcular el formulario") for m in reasons)
    assert any(m.startswith("El cálculo de esta pregunta") for m in reasons)


def test_the_step_budget_runs_out_at_the_same_question_on_both_sides():
    wide = ["call", "concat", ["ref", "n"], *[["num", 1]] * 1988]
    form = {"questions": [{"type": "integer", "name": "n", "label": "Número"},
                          *({"type": "calculate", "name": f"s{i}", "ast": {"calculation": wide}} for i in range(60))]}
    _verdicts_agree(form, [{"n": 1}, {"n": "uno"}, {}])
    assert list(validate_answers(form, {"n": 1}, DAY)[1]) == ["answers.s50"]
