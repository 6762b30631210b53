"""Which browser or phone spoke: a keyed hash of the client's address and user agent.

Kept for the phone that synced a visit and for the browser that answered its confirmation link, so
the supervisor sees when the "owner" answered from the officer's own device. The hash is an HMAC with
the app's secret: the stored value reveals neither the address nor the browser, and cannot be
recomputed without the key. The views compute it (they hold the request); the services only store it.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from sqlalchemy import ColumnElement, and_, or_

from fieldwork.models import Visit

SALT = b"fieldwork.device.v1|"


def current_device() -> str:
    """The keyed hash of this request's client address and user agent (64 hex characters)."""
    key = SALT + str(current_app.config["SECRET_KEY"]).encode("utf-8")
    seen = f"{request.remote_addr or ''}\n{request.user_agent.string or ''}".encode()
    return hmac.new(key, seen, hashlib.sha256).hexdigest()


def same_device_confirmation() -> ColumnElement[bool]:
    """A confirmation the supervisor is warned about (SQL): through the link, from the device that
    synced the visit, so the officer may have answered for the owner."""
    return and_(Visit.owner_confirmation == "confirmed", Visit.confirmed_via == "link",
                Visit.link_device.is_not(None), Visit.link_device == Visit.sync_device)


def independent_confirmation() -> ColumnElement[bool]:
    """THE rule of the confirmation rate (SQL): a confirmation that is not `same_device_confirmation`,
    written NULL-safe (a missing hash never makes an answer dependent)."""
    return and_(Visit.owner_confirmation == "confirmed",
                or_(Visit.confirmed_via.is_(None), Visit.confirmed_via != "link", Visit.link_device.is_(None),
                    Visit.sync_device.is_(None), Visit.link_device != Visit.sync_device))


def answered_from_sync_device(visit: Visit) -> bool:
    """The link part of `same_device_confirmation`, on a loaded visit (the page warns on a dispute too)."""
    return visit.confirmed_via == "link" and visit.link_device is not None and visit.link_device == visit.sync_device
