"""Flask-Login wiring: who is the current user, and what happens when nobody is."""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from fieldwork.extensions import db, login_manager
from fieldwork.models import User
from fieldwork.web.errors import error_response
from fieldwork.web.security import PUBLIC, is_api_request

#: What a session whose password must change still reaches: the password page, the session, leaving.
STILL_OPEN = frozenset({"auth.change_password", "auth.logout", "api.create_session", "api.read_session",
                        "api.delete_session", "static"})


def password_first() -> Any:
    """An account whose password an admin chose reaches nothing but the password page until it has its own:
    pages go there, the API answers 403 saying why."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or request.endpoint in STILL_OPEN or getattr(view, "allowed_roles", None) == PUBLIC:
        return None
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if is_api_request():
        message = _("Debe cambiar la contraseña que le asignaron antes de continuar: hágalo en la página "
                    "«Cambiar contraseña» (/account/password).")
        return error_response(403, message, {"_schema": [message]})
    return redirect(url_for("auth.change_password"))


def configure_login(app: Flask) -> None:
    login_manager.init_app(app)
    # "strong" would log an officer out whenever the phone hops from Wi-Fi to mobile data.
    login_manager.session_protection = "basic"
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Inicie sesión para continuar.")
    login_manager.login_message_category = "info"
    app.before_request(password_first)

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _dot, generation = str(session_id).partition(".")
        try:
            user = db.session.get(User, int(user_id))
            generation_number = int(generation)
        except (TypeError, ValueError, OverflowError):
            return None
        if user is None or not user.active:  # a deactivated account loses its sessions at once
            return None
        # A session issued before the last logout or password change is dead, even if its cookie was copied.
        return user if generation_number == user.session_generation else None

    @login_manager.unauthorized_handler
    def unauthorized() -> Any:
        if is_api_request():
            return error_response(401, str(_l("Debe iniciar sesión.")))
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
