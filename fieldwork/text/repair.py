"""Text the database cannot store: NUL characters and lone UTF-16 surrogates.

JSON may carry both as escapes ("\\u0000", "\\ud83d" from an emoji cut in half by a phone's
`slice`); PostgreSQL refuses NUL in text and neither database can encode a lone surrogate, so either
one reached the database as a 500. Repairing them the way the WHATWG UTF-8 encoder does (U+FFFD)
keeps one bad character from blocking a phone's whole outbox, and a replay repairs identically.
"""
from __future__ import annotations

import re
from typing import Any

from werkzeug.datastructures import MultiDict

REPLACEMENT = "\ufffd"
_SUSPECT_TEXT = re.compile(r"\x00|\\u0000|\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_SUSPECT_BYTES = re.compile(rb"\x00|\\u0000|\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def needs_repair(raw: str | bytes) -> bool:
    """Cheap look at the raw JSON: does any string in it need `repair`? (Most bodies do not.)"""
    return bool((_SUSPECT_BYTES if isinstance(raw, bytes) else _SUSPECT_TEXT).search(raw))


def repair_text(text: str) -> str:
    """Lone surrogates and NUL → U+FFFD; valid surrogate pairs become their character."""
    fixed = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return fixed.replace("\x00", REPLACEMENT)


def repair(value: Any) -> Any:
    """`repair_text` applied to every string (keys included) of parsed JSON."""
    if isinstance(value, str):
        return repair_text(value)
    if isinstance(value, list):
        return [repair(item) for item in value]
    if isinstance(value, dict):
        return {repair_text(key): repair(item) for key, item in value.items()}
    return value


def has_nul(values: MultiDict[str, str]) -> bool:
    """Whether a form or query string carries a NUL character (browsers never send one)."""
    return any("\x00" in key or "\x00" in str(item) for key, items in values.lists() for item in items)
