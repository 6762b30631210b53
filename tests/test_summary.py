"""The per-Mipyme summary rows always equal what the window over the visits computes, whatever
sequence of syncs, edits, reviews, owner answers and resolutions produced them (SQLite and PostgreSQL);
the per-(Mipyme, officer) answer counts likewise equal a GROUP BY over the visits; `flask summary
rebuild` recomputes both from the visits."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from fieldwork.extensions import db
from fieldwork.mipymes.summary import ANSWER_COLUMNS, COLUMNS, answer_rows, window_rows
from fieldwork.models import AuditEntry, MipymeSummaryRow, OfficerAnswerRow, ReviewEvent, Visit, VisitRevision
from fieldwork.owners.confirmation import confirm_visit
from fieldwork.services import ServiceError
from fieldwork.supervision.review import review_visit
from fieldwork.supervision.services import resolve_dispute
from fieldwork.visits.sync import sync_batch
from tests.builders import load_migration, make_mipyme, make_user, make_visit

NOW = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
# Few instants, so ties (broken by id) are common.
TIMES = [NOW - timedelta(hours=h) for h in (1, 1, 5, 30, 24 * 40)]
figure = st.one_of(st.none(), st.integers(0, 50))

content = st.fixed_dictionaries({
    "mipyme": st.integers(0, 2),
    "visited_at": st.sampled_from(TIMES),
    "production_units": figure,
    "monthly_sales_cop": st.one_of(st.none(), st.integers(0, 10**10)),
    "employees": figure,
    "follow_up_in_days": st.one_of(st.none(), st.integers(0, 20)),
})
# Phones that sync, and who answers: the owner's account, or the link from the officer's phone or from
# the owner's own phone, with or without the owner code (only the account and the code are independent).
PHONES = ("officer-phone", "second-phone")
SPEAKERS = (("account", None), ("link", "officer-phone"), ("link", "owner-phone"), ("link_code", "owner-phone"),
            ("link_code", "officer-phone"))
# One phone's batch: new visits and edits together, several for one Mipyme (sync appends new visits
# that come after a Mipyme's latest and recomputes the others, so both ways must give the same rows).
batch_item = st.one_of(st.tuples(st.just("new"), content), st.tuples(st.just("edit"), st.integers(0, 20), content))
operations = st.lists(st.one_of(
    st.tuples(st.just("sync"), content, st.sampled_from(PHONES)),
    st.tuples(st.just("batch"), st.lists(batch_item, min_size=2, max_size=4), st.sampled_from(PHONES)),
    st.tuples(st.just("edit"), st.integers(0, 20), content, st.sampled_from(PHONES)),
    st.tuples(st.just("review"), st.integers(0, 20), st.sampled_from(["approved", "returned"])),
    st.tuples(st.just("answer"), st.integers(0, 20), st.sampled_from(["confirmed", "disputed"]),
              st.sampled_from(SPEAKERS)),
    st.tuples(st.just("resolve"), st.integers(0, 20), st.sampled_from(["owner_right", "record_stands"])),
), min_size=1, max_size=14)


def stored_rows() -> list[tuple[Any, ...]]:
    table = MipymeSummaryRow.__table__
    return [tuple(r) for r in db.session.execute(select(*(table.c[c] for c in COLUMNS)).order_by(table.c.mipyme_id))]


def window_reference() -> list[tuple[Any, ...]]:
    query = window_rows().subquery()
    return [tuple(r) for r in db.session.execute(select(query).order_by(query.c.mipyme_id))]


def stored_answer_rows() -> list[tuple[Any, ...]]:
    table = OfficerAnswerRow.__table__
    return [tuple(r) for r in db.session.execute(
        select(*(table.c[c] for c in ANSWER_COLUMNS)).order_by(table.c.mipyme_id, table.c.officer_id))]


def answer_reference() -> list[tuple[Any, ...]]:
    query = answer_rows().subquery()
    return [tuple(r) for r in db.session.execute(select(query).order_by(query.c.mipyme_id, query.c.officer_id))]


class World:
    def __init__(self) -> None:
        self.officer = make_user("officer")
        self.second_officer = make_user("officer")
        self.supervisor = make_user("supervisor")
        self.mipymes = [make_mipyme(self.officer), make_mipyme(self.officer), make_mipyme(self.second_officer)]
        self.visits: list[tuple[str, int]] = []  # (id, revision) as the phone holds them

    def payload(self, visit_id: str, revision: int, fields: dict[str, Any]) -> dict[str, Any]:
        due = fields["follow_up_in_days"]
        return {
            "id": visit_id, "revision": revision, "mipyme_id": self.mipymes[fields["mipyme"]].id,
            "visited_at": fields["visited_at"].isoformat(), "topics": ["produccion"],
            "production_units": fields["production_units"], "monthly_sales_cop": fields["monthly_sales_cop"],
            "employees": fields["employees"],
            "follow_up_due": None if due is None else (date(2026, 3, 5) + timedelta(days=due)).isoformat(),
        }

    def officer_of(self, fields: dict[str, Any]) -> Any:
        return self.mipymes[fields["mipyme"]].officer

    def visit(self, index: int) -> Visit | None:
        if not self.visits:
            return None
        return db.session.get(Visit, self.visits[index % len(self.visits)][0])

    def send_batch(self, items: list[tuple[Any, ...]], phone: str) -> None:
        """The first officer's phone sends the items in one batch (another officer's Mipyme is rejected)."""
        payloads, pending = [], {}
        for item in items:
            if item[0] == "new" or not self.visits:
                visit_id, revision, fields = str(uuid.uuid4()), 1, item[-1]
            else:
                visit_id, revision = self.visits[item[1] % len(self.visits)]
                revision, fields = pending.get(visit_id, revision) + 1, item[2]
            pending[visit_id] = revision
            payloads.append(self.payload(visit_id, revision, fields))
        results = sync_batch(self.officer, payloads, NOW, device=phone)
        stored = dict(self.visits)
        for payload, result in zip(payloads, results, strict=True):
            if result.status in ("created", "updated"):
                stored[payload["id"]] = payload["revision"]
        self.visits = list(stored.items())

    def apply(self, operation: tuple[Any, ...]) -> None:
        kind = operation[0]
        try:
            if kind == "sync":
                visit_id = str(uuid.uuid4())
                sync_batch(self.officer_of(operation[1]), [self.payload(visit_id, 1, operation[1])], NOW,
                           device=operation[2])
                self.visits.append((visit_id, 1))
            elif kind == "batch":
                self.send_batch(operation[1], operation[2])
            elif kind == "edit" and self.visits:
                index = operation[1] % len(self.visits)
                visit_id, revision = self.visits[index]
                sync_batch(self.officer_of(operation[2]), [self.payload(visit_id, revision + 1, operation[2])], NOW,
                           device=operation[3])
                self.visits[index] = (visit_id, revision + 1)
            elif (visit := self.visit(operation[1])) is not None:
                if kind == "review":
                    comment = "Corrija las ventas." if operation[2] == "returned" else None
                    review_visit(self.supervisor, visit, operation[2], comment, via="api")
                elif kind == "answer":
                    answered_via, device = operation[3]
                    confirm_visit(visit, operation[2], "No fue así." if operation[2] == "disputed" else None,
                                  answered_via=answered_via, device=device)
                else:
                    resolve_dispute(self.supervisor, visit, "Hablamos con el propietario.", operation[2], via="api")
        except ServiceError:
            db.session.rollback()  # a refused step changes nothing, the summary included
            return
        db.session.commit()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_summary_rows_equal_the_window_over_visits_after_any_sequence(app, steps):
    with app.test_request_context():
        for model in (AuditEntry, VisitRevision, ReviewEvent, MipymeSummaryRow, OfficerAnswerRow, Visit):
            db.session.execute(delete(model))
        db.session.commit()
        world = World()
        for step in steps:
            world.apply(step)
            assert stored_rows() == window_reference(), step
            assert stored_answer_rows() == answer_reference(), step


# Mostly a phone's batches, with the owners' answers and reviews that give the counts something to carry:
# sync appends most of these new visits to the rows, and the rows must still equal the window.
phone_operations = st.lists(st.one_of(
    st.tuples(st.just("batch"), st.lists(batch_item, min_size=1, max_size=4), st.sampled_from(PHONES)),
    st.tuples(st.just("answer"), st.integers(0, 20), st.sampled_from(["confirmed", "disputed"]),
              st.sampled_from(SPEAKERS)),
    st.tuples(st.just("review"), st.integers(0, 20), st.sampled_from(["approved", "returned"])),
), min_size=3, max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=phone_operations)
def test_rows_appended_by_sync_equal_the_window_over_visits(app, steps):
    test_summary_rows_equal_the_window_over_visits_after_any_sequence.hypothesis.inner_test(app, steps)


def test_rebuild_command_recomputes_rows_from_the_visits(app):
    officer = make_user("officer")
    mipyme = make_mipyme(officer)
    make_visit(mipyme, visited_at=NOW - timedelta(days=3), employees=2)
    make_visit(mipyme, visited_at=NOW - timedelta(days=1), employees=5)
    expected, answers = stored_rows(), stored_answer_rows()
    assert expected and expected[0][1] == 2  # two visits, kept in step as they were stored
    assert answers == [(mipyme.id, officer.id, 2, 0, 0, 0, 2)]
    db.session.execute(delete(MipymeSummaryRow))  # e.g. a restored backup without the table's rows
    db.session.execute(delete(OfficerAnswerRow))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["summary", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "1 Mipymes con visitas" in result.output
    db.session.expire_all()
    assert (stored_rows(), stored_answer_rows()) == (expected, answers)


def test_the_migration_fills_the_rows_the_app_would_write(app):
    """The migration's hand-written backfill (for databases that already hold visits), with 0011's
    recount of the visits awaiting the owner and 0015's verification counts, agrees with `window_rows`."""
    from sqlalchemy import text

    migration = load_migration("0006_mipyme_summaries")
    officer = make_user("officer")
    first, second = make_mipyme(officer), make_mipyme(officer)
    make_visit(first, visited_at=NOW - timedelta(days=3), employees=2, owner_confirmation="disputed")
    make_visit(first, visited_at=NOW - timedelta(days=3), employees=4, follow_up_due=date(2026, 3, 9))
    make_visit(second, visited_at=NOW, monthly_sales_cop=4_500_000, review_status="approved")
    # What the results' verification counts: answers, a resolved dispute, a returned visit (not counted).
    for answer, via in (("confirmed", "account"), ("confirmed", "link"), ("disputed", None)):
        make_visit(second, visited_at=NOW - timedelta(days=1), owner_confirmation=answer, confirmed_via=via,
                   dispute_resolved_at=NOW if answer == "disputed" else None)
    make_visit(second, visited_at=NOW - timedelta(days=2), review_status="returned", owner_confirmation="confirmed",
               confirmed_via="link_code")
    expected = window_reference()
    verification = [COLUMNS.index(name) for name in ("counting_visits", "counting_confirmed",
                                                     "counting_independent", "counting_disputed")]
    assert [[row[i] for i in verification] for row in expected] == [[1, 0, 0, 0], [4, 2, 1, 1]]
    db.session.execute(delete(MipymeSummaryRow))
    db.session.execute(text(migration.BACKFILL))
    db.session.execute(text(load_migration("0011_awaiting_owner").AWAITING_OWNER))  # approved visits await too
    db.session.execute(text(load_migration("0015_summary_verification").BACKFILL))  # the results' verification
    db.session.commit()
    assert stored_rows() == expected


def test_the_answer_counts_migration_fills_the_rows_the_app_would_write(app):
    """0008's hand-written backfill, recounted by 0010, agrees with `answer_rows`: independent and
    same-device confirmations (through the link, from the phone that synced the visit), disputes and
    pending, per officer."""
    from sqlalchemy import text

    migration = load_migration("0008_officer_answer_counts")
    officer, other = make_user("officer"), make_user("officer")
    mipyme = make_mipyme(officer)
    phone = "a" * 64
    make_visit(mipyme, owner_confirmation="confirmed", confirmed_via="link", link_device=phone, sync_device=phone)
    make_visit(mipyme, owner_confirmation="confirmed", confirmed_via="link", link_device="b" * 64, sync_device=phone)
    make_visit(mipyme, owner_confirmation="confirmed", confirmed_via="account")
    make_visit(mipyme, owner_confirmation="disputed", officer=other)
    make_visit(mipyme)
    expected = answer_reference()
    # Since 0010 a link answer counts as the owner's only with the owner code: here, only the account's.
    assert expected == [(mipyme.id, officer.id, 4, 1, 1, 0, 1), (mipyme.id, other.id, 1, 0, 0, 1, 0)]
    assert stored_answer_rows() == expected  # kept in step by every write
    db.session.execute(delete(OfficerAnswerRow))
    db.session.execute(text(migration.BACKFILL))
    owner_code = load_migration("0010_owner_code")
    db.session.execute(text(owner_code.recount(owner_code.INDEPENDENT, owner_code.SAME_DEVICE)))
    db.session.commit()
    assert stored_answer_rows() == expected


def test_rebuild_of_a_programme_without_visits_says_so(app):
    make_mipyme(make_user("officer"))  # registered, never visited: no summary row
    result = app.test_cli_runner().invoke(args=["summary", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "0 Mipymes con visitas" in result.output
