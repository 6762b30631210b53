"""Each answered type's shape (forms-v3-spec §2), on both sides: every case of answer_type_cases.json is kept or
refused alike, in the same words, by the server (answer_types.py) and the phone (answer-types.js, under node),
and what expressions read of a kept answer is the same."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fieldwork.forms.answer_limits import LIMIT_MESSAGES
from fieldwork.forms.answer_types import ANSWERED_TYPES, typed, xpath_value
from fieldwork.forms.messages import ANSWER_MESSAGES
from fieldwork.visits.form_messages import form_js_messages
from tests.node.runner import NODE

CASES = json.loads(Path(__file__).with_name("answer_type_cases.json").read_text(encoding="utf-8"))
MODULE = Path(__file__).resolve().parents[2] / "static" / "js" / "forms" / "answer-types.js"
#: Placeholders filled in every message, as a range's bounds are.
FILL = {"start": "1", "end": "5", "step": "2"}
#: Judges a batch of {question, raw} read from stdin: {error} (null when kept) and, when kept, {xpath}.
PHONE = f"""
import {{ readFileSync }} from 'node:fs';
import {{ ANSWERED, TYPE_ERRORS, message, typeMessage, xpathValue }} from {json.dumps(MODULE.as_uri())};
const FILL = {json.dumps(FILL)};
const {{ cases, keys }} = JSON.parse(readFileSync(0, 'utf8'));
const verdicts = cases.map(({{ question, raw }}) => {{
  const error = TYPE_ERRORS[question.type](raw, (question.choices || []).map((c) => c.name), question);
  return error === null ? {{ error, xpath: xpathValue(question, raw) }} : {{ error }};
}});
const messages = Object.fromEntries(keys.map((key) => [key, message(key, FILL)]));
const unreadable = cases.map(({{ question }}) => typeMessage(question));
process.stdout.write(JSON.stringify({{ verdicts, messages, unreadable, answered: [...ANSWERED] }}));
"""


def question(case: dict[str, Any]) -> dict[str, Any]:
    """The stored definition's question for a case (choices as {name, label})."""
    built: dict[str, Any] = {"type": case["type"], "name": "q", "label": "Pregunta"}
    if "choices" in case:
        built["choices"] = [{"name": name, "label": name} for name in case["choices"]]
    if "parameters" in case:
        built["parameters"] = case["parameters"]
    return built


def raw(case: dict[str, Any]) -> Any:
    """The answer sent; `raw_repeat` [item, n] is a long one (n times item: a text or a list)."""
    if "raw_repeat" in case:
        item, times = case["raw_repeat"]
        return item * times if isinstance(item, str) else [item] * times
    return case["raw"]


def expected_message(case: dict[str, Any], spanish: dict[str, str]) -> str | None:
    if "error" not in case:
        return None
    return case.get("message", spanish[f"form_{case['error']}"])


def phone(keys: list[str]) -> dict[str, Any]:
    """The phone module's verdict on every case, its Spanish messages for `keys` and its ANSWERED types."""
    if NODE is None:
        pytest.fail("node is needed for the phone's modules in the fast suite (apt install nodejs)")
    request = {"cases": [{"question": question(c), "raw": raw(c)} for c in CASES], "keys": keys}
    done = subprocess.run([NODE, "--input-type=module", "-e", PHONE], input=json.dumps(request),  # noqa: S603 (fixed arguments)
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def spanish() -> dict[str, str]:
    """The walk's messages as the page's table has them (no request: the source language)."""
    table = form_js_messages()
    return {key: table[key] for key in (f"form_{code}" for code in [*ANSWER_MESSAGES, *LIMIT_MESSAGES])}


@pytest.fixture(scope="module")
def on_phone(spanish) -> dict[str, Any]:
    return phone(sorted(spanish))


def test_the_server_keeps_or_refuses_every_case_as_written(spanish):
    wrong = []
    for case in CASES:
        value, problem = typed(question(case), raw(case))
        if problem != expected_message(case, spanish):
            wrong.append((case["type"], raw(case), expected_message(case, spanish), problem))
        elif problem is None and (value != raw(case) or ("xpath" in case and xpath_value(question(case), value)
                                                         != case["xpath"])):
            wrong.append((case["type"], raw(case), case.get("xpath"), (value, xpath_value(question(case), value))))
    assert wrong == [], "\n".join(f"{t} {r!r}: expected {x!r}, server said {a!r}" for t, r, x, a in wrong[:20])


def test_the_phone_keeps_or_refuses_every_case_in_the_servers_words(spanish, on_phone):
    wrong = [(c["type"], raw(c), expected_message(c, spanish), c.get("xpath"), v)
             for c, v in zip(CASES, on_phone["verdicts"], strict=True)
             if v["error"] != expected_message(c, spanish) or ("xpath" in c and v["xpath"] != c["xpath"])]
    assert wrong == [], "\n".join(f"{t} {r!r}: expected {e!r} / {x!r}, node said {v!r}" for t, r, e, x, v in wrong[:20])


def test_a_widgets_unreadable_input_gets_the_servers_refusal_of_its_type(on_phone):
    """The phone says of what a widget cannot read what the server says of a wrong answer (a range's bounds too)."""
    assert on_phone["unreadable"] == [typed(question(c), None)[1] for c in CASES]


def test_numbers_are_read_as_numbers_and_whole_ranges_kept_as_integers():
    assert xpath_value({"type": "range"}, 7) == 7.0 and isinstance(xpath_value({"type": "range"}, 7), float)
    value, _ = typed({"type": "range", "parameters": {"start": 0.0, "end": 10.0, "step": 2.0}}, 4.0)
    assert value == 4 and isinstance(value, int)
    value, _ = typed({"type": "range", "parameters": {"start": 0, "end": 1, "step": 0.5}}, 1)
    assert value == 1


def test_every_answered_type_has_kept_and_refused_cases():
    kept = {c["type"] for c in CASES if "error" not in c}
    refused = {c["type"] for c in CASES if "error" in c}
    assert set(ANSWERED_TYPES) <= kept & refused


def test_both_sides_answer_the_same_types_and_never_deviceid_or_audit(on_phone):
    assert set(on_phone["answered"]) == set(ANSWERED_TYPES)
    assert {"deviceid", "audit", "note", "calculate", "begin_group", "begin_repeat"}.isdisjoint(ANSWERED_TYPES)


def test_the_phone_has_every_message_of_the_server_word_for_word(spanish, on_phone):
    """A page without its message table (or a key it lacks) still says what the server says."""
    assert on_phone["messages"] == {key: text % FILL if "%(" in text else text for key, text in spanish.items()}
    for code in ("time", "datetime", "geopoint", "geotrace", "geoshape", "image", "acknowledge", "range", "rank",
                 "repeat_list", "repeat_count", "repeat_too_many"):
        assert f"form_{code}" in spanish
