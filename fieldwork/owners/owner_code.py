"""The owner code: a secret only the business's owner holds, so that an answer through a shared link
can prove it came from them (fieldwork/web/device.py counts only such answers, and the account's).

A supervisor or admin generates it on the Mipyme's page and hands it to the owner directly (a printed
letter, or a call to the owner's registered number), never through the officer, who shares the link
and must not be able to answer for the owner. Six digits: read out over the phone and typed on a
numeric keypad without ambiguity. Only a werkzeug password hash is stored; the code is shown once, and
a new one replaces it (the old one stops working).

Guessing is bounded by counting every try, before the hash is checked (so concurrent tries cannot
overshoot), per visit (every link of it) and per Mipyme (every visit's link): OWNER_CODE_TRIES,
default 5 an hour and 20 a day. A million codes at 20 a day take on average 68 years to hit.
"""
from __future__ import annotations

import math
import re
import secrets
import time
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from limits import parse_many

from fieldwork import audit
from fieldwork.clock import utcnow
from fieldwork.extensions import limiter
from fieldwork.models import Mipyme, User, Visit
from fieldwork.services import ServiceError
from fieldwork.web.security import hash_password, verify_password

DIGITS = 6
DEFAULT_TRIES = "5 per hour;20 per day"
#: What an owner may type around the digits: spaces, dashes, dots ("123 456", "123-456").
_SEPARATORS = re.compile(r"[\s.\-]")
#: Longest input read at all: anything longer is refused before any work.
MAX_INPUT = 32


def generate(mipyme: Mipyme, actor: User, now: datetime | None = None) -> str:
    """A new code for `mipyme`, replacing any previous one; returns it (to show once). The caller commits."""
    code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    replaced = mipyme.has_owner_code
    mipyme.owner_code_hash = hash_password(code)
    mipyme.owner_code_set_at = now or utcnow()
    audit.record(actor, "mipyme.owner_code", "mipyme", mipyme.id, replaced=replaced)  # never the code
    return code


def _refused(message: str, status: int = 400) -> ServiceError:
    return ServiceError({"owner_code": [message]}, status)


def _normalised(raw: str) -> str:
    digits = _SEPARATORS.sub("", raw[:MAX_INPUT + 1])
    if len(raw) > MAX_INPUT or len(digits) != DIGITS or not digits.isascii() or not digits.isdigit():
        raise _refused(_("El código del propietario tiene %(n)d números. Revíselo en la carta o en lo que le "
                         "dijeron por teléfono y escríbalo de nuevo.", n=DIGITS))
    return digits


def _spend_try(visit: Visit) -> None:
    """Count one try against the visit and its Mipyme; over the limit: 429, nothing checked."""
    if not limiter.enabled:
        return
    items = parse_many(current_app.config.get("OWNER_CODE_TRIES") or DEFAULT_TRIES)
    keys = (f"visit:{visit.id}", f"mipyme:{visit.mipyme_id}")
    refused = [(item, key) for key in keys for item in items
               if not limiter.limiter.hit(item, "owner-code", key)]
    if refused:
        reset = max(limiter.limiter.get_window_stats(item, "owner-code", key).reset_time for item, key in refused)
        minutes = max(1, math.ceil((reset - time.time()) / 60))
        raise _refused(_("Demasiados intentos con el código del propietario. Por seguridad, espere %(minutes)d "
                         "minutos e intente de nuevo; si perdió el código, pida uno nuevo al programa. "
                         "Nada se registró.", minutes=minutes), 429)


def proves_owner(visit: Visit, raw: str | None) -> bool:
    """Did the link's answer come with the right owner code? False when none was typed; a wrong, badly
    written or too-often-tried code raises ServiceError (on `owner_code`), and nothing may change."""
    if not (raw or "").strip():
        return False
    code = _normalised(raw.strip())
    if not visit.mipyme.has_owner_code:
        raise _refused(_("Este negocio todavía no tiene código del propietario. Deje el campo vacío para "
                         "responder, o pida su código al programa."))
    _spend_try(visit)
    if not verify_password(visit.mipyme.owner_code_hash, code):
        raise _refused(_("El código no coincide con el de este negocio. Revíselo en la carta o en lo que le "
                         "dijeron por teléfono e intente de nuevo. Nada se registró."))
    return True
