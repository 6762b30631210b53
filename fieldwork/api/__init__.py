"""The JSON API under /api/v1 (the public contract is ../shared/API.md)."""
from flask import Blueprint

bp = Blueprint("api", __name__)

# One module per resource; each registers its routes on `bp`.
from fieldwork.api import (  # noqa: E402,F401
    ciiu,
    confirmations,
    forms,
    mipyme_import,
    mipymes,
    neighborhoods,
    openapi,
    photos,
    results,
    reviews,
    session,
    tokens,
    uvt,
    visits,
)
