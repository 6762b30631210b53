"""The Mipyme registry and user administration (supervisors and admins)."""
from flask import Blueprint

bp = Blueprint("registry", __name__)

from fieldwork.registry import import_views, users, views  # noqa: E402,F401
