"""Throttles (Flask-Limiter): guessing at the login and owners' confirmation links, and each officer's
sync and photo uploads.

Login failures are refused per (account, address) and per address, and only slowed down per
account: failing someone's login from elsewhere must not lock them out (an outside tester locked any
account with 10 wrong passwords a minute), yet guessing one account from many addresses gets slower
and slower. Slowing down is refusing (429 with Retry-After), never sleeping in the worker. Each login
attempt is counted atomically before its password is checked and given back if it succeeds, so that
concurrent guesses never get past a limit. Owners' links count per link token and per address.
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
from typing import Any, NoReturn

from flask import Flask, current_app, g, request
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_login import current_user
from limits import parse_many
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

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


def _not_a_link(response: Response) -> bool:
    # A forged, cut or expired token: counts as probing. The owner reading a good link does not.
    return response.status_code in (400, 404, 410)


class Refused(TooManyRequests):
    """A throttle's refusal in its own words; its Retry-After is written by `register_honest_retry_after`."""

    fieldwork_message = True  # fieldwork/web/errors.py shows this description, not the generic 429 text


def _too_many(seconds: int) -> str:
    return _("Demasiados intentos. Espere %(seconds)d segundos e intente de nuevo.", seconds=seconds)


def refuse(wait: float, message: Callable[[int], str] = _too_many) -> NoReturn:
    """Answer 429 with `Retry-After: wait` (rounded up): refusing costs the worker nothing, sleeping would
    hold it (eight wrong passwords held all four gunicorn workers for 8 s)."""
    g.retry_after = max(1, math.ceil(wait))
    raise Refused(message(g.retry_after))


#: Counted with one atomic increment that returns the new count (Redis INCRBY, or a lock in memory),
#: whatever RATELIMIT_STRATEGY says: an attempt is counted before the password is checked, so that
#: concurrent attempts can never all pass a check made before any of them was counted.
def _windows() -> FixedWindowRateLimiter:
    return FixedWindowRateLimiter(limiter.storage)


Taken = list[tuple[str, int, int]]  # (storage key, expiry, amount) of each count this request took


def _take(limit: str, scope: str, identity: str, taken: Taken, *, cost: int = 1,
          message: Callable[[int], str] = _too_many) -> None:
    for item in parse_many(limit):
        taken.append((item.key_for(scope, identity), item.get_expiry(), cost))
        if not _windows().hit(item, scope, identity, cost=cost):
            give_back(taken)
            refuse(_windows().get_window_stats(item, scope, identity).reset_time - time.time(), message)


def give_back(taken: Taken) -> None:
    """Uncount what this request took (a login that succeeded, a refused photo that was never decoded)."""
    for key, expiry, amount in taken:
        limiter.storage.incr(key, expiry, amount=-amount)


def _slow_down_guessing(taken: Taken) -> None:
    """Failures of one account from anywhere: past LOGIN_SLOWDOWN_AFTER, at most one try every 1 s, 2 s,
    4 s … (LOGIN_MAX_DELAY at most); the others are refused with Retry-After. Only slowed, never
    locked: whoever fails someone's login from elsewhere cannot keep them out for longer than that."""
    username = _attempted_username()
    if username == "user:":
        return
    config, storage = current_app.config, limiter.storage
    window = int(config["LOGIN_SLOWDOWN_WINDOW"])
    key = "login-account-failures/" + username
    taken.append((key, window, 1))
    over = storage.incr(key, window) - 1 - int(config["LOGIN_SLOWDOWN_AFTER"])
    if over >= 0:
        gate = "login-account-gate/" + username
        if storage.incr(gate, int(min(2**over, config["LOGIN_MAX_DELAY"]))) > 1:
            give_back(taken)
            refuse(storage.get_expiry(gate) - time.time(), _account_slowed)


def _account_slowed(seconds: int) -> str:
    return _("Hubo muchos intentos fallidos con esta cuenta. Espere %(seconds)d segundos e intente de nuevo.",
             seconds=seconds)


def note_failed_attempt() -> None:
    """This request's attempt failed: its counts stay (all other attempts are given back)."""
    g.login_failed = True


def _counting_failures(view: Callable[..., Any], count: Callable[[Taken], None]) -> Callable[..., Any]:
    """Count every POST before the view runs (refusing past a limit), and give the count back unless
    the view called note_failed_attempt."""

    @wraps(view)
    def counted(*args: Any, **kwargs: Any) -> Any:
        if not limiter.enabled or request.method != "POST":
            return view(*args, **kwargs)
        taken: Taken = []
        count(taken)
        try:
            return view(*args, **kwargs)
        finally:
            if not g.get("login_failed"):
                give_back(taken)

    return counted


def _attempted_pair() -> str:
    return _attempted_username() + "|address:" + client_address()


def _link_limit() -> str:
    return current_app.config.get("RATELIMIT_LINK") or current_app.config["RATELIMIT_LOGIN"]


def login_throttle(view: Callable[..., Any]) -> Callable[..., Any]:
    """Failed logins: refused per (username, address) and per address, slowed down per username; one
    count for the login page and `POST /api/v1/session`."""

    def count(taken: Taken) -> None:
        config = current_app.config
        _take(config["RATELIMIT_LOGIN"], "login-account-address", _attempted_pair(), taken)
        _take(config.get("RATELIMIT_LOGIN_ADDRESS") or config["RATELIMIT_LOGIN"], "login-address",
              client_address(), taken)
        _slow_down_guessing(taken)

    return _counting_failures(view, count)


def password_check_throttle(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrong current passwords on the change-password page, per account (a stolen session must not
    become a way to guess the password). Under `roles_required`; failures call note_failed_attempt."""
    return _counting_failures(view, lambda taken: _take(current_app.config["RATELIMIT_LOGIN"], "password-check",
                                                        _current_user_key(), taken))


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


def spend_photo_work(pixels: int) -> None:
    """Count the pixels a photo is about to decode against its officer's budget (RATELIMIT_PHOTO_MEGAPIXELS),
    refusing past it with 429 and Retry-After before anything is decoded: what one officer's photos cost
    the server is bounded by work, not only by their number."""
    if limiter.enabled:
        _take(current_app.config["RATELIMIT_PHOTO_MEGAPIXELS"], "photo-megapixels", _officer(), [],
              cost=max(1, math.ceil(pixels / 1_000_000)), message=_photo_work_refused)


def _photo_work_refused(seconds: int) -> str:
    return _("El servidor ya procesó muchas fotos suyas en poco tiempo. La foto sigue en el teléfono y se "
             "enviará sola en %(seconds)d segundos.", seconds=seconds)


def register_honest_retry_after(app: Flask) -> None:
    """Call before `limiter.init_app`: Flask runs after-request functions last-registered first, so
    this one runs after Flask-Limiter has written its headers. Flask-Limiter truncates Retry-After
    (`int(reset - now)`), so a phone that waited exactly that long came back up to a second early
    and was refused again; the wait is rounded up instead."""

    @app.after_request
    def round_retry_after_up(response: Response) -> Response:
        if response.status_code != 429 or not limiter.enabled:
            return response
        limit = limiter.current_limit
        if g.get("retry_after"):  # refused by this module's own counts (`refuse`)
            response.headers["Retry-After"] = str(g.retry_after)
        elif limit is not None and "Retry-After" in response.headers:
            response.headers["Retry-After"] = str(max(1, math.ceil(limit.window[0] - time.time())))
        return response
