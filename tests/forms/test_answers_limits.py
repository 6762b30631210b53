"""API.md's limits on answers, and expressions that fail, through sync: each refuses that one visit with its
reason under answers.<name> (or answers), never a 500 for the batch, and the rest of the batch goes on."""
from __future__ import annotations

import time
from datetime import date

import pytest

from fieldwork.extensions import db
from fieldwork.forms.answers import validate_answers
from fieldwork.models import FormVersion
from tests.builders import make_mipyme, make_user, visit_payload
from tests.conftest import login
from tests.forms.fixtures import programme_form, publish
from tests.forms.test_answers import GOOD
from tests.forms.test_sync_answers import SYNC, stored
from tests.forms.xlsform import question, xlsform

TOO_LONG = "La respuesta es demasiado larga: escriba como máximo 10.000 caracteres."
TOO_LARGE = "Las respuestas de esta visita pasan de 256 KB: acorte los textos más largos."
BUDGET = ("Calcular el formulario con estas respuestas tomaría demasiado trabajo: acorte los textos o pida a su "
          "supervisor que simplifique las condiciones del formulario.")


@pytest.fixture
def phone(client):
    officer = make_user("officer")
    login(client, officer)
    return client, make_mipyme(officer)


def sync(phone, version, *answer_sets):
    client, mipyme = phone
    visits = [visit_payload(mipyme.id, form_version_id=version.id, answers=a) for a in answer_sets]
    response = client.post(SYNC, json={"visits": visits})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["results"], visits


def one_form(*survey, version: str = "1"):
    return publish(xlsform(list(survey), settings={"version": version}))


def test_a_text_answer_over_ten_thousand_characters_is_refused_beside_it(phone):
    version = publish(programme_form())
    results, visits = sync(phone, version, {**GOOD, "observacion": "a" * 10_001}, {**GOOD, "observacion": "ñ" * 10_000})
    assert results[0]["status"] == "rejected" and results[0]["errors"] == {"answers.observacion": [TOO_LONG]}
    assert stored(visits[0]["id"]) is None
    assert results[1]["status"] == "created" and len(stored(visits[1]["id"]).answers["observacion"]) == 10_000


def test_a_visit_whose_answers_pass_256_kb_is_refused_under_answers(phone):
    version = one_form(*(question("text", f"t{i}", f"Texto {i}") for i in range(30)))
    big = {f"t{i}": "x" * 9_000 for i in range(30)}  # every text within its own limit, 270 KB in all
    results, visits = sync(phone, version, big, {f"t{i}": "x" * 9_000 for i in range(28)})
    assert results[0] == {"id": visits[0]["id"], "status": "rejected", "errors": {"answers": [TOO_LARGE]}}
    assert results[1]["status"] == "created"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("monto", 1e27, "Escriba un número."), ("monto", -1e16, "Escriba un número."),
    ("empleados_formales", 10**15 + 1, "Escriba un número entero."),
    ("empleados_formales", 2**53 - 1, "Escriba un número entero.")])
def test_a_number_beyond_ten_to_the_fifteen_is_refused_like_a_wrong_type(phone, name, value, message):
    version = publish(programme_form())
    results, _visits = sync(phone, version, {**GOOD, name: value})
    assert results[0]["status"] == "rejected" and results[0]["errors"] == {f"answers.{name}": [message]}


def test_ten_to_the_fifteen_itself_is_an_answer(phone):
    version = publish(programme_form())
    results, visits = sync(phone, version, {**GOOD, "monto": 1e15, "empleados_formales": 10**15})
    assert results[0]["status"] == "created"
    assert stored(visits[0]["id"]).answers["monto"] == 1e15


def test_a_pattern_typed_in_an_answer_cannot_stall_sync(phone):
    """a*a*…b backtracks n^9 times in Python's re (22 letters: 1.8 s, 30: a minute); RE2 answers at once (a
    backtracking pattern held the sync's write lock 8.9 s)."""
    version = one_form(question("text", "patron", "Patrón"),
                       question("text", "codigo", "Código", constraint="not(regex(., ${patron}))"))
    started = time.monotonic()
    results, _visits = sync(phone, version, {"patron": "a*" * 9 + "b", "codigo": "a" * 30})
    assert time.monotonic() - started < 5
    assert results[0]["status"] == "created"


@pytest.mark.parametrize("pattern", ["a{4294967296}", "(", "\\w+", "(?P<a>x)", "[z-a]", "(a+)+$"])
def test_a_pattern_outside_the_dialect_typed_in_an_answer_matches_nothing(phone, pattern):
    version = one_form(question("text", "patron", "Patrón"),
                       question("text", "codigo", "Código", constraint="regex(., ${patron})",
                                constraint_message="El código no sigue el patrón."))
    results, _visits = sync(phone, version, {"patron": pattern, "codigo": "Muñoz"}, {"patron": "^M", "codigo": "Muñoz"})
    assert results[0]["errors"] == {"answers.codigo": ["El código no sigue el patrón."]}
    assert results[1]["status"] == "created"


def test_round_to_four_hundred_digits_is_a_value_not_a_failed_batch(phone):
    version = one_form(question("integer", "d", "Decimales"), question("decimal", "x", "Valor"),
                       question("calculate", "redondeado", calculation="round(${x}, ${d})"))
    results, visits = sync(phone, version, {"d": 400, "x": 2.5}, {"d": -400, "x": 2.5}, {"d": 1, "x": 2.25})
    assert [r["status"] for r in results] == ["created", "created", "created"]
    # The spec's round() takes any digits: clamped to ±300, 2.5 rounds to itself, and to 0 at -300 places.
    assert [stored(v["id"]).answers["redondeado"] for v in visits] == ["2.5", "0", "2.3"]


def test_a_calculate_longer_than_a_text_answer_refuses_that_visit(phone):
    """Each calculate doubles the last: 10 characters became 10 MB stored (a 20-row form)."""
    doubling = [question("calculate", f"c{i}", calculation=f"concat(${{c{i - 1}}}, ${{c{i - 1}}})")
                for i in range(1, 21)]
    version = one_form(question("text", "c0", "Semilla"), *doubling)
    results, visits = sync(phone, version, {"c0": "0123456789"}, {"c0": ""})
    assert results[0]["status"] == "rejected"
    assert results[0]["errors"] == {"answers.c10": [
        "El cálculo de esta pregunta da un texto de más de 10.000 caracteres: acorte las respuestas de las que "
        "depende."]}
    assert stored(visits[0]["id"]) is None
    assert results[1]["status"] == "created"


def test_expressions_that_copy_a_long_text_many_times_run_out_of_budget(phone):
    copies = [question("calculate", f"c{i}", calculation="${t}") for i in range(300)]
    version = one_form(question("text", "t", "Texto"), *copies)
    results, visits = sync(phone, version, {"t": "x" * 9_000}, {"t": "x" * 10})
    assert results[0]["status"] == "rejected" and list(results[0]["errors"].values()) == [[BUDGET]]
    assert stored(visits[0]["id"]) is None
    assert results[1]["status"] == "created"


def test_a_form_whose_expressions_pass_the_step_budget_refuses_its_visits_quickly(app):
    """60 calculates of 1,990 nodes each (each within the upload's limits) pass 100,000 steps."""
    wide = ["call", "concat", ["ref", "n"], *[["num", 1]] * 1988]
    form = {"questions": [{"type": "integer", "name": "n", "label": "Número"},
                          *({"type": "calculate", "name": f"s{i}", "ast": {"calculation": wide}} for i in range(60))]}
    started = time.monotonic()
    clean, errors = validate_answers(form, {"n": 1}, date(2026, 3, 2))
    assert time.monotonic() - started < 5
    assert clean == {} and errors == {"answers.s50": [BUDGET]}


def test_an_expression_no_parser_makes_rejects_the_visit_with_its_reason(phone):
    """A stored definition edited by hand (an unknown function): the visit is refused, the batch answers 200."""
    version = one_form(question("integer", "n", "Número", constraint=". > 0"))
    definition = dict(version.definition)
    definition["questions"] = [dict(q, ast={"constraint": ["call", "constructor", ["self"]]})
                               for q in definition["questions"]]
    # Versions are immutable to the application; the statement stands for an edit made outside it.
    db.session.execute(FormVersion.__table__.update().where(FormVersion.__table__.c.id == version.id)
                       .values(definition=definition))
    db.session.commit()
    results, _visits = sync(phone, version, {"n": 3})
    assert results[0]["status"] == "rejected"
    assert results[0]["errors"] == {"answers.n": [
        "Esta parte del formulario no se puede calcular con estas respuestas: revise lo que escribió o avise "
        "a su supervisor."]}
