"""The shapes of place answers (API.md, "Forms"; forms-v3-spec §2): a geopoint is one reading of the phone's GPS
(or typed), a geotrace a walked line, a geoshape a closed area. The phone's twin is static/js/forms/answer-places.js.
"""
from __future__ import annotations

import math
from typing import Any

from fieldwork.forms.answer_limits import MAX_NUMBER, js_number

#: Beyond this a trace is not a walk an officer took: it would only weigh on the visit's 256 KB.
MAX_POINTS = 1_000
_KEYS = {"lat", "lon", "altitude", "accuracy_m"}


def is_number(raw: Any) -> bool:
    """A finite number within ±10^15 (beyond is refused like any wrong type, API.md)."""
    return isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw) and abs(raw) <= MAX_NUMBER


def is_point(raw: Any) -> bool:
    """{"lat", "lon", "altitude"?, "accuracy_m"?}: latitude and longitude on the globe, no other key."""
    return (isinstance(raw, dict) and set(raw) <= _KEYS and "lat" in raw and "lon" in raw
            and all(is_number(v) for v in raw.values())
            and -90 <= raw["lat"] <= 90 and -180 <= raw["lon"] <= 180 and raw.get("accuracy_m", 0) >= 0)


def is_line(raw: Any, least: int) -> bool:
    return isinstance(raw, list) and least <= len(raw) <= MAX_POINTS and all(is_point(p) for p in raw)


def is_trace(raw: Any) -> bool:
    return is_line(raw, 2)


def is_shape(raw: Any) -> bool:
    """At least 4 points, the last back on the first (ODK closes an area so; altitude and accuracy may differ)."""
    return is_line(raw, 4) and (raw[0]["lat"], raw[0]["lon"]) == (raw[-1]["lat"], raw[-1]["lon"])


def point_text(point: dict[str, Any]) -> str:
    """ODK's geopoint text "lat lon altitude accuracy" (0 for what the reading lacks), numbers as the phone
    writes them."""
    return " ".join(js_number(point.get(key, 0)) for key in ("lat", "lon", "altitude", "accuracy_m"))


def line_text(points: list[dict[str, Any]]) -> str:
    return ";".join(point_text(p) for p in points)
