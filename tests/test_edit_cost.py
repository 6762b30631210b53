"""An edit's cost does not grow with the Mipyme's history (issue 16 item 2): a batch of 50 edits sends
the same SQL statements whether the Mipyme has 30 visits or 3,000, a fixed number for the whole batch,
and its summary row still equals the window over every visit."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from fieldwork.extensions import db
from fieldwork.mipymes import summary
from fieldwork.models import MipymeSummaryRow, Visit
from fieldwork.visits.sync_service import sync_and_commit
from tests.builders import make_mipyme, make_user, visit_payload
from tests.test_query_count import counting_statements

NOW = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
EDITS = 50


def _history(mipyme_id: int, officer_id: int, how_many: int) -> None:
    """`how_many` older visits, written as a restored backup would be, then the rows rebuilt."""
    rows = [{"id": str(uuid.uuid4()), "mipyme_id": mipyme_id, "officer_id": officer_id,
             "visited_at": NOW - timedelta(days=400, minutes=i), "topics": ["produccion"],
             "content_hash": "0" * 64, "revision": 1, "employees": i % 7,
             "review_status": ("approved", "submitted", "returned")[i % 3],
             "owner_confirmation": ("pending", "confirmed", "disputed")[i % 3]} for i in range(how_many)]
    db.session.execute(insert(Visit), rows)
    summary.rebuild()
    db.session.commit()


def _edit_statements(app, history: int) -> list[str]:
    app.config["FIELDWORK_CLOCK"] = lambda: NOW
    with app.test_request_context():
        officer = make_user("officer")
        mipyme = make_mipyme(officer, enrolled_on=(NOW - timedelta(days=500)).date())
        _history(mipyme.id, officer.id, history)
        sent = [visit_payload(mipyme.id, visited_at=(NOW - timedelta(hours=2, minutes=i)).isoformat(), employees=i)
                for i in range(EDITS)]
        assert {r.status for r in sync_and_commit(officer, sent, via="api")} == {"created"}
        edits = [{**visit, "employees": visit["employees"] + 1, "revision": 2} for visit in sent]
        with counting_statements() as statements:
            results = sync_and_commit(officer, edits, via="api")
        assert {r.status for r in results} == {"updated"}
        stored = db.session.execute(select(*(MipymeSummaryRow.__table__.c[n] for n in summary.COLUMNS))).all()
        assert [tuple(r) for r in stored] == [tuple(r) for r in db.session.execute(summary.window_rows()).all()]
        row = db.session.get(MipymeSummaryRow, mipyme.id)
        assert (row.visit_count, row.latest_employees) == (history + EDITS, 1)
        return statements


@pytest.mark.slow
def test_fifty_edits_cost_the_same_statements_at_30_and_at_3000_visits_of_history(app):
    small = _edit_statements(app, 30)
    large = _edit_statements(app, 3000)
    assert len(small) == len(large)
    # The summary's upkeep is a fixed number of statements for the batch: it used to recompute the Mipyme
    # from its whole history once per edited visit (about 9 statements a visit in all).
    assert len(small) <= 4 * EDITS + 20, small
