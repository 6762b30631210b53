"""Edges of the answer shapes that a mutation run of answer_types.py and answer_places.py showed unpinned
(tests/README.md, "Mutation testing"): each case is judged by the server and, under node, by the phone, which
must keep or refuse it alike (forms-v3-spec §2; getodk/xforms-spec, Data Types: a geopoint's latitude in decimal
degrees, -90 to 90)."""
from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from fieldwork.forms.answer_limits import MAX_TEXT_CHARS
from fieldwork.forms.answer_types import typed, xpath_value
from fieldwork.forms.messages import answer_message
from tests.forms.test_answer_types_agree import PHONE
from tests.forms.test_answers_repeats import both_sides, q
from tests.node.runner import NODE

#: The tolerance both sides allow a range's answer (a widget's start + i × step is a float).
TOLERANCE = 1e-9
STEPS_OF_TWO = {"start": 0.5, "end": 4.5, "step": 2}

CASES: list[tuple[str, dict[str, Any], Any, bool]] = [
    # (what, question, answer, kept)
    ("the South Pole", {"type": "geopoint"}, {"lat": -90, "lon": 0}, True),
    ("half a degree south of the South Pole", {"type": "geopoint"}, {"lat": -90.5, "lon": 0}, False),
    ("a hair south of the South Pole", {"type": "geopoint"}, {"lat": -90.000001, "lon": 0}, False),
    ("a trace ending south of the pole", {"type": "geotrace"}, [{"lat": -89, "lon": 0}, {"lat": -90.5, "lon": 0}],
     False),
    ("the date line, west", {"type": "geopoint"}, {"lat": 0, "lon": -180}, True),
    ("a text exactly as long as allowed", {"type": "text"}, "ñ" * MAX_TEXT_CHARS, True),
    ("a choice of a select without choices (a hand-edited definition)", {"type": "select_one"}, "a", False),
    ("the range's first value less the tolerance", {"type": "range", "parameters": STEPS_OF_TWO},
     STEPS_OF_TWO["start"] - TOLERANCE, True),
    ("the range's last value plus the tolerance", {"type": "range", "parameters": STEPS_OF_TWO},
     STEPS_OF_TWO["end"] + TOLERANCE, True),
    ("the range's first value less twice the tolerance", {"type": "range", "parameters": STEPS_OF_TWO},
     STEPS_OF_TWO["start"] - 2 * TOLERANCE, False),
    ("off its step by exactly the tolerance", {"type": "range", "parameters": {"start": 0, "end": 10, "step": 0.5}},
     TOLERANCE * 0.5, True),
    ("off its step by three times the tolerance", {"type": "range",
                                                    "parameters": {"start": 0, "end": 10, "step": 0.5}},
     3 * TOLERANCE * 0.5, False),
    ("a range of one value, off by exactly the tolerance", {"type": "range",
                                                            "parameters": {"start": TOLERANCE, "end": TOLERANCE,
                                                                           "step": 0}}, 2 * TOLERANCE, True),
]


@pytest.mark.parametrize(("what", "question", "answer", "kept"), CASES, ids=[c[0] for c in CASES])
def test_the_server_keeps_or_refuses_the_edge(what, question, answer, kept):
    value, problem = typed({**question, "name": "q"}, answer)
    assert (problem is None) is kept, f"{what}: {problem}"
    if kept:
        assert value == answer
    elif question["type"] != "range":  # a range's refusal names its bounds
        assert problem == answer_message("choice" if question["type"] == "select_one" else question["type"])


def test_the_phone_keeps_or_refuses_each_edge_as_the_server_does():
    if NODE is None:
        pytest.fail("node is needed for the phone's modules in the fast suite (apt install nodejs)")
    cases = [{"question": {**question, "name": "q"}, "raw": answer} for _what, question, answer, _kept in CASES]
    done = subprocess.run([NODE, "--input-type=module", "-e", PHONE], input=json.dumps(cases),  # noqa: S603 (fixed arguments)
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    wrong = []
    for (what, question, answer, _kept), on_phone in zip(CASES, json.loads(done.stdout), strict=True):
        value, problem = typed({**question, "name": "q"}, answer)
        server = {"error": problem} if problem else {"error": None, "xpath": xpath_value(question, value)}
        if on_phone != server:
            wrong.append((what, server, on_phone))
    assert wrong == []


def test_a_decimal_answered_as_a_whole_number_is_read_as_a_number_on_both_sides():
    """The phone sends 3, not 3.0: expressions read it as the number 3 (forms-v3-spec §2) in a constraint, a sum
    and a text alike."""
    form = {"questions": [
        q("decimal", "monto", constraint=". > 2.5"),
        q("calculate", "doble", calculation="${monto} * 2"),
        q("calculate", "texto", calculation="concat(string(${monto}), '|', ${monto} = '3')"),
    ]}
    assert both_sides({"monto": 3}, form) == ({"monto": 3, "doble": "6", "texto": "3|true"}, {})
