"""What the phone's widgets for the newer question types read and show (static/js/forms/widget-values.js, pure),
under node in the fast suite: an officer's typing becomes contract v3's answer shapes, or is refused with a
reason, never changed silently (tests/browser/test_form_widgets.py drives the widgets themselves)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

MODULE = Path(__file__).resolve().parents[1] / "static" / "js" / "forms" / "widget-values.js"
NODE = shutil.which("node")


def call(expression: str) -> Any:
    """`expression` evaluated with the module imported as `v`; its JSON."""
    if NODE is None:
        pytest.fail("node is needed for the phone's modules in the fast suite (apt install nodejs)")
    script = (f"import * as v from {json.dumps(MODULE.as_uri())};\n"
              f"console.log(JSON.stringify({expression}));")
    done = subprocess.run([NODE, "--input-type=module", "-e", script],  # noqa: S603 (fixed arguments)
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_coordinates_read_with_a_point_or_a_comma_and_ambiguous_ones_are_refused():
    typed = ["4,7110", "-74.0721", "  \u221274,08 ", "4.711.000", "4,711.5", "4°42'", ",5", "", "91", "-180,5"]
    read = call(f"{json.dumps(typed)}.map((t) => [v.readCoordinate(t, 'lat'), v.readCoordinate(t, 'lon')])")
    assert read == [
        [{"value": 4.711}, {"value": 4.711}],
        [{"value": -74.0721}, {"value": -74.0721}],
        [{"value": -74.08}, {"value": -74.08}],  # a keyboard's minus sign (U+2212) is a minus
        [{"error": "coord_ambiguous"}, {"error": "coord_ambiguous"}],  # 4.711 or 4711000? never guessed
        [{"error": "coord_ambiguous"}, {"error": "coord_ambiguous"}],
        [{"error": "coord_not_number"}, {"error": "coord_not_number"}],  # degrees and minutes
        [{"error": "coord_not_number"}, {"error": "coord_not_number"}],
        [{"value": None}, {"value": None}],
        [{"error": "lat_range"}, {"value": 91}],
        [{"error": "lat_range"}, {"error": "lon_range"}],
    ]


def test_a_typed_time_gets_its_seconds_and_a_stored_one_shows_them_only_when_it_has_some():
    assert call("['07:05', '23:59:30', '24:00', '7:05'].map(v.readTime)") == [
        {"value": "07:05:00"}, {"value": "23:59:30"}, {"error": True}, {"error": True}]
    assert call("['07:05:00', '07:05:30', '07:05:00.250', 'x'].map(v.timeToInput)") == [
        "07:05", "07:05:30", "07:05:00", ""]


def test_a_moment_is_the_programmes_wall_clock_with_its_offset():
    assert call("['2026-03-02T14:30', '2026-03-02T23:59:59', '2026-02-30T10:00', 'x']"
                ".map((t) => v.readMoment(t, 'America/Bogota'))") == [
        {"value": "2026-03-02T14:30:00-05:00"}, {"value": "2026-03-02T23:59:59-05:00"}, {"error": True},
        {"error": True}]
    # Summer time where the zone has it: the offset in force on that day.
    assert call("['2026-01-15T12:00', '2026-07-15T12:00'].map((t) => v.readMoment(t, 'Europe/Madrid').value)") == [
        "2026-01-15T12:00:00+01:00", "2026-07-15T12:00:00+02:00"]


def test_a_stored_moment_shows_on_the_programmes_clock_whatever_its_offset():
    assert call("['2026-03-03T02:00:00Z', '2026-03-02T14:30:15-05:00', '2026-03-02', '']"
                ".map((t) => v.momentToInput(t, 'America/Bogota'))") == [
        "2026-03-02T21:00", "2026-03-02T14:30:15", "", ""]


def test_range_steps_count_from_start_towards_end_without_float_noise():
    assert call("(() => { const r = v.rangeSteps({start: 0, end: 1, step: 0.1}); "
                "return [r.count, r.valueAt(3), r.indexOf(0.3), r.indexOf(0.35)]; })()") == [10, 0.3, 3, -1]
    # Downwards, with a step that does not divide the span: start's steps, never past end.
    assert call("(() => { const r = v.rangeSteps({start: 10, end: 0, step: 3}); "
                "return [[0, 1, 2, 3].map(r.valueAt), r.indexOf(4), r.indexOf(0)]; })()") == [[10, 7, 4, 1], 2, -1]
    assert call("(() => { const r = v.rangeSteps({}); return [r.start, r.valueAt(r.count)]; })()") == [1, 10]
    # As the answers' check reads the parameters: a step of 0 is a range of one value, a text is no number.
    assert call("(() => { const r = v.rangeSteps({start: 5, end: 9, step: 0}); "
                "return [r.count, r.indexOf(5), r.indexOf(6)]; })()") == [0, 0, -1]
    assert call("(() => { const r = v.rangeSteps({start: '5'}); return r.start; })()") == 1


def test_a_shape_is_closed_on_its_first_corner_and_a_line_needs_two_points():
    corners = [{"lat": 4.6, "lon": -74.1, "accuracy_m": 5}, {"lat": 4.61, "lon": -74.1}, {"lat": 4.61, "lon": -74.09}]
    closed = call(f"v.readPoints({json.dumps(corners)}, 'geoshape')")["value"]
    assert closed == [*corners, corners[0]]
    assert call(f"v.openShape({json.dumps(closed)})") == corners  # shown again with each corner once
    assert call(f"v.readPoints({json.dumps(corners[:2])}, 'geoshape')") == {"error": True}
    assert call(f"v.readPoints({json.dumps(corners[:1])}, 'geotrace')") == {"error": True}
    assert call(f"v.readPoints({json.dumps(corners[:2])}, 'geotrace')") == {"value": corners[:2]}
    assert call("v.readPoints([], 'geotrace')") == {"value": None}


def test_a_gps_reading_keeps_six_decimals_and_the_accuracy():
    fix = call("v.pointFromFix({latitude: 4.7109999912, longitude: -74.07210004, accuracy: 12.34, altitude: null})")
    assert fix == {"lat": 4.711, "lon": -74.0721, "accuracy_m": 12.3}


def test_a_rank_reopens_in_its_stored_order_with_unknown_names_dropped():
    choices = [{"name": "precio"}, {"name": "calidad"}, {"name": "cercania"}]
    assert call(f"v.rankOrder({json.dumps(choices)}, ['cercania', 'otro', 'precio', 'cercania'])") == [
        "cercania", "precio", "calidad"]
    assert call(f"v.rankOrder({json.dumps(choices)}, null)") == ["precio", "calidad", "cercania"]
