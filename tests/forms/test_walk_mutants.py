"""What a full mutation run of answers_walk.py showed unpinned (tests/README.md, "Mutation testing"): a calculate
without a calculation, a calculate of exactly the longest text, calculates that take the visit past 256 KB, the
title of a stopped walk, a repeat that is not relevant read by later expressions, a repeat_count or a choice_filter
that fails, a nested repeat_count, a select_multiple's choice_filter, `.` outside a constraint, an English form's
dates and a required question's own message. Each verdict is the same on the server and on the phone (validate.js
under node), with the definition as the API gives it and as it is stored."""
from __future__ import annotations

from fieldwork.forms.answer_limits import MAX_ANSWERS_BYTES
from fieldwork.forms.expressions import parse
from tests.forms.test_answers_repeats import CHOICE, COUNT, DAY, NOW, both_sides, choices, judge_answers, q
from tests.node.runner import run

#: The walk's words when an expression cannot be computed (answer_limits, "invalid").
CANNOT = ("Esta parte del formulario no se puede calcular con estas respuestas: revise lo que escribió o avise a su "
          "supervisor.")


def test_a_calculate_without_a_calculation_keeps_nothing_and_refuses_nothing():
    """A stored definition edited by hand: the empty calculate is left out of the visit, never a 500 or a value."""
    form = {"questions": [q("text", "x"), {"type": "calculate", "name": "vacio", "label": "Vacío"}]}
    assert both_sides({"x": "a"}, form) == ({"x": "a"}, {})


def test_a_calculate_of_exactly_ten_thousand_characters_is_kept():
    """MAX_TEXT_CHARS is the longest a calculate may give (10,001 stops the walk: test_answers_repeats)."""
    form = {"questions": [q("text", "x"), q("calculate", "copia", calculation="concat(${x}, ${x})")]}
    clean, errors = both_sides({"x": "b" * 5000}, form)
    assert errors == {} and clean["copia"] == "b" * 10_000


def test_a_repeat_that_is_not_relevant_has_no_instances_for_later_expressions():
    """Its instances are dropped: count() of it is 0 and its answers sum to nothing, not to what was sent."""
    form = {"questions": [
        q("select_one", "vende", choices=choices("si", "no")),
        q("repeat", "productos", relevant="${vende} = 'si'", children=[q("integer", "unidades")]),
        q("calculate", "cuantos", calculation="count(${productos})"),
        q("calculate", "total", calculation="sum(${unidades})"),
    ]}
    assert both_sides({"vende": "no", "productos": [{"unidades": 5}]}, form) == (
        {"vende": "no", "cuantos": "0", "total": "0"}, {})
    assert both_sides({"vende": "si", "productos": [{"unidades": 5}]}, form) == (
        {"vende": "si", "productos": [{"unidades": 5}], "cuantos": "1", "total": "5"}, {})


def test_a_repeat_count_that_cannot_be_computed_stops_the_walk_under_the_repeats_path():
    """The officer is told which section's count failed (a hand-edited definition calls a function nobody has)."""
    failing = {"type": "repeat", "name": "hijos", "label": "Hijos",
               "ast": {"repeat_count": ["call", "no-such-function", ["num", 1]]}, "children": [q("text", "hijo")]}
    form = {"questions": [q("repeat", "personas", children=[q("text", "nombre"), failing])]}
    answers = {"personas": [{"nombre": "Ana", "hijos": [{"hijo": "Leo"}]}]}
    assert both_sides(answers, form) == ({}, {"answers.personas[1].hijos": [CANNOT]})


def test_a_relevant_that_cannot_be_computed_stops_the_walk_under_its_question():
    failing = {**q("text", "oficio"), "ast": {"relevant": ["call", "no-such-function", ["num", 1]]}}
    form = {"questions": [q("repeat", "personas", children=[q("text", "nombre"), failing])]}
    assert both_sides({"personas": [{"nombre": "Ana", "oficio": "Tendera"}]}, form) == (
        {}, {"answers.personas[1].oficio": [CANNOT]})


def test_a_nested_repeat_count_reads_its_own_instances_answer():
    """Each person's children are counted against that person's own answer, not the first person's."""
    form = {"questions": [q("repeat", "personas", children=[
        q("integer", "n_hijos"), q("repeat", "hijos", repeat_count="${n_hijos}", children=[q("text", "hijo")])])]}
    ana = {"n_hijos": 1, "hijos": [{"hijo": "Leo"}]}
    assert both_sides({"personas": [ana, {"n_hijos": 2, "hijos": [{"hijo": "Eva"}, {"hijo": "Tom"}]}]}, form) == (
        {"personas": [ana, {"n_hijos": 2, "hijos": [{"hijo": "Eva"}, {"hijo": "Tom"}]}]}, {})
    assert both_sides({"personas": [ana, {"n_hijos": 2, "hijos": [{"hijo": "Eva"}]}]}, form)[1] == {
        "answers.personas[2].hijos": [COUNT]}


def test_a_dot_outside_a_constraint_reads_empty_on_both_sides():
    """`.` is the answer being checked only in a constraint; in a relevant, a calculation and the title it reads ''
    (on the phone too), so a question relevant when `. = ''` is kept and a concat() around `.` adds nothing."""
    form = {"questions": [q("text", "x", relevant=". = ''"), q("calculate", "c", calculation="concat('x', ., 'y')")],
            "instance_name_ast": parse("concat('Visita ', ., ${x})")}
    assert both_sides({"x": "a"}, form) == ({"x": "a", "c": "xy"}, {})
    assert judge_answers(form, {"x": "a"}, DAY, NOW).title == "Visita a"
    assert run("walk", [{"definition": form, "answers": {"x": "a"}, "today": DAY.isoformat(), "now": NOW}])[0][
        "title"] == "Visita a"


def test_a_form_in_english_names_months_and_days_in_english():
    """format-date() follows the definition's language (2 March 2026 is a Monday)."""
    calculation = [q("calculate", "mes", calculation="format-date(today(), '%b %a')")]
    assert both_sides({}, {"language": "en", "questions": calculation}) == ({"mes": "Mar Mon"}, {})
    assert both_sides({}, {"questions": calculation}) == ({"mes": "mar lun"}, {})


def test_a_required_questions_own_message_is_the_one_shown():
    form = {"questions": [q("text", "negocio", required=True, required_message="Escriba el nombre del negocio.")]}
    assert both_sides({}, form) == ({}, {"answers.negocio": ["Escriba el nombre del negocio."]})


#: A select_multiple filtered by an earlier answer (XLSForm's cascading selects): each chosen option must pass.
BARRIOS = {"questions": [
    q("select_one", "comuna", choices=choices("c1", "c2")),
    q("select_multiple", "barrios", choice_filter="comuna = ${comuna}",
      choices=choices("b1", "b2", "b3", b1={"comuna": "c1"}, b2={"comuna": "c1"}, b3={"comuna": "c2"})),
]}


def test_every_option_of_a_select_multiple_must_pass_its_choice_filter():
    assert both_sides({"comuna": "c1", "barrios": ["b1", "b2"]}, BARRIOS) == ({"comuna": "c1", "barrios": ["b1", "b2"]},
                                                                             {})
    assert both_sides({"comuna": "c1", "barrios": ["b1", "b3"]}, BARRIOS) == ({"comuna": "c1"},
                                                                             {"answers.barrios": [CHOICE]})


def test_a_choice_filter_that_cannot_be_computed_stops_the_walk_under_its_question():
    """A hand-edited definition's filter calls a function nobody has: the officer is told which question."""
    failing = {**q("select_one", "barrio", choices=choices("b1", "b2")),
               "ast": {"choice_filter": ["call", "no-such-function", ["num", 1]]}}
    form = {"questions": [q("repeat", "locales", children=[q("text", "nombre"), failing])]}
    assert both_sides({"locales": [{"nombre": "Tienda", "barrio": "b2"}]}, form) == (
        {}, {"answers.locales[1].barrio": [CANNOT]})


#: 26 texts and a calculate copying the first: {"t1":"a…",…} is 9 × 10,007 + 16 × 10,008 bytes for t1–t25, L + 8
#: for t26, 10,010 for "copia", 2 braces and 26 commas: 260,237 + L, so L = 1,907 makes exactly 256 KB.
WIDE = {"questions": [*(q("text", f"t{i}") for i in range(1, 27)), q("calculate", "copia", calculation="${t1}")]}
SENT = {f"t{i}": "a" * 10_000 for i in range(1, 26)}
TOO_LARGE = "Las respuestas de esta visita pasan de 256 KB: acorte los textos más largos."


def test_calculates_that_take_the_visit_past_256_kb_are_refused_and_exactly_256_kb_is_kept():
    """What is sent fits (252 KB); what would be stored, the copy included, is checked again after the walk."""
    at_the_limit = {**SENT, "t26": "b" * 1907}
    assert MAX_ANSWERS_BYTES == 256 * 1024
    clean, errors = both_sides(at_the_limit, WIDE)
    assert errors == {} and clean == {**at_the_limit, "copia": "a" * 10_000}
    clean, errors = both_sides({**SENT, "t26": "b" * 1908}, WIDE)
    assert errors == {"answers": [TOO_LARGE]}


def test_a_stopped_walk_leaves_the_visit_untitled():
    """Nothing a stopped walk computed is the visit's, its title included (one that needs no answer, too)."""
    form = {"questions": [q("text", "x"), {"type": "calculate", "name": "c", "label": "C",
                                           "ast": {"calculation": ["call", "no-such-function", ["num", 1]]}}],
            "instance_name_ast": ["str", "Visita"]}
    judged = judge_answers(form, {"x": "a"}, DAY, NOW)
    assert (judged.kept, judged.errors, judged.title) == ({}, {"answers.c": [CANNOT]}, "")
    assert run("walk", [{"definition": form, "answers": {"x": "a"}, "today": DAY.isoformat(), "now": NOW}])[0][
        "title"] == ""
