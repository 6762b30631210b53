"""Who reads the feed: HTTP Basic with a username and a personal access token (what Excel and Power BI
send), or, for a person looking from the browser, their session. Only supervisors and admins."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from fieldwork.auth import tokens
from fieldwork.extensions import db
from fieldwork.models import User
from fieldwork.odata.errors import ODataError

F = TypeVar("F", bound=Callable[..., Any])


def _unauthorized() -> ODataError:
    return ODataError(401, "Unauthorized", _("Use su usuario y un token personal (HTTP Basic); el token se crea "
                                             "en la página «Mi cuenta»."))


def _token_reader() -> User:
    credentials = request.authorization
    if credentials is None or credentials.type != "basic":
        raise _unauthorized()
    user = tokens.authenticate(credentials.username, credentials.password)
    if user is None:
        raise _unauthorized()
    try:
        db.session.commit()  # the token's last use, when authenticate noted it
    except OperationalError:
        db.session.rollback()  # a lock on the note must not refuse the read: the note waits a minute
    return user


def reader() -> User:
    """The feed's reader for this request (set by `feed_reader`)."""
    return g.odata_reader


def feed_reader(view: F) -> F:
    """Only a supervisor or admin, by token or session; 401 with a Basic challenge otherwise."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if "Authorization" in request.headers or not current_user.is_authenticated:
            g.odata_reader = _token_reader()
        elif not tokens.may_hold_tokens(current_user):
            raise ODataError(403, "Forbidden", _("El feed OData es para supervisores y administradores."))
        else:
            g.odata_reader = current_user._get_current_object()
        return view(*args, **kwargs)

    wrapped.allowed_roles = tokens.TOKEN_ROLES  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]
