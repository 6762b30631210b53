"""Security headers on every answer (OWASP ASVS 5.0 level 2, V3.3 cookies and V3.4 headers).

tests/test_headers.py checks each of them on every page, API answer, error and the service worker.
"""
from __future__ import annotations

from flask import Flask, Response, request
from flask.globals import request_ctx

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


#: What every answer carries beside its policy; WhiteNoise's static files too (fieldwork/web/static_files.py).
FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Same-origin requests keep their Referer, which Flask-WTF checks over HTTPS.
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _policy(app: Flask) -> str:
    """The policy, with the hash of the pages' one inline script: the static files' import map."""
    build = app.extensions.get("fieldwork_static")
    if build is None:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace("script-src 'self'", f"script-src 'self' {build.csp_source()}", 1)


#: The visit form takes the position and a photo; nothing else may ask for a device feature.
PERMISSIONS_POLICY = "geolocation=(self), camera=(self), microphone=(), payment=(), usb=()"


def register_headers(app: Flask) -> None:
    """Cookie flags for HTTPS, and the headers added to every response."""
    if app.config.get("FIELDWORK_HTTPS"):
        # The __Host- prefix pins the cookie to this host and path, and needs Secure.
        app.config.update(
            SESSION_COOKIE_SECURE=True,
            SESSION_COOKIE_NAME="__Host-session",
            REMEMBER_COOKIE_SECURE=True,
        )

    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", _policy(app))
        for name, value in FIXED_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.is_secure or app.config.get("FIELDWORK_HTTPS"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith("/api/") or request_ctx.flashes:
            # A page that showed a one-time message ("Visita guardada") must not be kept by the
            # service worker and shown again offline days later.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
