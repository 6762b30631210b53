"""Supervisors' pages: dashboard, Mipyme pages, visit log and review, exports."""
from flask import Blueprint

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
#: Who works in the office: every supervisors' page admits these roles.
OFFICE = ("supervisor", "admin")

from fieldwork.supervision import export_views, results_views, views, visit_views  # noqa: E402,F401
