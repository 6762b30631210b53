"""Sending an uploaded XLSForm back exactly as it came (the API and the supervisors' page share this)."""
from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import send_file

from fieldwork.models import FormVersion

CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
}


def original_file_response(version: FormVersion) -> Any:
    extension = "." + version.filename.rsplit(".", 1)[-1].lower() if "." in version.filename else ".xlsx"
    response = send_file(BytesIO(version.original_file), mimetype=CONTENT_TYPES.get(extension, CONTENT_TYPES[".xlsx"]),
                         as_attachment=True, download_name=version.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"  # the office's working document
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
