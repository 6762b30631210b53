"""Random expressions of the grammar's shapes and random answers through both evaluators: the server's
(fieldwork/forms/xpath.py) and the phone's (static/js/forms/xpath.js, under node here and in Chromium in
tests/browser) must give the same value, or fail for the same reason. Batched: one node process judges
each generated list of cases."""
from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldwork.forms.expressions import ExpressionError, parse
from fieldwork.forms.xpath import EvaluationError, Value, evaluate
from tests.node.runner import as_python, run, same

#: Names include properties every JavaScript object has: the phone must read them as answers.
NAMES = ["a", "b", "texto", "constructor", "toString", "__proto__"]
PATTERNS = ["^a", "a$", "^[0-9]{3}$", "\\w+", "(?P<a>x)", "[a-z]+", "a{4294967296}", "(", "^.$", "^(si|no)$",
            "[ñ-ó]", "\\d+", "(a+)+", "^[A-Za-zñ ]*$", "a|b", "", ".", "\\.", "[^a]"]
#: Dates, dateTimes and times (the spec's number() reads them as days), near the edges of what is a day and what is not.
DATES = ["2026-03-02", "2025-12-31", "2024-02-29", "2023-02-29", "1970-01-01", "1969-12-31", "0001-01-01",
         "9999-12-31", " 2026-03-02 ", "2026-3-2", "2026-03-02T07:05:09.250-05:00", "2026-03-02T23:59:59Z",
         "1970-01-01T00:00:00.5+14:00", "2026-03-02T10:30", "2026-03-02T24:00:00Z", "14:30:00.000-05:00",
         "12:00", "24:00:00"]
FORMATS = ["%Y-%m-%d", "%a %e %b %y", "%H:%M:%S.%3 %h %n", "%d/%m %q%", "%"]
TEXT = st.text(alphabet="ab ñÑ1-.😀\r\t", max_size=6)
VALUES = st.one_of(TEXT, st.sampled_from(PATTERNS), st.sampled_from(DATES + ["10", " 3 ", "-0", "true", "1"]),
                   st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
                   st.integers(-20, 20).map(float), st.sampled_from([1e15, -1e15, 0.1, 1e-7, 20514.75, -0.25]),
                   st.booleans())
#: jr:choice-name()'s labels, per question: the phone must not find them on Object.prototype either.
LABELS = {"a": {"x": "Equis", "1": "Uno"}, "toString": {"a": "A"}}


def _quoted(text: str) -> str:
    return f"'{text}'" if "'" not in text else f'"{text}"'


ATOMS = st.one_of(
    st.integers(0, 20).map(str), st.sampled_from(["0.5", "2.25", "1000000000000000", "0.0000001", "007", ".5",
                                                  "20514", "-0.5"]),
    TEXT.map(_quoted), st.sampled_from(PATTERNS).map(_quoted), st.sampled_from(DATES + FORMATS).map(_quoted),
    st.sampled_from(NAMES).map(lambda name: "${" + name + "}"), st.just("."),
    st.sampled_from(["today()", "now()", "true()", "false()", "pi()", "string()", "normalize-space()", "number()"]),
)
OPERATORS = ["or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod"]
UNARY = ["not", "count-selected", "string-length", "number", "int", "round", "string", "boolean",
         "boolean-from-string", "normalize-space", "date", "decimal-date-time", "decimal-time", "abs", "floor",
         "ceiling", "sqrt", "once", "log", "exp", "sin", "atan", "exp10"]
BINARY = ["selected", "regex", "coalesce", "round", "concat", "substr", "contains", "starts-with", "ends-with",
          "substring-before", "substring-after", "selected-at", "format-date", "format-date-time", "max", "min",
          "join", "atan2"]
TERNARY = ["if", "substr", "translate", "max", "min", "join"]


def _compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(OPERATORS), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda e: f"-({e})"),
        st.tuples(st.sampled_from(UNARY), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(BINARY), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        st.tuples(st.sampled_from(TERNARY), inner, inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]}, {t[3]})"),
        st.tuples(inner, st.sampled_from(["-4", "-1", "0", "2", "3", "0.5", "-1.5"])).map(
            lambda t: f"pow({t[0]}, {t[1]})"),
        st.tuples(st.sampled_from(NAMES), inner).map(lambda t: f"jr:choice-name({t[1]}, '${{{t[0]}}}')"),
        st.lists(inner, min_size=3, max_size=4).map(lambda parts: f"concat({', '.join(parts)})"),
    )


EXPRESSIONS = st.recursive(ATOMS, _compound, max_leaves=10)
CASES = st.fixed_dictionaries({"expr": EXPRESSIONS, "values": st.dictionaries(st.sampled_from(NAMES), VALUES),
                               "self": VALUES, "language": st.sampled_from(["es", "en"])})
NOW = "2026-03-02T09:15:00.000-05:00"


RANDOM_PATTERNS = st.text(alphabet="ab.*+?()[]{}|^$\\d1,-ñw:P<>=", max_size=8)


def python_answer(ast: list, values: dict[str, Value], self_value: Value, language: str) -> Any:
    try:
        return evaluate(ast, values, self_value, "2026-03-02", now=NOW, language=language, labels=LABELS)
    except EvaluationError as failed:
        return {"error": failed.reason}


@settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(CASES, min_size=100, max_size=150))
def test_phone_and_server_evaluate_random_expressions_alike(cases):
    parsed = []
    for case in cases:
        try:
            parsed.append({**case, "ast": parse(case["expr"])})
        except ExpressionError:
            continue  # refused at upload (a pattern outside the dialect, a number past 10^15): never evaluated
    phone = run("evaluate", [{"ast": c["ast"], "values": c["values"], "self": c["self"], "today": "2026-03-02",
                              "now": NOW, "language": c["language"], "labels": LABELS} for c in parsed])
    for case, answer in zip(parsed, phone, strict=True):
        server = python_answer(case["ast"], case["values"], case["self"], case["language"])
        assert same(as_python(answer), server), (case["expr"], case["values"], case["self"], answer, server)


@settings(max_examples=4, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.one_of(st.sampled_from(PATTERNS), RANDOM_PATTERNS),
                          st.one_of(TEXT, st.sampled_from(["Muñoz", "aaa", "\n", "\u2028", "😀😀", "123"]))),
                min_size=150, max_size=200))
def test_the_regex_dialect_and_its_matches_are_the_same_on_both_sides(pairs):
    from fieldwork.forms import regex_dialect

    phone = run("regex", [{"pattern": pattern, "text": text} for pattern, text in pairs])
    for (pattern, text), answer in zip(pairs, phone, strict=True):
        server = {"allowed": regex_dialect.refusal(pattern) is None, "match": regex_dialect.search(pattern, text)}
        assert answer == server, (pattern, text)


#: A household with people (each with children) and products: the repeats' random documents share this shape.
REPEAT_ITEMS = [{"type": "text", "name": "hogar"}, {"type": "begin_repeat", "name": "personas"},
                {"type": "text", "name": "nombre"}, {"type": "integer", "name": "edad"},
                {"type": "begin_repeat", "name": "hijos"}, {"type": "text", "name": "hijo"},
                {"type": "end_repeat", "name": "hijos"}, {"type": "end_repeat", "name": "personas"}]
REPEAT_REFS = ["${hogar}", "${nombre}", "${edad}", "${hijo}"]
NODESET_CALLS = ["count(${personas})", "count(${hijos})", "count(${hijo})", "sum(${edad})",
                 "count-non-empty(${nombre})", "max(${edad})", "min(${edad}, ${hijo})", "join(',', ${hijo})",
                 "position(..)", "string(${personas})",
                 "indexed-repeat(${nombre}, ${personas}, 2)", "indexed-repeat(${hijo}, ${personas}, 1, ${hijos}, 2)",
                 "indexed-repeat(${edad}, ${personas}, position(..) - 1)"]
REPEAT_ATOMS = st.one_of(st.sampled_from(REPEAT_REFS + NODESET_CALLS), st.integers(0, 40).map(str), TEXT.map(_quoted))
REPEAT_EXPRESSIONS = st.recursive(REPEAT_ATOMS, _compound, max_leaves=6)


@st.composite
def repeat_documents(draw: st.DrawFn) -> dict[str, Any]:
    counts, values = {"personas": draw(st.integers(0, 3))}, {"hogar": draw(VALUES)}
    for person in range(1, counts["personas"] + 1):
        at = f"personas[{person}]."
        values[f"{at}nombre"], values[f"{at}edad"] = draw(VALUES), draw(VALUES)
        counts[f"{at}hijos"] = draw(st.integers(0, 2))
        for child in range(1, counts[f"{at}hijos"] + 1):
            values[f"{at}hijos[{child}].hijo"] = draw(VALUES)
    context = []
    if counts["personas"] and draw(st.booleans()):
        person = draw(st.integers(1, counts["personas"]))
        context.append(["personas", person])
        children = counts[f"personas[{person}].hijos"]
        if children and draw(st.booleans()):
            context.append(["hijos", draw(st.integers(1, children))])
    return {"items": REPEAT_ITEMS, "counts": counts, "values": values, "context": context}


def python_in_document(ast: list, document: dict[str, Any]) -> Any:
    from fieldwork.forms.xpath_document import Document

    built = Document(document["items"])
    built.counts.update(document["counts"])
    built.values.update(document["values"])
    try:
        return evaluate(ast, {}, "", "2026-03-02", now=NOW,
                        scope=built.scope(tuple((r, i) for r, i in document["context"])))
    except EvaluationError as failed:
        return {"error": failed.reason}


@settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(REPEAT_EXPRESSIONS, repeat_documents()), min_size=80, max_size=120))
def test_phone_and_server_evaluate_random_expressions_over_repeats_alike(cases):
    parsed = []
    for expr, document in cases:
        try:
            parsed.append((expr, parse(expr), document))
        except ExpressionError:
            continue
    phone = run("evaluate", [{"ast": ast, "values": {}, "self": "", "today": "2026-03-02", "now": NOW,
                              "document": document, "context": document["context"]} for _, ast, document in parsed])
    for (expr, ast, document), answer in zip(parsed, phone, strict=True):
        server = python_in_document(ast, document)
        assert same(as_python(answer), server), (expr, document, answer, server)
