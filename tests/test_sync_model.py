"""A hypothesis state machine: any interleaving of sends, replays, edits, stale revisions, reviews
and lost answers leaves exactly one row per id, holding the latest allowed content.

The model is a dict of what the server should hold; every step sends a batch through `sync_batch`
(the function the endpoint calls), checks each answer against the model, and compares the whole
table with it. `FIELDWORK_SYNC_EXAMPLES` raises the number of examples (CI: 500).
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, select, text

from fieldwork.extensions import db
from fieldwork.models import AuditEntry, ReviewEvent, Visit, VisitRevision
from fieldwork.visits.sync import sync_batch
from tests.builders import make_mipyme, make_user

EXAMPLES = int(os.environ.get("FIELDWORK_SYNC_EXAMPLES", "50"))
NOW = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
TIMES = [NOW - timedelta(hours=h) for h in (1, 5, 30)]
NOTES = [None, "Taller ordenado.", "Necesita crédito", "Revisar inventario"]
TOPIC_SETS = [["produccion"], ["comercializacion", "produccion"], ["financiacion", "formacion"]]


@dataclass(frozen=True)
class Version:
    """One version of a visit as a phone holds it (already canonical: UTC time, sorted topics)."""

    id: str
    officer: int  # index into the machine's officers
    revision: int
    employees: int | None
    notes: str | None
    topics: tuple[str, ...]
    visited_at: datetime
    foreign_mipyme: bool = False  # on the other officer's Mipyme: always rejected

    def content(self) -> tuple:
        return (self.revision, self.employees, self.notes, self.topics, self.visited_at, self.foreign_mipyme)


@dataclass
class Row:
    version: Version
    status: str = "submitted"


versions = st.builds(
    dict,
    employees=st.one_of(st.none(), st.integers(0, 30)),
    notes=st.sampled_from(NOTES),
    topics=st.sampled_from(TOPIC_SETS).map(tuple),
    visited_at=st.sampled_from(TIMES),
)


class SyncMachine(RuleBasedStateMachine):
    sent = Bundle("sent")  # every version any phone ever sent: replays pick from here

    def __init__(self, world: dict[str, Any]) -> None:
        super().__init__()
        self.world = world
        self.model: dict[str, Row] = {}
        self.latest: dict[str, Version] = {}  # what the phone holds now, per id
        for model in (AuditEntry, VisitRevision, ReviewEvent, Visit):  # the visit's history rows first
            db.session.execute(delete(model))
        db.session.commit()

    # --- the server's rules, written as plainly as possible ------------------------------------
    def expect(self, officer: int, version: Version) -> str:
        row = self.model.get(version.id)
        if row is not None:
            if row.version.officer != officer:
                return "rejected"
            if row.version.content() == version.content() or version.revision < row.version.revision:
                return "duplicate"
            if row.status == "approved":
                return "rejected"
        if version.foreign_mipyme:
            return "rejected"
        if row is None:
            self.model[version.id] = Row(version)
            return "created"
        row.version = version
        if row.status == "returned":
            row.status = "submitted"
        return "updated"

    def payload(self, version: Version) -> dict[str, Any]:
        mipyme = self.world["mipymes"][1 - version.officer if version.foreign_mipyme else version.officer]
        return {"id": version.id, "mipyme_id": mipyme.id, "visited_at": version.visited_at.isoformat(),
                "topics": list(version.topics), "employees": version.employees, "notes": version.notes,
                "revision": version.revision}

    def send(self, officer: int, batch: list[Version]) -> None:
        results = sync_batch(self.world["officers"][officer], [self.payload(v) for v in batch], NOW)
        db.session.commit()
        expected = [self.expect(officer, v) for v in batch]
        assert [r.status for r in results] == expected, (batch, results)
        assert [r.id for r in results] == [v.id for v in batch]
        for status in expected:
            event(status)  # --hypothesis-show-statistics shows that every status is reached

    # --- what phones and supervisors do ----------------------------------------------------------
    @initialize(target=sent, fields=versions, officer=st.integers(0, 1))
    def first_visit(self, fields: dict[str, Any], officer: int) -> Version:
        return self.new_visit(fields, officer, foreign=False)

    @rule(target=sent, fields=versions, officer=st.integers(0, 1), foreign=st.booleans())
    def new_visit(self, fields: dict[str, Any], officer: int, foreign: bool) -> Version:
        version = Version(id=str(uuid.uuid4()), officer=officer, revision=1, foreign_mipyme=foreign, **fields)
        self.latest[version.id] = version
        self.send(officer, [version])
        return version

    @rule(target=sent, old=sent, fields=versions, bump=st.sampled_from([1, 1, 1, 0, 3]), fix=st.booleans())
    def edit(self, old: Version, fields: dict[str, Any], bump: int, fix: bool) -> Version:
        """The phone edits its latest version (bump 0: an edit that forgot to raise the revision;
        fix: the officer picks their own Mipyme after a rejection)."""
        current = self.latest[old.id]
        foreign = current.foreign_mipyme and not fix
        version = replace(current, revision=current.revision + bump, foreign_mipyme=foreign, **fields)
        self.latest[old.id] = version
        self.send(version.officer, [version])
        return version

    @rule(old=sent)
    def replay(self, old: Version) -> None:
        """A retried request whose first answer was lost, or a stale copy resent later."""
        self.send(old.officer, [old])

    @rule(visits=st.lists(sent, min_size=1, max_size=6))
    def batch_with_repeats(self, visits: list[Version]) -> None:
        by_officer = [v for v in visits if v.officer == visits[0].officer]
        self.send(visits[0].officer, by_officer + by_officer[:2])

    @rule(old=sent)
    def other_officer_reuses_the_id(self, old: Version) -> None:
        self.send(1 - old.officer, [replace(old, officer=1 - old.officer, notes="ajena")])

    @rule(old=sent, decision=st.sampled_from(["approved", "returned"]))
    def review(self, old: Version, decision: str) -> None:
        row = self.model.get(old.id)
        if row is None or row.status != "submitted":
            return
        visit = db.session.get(Visit, old.id)
        visit.review_status = decision
        db.session.commit()
        row.status = decision

    @rule(old=consumes(sent))
    def forget_a_copy(self, old: Version) -> None:
        """Phones drop old copies from their outbox; keeps the bundle from only growing."""

    # --- the property ----------------------------------------------------------------------------
    @invariant()
    def table_matches_the_model(self) -> None:
        db.session.expire_all()
        rows = {v.id: v for v in db.session.scalars(select(Visit))}
        assert set(rows) == set(self.model)
        for visit_id, row in self.model.items():
            visit, version = rows[visit_id], row.version
            officer = self.world["officers"][version.officer]
            assert visit.officer_id == officer.id and visit.review_status == row.status
            assert (visit.revision, visit.employees, visit.notes, tuple(visit.topics), visit.visited_at) == (
                version.revision, version.employees, version.notes, version.topics, version.visited_at)


def test_any_interleaving_leaves_one_row_per_id_with_the_latest_allowed_content(app):
    # Thousands of commits: durability on power loss is not what this test checks, and waiting for
    # fsync on each commit makes it several times slower. The connection is disposed after the test.
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("PRAGMA synchronous=OFF"))
    else:
        db.session.execute(text("SET synchronous_commit TO OFF"))
        db.session.commit()
    officers = [make_user("officer"), make_user("officer")]
    mipymes = [make_mipyme(officer) for officer in officers]
    world = {"officers": officers, "mipymes": mipymes}
    run_state_machine_as_test(
        lambda: SyncMachine(world),
        settings=settings(max_examples=EXAMPLES, stateful_step_count=15, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]),
    )
