"""Which confirmations count as the owner's, and which browser or phone spoke.

Independence is what the officer cannot produce from their own phone: a decision made from the
owner's account, or through the link with the owner code (fieldwork/owners/owner_code.py), which a
supervisor hands to the owner and the officer never sees. A link answered without the code proves
only that someone opened the link: it is recorded, shown as unverified, and never counted.

The device hash is an extra signal, not the rule: a keyed hash of the client's address and user
agent, kept for the phone that synced a visit and for the browser that answered its link, so the
supervisor sees when the "owner" answered from the officer's own device. Changing the User-Agent or
the network defeats it, which is why it decides nothing. The hash is an HMAC with the app's secret:
the stored value reveals neither the address nor the browser, and cannot be recomputed without the
key. The views compute it (they hold the request); the services only store it.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from sqlalchemy import ColumnElement, and_

from fieldwork.models import Visit

SALT = b"fieldwork.device.v1|"
#: How a decision arrived when someone holding the owner's account or owner code made it.
VERIFIED_VIA = ("account", "link_code")
#: Decisions that came through a shared link, with or without the code: the link's browser is kept.
LINK_VIA = ("link", "link_code")


def current_device() -> str:
    """The keyed hash of this request's client address and user agent (64 hex characters)."""
    key = SALT + str(current_app.config["SECRET_KEY"]).encode("utf-8")
    seen = f"{request.remote_addr or ''}\n{request.user_agent.string or ''}".encode()
    return hmac.new(key, seen, hashlib.sha256).hexdigest()


def independent_confirmation() -> ColumnElement[bool]:
    """THE rule of the confirmation rate (SQL): confirmed from the owner's account or with the owner
    code. NULL `confirmed_via` (rows written by hand) is not independent: nothing shows who spoke."""
    return and_(Visit.owner_confirmation == "confirmed", Visit.confirmed_via.in_(VERIFIED_VIA))


def same_device_confirmation() -> ColumnElement[bool]:
    """A confirmation the supervisor is warned about (SQL): through the link, from the device that
    synced the visit, so the officer may have answered for the owner (or typed the owner's code)."""
    return and_(Visit.owner_confirmation == "confirmed", Visit.confirmed_via.in_(LINK_VIA),
                Visit.link_device.is_not(None), Visit.link_device == Visit.sync_device)


def is_verified_answer(visit: Visit) -> bool:
    """On a loaded visit: did someone holding the owner's account or code give its answer?"""
    return visit.owner_confirmation != "pending" and visit.confirmed_via in VERIFIED_VIA


def answered_from_sync_device(visit: Visit) -> bool:
    """The link part of `same_device_confirmation`, on a loaded visit (the page warns on a dispute too)."""
    return (visit.confirmed_via in LINK_VIA and visit.link_device is not None
            and visit.link_device == visit.sync_device)
