"""The scripts are served minified (fieldwork/web/static_files.py): what the phone runs is not the text in
static/js/, so the minified modules must parse and answer every shared case exactly as the source does."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from fieldwork.config import PROJECT_ROOT
from fieldwork.forms.expressions import parse
from fieldwork.web.static_files import build_static, served_bytes
from tests.forms.corpus import DEFAULT_TODAY, cases_with_ast, xpath_value
from tests.forms.test_answers_repeats import DAY, GOOD, HOGAR, NOW, stored
from tests.node.runner import NODE, run

STATIC = Path(PROJECT_ROOT) / "static"
CASES = Path(__file__).parent / "cases"


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Path:
    """The folder the server serves static files from, built from static/ as at start-up."""
    folder = tmp_path_factory.mktemp("served")
    build_static(str(STATIC), str(folder))
    return folder


def _sources() -> list[Path]:
    return sorted(STATIC.rglob("*.js"))


def test_every_script_is_served_smaller_and_every_module_still_parses(served, tmp_path):
    if NODE is None:
        pytest.fail("node is needed to parse the served scripts (apt install nodejs)")
    for source in _sources():
        name = source.relative_to(STATIC).as_posix()
        minified = (served / name).read_bytes()
        assert len(minified) < 0.8 * len(source.read_bytes()), name
        module = tmp_path / (name.replace("/", "_") + ".mjs")  # .mjs: node parses it as a module
        module.write_bytes(minified)
        checked = subprocess.run([NODE, "--check", str(module)], capture_output=True, text=True, check=False)  # noqa: S603
        assert checked.returncode == 0, f"{name}: {checked.stderr}"


def test_the_service_worker_is_served_minified_and_parses(client, tmp_path):
    body = client.get("/service-worker.js").get_data()
    raw = (Path(PROJECT_ROOT) / "service-worker.js").read_bytes()
    assert len(body) < len(raw) and b"__FIELDWORK_PRECACHE_STATIC__" not in body
    worker = tmp_path / "worker.js"
    worker.write_bytes(body)
    checked = subprocess.run([NODE or "node", "--check", str(worker)], capture_output=True, text=True, check=False)  # noqa: S603
    assert checked.returncode == 0, checked.stderr


def test_licence_comments_are_kept():
    licensed = served_bytes("a.js", b"/*! Licence: MIT */\n// why\nexport const a = 1;\n")
    assert licensed.startswith(b"/*! Licence: MIT */")
    assert b"why" not in served_bytes("a.js", b"// why\nexport const a = 1;\n")
    assert served_bytes("a.css", b"/* kept */") == b"/* kept */"


def _both(kind: str, cases: list[dict], served: Path) -> tuple[list, list]:
    return run(kind, cases), run(kind, cases, modules=served / "js")


def _drawn(expect: object) -> bool:
    """random() and uuid() cases (their expectation is a range or a pattern): a new value at every call."""
    return isinstance(expect, dict) and ("range" in expect or "pattern" in expect)


def test_the_minified_evaluator_answers_every_corpus_case_as_the_source(served):
    spec = json.loads((Path(__file__).parent / "forms" / "expression_cases_odk.json").read_text(encoding="utf-8"))
    cases = [{"ast": c["ast"], "values": {k: xpath_value(v) for k, v in c.get("values", {}).items()},
              "self": xpath_value(c.get("self")), "today": c.get("today", DEFAULT_TODAY), "now": c.get("now", ""),
              "language": c.get("language", "es"), "labels": c.get("labels")}
             for c in cases_with_ast() + [{**c, "ast": parse(c["expr"])} for g in spec["groups"] for c in g["cases"]
                                          if c["expect"] != {"error": "parse"} and not _drawn(c["expect"])]]
    source, minified = _both("evaluate", cases, served)
    assert len(cases) >= 400
    assert minified == source


def test_the_minified_walk_numbers_and_search_answer_as_the_source(served):
    walks = [{"definition": d, "answers": a, "today": DAY.isoformat(), "now": NOW}
             for d in (HOGAR, stored(HOGAR)) for a in (GOOD, {}, {"personas": "x"}, {"n_personas": 1})]
    numbers = [{"parser": "parseInteger" if c["kind"] == "integer" else "parseDecimal", "raw": c["input"],
                "options": {}} for c in json.loads((CASES / "numbers.json").read_text(encoding="utf-8"))["cases"]]
    folds = [{"text": c["text"]} for c in json.loads((CASES / "fold.json").read_text(encoding="utf-8"))["cases"]]
    for kind, cases in (("walk", walks), ("numbers", numbers), ("fold", folds)):
        source, minified = _both(kind, cases, served)
        assert minified == source, kind
