"""A programme's number answers reopen (correction form, returned or refused visit) as Colombians write them,
from the one place that turns a stored visit's answers into a draft's (static/js/forms/answer-values.js)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

MODULE = Path(__file__).resolve().parents[1] / "static" / "js" / "forms" / "answer-values.js"
NODE = shutil.which("node")


def answers_to_raw(answers: dict) -> dict:
    if NODE is None:
        pytest.fail("node is needed for the phone's modules in the fast suite (apt install nodejs)")
    script = (f"import {{ answersToRaw }} from {json.dumps(MODULE.as_uri())};\n"
              f"console.log(JSON.stringify(answersToRaw({json.dumps(answers)})));")
    done = subprocess.run([NODE, "--input-type=module", "-e", script],  # noqa: S603 (fixed arguments)
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(("stored", "shown"), [
    (4500000, "4.500.000"),
    (1234.5, "1.234,5"),
    (35.5, "35,5"),
    (-2000, "-2.000"),
    (0, "0"),
    ("4500000", "4500000"),  # a text answer is never reformatted
    (None, ""),
])
def test_number_answer_reopens_as_colombians_write_it(stored, shown):
    assert answers_to_raw({"ventas": stored}) == {"ventas": shown}


def test_choices_stay_a_list_of_names():
    assert answers_to_raw({"canales": ["tienda", "redes"]}) == {"canales": ["tienda", "redes"]}
