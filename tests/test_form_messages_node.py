"""The words of the phone's form (static/js/forms/): every key a module falls back on when the page's message
table lacks it is in that table (fieldwork/visits/messages.py, translated by Babel), with the same Spanish, so a
translated page shows none of them in Spanish and an untranslated one says what the server says."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from fieldwork.visits.messages import js_messages
from tests.node.runner import NODE

FORMS = Path(__file__).resolve().parents[1] / "static" / "js" / "forms"
#: Each module with its own Spanish table, and the function that reads it (the page's text first).
READERS = {"answer-types.js": "message", "widget-common.js": "say", "repeat-cards.js": "say"}
_TABLE = re.compile(r"^const MESSAGES = \{\n(.*?)^\};", re.M | re.S)
_KEY = re.compile(r"^  (\w+): ", re.M)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def fallback_keys(module: Path) -> list[str]:
    table = _TABLE.search(module.read_text(encoding="utf-8"))
    return _KEY.findall(table.group(1)) if table else []


def phone_words(keys_by_module: dict[str, list[str]], fill: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each module's own words for its keys, placeholders filled from `fill` (node has no page table)."""
    if NODE is None:
        pytest.fail("node is needed for the phone's modules in the fast suite (apt install nodejs)")
    script = "\n".join(
        [f"import {{ {READERS[name]} as read{i} }} from {json.dumps((FORMS / name).as_uri())};"
         for i, name in enumerate(keys_by_module)]
        + [f"const fill = {json.dumps(fill)};", "const words = {};"]
        + [f"words[{json.dumps(name)}] = Object.fromEntries({json.dumps(keys)}.map((k) => [k, read{i}(k, fill)]));"
           for i, (name, keys) in enumerate(keys_by_module.items())]
        + ["process.stdout.write(JSON.stringify(words));"])
    done = subprocess.run([NODE, "--input-type=module", "-e", script],  # noqa: S603 (fixed arguments)
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_module_with_its_own_words_is_read_here():
    assert {m.name for m in FORMS.glob("*.js") if fallback_keys(m)} == set(READERS)


def test_the_page_table_has_every_fallback_word_of_the_forms_word_for_word():
    page = js_messages()  # no request: the Spanish source
    keys_by_module = {name: fallback_keys(FORMS / name) for name in READERS}
    fill = {name: f"<{name}>" for text in page.values() for name in _PLACEHOLDER.findall(text)}
    words = phone_words(keys_by_module, fill)
    wrong = {(module, key): (said, page.get(key)) for module, said_by_key in words.items()
             for key, said in said_by_key.items()
             if said != _PLACEHOLDER.sub(lambda m: fill[m.group(1)], page.get(key, key))}
    assert wrong == {}


def test_every_key_the_forms_read_by_name_is_in_the_page_table():
    page = js_messages()
    used = {key for module in FORMS.glob("*.js")
            for key in re.findall(r"\b(?:say|message)\('(\w+)'", module.read_text(encoding="utf-8"))}
    assert used - set(page) == set()
