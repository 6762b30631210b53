"""Signed confirmation links for owners without an account.

Below the visits and owners packages: the officer's and the supervisor's pages make the link to share
(in the view, never in a template), the owners' link page reads it.

A link carries one visit id, signed with the app's SECRET_KEY under a salt used for nothing else
(a session cookie or CSRF token can never pass for a link, nor the reverse), and the time it was
made; it is refused after CONFIRMATION_LINK_MAX_AGE seconds (30 days). The clock is a parameter so
that tests can make a link in the past instead of waiting.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from fieldwork.clock import programme_zone, utcnow
from fieldwork.models import Visit
from fieldwork.web.urls import absolute_url

SALT = "fieldwork.owner-confirmation-link.v1"


class LinkInvalid(Exception):
    """The link was altered, cut short, or signed with another key or for another purpose."""


class LinkExpired(Exception):
    """The link was genuine but is older than the allowed age."""


class _ClockSigner(TimestampSigner):
    """A TimestampSigner that reads the time from an injectable clock instead of time.time()."""

    def __init__(self, *args: Any, clock: Callable[[], datetime] = utcnow, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock().timestamp())


def _serializer(now: datetime | None) -> URLSafeTimedSerializer:
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT, signer=_ClockSigner,
                                  signer_kwargs={"clock": clock})


def max_age() -> int:
    return int(current_app.config["CONFIRMATION_LINK_MAX_AGE"])


def make_token(visit: Visit, now: datetime | None = None) -> str:
    """The signed token for `visit`, made at `now` (default: the present)."""
    return _serializer(now).dumps({"v": visit.id})


def read_token(token: str, now: datetime | None = None) -> str:
    """The visit id a token stands for; raises LinkExpired or LinkInvalid."""
    try:
        payload = _serializer(now).loads(token, max_age=max_age())
    except SignatureExpired as error:
        raise LinkExpired from error
    except BadSignature as error:
        raise LinkInvalid from error
    if not isinstance(payload, dict) or not isinstance(payload.get("v"), str):
        raise LinkInvalid
    return payload["v"]


def issue(visit: Visit, now: datetime | None = None) -> dict[str, Any]:
    """The absolute URL to share, when it expires, and a ready-made message for WhatsApp."""
    moment = now or utcnow()
    url = absolute_url("owners.link_page", token=make_token(visit, moment))
    day = format_date(visit.visited_at.astimezone(programme_zone()).date(), "long")
    text = _(
        "Hola. Por favor confirme la visita de %(officer)s a %(mipyme)s el %(day)s.",
        officer=visit.officer.name, mipyme=visit.mipyme.name, day=day,
    )
    # The owner needs the code for the answer to count (fieldwork/owners/owner_code.py): say so before they open it.
    if visit.mipyme.has_owner_code:
        text += " " + _("Tenga a mano su código del propietario: los 6 números que le entregó el programa por "
                        "carta o por teléfono. Enlace:")
    else:
        text += " " + _("Para que su respuesta cuente necesitará su código del propietario; si aún no lo tiene, "
                        "pídalo a la oficina del programa. Enlace:")
    return {"url": url, "expires_at": moment + timedelta(seconds=max_age()), "text": text}


def share_links(visits: list[Visit]) -> dict[str, dict[str, Any]]:
    """The link to share for each visit a page shows (its template shows the button only while the owner
    can still answer through it: fieldwork/owners/confirmation.py)."""
    return {visit.id: issue(visit) for visit in visits}
