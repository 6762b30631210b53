"""The phone's pure modules (static/js/) run under node, many cases per process (tests/node/phone_modules.mjs)."""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fieldwork.forms.xpath_values import Nodeset

SCRIPT = Path(__file__).with_name("phone_modules.mjs")
NODE = shutil.which("node")


def run(kind: str, cases: list[dict[str, Any]], modules: Path | None = None) -> list[Any]:
    """What the phone's module answers for each case, in order; `modules`: another copy of static/js/."""
    if NODE is None:
        pytest.fail("node is needed for the phone's modules in the fast suite (apt install nodejs)")
    env = {**os.environ, "PHONE_JS_ROOT": str(modules)} if modules else None
    done = subprocess.run([NODE, str(SCRIPT)], input=json.dumps({"kind": kind, "cases": cases}),  # noqa: S603 (fixed arguments)
                          capture_output=True, text=True, timeout=120, check=False, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def as_python(answer: dict[str, Any]) -> Any:
    """An evaluate answer as the Python evaluator returns it: numbers as floats (NaN and infinities too), a
    node-set as a Nodeset."""
    if "nodes" in answer:
        return Nodeset(as_python(node) for node in answer["nodes"])
    if "number" in answer:
        number = answer["number"]
        return float(number.lower().replace("infinity", "inf")) if isinstance(number, str) else float(number)
    return answer.get("value", answer)


def same(left: Any, right: Any) -> bool:
    """Equal values of the same XPath type (str, float, bool), NaN equal to NaN."""
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left) and math.isnan(right):
        return True
    if isinstance(left, Nodeset) and isinstance(right, Nodeset):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    return type(left) is type(right) and left == right
