"""Supervisors' pages for the programme's form, under /supervision/forms."""
from flask import Blueprint

bp = Blueprint("forms", __name__, url_prefix="/supervision/forms")

from fieldwork.forms import views  # noqa: E402,F401
