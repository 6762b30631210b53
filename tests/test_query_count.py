"""Lists cost the same number of SQL statements for 10 Mipymes as for 1,000 (no query per row)."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from fieldwork.extensions import db
from fieldwork.models import Mipyme, Visit
from tests.builders import make_user, store_visits
from tests.conftest import _empty_all_tables, login

NOW = datetime(2025, 6, 15, 17, 0, tzinfo=UTC)


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs."""
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):  # noqa: PLR0913,PLR0917
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before_cursor_execute)


def populate(officer_ids: list[int], how_many: int) -> None:
    """`how_many` Mipymes spread over the officers, each with visits, follow-ups, a dispute or two."""
    mipymes = [Mipyme(name=f"Mipyme {i:04d}", sector="alimentos", neighborhood=f"Comuna {i % 6 + 1}",
                      officer_id=officer_ids[i % len(officer_ids)], active=True) for i in range(how_many)]
    db.session.add_all(mipymes)
    db.session.flush()
    visits = []
    for i, mipyme in enumerate(mipymes):
        for k in range(i % 4):
            visits.append(Visit(
                id=str(uuid.uuid4()), mipyme_id=mipyme.id, officer_id=mipyme.officer_id,
                visited_at=NOW - timedelta(days=10 * k + i % 50), topics=["produccion"], content_hash="0" * 64,
                production_units=100 + k, monthly_sales_cop=1_000_000 * k, employees=k,
                follow_up_due=date(2025, 6, 1) + timedelta(days=i % 30) if k == 0 else None,
                follow_up_reason="Revisar inventario" if k == 0 else None,
                owner_confirmation="disputed" if i % 17 == 0 else "pending",
                review_status=("submitted", "approved", "returned")[i % 3],
            ))
    store_visits(visits)


PAGES: dict[str, tuple[str, Callable[[], str]]] = {
    "api list": ("supervisor", lambda: "/api/v1/mipymes?per_page=1000"),
    "api list by flag": ("supervisor", lambda: "/api/v1/mipymes?per_page=1000&flag=follow_up_overdue"),
    "dashboard": ("supervisor", lambda: "/supervision/?per_page=200"),
    "visit log": ("supervisor", lambda: "/supervision/visits?per_page=200"),
    "mipyme export": ("supervisor", lambda: "/supervision/mipymes.csv"),
    "visit export": ("supervisor", lambda: "/supervision/visits.xlsx"),
    "agenda": ("officer", lambda: "/visits/"),
}


def statements_for(app, make_client, how_many: int, role: str, path: Callable[[], str]) -> int:
    app.config["FIELDWORK_CLOCK"] = lambda: NOW
    officers = [make_user("officer") for _ in range(3)]
    populate([o.id for o in officers], how_many)
    client = make_client()
    login(client, officers[0] if role == "officer" else make_user(role))
    client.get(path())  # warm caches that are filled once per process
    with counting_statements() as statements:
        response = client.get(path())
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return len(statements)


@pytest.mark.parametrize("name", list(PAGES))
def test_the_same_number_of_queries_for_10_and_1000_mipymes(app, make_client, name):
    role, path = PAGES[name]
    few = statements_for(app, make_client, 10, role, path)
    db.session.remove()
    _empty_all_tables(app)
    many = statements_for(app, make_client, 1000, role, path)
    assert few == many
    assert many <= 12
