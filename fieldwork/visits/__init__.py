"""The officers' pages: agenda, the offline visit form, "Mis visitas"."""
from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/visits")

from fieldwork.visits import views  # noqa: E402,F401
