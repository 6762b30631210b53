"""Personal access tokens for the OData feed: made, listed and revoked by their owner, checked on each
request. The one way in for the account page, the API and the feed."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from fieldwork import audit
from fieldwork.clock import utcnow
from fieldwork.extensions import db
from fieldwork.models import ApiToken, User
from fieldwork.services import ServiceError

#: Who may hold a token: the feed shows the whole programme, which only the office sees.
TOKEN_ROLES = ("supervisor", "admin")
NAME_MAX = 80
#: A person needs a few (Excel on one computer, Power BI on another); a hundred is a leak, not a need.
ACTIVE_MAX = 20
#: The first characters of a token, stored in clear to find its row; the rest only ever as a hash.
LOOKUP_LENGTH = 12
#: Writing last_used_at on every page of a feed would turn each read into a write.
USE_RESOLUTION = timedelta(minutes=1)


def may_hold_tokens(user: User) -> bool:
    return user.role in TOKEN_ROLES


def _digest(token: str) -> str:
    # The secret is 240 random bits: a fast hash is as safe as a slow one and keeps each feed request cheap.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User, name: str | None, via: str = "web") -> tuple[ApiToken, str]:
    """A new token for `user` and its secret, which is returned this once and stored only hashed."""
    if not may_hold_tokens(user):
        raise ServiceError({"_schema": [_("Solo supervisores y administradores pueden crear tokens.")]}, status=403)
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise ServiceError({"name": [_("Escriba un nombre de 1 a %(max)d caracteres (por ejemplo «Excel oficina»).",
                                     max=NAME_MAX)]})
    active = db.session.scalar(select(func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    if active >= ACTIVE_MAX:
        raise ServiceError({"name": [_("Ya tiene %(max)d tokens activos: revoque uno que no use antes de crear otro.",
                                     max=ACTIVE_MAX)]})
    secret = secrets.token_urlsafe(30)  # 40 characters
    token = ApiToken(user_id=user.id, name=name, lookup=secret[:LOOKUP_LENGTH], token_hash=_digest(secret),
                     created_at=utcnow())
    db.session.add(token)
    db.session.flush()
    audit.record(user, "token.created", "api_token", token.id, via=via, name=name)
    return token, secret


def list_tokens(user: User, page: int = 1, per_page: int = 100) -> tuple[list[ApiToken], int]:
    """`user`'s tokens that still work, newest first (revoked ones are gone from the list)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return list(rows), total or 0


def revoke_token(user: User, token_id: int, via: str = "web") -> None:
    """Revoke one of `user`'s own tokens; another person's, or none, is 404 (ids must not leak)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise ServiceError({"_schema": [_("No encontramos ese token.")]}, status=404)
    token.revoked_at = utcnow()
    audit.record(user, "token.revoked", "api_token", token.id, via=via, name=token.name)


def authenticate(username: str | None, secret: str | None) -> User | None:
    """The active supervisor or admin whose unrevoked token this is, or None. Notes the use (once a
    minute at most) in the caller's transaction: the caller commits."""
    secret = secret or ""
    user = db.session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None or not user.active or not may_hold_tokens(user) or len(secret) < LOOKUP_LENGTH:
        return None
    digest = _digest(secret)
    candidates = db.session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.lookup == secret[:LOOKUP_LENGTH], ApiToken.revoked_at.is_(None)))
    token = next((t for t in candidates if hmac.compare_digest(t.token_hash, digest)), None)
    if token is None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION:
        token.last_used_at = now
    return user
