"""What a mutation run of xpath_document.py, answers_walk.py and expression_rules.py showed unpinned
(tests/README.md, "Mutation testing"): a household's instances as text and through indexed-repeat(), a
choice_filter on the choice's own name or label, the title read from a question inside a repeat or from an
instance_name the evaluators cannot read, and indexed-repeat()'s later pairs at upload. Each value and verdict
is the same on the server and on the phone (xpath.js and validate.js, under node)."""
from __future__ import annotations

import pytest

from fieldwork.forms.answers import judge_answers
from fieldwork.forms.expressions import ExpressionError, parse
from tests.forms.corpus import matches
from tests.forms.test_answers_repeats import CHOICE, DAY, GOOD, HOGAR, NOW, both_sides, choices, q, stored
from tests.forms.test_expressions_repeats import DOCUMENTS, _request, _server
from tests.node.runner import as_python, run

#: On the repeats corpus's household (Ana 30 with children a and b; Luis 17 without; a third person without a
#: name, 45, with child c): getodk/xforms-spec §Repeats, join() and indexed-repeat() in its function table, and
#: XPath 1.0's string-value of an element (its descendants' text, in document order).
DOCUMENT_CASES = [
    ("join('|', ${personas})", "Ana30ab|Luis17|45c"),  # an unanswered name adds nothing to its person's text
    ("indexed-repeat(${hijo}, ${personas}, 2)", ""),  # Luis has no children: an empty node-set reads ''
    ("indexed-repeat(${desconocida}, ${personas}, 1)", ""),  # a name the form lacks (a hand-edited definition)
]


@pytest.mark.parametrize(("expr", "expect"), DOCUMENT_CASES, ids=[c[0] for c in DOCUMENT_CASES])
def test_a_households_instances_read_on_the_server(expr, expect):
    case = {"expr": expr, "document": DOCUMENTS["hogar"], "tables": None}
    assert matches(_server(_request(case)), expect)


def test_a_stray_end_of_repeat_in_a_hand_edited_definition_is_ignored_on_both_sides():
    """An end_repeat that closes nothing (a stored definition edited by hand) leaves the items after it readable."""
    document = {"items": [{"type": "end_repeat", "name": "suelta"}, {"type": "text", "name": "barrio"}],
                "counts": {}, "values": {"barrio": "Cañaguate"}}
    request = _request({"expr": "${barrio}", "document": document, "tables": None})
    assert _server(request) == "Cañaguate"
    assert [as_python(answer) for answer in run("evaluate", [request])] == ["Cañaguate"]


def test_a_households_instances_read_alike_on_the_phone():
    requests = [_request({"expr": expr, "document": DOCUMENTS["hogar"], "tables": None}) for expr, _ in DOCUMENT_CASES]
    answers = [as_python(answer) for answer in run("evaluate", requests)]
    assert answers == [expect for _expr, expect in DOCUMENT_CASES]


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


@pytest.mark.parametrize("text", ["jr:choice-name(${ciudad}, 2)", "jr:choice-name(${ciudad}, ${ciudad})"])
def test_choice_name_refuses_a_second_argument_that_is_not_a_quoted_question(text):
    """XLSForms quote the select question, '${ciudad}': a number or a bare reference is refused with why."""
    with pytest.raises(ExpressionError) as refused:
        parse(text)
    assert str(refused.value) == ("El segundo argumento de jr:choice-name() es la pregunta de selección cuyas opciones "
                                  "nombra, entre comillas: jr:choice-name(${pregunta}, '${pregunta}').")


@pytest.mark.parametrize("text", [".. + 1", "(.. + 1) * 2", "${edad} = ..", "if(.., 1, 2)", "concat('a', ..)",
                                  "position(..) + .."])
def test_a_parent_step_anywhere_but_position_is_refused_at_upload(text):
    """Fieldwork reads `..` only as position(..)'s argument (getodk/xforms-spec: position(node), the instance's
    place among its siblings); anywhere else the upload says so in Spanish."""
    with pytest.raises(ExpressionError) as refused:
        parse(text)
    assert str(refused.value) == "«..» solo se admite como argumento de position(..), dentro de una repetición."


@pytest.mark.parametrize(("text", "word"), [("div", "div"), ("1 + and", "and"), ("concat(mod, 1)", "mod")])
def test_an_operators_word_written_as_a_question_is_refused_at_upload(text, word):
    """The grammar reads an operator's word standing alone as a bare name: outside a choice_filter it is refused,
    saying how a question is written."""
    with pytest.raises(ExpressionError) as refused:
        parse(text)
    assert str(refused.value) == f"«{word}» no es una función ni una pregunta; una pregunta se escribe ${{{word}}}."
