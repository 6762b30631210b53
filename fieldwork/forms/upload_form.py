"""The upload form of the supervisors' page (WTForms; the checks of the file itself live in the service)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired

from fieldwork.results.catalogue import INDICATORS


class UploadForm(FlaskForm):
    #: The help beside the file lists the codes the survey's `indicator` column may name.
    indicators = INDICATORS
    file = FileField(_l("Archivo XLSForm (.xlsx o .xls)"), validators=[
        FileRequired(_l("Elija el archivo XLSForm.")),
        FileAllowed(["xlsx", "xls"], _l("El archivo debe ser un XLSForm .xlsx o .xls.")),
    ])


class DeleteForm(FlaskForm):
    """Only its CSRF token: the page asks the browser to confirm first."""
