"""Numbers as Colombians write them: every case of tests/cases/numbers.json through fieldwork.text.numbers
(the browser module reads the same file in tests/browser/test_numbers_browser.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldwork.text.numbers import (
    DECIMAL_MESSAGES,
    INTEGER_MESSAGES,
    NumberError,
    parse_decimal,
    parse_integer,
)

CASES = json.loads((Path(__file__).parent / "cases" / "numbers.json").read_text(encoding="utf-8"))["cases"]
PARSERS = {"integer": parse_integer, "decimal": parse_decimal}


def read(case: dict) -> dict:
    """The case's answer in the file's terms: {"value": ...} or {"error": code}."""
    options = {key: case[key] for key in ("maximum", "allow_negative") if key in case}
    try:
        return {"value": PARSERS[case["kind"]](case["input"], **options)}
    except NumberError as error:
        return {"error": error.code}


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}:{c['input'][:24]!r}" for c in CASES])
def test_number_is_read_as_colombians_write_it(case):
    expected = {"error": case["error"]} if "error" in case else {"value": case["value"]}
    answer = read(case)
    assert answer == expected
    if "value" in answer and answer["value"] is not None:
        assert type(answer["value"]) is (int if case["kind"] == "integer" else float)


def test_every_refusal_has_a_spanish_message_that_says_what_to_type(app):
    with app.test_request_context(headers={"Accept-Language": "es"}):
        for messages in (INTEGER_MESSAGES, DECIMAL_MESSAGES):
            codes = {c["error"] for c in CASES if "error" in c}
            assert codes <= set(messages)
        with pytest.raises(NumberError) as refused:
            parse_integer("4.500.000,50")
        assert refused.value.message.startswith("Escriba un número entero, sin centavos ni signo")
