"""The offline app shell: which files the service worker precaches, and its version (their hash)."""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache

from flask import current_app, url_for

from fieldwork.config import PROJECT_ROOT
from fieldwork.web.static_files import served_bytes

WORKER_FILE = os.path.join(PROJECT_ROOT, "service-worker.js")
TEMPLATES = os.path.join(PROJECT_ROOT, "templates")
#: Pages an officer needs with no network (cached when the session allows; see service-worker.js).
OFFLINE_PAGES = ("visits.new_visit", "visits.my_visits", "visits.home")


def _files(folder: str) -> list[str]:
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(root, n) for n in sorted(names) if not n.startswith("."))
    return found


def static_files() -> list[str]:
    """Paths under static/, relative, for url_for('static', ...): the files the static build serves
    (fieldwork/web/static_files.py decides which, once)."""
    return sorted(current_app.extensions["fieldwork_static"].manifest)


def _signature() -> tuple[tuple[str, int, int], ...]:
    paths = [WORKER_FILE, *_files(current_app.static_folder or ""), *_files(TEMPLATES)]
    return tuple((p, os.stat(p).st_mtime_ns, os.stat(p).st_size) for p in paths)


@lru_cache(maxsize=4)
def _hash(signature: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for path, _mtime, _size in signature:
        digest.update(os.path.relpath(path, PROJECT_ROOT).encode())
        with open(path, "rb") as handle:
            digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()[:16]


def shell_version() -> str:
    """A hash of the worker, the static files and the templates: any change makes a new worker."""
    # Keyed on (path, mtime, size) so that the files are read again only when one of them changed.
    version = _hash(_signature())
    # SHELL_VERSION_SALT ships a new worker without changing a file (an operator's lever; tests use it).
    salt = current_app.config.get("SHELL_VERSION_SALT")
    if salt:
        version = hashlib.sha256(f"{version}:{salt}".encode()).hexdigest()[:16]
    return version


@lru_cache(maxsize=2)
def _worker_script(_mtime_ns: int, _size: int) -> str:
    """service-worker.js as served (minified like the static scripts); read again when the file changes."""
    with open(WORKER_FILE, "rb") as handle:
        return served_bytes(WORKER_FILE, handle.read()).decode("utf-8")


def worker_source() -> str:
    """service-worker.js with its version and precache lists filled in."""
    stat = os.stat(WORKER_FILE)
    source = _worker_script(stat.st_mtime_ns, stat.st_size)
    statics = [url_for("static", filename=name) for name in static_files()]
    statics.append(url_for("core.manifest"))
    pages = [url_for(endpoint) for endpoint in OFFLINE_PAGES]
    return (
        source.replace("'__FIELDWORK_VERSION__'", json.dumps(shell_version()))
        .replace("__FIELDWORK_PRECACHE_STATIC__", json.dumps(statics))
        .replace("__FIELDWORK_PRECACHE_PAGES__", json.dumps(pages))
    )
