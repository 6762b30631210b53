"""The one regex dialect: what forms use is admitted; what JavaScript and RE2 read differently, or what
backtracks on the phone, is refused with a reason that says what to write instead."""
from __future__ import annotations

import time

import pytest

from fieldwork.forms.regex_dialect import refusal, search

ADMITTED = ["^[0-9]{10}$", "^3[0-9]{9}$", "^[A-Za-zÁÉÍÓÚáéíóúÑñ ]+$", "^(si|no)$",
            "^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$", "\\d{3}-\\d{4}",
            "(?:ab){2,5}", "a*?b", "[^,]+", "[\\-\\]]", "^$", "", "😀{2}", "[ñ-ó]", "(a+){3}"]


@pytest.mark.parametrize("pattern", ADMITTED)
def test_patterns_forms_use_are_admitted(pattern):
    assert refusal(pattern) is None


@pytest.mark.parametrize(("pattern", "reason"), [
    ("\\w+", "«\\w» no se admite en el patrón"), ("\\bcasa", "«\\b»"), ("\\s", "«\\s»"), ("\\p{L}", "«\\p»"),
    ("(a)\\1", "«\\1»"), ("(?P<a>x)", "(?:…)"), ("(?<a>x)", "quite nombres"), ("(?=a)", "hacia adelante"),
    ("(?i)a", "opciones como (?i)"), ("a++", "posesivos"), ("(a+)+$", "[a-z]+ en lugar de ([a-z]+)+"),
    ("(a|a)*", "[ab]* en lugar de (a|b)*"), ("a{101}", "hasta 100"), ("(a{50}){30}", "multiplicarse hasta 1000"),
    ("a{4294967296}", "hasta 100"), ("a{,5}", "«{» suelto"), ("x}", "«}» suelto"), ("*a", "nada que repetir"),
    ("[z-a]", "como a-z"), ("[]", "está vacía"), ("[[]", "\\["), ("[a-z", "Falta el ]"), ("(", "parejos"),
    ("a" * 1001, "más de 1000 caracteres"),
])
def test_what_the_engines_read_differently_is_refused_with_what_to_write(pattern, reason):
    assert reason in (refusal(pattern) or "")


@pytest.mark.parametrize(("pattern", "text", "expected"), [
    ("^.$", "\r", False), ("^.$", "\u2028", False), ("^.$", "😀", True), ("a$", "a\n", False),
    ("^\\d$", "٣", False), ("^[a-zñ]+$", "muñoz", True), ("\\w", "a", False), ("^a", "\ud800a", False),
])
def test_the_server_matches_as_the_phone_does(pattern, text, expected):
    assert search(pattern, text) is expected


def test_matching_takes_linear_time_whatever_the_pattern():
    started = time.monotonic()
    assert search("a*" * 9 + "b", "a" * 10_000) is False  # Python's re: n^9 steps
    assert time.monotonic() - started < 1
