"""The phone's IndexedDB has one home: the store's modules (store.js, store-*.js over idb.js). A module that
opened a database of its own could upgrade, clear or lose what the store keeps, out of its upgrade path."""
from __future__ import annotations

import re
from pathlib import Path

STATIC_JS = Path(__file__).resolve().parents[1] / "static" / "js"
STORE = re.compile(r"(idb|store|store-[\w-]+)\.js")
TOUCHES_INDEXEDDB = re.compile(r"\bindexedDB\s*\.|from\s+['\"][./]*idb\.js['\"]")


def test_only_the_store_modules_open_or_write_indexeddb():
    outside = sorted(
        str(path.relative_to(STATIC_JS)) for path in STATIC_JS.rglob("*.js")
        if not (path.parent == STATIC_JS and STORE.fullmatch(path.name))
        and TOUCHES_INDEXEDDB.search(path.read_text(encoding="utf-8"))
    )
    assert outside == []

