"""The JSON API under /api/v1 (the public contract is ../shared/API.md)."""
from flask import Blueprint

bp = Blueprint("api", __name__)

# One module per resource; each registers its routes on `bp`.
from fieldwork.api import ciiu, confirmations, forms, mipyme_import, mipymes, neighborhoods, openapi, photos, reviews, session, tokens, uvt, visits  # noqa: E402,F401,E501
