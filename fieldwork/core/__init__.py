"""Pages every role shares: the home redirect, language switch, manifest, service worker."""
from flask import Blueprint

bp = Blueprint("core", __name__)

from fieldwork.core import views  # noqa: E402,F401
