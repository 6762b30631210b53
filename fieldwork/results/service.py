"""Programme results, as the API, the results page, the exports and OData ask for them (API.md,
"Programme results"). The rules are fieldwork/results/definitions.py; the SQL is queries.py."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class ResultFilters:
    """Which businesses, seen on which day. None: no filter (as_of None: today in FIELDWORK_TIMEZONE)."""

    as_of: date | None = None
    sector: str | None = None
    macro_sector: str | None = None
    neighborhood: str | None = None
    officer_id: int | None = None
    enrolled_from: date | None = None
    enrolled_to: date | None = None
    status: str | None = None


def programme_results(filters: ResultFilters) -> dict[str, Any]:
    """The body of `GET /api/v1/results` for these filters, exactly as API.md shapes it:
    {"as_of": "YYYY-MM-DD", "businesses": {...}, "indicators": [...], "size_bands": {...},
    "verification": {...}}."""
    raise NotImplementedError


def mipyme_rows(filters: ResultFilters, after_id: int | None = None,
                limit: int | None = None) -> Iterator[dict[str, Any]]:
    """One dict per Mipyme of the filters, by id, those with id > after_id, at most `limit`:
    {"id", "name", "nit", "sector", "ciiu", "macro_sector", "neighborhood", "officer_id", "officer_name",
     "status", "enrolled_on",
     "indicators": {code: {"baseline", "latest", "baseline_on", "latest_on", "change"}},  # every code
     "size_band": {"baseline": band, "latest": band}}
    where band is {"band", "annual_revenue_cop", "uvt_year"} (size_bands' shape), values are int
    (integer indicators, pesos, yes/no as 1/0) or float, None when absent; *_on are dates (programme
    zone); change is latest - baseline, None unless both exist on two different visits."""
    raise NotImplementedError


def size_bands(mipyme_ids: list[int], as_of: date | None = None) -> dict[int, dict[str, Any]]:
    """Each Mipyme's size band on `as_of` (default today): {id: {"band", "annual_revenue_cop",
    "uvt_year"}}; band "unknown" (annual_revenue_cop None) without sales in the window or without ciiu."""
    raise NotImplementedError
