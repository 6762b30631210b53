"""Throttles (Flask-Limiter): guessing at the login and owners' confirmation links, and each officer's
sync and photo uploads.

Login failures are refused per (account, address) and per address, and only slowed down per
account: failing someone's login from elsewhere must not lock them out (an outside tester locked any
account with 10 wrong passwords a minute), yet guessing one account from many addresses gets slower
and slower. Owners' links count per link token and per address.
Sync and uploads count per officer: one phone gone wrong (or a script) cannot fill the database or
the disk, while an office's real day stays far below the limits (bench/README.md, "Throttles").
Over the limit the API answers 429 JSON and pages a Spanish 429 page (fieldwork/web/errors.py), with a
Retry-After header. Counters live in RATELIMIT_STORAGE_URI: memory by default (one process), Redis
with several workers or machines, so that the limits hold across all of them.
"""
from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, request
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_login import current_user

from fieldwork.extensions import limiter


def client_address() -> str:
    """The caller's address; behind FIELDWORK_PROXY_HOPS trusted proxies, the one they saw.

    Without this, every request behind nginx comes from 127.0.0.1 and one address limit would lock
    everybody out at once. Only the hops we trust are skipped: the rest of X-Forwarded-For is forged
    as easily as any header.
    """
    hops = int(current_app.config.get("FIELDWORK_PROXY_HOPS") or 0)
    if hops:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote_addr or "unknown"


def _attempted_username() -> str:
    data: Any = request.get_json(silent=True) if request.is_json else request.form
    name = data.get("username") if hasattr(data, "get") else None
    return "user:" + str(name or "").strip().lower()[:64]


def _link_token() -> str:
    token = str((request.view_args or {}).get("token", ""))
    return "link:" + hashlib.sha256(token.encode()).hexdigest()[:32]


def _failed(response: Response) -> bool:
    return bool(g.get("login_failed"))


def _not_a_link(response: Response) -> bool:
    # A forged, cut or expired token: counts as probing. The owner reading a good link does not.
    return response.status_code in (400, 404, 410)


def note_failed_attempt() -> None:
    """Count this request against the login throttles (only failures count)."""
    g.login_failed = True
    if limiter.enabled and _attempted_username() != "user:":  # the password page names no username
        limiter.storage.incr(_account_failures_key(), expiry=current_app.config["LOGIN_SLOWDOWN_WINDOW"])


def _account_failures_key() -> str:
    return "login-account-failures/" + _attempted_username()


#: How a slowed-down login waits (tests replace it to see the delay without waiting).
pause = time.sleep


def _slow_down_guessing() -> None:
    """Before a password is checked: wait longer the more this account failed lately, from anywhere
    (0.5 s, 1 s, 2 s … at most LOGIN_MAX_DELAY). The per-address limits bound how much waiting one
    client can cause."""
    if not limiter.enabled or request.method != "POST":
        return
    over = int(limiter.storage.get(_account_failures_key()) or 0) - current_app.config["LOGIN_SLOWDOWN_AFTER"]
    if over >= 0:
        pause(min(0.5 * 2**over, current_app.config["LOGIN_MAX_DELAY"]))


def _attempted_pair() -> str:
    return _attempted_username() + "|address:" + client_address()


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _login_address_limit() -> str:
    return current_app.config.get("RATELIMIT_LOGIN_ADDRESS") or current_app.config["RATELIMIT_LOGIN"]


def _link_limit() -> str:
    return current_app.config.get("RATELIMIT_LINK") or current_app.config["RATELIMIT_LOGIN"]


def login_throttle(view: Callable[..., Any]) -> Callable[..., Any]:
    """Failed logins: refused per (username, address) and per address, slowed down per username; one
    count for the login page and `POST /api/v1/session`."""

    @wraps(view)
    def slowed(*args: Any, **kwargs: Any) -> Any:
        _slow_down_guessing()
        return view(*args, **kwargs)

    limited = limiter.shared_limit(_login_address_limit, scope="login-address", key_func=client_address,
                                   deduct_when=_failed, methods=["POST"])(slowed)
    return limiter.shared_limit(_login_limit, scope="login-account-address", key_func=_attempted_pair,
                                deduct_when=_failed, methods=["POST"])(limited)


def password_check_throttle(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrong current passwords on the change-password page, per account (a stolen session must not
    become a way to guess the password). Under `roles_required`; failures call note_failed_attempt."""
    return limiter.limit(_login_limit, scope="password-check", key_func=_current_user_key, deduct_when=_failed,
                         methods=["POST"])(view)


def link_throttle(view: Callable[..., Any]) -> Callable[..., Any]:
    """Confirmation links: answers per link and per address, and token probing per address."""
    view = limiter.shared_limit(_link_limit, scope="link-address", key_func=client_address, methods=["POST"])(view)
    view = limiter.shared_limit(_link_limit, scope="link-token", key_func=_link_token, methods=["POST"])(view)
    view = limiter.shared_limit(_link_limit, scope="link-probe", key_func=client_address, methods=["GET"],
                                deduct_when=_not_a_link)(view)
    return view


def _officer() -> str:
    return f"officer:{current_user.id}"


def _current_user_key() -> str:
    return f"user:{current_user.id}"


def _batch_size() -> int:
    """A sync costs one per visit it carries: the limit bounds visits stored, not only requests."""
    data = request.get_json(silent=True)
    visits = data.get("visits") if isinstance(data, dict) else None
    return max(1, len(visits)) if isinstance(visits, list) else 1


def _officer_limit(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def sync_throttle(view: Callable[..., Any]) -> Callable[..., Any]:
    """Sync batches per officer, and the visits they carry. Put it under `roles_required`: the
    officer is known, and a request without a session answers 401 without counting."""
    view = limiter.limit(_officer_limit("RATELIMIT_SYNC"), scope="sync-requests", key_func=_officer,
                         error_message=_sync_refused)(view)
    view = limiter.limit(_officer_limit("RATELIMIT_SYNC_VISITS"), scope="sync-visits", key_func=_officer,
                         cost=_batch_size, error_message=_sync_refused)(view)
    return view


def _sync_refused() -> str:
    return _("Demasiados envíos seguidos. Nada de este lote se guardó: sus visitas siguen en el teléfono "
             "y se enviarán solas cuando pase la espera.")


def _photos_refused() -> str:
    return _("Demasiadas fotos seguidas. La foto sigue en el teléfono y se enviará sola cuando pase la espera.")


def photo_throttle(view: Callable[..., Any]) -> Callable[..., Any]:
    """Photo uploads per officer (under `roles_required`, as `sync_throttle`)."""
    return limiter.limit(_officer_limit("RATELIMIT_PHOTOS"), scope="photo-uploads", key_func=_officer,
                         error_message=_photos_refused)(view)


def register_honest_retry_after(app: Flask) -> None:
    """Call before `limiter.init_app`: Flask runs after-request functions last-registered first, so
    this one runs after Flask-Limiter has written its headers. Flask-Limiter truncates Retry-After
    (`int(reset - now)`), so a phone that waited exactly that long came back up to a second early
    and was refused again; the wait is rounded up instead."""

    @app.after_request
    def round_retry_after_up(response: Response) -> Response:
        limit = limiter.current_limit if response.status_code == 429 and limiter.enabled else None
        if limit is not None and "Retry-After" in response.headers:
            response.headers["Retry-After"] = str(max(1, math.ceil(limit.window[0] - time.time())))
        return response
