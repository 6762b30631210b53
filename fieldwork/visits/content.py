"""The canonical content of a visit, and its hash: equal hash means a harmless replay."""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

# The fields the officer writes; server-side state (review, confirmation) is not part of the content.
CONTENT_FIELDS = (
    "mipyme_id",
    "visited_at",
    "topics",
    "production_units",
    "monthly_sales_cop",
    "employees",
    "needs",
    "notes",
    "follow_up_due",
    "follow_up_reason",
    "latitude",
    "longitude",
    "accuracy_m",
    "revision",
)
#: Part of the content only when present, so visits stored before forms keep their hash (replays stay duplicate).
FORM_FIELDS = ("form_version_id", "answers")


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        # One instant, one spelling: "2026-03-05T15:30:00.000000Z" whatever offset the phone used.
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (list, tuple, set)):
        return sorted(_canonical(v) for v in value)
    if isinstance(value, str):
        return value.strip() or None
    return value


def content_hash(fields: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the officer's fields (missing and empty count as null)."""
    canonical = {name: _canonical(fields.get(name)) for name in CONTENT_FIELDS}
    canonical.update({name: fields[name] for name in FORM_FIELDS if fields.get(name) is not None})
    if not canonical["topics"]:
        canonical["topics"] = []
    payload = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
