"""Absolute links (the owners' confirmation links shared on WhatsApp) from FIELDWORK_BASE_URL.

Never from the request: its Host header is whatever the caller typed, so a link built from it could
send an owner to another site (host header injection). Pages and redirects use relative URLs.
"""
from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import ServiceUnavailable


def site_url() -> str:
    """FIELDWORK_BASE_URL without its trailing slash; a 503 with a clear message when it is not set."""
    base = (current_app.config.get("FIELDWORK_BASE_URL") or "").rstrip("/")
    if not base:
        current_app.logger.error("FIELDWORK_BASE_URL is not set: absolute links cannot be built")
        error = ServiceUnavailable(_("El servidor no tiene configurada su dirección pública (FIELDWORK_BASE_URL); "
                                     "avise al administrador."))
        error.fieldwork_message = True  # type: ignore[attr-defined]
        raise error
    return base


def absolute_url(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)` under the configured public address."""
    return site_url() + url_for(endpoint, **values)
