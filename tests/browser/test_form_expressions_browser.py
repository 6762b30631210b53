"""Every case of the shared expression corpus through the browser's evaluator (static/js/forms/xpath.js),
with the AST the server's parser made: the phone must answer exactly what pytest asserts for Python."""
from __future__ import annotations

from typing import Any

import pytest

from tests.forms.corpus import DEFAULT_TODAY, cases_with_ast, matches, xpath_value

pytestmark = pytest.mark.browser

# One page evaluates the whole corpus. Each answer comes back with its JavaScript type, and
# non-finite numbers as text, so that Python can tell 1 from true and NaN from a missing value.
EVALUATE_ALL = """async (cases) => {
  const { evaluate } = await import('/static/js/forms/xpath.js');
  return cases.map(({ ast, values, self, today }) => {
    const context = { value: (name) => values[name] ?? '', self, today };
    try {
      const value = evaluate(ast, context);
      return typeof value === 'number' ? { number: Number.isFinite(value) ? value : String(value) } : { value };
    } catch (error) {
      return { error: String(error) };
    }
  });
}"""


def as_python(answer: dict[str, Any]) -> Any:
    """The browser's answer as the Python evaluator would have returned it (numbers are floats)."""
    if "number" in answer:
        number = answer["number"]
        return float(number.lower().replace("infinity", "inf")) if isinstance(number, str) else float(number)
    return answer.get("value", answer)


@pytest.fixture
def blank_page(live_server, page):
    page.goto(live_server.url + "/offline", wait_until="domcontentloaded")
    return page


def test_browser_evaluator_answers_every_corpus_case_like_python(blank_page):
    cases = cases_with_ast()
    assert len(cases) >= 150
    payload = [{"ast": c["ast"], "values": {k: xpath_value(v) for k, v in c.get("values", {}).items()},
                "self": xpath_value(c.get("self")), "today": c.get("today", DEFAULT_TODAY)} for c in cases]
    answers = blank_page.evaluate(EVALUATE_ALL, payload)
    wrong = [(c["expr"], c.get("values"), c["expect"], a) for c, a in zip(cases, answers, strict=True)
             if not matches(as_python(a), c["expect"])]
    assert wrong == [], "\n".join(f"{e!r} with {v}: expected {x!r}, the browser said {a!r}" for e, v, x, a in wrong)
