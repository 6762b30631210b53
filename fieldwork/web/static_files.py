"""Static files as a production server serves them: compressed, and cached for a year under
content-hashed names, without the session cookie (WhiteNoise in front of Flask).

At start-up each file of static/ is copied into `<instance>/static/` under its own name and under a
hashed one (`js/sync.3f2a9c41d07e.js`), each with `.gz` and `.br` beside it (WhiteNoise's
compressor; unchanged files are not rewritten). WhiteNoise serves that folder before Flask sees the
request: no session, so no `Set-Cookie` and no `Vary: Cookie`; hashed names are `immutable` for a
year, the plain names revalidate. `url_for('static', ...)` gives the hashed name. ES modules import
each other by plain relative names, so the pages carry an import map from plain to hashed URLs (its
CSP hash goes in `script-src`): a module and its imports are fetched once under hashed URLs, and
the service worker precaches exactly those.

Scripts are served minified (rJSmin: comments and indentation out, nothing renamed). The comments say why
the code is as it is, for people reading static/js/; a phone on Slow 4G pays for every byte of them, on
each release, in transfer and in parsing. The hashed names are of what is served.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from markupsafe import Markup
from rjsmin import jsmin
from werkzeug.datastructures import Headers
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from fieldwork.web.headers import CONTENT_SECURITY_POLICY, FIXED_HEADERS, PERMISSIONS_POLICY

try:
    import fcntl
except ImportError:  # Windows: a development machine runs one process
    fcntl = None  # type: ignore[assignment]

HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.\w+$")
ONE_YEAR = 365 * 24 * 3600
_SKIPPED_SUFFIXES = (".map", ".md", ".txt", ".gz", ".br")


@dataclass(frozen=True)
class StaticBuild:
    folder: str  # where WhiteNoise serves from
    manifest: dict[str, str]  # "js/sync.js" -> "js/sync.3f2a9c41d07e.js"
    import_map: str  # the JSON text of the pages' import map

    def csp_source(self) -> str:
        """The import map's hash for `script-src` (CSP allows no other inline script)."""
        digest = hashlib.sha256(self.import_map.encode()).digest()
        return "'sha256-" + base64.b64encode(digest).decode() + "'"


_builds: dict[tuple[str, str, tuple[tuple[str, int, int], ...]], StaticBuild] = {}


@contextmanager
def _one_builder_at_a_time(folder: str) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (an flock, where the system has one).

    gunicorn's workers each build the same folder as they start: without the lock one worker's
    WhiteNoise scanned the folder while another was rewriting it after a release, and failed on a
    `.gz` that vanished under it, or recorded the size of a file about to change (and served it with
    that size for its whole life)."""
    os.makedirs(os.path.dirname(folder) or ".", exist_ok=True)
    with open(folder + ".lock", "w") as handle:  # beside the folder: WhiteNoise serves what is in it
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
        yield


def register_static_files(app: Flask) -> None:
    """Build the served folder, hash `url_for('static')`, put WhiteNoise in front of the app."""
    folder = os.path.join(app.instance_path, "static")
    with _one_builder_at_a_time(folder):
        build = build_static(app.static_folder or "", folder)
        _serve_with_whitenoise(app, build)  # it lists the folder now: still under the lock
    app.extensions["fieldwork_static"] = build

    @app.url_defaults
    def hashed_static_name(endpoint: str, values: dict[str, str]) -> None:
        if endpoint == "static" and values.get("filename") in build.manifest:
            values["filename"] = build.manifest[values["filename"]]

    @app.context_processor
    def static_import_map() -> dict[str, Markup]:
        # Our own file names as JSON, with "<" escaped (no "</script>" can appear): safe to mark.
        return {"static_import_map": Markup(f'<script type="importmap">{build.import_map}</script>')}  # noqa: S704


def _serve_with_whitenoise(app: Flask, build: StaticBuild) -> None:
    """WhiteNoise in front of `app`, serving `build` (it lists the folder's files once, here)."""
    url_path = (app.static_url_path or "/static").strip("/") + "/"
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app, root=build.folder, prefix=url_path, max_age=None, allow_all_origins=False,
        immutable_file_test=lambda path, url: bool(HASHED_NAME.search(url)),
        add_headers_function=lambda headers, path, url: _static_headers(headers, url, app.config))


def _static_headers(headers: Headers, url: str, config: Mapping[str, object]) -> None:
    # What fieldwork/web/headers.py adds to Flask's answers, for the files WhiteNoise answers itself.
    if config.get("FIELDWORK_HTTPS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    for name, value in FIXED_HEADERS.items():
        headers[name] = value
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if HASHED_NAME.search(url):
        headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    else:
        headers["Cache-Control"] = "no-cache"  # a plain name's content changes with each release


def _signature(folder: str) -> tuple[tuple[str, int, int], ...]:
    return tuple((path, os.stat(path).st_mtime_ns, os.stat(path).st_size) for path in _files(folder))


def _files(folder: str) -> list[str]:
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(root, n) for n in sorted(names)
                     if not n.startswith(".") and not n.endswith(_SKIPPED_SUFFIXES))
    return found


def build_static(source: str, target: str) -> StaticBuild:
    """Copy, hash and compress `source` into `target` (once per process while nothing changes)."""
    key = (source, target, _signature(source))
    if key not in _builds:
        _builds[key] = _build(source, target)
    return _builds[key]


def _build(source: str, target: str) -> StaticBuild:
    compressor = Compressor(quiet=True)
    manifest: dict[str, str] = {}
    for path in _files(source):
        name = os.path.relpath(path, source).replace(os.sep, "/")
        with open(path, "rb") as handle:
            data = served_bytes(name, handle.read())
        stem, ext = os.path.splitext(name)
        hashed = f"{stem}.{hashlib.sha256(data).hexdigest()[:12]}{ext}"
        manifest[name] = hashed
        for served in (name, hashed):
            written = _write_if_changed(os.path.join(target, served), data)
            if written and compressor.should_compress(written):
                compressor.compress(written)
    prefix = "/static/"
    modules = {prefix + name: prefix + hashed for name, hashed in manifest.items() if name.endswith(".js")}
    import_map = json.dumps({"imports": modules}, separators=(",", ":"), sort_keys=True).replace("<", "\\u003c")
    return StaticBuild(target, manifest, import_map)


def served_bytes(name: str, data: bytes) -> bytes:
    """What is served for the static file `name`: a script minified (licence comments `/*! … */` kept)."""
    if not name.endswith(".js"):
        return data
    return jsmin(data.decode("utf-8"), keep_bang_comments=True).encode("utf-8")


def _write_if_changed(path: str, data: bytes) -> str | None:
    """Write `data` at `path` atomically unless it is already there; the path when written."""
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return None
    except OSError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".build-")
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)
    for stale in (path + ".gz", path + ".br"):  # the compressor skips files it cannot shrink
        if os.path.exists(stale):
            os.unlink(stale)
    return path
