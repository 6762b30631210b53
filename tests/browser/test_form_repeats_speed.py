"""A long form stays quick to type in (issue 18, item 12): an answer redraws only what it changes, and the draft
is read from the answers the page holds, not from its 150 questions' inputs. The figures are printed (run with -s):
the time from the input event to the end of the page's own work and its layout, and to the next frame."""
from __future__ import annotations

import json
import statistics

import pytest

from tests.browser.forms_helpers import definition, mount, question
from tests.browser.offline_helpers import log_in_and_get_ready, server_fixture  # noqa: F401  (fixture `server`)
from tests.builders import make_mipyme, make_user

pytestmark = pytest.mark.browser

YES_NO = [{"name": "si", "label": "Sí"}, {"name": "no", "label": "No"}]


def long_form() -> dict:
    """25 sections of 6: a select, two numbers relevant on it with constraints, a calculate, a note, a text."""
    questions = []
    for n in range(25):
        questions += [
            {"type": "begin_group", "name": f"g{n}", "label": f"Bloque {n}"},
            question(f"b{n}_activo", "select_one", f"¿Activo {n}?", choices=YES_NO),
            question(f"b{n}_ventas", "integer", f"Ventas {n}", relevant=f"${{b{n}_activo}} = 'si'",
                     constraint=". >= 0", constraint_message="No negativo."),
            question(f"b{n}_costos", "decimal", f"Costos {n}", relevant=f"${{b{n}_activo}} = 'si'"),
            question(f"b{n}_margen", "calculate", "", calculation=f"${{b{n}_ventas}} - ${{b{n}_costos}}"),
            question(f"b{n}_nota", "note", f"Margen del bloque {n}: ${{b{n}_margen}}"),
            question(f"b{n}_obs", "text", f"Observación {n}", hint="Opcional"),
            {"type": "end_group", "name": f"g{n}"},
        ]
    return definition(questions)


TYPE = """async () => {
  const container = document.querySelector('[data-form-questions]');
  for (let n = 0; n < 25; n += 1) {
    container.querySelector(`[name="answers.b${n}_activo"][value=si]`).click();
    const costs = container.querySelector(`[name="answers.b${n}_costos"]`);
    costs.value = '10';
    costs.dispatchEvent(new Event('input', { bubbles: true }));
  }
  const touched = new Set(); // the sections whose nodes an answer changed
  const section = (node) => (node.nodeType === 1 ? node : node.parentElement).closest('[data-group]')?.dataset.group;
  const observer = new MutationObserver(() => {});
  const work = []; const frame = []; const reads = [];
  for (let i = 0; i < 50; i += 1) {
    const input = container.querySelector(`[name="answers.b${i % 25}_ventas"]`);
    input.value = String(1000 + i);
    if (i === 7) observer.observe(container, { subtree: true, childList: true, characterData: true, attributes: true });
    const start = performance.now();
    input.dispatchEvent(new Event('input', { bubbles: true }));
    void document.body.offsetHeight; // the style and layout of what changed
    work.push(performance.now() - start);
    if (i === 7) {
      for (const record of observer.takeRecords()) touched.add(section(record.target) || 'outside');
      observer.disconnect();
    }
    await new Promise((resolve) => requestAnimationFrame(() => {
      frame.push(performance.now() - start);
      setTimeout(resolve, 0);
    }));
    const before = performance.now();
    window.questions.read();
    reads.push(performance.now() - before);
  }
  return { touched: [...touched], work, frame, reads };
}"""


def test_an_answer_redraws_only_the_section_it_changes(live_server, page):
    mount(page, live_server.url, json.loads(json.dumps(long_form())))
    result = page.evaluate(TYPE)

    def figures(key: str) -> str:
        values = sorted(result[key])
        return f"median {statistics.median(values):.1f} ms, p90 {values[int(len(values) * 0.9)]:.1f} ms"

    print(f"\n150 questions — input → work and layout done: {figures('work')}; → next frame: {figures('frame')}; "
          f"draft read: {figures('reads')}")
    assert result["touched"] == ["g7"]  # the note and the margin of section 7, nothing of the other 24
    assert statistics.median(result["work"]) < 100  # a bound only a whole-form redraw on a slow phone would pass


@pytest.fixture
def officer_mipyme(app):
    return make_mipyme(make_user("officer", username="lucia", name="Lucía Ramos"), name="Calzado Vallenato")


@pytest.mark.parametrize("leave", ["reload", "hide and close"])
def test_a_letter_typed_just_before_leaving_the_page_is_in_the_draft(server, context, page, officer_mipyme, leave):
    """Typing saves when the phone is idle (visit-form.js saveSoon): reloading, or hiding the page (the officer
    switches apps) and closing it, at once must still store the last letter."""
    log_in_and_get_ready(page, server.url, "lucia")
    draft_page = f"{server.url}/visits/new?mipyme_id={officer_mipyme.id}"
    page.goto(draft_page)
    page.wait_for_selector("form[data-visit-form][data-ready=true]")
    page.fill("textarea[name=notes]", "Taller ordenado")
    page.wait_for_selector("form[data-draft-saved]")
    # A page the phone froze in the background runs no idle callback, so the save waiting for one would never
    # come: only leaving (beforeunload, pagehide) or hiding (visibilitychange) stores it. Frozen here.
    page.evaluate("() => { window.requestIdleCallback = () => 1; window.cancelIdleCallback = () => {}; }")
    page.type("textarea[name=notes]", ".")
    if leave == "reload":
        page.reload()
        fresh = page
    else:
        page.evaluate("""() => {
          Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
          document.dispatchEvent(new Event('visibilitychange'));
        }""")
        page.close()
        fresh = context.new_page()
        fresh.goto(draft_page)
    fresh.wait_for_selector("form[data-visit-form][data-ready=true]")
    assert fresh.input_value("textarea[name=notes]") == "Taller ordenado."
