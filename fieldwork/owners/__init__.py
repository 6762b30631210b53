"""Business owners' pages: their Mipyme, its visits, confirm or dispute."""
from flask import Blueprint

bp = Blueprint("owners", __name__, url_prefix="/owner")

from fieldwork.owners import views  # noqa: E402,F401
