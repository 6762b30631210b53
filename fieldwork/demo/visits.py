"""The demo's visit history: months of visits per Mipyme, their review and the owners' answers.

Rows are plain dicts for one bulk INSERT. Each carries the content hash the sync API would compute
from the same fields, so a phone replaying one of these visits is recognised as a duplicate.
"""
from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fieldwork.demo.catalogue import (
    DISPUTING_OWNER,
    FOLLOW_UP_REASONS,
    LINK_DISPUTE,
    NEEDS,
    NOTES,
    OWNER_ACCOUNTS,
    OWNER_DISPUTE,
    PLACES,
    RESOLVED_DISPUTE,
    RESOLVED_DISPUTE_OWNER,
    RETURN_REASONS,
    REVIEW_COMMENTS,
    Business,
)
from fieldwork.models import TOPICS, Mipyme
from fieldwork.visits.content import content_hash

# Sales swing with the town's calendar: the Festival de la Leyenda Vallenata at the end of April,
# Christmas shopping, and school uniforms bought before classes start in late January.
SEASONS = {
    1: {"confecciones": 1.25, "comercio": 0.85},
    2: {"confecciones": 1.1},
    4: {"turismo": 1.35, "artesanias": 1.25, "alimentos": 1.15, "servicios": 1.2},
    5: {"turismo": 1.1},
    12: {"comercio": 1.35, "confecciones": 1.2, "alimentos": 1.15, "artesanias": 1.15},
}


@dataclass
class VisitPlan:
    """One Mipyme of the demo and what its history should show."""

    business: Business
    mipyme: Mipyme
    scenario: str  # "regular", "overdue" (follow-up date passed), "stale" (no recent visit), "never"
    history_days: int  # how long ago the officer started visiting
    point: tuple[float, float]  # where the business is on the map
    exit_ago: int | None = None  # it left the programme this many days ago (catalogue.EXITS): no visit since


def build_visits(rng: random.Random, now: datetime, zone: ZoneInfo, plans: list[VisitPlan], supervisor_id: int, *,
                 answer: Callable[[list[VisitPlan], list[list[dict[str, Any]]]], None] | None = None
                 ) -> list[dict[str, Any]]:
    """Every visit of the demo as a row for `insert(Visit)`, reviews and confirmations included;
    `answer` fills in the programme form's answers (before hashing: they are part of the content)."""
    today = now.astimezone(zone).date()
    histories = [_history(rng, now, today, zone, plan) for plan in plans]
    rows = [row for history in histories for row in history]
    for row in rows:
        _review(rng, now, row, supervisor_id)
    _return_some(rng, now, plans, histories, supervisor_id)
    _owners_answer(rng, now, plans, histories, supervisor_id)
    if answer is not None:
        answer(plans, histories)
    for row in rows:
        row["content_hash"] = content_hash(row)
        row["updated_at"] = max(t for t in (row["updated_at"], row["reviewed_at"], row["confirmed_at"],
                                            row["dispute_resolved_at"]) if t is not None)
    return rows


def _latest(rng: random.Random, plan: VisitPlan, today: date) -> tuple[int, date | None]:
    """How many days ago the latest visit was, and the follow-up date it set."""
    if plan.exit_ago is not None:  # the last visit came a few weeks before it left
        return plan.exit_ago + rng.randint(8, 25), None
    if plan.business.name in OWNER_ACCOUNTS:  # owners have a recent visit waiting for their answer
        return rng.randint(2, 9), today + timedelta(days=rng.randint(5, 25))
    if plan.scenario == "overdue":
        ago = rng.randint(12, 55)
        return ago, today - timedelta(days=rng.randint(1, ago - 7))
    if plan.scenario == "stale":
        return rng.randint(36, 85), None
    ago = rng.randint(1, 24)
    return ago, (today + timedelta(days=rng.randint(2, 30)) if rng.random() < 0.7 else None)


def _history(rng: random.Random, now: datetime, today: date, zone: ZoneInfo, plan: VisitPlan) -> list[dict[str, Any]]:
    if plan.scenario == "never":
        return []
    latest_ago, latest_due = _latest(rng, plan, today)
    days_ago = [latest_ago]
    while (earlier := days_ago[-1] + rng.randint(20, 40)) <= plan.history_days:
        days_ago.append(earlier)
    days = [today - timedelta(days=ago) for ago in reversed(days_ago)]
    visits = []
    for i, day in enumerate(days):
        if i + 1 < len(days):  # an earlier visit's follow-up, met by the next visit
            due = days[i + 1] + timedelta(days=rng.randint(-4, 3)) if rng.random() < 0.75 else None
            due = day + timedelta(days=7) if due is not None and due <= day else due
        else:
            due = latest_due
        visits.append(_visit(rng, now, zone, plan, day=day, months=(day - days[0]).days / 30.4, due=due))
    return visits


def _visit(rng: random.Random, now: datetime, zone: ZoneInfo, plan: VisitPlan, *, day: date, months: float,
           due: date | None) -> dict[str, Any]:
    business = plan.business
    visited = datetime.combine(day, time(rng.randint(8, 16), rng.choice((0, 10, 15, 20, 30, 40, 45, 50))),
                               tzinfo=zone).astimezone(UTC)
    # No signal in the corregimientos: those visits reach the server a day or two later.
    far = PLACES[business.place].kind == "corregimiento"
    delay = timedelta(hours=rng.uniform(20, 60) if far else rng.uniform(0.2, 10))
    received = max(visited + timedelta(minutes=5), min(visited + delay, now - timedelta(minutes=rng.randint(5, 90))))
    trend = (1 + business.growth) ** months
    season = SEASONS.get(day.month, {}).get(business.sector, 1.0)
    sales = round(business.sales_m * 1_000_000 * trend * season * _noise(rng) / 50_000) * 50_000
    units = None if business.units is None else _round_units(business.units * trend * season * _noise(rng))
    # Staff follow the trend slowly, with an extra hand in the busy season.
    employees = max(1, round(business.employees * (1 + (trend - 1) * 0.8)) + (1 if season >= 1.2 else 0))
    located = rng.random() > 0.1  # sometimes the phone gets no GPS fix indoors
    revision = 2 if rng.random() < 0.08 else 1
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "mipyme_id": plan.mipyme.id,
        "officer_id": plan.mipyme.officer_id,
        "visited_at": visited,
        "topics": sorted(rng.sample(TOPICS, rng.choices((1, 2, 3, 4), weights=(30, 45, 20, 5))[0]),
                         key=TOPICS.index),
        "production_units": units,
        "monthly_sales_cop": sales,
        "employees": employees,
        "needs": rng.choice(NEEDS[business.sector]) if rng.random() < 0.6 else None,
        "notes": rng.choice(NOTES) if rng.random() < 0.85 else None,
        "follow_up_due": due,
        "follow_up_reason": rng.choice(FOLLOW_UP_REASONS) if due else None,
        "latitude": round(plan.point[0] + rng.gauss(0, 0.0001), 6) if located else None,
        "longitude": round(plan.point[1] + rng.gauss(0, 0.0001), 6) if located else None,
        "accuracy_m": round(rng.uniform(4, 35), 1) if located else None,
        "revision": revision,
        "received_at": received,
        "updated_at": min(received + timedelta(hours=rng.uniform(1, 20)), now) if revision == 2 else received,
        "review_status": "submitted", "review_comment": None, "reviewed_by_id": None, "reviewed_at": None,
        "owner_confirmation": "pending", "owner_comment": None, "confirmed_at": None, "confirmed_via": None,
        "dispute_resolved_at": None, "dispute_resolved_by_id": None, "dispute_resolution_note": None,
    }


def _noise(rng: random.Random) -> float:
    return min(1.2, max(0.8, rng.gauss(1, 0.07)))


def _round_units(value: float) -> int:
    step = 50 if value >= 1000 else 5 if value >= 100 else 1
    return max(0, round(value / step) * step)


def _after(rng: random.Random, now: datetime, moment: datetime, low_days: float, high_days: float) -> datetime:
    """A moment some days after `moment`, but never in the future."""
    later = moment + timedelta(days=rng.uniform(low_days, high_days))
    return max(moment + timedelta(minutes=1), min(later, now - timedelta(minutes=30)))


def _review(rng: random.Random, now: datetime, row: dict[str, Any], supervisor_id: int) -> None:
    """The supervisor has approved everything older than three weeks and most of the last fortnight;
    the newest visits wait in the review queue."""
    age = now - row["received_at"]
    if age > timedelta(days=20) or (age > timedelta(days=6) and rng.random() < 0.8):
        row.update(review_status="approved", review_comment=rng.choice(REVIEW_COMMENTS) or None,
                   reviewed_by_id=supervisor_id, reviewed_at=_after(rng, now, row["received_at"], 0.5, 5))


def _return_some(rng: random.Random, now: datetime, plans: list[VisitPlan], histories: list[list[dict[str, Any]]],
                 supervisor_id: int) -> None:
    """Each officer has one recent visit returned, showing the problem the supervisor's comment names."""
    officer_ids = sorted({p.mipyme.officer_id for p in plans if p.mipyme.officer_id is not None})
    for officer_id, (comment, problem) in zip(officer_ids, RETURN_REASONS, strict=False):
        candidates = [
            h for p, h in zip(plans, histories, strict=True)
            if p.mipyme.officer_id == officer_id and p.scenario == "regular" and p.business.name not in OWNER_ACCOUNTS
            and p.exit_ago is None and len(h) >= 2 and now - h[-1]["received_at"] > timedelta(days=2)
            and (problem != "units_typo" or p.business.units)
        ]
        history = rng.choice(candidates)
        row = history[-1]
        row.update(review_status="returned", review_comment=comment, reviewed_by_id=supervisor_id,
                   reviewed_at=_after(rng, now, row["received_at"], 0.5, 1.5), revision=1)
        if problem == "no_sales":
            row["monthly_sales_cop"] = None
        elif problem == "units_typo":
            row["production_units"] = (history[-2]["production_units"] or 1) * 10
        else:
            row.update(notes="Visita.", needs=None)


def _owners_answer(rng: random.Random, now: datetime, plans: list[VisitPlan], histories: list[list[dict[str, Any]]],
                   supervisor_id: int) -> None:
    """Owners confirm most visits: those with an account their older ones (one open dispute, one resolved);
    the others through the link, most with the code the office handed them; one disputes that way."""
    by_link, latest = [], []
    for plan, history in zip(plans, histories, strict=True):
        name = plan.business.name
        if name not in OWNER_ACCOUNTS:
            by_link += [row for row in history if now - row["received_at"] > timedelta(days=5)]
            if history and plan.exit_ago is None and history[-1]["review_status"] != "returned":
                latest.append(history[-1])
            continue
        for row in history[:-1]:
            row.update(owner_confirmation="confirmed", confirmed_via="account",
                       confirmed_at=_after(rng, now, row["received_at"], 0.5, 4))
        if name == DISPUTING_OWNER:
            last = history[-1]
            last.update(owner_confirmation="disputed", owner_comment=OWNER_DISPUTE, confirmed_via="account",
                        confirmed_at=_after(rng, now, last["received_at"], 0.3, 1))
        if name == RESOLVED_DISPUTE_OWNER:
            old = history[-3]
            old.update(owner_confirmation="disputed", owner_comment=RESOLVED_DISPUTE[0],
                       dispute_resolved_by_id=supervisor_id, dispute_resolution_note=RESOLVED_DISPUTE[1])
            old["dispute_resolved_at"] = _after(rng, now, old["confirmed_at"], 1, 4)
    # A few skip the code: their answers show as unverified (they do not count as independent).
    for row in by_link:
        if rng.random() < 0.7:
            row.update(owner_confirmation="confirmed", confirmed_via="link" if rng.random() < 0.2 else "link_code",
                       confirmed_at=_after(rng, now, row["received_at"], 1, 6))
    disputed = rng.choice([row for row in latest if now - row["received_at"] > timedelta(days=3)])
    disputed.update(owner_confirmation="disputed", owner_comment=LINK_DISPUTE, confirmed_via="link_code",
                    confirmed_at=_after(rng, now, disputed["received_at"], 0.5, 2))
