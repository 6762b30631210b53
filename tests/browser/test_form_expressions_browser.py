"""Every case of the shared expression corpus through the browser's evaluator (static/js/forms/xpath.js),
with the AST the server's parser made: the phone must answer exactly what pytest asserts for Python. And
random expressions and answers (tests/forms/test_evaluators_agree.py's, run under node in the fast suite)
give in Chromium what they give on the server, over plain answers and over random repeat documents (the
browser's Document, static/js/forms/xpath-document.js, against the server's)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldwork.forms.expressions import ExpressionError, parse
from tests.forms.corpus import DEFAULT_TODAY, cases_with_ast, matches, xpath_value
from tests.forms.test_evaluators_agree import (
    CASES,
    LABELS,
    NOW,
    REPEAT_EXPRESSIONS,
    python_answer,
    python_in_document,
    repeat_documents,
)
from tests.node.runner import as_python, same

pytestmark = pytest.mark.browser

# One page evaluates the whole corpus. Each answer comes back with its JavaScript type, and
# non-finite numbers as text, so that Python can tell 1 from true and NaN from a missing value
# (tests/node/runner.py's as_python reads them back).
EVALUATE_ALL = """async (cases) => {
  const { evaluate, prepareFunctions } = await import('/static/js/forms/xpath.js');
  await prepareFunctions(cases.map((c) => c.ast)); // as the page does before a form's first walk
  return cases.map(({ ast, values, self, today, now, language, labels }) => {
    // Pairs, not an object: Playwright would make a '__proto__' key the object's prototype.
    const known = new Map(values); // names such as 'constructor' are answers, not properties
    const context = { value: (name) => (known.has(name) ? known.get(name) : ''), self, today, now, language, labels };
    try {
      const value = evaluate(ast, context);
      return typeof value === 'number' ? { number: Number.isFinite(value) ? value : String(value) } : { value };
    } catch (error) {
      return { error: error.reason ?? String(error) };
    }
  });
}"""


@pytest.fixture
def blank_page(live_server, page):
    page.goto(live_server.url + "/offline", wait_until="domcontentloaded")
    return page


def test_browser_evaluator_answers_every_corpus_case_like_python(blank_page):
    cases = cases_with_ast()
    assert len(cases) >= 150
    payload = [{"ast": c["ast"], "values": [[k, xpath_value(v)] for k, v in c.get("values", {}).items()],
                "self": xpath_value(c.get("self")), "today": c.get("today", DEFAULT_TODAY)} for c in cases]
    answers = blank_page.evaluate(EVALUATE_ALL, payload)
    wrong = [(c["expr"], c.get("values"), c["expect"], a) for c, a in zip(cases, answers, strict=True)
             if not matches(as_python(a), c["expect"])]
    assert wrong == [], "\n".join(f"{e!r} with {v}: expected {x!r}, the browser said {a!r}" for e, v, x, a in wrong)


def test_browser_evaluates_random_expressions_like_the_server(blank_page):
    @settings(max_examples=4, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(CASES, min_size=100, max_size=150))
    def alike(cases):
        parsed = []
        for case in cases:
            try:
                parsed.append({**case, "ast": parse(case["expr"])})
            except ExpressionError:
                continue  # refused at upload: never evaluated
        answers = blank_page.evaluate(EVALUATE_ALL, [
            {"ast": c["ast"], "values": list(c["values"].items()), "self": c["self"], "today": "2026-03-02",
             "now": NOW, "language": c["language"], "labels": LABELS} for c in parsed])
        for case, answer in zip(parsed, answers, strict=True):
            server = python_answer(case["ast"], case["values"], case["self"], case["language"])
            assert same(as_python(answer), server), (case["expr"], case["values"], case["self"], answer, server)

    alike()


# A document per case (the form's items, its repeats' counts, answers by path) and the instance an expression
# runs in: what the phone's walk gives evaluate() as its scope. A node-set comes back node by node.
EVALUATE_IN_DOCUMENTS = """async (cases) => {
  const { evaluate, Nodeset, prepareFunctions } = await import('/static/js/forms/xpath.js');
  await prepareFunctions(cases.map((c) => c.ast));
  const { Document } = await import('/static/js/forms/xpath-document.js');
  const answer = (value) => {
    if (value instanceof Nodeset) return { nodes: value.nodes.map(answer) };
    return typeof value === 'number' ? { number: Number.isFinite(value) ? value : String(value) } : { value };
  };
  return cases.map(({ ast, document, today, now }) => {
    const built = new Document(document.items);
    for (const [path, count] of document.counts) built.counts.set(path, count);
    for (const [path, value] of document.values) built.values.set(path, value);
    try {
      return answer(evaluate(ast, { value: () => '', self: '', today, now, scope: built.scope(document.context) }));
    } catch (error) {
      return { error: error.name === 'EvaluationError' ? error.reason : String(error) };
    }
  });
}"""


def test_browser_evaluates_random_expressions_over_repeats_like_the_server(blank_page):
    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.tuples(REPEAT_EXPRESSIONS, repeat_documents()), min_size=20, max_size=40))
    def alike(cases):
        parsed = []
        for expr, document in cases:
            try:
                parsed.append((expr, parse(expr), document))
            except ExpressionError:
                continue  # refused at upload: never evaluated
        answers = blank_page.evaluate(EVALUATE_IN_DOCUMENTS, [
            {"ast": ast, "today": "2026-03-02", "now": NOW,
             "document": {**document, "counts": list(document["counts"].items()),
                          "values": list(document["values"].items())}} for _, ast, document in parsed])
        for (expr, ast, document), answer in zip(parsed, answers, strict=True):
            server = python_in_document(ast, document)
            assert same(as_python(answer), server), (expr, document, answer, server)

    alike()
