"""Pages and JSON answers travel compressed, and JSON answers carry an ETag of their content.

On Slow 4G the visit form's HTML (28–80 KB) and the form definition are most of a phone's wait; gzipped
they are a fifth of that. Flask-Compress does the negotiation (Accept-Encoding with its q-values, Vary,
Content-Length, a strong ETag made per encoding, conditional requests after compressing) better than a
hand-written after_request would; this module only chooses what it compresses:

- HTML, JSON and the service worker's script, from 1 KB up (below that the headers cost more than is saved);
- brotli where the browser offers it (over HTTPS), else gzip; nothing when the browser asks for neither;
- never a streamed answer (the CSV/XLSX exports and the OData feed go out row by row, as before), nor
  images or workbooks, which are compressed already (their types are not listed).

A JSON answer to a GET gets an ETag of its body, so a phone asking again with If-None-Match for what it
holds (the current form at every sync, static/js/forms/definitions.js) gets a 304 of a few bytes.
"""
from __future__ import annotations

from flask import Flask, Response, request
from flask_compress import Compress

EXTENSION = "fieldwork_compression"

SETTINGS = {
    "COMPRESS_MIMETYPES": ["text/html", "application/json", "application/manifest+json", "text/javascript"],
    "COMPRESS_MIN_SIZE": 1024,
    # Brotli (already installed for the static files) is ~15 % smaller than gzip at a similar cost; the
    # browser's q-values decide, and with equal ones the first here wins.
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_BR_LEVEL": 4,
    "COMPRESS_LEVEL": 6,
    # Streamed answers stay untouched, so an export's first rows still leave before its last are read.
    "COMPRESS_STREAMS": False,
    # After compressing, the per-encoding ETag is checked against If-None-Match (a 304 without a body).
    "COMPRESS_EVALUATE_CONDITIONAL_REQUEST": True,
}


def init_app(app: Flask) -> None:
    """Compress the app's answers (once per app: a second call changes nothing)."""
    if EXTENSION in app.extensions:
        return
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    compress = Compress()
    compress.init_app(app)
    app.extensions[EXTENSION] = compress
    # Registered after Flask-Compress, so it runs before it (Flask runs after_request hooks in reverse):
    # the ETag is of the uncompressed body, and Flask-Compress then makes one per encoding from it.
    app.after_request(_etag_json)


def _etag_json(response: Response) -> Response:
    """A GET's JSON answer gets an ETag of its body and, when the client already holds it, becomes a 304."""
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and response.mimetype == "application/json"
        and not response.is_streamed
        and "ETag" not in response.headers
    ):
        response.add_etag()
        # The answer the client holds may be the uncompressed one (no Accept-Encoding): checked here; a
        # compressed one's ETag (with its ":gzip"/":br" suffix) is checked by Flask-Compress.
        response.make_conditional(request)
    return response
