"""Uploading, publishing and reading form versions: the one way in for the pages, the API and the CLI."""
from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from fieldwork import audit
from fieldwork.clock import utcnow
from fieldwork.database import lock_for_writing
from fieldwork.extensions import db
from fieldwork.forms.definition import build_definition, localized, replaced_figures
from fieldwork.forms.downloads import safe_filename
from fieldwork.forms.media import MAX_FILE_BYTES
from fieldwork.forms.refusals import FormRefused
from fieldwork.forms.xlsform import read_xlsform
from fieldwork.models import FormPublication, FormVersion, User, Visit
from fieldwork.services import ServiceError

MANAGERS = ("supervisor", "admin")


def upload_form(user: User, content: bytes, filename: str, via: str = "web", *, now: datetime | None = None,
                media: list[tuple[str, bytes]] | None = None) -> FormVersion:
    """Store a new, unpublished version read from an XLSForm and the CSV files uploaded with it (`media`, as
    (file name, bytes)); ServiceError under `file` if it is refused."""
    _require_manager(user)
    filename = safe_filename(filename)
    try:
        survey, rows = read_xlsform(content, filename, media)
        stored = build_definition(survey, rows, fallback_id=PurePath(filename).stem or "formulario")
    except FormRefused as refused:
        raise ServiceError({"file": refused.messages}) from None
    now = now or utcnow()
    automatic = not stored["version"]
    lock_for_writing()  # only now, after the file was read: no upload waits on another's parsing
    _check_identity(stored, automatic)
    version = _insert(stored, automatic, now, filename=filename, original_file=content, uploaded_by_id=user.id)
    audit.record(user, "form.uploaded", "form_version", version.id, via=via,
                 form_id=version.form_id, version=version.version, filename=filename,
                 media=sorted(stored.get("tables", {})))
    return version


def read_parts(parts: list[Any]) -> list[tuple[str, bytes]]:
    """The media files of a request as (file name, bytes), each read at most one byte past its limit: a larger
    file is refused by its size without being held whole."""
    return [(part.filename or "", part.read(MAX_FILE_BYTES + 1)) for part in parts if part.filename]


def publish_form(user: User, version: FormVersion, via: str = "web", now: datetime | None = None) -> FormVersion:
    """Make `version` the one phones fill from now on; visits on earlier versions stay valid."""
    _require_manager(user)
    now = now or utcnow()
    lock_for_writing()
    try:
        with db.session.begin_nested():  # another manager may have deleted it since it was read
            if version.published_at is None:
                version.published_at = now
            db.session.add(FormPublication(form_version_id=version.id, published_by_id=user.id, published_at=now))
    except (IntegrityError, StaleDataError, ObjectDeletedError):
        raise ServiceError({"version": [_("Esta versión se borró mientras tanto; suba el archivo de nuevo.")]},
                           status=409) from None
    audit.record(user, "form.published", "form_version", version.id, via=via)
    db.session.flush()
    return version


def delete_form(user: User, version: FormVersion, via: str = "web") -> None:
    """Delete a version nobody can be using; ServiceError (409) under `version` saying why not."""
    _require_manager(user)
    details = {"form_id": version.form_id, "version": version.version, "filename": version.filename}
    lock_for_writing()
    reason = deletion_refusal(version)
    if reason is None:
        # Guarded: a publication that commits meanwhile makes this delete nothing, and it is refused.
        deleted = db.session.execute(delete(FormVersion).where(
            FormVersion.id == version.id, FormVersion.published_at.is_(None)))
        reason = None if deleted.rowcount == 1 else _("Esta versión se publicó mientras tanto.")
    if reason is not None:
        raise ServiceError({"version": [reason]}, status=409)
    audit.record(user, "form.deleted", "form_version", version.id, via=via, **details)


def deletion_refusal(version: FormVersion) -> str | None:
    """Why `version` cannot be deleted, or None. Only a version that was never published can go: phones fill
    published versions and keep drafts and unsent visits in them, which the server cannot see."""
    used = db.session.scalar(select(func.count()).select_from(Visit).where(Visit.form_version_id == version.id))
    if used:
        return ngettext("%(num)d visita se llenó con esta versión; se conserva con ella.",
                        "%(num)d visitas se llenaron con esta versión; se conservan con ella.", used)
    current = current_version()
    if current is not None and current.id == version.id:
        return _("Es la versión actual: los teléfonos la están llenando. Publique otra antes de borrarla.")
    if version.published_at is not None:
        return _("Esta versión se publicó: puede haber borradores o visitas sin enviar hechos con ella en los "
                 "teléfonos, que sin ella no podrían enviarse. Solo se borran versiones que nunca se publicaron.")
    return None


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
    """The contract's definition of `version` with its texts in `locale`, and what the phone's walk needs beside
    the questions: the visit's title (instance_name) and the CSV tables pulldata() reads."""
    if current_id is None:
        current = current_version()
        current_id = current.id if current else None
    stored = version.definition
    extras = {key: stored[key] for key in ("instance_name", "instance_name_ast", "tables") if key in stored}
    return {
        **extras,
        "id": version.id,
        "form_id": version.form_id,
        "version": version.version,
        "title": version.title,
        "published": version.published_at is not None,
        "current": version.id == current_id,
        "questions": localized(version.definition, locale),
        "replaced_figures": replaced_figures(version.definition),
        "warnings": stored.get("warnings", []),
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


def _check_identity(stored: dict[str, Any], automatic: bool) -> None:
    errors = []
    if len(stored["form_id"]) > 100:
        errors.append(_("Hoja settings, fila 2: form_id admite hasta 100 caracteres."))
    if len(stored["version"]) > 100:
        errors.append(_("Hoja settings, fila 2: version admite hasta 100 caracteres."))
    if not automatic and _taken(stored["form_id"], [stored["version"]]):
        errors.append(_taken_message(stored))
    if errors:
        raise ServiceError({"file": errors})


def _taken_message(stored: dict[str, Any]) -> str:
    return _("Hoja settings, fila 2: ya se subió la versión «%(version)s» del formulario «%(form)s»; "
             "cada versión se guarda tal cual, así que cambie version para subir otra.",
             version=stored["version"], form=stored["form_id"])


def _taken(form_id: str, versions: list[str]) -> set[str]:
    return set(db.session.scalars(select(FormVersion.version).where(
        FormVersion.form_id == form_id, FormVersion.version.in_(versions))))


#: Uploads of one form in one second, or racing each other, before the upload gives up (never a 500).
AUTOMATIC_TRIES = 20


def _insert(stored: dict[str, Any], automatic: bool, now: datetime, **columns: Any) -> FormVersion:
    """The new row, under the unique (form_id, version) key: a version the form names that another upload
    took meanwhile is refused like any taken one; a version made from the upload time takes the first free
    suffix (`20260302101500-2`), whoever else uploads in the same second."""
    stamp = now.strftime("%Y%m%d%H%M%S")
    names = [stamp, *(f"{stamp}-{n}" for n in range(2, AUTOMATIC_TRIES + 1))] if automatic else [stored["version"]]
    taken = _taken(stored["form_id"], names)
    for name in names:
        if name in taken:
            continue
        version = FormVersion(form_id=stored["form_id"], version=name, title=stored["title"][:200],
                              definition={**stored, "version": name}, uploaded_at=now, **columns)
        try:
            with db.session.begin_nested():  # rolled back to here when a concurrent upload took the name
                db.session.add(version)
            return version
        except IntegrityError:
            continue
    if automatic:
        raise ServiceError({"file": [_("Se están subiendo muchas versiones de este formulario a la vez; "
                                       "espere un momento y súbalo de nuevo.")]}, status=409)
    raise ServiceError({"file": [_taken_message(stored)]})


def _require_manager(user: User) -> None:
    if user.role not in MANAGERS:
        raise ServiceError({"file": [_("Solo supervisores y administradores gestionan el formulario.")]}, status=403)
