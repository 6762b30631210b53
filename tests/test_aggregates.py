"""The SQL aggregates agree with a slow Python reference over random data (SQLite and PostgreSQL)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from fieldwork.extensions import db
from fieldwork.mipymes.aggregates import FIGURES, all_flag_counts, summarise, summarise_all, summarise_one
from fieldwork.mipymes.flags import FLAG_CODES, FlagDay
from fieldwork.models import (
    AuditEntry,
    Mipyme,
    MipymeResultRow,
    MipymeSummaryRow,
    OfficerAnswerRow,
    ReviewEvent,
    User,
    Visit,
    VisitRevision,
)
from fieldwork.results.tables import FOLLOW_UPS, MONTHLY_SALES
from tests.builders import store_visits

BOGOTA = ZoneInfo("America/Bogota")
NOW = datetime(2025, 6, 15, 17, 0, tzinfo=UTC)  # noon in Bogotá
TODAY = date(2025, 6, 15)


@dataclass
class RandomVisit:
    minutes_before_now: int
    follow_up_in_days: int | None
    confirmation: str
    resolved: bool
    production_units: int | None
    monthly_sales_cop: int | None
    employees: int | None


figure = st.one_of(st.none(), st.integers(min_value=0, max_value=5_000))
visits = st.builds(
    RandomVisit,
    # A few fixed instants make ties likely (broken by id, newest id first), and the rest sweep
    # across local midnights: 23:30 in Bogotá is 04:30 UTC the next day.
    minutes_before_now=st.one_of(st.sampled_from([0, 60, 60 * 24 * 30, 60 * 24 * 31 + 30]),
                                 st.integers(min_value=0, max_value=60 * 24 * 120)),
    follow_up_in_days=st.one_of(st.none(), st.integers(min_value=-40, max_value=40)),
    confirmation=st.sampled_from(["pending", "confirmed", "disputed"]),
    resolved=st.booleans(),
    production_units=figure,
    monthly_sales_cop=st.one_of(st.none(), st.integers(min_value=0, max_value=10**11)),
    employees=figure,
)
mipymes = st.lists(st.tuples(st.booleans(), st.lists(visits, max_size=5)), max_size=7)


def _wipe() -> None:
    for model in (AuditEntry, VisitRevision, ReviewEvent, MipymeSummaryRow, OfficerAnswerRow, MipymeResultRow,
                  FOLLOW_UPS, MONTHLY_SALES, Visit, Mipyme, User):
        db.session.execute(delete(model))
    db.session.commit()


def _store(data: list[tuple[bool, list[RandomVisit]]]) -> list[tuple[Mipyme, list[Visit]]]:
    officer = User(username="o", name="Officer", role="officer", password_hash="x")  # noqa: S106 (no login in this test)
    db.session.add(officer)
    db.session.flush()
    stored = []
    for index, (active, randoms) in enumerate(data):
        mipyme = Mipyme(name=f"M{index:02d}", sector="otro", officer_id=officer.id, active=active)
        db.session.add(mipyme)
        db.session.flush()
        rows = []
        for r in randoms:
            visited_at = NOW - timedelta(minutes=r.minutes_before_now)
            rows.append(Visit(
                id=str(uuid.uuid4()), mipyme_id=mipyme.id, officer_id=officer.id, visited_at=visited_at,
                topics=["produccion"], content_hash="0" * 64,
                follow_up_due=None if r.follow_up_in_days is None else TODAY + timedelta(days=r.follow_up_in_days),
                owner_confirmation=r.confirmation,
                dispute_resolved_at=NOW if r.resolved and r.confirmation == "disputed" else None,
                production_units=r.production_units, monthly_sales_cop=r.monthly_sales_cop, employees=r.employees,
            ))
        store_visits(rows)
        stored.append((mipyme, rows))
    return stored


def reference(visits: list[Visit], cadence: int) -> dict[str, object]:
    """The slow, obvious reading of API.md for one Mipyme."""
    ordered = sorted(visits, key=lambda v: (v.visited_at, v.id), reverse=True)
    latest = ordered[0] if ordered else None
    previous = ordered[1] if len(ordered) > 1 else None
    flags = []
    if latest is None:
        flags.append("never_visited")
    else:
        due = latest.follow_up_due
        if due is not None and due < TODAY:
            flags.append("follow_up_overdue")
        local_day = latest.visited_at.astimezone(BOGOTA).date()
        if (TODAY - local_day).days > cadence and not (due is not None and due >= TODAY):
            flags.append("no_recent_visit")
    if any(v.owner_confirmation == "disputed" and v.dispute_resolved_at is None for v in visits):
        flags.append("disputed")
    figures = {name: getattr(latest, name) if latest else None for name in FIGURES}
    change = {
        name: figures[name] - getattr(previous, name)
        if previous is not None and figures[name] is not None and getattr(previous, name) is not None else None
        for name in FIGURES
    }
    return {
        "visit_count": len(visits),
        "last_visit_at": latest.visited_at if latest else None,
        "next_follow_up_due": latest.follow_up_due if latest else None,
        "flags": flags,
        "latest": figures,
        "change": change,
    }


def observed(summary) -> dict[str, object]:
    return {
        "visit_count": summary.visit_count,
        "last_visit_at": summary.last_visit_at,
        "next_follow_up_due": summary.next_follow_up_due,
        "flags": summary.flags,
        "latest": summary.latest,
        "change": summary.change,
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mipymes, cadence=st.integers(min_value=1, max_value=60))
def test_aggregates_match_a_python_reference(app, data, cadence):
    _wipe()
    stored = _store(data)
    day = FlagDay.at(NOW, BOGOTA, cadence)
    expected = {m.id: reference(vs, cadence) for m, vs in stored}

    summaries, total = summarise(select(Mipyme), day, per_page=1000)
    assert total == len(stored)
    assert {s.mipyme.id: observed(s) for s in summaries} == expected
    for mipyme, _visits in stored:
        assert observed(summarise_one(mipyme.id, day)) == expected[mipyme.id]

    counts = all_flag_counts(select(Mipyme), day)
    for code in FLAG_CODES:
        wanted = sorted(m_id for m_id, e in expected.items() if code in e["flags"])
        assert counts[code] == len(wanted)
        page, flagged_total = summarise(select(Mipyme), day, flag=code, per_page=1000)
        assert sorted(s.mipyme.id for s in page) == wanted
        assert flagged_total == len(wanted)

    active = [m.id for m, _ in stored if m.active]
    page, active_total = summarise(select(Mipyme).where(Mipyme.active.is_(True)), day, per_page=1000)
    assert sorted(s.mipyme.id for s in page) == sorted(active) and active_total == len(active)

    # Longest without a visit first: never visited, then the oldest latest visit.
    by_last_visit = [s.mipyme.id for s in summarise_all(select(Mipyme), day, sort="last_visit")]
    never = {m.id for m, vs in stored if not vs}
    assert set(by_last_visit[: len(never)]) == never
    visited = [expected[i]["last_visit_at"] for i in by_last_visit[len(never):]]
    assert visited == sorted(visited)


SORT_CASES = {  # each sort of the dashboard's table and the API, and the order it gives (ascending)
    "name": ["Arepas", "Bordados", "Cerámica"],
    "neighborhood": ["Cerámica", "Arepas", "Bordados"],
    "sector": ["Bordados", "Arepas", "Cerámica"],  # by the stored code: artesanias, comercio, confecciones
    "officer": ["Cerámica", "Bordados", "Arepas"],
    "visits": ["Bordados", "Arepas", "Cerámica"],
    "follow_up": ["Cerámica", "Arepas", "Bordados"],
}


@pytest.mark.parametrize("sort", list(SORT_CASES))
def test_each_sort_orders_the_mipymes_by_its_own_column_both_ways(app, sort):
    from tests.builders import make_mipyme, make_user, make_visit  # noqa: PLC0415

    officers = {name: make_user("officer", name=name) for name in ("Zoila", "Yesid", "Ximena")}
    rows = {  # name: (officer, neighborhood, sector, visits, follow-up in days)
        "Arepas": ("Zoila", "Centro", "comercio", 2, 10),
        "Bordados": ("Yesid", "Los Mayales", "artesanias", 1, 20),
        "Cerámica": ("Ximena", "Amaneceres", "confecciones", 3, 5),
    }
    for name, (officer, neighborhood, sector, visits, due_in) in rows.items():
        mipyme = make_mipyme(officers[officer], name=name, neighborhood=neighborhood, sector=sector)
        for n in range(visits):
            make_visit(mipyme, visited_at=NOW - timedelta(days=n + 1),
                       follow_up_due=(NOW + timedelta(days=due_in)).date() if n == 0 else None)
    day = FlagDay.at(NOW, ZoneInfo("America/Bogota"), 30)
    for descending, expected in ((False, SORT_CASES[sort]), (True, SORT_CASES[sort][::-1])):
        page, _total = summarise(select(Mipyme), day, sort=sort, descending=descending)
        assert [s.mipyme.name for s in page] == expected, (sort, descending)
        assert {s.mipyme.name: s.officer_name for s in page} == {
            name: officer for name, (officer, *_rest) in rows.items()}
        assert [s.mipyme.name for s in summarise_all(select(Mipyme), day, sort=sort, descending=descending)
                ] == expected, (sort, descending)
