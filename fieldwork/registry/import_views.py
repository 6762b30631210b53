"""The registry's import page: upload a spreadsheet, see what will change, then apply it (same service as the API).

Between the preview and "Importar" the previewed file travels in the preview page itself (base64 in a
hidden field) and its hash in this person's signed session, so what is applied is exactly what was
previewed, and the server keeps nothing between the two requests: the workers and machines behind the
load balancer share no disk, and the second request may reach another one.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from flask import Response, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField

from fieldwork.registry import bp
from fieldwork.registry.import_files import MAX_BYTES, MAX_MB, MAX_ROWS, read_upload
from fieldwork.registry.imports import COLUMNS, TEMPLATE_HEADER, ImportResult, import_mipymes
from fieldwork.services import ServiceError, commit_with_retry
from fieldwork.web.form_errors import show_service_errors
from fieldwork.web.security import roles_required

_SESSION_KEY = "mipyme_import"
#: The longest base64 text of a file of MAX_BYTES.
_MAX_ENCODED = (MAX_BYTES + 2) // 3 * 4


class ImportUploadForm(FlaskForm):
    file = FileField(_l("Hoja de cálculo (CSV o .xlsx)"), validators=[FileRequired(_l("Elija el archivo."))])


class ApplyImportForm(FlaskForm):
    """The previewed file, back from the preview page; applied only if it is the one this session previewed
    last (a preview shown in another tab, or an older one, is refused)."""

    content = HiddenField()


def _keep(content: bytes, filename: str) -> str:
    """Remember which file this session previewed; the page carries the file itself."""
    session[_SESSION_KEY] = {"sha256": hashlib.sha256(content).hexdigest(), "filename": filename[:200],
                             "user_id": current_user.id}
    return base64.b64encode(content).decode("ascii")


def _kept(encoded: str | None) -> tuple[bytes, str] | None:
    """The file the page sent back, if it is the one this session previewed."""
    kept = session.get(_SESSION_KEY)
    if not kept or kept.get("user_id") != current_user.id or not encoded or len(encoded) > _MAX_ENCODED:
        return None
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    if hashlib.sha256(content).hexdigest() != kept.get("sha256"):
        return None
    return content, kept.get("filename", "")


def _discard() -> None:
    session.pop(_SESSION_KEY, None)


def _page(form: ImportUploadForm, result: ImportResult | None = None, encoded: str | None = None,
          status: int = 200) -> Any:
    apply_form = ApplyImportForm(formdata=None, data={"content": encoded}) if encoded else None
    return render_template("registry/import.html", form=form, result=result, apply_form=apply_form,
                           columns=COLUMNS, max_mb=MAX_MB, max_rows=MAX_ROWS), status


@bp.route("/mipymes/import", methods=["GET", "POST"])
@roles_required("supervisor", "admin")
def import_mipymes_page() -> Any:
    """Upload a spreadsheet of Mipymes; the answer previews every row (nothing is stored yet)."""
    form = ImportUploadForm()
    if not form.is_submitted():
        return _page(form)
    if not form.validate():
        return _page(form, status=400)
    upload = form.file.data
    content = read_upload(upload)
    try:
        result = commit_with_retry(lambda: import_mipymes(content, upload.filename or "", current_user,
                                                          dry_run=True), "Mipyme import preview")
    except ServiceError as error:
        show_service_errors(form, error.errors, leftover=form.file)
        return _page(form, status=400)
    if result.errors:
        return _page(form, result, status=400)
    return _page(form, result, encoded=_keep(content, upload.filename or ""))


@bp.post("/mipymes/import/apply")
@roles_required("supervisor", "admin")
def apply_mipyme_import() -> Any:
    """Import the previewed file; nothing is stored if a row has become wrong since the preview."""
    form = ApplyImportForm()
    kept = _kept(form.content.data) if form.validate_on_submit() else None
    if kept is None:
        flash(_("Esa vista previa ya no está disponible. Suba el archivo otra vez."), "error")
        return redirect(url_for("registry.import_mipymes_page"))
    content, filename = kept
    try:
        result = commit_with_retry(lambda: import_mipymes(content, filename, current_user, dry_run=False),
                                   "Mipyme import")
    except ServiceError as error:
        upload_form = ImportUploadForm(formdata=None)
        show_service_errors(upload_form, error.errors, leftover=upload_form.file)
        return _page(upload_form, status=error.status)
    if not result.stored:
        return _page(ImportUploadForm(formdata=None), result, status=400)
    _discard()
    flash(_("Importación hecha. Mipymes nuevas: %(created)d; actualizadas: %(updated)d; sin cambios: %(unchanged)d.",
            created=result.created, updated=result.updated, unchanged=result.unchanged), "success")
    return redirect(url_for("registry.mipymes"))


@bp.get("/mipymes/import/plantilla.csv")
@roles_required("supervisor", "admin")
def mipyme_import_template() -> Response:
    """An empty spreadsheet with the columns the import reads (`;` and a BOM: Excel in Spanish opens it)."""
    body = "\ufeff" + ";".join(TEMPLATE_HEADER) + "\r\n"
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=plantilla-mipymes.csv"})
