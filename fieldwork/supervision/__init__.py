"""Supervisors' pages: dashboard, Mipyme pages, visit log and review, exports."""
from flask import Blueprint

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

from fieldwork.supervision import export_views, views, visit_views  # noqa: E402,F401
