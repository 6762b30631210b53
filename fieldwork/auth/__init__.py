"""Accounts: login and logout pages, password change, the session loader."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from fieldwork.auth import account_views, views  # noqa: E402,F401
