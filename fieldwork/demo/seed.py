"""The demo data set: a believable Valledupar programme, loaded only into an empty database.

Deterministic for a given `now` and seed. Every date is placed relative to `now`, so the flags come
out the same whichever day the demo is loaded: some follow-ups overdue, some Mipymes never visited or
not visited lately, one open dispute.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, insert, select

from fieldwork import audit
from fieldwork.clock import programme_zone, utcnow
from fieldwork.demo.answers import form_answerer, publish_demo_form
from fieldwork.demo.catalogue import (
    ADMIN,
    BUSINESSES,
    EXITS,
    NEIGHBORHOODS,
    OFFICERS,
    OWNER_ACCOUNTS,
    PLACES,
    SUPERVISOR,
    Business,
)
from fieldwork.demo.visits import VisitPlan, build_visits
from fieldwork.extensions import db
from fieldwork.mipymes import summary
from fieldwork.models import Mipyme, MipymeStatusChange, Neighborhood, User, Visit
from fieldwork.registry.nit import check_digit
from fieldwork.results import kept
from fieldwork.text.search import folded_name
from fieldwork.web.security import hash_password

DEMO_SEED = 2550  # any fixed number: Valledupar was founded in 1550
PROGRAMME_DAYS = 200  # the programme started about six and a half months before `now`
MOBILE_PREFIXES = ("300", "301", "304", "310", "311", "312", "313", "314", "315", "316", "317", "318", "320", "350")


class DemoRefused(Exception):
    """The database already holds data: loading the demo would mix invented records with real ones."""


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo accounts as (username, password, role), in the order they are printed."""
    logins = [(username, password, "officer") for username, password, _name in OFFICERS]
    logins.append((SUPERVISOR[0], SUPERVISOR[1], "supervisor"))
    logins.append((ADMIN[0], ADMIN[1], "admin"))
    logins += [(username, password, "owner") for username, password in OWNER_ACCOUNTS.values()]
    return logins


def database_counts() -> tuple[int, int]:
    """How many users and Mipymes the database holds."""
    users = db.session.scalar(select(func.count()).select_from(User)) or 0
    mipymes = db.session.scalar(select(func.count()).select_from(Mipyme)) or 0
    return users, mipymes


def demo_accounts_present() -> bool:
    """Whether every demo username exists (so the printed logins are still meaningful)."""
    names = [username for username, _password, _role in demo_logins()]
    found = db.session.scalar(select(func.count()).select_from(User).where(User.username.in_(names)))
    return found == len(names)


def seed_demo(now: datetime | None = None, rng_seed: int = DEMO_SEED) -> list[tuple[str, str, str]]:
    """Load the demo programme in one transaction and return its logins; refuse a non-empty database."""
    users, mipymes = database_counts()
    if users or mipymes:
        raise DemoRefused(_(
            "La base de datos ya tiene datos (%(users)d usuarios, %(mipymes)d Mipymes): los datos de "
            "demostración solo se cargan en una base vacía. No se cambió nada.",
            users=users, mipymes=mipymes,
        ))
    now = now or utcnow()
    rng = random.Random(rng_seed)  # noqa: S311  -- made-up data, wanted reproducible, not secret
    start = now - timedelta(days=PROGRAMME_DAYS)
    officers, supervisor = _create_staff(start)
    listed = set(db.session.scalars(select(Neighborhood.search_name)))  # a supervisor may have added some
    db.session.add_all(Neighborhood(name=name, search_name=folded_name(name), kind=kind, created_at=start)
                       for name, kind in NEIGHBORHOODS if folded_name(name) not in listed)
    plans = _plan_mipymes(rng, now, officers)
    _create_owners(plans)
    # The programme adopted its form when it started: every visit answers it. Its own random stream
    # keeps the rest of the demo as it was before forms.
    form = publish_demo_form(supervisor, start)
    answer = form_answerer(random.Random(rng_seed + 1), form, programme_zone())  # noqa: S311
    rows = build_visits(rng, now, programme_zone(), plans, supervisor.id, answer=answer)
    db.session.execute(insert(Visit), rows)
    _record_exits(plans, supervisor, now)
    summary.rebuild()  # the bulk INSERT bypasses the ORM's flush: the kept rows are computed once here
    kept.rebuild(db.session.connection())
    audit.record(None, "demo.seeded", "programme", "demo", via="cli", mipymes=len(plans), visits=len(rows))
    # A command, not a request: its operator sees a lock error and runs it again, so it commits itself
    # (every view goes through fieldwork.services.commit_with_retry).
    db.session.commit()
    return demo_logins()


def _account(username: str, password: str, name: str, role: str, created_at: datetime, **extra: Any) -> User:
    return User(username=username, name=name, role=role, password_hash=hash_password(password), active=True,
                created_at=created_at, **extra)


def _create_staff(start: datetime) -> tuple[list[User], User]:
    officers = [_account(u, p, n, "officer", start) for u, p, n in OFFICERS]
    supervisor = _account(*SUPERVISOR, "supervisor", start)
    admin = _account(*ADMIN, "admin", start - timedelta(days=5))
    db.session.add_all([*officers, supervisor, admin])
    db.session.flush()
    return officers, supervisor


@dataclass
class _Identity:
    """Random but fixed details of one business: tax id, phone, address, map point."""

    nit: str | None
    phone: str
    address: str
    point: tuple[float, float]


def _identity(rng: random.Random, business: Business, used_nits: set[str]) -> _Identity:
    nit = None
    while business.nit and (nit is None or nit in used_nits):
        if business.nit == "sas":
            base = str(rng.randint(900_100_000, 901_799_999))
        elif rng.random() < 0.6:  # a person's cédula: older ones from Valledupar start 77 (men) or 49 (women)
            base = rng.choice(("77", "49")) + f"{rng.randint(0, 999_999):06d}"
        else:  # newer cédulas issued in Valledupar
            base = f"1065{rng.randint(0, 999_999):06d}"
        nit = f"{base}-{check_digit(base)}"
    if nit:
        used_nits.add(nit)
    phone = f"{rng.choice(MOBILE_PREFIXES)} {rng.randint(200, 999)} {rng.randint(0, 9999):04d}"
    place = PLACES[business.place]
    if place.kind == "corregimiento":
        address = f"Calle {rng.randint(1, 9)} # {rng.randint(1, 12)}-{rng.randint(2, 60)}"
    else:
        kind = rng.choice(("Calle", "Carrera", "Diagonal", "Transversal"))
        address = (f"{kind} {rng.randint(5, 44)}{rng.choice(('', '', 'A', 'B', 'C'))} "
                   f"# {rng.randint(3, 40)}{rng.choice(('', '', 'A', 'B', 'D'))}-{rng.randint(2, 90)}")
    point = (place.lat + rng.uniform(-0.004, 0.004), place.lon + rng.uniform(-0.004, 0.004))
    return _Identity(nit, phone, address, point)


def _scenarios(rng: random.Random) -> list[str]:
    """One scenario per business: owners' businesses are visited regularly, the rest are dealt at random."""
    others = [i for i, b in enumerate(BUSINESSES) if b.name not in OWNER_ACCOUNTS and b.name not in EXITS]
    rng.shuffle(others)
    dealt = ["never"] * 4 + ["overdue"] * 7 + ["stale"] * 5
    scenarios = ["regular"] * len(BUSINESSES)
    for index, scenario in zip(others, dealt, strict=False):
        scenarios[index] = scenario
    return scenarios


def _plan_mipymes(rng: random.Random, now: datetime, officers: list[User]) -> list[VisitPlan]:
    used_nits: set[str] = set()
    plans, mipymes = [], []
    unassigned_done = False
    for business, scenario in zip(BUSINESSES, _scenarios(rng), strict=True):
        identity = _identity(rng, business, used_nits)
        officer = officers[PLACES[business.place].officer]
        if scenario == "never":
            created = _office_hours(rng, now, rng.randint(3, 40))
            # One newly registered business still waits for the supervisor to assign it.
            if not unassigned_done:
                officer, unassigned_done = None, True
            history_days = 0
        else:
            history_days = rng.randint(95, 180)
            created = _office_hours(rng, now, history_days + rng.randint(3, 15))
        mipyme = Mipyme(
            name=business.name, nit=identity.nit, sector=business.sector, ciiu=business.ciiu, owner_name=business.owner,
            phone=identity.phone, address=identity.address, neighborhood=PLACES[business.place].label,
            officer_id=officer.id if officer else None, active=True, created_at=created, updated_at=created,
            enrolled_on=created.astimezone(programme_zone()).date(),
        )
        mipymes.append(mipyme)
        exit_ago = EXITS[business.name][1] if business.name in EXITS else None
        plans.append(VisitPlan(business, mipyme, scenario, history_days, identity.point, exit_ago))
    db.session.add_all(mipymes)
    db.session.flush()
    return plans


def _office_hours(rng: random.Random, now: datetime, days_ago: int) -> datetime:
    """A moment during office hours (programme time) `days_ago` days before `now`, as aware UTC."""
    zone = programme_zone()
    day = now.astimezone(zone).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=zone).astimezone(UTC)


def _create_owners(plans: list[VisitPlan]) -> None:
    owners = []
    for plan in plans:
        if plan.business.name in OWNER_ACCOUNTS:
            username, password = OWNER_ACCOUNTS[plan.business.name]
            created = plan.mipyme.created_at + timedelta(days=10)
            owners.append(_account(username, password, plan.business.owner, "owner", created,
                                   mipyme_id=plan.mipyme.id))
    db.session.add_all(owners)
    db.session.flush()



def _record_exits(plans: list[VisitPlan], supervisor: User, now: datetime) -> None:
    """Every Mipyme's status history starts active on its enrolment day; the few that left the programme
    (catalogue.EXITS) then have the supervisor's record of it, as the registry keeps one."""
    zone = programme_zone()
    changes = []
    for plan in plans:
        mipyme = plan.mipyme
        changes.append(MipymeStatusChange(mipyme_id=mipyme.id, status="active", effective_on=mipyme.enrolled_on,
                                          reason="", actor_id=supervisor.id, recorded_at=mipyme.created_at))
        if plan.exit_ago is not None:
            status, _days, reason = EXITS[plan.business.name]
            day = now.astimezone(zone).date() - timedelta(days=plan.exit_ago)
            changes.append(MipymeStatusChange(mipyme_id=mipyme.id, status=status, effective_on=day, reason=reason,
                                              actor_id=supervisor.id, recorded_at=_office_hours_on(day, zone)))
            mipyme.status, mipyme.exited_on = status, day
    db.session.add_all(changes)


def _office_hours_on(day: date, zone: ZoneInfo) -> datetime:
    """The supervisor records an exit the next morning."""
    return datetime.combine(day + timedelta(days=1), time(9, 0), tzinfo=zone).astimezone(UTC)
