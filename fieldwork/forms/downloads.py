"""Sending an uploaded XLSForm back exactly as it came (the API and the supervisors' page share this)."""
from __future__ import annotations

import unicodedata
from io import BytesIO
from pathlib import PurePath
from typing import Any

from flask import send_file

from fieldwork.models import FormVersion

CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
}


def safe_filename(name: str | None) -> str:
    """The file's own name, without its folders or the control characters and line breaks that cannot go
    in a Content-Disposition header (a CR/LF there made every later download of the version fail)."""
    name = PurePath((name or "").replace("\\", "/")).name
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") else c for c in name)
    return " ".join(kept.split())[:255]


def original_file_response(version: FormVersion) -> Any:
    filename = safe_filename(version.filename) or "formulario.xlsx"  # versions stored before names were cleaned
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ".xlsx"
    response = send_file(BytesIO(version.original_file), mimetype=CONTENT_TYPES.get(extension, CONTENT_TYPES[".xlsx"]),
                         as_attachment=True, download_name=filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"  # the office's working document
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
