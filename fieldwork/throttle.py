"""Throttles for guessing attacks: login (page and API) and owners' confirmation links."""
from __future__ import annotations

from typing import Any, Callable

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from fieldwork.extensions import limiter


def _attempted_username() -> str:
    data: Any = request.get_json(silent=True) if request.is_json else request.form
    name = data.get("username") if isinstance(data, dict) or hasattr(data, "get") else None
    return "user:" + str(name or "").strip().lower()[:64]


def _failed() -> bool:
    return bool(g.get("login_failed"))


def note_failed_attempt() -> None:
    """Count this request against the login throttles (only failures count)."""
    g.login_failed = True


def _limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def login_throttle(view: Callable[..., Any]) -> Callable[..., Any]:
    """Per address and per username, shared by the login page and `POST /api/v1/session`."""
    view = limiter.shared_limit(_limit, scope="login-address", key_func=get_remote_address,
                                deduct_when=lambda response: _failed(), methods=["POST"])(view)
    view = limiter.shared_limit(_limit, scope="login-username", key_func=_attempted_username,
                                deduct_when=lambda response: _failed(), methods=["POST"])(view)
    return view


def link_throttle(view: Callable[..., Any]) -> Callable[..., Any]:
    """Confirmation links: per address, like the login."""
    return limiter.shared_limit(_limit, scope="confirmation-link", key_func=get_remote_address,
                                methods=["POST"])(view)
