"""The read-only OData 4.0 feed under /odata/v1 for Excel and Power BI (API.md, "OData")."""
from flask import Blueprint

bp = Blueprint("odata", __name__)

from fieldwork.odata import views  # noqa: E402,F401
