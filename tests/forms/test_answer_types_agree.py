"""Phone and server judge many generated answers alike (beyond answer_type_cases.json's chosen ones): near-miss
clocks and calendars, points around the globe's edges, ranges on and off their steps, shuffled ranks."""
from __future__ import annotations

import json
import random
import subprocess
import uuid
from typing import Any

import pytest

from fieldwork.forms.answer_types import ANSWERED_TYPES, typed, xpath_value
from tests.forms.test_answer_types import MODULE
from tests.node.runner import NODE

PHONE = f"""
import {{ readFileSync }} from 'node:fs';
import {{ TYPE_ERRORS, xpathValue }} from {json.dumps(MODULE.as_uri())};
const cases = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(cases.map(({{ question, raw }}) => {{
  const error = TYPE_ERRORS[question.type](raw, (question.choices || []).map((c) => c.name), question);
  return error === null ? {{ error, xpath: xpathValue(question, raw) }} : {{ error }};
}})));
"""
CHOICES = ["a", "b", "c", "d"]


def two(rng: random.Random, top: int) -> str:
    return f"{rng.randint(0, top):02d}"


def clock(rng: random.Random) -> str:
    text = f"{two(rng, 25)}:{two(rng, 61)}:{two(rng, 61)}"
    return text + rng.choice(["", "", ".123", ".5", ".1234"])


def day(rng: random.Random) -> str:
    year = rng.choice([0, 1, 1900, 2000, 2024, 2026, 9999, rng.randint(0, 9999)])
    return f"{year:04d}-{two(rng, 13)}-{two(rng, 32)}"


def moment(rng: random.Random) -> str:
    offset = rng.choice(["Z", "", f"{rng.choice('+-')}{two(rng, 24)}:{two(rng, 60)}", "+0500", "z"])
    return f"{day(rng)}{rng.choice(['T', 'T', ' '])}{clock(rng)}{offset}"


def number(rng: random.Random) -> Any:
    return rng.choice([rng.uniform(-200, 200), rng.randint(-200, 200), 1e15, -1e15, 1e15 + 2, 1.5e15, 0.0, -0.0,
                       rng.uniform(-1, 1) * 1e-7, True, None, "4.5"])


def point(rng: random.Random) -> Any:
    """Mostly a reading a phone gives; now and then one over the globe's edge, with a wrong key or value."""
    built = {"lat": rng.choice([rng.uniform(-90.5, 90.5), 90, -90, 0]),
             "lon": rng.choice([rng.uniform(-180.5, 180.5), 180])}
    for key, chance in (("altitude", 0.4), ("accuracy_m", 0.4), ("speed", 0.02)):
        if rng.random() < chance:
            built[key] = rng.uniform(-5, 3000) if rng.random() < 0.9 else number(rng)
    if rng.random() < 0.03:
        del built[rng.choice(["lat", "lon"])]
    return built


def line(rng: random.Random) -> list[Any]:
    points = [point(rng) for _ in range(rng.choice([1, 2, 3, 4, 6]))]
    if rng.random() < 0.6:
        points.append(dict(points[0]) if rng.random() < 0.8 else {**points[0], "accuracy_m": 3})
    return points


def ranged(rng: random.Random) -> tuple[dict[str, Any], Any]:
    step = rng.choice([1, 2, 5, 0.1, 0.25, 0.5, 0.3, 1e-3, 2.5])
    start = rng.choice([0, 1, -5, 0.5, 10, 0.1])
    direction = rng.choice([1, -1])
    end = start + direction * step * rng.randint(0, 40)
    parameters = {key: value for key, value in (("start", start), ("end", end), ("step", step))
                  if rng.random() < 0.9}
    k = direction * rng.randint(-2, 42)
    raw = rng.choice([start + k * step, start + k * step, round(start + k * step, 6), number(rng),
                      start + k * step + rng.choice([1e-12, 1e-6, step / 2])])
    return parameters, raw


def photo_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128)))


def case(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(ANSWERED_TYPES)
    question: dict[str, Any] = {"type": kind, "name": "q"}
    makers = {
        "time": lambda: clock(rng), "dateTime": lambda: moment(rng), "start": lambda: moment(rng),
        "end": lambda: moment(rng), "date": lambda: day(rng), "today": lambda: day(rng),
        "integer": lambda: number(rng), "decimal": lambda: number(rng), "geopoint": lambda: point(rng),
        "geotrace": lambda: line(rng), "geoshape": lambda: line(rng),
        "image": lambda: rng.choice([photo_id(rng), photo_id(rng).upper(), photo_id(rng)[:-1], "x"]),
        "acknowledge": lambda: rng.choice(["OK", "ok", True, "OK "]),
        "text": lambda: rng.choice(["", " x ", 3, "ñ" * 10_001]), "username": lambda: rng.choice(["ana", "a" * 201]),
        "select_one": lambda: rng.choice(CHOICES + ["z", ["a"]]),
        "select_multiple": lambda: rng.sample(CHOICES + ["z"], rng.randint(1, 3)),
        "rank": lambda: rng.sample(CHOICES + ["a", "z"], rng.randint(3, 5)),
    }
    if kind == "range":
        question["parameters"], raw = ranged(rng)
    else:
        raw = makers[kind]()
    if kind in ("select_one", "select_multiple", "rank"):
        question["choices"] = [{"name": name, "label": name} for name in CHOICES]
        if kind == "rank" and rng.random() < 0.4:
            raw = rng.sample(CHOICES, len(CHOICES))
    return {"question": question, "raw": raw}


def test_phone_and_server_agree_on_generated_answers():
    if NODE is None:
        pytest.fail("node is needed for the phone's modules in the fast suite (apt install nodejs)")
    rng = random.Random(20261207)  # noqa: S311 (test data, seeded to be repeatable)
    cases = [case(rng) for _ in range(4000)]
    done = subprocess.run([NODE, "--input-type=module", "-e", PHONE], input=json.dumps(cases),  # noqa: S603 (fixed arguments)
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    wrong = []
    for c, on_phone in zip(cases, json.loads(done.stdout), strict=True):
        value, problem = typed(c["question"], c["raw"])
        server = {"error": problem} if problem else {"error": None, "xpath": xpath_value(c["question"], value)}
        if server != on_phone:
            wrong.append((c["question"], c["raw"], server, on_phone))
    kept = sum(1 for c in cases if typed(c["question"], c["raw"])[1] is None)
    assert 0.2 * len(cases) < kept < 0.8 * len(cases)  # both verdicts well exercised
    assert wrong == [], "\n".join(map(repr, wrong[:10]))
