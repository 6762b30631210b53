from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldwork.core import bp
from fieldwork.core.shell import worker_source
from fieldwork.web.security import is_safe_next, public

HOMES = {
    "officer": "visits.home",
    "supervisor": "supervision.dashboard",
    "admin": "registry.users",
    "owner": "owners.home",
}


@bp.route("/")
@public
def home() -> Any:
    """Send each role to its own home, and a visitor to the login."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(HOMES[current_user.role]))


@bp.post("/lang")
@public
def set_language() -> Any:
    """Switch between Spanish and English for this browser."""
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("core.home"))


@bp.get("/offline")
@public
def offline() -> Any:
    """What the service worker shows for a page it has never cached."""
    return render_template("offline.html")


@bp.get("/manifest.webmanifest")
@public
def manifest() -> Any:
    """The web app manifest that makes Fieldwork installable."""
    body = {
        "name": "Fieldwork — Seguimiento a Mipymes",
        "short_name": "Fieldwork",
        "description": _("Visitas de campo a Mipymes, con o sin conexión."),
        "lang": "es-CO",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5d3b",
        "icons": [
            {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": url_for("static", filename="icons/icon-maskable-512.png"), "sizes": "512x512",
             "type": "image/png", "purpose": "maskable"},
        ],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/service-worker.js")
@public
def service_worker() -> Any:
    """The worker, with its version (a hash of the shell) and precache list filled in; scope `/`."""
    response = current_app.response_class(worker_source(), mimetype="text/javascript")
    # Browsers check the worker on every navigation; no-cache lets them revalidate cheaply.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/healthz")
@public
def health() -> Any:
    """For load balancers: the app answers and reaches its database."""
    from sqlalchemy import text

    from fieldwork.extensions import db

    db.session.execute(text("SELECT 1"))
    return jsonify({"status": "ok"})


