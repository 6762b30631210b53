"""Passwords, and the role check that every route declares."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import current_app, request
from flask_login import current_user
from werkzeug.security import check_password_hash, generate_password_hash

F = TypeVar("F", bound=Callable[..., Any])

#: Marks a view that anyone may call (login page, manifest, health); tests check every route has a mark.
PUBLIC = ("public",)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def roles_required(*roles: str) -> Callable[[F], F]:
    """Only a logged-in user with one of `roles` may call the view.

    No session: the login manager answers (401 JSON for the API, redirect to /login for pages).
    Wrong role: 403. The roles are kept on the view so that tests can list every route's rule.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            from fieldwork.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                from flask import abort

                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = tuple(roles)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """Declare a view open to everyone, on purpose."""
    view.allowed_roles = PUBLIC  # type: ignore[attr-defined]
    return view


def is_safe_next(target: str | None) -> bool:
    """Only local paths may follow a login (no `//evil.example`, no scheme, no backslash tricks)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return False  # CR/LF would split the Location header (werkzeug refuses it: a 500)
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
