"""What programme results mean (API.md, "Programme results"), as pure functions: no database, no request.

Everything that shows results (the API, the page, the exports, OData) computes them in SQL
(queries.py, kept.py); these functions say the same rules on plain values, and the tests hold the SQL
to them on random programmes. A visit is anything with Visit's attribute names.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fieldwork.ciiu import macro_sector_of_division
from fieldwork.results.catalogue import BY_CODE, YES_CHOICES

Number = int | float
BANDS = ("micro", "pequena", "mediana")
#: Decreto 957 de 2019: the upper limit of each band, in UVT of annual revenue, per macro-sector.
BAND_LIMITS_UVT = {
    "manufactura": (23_563, 204_995, 1_736_565),
    "servicios": (32_988, 131_951, 483_034),
    "comercio": (44_769, 431_196, 2_160_692),
}
#: The answer of an `acknowledge` question (it means yes).
ACKNOWLEDGED = "OK"
#: A figure's bound: the answers' own (fieldwork/forms/answer_limits.MAX_NUMBER, which results cannot import).
MAX_FIGURE = 10**15
#: A calculate's stored string that reads as a figure, per indicator kind: a number as XPath writes one (no
#: exponent, sign only for minus, no spaces, no leading zeros: JSON's grammar too, which SQLite reads exactly
#: where its CAST does not), whole for an integer indicator. Digits are bounded so that no database's cast
#: overflows or underflows before MAX_FIGURE is checked (PostgreSQL's regular expressions repeat at most 255
#: times). queries.py matches the same patterns in SQL, so both read one string alike.
NUMERALS = {"number": r"\A-?(0|[1-9][0-9]{0,15})(\.[0-9]{1,255})?\Z",
            "integer": r"\A-?(0|[1-9][0-9]{0,15})(\.0{1,255})?\Z"}


# --- Which visits count, and what they say -------------------------------------------------------------

def counts(visit: Any) -> bool:
    """A visit counts for results unless it was returned or its owner's dispute is still open."""
    if visit.review_status == "returned":
        return False
    return not (visit.owner_confirmation == "disputed" and visit.dispute_resolved_at is None)


@dataclass(frozen=True)
class Feed:
    """The question of a form version that feeds an indicator: its name, its type, and (yes/no) the
    names of its choices that mean yes."""

    name: str
    type: str
    yes: frozenset[str] = frozenset()


def is_yes(choice_name: str) -> bool:
    return str(choice_name).strip().casefold() in YES_CHOICES


def feeds_of(definition: Mapping[str, Any] | None) -> dict[str, Feed]:
    """The indicators a form version's definition feeds: {code: Feed} from its questions' `indicator`
    key (set at upload). Questions inside a repeat answer many times and feed nothing."""
    found: dict[str, Feed] = {}
    for question in (definition or {}).get("questions", []):
        code = question.get("indicator")
        if code in BY_CODE and code not in found:
            yes = frozenset(c["name"] for c in question.get("choices", []) if is_yes(c["name"]))
            found[code] = Feed(question["name"], question["type"], yes)
    return found


def value_of(code: str, visit: Any, feeds: Mapping[str, Feed]) -> Number | None:
    """The visit's value of the indicator, given its form version's feeds: the feeding question's answer
    (yes/no as 1 or 0; a calculate's string as the number it writes), else the built-in figure when the
    version has no question for the code."""
    indicator = BY_CODE[code]
    feed = feeds.get(code)
    if feed is None:
        return getattr(visit, indicator.builtin) if indicator.builtin else None
    answer = (visit.answers or {}).get(feed.name)
    if answer is None or isinstance(answer, bool):
        return None
    if feed.type == "calculate":
        return plain(figure_of(answer, indicator.kind))
    if indicator.kind == "yes_no":
        return _yes_no(answer, feed)
    if not isinstance(answer, int | float):
        return None  # a type changed between versions, or an answer stored before today's checks
    return plain(answer)


def _yes_no(answer: Any, feed: Feed) -> int | None:
    """A yes/no question's answer as 1 or 0; None when it is no choice (nor, for acknowledge, "OK")."""
    if feed.type == "acknowledge":
        return 1 if answer == ACKNOWLEDGED else None
    return (1 if answer in feed.yes else 0) if isinstance(answer, str) else None


def figure_of(calculated: Any, kind: str) -> float | None:
    """A calculate's stored answer as a figure of an indicator of `kind`: the number its string writes when
    that is a number (NUMERALS) within ±MAX_FIGURE; None, as if unanswered, for "", "NaN", any other text,
    a fraction where the indicator counts whole things, or anything not a string."""
    if not isinstance(calculated, str) or not re.search(NUMERALS[kind], calculated):
        return None
    value = float(calculated)
    return value if abs(value) <= MAX_FIGURE else None


def plain(value: Number | None) -> Number | None:
    """An exact number as the API shows it: an int when it is whole (integer indicators, pesos; SQL may give
    a float), else as it is."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


# --- Baseline, latest and change ------------------------------------------------------------------------

@dataclass(frozen=True)
class End:
    """One end of a Mipyme's series of an indicator: the visit, when, and what it said."""

    visit_id: str
    at: datetime
    value: Number


def ends(code: str, visits: Iterable[Any], feeds_by_version: Mapping[int | None, Mapping[str, Feed]],
         enrolled_on: date, as_of: date, *, zone: ZoneInfo) -> tuple[End | None, End | None]:
    """(baseline, latest) of one Mipyme's indicator: its earliest counting visit on or after
    `enrolled_on` that answers it, and its latest counting visit on or before `as_of` that answers it
    (days in `zone`; ties of time by visit id)."""
    answered = []
    for visit in visits:
        day = visit.visited_at.astimezone(zone).date()
        if not counts(visit) or day < enrolled_on or day > as_of:
            continue
        value = value_of(code, visit, feeds_by_version.get(visit.form_version_id, {}))
        if value is not None:
            answered.append(End(visit.id, visit.visited_at, value))
    if not answered:
        return None, None
    answered.sort(key=lambda end: (end.at, end.visit_id))
    return answered[0], answered[-1]


def change(baseline: End | None, latest: End | None) -> Number | None:
    """latest − baseline, only when both exist and come from two different visits."""
    if baseline is None or latest is None or baseline.visit_id == latest.visit_id:
        return None
    return latest.value - baseline.value


def direction(difference: Number | None) -> str | None:
    """Higher is better for every indicator (yes over no)."""
    if difference is None:
        return None
    return "improved" if difference > 0 else "worsened" if difference < 0 else "unchanged"


def median(values: Iterable[Number]) -> Number | None:
    """The middle value; of an even count, the mean of the two middle values. None when empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    pair = ordered[middle - 1] + ordered[middle]
    return pair // 2 if isinstance(pair, int) and pair % 2 == 0 else pair / 2


def total(values: Iterable[Number]) -> Number | None:
    values = list(values)
    return sum(values) if values else None


# --- Size band (Decreto 957 de 2019) --------------------------------------------------------------------

def macro_sector(ciiu: str | None) -> str | None:
    """The macro-sector of a class by its division (the one mapping: fieldwork/ciiu/data); None without
    a class. By division rather than by exact class, so that SQL can say the same with a CASE over the
    first two digits."""
    return macro_sector_of_division(ciiu[:2]) if ciiu and len(ciiu) == 4 else None


def window_start(day: date) -> date:
    """The first day of the 365 days up to `day`."""
    return day - timedelta(days=364)


def annual_revenue(sales: Iterable[tuple[datetime, str, Number]], day: date, zone: ZoneInfo) -> Number | None:
    """12 × the mean of the monthly sales reported in the 365 days up to `day`, one value per calendar
    month (that month's latest visit). `sales` are (visited_at, visit id, value) of counting visits."""
    per_month: dict[tuple[int, int], tuple[datetime, str, Number]] = {}
    for at, visit_id, value in sales:
        local = at.astimezone(zone).date()
        if value is None or not window_start(day) <= local <= day:
            continue
        month = (local.year, local.month)
        if month not in per_month or (at, visit_id) > per_month[month][:2]:
            per_month[month] = (at, visit_id, value)
    if not per_month:
        return None
    twelve_times = 12 * sum(value for _, _, value in per_month.values())
    count = len(per_month)
    return twelve_times // count if isinstance(twelve_times, int) and twelve_times % count == 0 \
        else twelve_times / count


def uvt_year(uvt: Mapping[int, int], year: int) -> int | None:
    """The year whose UVT values a window ending in `year`: that year's, else the latest before it
    (next year's UVT is added by an admin once the DIAN publishes it)."""
    known = [y for y in uvt if y <= year]
    return max(known) if known else None


def band(macro: str | None, revenue: Number | None, uvt_value: int | None) -> str:
    """micro, pequena, mediana or grande by the decree's limits; unknown without sales, sector or UVT."""
    if macro not in BAND_LIMITS_UVT or revenue is None or uvt_value is None:
        return "unknown"
    for name, limit in zip(BANDS, BAND_LIMITS_UVT[macro], strict=True):
        if revenue <= limit * uvt_value:
            return name
    return "grande"


def size_band(macro: str | None, revenue: Number | None, day: date, uvt: Mapping[int, int]) -> dict[str, Any]:
    """A Mipyme's size band on `day` as the API shows it: {"band", "annual_revenue_cop", "uvt_year"}."""
    year = uvt_year(uvt, day.year)
    name = band(macro, revenue, uvt[year] if year is not None else None)
    return {"band": name, "annual_revenue_cop": revenue, "uvt_year": year}

