"""Upload, list, preview, publish and download form versions (the same services as the API and the CLI)."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fieldwork.extensions import db
from fieldwork.forms import services
from fieldwork.forms.blueprint import bp
from fieldwork.forms.changes import changes
from fieldwork.forms.definition import localized
from fieldwork.forms.downloads import original_file_response
from fieldwork.forms.publish_form import ConfirmPublishForm
from fieldwork.forms.upload_form import DeleteForm, UploadForm
from fieldwork.models import FormPublication, FormVersion
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.web.form_errors import show_service_errors
from fieldwork.web.security import roles_required

LIST_LIMIT = 200
#: What differs in a changed question, as the page says it (keys of fieldwork.forms.changes.COMPARED).
REASONS = {"type": _l("el tipo"), "choices": _l("las opciones"), "relevant": _l("cuándo se muestra"),
           "constraint": _l("la condición que debe cumplir"), "calculation": _l("el cálculo"),
           "required": _l("si es obligatoria"), "indicator": _l("el indicador que alimenta")}


def _list_page(form: UploadForm, status: int = 200) -> Any:
    versions, total = services.list_versions(per_page=LIST_LIMIT)
    current = services.current_version()
    return render_template("forms/list.html", form=form, versions=versions, total=total,
                           current_id=current.id if current else None, delete_form=DeleteForm()), status


@bp.get("/")
@roles_required(*services.MANAGERS)
def versions() -> Any:
    """Every uploaded version with who uploaded and published it, and the upload form."""
    return _list_page(UploadForm())


@bp.post("/")
@roles_required(*services.MANAGERS)
def upload() -> Any:
    """Read the uploaded XLSForm; its refusals show beside the file field, and nothing is stored."""
    form = UploadForm()
    if not form.validate_on_submit():
        return _list_page(form, 400)
    upload = form.file.data
    content = upload.read()  # read once: a retry runs the upload again on the same bytes
    media = services.read_parts(request.files.getlist("media"))
    try:
        version = commit_with_retry(lambda: services.upload_form(current_user, content, upload.filename, media=media),
                                    "form upload")
    except ServiceError as error:
        errors = error.errors or {"file": [_("No se pudo guardar el formulario.")]}
        show_service_errors(form, errors, leftover=form.file)
        return _list_page(form, error.status)
    flash(_("Versión «%(version)s» guardada. Revísela y publíquela cuando esté lista.", version=version.version),
          "success")
    return redirect(url_for("forms.preview", version_id=version.id))


def _preview_page(version: FormVersion, publish_form: ConfirmPublishForm, status: int = 200) -> Any:
    locale = str(get_locale() or "es")
    current = services.current_version()
    definition = services.definition(version, locale, current.id if current else None)
    publications = db.session.scalars(
        select(FormPublication).options(joinedload(FormPublication.published_by))
        .where(FormPublication.form_version_id == version.id).order_by(FormPublication.published_at.desc())).all()
    publish_form.compared_with.data = str(current.id) if current else ""  # what these changes are read against
    diff = labels = None
    retyped: list[str] = []
    if not definition["current"]:
        diff = changes(current.definition if current else None, version.definition)
        retyped = [name for name, reasons in diff["reasons"].items() if "type" in reasons]  # a new series each
        shown = localized(current.definition, locale) if current else []
        labels = {q.get("name"): q.get("label") for q in shown + definition["questions"]}
    return render_template("forms/preview.html", version=version, definition=definition, publications=publications,
                           publish_form=publish_form, delete_form=DeleteForm(), changes=diff, labels=labels,
                           retyped=retyped, has_current=current is not None, reasons=REASONS), status


@bp.get("/<int:version_id>")
@roles_required(*services.MANAGERS)
def preview(version_id: int) -> Any:
    """The version as the officer will see it (drawn by static/js/forms/preview.js), its questions, and what
    it changes from the current version before the publish button."""
    return _preview_page(services.version_or_404(version_id, current_user), ConfirmPublishForm())


@bp.post("/<int:version_id>/publish")
@roles_required(*services.MANAGERS)
def publish(version_id: int) -> Any:
    """Make this version the one officers fill from now on, once the changes were marked as read."""
    version = services.version_or_404(version_id, current_user)
    form = ConfirmPublishForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _preview_page(version, form, 400)
    current = services.current_version()
    if form.compared_with.data != (str(current.id) if current else ""):
        form.reviewed.errors = [_("Otra versión se publicó mientras revisaba: estos son los cambios frente a "
                                  "la versión actual. Revíselos de nuevo.")]
        return _preview_page(version, form, 409)
    try:
        commit_with_retry(lambda: services.publish_form(current_user, version), "form publication")
    except ServiceError as error:
        flash(" ".join(error.errors.get("version", [])), "error")
        return redirect(url_for("forms.versions"))
    flash(_("Versión «%(version)s» publicada: los teléfonos la usarán en su próxima conexión.",
            version=version.version), "success")
    return redirect(url_for("forms.versions"))


@bp.post("/<int:version_id>/delete")
@roles_required(*services.MANAGERS)
def delete(version_id: int) -> Any:
    """Delete a version that was never published; the reason when it cannot go."""
    version = services.version_or_404(version_id, current_user)
    if not DeleteForm().validate_on_submit():
        abort(400)
    label = f"{version.form_id} · {version.version}"
    try:
        commit_with_retry(lambda: services.delete_form(current_user, version), "form deletion")
    except ServiceError as error:
        flash(_("La versión «%(version)s» no se borró: %(reason)s", version=label,
                reason=" ".join(error.errors.get("version", []))), "error")
        return redirect(url_for("forms.versions"))
    flash(_("Versión «%(version)s» borrada.", version=label), "success")
    return redirect(url_for("forms.versions"))


@bp.get("/<int:version_id>/file")
@roles_required(*services.MANAGERS)
def download(version_id: int) -> Any:
    """The original file, as it was uploaded."""
    return original_file_response(services.version_or_404(version_id, current_user))
