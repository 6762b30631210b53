"""What a mutation run of answers_walk.py and expression_rules.py showed unpinned (tests/README.md, "Mutation
testing"): a choice_filter on the choice's own name or label, the title read from a question inside a repeat or
from an instance_name the evaluators cannot read, and indexed-repeat()'s later pairs at upload. The walk's cases
are judged by the server and by the phone's walk (validate.js, under node) alike."""
from __future__ import annotations

import pytest

from fieldwork.forms.answers import judge_answers
from fieldwork.forms.expressions import ExpressionError, parse
from tests.forms.test_answers_repeats import CHOICE, DAY, GOOD, HOGAR, NOW, both_sides, choices, q, stored
from tests.node.runner import run

#: XLSForm's way to keep a second choice from repeating the first: the filter reads the choice's own name.
TWO_CHANNELS = {"questions": [
    q("select_one", "canal", choices=choices("tienda", "feria", "web")),
    q("select_one", "otro_canal", choice_filter="name != ${canal}", choices=choices("tienda", "feria", "web")),
    q("select_one", "visible", choice_filter="label != 'WEB'", choices=choices("tienda", "feria", "web")),
]}


@pytest.mark.parametrize(("answers", "errors"), [
    ({"canal": "feria", "otro_canal": "feria"}, {"answers.otro_canal": [CHOICE]}),
    ({"canal": "feria", "otro_canal": "web"}, {}),
    ({"visible": "web"}, {"answers.visible": [CHOICE]}),
    ({"visible": "tienda"}, {}),
])
def test_a_choice_filter_reads_the_choices_own_name_and_label(answers, errors):
    clean, refused = both_sides(answers, TWO_CHANNELS)
    assert refused == errors
    assert clean == {name: value for name, value in answers.items() if f"answers.{name}" not in errors}


def _titles(definition: dict) -> list[str]:
    """The title of GOOD's visit on the server (both shapes of the definition) and on the phone."""
    server = [judge_answers(d, GOOD, DAY, NOW).title for d in (definition, stored(definition))]
    phone = run("walk", [{"definition": definition, "answers": GOOD, "today": DAY.isoformat(), "now": NOW}])
    return [*server, phone[0]["title"]]


def test_a_title_from_a_question_inside_a_repeat_is_the_first_instances_answer():
    """XPath's string value of a node-set is its first node's (getodk/xforms-spec: string() as in XPath 1.0)."""
    assert _titles({**HOGAR, "instance_name_ast": parse("${nombre}")}) == ["Ana", "Ana", "Ana"]


def test_an_instance_name_the_evaluators_cannot_read_leaves_the_visit_untitled_and_its_answers_kept():
    """A stored definition edited by hand: the title is '' on both sides, never a 500 or a refusal."""
    broken = {**HOGAR, "instance_name_ast": ["call", "no-such-function", ["num", 1]]}
    assert _titles(broken) == ["", "", ""]
    judged = judge_answers(broken, GOOD, DAY, NOW)
    assert judged.errors == {} and judged.kept["personas"][0]["nombre"] == "Ana"


@pytest.mark.parametrize("text", [
    "indexed-repeat(${hijo}, ${personas}, 1, 2, 1)",
    "indexed-repeat(${hijo}, ${personas}, 1, 'hijos', 1)",
])
def test_indexed_repeat_refuses_a_later_repeat_that_is_not_a_reference(text):
    """Each repeatN is a node-set (getodk/xforms-spec, Repeat Functions), written ${repeat} as the first is."""
    with pytest.raises(ExpressionError) as refused:
        parse(text)
    assert str(refused.value) == ("indexed-repeat() se escribe indexed-repeat(${pregunta}, ${repetición}, número), "
                                  "con hasta tres pares ${repetición}, número.")
