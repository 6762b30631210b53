"""Flask-Login wiring: who is the current user, and what happens when nobody is."""
from __future__ import annotations

from typing import Any

from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from fieldwork.extensions import db, login_manager
from fieldwork.models import User
from fieldwork.web.errors import error_response
from fieldwork.web.security import is_api_request


def configure_login(app: Flask) -> None:
    login_manager.init_app(app)
    # "strong" would log an officer out whenever the phone hops from Wi-Fi to mobile data.
    login_manager.session_protection = "basic"
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Inicie sesión para continuar.")
    login_manager.login_message_category = "info"

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
