"""The JSON API under /api/v1 (the public contract is ../shared/API.md)."""
from flask import Blueprint

bp = Blueprint("api", __name__)

# One module per resource; each registers its routes on `bp`.
from fieldwork.api import confirmations, forms, mipymes, openapi, photos, reviews, session, tokens, visits  # noqa: E402,F401,E501
