"""Business owners' pages: their Mipyme, its visits, confirm or dispute; and the public confirmation link."""
from flask import Blueprint

# No url_prefix: the owner's pages live under /owner/, the shared link at the short /c/<token>.
bp = Blueprint("owners", __name__)

from fieldwork.owners import link_views, views  # noqa: E402,F401
