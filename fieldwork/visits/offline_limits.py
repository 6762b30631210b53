"""The limits the offline app checks before a visit enters the outbox, handed to it through the page.

Python is their one home (fieldwork/visits/schemas.py, the sync service, the models); every page embeds
them as a JSON data block (templates/visits/_js_limits.html) that static/js/limits.js reads, so a page the
service worker cached carries the limits it was served with.
"""
from __future__ import annotations

from typing import Any

from fieldwork.clock import programme_zone
from fieldwork.models import TOPICS
from fieldwork.visits.schemas import MAX_COUNT, MAX_SALES_COP, TEXT_MAX
from fieldwork.visits.sync import CLOCK_SKEW


def offline_limits() -> dict[str, Any]:
    """What static/js/visit-data.js checks as the sync service will (the server decides anyway)."""
    return {
        "topics": list(TOPICS),
        "notes_max": TEXT_MAX,
        "figure_max": {"production_units": MAX_COUNT, "employees": MAX_COUNT, "monthly_sales_cop": MAX_SALES_COP},
        # visited_at may run CLOCK_SKEW ahead of the server's clock; days are counted in the programme's zone.
        "date_rules": {"zone": programme_zone().key, "skewMs": int(CLOCK_SKEW.total_seconds() * 1000)},
    }
