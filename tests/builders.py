"""Small builders for users, Mipymes and visits (straight into the database, for test set-up)."""
from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fieldwork.extensions import db
from fieldwork.mipymes import projection
from fieldwork.models import Mipyme, Neighborhood, User, Visit
from fieldwork.text.search import folded_name
from fieldwork.web.security import hash_password

PASSWORD = "correct-horse-9"
_counter = itertools.count(1)


def make_user(role: str = "officer", username: str | None = None, mipyme: Mipyme | None = None,
              active: bool = True, name: str | None = None) -> User:
    n = next(_counter)
    user = User(
        username=username or f"{role}{n}",
        name=name or f"{role.title()} {n}",
        role=role,
        mipyme_id=mipyme.id if mipyme is not None else None,
        password_hash=hash_password(PASSWORD),
        active=active,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_neighborhood(name: str, kind: str = "barrio") -> Neighborhood:
    """A place on the programme's list (a Mipyme's neighbourhood must be one)."""
    place = Neighborhood(name=name, search_name=folded_name(name), kind=kind)
    db.session.add(place)
    db.session.commit()
    return place


def make_mipyme(officer: User | None = None, name: str | None = None, **fields: Any) -> Mipyme:
    n = next(_counter)
    values = {
        "name": name or f"Mipyme {n}",
        "sector": "artesanias",
        "neighborhood": "Comuna 1",
        "officer_id": officer.id if officer is not None else None,
        "active": True,
        "created_at": datetime(2025, 1, 1, tzinfo=UTC),
    }
    values.update(fields)
    mipyme = Mipyme(**values)
    db.session.add(mipyme)
    db.session.commit()
    return mipyme


def make_visit(mipyme: Mipyme, officer: User | None = None, visited_at: datetime | None = None,
               follow_up_due: date | None = None, **fields: Any) -> Visit:
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "mipyme_id": mipyme.id,
        "officer_id": (officer.id if officer is not None else mipyme.officer_id),
        "visited_at": visited_at or datetime.now(UTC) - timedelta(days=1),
        "topics": ["produccion"],
        "follow_up_due": follow_up_due,
        "content_hash": "0" * 64,
        "revision": 1,
    }
    values.update(fields)
    visit = Visit(**values)
    store_visits([visit])
    return visit


def store_visits(visits: list[Visit]) -> None:
    """Add and commit visits built by hand; like every writer of visits, tell the summary projection."""
    db.session.add_all(visits)
    for visit in visits:
        projection.visit_changed(None, projection.facts(visit))
    db.session.commit()


def visit_payload(mipyme_id: int, **fields: Any) -> dict[str, Any]:
    """A visit as the phone sends it to /api/v1/visits/sync."""
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "mipyme_id": mipyme_id,
        "visited_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "topics": ["produccion", "comercializacion"],
        "production_units": 120,
        "monthly_sales_cop": 4_500_000,
        "employees": 4,
        "needs": "Capital de trabajo",
        "notes": "Taller ordenado.",
    }
    body.update(fields)
    return body


def load_migration(name: str) -> Any:
    """A migration module by its file name (migrations/versions/<name>.py), to run its SQL by hand."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parent.parent / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)  # type: ignore[union-attr]
    return migration
