"""Creating accounts, checking passwords, logging in: shared by pages, API and CLI."""
from __future__ import annotations

from flask import current_app, g, session
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from fieldwork import audit
from fieldwork.auth.forms import PASSWORD_MAX
from fieldwork.extensions import db
from fieldwork.models import ROLES, Mipyme, User
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.web.security import hash_password, verify_password

# Verifying against a real hash when the username is unknown keeps the answer time the same.
_DUMMY_HASH: dict[str, str] = {}


def password_problems(password: str | None) -> list[str]:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if not password or len(password) < minimum:
        return [_("La contraseña debe tener al menos %(n)d caracteres.", n=minimum)]
    if len(password) > PASSWORD_MAX:
        return [_("La contraseña admite hasta %(max)d caracteres.", max=PASSWORD_MAX)]
    return []


def create_user(
    username: str,
    password: str,
    role: str,
    *,
    name: str = "",
    mipyme_id: int | None = None,
    actor: User | None = None,
    via: str = "web",
) -> User:
    """Create an account, or raise ServiceError with per-field Spanish messages."""
    username = (username or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-" for c in username):
        errors["username"] = [_("Use de 1 a 64 letras, números, punto, guion o guion bajo.")]
    elif db.session.scalar(select(func.count()).select_from(User).where(User.username == username)):
        errors["username"] = [_("Ese nombre de usuario ya existe.")]
    if role not in ROLES:
        errors["role"] = [_("Rol desconocido. Use uno de: %(roles)s.", roles=", ".join(ROLES))]
    if role == "owner":
        if mipyme_id is None:
            errors["mipyme_id"] = [_("Una cuenta de propietario necesita su Mipyme.")]
        elif db.session.get(Mipyme, mipyme_id) is None:
            errors["mipyme_id"] = [_("No existe una Mipyme con ese número.")]
    elif mipyme_id is not None:
        errors["mipyme_id"] = [_("Solo las cuentas de propietario se vinculan a una Mipyme.")]
    if problems := password_problems(password):
        errors["password"] = problems
    if errors:
        raise ServiceError(errors)
    user = User(
        username=username,
        name=(name or "").strip() or username,
        role=role,
        mipyme_id=mipyme_id,
        password_hash=hash_password(password),
        active=True,
        # Whoever created it knows the password: the user chooses their own at first login.
        must_change_password=actor is not None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.created", "user", user.id, via=via, role=role, username=username)
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = db.session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None:
        if "hash" not in _DUMMY_HASH:
            _DUMMY_HASH["hash"] = hash_password("not-a-real-password")
        verify_password(_DUMMY_HASH["hash"], password or "")
        return None
    if not verify_password(user.password_hash, password or "") or not user.active:
        return None
    return user


def log_in(user: User, via: str) -> None:
    """Start a fresh session for `user` (nothing from before the login survives)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    # Put a CSRF token in the new session now: otherwise the first page and the service worker's warm-up
    # requests each make their own, the last cookie wins, and a form can hold a token the session lost.
    g.pop("csrf_token", None)
    generate_csrf()
    session.permanent = True
    commit_with_retry(lambda: audit.record(user, "user.login", "user", user.id, via=via), "login")


def log_out(user: User | None, via: str) -> None:
    """End the session; every other session of this user ends too (a copied cookie must not outlive logout)."""
    if user is not None and user.is_authenticated:
        def end_sessions() -> None:
            user.end_all_sessions()
            audit.record(user, "user.logout", "user", user.id, via=via)

        commit_with_retry(end_sessions, "logout")
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang


def set_password(user: User, password: str, actor: User | None, via: str = "web") -> None:
    if problems := password_problems(password):
        raise ServiceError({"password": problems})
    user.password_hash = hash_password(password)
    # Reset by an admin: the admin knows it, so the user chooses their own at next login.
    user.must_change_password = actor is not None and actor.id != user.id
    # Whoever knew the old password may hold a session: end them all (the caller renews its own, if any).
    user.end_all_sessions()
    audit.record(actor, "user.password_changed", "user", user.id, via=via)


def set_active(user: User, active: bool, actor: User | None, via: str = "web") -> None:
    if actor is not None and actor.id == user.id and not active:
        raise ServiceError({"active": [_("No puede desactivar su propia cuenta.")]})
    user.active = active
    audit.record(actor, "user.activated" if active else "user.deactivated", "user", user.id, via=via)
