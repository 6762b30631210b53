"""Uploading, publishing and reading form versions: the one way in for the pages, the API and the CLI."""
from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from typing import Any

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from fieldwork import audit
from fieldwork.clock import utcnow
from fieldwork.extensions import db
from fieldwork.forms.definition import build_definition, localized
from fieldwork.forms.refusals import FormRefused
from fieldwork.forms.xlsform import read_xlsform
from fieldwork.models import FormPublication, FormVersion, User
from fieldwork.services import ServiceError

MANAGERS = ("supervisor", "admin")


def upload_form(user: User, content: bytes, filename: str, via: str = "web",
                now: datetime | None = None) -> FormVersion:
    """Store a new, unpublished version read from an XLSForm; ServiceError under `file` if it is refused."""
    _require_manager(user)
    filename = PurePath((filename or "").replace("\\", "/")).name[:255]
    try:
        survey, rows = read_xlsform(content, filename)
        stored = build_definition(survey, rows, fallback_id=PurePath(filename).stem or "formulario")
    except FormRefused as refused:
        raise ServiceError({"file": refused.messages}) from None
    now = now or utcnow()
    stored["version"] = stored["version"] or now.strftime("%Y%m%d%H%M%S")
    _check_identity(stored)
    version = FormVersion(form_id=stored["form_id"], version=stored["version"], title=stored["title"][:200],
                          filename=filename, original_file=content, definition=stored,
                          uploaded_by_id=user.id, uploaded_at=now)
    db.session.add(version)
    db.session.flush()
    audit.record(user, "form.uploaded", "form_version", version.id, via=via,
                 form_id=version.form_id, version=version.version, filename=filename)
    return version


def publish_form(user: User, version: FormVersion, via: str = "web", now: datetime | None = None) -> FormVersion:
    """Make `version` the one phones fill from now on; visits on earlier versions stay valid."""
    _require_manager(user)
    now = now or utcnow()
    if version.published_at is None:
        version.published_at = now
    db.session.add(FormPublication(form_version_id=version.id, published_by_id=user.id, published_at=now))
    audit.record(user, "form.published", "form_version", version.id, via=via)
    db.session.flush()
    return version


def current_version() -> FormVersion | None:
    """The version of the latest publication, or None when nothing was ever published."""
    return db.session.scalar(
        select(FormVersion).join(FormPublication, FormPublication.form_version_id == FormVersion.id)
        .order_by(FormPublication.published_at.desc(), FormPublication.id.desc()).limit(1))


def published_version(version_id: Any) -> FormVersion | None:
    """A version visits may be filled in: any that was ever published (a draft keeps its version)."""
    if isinstance(version_id, bool) or not isinstance(version_id, int):
        return None
    version = db.session.get(FormVersion, version_id)
    return version if version is not None and version.published_at is not None else None


def version_or_404(version_id: int, viewer: User) -> FormVersion:
    """The version with who uploaded it, or 404: when there is none, or when it is a draft and `viewer`
    does not manage the form (officers and owners only ever need versions visits were filled in)."""
    version = db.session.get(FormVersion, version_id, options=[joinedload(FormVersion.uploaded_by)])
    if version is None or (version.published_at is None and viewer.role not in MANAGERS):
        abort(404)
    return version


def definition(version: FormVersion, locale: str, current_id: int | None = None) -> dict[str, Any]:
    """The contract's definition of `version` with its texts in `locale`."""
    if current_id is None:
        current = current_version()
        current_id = current.id if current else None
    return {
        "id": version.id,
        "form_id": version.form_id,
        "version": version.version,
        "title": version.title,
        "published": version.published_at is not None,
        "current": version.id == current_id,
        "questions": localized(version.definition, locale),
    }


def current_definition(locale: str) -> dict[str, Any] | None:
    """What the officer's page embeds: the current version's definition, or None."""
    version = current_version()
    return definition(version, locale, current_id=version.id) if version else None


def list_versions(page: int = 1, per_page: int = 100) -> tuple[list[FormVersion], int]:
    """Every version, newest upload first, with the total count."""
    total = db.session.scalar(select(func.count()).select_from(FormVersion)) or 0
    versions = db.session.scalars(
        select(FormVersion).options(joinedload(FormVersion.uploaded_by))
        .order_by(FormVersion.uploaded_at.desc(), FormVersion.id.desc())
        .offset((page - 1) * per_page).limit(per_page)).all()
    return list(versions), total


def _check_identity(stored: dict[str, Any]) -> None:
    errors = []
    if len(stored["form_id"]) > 100:
        errors.append(_("Hoja settings, fila 2: form_id admite hasta 100 caracteres."))
    if len(stored["version"]) > 100:
        errors.append(_("Hoja settings, fila 2: version admite hasta 100 caracteres."))
    taken = db.session.scalar(select(FormVersion.id).where(
        FormVersion.form_id == stored["form_id"], FormVersion.version == stored["version"]))
    if taken is not None:
        errors.append(_("Hoja settings, fila 2: ya se subió la versión «%(version)s» del formulario «%(form)s»; "
                        "cada versión se guarda tal cual, así que cambie version para subir otra.",
                        version=stored["version"], form=stored["form_id"]))
    if errors:
        raise ServiceError({"file": errors})


def _require_manager(user: User) -> None:
    if user.role not in MANAGERS:
        raise ServiceError({"file": [_("Solo supervisores y administradores gestionan el formulario.")]}, status=403)
