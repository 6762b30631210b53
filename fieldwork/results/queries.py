"""The definitions of fieldwork/results/definitions.py as SQL, on SQLite and PostgreSQL alike.

Days are the programme zone's: a visit's day is compared through a table of the instants at which the
days begin (`day_starts`), computed in Python, so no SQL needs time-zone functions.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    Float,
    String,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    null,
    or_,
    select,
    true,
    type_coerce,
    union_all,
    values,
)
from sqlalchemy.sql import ColumnElement, FromClause

from fieldwork.ciiu import DIVISION_SECTION, SECTION_MACRO_SECTOR
from fieldwork.clock import start_of_day
from fieldwork.database import json_kind_is
from fieldwork.extensions import db
from fieldwork.models import FormVersion, Visit
from fieldwork.models.programme import UvtValue
from fieldwork.models.types import UTCDateTime
from fieldwork.results import definitions
from fieldwork.results.catalogue import BY_CODE, CODES

#: Form versions never change once uploaded: their feeds are read once per process, keyed by id and
#: upload time (SQLite may give a deleted version's id to the next upload).
_FEEDS: dict[tuple[int, Any], dict[str, definitions.Feed]] = {}


def feeds_by_version(connection: Any = None) -> dict[int, dict[str, definitions.Feed]]:
    """{form version id: {code: Feed}} for every version (definitions read once per version)."""
    connection = connection or db.session.connection()
    keys = [tuple(row) for row in connection.execute(select(FormVersion.id, FormVersion.uploaded_at))]
    missing = [key for key in keys if key not in _FEEDS]
    if missing:
        uploaded = dict(missing)
        for version_id, definition in connection.execute(
                select(FormVersion.id, FormVersion.definition).where(FormVersion.id.in_(sorted(uploaded)))):
            _FEEDS[(version_id, uploaded[version_id])] = definitions.feeds_of(definition)
    return {key[0]: _FEEDS[key] for key in keys}


def counting(v: Any = None) -> ColumnElement[bool]:
    """definitions.counts in SQL: not returned, and no open dispute."""
    c = (v if v is not None else Visit.__table__).c
    return and_(c.review_status != "returned",
                or_(c.owner_confirmation != "disputed", c.dispute_resolved_at.is_not(None)))


def _answer_value(v: Any, feed: definitions.Feed, kind: str, dialect: str) -> ColumnElement[Any]:
    """The stored answer as definitions.value_of reads it (NULL when it says nothing usable)."""
    answer = v.c.answers[feed.name]
    if feed.type == "calculate":
        return _figure(answer, kind, dialect)
    if kind == "yes_no":
        is_text = json_kind_is(answer, "string", dialect)
        text = answer.as_string()
        if feed.type == "acknowledge":
            return case((and_(is_text, text == definitions.ACKNOWLEDGED), literal(1.0)), else_=null())
        said_yes = text.in_(sorted(feed.yes)) if feed.yes else literal(False)
        return case((and_(is_text, said_yes), literal(1.0)), (is_text, literal(0.0)), else_=null())
    return case((json_kind_is(answer, "number", dialect), answer.as_float()), else_=null())


def _figure(answer: Any, kind: str, dialect: str) -> ColumnElement[Any]:
    """definitions.figure_of in SQL: a calculate's string matched against the same pattern before it is read
    as a number, each step in its own CASE since PostgreSQL's AND may run its cast first and fail on text."""
    text = answer.as_string()
    # SQLite's CAST rounds some 17-digit numbers off by one unit; its JSON reader (as the answers' numbers
    # are read) agrees with Python's float() and PostgreSQL's cast, and the pattern is JSON's grammar.
    number = cast(text, Float) if dialect == "postgresql" else type_coerce(func.json_extract(text, "$"), Float)
    bounded = case((func.abs(number) <= definitions.MAX_FIGURE, number), else_=null())
    numeral = case((text.regexp_match(definitions.NUMERALS[kind]), bounded), else_=null())
    return case((json_kind_is(answer, "string", dialect), numeral), else_=null())


def value_expression(code: str, feeds: Mapping[int, Mapping[str, definitions.Feed]], v: Any = None,
                     dialect: str | None = None) -> ColumnElement[Any] | None:
    """definitions.value_of in SQL for the visits `v`: a CASE on the form version over the versions whose
    question feeds `code`, else the built-in figure (as a float). None when nothing feeds the code."""
    v = v if v is not None else Visit.__table__
    dialect = dialect or db.session.get_bind().dialect.name
    indicator = BY_CODE[code]
    fallback = cast(v.c[indicator.builtin], Float) if indicator.builtin else null()
    same_question: dict[definitions.Feed, list[int]] = {}
    for version_id, version_feeds in sorted(feeds.items()):
        if code in version_feeds:
            same_question.setdefault(version_feeds[code], []).append(version_id)
    whens = [(v.c.form_version_id.in_(ids), _answer_value(v, feed, indicator.kind, dialect))
             for feed, ids in same_question.items()]
    if not whens:
        return fallback if indicator.builtin else None
    return case(*whens, else_=fallback)


def answerable(code: str, feeds: Mapping[int, Mapping[str, definitions.Feed]], v: Any) -> ColumnElement[bool]:
    """A condition every visit of `v` that answers `code` meets, that an index can serve: for a code
    without a built-in figure, its form version is one whose question feeds the code (so a search for
    the code's first or last answer reads only the visits that could answer it, through the
    (mipyme_id, form_version_id, visited_at, id) index); for the others, any visit may."""
    if BY_CODE[code].builtin is not None:
        return true()
    return v.c.form_version_id.in_(sorted(version_id for version_id, version_feeds in feeds.items()
                                          if code in version_feeds))


def day_starts(first: date, last: date, zone: ZoneInfo, name: str = "days") -> FromClause:
    """A table (day, starts, ends) of every day from `first` to `last`: when each begins and ends in UTC."""
    rows = [(first + timedelta(days=i), start_of_day(first + timedelta(days=i), zone),
             start_of_day(first + timedelta(days=i + 1), zone)) for i in range((last - first).days + 1)]
    return values(column("day", Date), column("starts", UTCDateTime), column("ends", UTCDateTime),
                  name=name).data(rows).cte(name)


def uvt_table(connection: Any = None) -> dict[int, int]:
    connection = connection or db.session.connection()
    return dict(connection.execute(select(UvtValue.year, UvtValue.value_cop)).all())


def macro_sector_expression(ciiu: Any) -> ColumnElement[Any]:
    """definitions.macro_sector in SQL, on the class's division (its first two digits), from the same file."""
    division = func.substr(ciiu, 1, 2)
    by_macro: dict[str, list[str]] = {}
    for number, section in sorted(DIVISION_SECTION.items()):
        by_macro.setdefault(SECTION_MACRO_SECTOR[section], []).append(number)
    return case(*((division.in_(divisions), literal(macro)) for macro, divisions in by_macro.items()),
                else_=null())


def uvt_expression(at: Any, uvt: Mapping[int, int], zone: ZoneInfo) -> ColumnElement[Any]:
    """The UVT in force for a window ending at the instant `at` (definitions.uvt_year of its local year)."""
    whens = [(at >= start_of_day(date(year, 1, 1), zone), literal(uvt[year])) for year in sorted(uvt, reverse=True)]
    return case(*whens, else_=null()) if whens else null()


def band_expression(macro: Any, revenue: Any, uvt_value: Any) -> ColumnElement[Any]:
    """definitions.band in SQL."""
    known = and_(macro.is_not(None), revenue.is_not(None), uvt_value.is_not(None))
    uvt_pesos = cast(uvt_value, Float)  # limits reach 10^11 pesos: past PostgreSQL's integer
    whens = [(and_(known, macro == name, revenue <= uvt_pesos * float(limit)), literal(band))
             for name, limits in definitions.BAND_LIMITS_UVT.items()
             for band, limit in zip(definitions.BANDS, limits, strict=True)]
    return case(*whens, (known, literal("grande")), else_=literal("unknown"))


def answered_visits(feeds: Mapping[int, Mapping[str, definitions.Feed]], *where: Any) -> list[Any]:
    """(mipyme_id, code, visit_id, at, value) of every visit matching `where` that answers each code,
    one select per code that something feeds."""
    v = Visit.__table__
    parts = []
    for code in CODES:
        value = value_expression(code, feeds, v)
        if value is None:
            continue
        parts.append(select(v.c.mipyme_id, literal(code, String).label("code"), v.c.id.label("visit_id"),
                            v.c.visited_at.label("at"), value.label("value")).where(*where, value.is_not(None)))
    return parts


def window_ends(parts: list[Any]) -> Any:
    """From answered visits, one row per (mipyme_id, code): the earliest (baseline_*) and latest
    (latest_*) visit and value, ties of time by visit id. The columns of mipyme_results."""
    answered = union_all(*parts).subquery("answered")
    key = {"partition_by": (answered.c.mipyme_id, answered.c.code)}
    ranked = select(answered, func.row_number().over(**key, order_by=(answered.c.at, answered.c.visit_id)
                                                     ).label("first"),
                    func.row_number().over(**key, order_by=(answered.c.at.desc(), answered.c.visit_id.desc())
                                           ).label("last")).subquery("ranked")
    first, last = ranked.c.first == 1, ranked.c.last == 1

    def pick(condition: Any, name: str, label: str) -> Any:
        return func.max(case((condition, ranked.c[name]))).label(label)

    return select(ranked.c.mipyme_id, ranked.c.code,
                  pick(first, "visit_id", "baseline_visit_id"), pick(first, "at", "baseline_at"),
                  pick(first, "value", "baseline_value"), pick(last, "visit_id", "latest_visit_id"),
                  pick(last, "at", "latest_at"), pick(last, "value", "latest_value")).where(or_(first, last)).group_by(
        ranked.c.mipyme_id, ranked.c.code)

